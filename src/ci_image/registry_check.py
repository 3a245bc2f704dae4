"""``check --registry``: is every pinned image still there, and does its tag still name it?

Offline rules (:mod:`ci_image.check`) prove a pin is *written* immutably; only the
registry can tell whether the digest still exists (``CI007 missing-digest``: deleted,
garbage-collected, never pushed) and whether the tag still resolves to it (``CI008
moved-tag``: someone pushed another image under an immutable tag, or deleted it).
Each distinct pinned reference is asked once: one ``HEAD`` for the digest, one ``GET``
for the tag. A registry that cannot be asked is an error (exit 2), not a finding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ci_image.check import MISSING_DIGEST, MOVED_TAG, Finding, Rule
from ci_image.imagerefs import ImageSite
from ci_image.reference import Reference
from ci_image.registry import (
    RegistryClient,
    RegistryOptions,
    client_for,
    digest_exists,
    tag_digest,
)
from ci_image.trace import Trace


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
            clients[key] = client_for(reference, options, environ=environ, trace=trace)
        for rule, message in _problems(clients[key], reference):
            findings.extend(Finding.at(site, rule, message) for site in pinned[text])
    return findings


def _problems(client: RegistryClient, reference: Reference) -> list[tuple[Rule, str]]:
    problems: list[tuple[Rule, str]] = []
    if not digest_exists(client, reference):
        problems.append(
            (
                MISSING_DIGEST,
                f"{reference}: {client.registry} has no manifest {reference.digest} in "
                f"{reference.path} (deleted, or never pushed); runners cannot pull it: "
                "release the image again and pin the new reference",
            )
        )
    current = tag_digest(client, reference)
    if current is None:
        problems.append(
            (
                MOVED_TAG,
                f"{reference}: the tag {reference.tag} no longer exists in "
                f"{client.registry}/{reference.path}; the pin still works while the digest "
                "exists, but nobody can tell which build it is any more",
            )
        )
    elif current != reference.digest:
        problems.append(
            (
                MOVED_TAG,
                f"{reference}: the tag {reference.tag} now resolves to {current}, not the "
                "pinned digest; a pinned tag must never move: find out who pushed "
                "it, and keep the pin (it names the image that was tested)",
            )
        )
    return problems
