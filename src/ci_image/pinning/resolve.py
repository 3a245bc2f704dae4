"""What a registry says about a reference now: the one place ``pin``, ``check --fix``
and ``check --registry`` ask it.

- :meth:`RegistryQueries.current_digest`: the digest a reference's tag resolves to now.
  For a multi-platform image that is the digest of its index (the manifest list), the
  one ``docker pull`` and Renovate pin, so every platform's runner pulls the same
  image; the registry's answer is hashed as received, never taken on trust.
- :meth:`RegistryQueries.digest_exists`: whether the registry holds a pinned digest.

Docker Hub's short names resolve as a runner resolves them (``python:3.12`` is
``docker.io/library/python:3.12``). One client per repository (credentials and
tokens are per repository), made when first needed. TLS verification is off only for
the hosts named by ``--insecure-registry`` or ``insecure-registries`` (the warning for
a host that is not loopback stays).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ci_image.errors import CiImageError
from ci_image.reference import DEFAULT_REGISTRY, Reference
from ci_image.trace import Trace

if TYPE_CHECKING:
    from ci_image.publish.registry import RegistryClient, RegistryOptions


def registry_host(reference: Reference) -> str:
    """The registry a reference is pulled from, as its runner sees it (Docker Hub's
    old name index.docker.io is docker.io)."""
    host = reference.registry or DEFAULT_REGISTRY
    return DEFAULT_REGISTRY if host == "index.docker.io" else host


@dataclass(frozen=True)
class RegistryAccess:
    """How to reach registries: ``push``'s options, and the hosts reached without TLS
    verification (the flags and the setting together)."""

    options: RegistryOptions
    insecure_hosts: frozenset[str] = frozenset()

    def options_for(self, host: str) -> RegistryOptions:
        return replace(self.options, insecure=self.options.insecure or host in self.insecure_hosts)


class RegistryQueries:
    """Questions about references, to whichever registries they name."""

    def __init__(self, access: RegistryAccess, *, environ: Mapping[str, str], trace: Trace):
        self._access = access
        self._environ = environ
        self._trace = trace
        self._clients: dict[str, RegistryClient] = {}

    def current_digest(self, reference: Reference) -> str | None:
        """The digest ``reference``'s tag resolves to now; None when there is no such tag."""
        # Imported here: only commands that ask a registry load its client (http, ssl).
        from ci_image.publish.registry import tag_digest  # noqa: PLC0415

        return tag_digest(self._client(reference), reference)

    def digest_exists(self, reference: Reference) -> bool:
        """Whether the registry holds the manifest ``reference``'s digest names."""
        from ci_image.publish.registry import digest_exists  # noqa: PLC0415

        return digest_exists(self._client(reference), reference)

    def _client(self, reference: Reference) -> RegistryClient:
        from ci_image.publish.registry import client_for  # noqa: PLC0415

        key = reference.canonical_repository
        if key not in self._clients:
            options = self._access.options_for(registry_host(reference))
            self._clients[key] = client_for(
                reference, options, environ=self._environ, trace=self._trace
            )
        return self._clients[key]


def resolve_tag(queries: RegistryQueries, reference: Reference) -> str:
    """The digest to pin ``reference`` (which has a tag) at, or one error line when the
    registry has no such tag."""
    digest = queries.current_digest(reference)
    if digest is None:
        raise CiImageError(
            f"{registry_host(reference)} has no tag {reference.tag} in "
            f"{reference.canonical_repository.split('/', 1)[1]}: nothing to pin "
            f"{reference} to; check the tag (or push the image first)"
        )
    return digest
