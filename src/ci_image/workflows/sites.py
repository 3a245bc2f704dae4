"""Every place a Forgejo workflow names a container image, with its exact text span.

Forgejo reads an image from ``jobs.<id>.container`` (a string), ``jobs.<id>.container.image``,
``jobs.<id>.services.<name>.image`` and ``docker://IMAGE`` in ``jobs.<id>.steps[*].uses``.
Each :class:`ImageSite` carries the parsed :class:`Reference` (or why it is malformed, or
that it is an unresolvable ``${{ }}`` expression) and the character span of the reference
inside :attr:`Workflow.text`, computed from the parser's marks so that ``pin`` can replace
exactly those characters. Pure logic: no I/O.

An image written as ``${{ matrix.NAME }}`` (the whole value) is read from the job's
literal matrix, as the runner expands it: every value of ``strategy.matrix.NAME`` and of
``NAME`` in each ``strategy.matrix.include`` entry is a site of its own, at the value's
place, so it is checked and pinned where it is written. What the workflow cannot tell
(a matrix or a list built by an expression, ``NAME`` in no list, an image assembled
from parts) stays one unresolvable site.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from ci_image.errors import CiImageError
from ci_image.reference import MalformedReferenceError, Reference, is_expression, parse_reference
from ci_image.workflows import goyaml
from ci_image.workflows.loader import Workflow
from ci_image.workflows.nodes import position

DOCKER_PREFIX = "docker://"
# The whole value is one matrix property: ${{ matrix.NAME }} (context names are
# case-insensitive, property names as in GitHub's expression syntax).
_MATRIX_VALUE = re.compile(r"\$\{\{\s*matrix\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}", re.IGNORECASE)


class SiteKind(enum.Enum):
    """Where in a job the image is read."""

    CONTAINER = "container"
    SERVICE = "service"
    STEP = "step"


class SiteStatus(enum.Enum):
    """What the text at a site is."""

    REFERENCE = "reference"
    MALFORMED = "malformed"
    UNRESOLVABLE = "unresolvable"


@dataclass(frozen=True)
class Span:
    """Character offsets ``[start, end)`` of a reference inside ``Workflow.text``."""

    start: int
    end: int


@dataclass(frozen=True)
class ImageSite:
    """One place that names an image.

    ``where`` is the YAML path (``jobs.test.services.db.image``); ``line``/``col`` are
    1-based and point at the reference text itself (after ``docker://``, inside quotes).
    ``span`` is None when the text cannot be rewritten byte-exactly; ``span_problem``
    then says why (an escape in a double-quoted scalar, a non-scalar value). ``scalar``
    is False when the YAML value is a mapping or a list (``text`` is then empty).
    """

    path: Path
    job: str
    kind: SiteKind
    where: str
    line: int
    col: int
    text: str
    status: SiteStatus
    reference: Reference | None
    problem: str | None
    span: Span | None
    span_problem: str | None
    scalar: bool = True

    @property
    def key(self) -> tuple[Path, int, int]:
        """Sites reached through a YAML alias share one text: dedupe by this key."""
        return (self.path, self.line, self.col)


def find_image_sites(workflow: Workflow) -> list[ImageSite]:
    """Every image site of one workflow, in document order of jobs.

    The jobs are read as Forgejo's YAML decoder reads them (:mod:`ci_image.workflows.goyaml`):
    merge keys applied, ``~`` and an empty value are null. A merge Forgejo refuses is
    refused here too.
    """
    try:
        return [_site(workflow, raw) for raw in _raw_sites(workflow.root, workflow.text)]
    except goyaml.MergeError as error:
        line, _col = position(error.node)
        raise CiImageError(
            f"{error}; Forgejo rejects the workflow", path=workflow.path, line=line
        ) from None


def find_all_image_sites(workflows: Iterable[Workflow]) -> list[ImageSite]:
    return [site for workflow in workflows for site in find_image_sites(workflow)]


def image_texts(root: yaml.MappingNode, text: str) -> list[tuple[str, str]]:
    """``(where, text)`` of every site, without parsing references: a cheap fingerprint."""
    return [
        (where, node.value[len(prefix) :] if isinstance(node, yaml.ScalarNode) else "")
        for _job, _kind, where, node, prefix in _raw_sites(root, text)
    ]


_RawSite = tuple[str, SiteKind, str, yaml.Node, str]


def _raw_sites(root: yaml.MappingNode, text: str) -> Iterator[_RawSite]:
    """``(job, kind, where, node, prefix)`` for every place Forgejo reads an image, a
    literal matrix value standing for the ``${{ matrix.NAME }}`` that uses it."""
    for job_id, job in _items(goyaml.merged_get(root, "jobs", text), text):
        for kind, where, node, prefix in _job_sites(job, f"jobs.{job_id}", text):
            expanded = _matrix_values(job, f"jobs.{job_id}", node, prefix, text)
            if expanded is None:
                yield job_id, kind, where, node, prefix
            else:
                for value_where, value in expanded:
                    yield job_id, kind, value_where, value, ""


def _job_sites(
    job: yaml.Node, prefix: str, text: str
) -> Iterator[tuple[SiteKind, str, yaml.Node, str]]:
    container = goyaml.merged_get(job, "container", text)
    if isinstance(container, yaml.MappingNode):
        image = goyaml.merged_get(container, "image", text)
        if image is not None and not goyaml.is_null(image, text):
            yield SiteKind.CONTAINER, f"{prefix}.container.image", image, ""
    elif container is not None and not goyaml.is_null(container, text):
        yield SiteKind.CONTAINER, f"{prefix}.container", container, ""
    for name, service in _items(goyaml.merged_get(job, "services", text), text):
        image = goyaml.merged_get(service, "image", text)
        if image is not None and not goyaml.is_null(image, text):
            yield SiteKind.SERVICE, f"{prefix}.services.{name}.image", image, ""
    steps = goyaml.merged_get(job, "steps", text)
    if isinstance(steps, yaml.SequenceNode):
        for index, step in enumerate(steps.value):
            uses = goyaml.merged_get(step, "uses", text)
            if isinstance(uses, yaml.ScalarNode) and uses.value.startswith(DOCKER_PREFIX):
                yield SiteKind.STEP, f"{prefix}.steps[{index}].uses", uses, DOCKER_PREFIX


def _matrix_values(
    job: yaml.Node, prefix: str, node: yaml.Node, text_prefix: str, text: str
) -> list[tuple[str, yaml.Node]] | None:
    """The literal values ``${{ matrix.NAME }}`` at ``node`` takes, with their YAML paths;
    None when the node is no such expression or its values cannot all be read."""
    if not isinstance(node, yaml.ScalarNode) or "${{" not in node.value:
        return None
    match = _MATRIX_VALUE.fullmatch(node.value[len(text_prefix) :])
    if match is None:
        return None
    name = match.group(1)
    matrix = goyaml.merged_get(goyaml.merged_get(job, "strategy", text), "matrix", text)
    if not isinstance(matrix, yaml.MappingNode):
        return None
    where = f"{prefix}.strategy.matrix"
    values: list[tuple[str, yaml.Node]] = []
    listed = _merged_get_any_case(matrix, name, text)
    if listed is not None:
        if not isinstance(listed[1], yaml.SequenceNode):
            return None  # a list made by an expression (fromJSON...), or not a list
        values.extend(
            (f"{where}.{listed[0]}[{index}]", item) for index, item in enumerate(listed[1].value)
        )
    include = goyaml.merged_get(matrix, "include", text)
    if isinstance(include, yaml.SequenceNode):
        for index, entry in enumerate(include.value):
            found = _merged_get_any_case(entry, name, text)
            if found is not None:
                values.append((f"{where}.include[{index}].{found[0]}", found[1]))
    elif include is not None and not goyaml.is_null(include, text):
        return None  # include built by an expression: more values may come
    return values or None


def _merged_get_any_case(node: yaml.Node, name: str, text: str) -> tuple[str, yaml.Node] | None:
    """``(key, value)`` of the key that is ``name`` ignoring case (expressions are
    case-insensitive), merge keys applied."""
    if not isinstance(node, yaml.MappingNode):
        return None
    wanted = name.lower()
    return next(
        ((key, value) for key, _key_node, value in goyaml.merged_items(node, text)
         if key.lower() == wanted),
        None,
    )  # fmt: skip


def _items(node: yaml.Node | None, text: str) -> Iterator[tuple[str, yaml.Node]]:
    """``(key, value)`` of a mapping, merge keys applied; nothing for any other node."""
    if isinstance(node, yaml.MappingNode):
        for key, _key_node, value in goyaml.merged_items(node, text):
            yield key, value


def _site(workflow: Workflow, raw: _RawSite) -> ImageSite:
    job, kind, where, node, prefix = raw
    if isinstance(node, yaml.ScalarNode):
        value: str = node.value[len(prefix) :]
        span, span_problem = scalar_span(workflow.text, node)
        if span is not None:
            span = Span(span.start + len(prefix), span.end)
            line, col = _line_col(workflow.text, node, span.start)
        else:
            line, col = position(node)
        status, reference, problem = classify(value)
    else:
        shape = "a mapping" if isinstance(node, yaml.MappingNode) else "a list"
        value, span, span_problem = "", None, f"{where} is {shape}"
        line, col = position(node)
        status, reference, problem = (
            SiteStatus.MALFORMED,
            None,
            f"{span_problem}, not an image reference",
        )
    return ImageSite(
        path=workflow.path,
        job=job,
        kind=kind,
        where=where,
        line=line,
        col=col,
        text=value,
        status=status,
        reference=reference,
        problem=problem,
        span=span,
        span_problem=span_problem,
        scalar=isinstance(node, yaml.ScalarNode),
    )


@functools.lru_cache(maxsize=4096)
def classify(value: str) -> tuple[SiteStatus, Reference | None, str | None]:
    """A site's text as a reference, an unresolvable expression, or malformed (with why).

    Cached: a repository repeats the same few references in every workflow.
    """
    if is_expression(value):
        return (
            SiteStatus.UNRESOLVABLE,
            None,
            "contains a ${{ }} expression, which only the runner resolves",
        )
    try:
        return SiteStatus.REFERENCE, parse_reference(value), None
    except MalformedReferenceError as error:
        return SiteStatus.MALFORMED, None, str(error)


def scalar_span(text: str, node: yaml.ScalarNode) -> tuple[Span | None, str | None]:
    """The span of a scalar's value inside ``text``, or why it cannot be rewritten exactly.

    The node's marks cover its properties (``&anchor``, ``!tag``), quotes, block header
    and trailing line breaks. The value sits at the end of that range; it is accepted
    only when the characters there are *exactly* the value, which proves that no escape,
    folding or quote-doubling is involved: writing another reference (whose alphabet has
    no quotes, backslashes or spaces) there reads back as exactly that reference.
    """
    value: str = node.value
    start, end = node.start_mark.index, node.end_mark.index
    raw = text[start:end]
    style = node.style
    if style in ("'", '"'):
        if raw.endswith(style + value + style):
            value_end = end - 1
            return Span(value_end - len(value), value_end), None
        kind = "double" if style == '"' else "single"
        return None, (
            f"the {kind}-quoted scalar is written with escapes or line folding; "
            "write it as a plain one-line string"
        )
    if style in ("|", ">"):
        stripped = raw.rstrip(" \t\r\n")
        body_start = len(stripped) - len(value)
        if stripped.endswith(value) and body_start > 0 and stripped[body_start - 1] in " \t\n\r":
            return Span(start + body_start, start + len(stripped)), None
        return None, "the block scalar spans several lines; write it as a plain one-line string"
    # Plain: one line of text is the last thing in the node's range, after any properties.
    if raw.endswith(value) and (len(raw) == len(value) or raw[-len(value) - 1] in " \t\n\r"):
        return Span(end - len(value), end), None
    return None, "the plain scalar spans several lines; write it on one line"


def _line_col(text: str, node: yaml.Node, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset``, counted from the node's own mark.

    ``str.splitlines`` breaks on exactly YAML 1.1's line breaks (CRLF counts once) for
    text libyaml accepted; the other characters it breaks on are refused by YAML.
    """
    mark = node.start_mark
    pieces = (text[mark.index : offset] + "x").splitlines()
    if len(pieces) == 1:
        return mark.line + 1, mark.column + 1 + offset - mark.index
    return mark.line + len(pieces), len(pieces[-1])
