"""The command line: parse arguments, dispatch to a command, turn failures into exit codes.

Exit status: 0 success, 1 a negative answer or findings, 2 usage error, bad input or an
environment failure. Expected failures are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from ci_image.errors import CiImageError

Handler = Callable[[argparse.Namespace], int]

# Each command lives in ci_image.commands.<module> and exposes register(subparsers, parents).
COMMANDS: dict[str, str] = {
    "check": "check",
    "env-check": "env_check",
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


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 - ~30 ms

    try:
        return version("ci-image")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


class _VersionAction(argparse.Action):
    """Looks the version up only when asked: importlib.metadata costs every command ~30 ms."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        sys.stdout.write(f"ci-image {_package_version()}\n")
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


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(arguments)
    args = parser.parse_args(arguments)
    handler: Handler = args.handler
    try:
        return handler(args)
    except CiImageError as error:
        sys.stderr.write(f"ci-image {args.command}: error: {error}\n")
        return error.exit_code
    except KeyboardInterrupt:
        sys.stderr.write(f"ci-image {args.command}: interrupted\n")
        return 130
