"""The rule catalogue: every finding ``check`` reports has one of these stable ids.

Ids never change meaning and are never reused: documentation, suppressions and other
tools (SARIF consumers, annotations) refer to them.
"""

from __future__ import annotations

from dataclasses import dataclass


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
# For a project with a build workflow (build-ci-image.yml), as `ci-image init` sets up.
BUILD_PATHS = Rule("CI009", "build-paths")
UNUSED_IMAGE = Rule("CI010", "unused-image")
