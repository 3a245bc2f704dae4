"""The bootstrap pin in a workflow's jobs: the job container, and the install steps it ends.

For each job that runs Python on a docker runner, ``init`` sets the job container to
``IMAGE:unreleased`` (``ci-image release`` later pins the real tag and digest), removes
the install steps the image makes unnecessary (:mod:`ci_image.adopt.steps`) and puts
``ci-image env-check --fallback`` where the first of them was (else after the checkout),
so a pull request that changes the lock still runs against its own dependencies.

Conservative by design: a job is changed only when every part of the change can be made
as lines of text with the YAML parser's positions (block style, no merge keys, no
expressions in ``runs-on`` or the container); anything else is left as it was with a
note saying why. Every other byte of the file stays; the result is parsed again.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import yaml

from ci_image.adopt.steps import recognise_action, recognise_script
from ci_image.pinning.diff import split_lines
from ci_image.reference import MalformedReferenceError, is_expression, parse_reference
from ci_image.workflows.loader import Workflow
from ci_image.workflows.nodes import mapping_get, mapping_items

BOOTSTRAP_TAG = "unreleased"
ENV_CHECK_COMMAND = "ci-image env-check --fallback"
ENV_CHECK_NAME = "Image built from this checkout? (if not, build the checkout's venv)"
# Runner labels that run jobs in a container (the Forgejo runner's default labels map
# `docker` and `ubuntu-*` to docker images: forgejo/runner v6 internal/app/cmd/register.go).
_DOCKER_LABEL = re.compile(r"^(?:docker|ubuntu-(?:latest|\d+\.\d+))$")
# Commands whose presence in a `run:` step makes a job a Python job.
_PYTHON_COMMAND = re.compile(
    r"(?:^|[\s;&|(])(?:uv|uvx|python3?|pip3?|pipx|nox|pytest|tox|ruff|mypy|behave)(?=\s|$)",
    re.MULTILINE,
)
_ODD_LINE_BREAK = re.compile(r"\r(?!\n)|[\x85\u2028\u2029]")
_CHECKOUT = re.compile(r"^(?:https?://[^/]+/)?actions/checkout@")


@dataclass(frozen=True)
class JobChange:
    """What ``init`` did to one job, or why it left it alone (``changes`` empty)."""

    job: str
    changes: tuple[str, ...] = ()
    left_alone: str | None = None


@dataclass
class WorkflowEdit:
    """The new text of one workflow (None: unchanged) and the story per job."""

    workflow: Workflow
    new_text: str | None
    jobs: list[JobChange] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _LineEdit:
    """Replace lines ``[start, end)`` (0-based) with ``lines`` (an insertion when equal)."""

    start: int
    end: int
    lines: tuple[str, ...]


class _LeftAloneError(Exception):
    """This job cannot be changed safely; the message says why."""


def adopt_workflow(workflow: Workflow, image: str) -> WorkflowEdit:
    """Plan the bootstrap pin of ``image`` in every job of ``workflow`` that needs it."""
    text = workflow.text
    lines = split_lines(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    jobs = mapping_get(workflow.root, "jobs")
    edit = WorkflowEdit(workflow, None)
    if not isinstance(jobs, yaml.MappingNode):
        return edit
    if _ODD_LINE_BREAK.search(text):
        # YAML counts these as line breaks too (YAML 1.1 section 5.4); editing by lines
        # would then miss its positions.
        edit.jobs.append(JobChange("*", left_alone="it has line breaks other than LF and CRLF"))
        return edit
    line_edits: list[_LineEdit] = []
    for job_id, _key, job in mapping_items(jobs):
        runs_on = mapping_get(job, "runs-on")
        with contextlib.suppress(_LeftAloneError):
            edit.labels.update(_labels(runs_on))
        try:
            change, job_edits = _adopt_job(job_id, job, lines, image, newline)
        except _LeftAloneError as reason:
            edit.jobs.append(JobChange(job_id, left_alone=str(reason)))
            continue
        edit.jobs.append(change)
        line_edits.extend(job_edits)
    if line_edits:
        edit.new_text = _apply(lines, line_edits, newline)
    return edit


def _adopt_job(
    job_id: str, job: yaml.Node, lines: list[str], image: str, newline: str
) -> tuple[JobChange, list[_LineEdit]]:
    if not isinstance(job, yaml.MappingNode) or job.flow_style:
        raise _LeftAloneError("not a block mapping")
    if any(key == "<<" for key, _node, _value in mapping_items(job)):
        raise _LeftAloneError("it uses a YAML merge key (<<); change it by hand")
    if mapping_get(job, "uses") is not None:
        raise _LeftAloneError("it calls a reusable workflow")
    steps = mapping_get(job, "steps")
    container = _container_node(mapping_get(job, "container"))
    current = None if container is None else str(container.value)
    if current is not None and _is_image(current, image):
        return JobChange(job_id, left_alone="already runs in the CI image"), []
    python_job = _is_python_job(steps) or (current is not None and _is_python_image(current))
    if not python_job:
        raise _LeftAloneError("runs no Python step")
    runs_on = mapping_get(job, "runs-on")
    labels = _labels(runs_on)
    if container is None and not any(_DOCKER_LABEL.match(label) for label in labels):
        shown = ", ".join(labels) or "no runs-on"
        raise _LeftAloneError(f"runs on {shown}, not a docker runner: no job container there")
    pin = f"{image}:{BOOTSTRAP_TAG}"
    changes: list[str] = []
    edits: list[_LineEdit] = []
    if container is None:
        indent = " " * job.value[_key_index(job, "runs-on")][0].start_mark.column
        after = _last_line(job.value[_key_index(job, "runs-on")][1]) + 1
        edits.append(
            _LineEdit(
                after,
                after,
                (f"{indent}container:{newline}", f"{indent}  image: {pin}{newline}"),
            )
        )
        changes.append(f"runs in {pin} (a job container on its docker runner)")
    else:
        edits.append(_replace_scalar(container, lines, pin))
        changes.append(f"runs in {pin} instead of {current}")
    step_edits, step_changes = _step_edits(steps, lines, newline)
    edits.extend(step_edits)
    changes.extend(step_changes)
    return JobChange(job_id, tuple(changes)), edits


def _container_node(container: yaml.Node | None) -> yaml.ScalarNode | None:
    """The scalar naming the job container's image, None without a container."""
    if container is None:
        return None
    node = mapping_get(container, "image") if isinstance(container, yaml.MappingNode) else container
    if not isinstance(node, yaml.ScalarNode):
        raise _LeftAloneError("its container has no image written as a plain value")
    if is_expression(node.value):
        raise _LeftAloneError("its container image is a ${{ }} expression")
    return node


