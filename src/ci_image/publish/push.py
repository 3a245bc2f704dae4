"""Publishing an archive: idempotent by image ID, never moving a tag, verified by digest.

1. Read the archive (tag, config digest = image ID) before touching the network.
2. Ask the registry what the tag holds (``skopeo inspect --raw``, two requests):
   the same image ID -> nothing to upload, report the registry's manifest digest;
   another image -> refuse: an immutable tag must never move.
3. Otherwise learn which layers the repository holds (:mod:`ci_image.publish.reuse`),
   hash every other layer against the config in one pass, and let skopeo copy the image
   from ci-image's own 127.0.0.1 source (:mod:`ci_image.publish.source`): layers the
   repository holds are found with a ``HEAD`` and not sent, on any runner.
4. Right before skopeo writes the manifest (when it asks the source for the config),
   re-read the tag: if another push wrote it meanwhile, refuse before overwriting.
5. After the upload, and once as much time has passed again as skopeo took from step
   4 to its end, re-read the tag: it must resolve to the digest skopeo reported, with
   this archive's config. The printed digest is the registry's, never a prediction.

Two pushes of different images under one tag: the registry offers no compare-and-swap on
tags, so one window remains, between step 4's re-read and skopeo's manifest write (the
config upload and one request, milliseconds). When both pushes pass step 4 before
either writes, the earlier writer's step 5 must come after the later write: so it waits
as long as its own last step took, which the other's takes too, and then exits 2 naming
the image the tag holds, while the later writer sees its own image and succeeds. (Without
the wait a re-read right after the write passed, and both succeeded: seen once in 735
scenarios, two pushes started together.) Only a later write delayed by more than that
still goes unseen; ``release`` re-reads the tag once more right before it writes pins.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ci_image.errors import CiImageError
from ci_image.publish import skopeo
from ci_image.publish.archive import ArchiveError, ArchiveImage, Blob, read_archive, stage_layers
from ci_image.publish.registry import (
    DOCKER_MANIFEST,
    Descriptor,
    Manifest,
    Registry,
    RegistryOptions,
    registry_of,
    registry_session,
)
from ci_image.publish.retry import with_retries
from ci_image.publish.reuse import config_diff_ids, known_layers, pinned_images
from ci_image.reference import MalformedReferenceError, Reference, validate_tag
from ci_image.trace import Trace

DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
UNCOMPRESSED_LAYER = "application/vnd.docker.image.rootfs.diff.tar"


@dataclass(frozen=True)
class PushOptions:
    archive: Path
    repository: Reference
    registry: RegistryOptions = field(default_factory=RegistryOptions)
    tag: str | None = None
    tmpdir: Path | None = None
    policy: Path | None = None  # None: one that accepts exactly ci-image's own source
    workflows: Path | None = None  # where the pins to learn layers from are read


@dataclass(frozen=True)
class Transfer:
    """What went to the registry, and what it already had (compressed sizes)."""

    layers_uploaded: int
    bytes_uploaded: int
    layers_reused: int
    bytes_reused: int

    def summary(self) -> str:
        return (
            f"uploaded {self.layers_uploaded} of {self.layers_uploaded + self.layers_reused} "
            f"layers ({_megabytes(self.bytes_uploaded)}), reused {self.layers_reused} already "
            f"in the repository ({_megabytes(self.bytes_reused)})"
        )


def _megabytes(count: int) -> str:
    return f"{count / 1e6:.1f} MB"


@dataclass(frozen=True)
class PushResult:
    reference: Reference  # REPO:TAG@DIGEST, the digest as the registry reports it
    config_digest: str
    skipped: bool
    transfer: Transfer

    def as_json(self) -> dict[str, Any]:
        return {
            "reference": str(self.reference),
            "repository": self.reference.repository,
            "tag": self.reference.tag,
            "digest": self.reference.digest,
            "config_digest": self.config_digest,
            "skipped": self.skipped,
            "layers_uploaded": self.transfer.layers_uploaded,
            "bytes_uploaded": self.transfer.bytes_uploaded,
            "layers_reused": self.transfer.layers_reused,
            "bytes_reused": self.transfer.bytes_reused,
        }


@dataclass(frozen=True)
class Plan:
    """What a push would do, from the archive and the registry's current state."""

    repository: Reference
    image: ArchiveImage
    tag: str
    existing: Manifest | None  # set when the tag already holds this image

    @property
    def reference(self) -> Reference | None:
        """The pinned reference, if already known (the tag holds this image)."""
        if self.existing is None:
            return None
        return self.repository.with_pin(self.tag, self.existing.digest)

    @property
    def tagged(self) -> Reference:
        return self.repository.with_pin(self.tag, None)


