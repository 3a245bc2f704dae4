"""Publishing an archive: idempotent by image ID, never moving a tag, verified by digest.

1. Read the archive (tag, config digest = image ID) before touching the network.
2. Ask the registry what the tag holds (one manifest GET):
   the same image ID -> nothing to upload, report the registry's manifest digest;
   another image -> refuse: an immutable tag must never move.
3. Otherwise check every layer against the config, then ``skopeo copy`` (retried when
   transient), and read the digest skopeo wrote (``--digestfile``).
4. Verify by digest that the registry holds that manifest with the archive's config,
   and that the tag resolves to it. The printed digest is the registry's, never a
   prediction (skopeo re-compresses layers, so only the config digest is reproducible).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ci_image.errors import CiImageError
from ci_image.publish import skopeo
from ci_image.publish.archive import (
    ArchiveError,
    ArchiveImage,
    plain_archive,
    read_archive,
    verify_layers,
)
from ci_image.publish.credentials import RegistryAuth, skopeo_authfile
from ci_image.publish.registry import (
    ManifestInfo,
    RegistryClient,
    RegistryOptions,
    api_path,
    client_for,
)
from ci_image.publish.retry import with_retries
from ci_image.reference import MalformedReferenceError, Reference, validate_tag
from ci_image.trace import Trace


@dataclass(frozen=True)
class PushOptions:
    archive: Path
    repository: Reference
    tag: str | None = None
    authfile: Path | None = None
    cert_dir: Path | None = None
    insecure: bool = False
    retries: int = 3
    tmpdir: Path | None = None
    policy: Path = skopeo.POLICY

    @property
    def registry_options(self) -> RegistryOptions:
        return RegistryOptions(
            authfile=self.authfile,
            cert_dir=self.cert_dir,
            insecure=self.insecure,
            retries=self.retries,
        )


@dataclass(frozen=True)
class PushResult:
    reference: Reference  # REPO:TAG@DIGEST, the digest as the registry reports it
    config_digest: str
    skipped: bool
    # 0 when skipped; None after an upload. What an upload sent is not known: skopeo
    # compresses each layer while it pushes, so the compressed digests (the only ones the
    # registry knows) exist only afterwards and cannot be asked about beforehand, and
    # skopeo reports which blobs it skipped only in its --debug log.
    bytes_uploaded: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            "reference": str(self.reference),
            "repository": self.reference.repository,
            "tag": self.reference.tag,
            "digest": self.reference.digest,
            "config_digest": self.config_digest,
            "skipped": self.skipped,
            "bytes_uploaded": self.bytes_uploaded,
        }


@dataclass(frozen=True)
class Plan:
    """What a push would do, from the archive and the registry's current state."""

    repository: Reference
    image: ArchiveImage
    tag: str
    client: RegistryClient
    existing: ManifestInfo | None  # set when the tag already holds this image

    @property
    def auth(self) -> RegistryAuth:
        return self.client.auth

    @property
    def reference(self) -> Reference | None:
        """The pinned reference, if already known (the tag holds this image)."""
        if self.existing is None:
            return None
        return self.repository.with_pin(self.tag, self.existing.digest)


def plan_push(options: PushOptions, trace: Trace, environ: Mapping[str, str]) -> Plan:
    """Read the archive and ask the registry; refuse if the tag holds another image."""
    repository = options.repository
    _registry_of(repository)
    image = read_archive(options.archive)
    if options.tag is None:
        tag = _archive_tag(image)
    else:
        try:
            tag = validate_tag(options.tag, "--tag")
        except MalformedReferenceError as error:
            raise CiImageError(str(error)) from None
    _refuse_movable(tag, options)
    _note_name(image, repository, trace)
    client = client_for(repository, options.registry_options, environ=environ, trace=trace)
    existing = client.get_manifest(api_path(repository), tag)
    if existing is not None and existing.config_digest != image.config_digest:
        held = existing.config_digest or f"an index or config-less manifest ({existing.media_type})"
        raise CiImageError(
            f"refusing to move the tag: {repository}:{tag} already holds image {held} "
            f"(manifest {existing.digest}), not this archive's image {image.config_digest}; "
            "tags are immutable: rebuild so the image gets its own tag",
            path=options.archive,
        )
    return Plan(repository=repository, image=image, tag=tag, client=client, existing=existing)


def _archive_tag(image: ArchiveImage) -> str:
    """The archive's one tag; when it has none or several, ``--tag`` is the way out."""
    try:
        return image.single_tag()
    except ArchiveError as error:
        error.message += "; or pass --tag TAG"
        raise


