"""Which files are the workflows: Forgejo's discovery rule, inside the repository.

Forgejo reads the first existing directory of ``.forgejo/workflows``, ``.gitea/workflows``
and ``.github/workflows``, recursively, ``*.yml`` and ``*.yaml``, from git. Nothing read or
written here may lead out of the repository through a symlink: a checkout's links are
entries of the repository, and Forgejo never follows them.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ci_image.errors import CiImageError

# Forgejo reads the first of these that exists, recursively, *.yml and *.yaml.
DISCOVERY_DIRS = (".forgejo/workflows", ".gitea/workflows", ".github/workflows")
WORKFLOW_SUFFIXES = (".yml", ".yaml")


def find_workflow_dir(root: Path, override: Path | None = None) -> Path:
    """The directory Forgejo reads workflows from below ``root``, or ``override`` when given."""
    if override is not None:
        return existing_workflow_dir(override)
    for candidate in DISCOVERY_DIRS:
        directory = root / candidate
        if directory.is_dir():
            return directory
    raise CiImageError(
        f"no workflow directory in {root}: none of {', '.join(DISCOVERY_DIRS)} exists; "
        "create one or pass --workflows DIR"
    )


def existing_workflow_dir(directory: Path) -> Path:
    """``directory`` (from --workflows or the settings), refused unless it is a directory."""
    if not directory.is_dir():
        raise CiImageError(
            "workflow directory does not exist; pass an existing --workflows DIR "
            "or fix workflows in [tool.ci-image]",
            path=directory,
        )
    return directory


def repository_boundary(directory: Path) -> Path:
    """The repository a workflow directory belongs to, resolved: nothing read or written
    through a symlink may lead out of it.

    Found from the path as written, not from where its links lead: a workflow directory
    that is a link to another tree must not make that tree the boundary. The nearest
    ancestor holding ``.git`` (else ``pyproject.toml``) is the repository. A link on the
    way is an entry inside a repository, never its root; and a holder reached through a
    link that lies inside an outer holder is the link's target, so the outer one counts.
    With neither marker, the nearest real directory on the path is the boundary.
    """
    written = Path(os.path.abspath(directory))  # noqa: PTH100 - lexical: links not followed
    candidates = [path for path in (written, *written.parents) if not path.is_symlink()]
    links = [path for path in (written, *written.parents) if path.is_symlink()]
    for marker in (".git", "pyproject.toml"):
        holders = [path for path in candidates if os.path.lexists(path / marker)]
        if holders:
            chosen = holders[0]
            for outer in holders[1:]:
                if any(outer in link.parents and chosen.is_relative_to(link) for link in links):
                    chosen = outer
            return chosen.resolve()
    return candidates[0].resolve()


def _refuse_escaping_directory(directory: Path, boundary: Path) -> None:
    """A workflow directory that is (or lies below) a link out of the repository is not
    what Forgejo reads, and ``pin`` would write through it into another tree."""
    real = directory.resolve()
    if not real.is_relative_to(boundary):
        raise CiImageError(
            f"leads through a symlink to {real}, outside the repository {boundary}; Forgejo "
            "reads the workflows from git, not through links: replace the link with the "
            "directory itself, or pass --workflows DIR inside the repository. Nothing was "
            "changed",
            path=directory,
        )


def list_workflow_files(directory: Path) -> list[Path]:
    """Every ``*.yml``/``*.yaml`` below ``directory``, sorted, as Forgejo discovers them."""
    boundary = repository_boundary(directory)
    _refuse_escaping_directory(directory, boundary)
    found: list[Path] = []
    for current, dirnames, filenames in os.walk(directory):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(WORKFLOW_SUFFIXES):
                path = Path(current) / name
                _refuse_escaping_symlink(path, boundary)
                found.append(path)
    return found


def _refuse_escaping_symlink(path: Path, boundary: Path) -> None:
    if not path.is_symlink():
        return
    try:
        target = Path(os.path.realpath(path, strict=True))
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise loop_error(path) from None
        raise CiImageError(
            f"is a symlink to {path.readlink()}, which does not exist; replace it with "
            "the file itself or remove it",
            path=path,
        ) from None
    if not target.is_relative_to(boundary):
        raise CiImageError(
            f"is a symlink to {target}, outside the repository {boundary}; Forgejo reads "
            "the workflow from git, not through links: replace it with the file itself",
            path=path,
        )


def loop_error(path: Path) -> CiImageError:
    return CiImageError(
        "is a symlink that leads back to itself (a loop), not a workflow file; "
        "replace it with the file itself or remove it",
        path=path,
    )