def plan_push(options: PushOptions, registry: Registry, trace: Trace) -> Plan:
    """Read the archive and ask the registry; refuse if the tag holds another image."""
    repository = options.repository
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
    tagged = repository.with_pin(tag, None)
    existing = registry.manifest(tagged)
    if existing is not None and existing.config_digest != image.config_digest:
        raise _refusal(tagged, existing, image, registry, options.archive)
    return Plan(repository=repository, image=image, tag=tag, existing=existing)


def _refusal(
    tagged: Reference, held: Manifest, image: ArchiveImage, registry: Registry, archive: Path
) -> CiImageError:
    """Why the tag is not overwritten, and what to do: a tag is immutable."""
    if held.is_index:
        advice = "tags are immutable: rebuild so the image gets its own tag"
    else:
        advice = _advice_for(tagged, held, image, registry)
    return CiImageError(
        f"refusing to move the tag: {tagged} already holds {_held(held)}, not this "
        f"archive's image {image.config_digest}; {advice}",
        path=archive,
    )


def _held(manifest: Manifest) -> str:
    """What a tag holds, as messages name it."""
    if manifest.is_index:
        return (
            f"an index or config-less manifest ({manifest.media_type}, manifest {manifest.digest})"
        )
    return f"image {manifest.config_digest} (manifest {manifest.digest})"


def _advice_for(tagged: Reference, held: Manifest, image: ArchiveImage, registry: Registry) -> str:
    """Rebuilding gives the same tag again: that advice fits only a different build."""
    config = registry.config(tagged.with_pin(None, held.digest))
    if config is None or config_diff_ids(config) != list(image.diff_ids):
        return "tags are immutable: rebuild so the image gets its own tag"
    pin = f"ci-image pin {tagged.with_pin(tagged.tag, held.digest)}"
    if _same_json(config, image.config):
        return (
            "it has the same layers and the same config, encoded differently (another tool "
            f"re-wrote it, e.g. copied as {held.media_type}): it is this build under another "
            f"image ID; pin it as it is ({pin}), or delete the tag in the registry and push "
            "again to publish this archive's encoding (rebuilding gives the same tag)"
        )
    return (
        "it has the same layers but another config (created, labels or settings differ): "
        f"pin it as it is ({pin}) if that image is right, else delete the tag in the registry "
        "and push again; rebuilding gives the same tag"
    )


def _same_json(first: bytes, second: bytes) -> bool:
    """Both are JSON already (their diff_ids were read)."""
    return bool(json.loads(first) == json.loads(second))


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
    with (
        private_tmpdir(options.tmpdir) as work,
        registry_session(options.registry, environ=environ, trace=trace, work=work) as registry,
    ):
        plan = plan_push(options, registry, trace)
        return finish_push(plan, options, registry, work, trace)


