"""The image name a project gets from its git remote: ``HOST/OWNER/REPO``, lower-cased.

Forgejo serves a repository's container registry on the same host as the repository
(Forgejo v7 docs, "Container Registry": ``HOST/OWNER/IMAGE``), so the remote that a
maintainer pushes to names the registry too. Registries accept lower-case repository
names only (distribution v2.8 reference/regexp.go), so the name is lower-cased.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ci_image.reference import MalformedReferenceError, parse_repository

# Hosts known not to be Forgejo: their registries live elsewhere, so a derived name would
# be wrong (GitHub's is ghcr.io, GitLab's registry.gitlab.com).
NOT_FORGEJO = {
    "github.com": "ghcr.io",
    "gitlab.com": "registry.gitlab.com",
    "bitbucket.org": "none",
}
# scp-like syntax of git (git-clone(1), "GIT URLS"): [user@]host:path, no scheme.
_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>[^/].*)$")


@dataclass(frozen=True)
class RemoteImage:
    """What a remote URL says about the image name: the name, or why there is none."""

    name: str | None
    problem: str | None = None


def image_from_remote(url: str) -> RemoteImage:
    """``HOST/OWNER/REPO`` from ``https://HOST/OWNER/REPO(.git)``, ``ssh://[user@]HOST[:port]/
    OWNER/REPO`` or ``[user@]HOST:OWNER/REPO``; a port is kept for http(s) only (an ssh
    port is not the registry's)."""
    url = url.strip()
    host, path = _host_and_path(url)
    if host is None:
        return RemoteImage(None, f"{url!r} is not a remote on a forge (a local path or bundle)")
    host = host.lower()
    bare_host = host.partition(":")[0]
    if bare_host in NOT_FORGEJO:
        registry = NOT_FORGEJO[bare_host]
        elsewhere = f"its registry is {registry}" if registry != "none" else "it has no registry"
        return RemoteImage(None, f"{bare_host} is not a Forgejo host ({elsewhere})")
    parts = [part for part in path.strip("/").split("/") if part]
    if parts and parts[-1].endswith(".git"):
        parts[-1] = parts[-1][: -len(".git")]
    if len(parts) != 2:
        return RemoteImage(None, f"{url!r} does not name OWNER/REPO on its host")
    name = "/".join(part.lower() for part in (host, *parts))
    try:
        parse_repository(name)
    except MalformedReferenceError as error:  # an ssh alias as host, an odd repository name
        return RemoteImage(None, f"{name!r} (from {url!r}) is not an image name: {error}")
    return RemoteImage(name)


def _host_and_path(url: str) -> tuple[str | None, str]:
    if "://" in url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", "ssh", "git", "git+ssh", "ssh+git"):
            return None, ""
        host = parts.hostname
        if not host:
            return None, ""
        if parts.port is not None and parts.scheme in ("http", "https"):
            host = f"{host}:{parts.port}"
        return host, parts.path
    match = _SCP_LIKE.match(url)
    if match is None:
        return None, ""
    return match.group("host"), match.group("path")
