"""``check --registry``: is every pinned image still there, and does its tag still name it?

Offline rules (:mod:`ci_image.findings.offline`) prove a pin is *written* immutably; only
the registry can tell whether the digest still exists (``CI007 missing-digest``: deleted,
garbage-collected, never pushed) and whether the tag still resolves to it (``CI008
moved-tag``: someone pushed another image under an immutable tag, or deleted it).
Each distinct pinned reference is asked once, through the registry API
(:mod:`ci_image.pinning.resolve`): the tag, and the digest only when the tag no longer
names it. A registry that cannot be asked is no finding but an error: it is reported
once (where it is first pinned), its other references are not asked, and the other
registries are checked all the same; the command then exits 2 after reporting the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ci_image.errors import CiImageError
from ci_image.findings.model import Finding
from ci_image.findings.rules import MISSING_DIGEST, MOVED_TAG, Rule
from ci_image.output import plural
from ci_image.pinning.resolve import RegistryQueries, registry_host
from ci_image.reference import Reference
from ci_image.workflows.sites import ImageSite

REPLACE_PIN = "replace the pin: re-run the build workflow (release) or pin another released image"


@dataclass(frozen=True)
class RegistryAnswers:
    """The findings of the registries that answered, and one error per registry that
    could not be asked."""

    findings: tuple[Finding, ...]
    unreachable: tuple[CiImageError, ...]


def registry_findings(sites: Sequence[ImageSite], queries: RegistryQueries) -> RegistryAnswers:
    """CI007/CI008 for every site pinned by tag and digest (others have offline findings)."""
    from ci_image.publish.registry import check_host  # noqa: PLC0415 - only with --registry

    pinned: dict[str, list[ImageSite]] = {}
    references: dict[str, Reference] = {}
    for site in {site.key: site for site in sites}.values():
        reference = site.reference
        if reference is not None and reference.tag is not None and reference.digest is not None:
            pinned.setdefault(str(reference), []).append(site)
            references[str(reference)] = reference
    per_host: dict[str, list[str]] = {}
    for text, reference in references.items():
        per_host.setdefault(registry_host(reference), []).append(text)
    findings: list[Finding] = []
    unreachable: list[CiImageError] = []
    for host, texts in per_host.items():
        for text in texts:
            reference, first = references[text], pinned[text][0]
            try:
                check_host(host)
                problems = _problems(queries, reference)
            except CiImageError as error:
                skipped = len(texts) - 1
                more = (
                    f" ({plural(skipped, 'other pinned reference')} to it not verified)"
                    if skipped
                    else ""
                )
                # Named where the registry is first pinned, unless it is about a file of
                # its own (an auth file).
                path, line = (error.path, error.line) if error.path else (first.path, first.line)
                unreachable.append(CiImageError(f"{error.message}{more}", path=path, line=line))
                break
            for rule, message in problems:
                findings.extend(Finding.at(site, rule, message) for site in pinned[text])
    return RegistryAnswers(tuple(findings), tuple(unreachable))


def _problems(queries: RegistryQueries, reference: Reference) -> list[tuple[Rule, str]]:
    """CI007 and CI008, with advice that agrees: a pin whose digest is gone must be
    replaced, whatever its tag does; a pin whose digest exists is kept."""
    registry = registry_host(reference)
    problems: list[tuple[Rule, str]] = []
    # The tag first: when it still names the pin, the digest exists too (one question).
    current = queries.current_digest(reference)
    exists = current == reference.digest or queries.digest_exists(reference)
    if not exists:
        problems.append(
            (
                MISSING_DIGEST,
                f"{reference}: {registry} has no manifest {reference.digest} in "
                f"{reference.path} (deleted, or never pushed); runners cannot pull it: "
                f"{REPLACE_PIN}",
            )
        )
    if current is None:
        consequence = (
            "the pin still works while the digest exists, but nobody can tell which build "
            "it is any more"
            if exists
            else f"and neither does the pinned digest (CI007): {REPLACE_PIN}"
        )
        problems.append(
            (
                MOVED_TAG,
                f"{reference}: the tag {reference.tag} no longer exists in "
                f"{registry}/{reference.path}; {consequence}",
            )
        )
    elif current != reference.digest:
        advice = (
            ": find out who pushed it, and keep the pin (it names the image that was tested)"
            if exists
            else f", and the pinned digest is gone (CI007): {REPLACE_PIN}"
        )
        problems.append(
            (
                MOVED_TAG,
                f"{reference}: the tag {reference.tag} now resolves to {current}, not the "
                f"pinned digest; a pinned tag must never move{advice}",
            )
        )
    return problems