def finish_push(
    plan: Plan,
    options: PushOptions,
    registry: Registry,
    work: Path,
    trace: Trace,
) -> PushResult:
    """Carry out a plan: nothing to do when the tag holds the image, else upload and verify."""
    if plan.existing is not None and plan.reference is not None:
        trace(f"{plan.tagged} already holds this image; nothing to upload")
        held = plan.existing.layers
        transfer = Transfer(0, 0, len(held), sum(layer.size for layer in held))
        return PushResult(plan.reference, plan.image.config_digest, True, transfer)
    pins = pinned_images(options.workflows, options.repository, trace)
    known = known_layers(registry, pins, trace)
    done = _Upload(plan, options, registry, work, trace).run(known)
    # A push whose gate passed just before this one's manifest write writes its own as
    # long after its gate as this one took from its gate to the end: wait that long, so
    # the re-read sees it, and not only a write that came later (see the module's text).
    time.sleep(max(0.0, done.settled - time.monotonic()))
    stored = confirm_tag(registry, plan, done.digest)
    return PushResult(
        reference=plan.repository.with_pin(plan.tag, done.digest),
        config_digest=plan.image.config_digest,
        skipped=False,
        transfer=_transfer(plan.image, stored, done.uploaded, done.reused),
    )


@dataclass(frozen=True)
class _Uploaded:
    digest: str  # the manifest digest skopeo reported
    uploaded: frozenset[str] | None  # the layers skopeo said it sent; None: its log did not say
    reused: set[str]  # the diff_ids named by registry digest
    settled: float  # time.monotonic() from which another writer would have been seen


@dataclass(frozen=True)
class _Upload:
    """One upload of a plan: skopeo copy from ci-image's source, then the digest."""

    plan: Plan
    options: PushOptions
    registry: Registry
    work: Path
    trace: Trace

    def run(self, known: dict[str, Descriptor]) -> _Uploaded:
        """Upload what the repository lacks; a layer the registry lost (its ``HEAD``
        answered 404) is sent after all."""
        image = self.plan.image
        reused = {diff_id: known[diff_id] for diff_id in image.diff_ids if diff_id in known}
        layers = self.work / "layers"
        layers.mkdir()
        staged = stage_layers(image, set(image.diff_ids) - set(reused), layers)
        uploaded: set[str] = set()  # over every attempt
        while True:
            try:
                digest, decided, last_step = self._copy(reused, staged, uploaded)
                sent = frozenset(uploaded) if decided else None
                return _Uploaded(digest, sent, set(reused), time.monotonic() + last_step)
            except skopeo.MissingSourceBlobError as error:
                lost = [d for d, layer in reused.items() if layer.digest == error.digest]
                if not lost:  # pragma: no cover - the source only misses what it was told of
                    raise
                self.trace(f"{error.message}; uploading it after all")
                for diff_id in lost:
                    del reused[diff_id]
                staged.update(stage_layers(image, set(lost), layers))

    def _copy(
        self, reused: dict[str, Descriptor], staged: dict[str, Blob], uploaded: set[str]
    ) -> tuple[str, bool, float]:
        """The digest, whether skopeo's log said what it sent, and how long the copy ran
        after the gate let it through (the config upload and the manifest write)."""
        # Imported here: only an upload serves the image.
        from ci_image.publish.source import ImageSource, policy_for  # noqa: PLC0415

        plan, image, trace = self.plan, self.plan.image, self.trace
        manifest = _source_manifest(image, reused)
        trace(f"{len(reused)} of {len(image.layers)} layers are in the repository already")

        def gate() -> None:
            current = self.registry.manifest(plan.tagged)
            if current is not None and current.config_digest != image.config_digest:
                raise _overwritten(plan, current, "while this push uploaded")

        access = self.registry.access(registry_of(plan.repository))
        digestfile = self.work / "digest"
        with ImageSource(manifest, image.config_digest, image.config, staged, gate) as source:
            policy = self.options.policy
            if policy is None:
                policy = self.work / "policy.json"
                policy.write_text(policy_for(source), encoding="utf-8")
            request = skopeo.CopyRequest(
                source=source.reference,
                destination=str(plan.tagged),
                access=access,
                digestfile=digestfile,
                tmpdir=self.work,
                policy=policy,
            )

            def attempt() -> skopeo.CopyOutcome:
                source.reset_gate()
                try:
                    return skopeo.copy(
                        request,
                        stall=self.options.registry.stall,
                        trace=trace,
                        environ=dict(self.registry.environ),
                        waiting=lambda: source.waiting,
                        missing=lambda: source.missing,
                        uploaded=uploaded,
                    )
                except CiImageError:
                    if source.gate_error is not None:
                        raise source.gate_error from None
                    raise

            outcome = with_retries(
                attempt,
                retries=self.options.registry.retries,
                what=f"skopeo copy to {access.registry}",
                trace=trace,
            )
            passed = source.gate_passed_at
            last_step = 0.0 if passed is None else time.monotonic() - passed
        digest = digestfile.read_text(encoding="utf-8").strip() if digestfile.exists() else ""
        if not digest.startswith("sha256:"):  # pragma: no cover - skopeo writes it on success
            raise CiImageError(f"skopeo reported no manifest digest for {access.registry}")
        return digest, outcome.decided, last_step