def _is_image(text: str, image: str) -> bool:
    try:
        return parse_reference(text).repository == image
    except MalformedReferenceError:
        return False


def _is_python_image(text: str) -> bool:
    """``python:3.12``, ``docker.io/library/python``, ``ghcr.io/astral-sh/uv:...``."""
    try:
        name = parse_reference(text).path.rsplit("/", 1)[-1]
    except MalformedReferenceError:
        return False
    return "python" in name or name in {"uv", "pypy"}


def _is_python_job(steps: yaml.Node | None) -> bool:
    if not isinstance(steps, yaml.SequenceNode):
        return False
    for step in steps.value:
        uses = _scalar(mapping_get(step, "uses"))
        if uses is not None and recognise_action(uses) is not None:
            return True
        run = _scalar(mapping_get(step, "run"))
        if run is not None and _PYTHON_COMMAND.search(run):
            return True
    return False


def _labels(runs_on: yaml.Node | None) -> list[str]:
    if isinstance(runs_on, yaml.ScalarNode):
        values = [runs_on.value]
    elif isinstance(runs_on, yaml.SequenceNode):
        values = [item.value for item in runs_on.value if isinstance(item, yaml.ScalarNode)]
    else:
        values = []
    if any(is_expression(value) for value in values):
        raise _LeftAloneError("its runs-on is a ${{ }} expression")
    return [str(value) for value in values]


def _scalar(node: yaml.Node | None) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def _replace_scalar(node: yaml.ScalarNode, lines: list[str], pin: str) -> _LineEdit:
    start, end = node.start_mark, node.end_mark
    if start.line != end.line:
        raise _LeftAloneError("its container image spans several lines")
    line = lines[start.line]
    rewritten = line[: start.column] + pin + line[end.column :]
    return _LineEdit(start.line, start.line + 1, (rewritten,))


