"""The files a push changed, computed the way the Forgejo server computes them.

Forgejo's ``GetFilesChangedBetween`` (``modules/git/repo_compare.go``) runs::

    git diff-tree --name-only --root --no-commit-id -r -z BASE HEAD

with BASE the commit before the push (the payload's ``before``). For a new branch BASE
is the all-zeros id of the repository's object format; Forgejo then runs the command
with HEAD alone, which lists the files of HEAD's own commit against its first parent
(every file for a root commit, none for a merge commit). No rename detection: a rename
is its old path and its new path. We run the same command with real git.

Source: Forgejo ``modules/git/repo_compare.go`` (``Repository.GetFilesChangedBetween``; the
all-zeros id is ``objectFormat.EmptyObjectID()``), reached from ``matchPushEvent`` through
``Commit.GetFilesChangedSinceCommit(pushPayload.Before)`` (``modules/git/commit.go``), in the
Forgejo state :mod:`ci_image.triggers.decision` cites (no release tag established).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from ci_image import process
from ci_image.errors import CiImageError
from ci_image.process import Program

TIMEOUT = 120
DIFF_TREE = ("diff-tree", "--name-only", "--root", "--no-commit-id", "-r", "-z")


@dataclass(frozen=True)
class Changes:
    """The changed files between two commits, with the ids the names resolved to."""

    base: str
    head: str
    files: tuple[str, ...]
    new_branch: bool


GIT = Program("git", "install git, or pass --changed PATH... instead of --git")


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return process.run(
        [GIT.find(), "-C", str(repo), *args], timeout=TIMEOUT, what=f"git {args[0]} in {repo}"
    )


def _stderr(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    return lines[-1] if lines else f"git exited with {result.returncode}"


def _check_repository(repo: Path) -> str:
    """The repository's object format (sha1 or sha256), or a clear error."""
    result = _git(repo, "rev-parse", "--show-object-format")
    if result.returncode != 0:
        raise CiImageError(
            f"{repo} is not in a git repository ({_stderr(result)}); run the command in "
            "the repository the push goes to, or pass --changed PATH..."
        )
    return result.stdout.strip() or "sha1"


def _resolve(repo: Path, revision: str, role: str) -> str:
    if not revision or revision.startswith("-"):
        raise CiImageError(f"--git {role} {revision!r} is not a commit; give a commit id")
    result = _git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if result.returncode != 0:
        raise CiImageError(
            f"--git {role} {revision!r} is not a commit in {repo}; fetch it or check the id"
        )
    return result.stdout.strip()


def zero_id(object_format: str) -> str:
    """Forgejo's ``EmptyObjectID`` for the repository: the ``before`` of a new branch."""
    return "0" * (64 if object_format == "sha256" else 40)


def changed_files(repo: Path, base: str, head: str) -> Changes:
    """The files Forgejo sees as changed by a push from ``base`` to ``head``."""
    object_format = _check_repository(repo)
    head_id = _resolve(repo, head, "HEAD")
    new_branch = base == zero_id(object_format)
    args: tuple[str, ...]
    if new_branch:
        base_id = base
        args = (*DIFF_TREE, head_id)
    else:
        base_id = _resolve(repo, base, "BASE")
        args = (*DIFF_TREE, base_id, head_id)
    result = _git(repo, *args)
    if result.returncode != 0:  # pragma: no cover - both ids were just verified as commits
        raise CiImageError(f"git diff-tree failed: {_stderr(result)}")
    # Names end with NUL; Go's strings.Split leaves an empty last item that Forgejo drops.
    names = result.stdout.split("\0")[:-1]
    return Changes(base=base_id, head=head_id, files=tuple(names), new_branch=new_branch)
