"""``check --registry``: is every pinned image still there, and does its tag still name it?

Offline rules (:mod:`ci_image.findings.model`) prove a pin is *written* immutably; only the
registry can tell whether the digest still exists (``CI007 missing-digest``: deleted,
garbage-collected, never pushed) and whether the tag still resolves to it (``CI008
moved-tag``: someone pushed another image under an immutable tag, or deleted it).
Each distinct pinned reference is asked once: one ``HEAD`` for the digest, one ``GET``
for the tag. A registry that cannot be asked is an error (exit 2), not a finding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ci_image.errors import CiImageError
from ci_image.findings.model import Finding
from ci_image.findings.rules import MISSING_DIGEST, MOVED_TAG, Rule
from ci_image.publish.registry import (
    RegistryClient,
    RegistryOptions,
    check_host,
    client_for,
    digest_exists,
    tag_digest,
)
from ci_image.reference import Reference
from ci_image.trace import Trace
from ci_image.workflows.sites import ImageSite

REPLACE_PIN = "replace the pin: re-run the build workflow (release) or pin another released image"


def registry_findings(
    sites: Sequence[ImageSite],
    options: RegistryOptions,
    *,
    environ: Mapping[str, str],
    trace: Trace,
) -> list[Finding]:
    """CI007/CI008 for every site pinned by tag and digest (others have offline findings)."""
    pinned: dict[str, list[ImageSite]] = {}
    references: dict[str, Reference] = {}
    for site in {site.key: site for site in sites}.values():
        reference = site.reference
        if reference is not None and reference.tag is not None and reference.digest is not None:
            pinned.setdefault(str(reference), []).append(site)
            references[str(reference)] = reference
    clients: dict[str, RegistryClient] = {}
    findings: list[Finding] = []
    for text, reference in references.items():
        key = reference.canonical_repository
        if key not in clients:
            clients[key] = _client(reference, options, pinned[text][0], environ, trace)
        for rule, message in _problems(clients[key], reference):
            findings.extend(Finding.at(site, rule, message) for site in pinned[text])
    return findings


def _client(
    reference: Reference,
    options: RegistryOptions,
    site: ImageSite,
    environ: Mapping[str, str],
    trace: Trace,
) -> RegistryClient:
    """The registry's client; an address no request could reach is named where it is pinned."""
    try:
        check_host(reference.registry or "docker.io")
    except CiImageError as error:
        raise CiImageError(error.message, path=site.path, line=site.line) from None
    return client_for(reference, options, environ=environ, trace=trace)


def _problems(client: RegistryClient, reference: Reference) -> list[tuple[Rule, str]]:
    """CI007 and CI008, with advice that agrees: a pin whose digest is gone must be
    replaced, whatever its tag does; a pin whose digest exists is kept."""
    problems: list[tuple[Rule, str]] = []
    exists = digest_exists(client, reference)
    if not exists:
        problems.append(
            (
                MISSING_DIGEST,
                f"{reference}: {client.registry} has no manifest {reference.digest} in "
                f"{reference.path} (deleted, or never pushed); runners cannot pull it: "
                f"{REPLACE_PIN}",
            )
        )
    current = tag_digest(client, reference)
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
                f"{client.registry}/{reference.path}; {consequence}",
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
