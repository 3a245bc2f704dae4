"""Write several files as one change: all of them, or none.

Every new content first goes to a temporary file next to its target (same directory,
so the final rename cannot cross file systems), is fsynced and given the target's mode;
only when every temporary exists are they renamed over their targets. If any target is
read-only or any temporary cannot be written, every temporary is removed and no target
is touched; if a rename fails or the run is interrupted between renames, the files
already replaced get their old content back. A symlinked target is written through: the
link stays, its file changes (the workflow loader decides which links may be followed).
A new file (``original`` None) is created the same way, with the directories it needs;
undoing removes it and the directories made for it.

Ctrl-C and SIGTERM (which the CLI turns into the same interrupt) are held back for the
few instructions that create a temporary file and register it for removal, and while
an interrupted change is undone: an interrupt can land anywhere else and still leave
every file as it was. Only SIGKILL, which nothing can catch, leaves temporaries
behind; they are named ``.NAME.XXXXXXXX.ci-image.tmp`` (:mod:`.temporaries`), so that
the next run finds and removes them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ci_image.errors import CiImageError
from ci_image.output import display_path
from ci_image.pinning.temporaries import TEMP_SUFFIX, temporary_prefix

_INTERRUPTS = frozenset({signal.SIGINT, signal.SIGTERM})
# No write bit for anyone: read-only for root too, whom os.access always lets write.
_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


@dataclass(frozen=True)
class FileWrite:
    """New content for ``path``; ``original`` is what was read, to restore on a late
    failure, or None for a file that does not exist yet (and must not, when written)."""

    path: Path
    data: bytes
    original: bytes | None


@dataclass(frozen=True)
class _Target:
    write: FileWrite
    real: Path
    mode: int
    uid: int
    gid: int


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back until the block is done; a signal that arrived
    meanwhile is delivered (and its handler raises) right after it."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_files(writes: Sequence[FileWrite]) -> list[Path]:
    """Replace every file's content, or raise :class:`CiImageError` having changed none.

    Returns the real paths written.
    """
    created = _make_parents(writes)
    try:
        targets = _resolve_targets(writes)
        temporaries: list[tuple[_Target, Path]] = []
        try:
            for target in targets:
                _write_temporary(target, temporaries)
        except BaseException:
            with interrupts_deferred():
                for _target, temporary in temporaries:
                    temporary.unlink(missing_ok=True)
            raise
        _rename_all(temporaries)
    except BaseException:
        with interrupts_deferred():
            _remove_directories(created)
        raise
    for directory in sorted({target.real.parent for target in targets}):
        _fsync_directory(directory)
    return [target.real for target in targets]


def _resolve_targets(writes: Sequence[FileWrite]) -> list[_Target]:
    """Where each write lands, checked writable before anything is written."""
    targets: dict[Path, _Target] = {}
    for write in writes:
        if write.original is None:
            new = _new_target(write)
            targets[new.real] = new
            continue
        real = write.path.resolve()
        if real in targets:
            if targets[real].write.data != write.data:  # pragma: no cover - same text in
                raise CiImageError(  # gives the same text out; a guard against a bug
                    "two workflow paths lead to this file with different new contents; "
                    "nothing was changed",
                    path=real,
                )
            continue
        try:
            status = real.stat()
        except OSError as error:  # pragma: no cover - the file was read a moment ago
            raise CiImageError(
                f"cannot stat: {error.strerror}; nothing was changed", path=write.path
            ) from None
        # The mode bits decide, as for a user: replacing a file by rename needs no write
        # permission on it, and root passes every os.access check.
        if not status.st_mode & _WRITE_BITS or not os.access(real, os.W_OK):
            raise CiImageError(
                "is read-only; make it writable (chmod u+w) and run again. Nothing was changed",
                path=write.path,
            )
        targets[real] = _Target(
            write=write,
            real=real,
            mode=stat.S_IMODE(status.st_mode),
            uid=status.st_uid,
            gid=status.st_gid,
        )
    return list(targets.values())


def _new_target(write: FileWrite) -> _Target:
    """A file to create: it must still be absent, and gets the mode a new file gets."""
    real = write.path.parent.resolve() / write.path.name
    if real.exists() or real.is_symlink():
        raise CiImageError(
            "exists now, but did not when the change was planned; run again. Nothing was changed",
            path=write.path,
        )
    mask = os.umask(0o022)
    os.umask(mask)
    return _Target(write=write, real=real, mode=0o666 & ~mask, uid=-1, gid=-1)


def _make_parents(writes: Sequence[FileWrite]) -> list[Path]:
    """Create the missing directories that new files need; returns them, outermost first."""
    created: list[Path] = []
    try:
        for write in writes:
            if write.original is not None:
                continue
            missing = [parent for parent in reversed(write.path.parents) if not parent.exists()]
            for directory in missing:
                directory.mkdir()
                created.append(directory)
    except OSError as error:
        _remove_directories(created)
        raise CiImageError(
            f"cannot create the directory {display_path(error.filename or '')}: "
            f"{error.strerror}; make its parent writable. Nothing was changed",
        ) from None
    return created


def _remove_directories(created: list[Path]) -> None:
    for directory in reversed(created):
        with contextlib.suppress(OSError):
            directory.rmdir()


def _write_temporary(target: _Target, registry: list[tuple[_Target, Path]]) -> Path:
    """Create the temporary, register it in ``registry`` (for removal) before a byte is
    written, then fill it; returns its path."""
    with interrupts_deferred():
        try:
            descriptor, name = tempfile.mkstemp(
                prefix=temporary_prefix(target.real.name),
                suffix=TEMP_SUFFIX,
                dir=target.real.parent,
            )
        except OSError as error:
            raise CiImageError(
                f"cannot create a temporary file in {display_path(target.real.parent)}: "
                f"{error.strerror}; "
                "make the directory writable. Nothing was changed",
                path=target.write.path,
            ) from None
        temporary = Path(name)
        registry.append((target, temporary))
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(target.write.data)
            stream.flush()
            os.fchmod(stream.fileno(), target.mode)
            # Keep the owner when we may (root editing a user's checkout); else it is ours.
            with contextlib.suppress(PermissionError):
                os.fchown(stream.fileno(), target.uid, target.gid)
            os.fsync(stream.fileno())
    except OSError as error:  # pragma: no cover - a full disk; mkstemp proved the rest
        raise CiImageError(
            f"cannot write a temporary file next to it: {error.strerror}. Nothing was changed",
            path=target.write.path,
        ) from None
    return temporary


def _rename_all(temporaries: list[tuple[_Target, Path]]) -> None:
    """Rename every temporary over its target. If one rename fails, or anything interrupts
    them (Ctrl-C, a signal handler that raises), the targets already replaced get their
    old content back and the remaining temporaries are removed: all files or none."""
    try:
        for target, temporary in temporaries:
            try:
                temporary.replace(target.real)
            except OSError as error:
                raise CiImageError(
                    f"cannot replace it: {error.strerror}; the files already replaced were "
                    "restored: check the file system and run again",
                    path=target.write.path,
                ) from None
    except BaseException:
        # Undoing must not be interrupted itself: a second Ctrl-C or SIGTERM waits.
        with interrupts_deferred():
            # A temporary that is gone was renamed: its target is replaced. Asking the
            # file system, not a list kept alongside, is exact even for an interrupt that
            # lands between a rename and the next line.
            replaced = [target for target, temporary in temporaries if not temporary.exists()]
            for _target, temporary in temporaries:
                temporary.unlink(missing_ok=True)
            _restore(replaced)
        raise


def _restore(done: list[_Target]) -> None:
    """Write the original contents back, the same way (temporary file, then rename); a
    file that was created is removed."""
    for target in done:
        if target.write.original is None:
            target.real.unlink(missing_ok=True)
            continue
        original = FileWrite(target.write.path, target.write.original, target.write.original)
        restoring = _Target(original, target.real, target.mode, target.uid, target.gid)
        registry: list[tuple[_Target, Path]] = []
        try:
            _write_temporary(restoring, registry).replace(target.real)
        finally:  # gone when renamed; removed when anything failed before
            for _restoring, temporary in registry:
                temporary.unlink(missing_ok=True)


def _fsync_directory(directory: Path) -> None:
    """Make the renames durable: fsync the directory entries."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