def _step_edits(
    steps: yaml.Node | None, lines: list[str], newline: str
) -> tuple[list[_LineEdit], list[str]]:
    if not isinstance(steps, yaml.SequenceNode) or steps.flow_style:
        return [], ["has no steps in block style: no env-check step added"]
    if any(_runs_env_check(step) for step in steps.value):
        return [], []
    edits: list[_LineEdit] = []
    changes: list[str] = []
    checkout: yaml.Node | None = None
    for number, step in enumerate(steps.value, start=1):
        uses = _scalar(mapping_get(step, "uses"))
        if checkout is None and uses is not None and _CHECKOUT.match(uses):
            checkout = step
        recognised = _recognised(step)
        if recognised is None:
            continue
        span = _item_span(step, lines)
        if span is None:
            changes.append(
                f"step {number} {recognised}: left alone (its '-' is on a line of its own)"
            )
            continue
        start, end, dash = span
        name = _step_name(step)
        if not edits:
            edits.append(_LineEdit(start, end, _env_check_step(dash, newline)))
            changes.append(
                f"step {number} ({name}) replaced by `{ENV_CHECK_COMMAND}`: it {recognised}"
            )
        else:
            edits.append(_LineEdit(start, end, ()))
            changes.append(f"step {number} ({name}) removed: it {recognised}")
    if edits:
        return edits, changes
    if checkout is None:
        return [], [*changes, "has no actions/checkout step: no env-check step added"]
    span = _item_span(checkout, lines)
    if span is None:
        return [], [*changes, "its checkout step's '-' is on a line of its own: no env-check step"]
    _start, end, dash = span
    edits.append(_LineEdit(end, end, _env_check_step(dash, newline)))
    changes.append(f"`{ENV_CHECK_COMMAND}` added after the checkout")
    return edits, changes


def _step_name(step: yaml.Node) -> str:
    """How the output names a step: its name, else what it uses, else its first command."""
    for key in ("name", "uses", "run"):
        value = _scalar(mapping_get(step, key))
        if value and value.strip():
            return value.strip().splitlines()[0]
    return "unnamed"  # pragma: no cover - a recognised step has uses or run


def _recognised(step: yaml.Node) -> str | None:
    if not isinstance(step, yaml.MappingNode):
        return None
    uses = _scalar(mapping_get(step, "uses"))
    run = _scalar(mapping_get(step, "run"))
    found = recognise_action(uses) if uses is not None else None
    if found is None and run is not None:
        found = recognise_script(run)
    if found is None:
        return None
    if mapping_get(step, "id") is not None:
        return None  # its outputs may be read by later steps
    return found.reason


def _runs_env_check(step: yaml.Node) -> bool:
    run = _scalar(mapping_get(step, "run"))
    return run is not None and "env-check" in run


def _env_check_step(dash: int, newline: str) -> tuple[str, ...]:
    indent = " " * dash
    return (
        f"{indent}- name: {ENV_CHECK_NAME}{newline}",
        f"{indent}  run: {ENV_CHECK_COMMAND}{newline}",
    )


def _item_span(step: yaml.Node, lines: list[str]) -> tuple[int, int, int] | None:
    """Lines ``[start, end)`` of a sequence item written ``- key: ...``, and the dash's
    column; None when the dash is not on the item's first line."""
    line, column = step.start_mark.line, step.start_mark.column
    before = lines[line][:column]
    if not before.rstrip().endswith("-") or before.rstrip()[:-1].strip():
        return None
    dash = len(before.rstrip()) - 1
    return line, _last_line(step) + 1, dash


def _key_index(mapping: yaml.MappingNode, key: str) -> int:
    """Where ``key`` is among the mapping's pairs (the caller found it there)."""
    return next(index for index, (node, _value) in enumerate(mapping.value) if node.value == key)


def _last_line(node: yaml.Node) -> int:
    """The 0-based line of a node's last character (a block scalar's end mark is at the
    start of the line after it)."""
    if isinstance(node, yaml.MappingNode) and node.value:
        return _last_line(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and node.value and not node.flow_style:
        return _last_line(node.value[-1])
    end = node.end_mark
    if end.column == 0 and end.line > node.start_mark.line:
        return int(end.line) - 1
    return int(end.line)


def _apply(lines: Sequence[str], edits: list[_LineEdit], newline: str) -> str:
    """The edits applied bottom-up, so earlier line numbers stay valid. A file without a
    final line break keeps lacking one."""
    result = list(lines)
    unterminated = bool(result) and not result[-1].endswith("\n")
    if unterminated:
        result[-1] += newline
    for edit in sorted(edits, key=lambda item: (item.start, item.end), reverse=True):
        result[edit.start : edit.end] = edit.lines
    text = "".join(result)
    if unterminated:
        text = text.removesuffix(newline)
    return text
