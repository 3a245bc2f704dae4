"""Argument handling shared by the commands that read workflows."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ci_image.errors import CiImageError
from ci_image.reference import MalformedReferenceError, Reference, parse_reference
from ci_image.settings import Settings
from ci_image.workflows import find_workflow_dir

if TYPE_CHECKING:
    from ci_image.registry import RegistryOptions


def add_workflows_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workflows",
        metavar="DIR",
        type=Path,
        help="the workflow directory (default: workflows in [tool.ci-image], else "
        "Forgejo's discovery: .forgejo/workflows, .gitea/workflows, .github/workflows)",
    )


def workflow_directory(settings: Settings, override: Path | None) -> Path:
    """--workflows, else [tool.ci-image] workflows, else Forgejo's discovery rule.

    Relative to the working directory, so messages name paths one can click or paste.
    """
    directory = find_workflow_dir(settings.root, override or settings.workflows)
    return Path(os.path.relpath(directory))


def reference_argument(text: str, what: str) -> Reference:
    try:
        return parse_reference(text)
    except MalformedReferenceError as error:
        raise CiImageError(f"{what} {text!r} is not an image reference: {error}") from None


def add_registry_arguments(parser: argparse.ArgumentParser) -> None:
    """How to reach a registry: for ``push``, ``release`` and ``check --registry``."""
    parser.add_argument(
        "--authfile",
        type=Path,
        metavar="FILE",
        help="containers auth file (default: CI_IMAGE_REGISTRY_USER/PASSWORD, "
        "REGISTRY_AUTH_FILE, then the containers tools' default files)",
    )
    parser.add_argument(
        "--cert-dir", type=Path, metavar="DIR", help="CA certificates (*.crt) for the registry"
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="allow plain HTTP and unverified TLS (warned about unless the host is loopback)",
    )
    parser.add_argument(
        "--retries",
        type=_retries,
        default=3,
        metavar="N",
        help="retries after transient failures, with backoff 1 s, 2 s, 4 s... (default 3)",
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


def registry_options(args: argparse.Namespace) -> RegistryOptions:
    # Imported here: the registry client (http, ssl) is only needed by commands that use it.
    from ci_image.registry import RegistryOptions  # noqa: PLC0415

    return RegistryOptions(
        authfile=args.authfile,
        cert_dir=args.cert_dir,
        insecure=args.insecure,
        retries=args.retries,
    )
