"""Run the behave specifications in several processes, balanced by measured durations.

Scenarios are independent (each has its own directory, servers on free ports, its own
TMPDIR and HOME), so they can run side by side. This runner finds every scenario of the
feature files it is given (default: every ``*.feature`` under ``features/``, so a new
feature file needs no configuration), groups them into chunks of about equal expected
time and has ``--jobs`` behave processes (default: one more than there are CPUs, since
many scenarios wait on servers, retries and timeouts) work through the chunks, longest
first. Each process appends a record per scenario (support/suite_report.py, through
environment.py); at the end one report covers them all: failed and skipped scenarios
with their reasons, the ten slowest, and behave's summary line
``N scenarios passed, M failed, K skipped``. The exit status is 1 when any scenario
failed or any process ended badly.

Expected times come from ``features/durations.json`` (``--save-durations`` rewrites it
from the run). A scenario it does not know is expected to take the mean of its feature
file, or of all known scenarios: a stale file costs balance, never correctness.

With ``--coverage`` every process the scenarios start measures itself (environment.py
turns ``CI_IMAGE_SUITE_COVERAGE`` into coverage's ``COVERAGE_PROCESS_START``; the
project's configuration has ``parallel = true`` and follows their subprocesses); behave
itself is not measured: it runs the steps, which judge the helper, and measuring it cost
a second per process. Combine afterwards.

Run: ``python features/support/parallel.py [-j N] [--coverage] [--tags EXPR] [PATH...]``;
``uv run nox -s tests`` and ``uv run nox -s coverage_report`` do. One scenario or a
location with a line number runs in one process: use plain ``behave`` for those.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

FEATURES = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(FEATURES))  # so that `support` is importable, run as a script

from support.suite_report import (  # noqa: E402
    ScenarioRecord,
    duration_key,
    read_records,
    render_feature_times,
    render_report,
)
from support.unprivileged import SHARED_VARIABLE, temporary_parent  # noqa: E402

DURATIONS = FEATURES / "durations.json"
RECORD_VARIABLE = "CI_IMAGE_SUITE_RECORD"
# The coverage settings the scenarios' processes measure themselves with (environment.py).
COVERAGE_VARIABLE = "CI_IMAGE_SUITE_COVERAGE"
SETTINGS = FEATURES.parent / "pyproject.toml"
BEHAVE = [sys.executable, "-m", "behave"]
# Chunks per process: enough to even out what the estimates got wrong, few enough that
# the start of a behave process (about a second under coverage) stays small.
CHUNKS_PER_JOB = 4
DEFAULT_SECONDS = 0.5
NOISE = ("USING RUNNER:",)


@dataclass(frozen=True)
class Planned:
    """A scenario to run: its behave location and its key in the durations file."""

    feature: str
    location: str
    key: str


@dataclass
class Chunk:
    scenarios: list[Planned]
    seconds: float
    whole_features: set[str] = field(default_factory=set)

    def arguments(self) -> list[str]:
        """Whole feature files by path, the rest by scenario location."""
        listed: list[str] = []
        for planned in self.scenarios:
            if planned.feature in self.whole_features:
                if planned.feature not in listed:
                    listed.append(planned.feature)
            else:
                listed.append(planned.location)
        return listed


class UnreadableFeatureError(Exception):
    """A feature file behave cannot parse; the message names it."""


def discover(paths: list[str]) -> list[Planned]:
    """Every scenario (each example row of an outline) in the feature files under
    ``paths``, in file order."""
    from behave.parser import ParserError, parse_file  # noqa: PLC0415 - only the runner

    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        files.extend(sorted(path.rglob("*.feature")) if path.is_dir() else [path])
    planned = []
    for path in files:
        try:
            feature = parse_file(str(path))
        except ParserError as error:
            detail = " ".join(str(error).split())
            raise UnreadableFeatureError(f"{path}: behave cannot read it: {detail}") from None
        if feature is None:
            continue
        name = str(path)
        for scenario in feature.walk_scenarios():
            location = f"{name}:{scenario.line}"
            planned.append(Planned(name, location, duration_key(name, scenario)))
    return planned


def load_durations(path: Path) -> dict[str, float]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict):
        return {}
    return {str(key): float(value) for key, value in document.items()}


def estimate(scenarios: list[Planned], durations: dict[str, float]) -> dict[str, float]:
    """Expected seconds per location: measured, else its feature's mean, else the mean."""
    known = [durations[planned.key] for planned in scenarios if planned.key in durations]
    overall = sum(known) / len(known) if known else DEFAULT_SECONDS
    per_feature: dict[str, list[float]] = {}
    for planned in scenarios:
        if planned.key in durations:
            per_feature.setdefault(planned.feature, []).append(durations[planned.key])
    expected = {}
    for planned in scenarios:
        feature_times = per_feature.get(planned.feature)
        fallback = sum(feature_times) / len(feature_times) if feature_times else overall
        expected[planned.location] = durations.get(planned.key, fallback)
    return expected


