"""The offline rules: are the workflows' image references immutable, agreeing, current?

Every image site (:mod:`ci_image.workflows.sites`) is checked, not only the CI image's.
Pure logic: the sites and the options in, findings out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ci_image.findings.model import CheckResult, Finding
from ci_image.findings.rules import (
    DIGEST_ONLY,
    FLOATING,
    INCONSISTENT,
    MALFORMED,
    STALE,
    UNRELEASED,
    UNRESOLVABLE,
    Severity,
)
from ci_image.reference import Reference
from ci_image.workflows.loader import Workflow
from ci_image.workflows.sites import ImageSite, SiteStatus, find_all_image_sites

UNRELEASED_TAG = "unreleased"
BUILD_WORKFLOW = "build-ci-image.yml"


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
    if reference.tag is None and reference.digest is not None:
        findings.append(
            Finding.at(
                site,
                DIGEST_ONLY,
                f"{reference} is pinned by digest alone: immutable, but nobody can tell "
                f"which version it is; write {reference.repository}:TAG@{reference.digest} "
                "with the tag it was pulled as",
            )
        )
    floating = _floating_reason(reference)
    if floating is not None:
        how = _how_to_pin(reference, is_image)
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


def _how_to_pin(reference: Reference, is_image: bool) -> str:
    """The command that pins a floating reference: with its own tag when it has a
    version tag (the registry gives the digest), else a tag must be chosen first."""
    if reference.tag in (None, "latest"):
        return f"choose a version tag, then run ci-image pin {reference.repository}:TAG"
    if is_image:
        return f"run ci-image pin {reference.repository}:{reference.tag}"
    return f"run ci-image check --fix, or ci-image pin {reference.repository}:{reference.tag}"


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
    if reference.tag is None:
        if reference.digest is None:
            return "has no tag and no digest: it follows whatever the registry serves"
        return None  # immutable: a note (CI009), not a failure
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
