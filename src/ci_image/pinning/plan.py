"""Rewrite every reference to one image repository in the workflows, and nothing else.

Positions come from the YAML parser (:mod:`ci_image.workflows.sites`), never from searching
the text: only the characters of each reference change, so quotes, comments, line
endings, a BOM, anchors and every other byte stay as they were. Before anything is
written the new text is parsed again and must read exactly the intended references.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ci_image.errors import CiImageError
from ci_image.output import display_path
from ci_image.pinning.diff import rewrite_diff
from ci_image.reference import Reference
from ci_image.workflows.loader import Workflow, compose_unchecked
from ci_image.workflows.sites import ImageSite, SiteStatus, Span, find_image_sites, image_texts


@dataclass(frozen=True)
class Replacement:
    """One reference rewritten (or already right): where, and the text before and after."""

    path: Path
    line: int
    col: int
    where: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class FileChange:
    """One workflow file's references to the repository, and its text before and after."""

    path: Path
    old_text: str
    new_text: str
    replacements: tuple[Replacement, ...]

    @property
    def changed(self) -> bool:
        return self.old_text != self.new_text

    def diff(self, base: Path) -> str:
        """A unified diff ``a/FILE`` -> ``b/FILE`` (applies with ``git apply``)."""
        name = display_path(self.path, base)
        return rewrite_diff(self.old_text, self.new_text, f"a/{name}", f"b/{name}")


def require_pinned(reference: Reference) -> None:
    """``pin`` writes immutable pins only: the reference must carry a tag and a digest."""
    missing = [
        name
        for name, value in (("tag", reference.tag), ("digest", reference.digest))
        if value is None
    ]
    if missing:
        raise CiImageError(
            f"{reference} has no {' and no '.join(missing)}; pin needs "
            "REGISTRY/OWNER/IMAGE:TAG@sha256:DIGEST with the digest from the registry "
            "(as ci-image push prints it)"
        )


def plan_workflow(
    workflow: Workflow, reference: Reference, sites: Sequence[ImageSite]
) -> FileChange:
    """The new text of one workflow (whose image ``sites`` are given) with every reference
    to ``reference``'s repository pinned."""
    replacements: dict[tuple[Path, int, int], Replacement] = {}
    edits: dict[Span, str] = {}
    for site in sites:
        if site.reference is None or not site.reference.same_repository(reference):
            continue
        new = str(site.reference.with_pin(reference.tag, reference.digest))
        replacements.setdefault(
            site.key, Replacement(site.path, site.line, site.col, site.where, site.text, new)
        )
        if new == site.text:
            continue
        if site.span is None:
            raise CiImageError(
                f"cannot rewrite {site.where} ({site.text}) byte for byte: "
                f"{site.span_problem}. Nothing was changed",
                path=site.path,
                line=site.line,
            )
        edits[site.span] = new
    text = workflow.text
    pieces: list[str] = []
    cursor = 0
    for span in sorted(edits, key=lambda item: item.start):
        pieces.append(text[cursor : span.start])
        pieces.append(edits[span])
        cursor = span.end
    pieces.append(text[cursor:])
    change = FileChange(
        path=workflow.path,
        old_text=text,
        new_text="".join(pieces),
        replacements=tuple(replacements.values()),
    )
    if change.changed:
        _verify(workflow, sites, change, edits)
    return change


def _verify(
    workflow: Workflow,
    before: Sequence[ImageSite],
    change: FileChange,
    new_texts: dict[Span, str],
) -> None:
    """Parse the new text: it must name the same sites, with only the intended texts changed.

    The new text differs from a checked workflow only inside image scalars, so composing
    it is enough; the safety checks already passed on the original.
    """
    try:
        root = compose_unchecked(change.new_text)
    except yaml.YAMLError:  # pragma: no cover - a guard, like the one below
        root = None
    after = image_texts(root, change.new_text) if isinstance(root, yaml.MappingNode) else None
    wanted = [
        (site.where, new_texts.get(site.span, site.text) if site.span else site.text)
        for site in before
    ]
    if after != wanted:  # pragma: no cover - a guard: a misread mark must never reach the disk
        raise CiImageError(
            "rewriting the image references would change more than their text; "
            "nothing was changed (please report this file)",
            path=workflow.path,
        )


@dataclass(frozen=True)
class PinPlan:
    """The files that name the repository (with their new text), and what is left alone."""

    changes: tuple[FileChange, ...]
    left_alone: tuple[ImageSite, ...]


def plan_pin(workflows: Sequence[Workflow], reference: Reference) -> PinPlan:
    """Pin ``reference`` in the workflows' texts (pure: no I/O, nothing written)."""
    changes: list[FileChange] = []
    left_alone: list[ImageSite] = []
    for workflow in workflows:
        sites = find_image_sites(workflow)
        left_alone.extend(site for site in sites if site.status is SiteStatus.UNRESOLVABLE)
        change = plan_workflow(workflow, reference, sites)
        if change.replacements:
            changes.append(change)
    return PinPlan(tuple(changes), tuple(left_alone))
