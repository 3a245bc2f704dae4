"""Argument handling shared by the commands: flags, and the settings they replace."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ci_image.errors import CiImageError
from ci_image.output import warn
from ci_image.reference import (
    DOMAIN_RE,
    MalformedReferenceError,
    Reference,
    parse_reference,
    parse_repository,
)
from ci_image.settings import Settings, load_settings
from ci_image.trace import Trace
from ci_image.workflows.discovery import existing_workflow_dir

if TYPE_CHECKING:
    from ci_image.pinning.resolve import RegistryQueries
    from ci_image.publish.registry import RegistryOptions


def add_workflows_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workflows",
        metavar="DIR",
        type=Path,
        help="the workflow directory (default: workflows in [tool.ci-image], else "
        "Forgejo's discovery: .forgejo/workflows, .gitea/workflows, .github/workflows)",
    )


def add_image_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--image",
        metavar="REPO",
        help="the CI image's repository REGISTRY/OWNER/IMAGE (default: image in [tool.ci-image])",
    )


class ProjectSettings:
    """``[tool.ci-image]`` of the project around the working directory, read only when a
    command asks for a value that no flag gave.

    A setting a flag replaces is not needed, so a broken table is then no error: with
    ``--workflows`` and ``--image`` given, ``pin`` never reads pyproject.toml (``check``
    always does: no flag replaces its ``ignore``). Read at most once per run.
    """

    def __init__(self, start: Path | None = None) -> None:
        self._start = start
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self._start or Path.cwd())
        return self._settings

    def workflow_directory(self, flag: Path | None) -> Path:
        """--workflows DIR, else workflows in the settings, else Forgejo's discovery."""
        if flag is not None:
            return existing_workflow_dir(flag)
        return self.settings.workflow_directory()

    def image(self, text: str | None, flag: str) -> Reference | None:
        """The image repository from ``flag`` (its ``text``), else from the settings, if any."""
        if text is not None:
            return reference_argument(text, flag, repository=True)
        return self.settings.image

    def require_image(self, text: str | None, flag: str) -> Reference:
        """As :meth:`image`, but one is needed: none is an error saying how to give it."""
        if text is not None:
            return reference_argument(text, flag, repository=True)
        return self.settings.require_image(flag)


def reference_argument(text: str, what: str, *, repository: bool = False) -> Reference:
    """A command-line image reference (``repository``: a bare REGISTRY/OWNER/IMAGE), or
    one error line naming the argument, its text and what is wrong."""
    try:
        return parse_repository(text) if repository else parse_reference(text)
    except MalformedReferenceError as error:
        # parse_repository's reasons say what a repository is; a reference's do not.
        problem = "" if repository else " is not an image reference"
        raise CiImageError(f"{what} {text!r}{problem}: {error}") from None


def add_registry_arguments(parser: argparse.ArgumentParser, *, many: bool = False) -> None:
    """How to reach a registry: for ``push`` and ``release`` (one registry, ``--to``'s),
    and, with ``many``, for ``pin`` and ``check`` (whichever registries the workflows
    name), where ``--insecure`` is only a deprecated alias."""
    parser.add_argument(
        "--authfile",
        type=Path,
        metavar="FILE",
        help="containers auth file (default: CI_IMAGE_REGISTRY_USER/PASSWORD, else what "
        "skopeo finds: REGISTRY_AUTH_FILE, the containers auth files, credHelpers)",
    )
    parser.add_argument(
        "--cert-dir",
        type=Path,
        metavar="DIR",
        help="CA certificates (*.crt) and client certificates (*.cert, *.key) for the registry",
    )
    parser.add_argument(
        "--insecure-registry",
        action="append",
        type=_registry_host,
        default=[],
        metavar="HOST",
        help="allow plain HTTP and unverified TLS for this registry host[:port] (repeatable; "
        + ("also insecure-registries in [tool.ci-image]; " if many else "")
        + "warned about unless it is loopback)",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="deprecated: --insecure-registry for every registry the workflows name"
        if many
        else "allow plain HTTP and unverified TLS for the --to registry "
        "(warned about unless the host is loopback)",
    )
    parser.add_argument(
        "--retries",
        type=_retries,
        default=3,
        metavar="N",
        help="retries after transient failures, with backoff 1 s, 2 s, 4 s... (default 3)",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=60.0,
        metavar="SECONDS",
        help="longest a registry question may take, everything included (default 60)",
    )
    if many:  # pin and check upload nothing
        parser.set_defaults(stall_timeout=None)
    else:
        parser.add_argument(
            "--stall-timeout",
            type=_seconds,
            default=None,
            metavar="SECONDS",
            help="an upload that moves no data for this long fails (default 300)",
        )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="say what is asked and run (no secrets)"
    )


def _retries(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= 20:
        raise argparse.ArgumentTypeError(f"{value} is outside 0..20")
    return value


def _registry_host(text: str) -> str:
    if not DOMAIN_RE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a registry host[:port]")
    return text


def registry_connector(
    args: argparse.Namespace, project: ProjectSettings, session: contextlib.ExitStack
) -> Callable[[], RegistryQueries]:
    """The registries of ``pin`` and ``check``, opened at the first question and then
    shared: one session (auth file, TLS settings, answers) for the command, closed with
    ``session``. TLS verification is off for the hosts of ``--insecure-registry`` and of
    ``insecure-registries`` in the settings (read only then)."""
    opened: list[RegistryQueries] = []

    def connect() -> RegistryQueries:
        if not opened:
            # Imported here: only a command that asks a registry needs it.
            from ci_image.pinning.resolve import registry_queries  # noqa: PLC0415

            if args.insecure:
                warn(
                    "--insecure is deprecated here: it turns TLS verification off for every "
                    "registry the workflows name; name the hosts with --insecure-registry HOST"
                )
            options = registry_options(args, project.settings.insecure_registries)
            trace = Trace(enabled=args.verbose)
            opened.append(
                session.enter_context(registry_queries(options, environ=os.environ, trace=trace))
            )
        return opened[0]

    return connect


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 1 <= value <= 86400:
        raise argparse.ArgumentTypeError(f"{text} is outside 1..86400 seconds")
    return value


def registry_options(
    args: argparse.Namespace, more_insecure_hosts: frozenset[str] = frozenset()
) -> RegistryOptions:
    """``--insecure`` is every host; else ``--insecure-registry`` and ``more_insecure_hosts``."""
    # Imported here: only the commands that ask a registry need it.
    from ci_image.publish.registry import ALL_HOSTS, RegistryOptions  # noqa: PLC0415

    hosts = frozenset(args.insecure_registry) | more_insecure_hosts
    options = RegistryOptions(
        authfile=args.authfile,
        cert_dir=args.cert_dir,
        insecure_hosts=ALL_HOSTS if args.insecure else hosts,
        retries=args.retries,
        timeout=args.timeout,
    )
    return options if args.stall_timeout is None else replace(options, stall=args.stall_timeout)
