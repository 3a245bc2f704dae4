"""``check`` end to end: load the workflows, ask Nix for the current tag, apply the rules."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ci_image.findings.adopter import (
    AdopterFacts,
    Location,
    adopter_findings,
    build_workflow,
)
from ci_image.findings.model import CheckResult
from ci_image.findings.offline import CheckOptions, check_workflows
from ci_image.image.input_paths import image_input_paths
from ci_image.image.nix import image_tag_from_flake
from ci_image.reference import Reference
from ci_image.settings import find_pyproject
from ci_image.workflows.loader import load_some_workflows

_IMAGE_KEY = re.compile(r"^\s*image\s*=\s*[\"']")


def check_directory(
    directory: Path,
    *,
    image: Reference | None,
    flake: str | None = None,
    allow_unreleased: bool = False,
    project: Path | None = None,
) -> CheckResult:
    """Load the workflows (none at all is an error) and check them; with ``flake``, ask
    Nix for the current tag; with ``project`` (where to look for pyproject.toml), the
    adopter rules too, once there is a build workflow."""
    workflows = load_some_workflows(directory)
    current_tag = image_tag_from_flake(flake) if flake is not None else None
    options = CheckOptions(image, current_tag, flake, allow_unreleased)
    result = check_workflows(workflows, options)
    if project is None or build_workflow(workflows, directory) is None:
        return result
    facts = adopter_facts(project, image)
    if facts is None:
        return result
    return result.with_findings(adopter_findings(workflows, result.sites, directory, facts))


def adopter_facts(start: Path, image: Reference | None) -> AdopterFacts | None:
    """The project around ``start`` as the adopter rules see it; None without a
    pyproject.toml. A lock that cannot be read leaves the paths rule out (env-check and
    init report a broken lock; check is about the workflows)."""
    pyproject = find_pyproject(start.resolve())
    if pyproject is None:
        return None
    root = pyproject.parent
    try:
        lock = tomllib.loads((root / "uv.lock").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        inputs = None
    else:
        inputs = tuple(image_input_paths(root, lock))
    return AdopterFacts(root, inputs, image, _image_setting(pyproject, image))


def _image_setting(pyproject: Path, image: Reference | None) -> Location | None:
    """Where pyproject.toml configures ``image``, if that is where it comes from."""
    if image is None:
        return None
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        match = _IMAGE_KEY.match(line)
        if match is not None and image.repository in line:
            return Location(pyproject, number, match.end() + 1)
    return None