def _refuse_movable(tag: str, options: PushOptions) -> None:
    """``latest`` names whatever was pushed last: a pin to it would not be immutable."""
    if tag == "latest":
        given = "--tag latest" if options.tag is not None else "the archive's tag 'latest'"
        raise CiImageError(
            f"refusing to push {given}: 'latest' moves with every push, and pins must name "
            "an immutable tag (check reports it as CI001); push under the tag Nix gave the "
            "image (its store hash: drop --tag, or build with tag = null)",
            path=None if options.tag is not None else options.archive,
        )


def push(options: PushOptions, trace: Trace, environ: Mapping[str, str]) -> PushResult:
    with private_tmpdir(options.tmpdir) as work:
        plan = plan_push(options, trace, environ)
        return finish_push(plan, options, work, trace)


def finish_push(plan: Plan, options: PushOptions, work: Path, trace: Trace) -> PushResult:
    """Carry out a plan: nothing to do when the tag holds the image, else upload and verify."""
    if plan.reference is not None:
        trace(f"{plan.reference.bare}:{plan.tag} already holds this image; nothing to upload")
        return PushResult(
            reference=plan.reference,
            config_digest=plan.image.config_digest,
            skipped=True,
            bytes_uploaded=0,
        )
    digest = _upload(plan, options, work, trace)
    _verify(plan, options.repository, digest)
    return PushResult(
        reference=options.repository.with_pin(plan.tag, digest),
        config_digest=plan.image.config_digest,
        skipped=False,
        bytes_uploaded=None,
    )


def _upload(plan: Plan, options: PushOptions, work: Path, trace: Trace) -> str:
    registry = _registry_of(options.repository)
    digestfile = work / "digest"
    with plain_archive(plan.image, work) as plain:
        verify_layers(plain, plan.image)
        with skopeo_authfile(plan.auth, work) as authfile:
            request = skopeo.CopyRequest(
                archive=plain,
                destination=f"{options.repository}:{plan.tag}",
                registry=registry,
                digestfile=digestfile,
                tmpdir=work,
                policy=options.policy,
                authfile=authfile,
                cert_dir=options.cert_dir,
                insecure=options.insecure,
            )
            with_retries(
                lambda: _copy(request, trace),
                retries=options.retries,
                what=f"skopeo copy to {registry}",
                trace=trace,
            )
    digest = digestfile.read_text(encoding="utf-8").strip() if digestfile.exists() else ""
    if not digest.startswith("sha256:"):  # pragma: no cover - skopeo writes it on success
        raise CiImageError(f"skopeo reported no manifest digest for {registry}")
    return digest


def _copy(request: skopeo.CopyRequest, trace: Trace) -> None:
    try:
        skopeo.copy(request, trace)
    except CiImageError as error:
        error.message = trace.redact(error.message)
        raise


def _verify(plan: Plan, repository: Reference, digest: str) -> None:
    """The registry holds ``digest`` with the archive's config, and the tag resolves to it."""
    stored = plan.client.get_manifest(api_path(repository), digest)
    current = plan.client.get_manifest(api_path(repository), plan.tag)
    stored_config = None if stored is None else stored.config_digest
    tag_digest = None if current is None else current.digest
    if stored_config != plan.image.config_digest or tag_digest != digest:  # pragma: no cover
        # Only a registry that loses what it accepted, or a concurrent push, gets here.
        raise CiImageError(
            f"after the push, {repository}@{digest} holds config {stored_config} (expected "
            f"{plan.image.config_digest}) and the tag {plan.tag} resolves to {tag_digest}; "
            "the registry did not keep what was pushed, or someone pushed the tag at the "
            "same time: check it, then run again"
        )


def _registry_of(repository: Reference) -> str:
    if repository.registry is None:  # pragma: no cover - parse_repository requires a host
        raise CiImageError(f"{repository} names no registry host")
    return repository.registry


def _note_name(image: ArchiveImage, repository: Reference, trace: Trace) -> None:
    """The archive's own name is a local label (dockerTools' ``name``); only its tag is used."""
    names = {repo_tag.rpartition(":")[0] for repo_tag in image.repo_tags}
    if names and repository.repository not in names:
        trace(
            f"the archive calls itself {', '.join(sorted(names))}; pushing to {repository} "
            "(only the tag is taken from the archive)"
        )


@contextmanager
def private_tmpdir(parent: Path | None) -> Iterator[Path]:
    """A 0700 directory for the decompressed archive, the auth file and skopeo's files.

    Removed when the block ends, also on errors and on SIGTERM (which the CLI turns into
    an interrupt, so this cleanup runs).
    """
    try:
        directory = tempfile.TemporaryDirectory(
            prefix="ci-image-", dir=None if parent is None else parent.absolute()
        )
    except OSError as error:
        where = parent or tempfile.gettempdir()
        raise CiImageError(
            f"cannot create a temporary directory in {where}: {error.strerror or error}; "
            "pass --tmpdir DIR"
        ) from None
    with directory as name:
        yield Path(name)
