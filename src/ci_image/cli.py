"""The command line: parse arguments, dispatch to a command, turn failures into exit codes.

Exit status: 0 success, 1 a negative answer or findings, 2 usage error, bad input or an
environment failure. Expected failures are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import select
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from types import FrameType
from typing import NoReturn

from ci_image import package_version
from ci_image.errors import CiImageError

Handler = Callable[[argparse.Namespace], int]

# Each command lives in ci_image.commands.<module> and exposes register(subparsers, parents).
COMMANDS: dict[str, str] = {
    "check": "check",
    "env-check": "env_check",
    "init": "init",
    "pin": "pin",
    "push": "push",
    "release": "release",
    "tag": "tag",
    "triggers": "triggers",
}


class _OneLineParser(argparse.ArgumentParser):
    """argparse prints usage plus the error; we print one line that says where to look."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see '{self.prog} --help')\n")
        sys.exit(2)


class _VersionAction(argparse.Action):
    """Looks the version up only when asked: importlib.metadata costs every command ~30 ms."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        sys.stdout.write(f"ci-image {package_version()}\n")
        parser.exit()


def _commands_to_register(argv: Sequence[str]) -> list[str]:
    """Only the command being run, when argv names one: importing every command's core
    (registry client, YAML, ...) would cost each run a third of its start-up. Help and
    errors about the command name still see them all."""
    if "--version" in argv:
        return []
    named = next((argument for argument in argv if not argument.startswith("-")), None)
    if named in COMMANDS:
        return [COMMANDS[named]]
    return list(COMMANDS.values())


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog="ci-image",
        description="Publish a Nix-built CI image and pin it by digest in Forgejo workflows.",
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="print the version")
    json_parent = argparse.ArgumentParser(add_help=False)
    json_parent.add_argument(
        "--json", action="store_true", help="print a stable machine-readable result on stdout"
    )
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_OneLineParser
    )
    subparsers.required = True
    for module_name in _commands_to_register(argv):
        module = __import__(f"ci_image.commands.{module_name}", fromlist=["register"])
        module.register(subparsers, [json_parent])
    return parser


def run() -> NoReturn:
    """The console script and ``python -m ci_image``: :func:`main`, then the exit.

    Once a command has returned, its files are written and closed, its temporaries
    removed and its output flushed. The exit hooks still run (coverage.py saving what
    it measured, ``weakref.finalize``), but not Python's teardown of every module and
    object, which added 12-25 ms to each run (measured; a re-push takes ~0.1 s).
    """
    status = main()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a reader that went away: main reported it
            stream.flush()
    atexit._run_exitfuncs()
    os._exit(status)  # pragma: no cover - coverage.py saved its data in the exit hooks


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    command = "ci-image"
    try:
        with _interruptible(), _collector_paused():
            parser = build_parser(arguments)
            try:
                args = parser.parse_args(arguments)
            except SystemExit:  # --help, --version, a usage error: their output is printed
                sys.stdout.flush()
                raise
            command = f"ci-image {args.command}"
            handler: Handler = args.handler
            status = handler(args)
            # Flushed here, not at exit, so that a reader that went away is seen below.
            sys.stdout.flush()
            return status
    except CiImageError as error:
        sys.stderr.write(f"{command}: error: {error}\n")
        return error.exit_code
    except Terminated:
        sys.stderr.write(f"{command}: terminated by SIGTERM\n")
        return TERMINATED_STATUS
    except KeyboardInterrupt:
        sys.stderr.write(f"{command}: interrupted\n")
        return INTERRUPTED_STATUS
    except Exception as error:
        if isinstance(error, BrokenPipeError) and _stdout_closed():
            # The reader of stdout went away (`ci-image check | head -1`): stop quietly,
            # as a tool killed by SIGPIPE does, with its status, so `set -o pipefail`
            # sees it. What is still buffered goes nowhere, so the exit cannot fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return SIGPIPE_STATUS
        return _internal_error(command, error)


class Terminated(KeyboardInterrupt):
    """SIGTERM (a cancelled job, ``timeout``) takes Ctrl-C's path through every command:
    each cleanup that runs on an interrupt (temporary files removed, replaced files
    restored) runs, and the command ends with one line and the status a shell reports."""


# 128 + the signal's number, as a shell reports a command that the signal stopped.
INTERRUPTED_STATUS = 128 + signal.SIGINT
TERMINATED_STATUS = 128 + signal.SIGTERM


@contextmanager
def _interruptible() -> Iterator[None]:
    """The first SIGINT or SIGTERM interrupts the command; further ones are ignored, so
    the cleanup the first one started (restoring files) cannot itself be interrupted."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        for ignored in (signal.SIGINT, signal.SIGTERM):
            signal.signal(ignored, signal.SIG_IGN)
        raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt

    previous = {
        number: signal.signal(number, interrupt) for number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while one command runs.

    A command is short and allocates many small objects that are never cyclic (YAML nodes
    of hundreds of workflows; recursive anchors are refused): the collector would rescan
    the growing heap again and again, a third of ``pin``'s time over 200 files. Reference
    counting still frees everything.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# 128 + SIGPIPE, the status a shell reports for a command that SIGPIPE killed.
SIGPIPE_STATUS = 128 + signal.SIGPIPE


def _internal_error(command: str, error: BaseException) -> int:
    """A failure nobody expected is a bug: one line that says so, never a traceback, and
    exit status 2 (1 would read as findings or a negative answer)."""
    message = " ".join(str(error).split())
    sys.stderr.write(
        f"{command}: internal error: {type(error).__name__}: {message}; please report this\n"
    )
    return 2


def _stdout_closed() -> bool:
    """Whether stdout is a pipe or socket whose reader has gone away (poll says POLLERR)."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _fd, events in poller.poll(0))
    except (OSError, ValueError):  # pragma: no cover - stdout closed or not a file
        return False
