from __future__ import annotations

import re
from pathlib import Path

from ci_image.findings.rules import DOCS_URL, Needs, Severity, all_rules, find_rule

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def test_ids_are_sequential_and_names_unique() -> None:
    rules = all_rules()
    assert [rule.id for rule in rules] == [f"CI{number:03d}" for number in range(1, len(rules) + 1)]
    assert len({rule.name for rule in rules}) == len(rules)


def test_every_rule_has_a_documentation_section_under_its_anchor() -> None:
    headings = re.findall(r"^## (CI\d{3}) ([a-z-]+)$", DOCS.read_text(encoding="utf-8"), re.M)
    assert headings == [(rule.id, rule.name) for rule in all_rules()]
    for rule in all_rules():
        # Forgejo and GitHub make "## CI001 floating-reference" the anchor below.
        assert rule.url == f"{DOCS_URL}#{rule.id.lower()}-{rule.name}"
        assert rule.summary.endswith(".") and rule.level in set(Severity)


def test_a_rule_is_found_by_id_in_any_case_or_by_name() -> None:
    assert find_rule("ci001") is find_rule("CI001") is find_rule(" floating-reference ")
    assert find_rule("CI999") is None
    assert find_rule("Floating-Reference") is not None


def test_a_rule_that_needs_an_option_says_so_in_its_summary() -> None:
    for rule in all_rules():
        assert ("(--registry)" in rule.summary) == (Needs.REGISTRY in rule.needs), rule.id
        assert ("(--flake)" in rule.summary) == (Needs.CURRENT_TAG in rule.needs), rule.id
        if Needs.CURRENT_TAG in rule.needs:  # the tag the checkout builds, of the CI image
            assert Needs.IMAGE in rule.needs, rule.id
