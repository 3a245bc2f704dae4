"""What a run of the specifications did, scenario by scenario: the end-of-run report.

Both ways of running the suite print the same report: plain ``behave`` (from
environment.py's ``after_all``) and the parallel runner (``features/support/parallel.py``),
which collects the records of its behave processes. The report lists every failed and
every skipped scenario with its reason (a skip is never silent), the ten slowest
scenarios, and behave's summary line (``N scenarios passed, M failed, K skipped``), which
``.ci/run`` reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
SLOWEST = 10
# "Name -- @1.3 Examples title": the row index moves when rows are added above it.
_OUTLINE_ROW = re.compile(r"\s+-- @\d+(\.\d+)*\s*")
_ERROR_LINES = 30


@dataclass(frozen=True)
class ScenarioRecord:
    """One scenario that ran (or was skipped): where it is, how it ended, how long it took.

    ``seconds`` is wall time from ``before_scenario`` to the end of its clean-ups, so a
    registry started by a hook counts. ``reason`` is the skip reason, or for a failure
    the failing step and its error.
    """

    location: str
    name: str
    status: str
    seconds: float
    reason: str = ""
    key: str = ""

    @property
    def feature(self) -> str:
        return self.location.rsplit(":", 1)[0]


def duration_key(feature: str, scenario: Any) -> str:
    """The scenario's key in the durations file: its name, and for an outline's row the
    row's values (rows often share a name), not its position, which moves as rows are
    added."""
    key = f"{feature}::{_OUTLINE_ROW.sub(' ', scenario.name).strip()}"
    row = getattr(scenario, "_row", None)
    if row is not None:
        key += " | " + " | ".join(row.cells)
    return key


def record_scenario(scenario: Any, seconds: float) -> ScenarioRecord | None:
    """The record of a behave scenario after it ran; None for one that was not selected
    (excluded by tags or by a location on the command line)."""
    status = scenario.status.name
    feature = scenario.location.filename
    location = f"{feature}:{scenario.location.line}"
    name = scenario.name.strip()
    key = duration_key(feature, scenario)
    if status == "untested":
        return None
    if status == PASSED:
        return ScenarioRecord(location, name, PASSED, seconds, key=key)
    if status == SKIPPED:
        reason = scenario.skip_reason or "skipped without a reason (a defect of the suite)"
        return ScenarioRecord(location, name, SKIPPED, seconds, reason, key)
    return ScenarioRecord(location, name, FAILED, seconds, _failure(scenario, status), key)


def _failure(scenario: Any, status: str) -> str:
    for step in scenario.all_steps:
        if step.status.name in {"failed", "error", "undefined", "pending", "hook_error"}:
            message = step.error_message or step.status.name
            return f"{step.keyword} {step.name}\n{_tail(message)}"
    message = getattr(scenario, "error_message", None) or f"status {status}"
    return f"{status}\n{_tail(message)}"


def _tail(message: str) -> str:
    lines = str(message).rstrip().splitlines()
    if len(lines) > _ERROR_LINES:
        lines = ["...", *lines[-_ERROR_LINES:]]
    return "\n".join(lines)


def write_records(path: Path, records: Iterable[ScenarioRecord]) -> None:
    with path.open("a", encoding="utf-8") as stream:
        for record in records:
            stream.write(json.dumps(asdict(record)) + "\n")


def read_records(path: Path) -> list[ScenarioRecord]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ScenarioRecord(**json.loads(line)) for line in lines if line.strip()]


def summary_line(records: Sequence[ScenarioRecord]) -> str:
    """behave's own summary format, which .ci/run greps."""
    counts = dict.fromkeys((PASSED, FAILED, SKIPPED), 0)
    for record in records:
        counts[record.status] += 1
    return f"{counts[PASSED]} scenarios passed, {counts[FAILED]} failed, {counts[SKIPPED]} skipped"


def _indent(text: str) -> str:
    return "\n".join("      " + line for line in text.splitlines())


def render_report(records: Sequence[ScenarioRecord], problems: Sequence[str] = ()) -> str:
    """Failures (with their errors), skips (with their reasons), the slowest scenarios,
    then the summary line. ``problems`` are failures outside any scenario (a behave
    process that crashed, a scenario that never reported)."""
    ordered = sorted(records, key=lambda record: _location_order(record.location))
    lines: list[str] = []
    failed = [record for record in ordered if record.status == FAILED]
    if failed or problems:
        lines.append(f"Failing scenarios ({len(failed) + len(problems)}):")
        for record in failed:
            lines.append(f"  {record.location}  {record.name}")
            lines.append(_indent(record.reason))
        lines.extend(f"  {problem}" for problem in problems)
        lines.append("")
    skipped = [record for record in ordered if record.status == SKIPPED]
    if skipped:
        lines.append(f"Skipped scenarios ({len(skipped)}):")
        for record in skipped:
            lines.append(f"  {record.location}  {record.name}")
            lines.append(f"      because: {record.reason}")
        lines.append("")
    slowest = sorted(records, key=lambda record: -record.seconds)[:SLOWEST]
    if slowest:
        lines.append(f"Slowest {len(slowest)} scenarios:")
        lines.extend(
            f"  {record.seconds:6.2f} s  {record.location}  {record.name}" for record in slowest
        )
        lines.append("")
    lines.append(summary_line(records))
    return "\n".join(lines)


def render_feature_times(records: Sequence[ScenarioRecord]) -> str:
    """Seconds per feature file, slowest first: where the suite's time goes."""
    totals: dict[str, list[float]] = {}
    for record in records:
        totals.setdefault(record.feature, []).append(record.seconds)
    lines = ["Time per feature (scenario wall time, summed over processes):"]
    for feature, seconds in sorted(totals.items(), key=lambda item: -sum(item[1])):
        lines.append(f"  {sum(seconds):7.2f} s  {len(seconds):4d} scenarios  {feature}")
    return "\n".join(lines)


def _location_order(location: str) -> tuple[str, int]:
    filename, _, line = location.rpartition(":")
    return filename, int(line) if line.isdigit() else 0
