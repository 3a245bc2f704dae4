from __future__ import annotations

from pathlib import Path

from ci_image.findings.model import Finding
from ci_image.findings.rules import all_rules
from ci_image.findings.suppressions import (
    Suppression,
    apply_suppressions,
    inline_suppressions,
    setting_suppressions,
)
from ci_image.reference import parse_reference
from ci_image.settings import IgnoreSetting
from ci_image.workflows.sites import find_image_sites
from workflow_helpers import workflow

EVERY = frozenset(rule.id for rule in all_rules())
TEXT = """on: push  # ci-image: ignore[CI001]
jobs:
  t:
    # ci-image: ignore[CI002,  moved-tag, CI0O1]

    # more words
    container: alpine
    steps:
      - run: |
          # ci-image: ignore[CI001]
      - uses: docker://x  # see: ci-image: ignore[CI003]
"""


def finding(line: int, rule: str = "CI001", subject: str | None = None) -> Finding:
    reference = parse_reference(subject) if subject else None
    return Finding(
        Path("/repo/.forgejo/workflows/ci.yml"), line, 5, rule, "n", "m", subject=reference
    )


def test_comments_cover_their_line_or_the_next_line_with_content() -> None:
    found = inline_suppressions(workflow(TEXT))
    assert [(item.line, item.covers, sorted(item.rules), item.unknown) for item in found] == [
        (1, 1, ["CI001"], ()),
        (4, 7, ["CI002", "CI008"], ("CI0O1",)),
        (11, 11, ["CI003"], ()),
    ]
    assert found[1].col == 5 and found[1].text == "ci-image: ignore[CI002,  moved-tag, CI0O1]"


def test_a_workflow_without_the_marker_has_none() -> None:
    assert inline_suppressions(workflow("on: push\njobs: {}\n")) == []
    assert inline_suppressions(workflow("on: push\njobs: {}\n# ci-image: note\n")) == []


def test_matching_by_line_rule_and_image() -> None:
    path = Path("/repo/.forgejo/workflows/ci.yml")
    inline = Suppression(path, 6, 5, "c", frozenset({"CI001"}), covers=7)
    by_image = Suppression(
        Path("/repo/pyproject.toml"), 3, 1, "s", image=parse_reference("postgres")
    )
    tagged = Suppression(Path("/repo/pyproject.toml"), 4, 1, "s", image=parse_reference("redis:7"))
    assert inline.matches(finding(7)) and not inline.matches(finding(8))
    assert not inline.matches(finding(7, "CI002"))
    assert by_image.matches(finding(9, "CI008", "docker.io/library/postgres:15"))
    assert not by_image.matches(finding(9, "CI008", "mysql"))
    assert not by_image.matches(finding(9, "CI003"))  # no image to match
    assert tagged.matches(finding(1, subject="index.docker.io/library/redis:7"))
    assert not tagged.matches(finding(1, subject="redis:6"))
    assert not inline.matches(finding(7, "CI010"))  # never silenced


def test_unused_ones_are_reported_only_when_that_can_be_told() -> None:
    sites = find_image_sites(workflow("on: push\njobs:\n  t: {container: alpine}\n"))
    path = Path("/repo/pyproject.toml")
    suppressions = [
        Suppression(path, 1, 1, "used", frozenset({"CI001"})),
        Suppression(path, 2, 1, "registry", frozenset({"CI007"})),
        Suppression(path, 3, 1, "offline", frozenset({"CI004"})),
        Suppression(path, 4, 1, "gone", image=parse_reference("mysql")),
        Suppression(path, 5, 1, "any alpine", image=parse_reference("alpine")),
        Suppression(path, 6, 1, "typo", unknown=("CI0O1",)),
    ]
    offline = EVERY - {"CI005", "CI007", "CI008"}
    outcome = apply_suppressions([finding(3)], suppressions, evaluated=offline, sites=sites)
    assert outcome.kept == () and [kind for _f, kind in outcome.silenced] == ["external"]
    assert [item.message for item in outcome.unused] == [
        "offline: it matches no finding; remove the suppression or correct it",
        "gone: no workflow names mysql; remove the suppression or correct it",
        "typo: CI0O1 names no rule; remove the suppression or correct it",
    ]
    everything = apply_suppressions([], suppressions[1:2], evaluated=EVERY, sites=sites)
    assert [item.line for item in everything.unused] == [2]


def test_setting_entries_become_suppressions_of_pyproject() -> None:
    entry = IgnoreSetting(frozenset({"CI003"}), None, None, "ignore entry 'CI003'")
    assert setting_suppressions([entry], None) == []
    (item,) = setting_suppressions([entry], Path("/repo/pyproject.toml"))
    assert (item.line, item.covers, item.rules) == (1, None, frozenset({"CI003"}))


def test_empty_names_a_comment_at_the_end_and_aliases() -> None:
    text = (
        "x: &img alpine:3  # ci-image: ignore[CI001,]\n"
        "on: push\njobs:\n  a: {container: *img}\n  b: {container: *img}\n"
        "# ci-image: ignore[CI009]"
    )
    found = inline_suppressions(workflow(text))
    assert [(item.covers, sorted(item.rules)) for item in found] == [
        (1, ["CI001"]),
        (7, ["CI009"]),  # nothing follows: the next line
    ]