def plan(scenarios: list[Planned], expected: dict[str, float], jobs: int) -> list[Chunk]:
    """Chunks of about ``total / (jobs * CHUNKS_PER_JOB)`` seconds, longest first: big
    feature files are cut into consecutive slices, small ones share a chunk."""
    total = sum(expected.values())
    target = max(total / (jobs * CHUNKS_PER_JOB), 1.0)
    by_feature: dict[str, list[Planned]] = {}
    for planned in scenarios:
        by_feature.setdefault(planned.feature, []).append(planned)
    chunks: list[Chunk] = []
    small = Chunk([], 0.0)
    for feature, members in by_feature.items():
        seconds = sum(expected[planned.location] for planned in members)
        if seconds <= target:
            if small.seconds + seconds > target and small.scenarios:
                chunks.append(small)
                small = Chunk([], 0.0)
            small.scenarios.extend(members)
            small.seconds += seconds
            small.whole_features.add(feature)
            continue
        slices = round(seconds / target)
        share = seconds / slices
        current = Chunk([], 0.0)
        for planned in members:
            if current.seconds >= share and current.scenarios:
                chunks.append(current)
                current = Chunk([], 0.0)
            current.scenarios.append(planned)
            current.seconds += expected[planned.location]
        chunks.append(current)
    if small.scenarios:
        chunks.append(small)
    return sorted(chunks, key=lambda chunk: -chunk.seconds)


@dataclass
class Outcome:
    chunk: Chunk
    returncode: int
    output: str
    records: list[ScenarioRecord]


def shared_parent() -> str:
    parent = temporary_parent()
    return str(parent) if parent is not None else tempfile.gettempdir()


