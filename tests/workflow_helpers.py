"""Workflows from text, decided in-process as ``ci-image triggers`` decides them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from ci_image.triggers.decision import Decision, decide, parse_ref, read_push_trigger
from ci_image.workflows.loader import Workflow, parse_workflow_text

WORKFLOW_PATH = Path(".forgejo/workflows/ci.yml")


def workflow(text: str, path: Path = WORKFLOW_PATH) -> Workflow:
    """The workflow as the loader reads it from a file holding ``text``."""
    return Workflow(path=path, text=text, root=parse_workflow_text(text, path))


def decide_text(
    text: str, ref: str = "refs/heads/main", changed: Sequence[str] | None = None
) -> Decision:
    """What ``ci-image triggers --ref REF [--changed ...]`` decides for this workflow."""
    trigger = read_push_trigger(workflow(text), Path.cwd())
    return decide(trigger, parse_ref(ref), changed)


def mapping(text: str) -> yaml.MappingNode:
    """The root mapping node of a YAML document (no workflow checks)."""
    node = yaml.compose(text)
    assert isinstance(node, yaml.MappingNode), text
    return node
