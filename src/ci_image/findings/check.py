"""``check`` end to end: load the workflows, ask Nix for the current tag, apply the rules."""

from __future__ import annotations

from pathlib import Path

from ci_image.findings.model import CheckResult
from ci_image.findings.offline import CheckOptions, check_workflows
from ci_image.image.nix import image_tag_from_flake
from ci_image.reference import Reference
from ci_image.workflows.loader import load_some_workflows


def check_directory(
    directory: Path,
    *,
    image: Reference | None,
    flake: str | None = None,
    allow_unreleased: bool = False,
) -> CheckResult:
    """Load the workflows (none at all is an error) and check them; with ``flake``, ask
    Nix for the current tag."""
    workflows = load_some_workflows(directory)
    current_tag = image_tag_from_flake(flake) if flake is not None else None
    options = CheckOptions(image, current_tag, flake, allow_unreleased)
    return check_workflows(workflows, options)
