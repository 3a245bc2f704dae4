"""Which files are the workflows: Forgejo's discovery rule, inside the repository.

Forgejo reads the first existing directory of ``.forgejo/workflows``, ``.gitea/workflows``
and ``.github/workflows``, recursively, ``*.yml`` and ``*.yaml``, from git. Nothing read or
written here may lead out of the repository through a symlink: a checkout's links are
entries of the repository, and Forgejo never follows them.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ci_image.errors import CiImageError
from ci_image.output import display_path, notice

# Forgejo reads the first of these that exists, recursively, *.yml and *.yaml.
DISCOVERY_DIRS = (".forgejo/workflows", ".gitea/workflows", ".github/workflows")
WORKFLOW_SUFFIXES = (".yml", ".yaml")
MAX_FILE_BYTES = 4 * 1024 * 1024


def find_workflow_dir(root: Path, override: Path | None = None) -> Path:
    """The directory Forgejo reads workflows from below ``root``, or ``override`` when given."""
    if override is not None:
        return existing_workflow_dir(override)
    directory = discovered_workflow_dir(root)
    if directory is None:
        raise CiImageError(
            f"no workflow directory in {root}: none of {', '.join(DISCOVERY_DIRS)} exists; "
            "create one or pass --workflows DIR"
        )
    return directory


def discovered_workflow_dir(root: Path) -> Path | None:
    """The first of Forgejo's workflow directories that exists below ``root``, if any."""
    return next(
        (root / candidate for candidate in DISCOVERY_DIRS if (root / candidate).is_dir()), None
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
    """Every ``*.yml``/``*.yaml`` below ``directory``, sorted, as Forgejo discovers them.

    Only regular files (or links to them) are workflows: git stores nothing else, and
    opening a FIFO would wait for a writer forever. Anything else with such a name is
    skipped, with a note, without being opened. A link that leads out of the repository
    is refused.
    """
    boundary = repository_boundary(directory)
    _refuse_escaping_directory(directory, boundary)
    found: list[Path] = []
    pending = [directory]
    while pending:
        current = pending.pop()
        with os.scandir(current) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
        subdirectories: list[Path] = []
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                subdirectories.append(path)
            elif entry.name.endswith(WORKFLOW_SUFFIXES):
                _refuse_escaping_symlink(path, boundary)
                if not entry.is_file():  # follows a link; never opens the file
                    notice(
                        f"{display_path(path)}: skipped: {_file_kind(path)}, not a workflow file"
                    )
                    continue
                found.append(path)
        # Depth first, in name order, a directory's files before its subdirectories.
        pending.extend(reversed(subdirectories))
    return found


def _file_kind(path: Path) -> str:
    """What a non-regular file is, for the note that skips it."""
    mode = path.stat().st_mode
    kinds = {
        stat.S_ISDIR: "a link to a directory",
        stat.S_ISFIFO: "a FIFO (named pipe)",
        stat.S_ISSOCK: "a socket",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
    }
    return next((kind for test, kind in kinds.items() if test(mode)), "not a regular file")


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


def read_text(path: Path) -> str:
    """The file's text, decoded as strict UTF-8 with line endings untouched.

    Opened without waiting (a FIFO would block ``open`` until a writer comes) and read
    only when it is a regular file.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(descriptor, "rb") as stream:
            mode = os.fstat(descriptor).st_mode
            if not stat.S_ISREG(mode):
                kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file (a FIFO?)"
                raise CiImageError(f"is {kind}, not a workflow file", path=path)
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise loop_error(path) from None
        raise CiImageError(
            f"cannot read: {error.strerror or error}; check its permissions", path=path
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise CiImageError(
            f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; not a workflow", path=path
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise CiImageError(
            f"is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "save the file as UTF-8",
            path=path,
            line=line,
        ) from None
