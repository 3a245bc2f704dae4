"""Rewrite chosen image references in the workflows, and nothing else.

Which references a pin rewrites is decided per repository: the project's CI image is
pinned at one tag everywhere (:func:`select_everywhere`); any other image keeps each
reference's own tag, and only references with the pinned tag change
(:func:`select_same_tag`), as Renovate pins digests.

Positions come from the YAML parser (:mod:`ci_image.workflows.sites`), never from searching
the text: only the characters of each reference change, so quotes, comments, line
endings, a BOM, anchors and every other byte stay as they were. Before anything is
written the new text is parsed again and must read exactly the intended references.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ci_image.errors import CiImageError
from ci_image.output import display_path
from ci_image.pinning.diff import rewrite_diff
from ci_image.reference import Reference
from ci_image.workflows.loader import Workflow, compose_unchecked
from ci_image.workflows.sites import ImageSite, Span, image_texts


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


def require_pinnable(reference: Reference) -> None:
    """What ``pin`` may write: a version tag, never ``latest`` (as ``push`` refuses it),
    never a digest without its tag. The digest may be missing: the registry gives it."""
    if reference.tag == "latest":
        raise CiImageError(
            f"{reference} uses the tag 'latest', which names no version and which check "
            "rejects (CI001); pin the version's own tag, as push refuses 'latest' too"
        )
    if reference.tag is None and reference.digest is not None:
        raise CiImageError(
            f"{reference} has no tag; pin needs REGISTRY/OWNER/IMAGE:TAG[@sha256:DIGEST], "
            "the tag the digest was pushed as"
        )


SiteKey = tuple[Path, int, int]


def select_everywhere(sites: Iterable[ImageSite], reference: Reference) -> list[ImageSite]:
    """The project's CI image: every reference to its repository, whatever its tag."""
    return [
        site
        for site in sites
        if site.reference is not None and site.reference.same_repository(reference)
    ]


def select_same_tag(sites: Iterable[ImageSite], reference: Reference) -> list[ImageSite]:
    """Any other image: the references to its repository with ``reference``'s tag, or,
    when it names no tag, with any version tag (each keeping its own). A reference
    naming another tag, none or ``latest`` is another image: it is never changed."""
    return [
        site
        for site in select_everywhere(sites, reference)
        if site.reference is not None
        and site.reference.tag not in (None, "latest")
        and reference.tag in (None, site.reference.tag)
    ]


def plan_workflow(
    workflow: Workflow, sites: Sequence[ImageSite], pins: Mapping[SiteKey, Reference]
) -> FileChange:
    """The new text of one workflow (whose image ``sites`` are given) with each site in
    ``pins`` rewritten to its new reference."""
    replacements: dict[SiteKey, Replacement] = {}
    edits: dict[Span, str] = {}
    for site in sites:
        if site.key not in pins:
            continue
        new = str(pins[site.key])
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


def pin_sites(sites: Iterable[ImageSite], digests: Mapping[str, str]) -> dict[SiteKey, Reference]:
    """Each site pinned at its own tag, with the digest ``digests`` gives for that tag."""
    pins: dict[SiteKey, Reference] = {}
    for site in sites:
        reference = site.reference
        if reference is not None and reference.tag is not None and reference.tag in digests:
            pins[site.key] = reference.with_pin(reference.tag, digests[reference.tag])
    return pins


def plan_rewrites(
    workflows: Sequence[Workflow],
    sites: Mapping[Path, Sequence[ImageSite]],
    pins: Mapping[SiteKey, Reference],
) -> tuple[FileChange, ...]:
    """The files that hold a pinned site, with their new texts (pure: nothing written)."""
    changes: list[FileChange] = []
    for workflow in workflows:
        change = plan_workflow(workflow, sites[workflow.path], pins)
        if change.replacements:
            changes.append(change)
    return tuple(changes)
