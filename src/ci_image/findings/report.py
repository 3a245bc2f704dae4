"""How ``check`` reports: plain lines, versioned JSON, SARIF 2.1.0, and workflow-command
annotations (``--format plain|json|sarif|github``). Pure: a result in, text out.

- ``plain``: ``FILE:LINE:COL: RULE name message``, then a summary line.
- ``json``: :meth:`CheckResult.as_json` (``version``; schemas/check.schema.json).
- ``sarif``: one run whose driver lists every rule of the catalogue (id, name, short
  description, help URI, default level); suppressed findings are results with a
  suppression (``inSource`` for a comment, ``external`` for the setting), as code
  scanning expects. Columns count Unicode code points (``columnKind``).
- ``github``: ``::error file=F,line=L,col=C,title=T::MESSAGE`` (``::notice`` for notes),
  the workflow commands GitHub's and Forgejo's runners turn into annotations; values
  escaped as actions/toolkit's ``command.ts`` does.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from ci_image.findings.model import CheckResult, Finding
from ci_image.findings.rules import DOCS_URL, Severity, all_rules
from ci_image.output import display_path

FORMATS = ("plain", "json", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = DOCS_URL.split("/src/", 1)[0]


def render(result: CheckResult, fmt: str, base: Path, *, version: str = "unknown") -> str:
    """The whole report in ``fmt`` (plain, sarif or github; the JSON document, with what
    ``--fix`` did, is the command's, through :func:`ci_image.output.emit_json`), ending
    with a newline."""
    if fmt == "sarif":
        return json.dumps(sarif(result, base, version), indent=2, sort_keys=True) + "\n"
    if fmt == "github":
        lines = [annotation(finding, base) for finding in result.findings]
        return "".join(line + "\n" for line in (*lines, result.summary()))
    lines = [finding.format(base) for finding in result.findings]
    return "".join(line + "\n" for line in (*lines, result.summary()))


def sarif(result: CheckResult, base: Path, version: str) -> dict[str, Any]:
    rules = all_rules()
    index = {rule.id: number for number, rule in enumerate(rules)}
    driver = {
        "name": "ci-image",
        "version": version,
        "informationUri": INFORMATION_URI,
        "rules": [
            {
                "id": rule.id,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "helpUri": rule.url,
                "defaultConfiguration": {"level": rule.level.value},
            }
            for rule in rules
        ],
    }
    results = [_sarif_result(finding, base, index, None) for finding in result.findings]
    results += [
        _sarif_result(finding, base, index, _suppression_kind(finding, result))
        for finding in result.suppressed
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _suppression_kind(finding: Finding, result: CheckResult) -> str:
    kinds = result.suppression_kinds
    return kinds.get(finding.sort_key(), "external")


def _sarif_result(
    finding: Finding, base: Path, index: dict[str, int], suppression: str | None
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": finding.severity.value,
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(finding.path, base)},
                    "region": {"startLine": finding.line, "startColumn": finding.col},
                }
            }
        ],
    }
    if suppression is not None:
        item["suppressions"] = [{"kind": suppression}]
    return item


def artifact_uri(path: Path, base: Path) -> str:
    """A relative URI reference for a file below ``base``, else a ``file:`` URI."""
    shown = display_path(path, base)
    if Path(shown).is_absolute():
        return Path(shown).as_uri()
    return quote(str(PurePosixPath(Path(shown))))


def annotation(finding: Finding, base: Path) -> str:
    command = "notice" if finding.severity is Severity.NOTE else "error"
    properties = {
        "file": display_path(finding.path, base),
        "line": str(finding.line),
        "col": str(finding.col),
        "title": f"{finding.rule} {finding.name}",
    }
    listed = ",".join(f"{key}={_escape_property(value)}" for key, value in properties.items())
    return f"::{command} {listed}::{_escape_data(finding.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
