"""Running other programs (skopeo, nix, git, uv): the one way ci-image does it.

Every program is found on PATH first, so a missing one is one line that says how to get
it, not a traceback; runs with argument lists, never a shell; has a timeout, so nothing
hangs a CI job forever; and gets ci-image's environment minus the registry secret.
:func:`run` waits for the end; :func:`run_watched` also reads stderr as it comes and
stops a program that stalls (no data moved for a while) or overruns a deadline, with
its whole process group; :func:`output_stream` reads a program's output as a stream.

``CI_IMAGE_REGISTRY_USER``/``CI_IMAGE_REGISTRY_PASSWORD`` are read once, by the publishing
code; skopeo gets them in a private 0600 auth file, and no other program (nix, git, uv)
needs them. A child that inherited them could leak them: into its own logs, into a
build, or to anything it starts in turn.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ci_image.errors import CiImageError

REGISTRY_USER = "CI_IMAGE_REGISTRY_USER"
# The name of the variable, not a secret.
REGISTRY_PASSWORD = "CI_IMAGE_REGISTRY_PASSWORD"  # noqa: S105  # nosec B105
NOT_INHERITED = frozenset({REGISTRY_USER, REGISTRY_PASSWORD})


def child_environment(environ: Mapping[str, str] | None = None, **extra: str) -> dict[str, str]:
    """``environ`` (default: this process's) without the registry secret, plus ``extra``."""
    source = os.environ if environ is None else environ
    environment = {name: value for name, value in source.items() if name not in NOT_INHERITED}
    environment.update(extra)
    return environment


@dataclass(frozen=True)
class Program:
    """A program ci-image runs, and what to tell the user when it is not there."""

    name: str
    install_advice: str

    def find(self, path: str | None = None) -> str:
        """The program's path on ``path`` (default: PATH), or one error line saying what to do."""
        found = shutil.which(self.name, path=path)
        if found is None:
            raise CiImageError(
                f"{self.name} is not installed or not on PATH; {self.install_advice}"
            )
        return found


class TimedOutError(CiImageError):
    """The program did not finish in time; it has been killed."""


def run(
    argv: Sequence[str],
    *,
    timeout: float,
    what: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` (its first item found with :meth:`Program.find`) to completion, output
    captured as UTF-8 text (undecodable bytes replaced, as git's names can be); ``env``
    defaults to :func:`child_environment`. After ``timeout`` seconds the program is killed
    and :class:`TimedOutError` says that ``what`` did not finish. ``stdin``, if given, is
    the program's standard input."""
    try:
        return subprocess.run(
            list(argv),
            cwd=cwd,
            env=child_environment() if env is None else dict(env),
            capture_output=True,
            input=stdin,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TimedOutError(f"{what} did not finish in {timeout:g} s") from None


class ProgramFailedError(CiImageError):
    """A program read as a stream (:func:`output_stream`) ended with an error."""


class StalledError(CiImageError):
    """The program moved (almost) no data for too long; it has been killed."""


# Less than this many bytes read and written in a whole stall window is no progress: a
# registry that trickles one byte every two seconds, or the few bytes an idle Go runtime
# reads and writes by itself (about one a second, measured on a stalled skopeo), must not
# keep an upload alive.
PROGRESS_BYTES = 64 * 1024
_POLL_SECONDS = 0.25


@dataclass(frozen=True)
class Watch:
    """How :func:`run_watched` bounds a program.

    ``deadline``: seconds for the whole run. ``stall``: seconds in which the program must
    read and write at least :data:`PROGRESS_BYTES` (counted by the kernel in
    ``/proc/PID/io``, so network traffic counts and a wait does not); None for no such
    bound. ``on_line``: called with each line the program writes on stderr, as it comes;
    an exception it raises stops the program and propagates. ``waiting``: while it returns
    True the program is known to be waiting for ci-image itself, which is not a stall.
    """

    deadline: float
    stall: float | None = None
    on_line: Callable[[str], None] | None = None
    waiting: Callable[[], bool] | None = None


@dataclass(frozen=True)
class Finished:
    """A watched program that ran to its end: its status, stdout as bytes (exactly as
    written: a manifest's digest is the sha256 of these bytes), and stderr as text."""

    returncode: int
    stdout: bytes
    stderr: str


def run_watched(
    argv: Sequence[str],
    *,
    watch: Watch,
    what: str,
    env: Mapping[str, str] | None = None,
) -> Finished:
    """Run ``argv`` like :func:`run`, bounded by ``watch``; a program that overruns its
    deadline raises :class:`TimedOutError`, one that stalls :class:`StalledError`. The
    program runs in its own process group, which is killed whole when it is stopped
    early (also on Ctrl-C or SIGTERM), so no helper it started outlives it."""
    child = subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_environment() if env is None else dict(env),
        start_new_session=True,
    )
    try:
        return _watch(child, watch, what)
    finally:
        _kill(child)


def _watch(child: subprocess.Popen[bytes], watch: Watch, what: str) -> Finished:
    if child.stdout is None or child.stderr is None:  # pragma: no cover - both are pipes
        raise CiImageError(f"{what}: no output pipes")
    started = time.monotonic()
    progress = _Progress(child.pid, watch.stall, started)
    out = bytearray()
    err = bytearray()
    pending = b""
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        selector.register(child.stderr, selectors.EVENT_READ)
        while selector.get_map():
            for key, _ in selector.select(_POLL_SECONDS):
                data = os.read(key.fd, 65536)
                if not data:
                    selector.unregister(key.fileobj)
                elif key.fileobj is child.stdout:
                    out += data
                else:
                    err += data
                    pending += data
                    *lines, pending = pending.split(b"\n")
                    for line in lines:
                        if watch.on_line is not None:
                            watch.on_line(line.decode("utf-8", "replace"))
            now = time.monotonic()
            if now - started > watch.deadline:
                raise TimedOutError(f"{what} did not finish in {watch.deadline:g} s")
            waiting = watch.waiting is not None and watch.waiting()
            if progress.stalled(now, waiting=waiting):
                raise StalledError(
                    f"{what} made no progress for {watch.stall:g} s (less than "
                    f"{PROGRESS_BYTES // 1024} KiB sent or received)"
                )
    returncode = child.wait()
    return Finished(returncode, bytes(out), err.decode("utf-8", "replace"))


class _Progress:
    """The bytes a process has read and written, as ``/proc/PID/io`` counts them (all
    ``read``/``write`` calls, sockets included); unreadable there (no procfs, or
    ``hidepid``), stalls are not detected and only the deadline applies.

    Read at most every :data:`_POLL_SECONDS`, not each time the program writes: skopeo's
    log woke the watch ~250 times in a first push of 30 layers, and reading its ``io``
    that often took 37-60 ms (measured), on a machine the upload keeps busy.
    """

    def __init__(self, pid: int, stall: float | None, now: float) -> None:
        self.path = Path(f"/proc/{pid}/io")
        self.stall = stall
        self.since = self.checked = now
        self.mark = None if stall is None else self._moved()

    def _moved(self) -> int | None:
        try:
            fields = dict(line.split(": ", 1) for line in self.path.read_text().splitlines())
            return int(fields["rchar"]) + int(fields["wchar"])
        except (OSError, KeyError, ValueError):
            return None

    def stalled(self, now: float, *, waiting: bool) -> bool:
        if self.stall is None or now - self.checked < _POLL_SECONDS:
            return False
        self.checked = now
        moved = self._moved()
        if moved is None or self.mark is None:
            self.mark = moved
            return False
        if waiting or moved - self.mark >= PROGRESS_BYTES:
            self.mark, self.since = moved, now
            return False
        return now - self.since > self.stall


def _kill(child: subprocess.Popen[bytes]) -> None:
    """The whole process group, if the program is still running; always reaped."""
    if child.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    for stream in (child.stdout, child.stderr):
        if stream is not None:
            stream.close()


@contextlib.contextmanager
def output_stream(argv: Sequence[str], *, what: str) -> Iterator[IO[bytes]]:
    """Run ``argv`` and read its stdout as a stream (a decompressor, for instance).

    After the block, a program that failed raises one line with its last stderr line;
    the program is killed when the block ends early.
    """
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=child_environment(),
            start_new_session=True,
        )
        if child.stdout is None:  # pragma: no cover - stdout is a pipe
            raise CiImageError(f"{what}: no output pipe")
        try:
            yield child.stdout
            child.stdout.close()
            returncode = child.wait()
        finally:
            _kill(child)
        if returncode != 0:
            errors.seek(0)
            lines = errors.read().decode("utf-8", "replace").strip().splitlines()
            detail = " ".join(lines[-1].split()) if lines else f"exit status {returncode}"
            raise ProgramFailedError(f"{what} failed: {detail}")
