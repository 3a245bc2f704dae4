"""Building workflows in memory for the unit tests: the loader's own parsing, no files."""

from __future__ import annotations

from pathlib import Path

from ci_image.workflows.loader import Workflow, parse_workflow_text


def workflow(text: str, name: str = "ci.yml") -> Workflow:
    path = Path("/repo/.forgejo/workflows") / name
    return Workflow(path, text, parse_workflow_text(text, path))
