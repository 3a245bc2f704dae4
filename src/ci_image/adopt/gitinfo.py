"""What git knows that ``init`` uses: the remote's URL and the default branch.

Asked of real git (``ci_image.process``), read-only. A directory that is no repository,
or git that is missing, just means "unknown": ``--image`` and ``--branch`` say the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ci_image.errors import CiImageError
from ci_image.process import Program, run

GIT = Program("git", "install git, or pass --image and --branch")
TIMEOUT = 30.0
DEFAULT_BRANCH = "main"


@dataclass(frozen=True)
class Remote:
    name: str
    url: str


def _git(root: Path, *args: str) -> list[str] | None:
    """git's output lines, or None when git fails or is not installed."""
    try:
        program = GIT.find()
    except CiImageError:
        return None
    result = run([program, "-C", str(root), *args], timeout=TIMEOUT, what=f"git {args[0]}")
    if result.returncode != 0:
        return None
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def push_remote(root: Path) -> Remote | None:
    """``origin``, else the only remote; None when there is none or several."""
    names = _git(root, "remote") or []
    name = "origin" if "origin" in names else names[0] if len(names) == 1 else None
    if name is None:
        return None
    url = _git(root, "remote", "get-url", name)
    return Remote(name, url[0]) if url else None


def default_branch(root: Path) -> str:
    """The remote's default branch (``origin/HEAD``), else ``init.defaultBranch``, else
    ``main``: the branch whose reviewed inputs become the image."""
    head = _git(root, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD")
    if head and "/" in head[0]:
        return head[0].split("/", 1)[1]
    configured = _git(root, "config", "--get", "init.defaultBranch")
    return configured[0] if configured else DEFAULT_BRANCH
