"""The build workflow ``init`` writes: build, push and pin the image when an input changes.

One template (``files/build-ci-image.yml``, this repository's own build workflow with
its branch and paths left open), so every adopter gets the workflow this repository
runs, reviewed once. Its ``paths:`` are the image's inputs and the workflow itself.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

BUILD_WORKFLOW_NAME = "build-ci-image.yml"
TEMPLATE = Path(__file__).parent / "files" / BUILD_WORKFLOW_NAME
_PLAIN = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_./-]*$")
# A branch name that reads back as itself in `[...]`, in '...' and in a refspec.
BRANCH_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")


def yaml_item(pattern: str) -> str:
    """A path pattern as a YAML list item: plain when that reads back as the same string,
    else double-quoted (``*`` would start an alias, ``!`` a tag)."""
    if _PLAIN.match(pattern):
        return pattern
    escaped = pattern.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def render_build_workflow(paths: Sequence[str], workflow_path: str, branch: str) -> str:
    """The workflow's text: ``paths`` (the image's inputs) and ``workflow_path`` (where
    it lives, relative to the repository) under ``push.paths``, for ``branch``."""
    items = "\n".join(f"      - {yaml_item(pattern)}" for pattern in [*paths, workflow_path])
    # Where release edits the pins: the directory the workflows (this one too) live in.
    workflows = shlex.quote(str(PurePosixPath(workflow_path).parent))
    text = TEMPLATE.read_text(encoding="utf-8")
    return (
        text.replace("@PATHS@", items).replace("@BRANCH@", branch).replace("@WORKFLOWS@", workflows)
    )
