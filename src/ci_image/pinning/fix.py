"""``check --fix``: pin every floating reference in place, at its own tag.

A reference is fixed when ``check`` reports it floating (``CI001``, not suppressed) and
it has a version tag but no digest: it becomes ``name:tag@sha256:...`` with the digest
that tag resolves to now, written in the user's spelling (``python:3.12`` stays
``python:3.12@...``). A reference without a tag, or on ``latest``, names no version:
only a person can choose one, so it is left for the report. Each distinct tag is asked
once; a registry that cannot be asked stops the fix before anything is written (all
files or none), its error named once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ci_image.errors import CiImageError
from ci_image.findings.model import CheckResult
from ci_image.findings.rules import FLOATING
from ci_image.pinning.plan import FileChange, Replacement, SiteKey, plan_rewrites
from ci_image.pinning.resolve import RegistryQueries, registry_host
from ci_image.reference import Reference
from ci_image.workflows.loader import Workflow, parse_workflow_text
from ci_image.workflows.sites import ImageSite


@dataclass(frozen=True)
class FixPlan:
    """The new texts, the references whose tag the registry does not have (with why),
    and one error per registry that could not be asked."""

    changes: tuple[FileChange, ...]
    unresolved: tuple[tuple[ImageSite, str], ...]
    unreachable: tuple[CiImageError, ...]

    @property
    def fixed(self) -> list[Replacement]:
        return [item for change in self.changes for item in change.replacements if item.changed]

    @property
    def changed(self) -> list[FileChange]:
        return [change for change in self.changes if change.changed]


@dataclass(frozen=True)
class Fixable:
    """A floating site and the version tag it is pinned at."""

    site: ImageSite
    reference: Reference
    tag: str


def fixable_sites(result: CheckResult) -> list[Fixable]:
    """The sites with a CI001 finding that stands, and a version tag to pin."""
    floating = {
        (finding.path, finding.line, finding.col)
        for finding in result.findings
        if finding.rule == FLOATING.id
    }
    chosen: dict[SiteKey, Fixable] = {}
    for site in result.sites:
        reference = site.reference
        if (
            site.key in floating
            and reference is not None
            and reference.digest is None
            and reference.tag is not None
            and reference.tag != "latest"
        ):
            chosen.setdefault(site.key, Fixable(site, reference, reference.tag))
    return list(chosen.values())


def plan_fix(
    workflows: Sequence[Workflow],
    sites: Mapping[Path, Sequence[ImageSite]],
    fixable: Sequence[Fixable],
    queries: RegistryQueries | None,
) -> FixPlan:
    """Ask the registries for each distinct tag, and plan the rewrite (nothing written).
    Without anything ``fixable``, no registry is asked (``queries`` may be None)."""
    if not fixable or queries is None:
        return FixPlan((), (), ())
    digests: dict[str, str | None] = {}
    failed: dict[str, CiImageError] = {}
    pins: dict[SiteKey, Reference] = {}
    unresolved: list[tuple[ImageSite, str]] = []
    for item in fixable:
        site, reference = item.site, item.reference
        host = registry_host(reference)
        if host in failed:
            continue
        key = f"{reference.canonical_repository}:{item.tag}"
        if key not in digests:
            try:
                digests[key] = queries.current_digest(reference)
            except CiImageError as error:
                path, line = (error.path, error.line) if error.path else (site.path, site.line)
                failed[host] = CiImageError(
                    f"{error.message}; nothing was pinned", path=path, line=line
                )
                continue
        digest = digests[key]
        if digest is None:
            unresolved.append(
                (site, f"{host} has no tag {item.tag} in {reference.canonical_repository}")
            )
            continue
        pins[site.key] = reference.with_pin(item.tag, digest)
    if failed:
        return FixPlan((), tuple(unresolved), tuple(failed.values()))
    return FixPlan(plan_rewrites(workflows, sites, pins), tuple(unresolved), ())


def fixed_workflows(workflows: Sequence[Workflow], plan: FixPlan) -> list[Workflow]:
    """The workflows as the fix leaves them (new texts read again), for the new report."""
    new_texts = {change.path: change.new_text for change in plan.changed}
    fixed: list[Workflow] = []
    for workflow in workflows:
        text = new_texts.get(workflow.path)
        if text is None:
            fixed.append(workflow)
        else:
            fixed.append(Workflow(workflow.path, text, parse_workflow_text(text, workflow.path)))
    return fixed
