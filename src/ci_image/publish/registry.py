"""Asking registries about tags and digests, through skopeo: the query API.

``push``, ``release``, ``check --registry`` and ``pin`` ask registries the same few
questions, all answered by ``skopeo inspect --raw`` (:mod:`ci_image.publish.skopeo`;
only :mod:`ci_image.publish.realm` asks one anonymous ``GET /v2/`` itself), so
credentials, credential helpers, TLS and registries.conf are those of the containers
tools. Open a :func:`registry_session`, then:

- :meth:`Registry.tag_digest`: the digest a tag resolves to, as ``docker pull`` sees it
  (for a multi-platform image, the index's digest), or None;
- :meth:`Registry.digest_exists`: does the repository hold that manifest?
- :meth:`Registry.manifest`: a manifest (its digest, media type, config digest and
  layers), or None;
- :meth:`Registry.config`: the raw config blob an image manifest names (for an index,
  the image skopeo picks for this platform), or None.

Each question is one skopeo run (two requests: ``GET /v2/`` and the manifest; a third
for the config blob), retried when the failure is transient, within ``timeout`` seconds
each. An answer by digest is checked against the digest asked for: the sha256 of the
bytes received is the manifest's digest, never taken on trust.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ci_image.errors import CiImageError
from ci_image.output import warn
from ci_image.publish import skopeo
from ci_image.publish.credentials import (
    ENV_AUTH_FILE,
    check_authfile,
    environment_credentials,
    read_auth_files,
    write_authfile,
)
from ci_image.publish.realm import refuse_plain_http_realm
from ci_image.publish.retry import with_retries
from ci_image.reference import DIGEST_RE, Reference, split_host
from ci_image.trace import Trace

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
INDEX_TYPES = frozenset({OCI_INDEX, DOCKER_LIST})
DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_STALL_SECONDS = 300.0
MAX_LABEL = 63  # DNS: the longest label of a host name
# ``--insecure``: every host (``--insecure-registry`` names them one by one).
ALL_HOSTS = frozenset({"*"})


@dataclass(frozen=True)
class RegistryOptions:
    """How to reach registries: the same options for every command that asks them.

    ``insecure_hosts``: registries reached over plain HTTP or without TLS verification;
    :data:`ALL_HOSTS` for every one. ``timeout``: seconds for one question, everything
    included. ``stall``: seconds an upload may go without moving data.
    """

    authfile: Path | None = None
    cert_dir: Path | None = None
    insecure_hosts: frozenset[str] = frozenset()
    retries: int = 3
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    stall: float = DEFAULT_STALL_SECONDS

    def is_insecure(self, registry: str) -> bool:
        return self.insecure_hosts == ALL_HOSTS or registry in self.insecure_hosts


@dataclass(frozen=True)
class Descriptor:
    media_type: str
    digest: str
    size: int


@dataclass(frozen=True)
class Manifest:
    """A manifest as the registry holds it; ``config_digest`` is None for an index."""

    digest: str
    media_type: str
    config_digest: str | None
    layers: tuple[Descriptor, ...] = ()

    @property
    def is_index(self) -> bool:
        return self.config_digest is None


def parse_manifest(raw: bytes, where: str) -> Manifest:
    """A manifest's digest (of these bytes), media type, config and layers."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise CiImageError(f"{where} returned a manifest that is not a JSON object")
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    media_type = str(data.get("mediaType") or (OCI_INDEX if "manifests" in data else OCI_MANIFEST))
    config = data.get("config")
    config_digest = config.get("digest") if isinstance(config, dict) else None
    if "manifests" in data or not isinstance(config_digest, str):
        return Manifest(digest, media_type, None)
    if not DIGEST_RE.fullmatch(config_digest):
        return Manifest(digest, media_type, None)
    layers = []
    for layer in data.get("layers") or []:
        if not isinstance(layer, dict):
            continue
        layer_digest, size = layer.get("digest"), layer.get("size")
        if not isinstance(layer_digest, str) or not isinstance(size, int):
            continue
        if DIGEST_RE.fullmatch(layer_digest):
            layers.append(Descriptor(str(layer.get("mediaType", "")), layer_digest, size))
    return Manifest(digest, media_type, config_digest, tuple(layers))


def check_host(registry: str) -> None:
    """Refuse a registry address no request could reach, before any request is made.

    The reference grammar allows labels of any length (a name is bounded only by the
    255 characters of the whole repository); DNS allows 63 per label.
    """
    host, port = split_host(registry)
    problem = None
    if port and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        problem = f"the port {port} is not a number in 1..65535"
    elif registry.startswith("["):
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            problem = f"[{host}] is not an IPv6 address"
    else:
        longest = max(host.split("."), key=len)
        if len(longest) > MAX_LABEL:
            problem = (
                f"the host name has a label of {len(longest)} characters "
                f"({longest[:12]}...); DNS allows {MAX_LABEL}"
            )
    if problem is not None:
        raise CiImageError(
            f"cannot contact the registry {registry[:80]}{'...' if len(registry) > 80 else ''}: "
            f"{problem}; fix the registry part of the reference"
        )


