"""The rule catalogue: every finding ``check`` reports has one of these stable ids.

Ids never change meaning and are never reused: documentation (``docs/rules.md``, one
section per rule, whose heading ``## CI001 floating-reference`` gives the anchor
``ci001-floating-reference``), suppressions (``# ci-image: ignore[CI001]``,
``ignore = [...]``) and other tools (SARIF consumers, annotations) refer to them.

A new rule is one :func:`define` call below (the next free id) and one section in
``docs/rules.md``; a unit test holds the two together. Nothing else lists the rules.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

# Where the rule documentation is published: the repository's docs/rules.md.
DOCS_URL = "https://codeberg.org/ci-image/ci-image/src/branch/main/docs/rules.md"


class Severity(enum.Enum):
    """A finding's level; its value is the word the output formats use."""

    ERROR = "error"
    NOTE = "note"


class Needs(enum.Enum):
    """What a run must have for a rule to be applied at all (else a suppression of the
    rule cannot be told unused, CI010)."""

    IMAGE = "the project's CI image ([tool.ci-image] image)"
    CURRENT_TAG = "the tag the checkout builds (--flake)"
    REGISTRY = "the registry's answers (--registry)"
    ADOPTION = "the adopter's view (init)"


@dataclass(frozen=True)
class Rule:
    """``id`` (``CI001``), ``name`` (``floating-reference``), a one-sentence ``summary``,
    and the ``level`` its findings have unless the rule says otherwise (``error``/``note``)."""

    id: str
    name: str
    summary: str
    level: Severity = Severity.ERROR
    needs: frozenset[Needs] = frozenset()

    @property
    def anchor(self) -> str:
        """The anchor of the rule's section in docs/rules.md."""
        return f"{self.id.lower()}-{self.name}"

    @property
    def url(self) -> str:
        return f"{DOCS_URL}#{self.anchor}"


_CATALOGUE: dict[str, Rule] = {}


def define(
    rule_id: str,
    name: str,
    summary: str,
    level: Severity = Severity.ERROR,
    needs: frozenset[Needs] = frozenset(),
) -> Rule:
    """Add a rule to the catalogue; ids and names are unique."""
    rule = Rule(rule_id, name, summary, level, needs)
    if rule_id in _CATALOGUE or any(other.name == name for other in _CATALOGUE.values()):
        raise ValueError(f"rule {rule_id} {name} is defined twice")  # pragma: no cover
    _CATALOGUE[rule_id] = rule
    return rule


def all_rules() -> tuple[Rule, ...]:
    """Every rule, in id order."""
    return tuple(_CATALOGUE[key] for key in sorted(_CATALOGUE))


def find_rule(text: str) -> Rule | None:
    """The rule an id (``CI001``, any case) or a name (``floating-reference``) names."""
    upper = text.strip().upper()
    if upper in _CATALOGUE:
        return _CATALOGUE[upper]
    lower = text.strip().lower()
    return next((rule for rule in _CATALOGUE.values() if rule.name == lower), None)


FLOATING = define(
    "CI001",
    "floating-reference",
    "An image reference without a digest (or on 'latest') can name another image tomorrow.",
)
MALFORMED = define(
    "CI002",
    "malformed-reference",
    "The text where a workflow names an image is not a valid image reference.",
)
UNRESOLVABLE = define(
    "CI003",
    "unresolvable-reference",
    "A ${{ }} expression names the image, and its values cannot be read from the workflow.",
)
INCONSISTENT = define(
    "CI004",
    "inconsistent-pins",
    "The workflows pin the CI image at different tags or digests.",
    needs=frozenset({Needs.IMAGE}),
)
STALE = define(
    "CI005",
    "stale-pin",
    "The CI image is pinned at a tag other than the one the flake builds now (--flake).",
    needs=frozenset({Needs.IMAGE, Needs.CURRENT_TAG}),
)
UNRELEASED = define(
    "CI006",
    "unreleased-pin",
    "The CI image is still pinned at the bootstrap tag 'unreleased'.",
    needs=frozenset({Needs.IMAGE}),
)
MISSING_DIGEST = define(
    "CI007",
    "missing-digest",
    "The registry has no manifest with the pinned digest (--registry).",
    needs=frozenset({Needs.REGISTRY}),
)
MOVED_TAG = define(
    "CI008",
    "moved-tag",
    "The pinned tag no longer resolves to the pinned digest (--registry).",
    needs=frozenset({Needs.REGISTRY}),
)
DIGEST_ONLY = define(
    "CI009",
    "digest-only-pin",
    "A pin by digest alone is immutable, but says nothing about which version it is.",
    Severity.NOTE,
)
UNUSED_SUPPRESSION = define(
    "CI010",
    "unused-suppression",
    "A suppression (an ignore comment or setting) matches no finding.",
)
BUILD_PATHS = define(
    "CI011",
    "build-paths",
    "The build workflow's push paths are not exactly the image's inputs and the workflow.",
    needs=frozenset({Needs.ADOPTION}),
)
UNUSED_IMAGE = define(
    "CI012",
    "unused-image",
    "The CI image of [tool.ci-image] is used by no job, so the build workflow builds it "
    "for nothing.",
    needs=frozenset({Needs.ADOPTION}),
)
