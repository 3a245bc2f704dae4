"""Suppressions: findings a maintainer has decided to live with, and stale suppressions.

Two ways to suppress, as zizmor and ruff have them:

- a comment ``# ci-image: ignore[CI001]`` (several ids or names, comma-separated) at the
  end of the line the finding is on, or on a line of its own just above it (blank and
  comment lines between them allowed);
- ``ignore = [...]`` in ``[tool.ci-image]``: a rule id or name (``"CI003"``) silences
  that rule everywhere; ``{ image = "postgres" }`` every finding about an image (any
  tag, any spelling of the repository; ``postgres:16`` only that tag); ``{ rule =
  "CI001", image = "postgres" }`` (``rule`` may be a list) both at once.

A suppression that silences nothing is reported itself (``CI010 unused-suppression``),
when it can be told: only if every rule it names ran (``CI005`` needs ``--flake``,
``CI007``/``CI008`` need ``--registry``), or, for an image, when no workflow names the
image at all. Pure logic: texts and findings in, findings out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ci_image.findings.model import Finding
from ci_image.findings.rules import UNUSED_SUPPRESSION, all_rules, find_rule
from ci_image.reference import Reference
from ci_image.settings import IgnoreSetting
from ci_image.workflows.loader import Workflow
from ci_image.workflows.sites import ImageSite

MARKER = "ci-image:"
# A YAML comment starts with '#' at the start of a line or after white space.
_COMMENT = re.compile(
    r"(?:^|(?<=[ \t]))#[^\r\n]*?(?P<marker>ci-image:[ \t]*ignore\[(?P<rules>[^\]\r\n]*)\])",
    re.MULTILINE,
)
_BLANK_OR_COMMENT = re.compile(r"[ \t]*(?:#.*)?\r?")


@dataclass(frozen=True)
class Suppression:
    """One suppression and where it is written.

    ``rules`` are rule ids (empty: every rule); ``image`` limits it to findings about
    that image; ``covers`` is the line an inline comment silences (None: every line of
    every file). ``unknown`` are names in the comment that name no rule.
    """

    path: Path
    line: int
    col: int
    text: str
    rules: frozenset[str] = frozenset()
    image: Reference | None = None
    covers: int | None = None
    unknown: tuple[str, ...] = ()

    def matches(self, finding: Finding) -> bool:
        if finding.rule == UNUSED_SUPPRESSION.id:
            return False
        if self.covers is not None and (finding.path, finding.line) != (self.path, self.covers):
            return False
        if self.rules and finding.rule not in self.rules:
            return False
        return self.image is None or (
            finding.subject is not None and names_image(self.image, finding.subject)
        )


def names_image(image: Reference, reference: Reference) -> bool:
    """Whether a suppression's ``image`` covers ``reference``: the same repository, and
    the same tag when the suppression names one."""
    return reference.same_repository(image) and image.tag in (None, reference.tag)


def inline_suppressions(workflow: Workflow) -> list[Suppression]:
    """Every ``# ci-image: ignore[...]`` comment of a workflow, and the line it covers.

    Text that only looks like such a comment inside a string (a ``run:`` script) is no
    YAML comment and is ignored.
    """
    text = workflow.text
    if MARKER not in text:  # the common case, cheaply
        return []
    matches = list(_COMMENT.finditer(text))
    if not matches:
        return []
    inside = _scalar_ranges(workflow.root)
    lines = text.split("\n")
    found: list[Suppression] = []
    for match in matches:
        offset = match.start()
        if any(start <= offset < end for start, end in inside):
            continue
        line_start = text.rfind("\n", 0, offset) + 1
        line = text.count("\n", 0, offset) + 1
        own_line = not text[line_start:offset].strip()
        covers = _next_content_line(lines, line) if own_line else line
        rules, unknown = _rule_ids(match["rules"])
        found.append(
            Suppression(
                path=workflow.path,
                line=line,
                col=offset - line_start + 1,
                text=match["marker"],
                rules=rules,
                covers=covers,
                unknown=unknown,
            )
        )
    return found


def setting_suppressions(
    entries: Iterable[IgnoreSetting], pyproject: Path | None
) -> list[Suppression]:
    """The ``ignore`` entries of ``[tool.ci-image]``, each covering every file."""
    if pyproject is None:
        return []
    return [
        Suppression(pyproject, entry.line or 1, 1, entry.text, entry.rules, entry.image)
        for entry in entries
    ]


def _rule_ids(listed: str) -> tuple[frozenset[str], tuple[str, ...]]:
    ids: set[str] = set()
    unknown: list[str] = []
    for name in (part.strip() for part in listed.split(",")):
        if not name:
            continue
        rule = find_rule(name)
        if rule is None:
            unknown.append(name)
        else:
            ids.add(rule.id)
    return frozenset(ids), tuple(unknown)


def _next_content_line(lines: Sequence[str], line: int) -> int:
    """The first line after ``line`` (1-based) that is neither blank nor a comment."""
    for number in range(line + 1, len(lines) + 1):
        if not _BLANK_OR_COMMENT.fullmatch(lines[number - 1]):
            return number
    return line + 1


def _scalar_ranges(root: yaml.Node) -> list[tuple[int, int]]:
    """``[start, end)`` of every scalar node (a '#' there is text, not a comment)."""
    ranges: list[tuple[int, int]] = []
    seen: set[int] = set()
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            ranges.append((node.start_mark.index, node.end_mark.index))
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        else:
            stack.extend(node.value)
    return ranges


@dataclass(frozen=True)
class Outcome:
    """The findings that stand, those silenced, and the stale suppressions (CI010)."""

    kept: tuple[Finding, ...]
    silenced: tuple[tuple[Finding, str], ...]  # with SARIF's kind: inSource, external
    unused: tuple[Finding, ...]


def apply_suppressions(
    findings: Iterable[Finding],
    suppressions: Sequence[Suppression],
    *,
    evaluated: frozenset[str],
    sites: Sequence[ImageSite],
) -> Outcome:
    """Split ``findings`` by ``suppressions``; report the suppressions that silenced
    nothing although every rule they name was ``evaluated`` (or whose image no site
    names), and every name in a comment that names no rule."""
    kept: list[Finding] = []
    silenced: list[tuple[Finding, str]] = []
    used: set[int] = set()
    for finding in findings:
        matching = [index for index, item in enumerate(suppressions) if item.matches(finding)]
        used.update(matching)
        if not matching:
            kept.append(finding)
            continue
        inline = any(suppressions[index].covers is not None for index in matching)
        silenced.append((finding, "inSource" if inline else "external"))
    unused: list[Finding] = []
    for index, suppression in enumerate(suppressions):
        problems = (
            [f"{', '.join(suppression.unknown)} names no rule"] if suppression.unknown else []
        )
        if index not in used:
            problems.extend(_why_unused(suppression, evaluated, sites))
        if problems:
            unused.append(_unused(suppression, ", and ".join(problems)))
    return Outcome(tuple(kept), tuple(silenced), tuple(unused))


def _why_unused(
    suppression: Suppression, evaluated: frozenset[str], sites: Sequence[ImageSite]
) -> list[str]:
    """Why a suppression that silenced nothing is stale, if that can be told."""
    if suppression.image is not None and not any(
        site.reference is not None and names_image(suppression.image, site.reference)
        for site in sites
    ):
        return [f"no workflow names {suppression.image}"]
    named = suppression.rules or frozenset(rule.id for rule in all_rules())
    if suppression.unknown and not suppression.rules:
        return []  # names no rule at all: said already
    if named <= evaluated:
        where = f" on line {suppression.covers}" if suppression.covers is not None else ""
        return [f"it matches no finding{where}"]
    return []


def _unused(suppression: Suppression, why: str) -> Finding:
    return Finding(
        suppression.path,
        suppression.line,
        suppression.col,
        UNUSED_SUPPRESSION.id,
        UNUSED_SUPPRESSION.name,
        f"{suppression.text}: {why}; remove the suppression or correct it",
    )
