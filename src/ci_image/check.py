"""Findings about the image references of the workflows: are they immutable, agreeing, current?

Every image site (:mod:`ci_image.imagerefs`) is checked, not only the CI image's. The
rules have stable ids that documentation and other tools rely on. :class:`CheckResult`
keeps the sites it looked at, so a later verification (the registry's ``CI007``/``CI008``)
adds its findings with :meth:`CheckResult.with_findings` without touching these rules.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ci_image.imagerefs import ImageSite, SiteStatus, find_all_image_sites
from ci_image.nixeval import image_tag_from_flake
from ci_image.output import display_path, plural
from ci_image.reference import Reference
from ci_image.workflows import Workflow, collector_paused, load_some_workflows

UNRELEASED_TAG = "unreleased"
BUILD_WORKFLOW = "build-ci-image.yml"


class Severity(enum.Enum):
    ERROR = "error"
    NOTE = "note"


@dataclass(frozen=True)
class Rule:
    id: str
    name: str


FLOATING = Rule("CI001", "floating-reference")
MALFORMED = Rule("CI002", "malformed-reference")
UNRESOLVABLE = Rule("CI003", "unresolvable-reference")
INCONSISTENT = Rule("CI004", "inconsistent-pins")
STALE = Rule("CI005", "stale-pin")
UNRELEASED = Rule("CI006", "unreleased-pin")
# Reserved for the registry verification (``check --registry``).
MISSING_DIGEST = Rule("CI007", "missing-digest")
MOVED_TAG = Rule("CI008", "moved-tag")


@dataclass(frozen=True)
class Finding:
    """One problem at one place: ``path:line:col: RULE name message``."""

    path: Path
    line: int
    col: int
    rule: str
    name: str
    message: str
    severity: Severity = Severity.ERROR

    @classmethod
    def at(
        cls, site: ImageSite, rule: Rule, message: str, severity: Severity = Severity.ERROR
    ) -> Finding:
        return cls(site.path, site.line, site.col, rule.id, rule.name, message, severity)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (str(self.path), self.line, self.col, self.rule, self.message)

    def format(self, base: Path) -> str:
        note = "note: " if self.severity is Severity.NOTE else ""
        where = f"{display_path(self.path, base)}:{self.line}:{self.col}"
        return f"{where}: {self.rule} {self.name} {note}{self.message}"

    def as_json(self, base: Path) -> dict[str, Any]:
        return {
            "path": display_path(self.path, base),
            "line": self.line,
            "col": self.col,
            "rule": self.rule,
            "name": self.name,
            "message": self.message,
            "severity": self.severity.value,
        }


@dataclass(frozen=True)
class CheckResult:
    """The findings, and what was looked at (for summaries and later verifications)."""

    files: int
    sites: tuple[ImageSite, ...]
    findings: tuple[Finding, ...] = field(default=())

    def with_findings(self, extra: Iterable[Finding]) -> CheckResult:
        """This result plus findings from another verification, deduplicated and sorted."""
        merged = {finding.sort_key(): finding for finding in (*self.findings, *extra)}
        ordered = tuple(merged[key] for key in sorted(merged))
        return CheckResult(self.files, self.sites, ordered)

    @property
    def references(self) -> int:
        """Distinct reference texts (a YAML alias names one text from several jobs)."""
        return len({site.key for site in self.sites})

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.ERROR)

    @property
    def notes(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.NOTE)

    @property
    def failed(self) -> bool:
        return self.errors > 0

    def summary(self) -> str:
        scope = (
            f"{plural(self.references, 'image reference')} in {plural(self.files, 'workflow file')}"
        )
        if not self.findings:
            return f"{scope}: all pinned by tag and digest"
        notes = f", {plural(self.notes, 'note')}" if self.notes else ""
        problems = plural(self.errors, "problem") if self.errors else "no problems"
        return f"{scope}: {problems}{notes}"

    def as_json(self, base: Path) -> dict[str, Any]:
        return {
            "files": self.files,
            "references": self.references,
            "findings": [finding.as_json(base) for finding in self.findings],
            "counts": {
                "errors": self.errors,
                "notes": self.notes,
                "rules": dict(Counter(finding.rule for finding in self.findings)),
            },
            "ok": not self.failed,
        }


@dataclass(frozen=True)
class CheckOptions:
    """``image``: the CI image's repository (rules CI004-CI006 need it)."""

    image: Reference | None = None
    current_tag: str | None = None
    flake: str | None = None
    allow_unreleased: bool = False


def check_sites(sites: Sequence[ImageSite], options: CheckOptions) -> list[Finding]:
    """Apply every offline rule to the sites (pure)."""
    distinct = list({site.key: site for site in sites}.values())
    findings: list[Finding] = []
    for site in distinct:
        findings.extend(_site_findings(site, options))
    if options.image is not None:
        findings.extend(_inconsistent(distinct, options.image))
    return findings


