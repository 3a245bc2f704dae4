"""Findings and check results: what a rule reports, and what was looked at.

:class:`CheckResult` keeps the sites it looked at, so a later verification (the
registry's ``CI007``/``CI008``) adds its findings with :meth:`CheckResult.with_findings`
without touching the offline rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ci_image.findings.rules import DOCS_URL, Rule, Severity, find_rule
from ci_image.output import display_path, plural
from ci_image.reference import Reference
from ci_image.workflows.sites import ImageSite


@dataclass(frozen=True)
class Finding:
    """One problem at one place: ``path:line:col: RULE name message``.

    ``subject`` is the image reference the finding is about, when there is one (what
    an ``ignore`` setting naming an image matches).
    """

    path: Path
    line: int
    col: int
    rule: str
    name: str
    message: str
    severity: Severity = Severity.ERROR
    subject: Reference | None = field(default=None, compare=False)

    @classmethod
    def at(
        cls, site: ImageSite, rule: Rule, message: str, severity: Severity | None = None
    ) -> Finding:
        """A finding of ``rule`` at ``site``, at the rule's level unless ``severity`` says."""
        level = rule.level if severity is None else severity
        return cls(
            site.path, site.line, site.col, rule.id, rule.name, message, level, site.reference
        )

    @property
    def url(self) -> str:
        """The rule's documentation."""
        rule = find_rule(self.rule)
        return rule.url if rule is not None else DOCS_URL  # pragma: no branch

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (str(self.path), self.line, self.col, self.rule, self.message)

    def format(self, base: Path) -> str:
        note = "note: " if self.severity is Severity.NOTE else ""
        where = f"{display_path(self.path, base)}:{self.line}:{self.col}"
        return f"{where}: {self.rule} {self.name} {note}{self.message}"

    def as_json(self, base: Path) -> dict[str, Any]:
        return {
            "path": display_path(self.path, base),
            "line": self.line,
            "col": self.col,
            "rule": self.rule,
            "name": self.name,
            "message": self.message,
            "severity": self.severity.value,
            "url": self.url,
        }


@dataclass(frozen=True)
class CheckResult:
    """The findings, and what was looked at (for summaries and later verifications).

    ``suppressed`` are the findings an ignore comment or setting silenced: they decide
    nothing, and are kept for the JSON and SARIF reports.
    """

    files: int
    sites: tuple[ImageSite, ...]
    findings: tuple[Finding, ...] = field(default=())
    suppressed: tuple[Finding, ...] = field(default=())
    # How each suppressed finding was silenced (by sort key): SARIF's suppression kind,
    # "inSource" (a comment) or "external" (the setting).
    suppression_kinds: Mapping[tuple[str, int, int, str, str], str] = field(default_factory=dict)

    def with_findings(self, extra: Iterable[Finding]) -> CheckResult:
        """This result plus findings from another verification, deduplicated and sorted."""
        return CheckResult(self.files, self.sites, _ordered((*self.findings, *extra)))

    def with_suppressed(
        self, kept: Iterable[Finding], silenced: Iterable[tuple[Finding, str]]
    ) -> CheckResult:
        """This result with its findings split into those ``kept`` and those silenced
        (each with how: ``inSource`` or ``external``)."""
        pairs = list(silenced)
        kinds = {finding.sort_key(): kind for finding, kind in pairs}
        return CheckResult(
            self.files,
            self.sites,
            _ordered(kept),
            _ordered(finding for finding, _kind in pairs),
            kinds,
        )

    @property
    def references(self) -> int:
        """Distinct reference texts (a YAML alias names one text from several jobs)."""
        return len({site.key for site in self.sites})

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.ERROR)

    @property
    def notes(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.NOTE)

    @property
    def failed(self) -> bool:
        return self.errors > 0

    def summary(self) -> str:
        scope = (
            f"{plural(self.references, 'image reference')} in {plural(self.files, 'workflow file')}"
        )
        notes = f", {plural(self.notes, 'note')}" if self.notes else ""
        silenced = f", {len(self.suppressed)} suppressed" if self.suppressed else ""
        if not self.findings:
            return f"{scope}: all pinned by tag and digest{silenced}"
        problems = plural(self.errors, "problem") if self.errors else "no problems"
        return f"{scope}: {problems}{notes}{silenced}"

    def as_json(self, base: Path) -> dict[str, Any]:
        return {
            "files": self.files,
            "references": self.references,
            "findings": [finding.as_json(base) for finding in self.findings],
            "suppressed": [finding.as_json(base) for finding in self.suppressed],
            "counts": {
                "errors": self.errors,
                "notes": self.notes,
                "suppressed": len(self.suppressed),
                "rules": dict(Counter(finding.rule for finding in self.findings)),
            },
            "ok": not self.failed,
        }


def _ordered(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Deduplicated (one finding per place, rule and message) and sorted."""
    merged = {finding.sort_key(): finding for finding in findings}
    return tuple(merged[key] for key in sorted(merged))