def is_loopback(registry: str) -> bool:
    host = split_host(registry)[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def registry_of(reference: Reference) -> str:
    return reference.canonical_repository.split("/", 1)[0]


@dataclass
class Registry:
    """Questions to registries, one :func:`registry_session` long; see the module
    docstring. Use :meth:`access` for what skopeo needs to reach one registry."""

    options: RegistryOptions
    environ: Mapping[str, str]
    trace: Trace
    work: Path
    _access: dict[str, skopeo.Access] = field(default_factory=dict)
    # Answers by digest never change: each is asked once per session.
    _by_digest: dict[tuple[str, bool], bytes | None] = field(default_factory=dict)

    def access(self, registry: str) -> skopeo.Access:
        """Credentials, certificates and transport for ``registry``, settled once: a host
        no request could reach is refused, ``--insecure`` towards a remote host is warned
        about, secrets are registered for redaction, and a plain-HTTP token realm behind
        HTTPS is refused (:mod:`ci_image.publish.realm`)."""
        if registry in self._access:
            return self._access[registry]
        check_host(registry)
        insecure = self.options.is_insecure(registry)
        if insecure and not is_loopback(registry):
            warn(
                f"--insecure: talking to {registry} without TLS verification; anyone on the "
                "network path could change what is pushed or read"
            )
        if self.options.cert_dir is not None and not self.options.cert_dir.is_dir():
            raise CiImageError(f"--cert-dir {self.options.cert_dir} is not a directory")
        authfile = self._authfile(registry)
        files = read_auth_files(registry, authfile, self.environ)
        self.trace.add_secrets(*files.secrets)
        if not insecure:
            home = Path(self.environ.get("HOME") or Path.home())
            refuse_plain_http_realm(registry, self.options.cert_dir, home, self.trace)
        label = None
        if authfile is not None and self.options.authfile is None:
            label = "CI_IMAGE_REGISTRY_USER/CI_IMAGE_REGISTRY_PASSWORD"
        access = skopeo.Access(
            registry, authfile, self.options.cert_dir, insecure, label, files.creds_store_hint
        )
        self._access[registry] = access
        return access

    def _authfile(self, registry: str) -> Path | None:
        """``--authfile``; else the CI secret as a private file; else None: skopeo searches
        (``REGISTRY_AUTH_FILE``, the default files, credential helpers)."""
        if self.options.authfile is not None:
            check_authfile(self.options.authfile)
            self.trace(f"credentials for {registry}: --authfile {self.options.authfile}")
            return self.options.authfile
        credentials = environment_credentials(self.environ)
        if credentials is not None:
            self.trace.add_secrets(*credentials.secrets)
            self.trace(
                f"credentials for {registry}: CI_IMAGE_REGISTRY_USER/CI_IMAGE_REGISTRY_PASSWORD "
                "(a private auth file)"
            )
            target = self.work / f"auth-{len(self._access)}"
            target.mkdir(mode=0o700)
            return write_authfile(credentials, registry, target)
        if self.environ.get(ENV_AUTH_FILE):
            check_authfile(Path(self.environ[ENV_AUTH_FILE]))
        self.trace(f"credentials for {registry}: as skopeo finds them")
        return None

    # Questions -----------------------------------------------------------------------

    def tag_digest(self, reference: Reference) -> str | None:
        """The digest ``reference``'s tag resolves to now; None when the tag does not exist."""
        if reference.tag is None:
            raise CiImageError(f"{reference} has no tag to resolve")
        found = self.manifest(reference.with_pin(reference.tag, None))
        return None if found is None else found.digest

    def digest_exists(self, reference: Reference) -> bool:
        """Does the repository hold the manifest ``reference``'s digest names?"""
        if reference.digest is None:
            raise CiImageError(f"{reference} has no digest to look up")
        return self.manifest(reference.with_pin(None, reference.digest)) is not None

    def manifest(self, reference: Reference) -> Manifest | None:
        """The manifest ``reference`` names (by digest if it has one, else by tag)."""
        raw = self._ask(reference, config=False)
        if raw is None:
            return None
        where = registry_of(reference)
        found = parse_manifest(raw, where)
        if reference.digest is not None and found.digest != reference.digest:
            raise CiImageError(
                f"{where} returned a manifest for {reference.bare}@{reference.digest} whose "
                f"sha256 is {found.digest}; the registry or a proxy altered it"
            )
        return found

    def config(self, reference: Reference) -> bytes | None:
        """The raw config blob of the image ``reference`` names; None if there is none."""
        return self._ask(reference, config=True)

    def _ask(self, reference: Reference, *, config: bool) -> bytes | None:
        registry = registry_of(reference)
        access = self.access(registry)
        name = reference.canonical_repository
        if reference.digest is not None:
            target = f"{name}@{reference.digest}"  # skopeo 1.9.3 refuses TAG@DIGEST
        elif reference.tag is not None:
            target = f"{name}:{reference.tag}"
        else:
            raise CiImageError(f"{reference} names neither a tag nor a digest")
        if reference.digest is not None and (target, config) in self._by_digest:
            return self._by_digest[(target, config)]
        environ = dict(self.environ, TMPDIR=str(self.work))
        answer = with_retries(
            lambda: skopeo.inspect(
                target, access, config=config, timeout=self.options.timeout,
                trace=self.trace, environ=environ,
            ),
            retries=self.options.retries,
            what=f"asking {registry}",
            trace=self.trace,
        )  # fmt: skip
        if reference.digest is not None:
            self._by_digest[(target, config)] = answer
        return answer


@contextmanager
def registry_session(
    options: RegistryOptions,
    *,
    environ: Mapping[str, str],
    trace: Trace,
    work: Path | None = None,
) -> Iterator[Registry]:
    """A :class:`Registry` whose private files (the CI secret's auth file) live in
    ``work`` (a 0700 directory), or in a private temporary directory removed at the end."""
    if work is not None:
        yield Registry(options, environ, trace, work)
        return
    with tempfile.TemporaryDirectory(prefix="ci-image-") as name:
        yield Registry(options, environ, trace, Path(name))