def check_workflows(workflows: Sequence[Workflow], options: CheckOptions) -> CheckResult:
    sites = tuple(find_all_image_sites(workflows))
    return CheckResult(len(workflows), sites).with_findings(check_sites(sites, options))


def check_directory(
    directory: Path,
    *,
    image: Reference | None,
    flake: str | None = None,
    allow_unreleased: bool = False,
) -> CheckResult:
    """Load the workflows (none at all is an error) and check them; with ``flake``, ask
    Nix for the current tag."""
    with collector_paused():
        workflows = load_some_workflows(directory)
        current_tag = image_tag_from_flake(flake) if flake is not None else None
        options = CheckOptions(image, current_tag, flake, allow_unreleased)
        return check_workflows(workflows, options)


def _site_findings(site: ImageSite, options: CheckOptions) -> list[Finding]:
    if site.status is SiteStatus.UNRESOLVABLE:
        return [
            Finding.at(
                site,
                UNRESOLVABLE,
                f"{site.where} is {site.text!r}: a ${{{{ }}}} expression only the runner "
                "resolves, so its image cannot be verified; write the pinned reference "
                "itself (a matrix can list pinned references)",
            )
        ]
    reference = site.reference
    if reference is None:
        what = f"{site.where} is {site.text!r}: " if site.scalar else ""
        return [
            Finding.at(
                site,
                MALFORMED,
                f"{what}{site.problem}; write REGISTRY/OWNER/IMAGE:TAG@sha256:DIGEST",
            )
        ]
    is_image = options.image is not None and reference.same_repository(options.image)
    if is_image and reference.tag == UNRELEASED_TAG and reference.digest is None:
        return [_unreleased(site, reference, options)]
    findings: list[Finding] = []
    floating = _floating_reason(reference)
    if floating is not None:
        how = (
            f"run ci-image pin {reference.repository}:TAG@sha256:DIGEST"
            if is_image
            else f"pin it as {reference.repository}:TAG@sha256:DIGEST"
        )
        findings.append(Finding.at(site, FLOATING, f"{reference} {floating}; {how}"))
    if (
        is_image
        and options.current_tag is not None
        and reference.tag not in (None, "latest", UNRELEASED_TAG)
        and reference.tag != options.current_tag
    ):
        findings.append(
            Finding.at(
                site,
                STALE,
                f"{reference} pins tag {reference.tag}, but the current image tag "
                f"({options.flake}.imageTag) is {options.current_tag}: the inputs changed; "
                f"run the build workflow ({BUILD_WORKFLOW}) or ci-image release to publish "
                "and pin the current image",
            )
        )
    return findings


def _unreleased(site: ImageSite, reference: Reference, options: CheckOptions) -> Finding:
    message = (
        f"{reference} is not yet released: run the build workflow ({BUILD_WORKFLOW}) "
        "once to publish the image and pin it"
    )
    if options.allow_unreleased:
        return Finding.at(site, UNRELEASED, message, Severity.NOTE)
    return Finding.at(
        site, UNRELEASED, message + " (or pass --allow-unreleased while bootstrapping)"
    )


def _floating_reason(reference: Reference) -> str | None:
    """Why a reference can change under the workflow, or None when it is pinned."""
    if reference.tag is None and reference.digest is None:
        return "has no tag and no digest: it follows whatever the registry serves"
    if reference.tag is None:
        return "has a digest but no tag: immutable, but nobody can tell which version it is"
    if reference.tag == "latest":
        if reference.digest is None:
            return "uses the tag 'latest' without a digest: it follows every push"
        return "uses the tag 'latest', which names no version: use the version's own tag"
    if reference.digest is None:
        return "has no digest: a tag can be moved to another image"
    return None


def _pin_of(reference: Reference) -> tuple[str | None, str | None]:
    return (reference.tag, reference.digest)


def _inconsistent(sites: Sequence[ImageSite], image: Reference) -> list[Finding]:
    """Pins of the CI image that disagree: report every site not on the majority pin."""
    ours = [
        (site, site.reference)
        for site in sites
        if site.reference is not None and site.reference.same_repository(image)
    ]
    counts = Counter(_pin_of(reference) for _site, reference in ours)
    if len(counts) < 2:
        return []
    ranked = counts.most_common()
    top_pin, top_count = ranked[0]
    majority = top_pin if top_count > ranked[1][1] else None
    example = {_pin_of(reference): reference for _site, reference in ours}
    findings: list[Finding] = []
    for site, reference in ours:
        pin = _pin_of(reference)
        if majority is not None:
            if pin == majority:
                continue
            others = f"{top_count} of {len(ours)} references pin {example[majority]}, the majority"
        else:
            others = "other references pin " + ", ".join(
                str(example[other]) for other, _count in ranked if other != pin
            )
        findings.append(
            Finding.at(
                site,
                INCONSISTENT,
                f"{reference} disagrees with the other pins of {image.repository}: {others}; "
                f"make them agree with ci-image pin {image.repository}:TAG@sha256:DIGEST",
            )
        )
    return findings
