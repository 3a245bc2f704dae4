from __future__ import annotations

import json
from pathlib import Path

from ci_image.findings.model import CheckResult, Finding
from ci_image.findings.report import annotation, artifact_uri, render
from ci_image.findings.rules import Severity, all_rules

BASE = Path("/repo")


def finding(message: str = "m", severity: Severity = Severity.ERROR) -> Finding:
    return Finding(BASE / "a dir/ci.yml", 3, 7, "CI001", "floating-reference", message, severity)


def test_annotations_escape_as_the_toolkit_does() -> None:
    line = annotation(finding("100% sure:\r\nyes, really"), BASE)
    assert line == (
        "::error file=a dir/ci.yml,line=3,col=7,title=CI001 floating-reference"
        "::100%25 sure:%0D%0Ayes, really"
    )
    tricky = Finding(BASE / "x,y:z.yml", 1, 1, "CI009", "digest-only-pin", "n", Severity.NOTE)
    assert annotation(tricky, BASE).startswith("::notice file=x%2Cy%3Az.yml,")


def test_uris_are_relative_and_encoded_or_file_uris() -> None:
    assert artifact_uri(BASE / "a dir/ci.yml", BASE) == "a%20dir/ci.yml"
    assert artifact_uri(Path("/elsewhere/x.yml"), BASE) == "file:///elsewhere/x.yml"


def test_sarif_lists_the_catalogue_and_marks_suppressed_results() -> None:
    kept = finding()
    silenced = Finding(BASE / "b.yml", 1, 1, "CI003", "unresolvable-reference", "s")
    result = CheckResult(1, ()).with_suppressed([kept], [(silenced, "external")])
    document = json.loads(render(result, "sarif", BASE, version="9"))
    run = document["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == [r.id for r in all_rules()]
    assert run["tool"]["driver"]["version"] == "9"
    assert [item["ruleId"] for item in run["results"]] == ["CI001", "CI003"]
    assert run["results"][0]["ruleIndex"] == 0 and "suppressions" not in run["results"][0]
    assert run["results"][1]["suppressions"] == [{"kind": "external"}]


def test_plain_and_github_end_with_the_summary() -> None:
    result = CheckResult(1, ()).with_findings([finding()])
    assert render(result, "plain", BASE).splitlines() == [
        "a dir/ci.yml:3:7: CI001 floating-reference m",
        "0 image references in 1 workflow file: 1 problem",
    ]
    assert render(result, "github", BASE).splitlines()[-1] == result.summary()
