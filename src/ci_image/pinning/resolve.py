"""What a registry says about a reference now: the one place ``pin``, ``check --fix``
and ``check --registry`` ask it, through the registry API of
:mod:`ci_image.publish.registry` (skopeo).

- :meth:`RegistryQueries.current_digest`: the digest a reference's tag resolves to now.
  For a multi-platform image that is the digest of its index (the manifest list), the
  one ``docker pull`` and Renovate pin, so every platform's runner pulls the same image.
- :meth:`RegistryQueries.digest_exists`: whether the registry holds a pinned digest.

Docker Hub's short names resolve as a runner resolves them (``python:3.12`` is
``docker.io/library/python:3.12``). TLS verification is off only for the hosts named by
``--insecure-registry`` or ``insecure-registries`` (the warning for a host that is not
loopback stays).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ci_image.errors import CiImageError
from ci_image.reference import DEFAULT_REGISTRY, Reference
from ci_image.trace import Trace

if TYPE_CHECKING:
    from ci_image.publish.registry import Registry, RegistryOptions


def registry_host(reference: Reference) -> str:
    """The registry a reference is pulled from, as its runner sees it (Docker Hub's
    old name index.docker.io is docker.io)."""
    host = reference.registry or DEFAULT_REGISTRY
    return DEFAULT_REGISTRY if host == "index.docker.io" else host


class RegistryQueries:
    """Questions about references, to whichever registries they name."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def current_digest(self, reference: Reference) -> str | None:
        """The digest ``reference``'s tag resolves to now; None when there is no such tag."""
        return self._registry.tag_digest(reference)

    def digest_exists(self, reference: Reference) -> bool:
        """Whether the registry holds the manifest ``reference``'s digest names."""
        return self._registry.digest_exists(reference)


@contextmanager
def registry_queries(
    options: RegistryOptions, *, environ: Mapping[str, str], trace: Trace
) -> Iterator[RegistryQueries]:
    """Queries for one command; the registry session's private files go with it."""
    # Imported here: only commands that ask a registry load its code.
    from ci_image.publish.registry import registry_session  # noqa: PLC0415

    with registry_session(options, environ=environ, trace=trace) as registry:
        yield RegistryQueries(registry)


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
