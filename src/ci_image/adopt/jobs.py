"""The bootstrap pin in a workflow's jobs: the job container, and the install steps it ends.

For each job that runs Python on a docker runner, ``init`` sets the job container to
``IMAGE:unreleased`` (``ci-image release`` later pins the real tag and digest), removes
the install steps the image makes unnecessary (:mod:`ci_image.adopt.steps`) and puts
``ci-image env-check --fallback`` where the first of them was (else after the checkout),
so a pull request that changes the lock still runs against its own dependencies.

Conservative by design: a job is changed only when every part of the change can be made
as lines of text with the YAML parser's positions (block style, no merge keys, no
expressions in ``runs-on`` or the container); anything else is left as it was with a
note saying why, and so is a part shared with other places through YAML anchors and
aliases. Every other byte of the file stays; the result is parsed again.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import yaml

from ci_image.adopt.steps import recognise_action, recognise_script
from ci_image.errors import CiImageError
from ci_image.pinning.diff import split_lines
from ci_image.reference import MalformedReferenceError, Reference, is_expression, parse_reference
from ci_image.workflows.loader import Workflow, parse_workflow_text
from ci_image.workflows.nodes import mapping_get, mapping_items
from ci_image.workflows.sites import scalar_span

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
# An anchor among a node's properties (`&name`, perhaps after a `!tag`; YAML 1.1 section 6.9).
_ANCHORED = re.compile(r"(?:!\S*\s+)?&")


@dataclass(frozen=True)
class JobChange:
    """What ``init`` did to one job, or why it left it alone (``changes`` empty), and the
    reference of the CI image the job runs in once init is done (None: another image)."""

    job: str
    changes: tuple[str, ...] = ()
    left_alone: str | None = None
    runs_in: Reference | None = None


@dataclass
class WorkflowEdit:
    """The new text of one workflow (None: unchanged) and the story per job."""

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
    edit = WorkflowEdit(None)
    if not isinstance(jobs, yaml.MappingNode):
        return edit
    if _ODD_LINE_BREAK.search(text):
        # YAML counts these as line breaks too (YAML 1.1 section 5.4); editing by lines
        # would then miss its positions.
        edit.jobs.append(JobChange("*", left_alone="it has line breaks other than LF and CRLF"))
        return edit
    line_edits: list[_LineEdit] = []
    for job_id, key, job in mapping_items(jobs):
        runs_on = mapping_get(job, "runs-on")
        with contextlib.suppress(_LeftAloneError):
            edit.labels.update(_labels(runs_on))
        try:
            _require_own(job, key.end_mark.index, text, "it")
            change, job_edits = _adopt_job(job_id, job, text, lines, image=image, newline=newline)
        except _LeftAloneError as reason:
            edit.jobs.append(JobChange(job_id, left_alone=str(reason)))
            continue
        edit.jobs.append(change)
        line_edits.extend(job_edits)
    if line_edits:
        edit.new_text = _apply(lines, line_edits, newline)
        _verify(edit.new_text, workflow)
    return edit


def _verify(new_text: str, workflow: Workflow) -> None:
    """The edited workflow must read as a workflow again (the loader's checks: syntax,
    duplicate keys, aliases), else the edits have a bug: nothing is written."""
    try:
        parse_workflow_text(new_text, workflow.path)
    except CiImageError as error:  # pragma: no cover - a guard against a bug in the edits
        raise CiImageError(
            f"ci-image init's change would not read back ({error.message}); this is a bug "
            "in ci-image: change the workflow by hand, and report it. Nothing was written",
            path=workflow.path,
        ) from None


def _adopt_job(
    job_id: str, job: yaml.Node, text: str, lines: list[str], *, image: str, newline: str
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
    already = None if current is None else _ci_image_reference(current, image)
    if already is not None:
        return JobChange(job_id, left_alone="already runs in the CI image", runs_in=already), []
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
        runs_on_key, runs_on_value = job.value[_key_index(job, "runs-on")]
        if runs_on_value.start_mark.index < runs_on_key.end_mark.index:
            raise _LeftAloneError("its runs-on is a YAML alias; change it by hand")
        indent = " " * runs_on_key.start_mark.column
        after = _last_line(runs_on_value) + 1
        edits.append(
            _LineEdit(
                after,
                after,
                (f"{indent}container:{newline}", f"{indent}  image: {pin}{newline}"),
            )
        )
        changes.append(f"runs in {pin} (a job container on its docker runner)")
    else:
        _require_own_container(job, text)
        edits.append(_replace_scalar(container, text, lines, pin))
        changes.append(f"runs in {pin} instead of {current}")
    step_edits, step_changes = _step_edits(job, text, lines, newline)
    edits.extend(step_edits)
    changes.extend(step_changes)
    return JobChange(job_id, tuple(changes), runs_in=parse_reference(pin)), edits


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


def _ci_image_reference(text: str, image: str) -> Reference | None:
    """``text`` parsed, when it names the CI image (any tag or digest)."""
    try:
        reference = parse_reference(text)
    except MalformedReferenceError:
        return None
    return reference if reference.repository == image else None


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


def _sharing(node: yaml.Node, start: int, text: str) -> str | None:
    """Why ``node``, written from offset ``start`` on (after its key, or after the item
    before it), is shared with other places, else None: an alias (the composed node is
    the anchor's, whose marks come earlier) or an anchored node (aliases may repeat it).
    Editing it in place would change those places too."""
    if node.start_mark.index < start:
        return "a YAML alias of a value written elsewhere"
    if _ANCHORED.match(text, node.start_mark.index):
        return "a YAML anchor, which aliases may repeat elsewhere"
    return None


def _require_own(node: yaml.Node, start: int, text: str, what: str) -> None:
    reason = _sharing(node, start, text)
    if reason is not None:
        raise _LeftAloneError(f"{what} is {reason}; change it by hand")


def _require_own_container(job: yaml.MappingNode, text: str) -> None:
    """The container, and its image in a container mapping, written in this job."""
    key, container = job.value[_key_index(job, "container")]
    _require_own(container, key.end_mark.index, text, "its container")
    if isinstance(container, yaml.MappingNode):
        image_key, image = container.value[_key_index(container, "image")]
        _require_own(image, image_key.end_mark.index, text, "its container image")


def _replace_scalar(node: yaml.ScalarNode, text: str, lines: list[str], pin: str) -> _LineEdit:
    """The line holding the image's value with ``pin`` in its place: quotes, a block
    scalar's header, a comment after it all stay as the maintainer wrote them."""
    span, problem = scalar_span(text, node)
    if span is None:
        raise _LeftAloneError(f"its container image cannot be rewritten exactly: {problem}")
    number = text.count("\n", 0, span.start)
    column = span.start - (text.rfind("\n", 0, span.start) + 1)
    line = lines[number]
    rewritten = line[:column] + pin + line[column + span.end - span.start :]
    return _LineEdit(number, number + 1, (rewritten,))


def _step_edits(
    job: yaml.MappingNode, text: str, lines: list[str], newline: str
) -> tuple[list[_LineEdit], list[str]]:
    steps = mapping_get(job, "steps")
    if not isinstance(steps, yaml.SequenceNode) or steps.flow_style:
        return [], ["has no steps in block style: no env-check step added"]
    if any(_runs_env_check(step) for step in steps.value):
        return [], []
    key, _steps = job.value[_key_index(job, "steps")]
    shared = _sharing(steps, key.end_mark.index, text)
    if shared is not None:
        return [], [f"its steps are {shared}: no step changed, no env-check step added"]
    edits: list[_LineEdit] = []
    changes: list[str] = []
    checkout: tuple[yaml.Node, tuple[int, int, int] | str] | None = None
    previous_end = steps.start_mark.index
    for number, step in enumerate(steps.value, start=1):
        span = _item_span(step, previous_end, text, lines)
        previous_end = max(previous_end, step.end_mark.index)
        uses = _scalar(mapping_get(step, "uses"))
        if checkout is None and uses is not None and _CHECKOUT.match(uses):
            checkout = (step, span)
        recognised = _recognised(step)
        if recognised is None:
            continue
        name = _step_name(step)
        if isinstance(span, str):
            changes.append(f"step {number} ({name}) left alone, though it {recognised}: {span}")
            continue
        start, end, dash = span
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
    _checkout, span = checkout
    if isinstance(span, str):
        return [], [*changes, f"no env-check step added after the checkout: {span}"]
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


def _item_span(
    step: yaml.Node, start: int, text: str, lines: list[str]
) -> tuple[int, int, int] | str:
    """Lines ``[start, end)`` of a sequence item written ``- key: ...`` from offset
    ``start`` on, and the dash's column; else why it cannot be edited as lines."""
    shared = _sharing(step, start, text)
    if shared is not None:
        return f"it is {shared}"
    line, column = step.start_mark.line, step.start_mark.column
    before = lines[line][:column]
    if not before.rstrip().endswith("-") or before.rstrip()[:-1].strip():
        return "its '-' is on a line of its own"
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
