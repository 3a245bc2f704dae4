"""Argument handling shared by the commands that read workflows."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ci_image.errors import CiImageError
from ci_image.reference import MalformedReferenceError, Reference, parse_reference
from ci_image.settings import Settings
from ci_image.workflows import find_workflow_dir


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
