"""actionlint's configuration: the runner labels the workflows use, ``nix`` among them.

actionlint refuses a ``runs-on`` label it does not know (rule ``runner-label``); the
build workflow runs on ``nix`` and Forgejo jobs on ``docker``, neither GitHub-hosted, so
they must be listed under ``self-hosted-runner.labels`` (actionlint v1.7 docs/config.md).
An existing configuration gets the missing labels as list items, every other byte kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import yaml

from ci_image.workflows.nodes import mapping_get

# Where actionlint looks by default, then where this repository keeps it.
CANDIDATES = (".github/actionlint.yaml", ".github/actionlint.yml", "ci/actionlint.yaml")
DEFAULT_PATH = "ci/actionlint.yaml"
NIX_LABEL = "nix"
# GitHub-hosted labels actionlint knows (actionlint v1.7 rule_runner_label.go).
_KNOWN = re.compile(r"^(?:self-hosted|ubuntu-|windows-|macos-|linux$|x64$|arm64$|arm$)")


@dataclass(frozen=True)
class LabelsEdit:
    """New text (None: nothing to do), or ``problem`` when the file cannot be edited."""

    text: str | None
    added: tuple[str, ...] = ()
    problem: str | None = None


def needed_labels(used: Iterable[str]) -> list[str]:
    """The labels to declare: those the workflows use that actionlint does not know,
    and ``nix``; sorted."""
    return sorted({label for label in used if not _KNOWN.match(label)} | {NIX_LABEL})


def new_config(labels: Iterable[str]) -> str:
    items = "".join(f"    - {label}\n" for label in labels)
    return (
        "# actionlint configuration for the Forgejo workflows: the runner labels we use.\n"
        f"self-hosted-runner:\n  labels:\n{items}"
    )


def add_labels(text: str, labels: Iterable[str]) -> LabelsEdit:
    """``text`` with each of ``labels`` it lacks appended to ``self-hosted-runner.labels``."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        return LabelsEdit(None, problem=f"is not valid YAML ({' '.join(str(error).split())})")
    runner = mapping_get(root, "self-hosted-runner")
    node = mapping_get(runner, "labels")
    if not isinstance(node, yaml.SequenceNode) or node.flow_style or not node.value:
        return LabelsEdit(None, problem="has no self-hosted-runner.labels list in block style")
    present = {item.value for item in node.value if isinstance(item, yaml.ScalarNode)}
    missing = tuple(label for label in labels if label not in present)
    if not missing:
        return LabelsEdit(None)
    last = node.value[-1]
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    line = lines[last.start_mark.line]
    dash = line[: last.start_mark.column].rstrip()
    indent = " " * (len(dash) - 1)
    if not dash.endswith("-") or dash[:-1].strip() or last.end_mark.line != last.start_mark.line:
        return LabelsEdit(None, problem="lists its labels in a form ci-image init does not edit")
    after = last.start_mark.line + 1
    if not lines[after - 1].endswith("\n"):
        lines[after - 1] += newline
    lines[after:after] = [f"{indent}- {label}{newline}" for label in missing]
    return LabelsEdit("".join(lines), missing)