def _source_manifest(image: ArchiveImage, reused: dict[str, Descriptor]) -> bytes:
    """Docker schema 2, as a docker-archive source gives skopeo: reused layers by their
    registry digest, the others uncompressed by diff_id."""
    layers = []
    for layer in image.layers:
        held = reused.get(layer.diff_id)
        if held is not None:
            layers.append({"mediaType": held.media_type, "size": held.size, "digest": held.digest})
        else:
            layers.append({"mediaType": UNCOMPRESSED_LAYER, "size": layer.size,
                           "digest": layer.diff_id})  # fmt: skip
    config = {"mediaType": DOCKER_CONFIG, "size": len(image.config), "digest": image.config_digest}
    document = {"schemaVersion": 2, "mediaType": DOCKER_MANIFEST, "config": config,
                "layers": layers}  # fmt: skip
    return json.dumps(document, separators=(",", ":")).encode()


def confirm_tag(registry: Registry, plan: Plan, digest: str) -> Manifest:
    """The tag resolves to ``digest``, whose config is the archive's; else another push
    wrote the tag after this one (exit 2, naming the image it holds now)."""
    current = registry.manifest(plan.tagged)
    if current is None or current.digest != digest:
        raise _overwritten(plan, current, "right after this push wrote it")
    if current.config_digest != plan.image.config_digest:  # pragma: no cover - a registry bug
        raise CiImageError(
            f"{plan.tagged}@{digest} holds config {current.config_digest}, not this archive's "
            f"{plan.image.config_digest}: the registry did not keep what was pushed"
        )
    return current


def _overwritten(plan: Plan, current: Manifest | None, when: str) -> CiImageError:
    held = "no image (the tag was deleted)" if current is None else _held(current)
    return CiImageError(
        f"{plan.tagged} was written by someone else {when}: it now holds {held}, not this "
        f"archive's image {plan.image.config_digest}; two pushes raced for one tag (a "
        "registry cannot refuse the second): find out which build is right, and pin that one",
        path=plan.image.path,
    )


def _transfer(
    image: ArchiveImage, stored: Manifest, uploaded: frozenset[str] | None, reused: set[str]
) -> Transfer:
    """Counted on the manifest the registry holds: its compressed sizes. ``uploaded``: the
    layers skopeo said it sent; None when its log did not say (another skopeo release),
    and then every layer not named by a registry digest counts as sent."""
    sent = kept = sent_bytes = kept_bytes = 0
    for layer, diff_id in zip(stored.layers, image.diff_ids, strict=False):
        if layer.digest in uploaded if uploaded is not None else diff_id not in reused:
            sent, sent_bytes = sent + 1, sent_bytes + layer.size
        else:
            kept, kept_bytes = kept + 1, kept_bytes + layer.size
    return Transfer(sent, sent_bytes, kept, kept_bytes)


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
    """A 0700 directory for the layers to upload, the auth file and skopeo's files.

    Removed when the block ends, also on errors, Ctrl-C and SIGTERM (which the CLI turns
    into the same interruption).
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