def run_chunks(
    chunks: list[Chunk], jobs: int, variables: dict[str, str], options: list[str], scratch: Path
) -> list[Outcome]:
    """Each of ``jobs`` threads starts one behave process at a time, for the next chunk."""
    work: queue.Queue[tuple[int, Chunk]] = queue.Queue()
    for number, chunk in enumerate(chunks):
        work.put((number, chunk))
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def worker() -> None:
        while True:
            try:
                number, chunk = work.get_nowait()
            except queue.Empty:
                return
            record = scratch / f"chunk-{number}.jsonl"
            environment = dict(os.environ, **variables, **{RECORD_VARIABLE: str(record)})
            result = subprocess.run(
                [*BEHAVE, "--no-summary", *options, *chunk.arguments()],
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                check=False,
            )
            output = "".join(
                line
                for line in result.stdout.splitlines(keepends=True)
                if not line.startswith(NOISE)
            ).strip("\n")
            outcome = Outcome(chunk, result.returncode, output, read_records(record))
            with lock:
                outcomes.append(outcome)
                if output:
                    sys.stdout.write(output + "\n")
                sys.stdout.flush()

    threads = [threading.Thread(target=worker) for _ in range(min(jobs, len(chunks)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def problems_of(outcomes: list[Outcome]) -> list[str]:
    """What went wrong outside the scenarios' own records."""
    problems = []
    for outcome in outcomes:
        failed = any(record.status == "failed" for record in outcome.records)
        if outcome.returncode != 0 and not failed:
            problems.append(
                f"a behave process ended with exit status {outcome.returncode} without a "
                f"failed scenario; it ran: {' '.join(outcome.chunk.arguments())}"
            )
    return problems


def missing_of(outcomes: list[Outcome], tags_given: bool) -> list[str]:
    """Scenarios that were planned but never reported (a process that crashed). With
    --tags, behave leaves out what does not match: nothing can be said then."""
    if tags_given:
        return []
    reported = {record.location for outcome in outcomes for record in outcome.records}
    return [
        f"{planned.location}  was planned but never reported"
        for outcome in outcomes
        for planned in outcome.chunk.scenarios
        if planned.location not in reported
    ]


def save_durations(
    path: Path, planned: list[Planned], records: list[ScenarioRecord], previous: dict[str, float]
) -> None:
    """The seconds of every planned scenario: measured in this run, else the earlier figure.
    Scenarios that no longer exist drop out."""
    measured = {record.key: round(record.seconds, 2) for record in records}
    durations = {
        scenario.key: measured.get(scenario.key, previous.get(scenario.key)) for scenario in planned
    }
    known = {key: value for key, value in sorted(durations.items()) if value is not None}
    path.write_text(json.dumps(known, indent=0) + "\n", encoding="utf-8")


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="features/support/parallel.py",
        description="Run the behave features in parallel processes, with one report.",
    )
    parser.add_argument("paths", nargs="*", default=["features"], help="feature files or dirs")
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=(os.cpu_count() or 1) + 1,
        help="behave processes (default: one more than CPUs: many scenarios wait on servers)",
    )
    parser.add_argument("--coverage", action="store_true", help="run each process measured")
    parser.add_argument("--tags", action="append", default=[], help="passed to behave")
    parser.add_argument("--durations", type=Path, default=DURATIONS)
    parser.add_argument("--save-durations", action="store_true", help="rewrite --durations")
    parser.add_argument("--times", action="store_true", help="print the time per feature")
    arguments = parser.parse_args(argv)
    if arguments.jobs < 1:
        parser.error("--jobs must be at least 1")
    for path in arguments.paths:
        if not Path(path).exists():
            parser.error(f"{path}: no such feature file or directory (for FILE:LINE use behave)")
    return arguments


def main(argv: list[str]) -> int:
    arguments = parse_arguments(argv)
    started = time.monotonic()
    try:
        scenarios = discover(arguments.paths)
    except UnreadableFeatureError as error:
        sys.stderr.write(f"parallel.py: {error}\n")
        return 2
    if not scenarios:
        sys.stderr.write(f"no scenarios under {' '.join(arguments.paths)}\n")
        return 2
    durations = load_durations(arguments.durations)
    chunks = plan(scenarios, estimate(scenarios, durations), arguments.jobs)
    options = [f"--tags={expression}" for expression in arguments.tags]
    print(
        f"{len(scenarios)} scenarios in {len(chunks)} chunks on {arguments.jobs} processes"
        + (" (under coverage)" if arguments.coverage else "")
    )
    sys.stdout.flush()
    with tempfile.TemporaryDirectory(prefix="ci-image-suite-") as scratch:
        # What the processes share (support/unprivileged.py): every user may enter it.
        shared = Path(tempfile.mkdtemp(prefix="ci-image-suite-shared-", dir=shared_parent()))
        shared.chmod(0o755)
        os.environ[SHARED_VARIABLE] = str(shared)
        try:
            measured = {COVERAGE_VARIABLE: str(SETTINGS)} if arguments.coverage else {}
            outcomes = run_chunks(chunks, arguments.jobs, measured, options, Path(scratch))
        finally:
            shutil.rmtree(shared, ignore_errors=True)
    records = [record for outcome in outcomes for record in outcome.records]
    problems = problems_of(outcomes) + missing_of(outcomes, bool(arguments.tags))
    if arguments.times:
        print("\n" + render_feature_times(records))
    print("\n" + render_report(records, problems))
    elapsed = time.monotonic() - started
    busy = sum(record.seconds for record in records)
    print(
        f"Took {int(elapsed // 60)}min {elapsed % 60:.1f}s on {arguments.jobs} processes "
        f"({busy:.1f}s of scenario time)"
    )
    if arguments.save_durations:
        save_durations(arguments.durations, scenarios, records, durations)
    failed = any(record.status == "failed" for record in records)
    return 1 if failed or problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
