"""How fast is ``ci-image triggers`` on a large repository? Prints median wall times.

Generates 200 workflows whose push trigger has path filters of about 20 patterns each
(``paths`` with ``!`` exclusions, and ``paths-ignore`` with and without ``!``), and a push
that changed 500 files, most of which match no workflow: the worst case, since a workflow
that matches nothing must look at every file. Then times

- the real CLI, ``ci-image triggers --workflows DIR --changed FILE...`` (a new process
  each time: interpreter start, imports, YAML parsing, evaluation, output), and
- the evaluation in-process: loading and parsing the workflows, reading their triggers
  and deciding, as the CLI does after start-up.

Target: under 0.5 s on one core. Run: ``uv run python benchmarks/triggers.py``.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ci_image.triggers import matching, patterns
from ci_image.triggers.decision import decide, parse_ref, read_push_trigger
from ci_image.workflows.loader import load_workflows

WORKFLOWS = 200
PATTERNS = 20
CHANGED = 500
RUNS = 7


def workflow_text(number: int, rng: random.Random, *, wild: bool = False) -> str:
    service = f"services/svc{number:03d}"
    if wild:  # no literal prefix or suffix: every file meets a compiled expression
        patterns = [f"**/s{number:03d}x{extra}*/**" for extra in range(PATTERNS)]
        listed = "\n".join(f"      - '{pattern}'" for pattern in patterns)
        head = f"name: svc{number}\non:\n  push:\n    branches: [main]\n"
        return f"{head}    paths:\n{listed}\njobs: {{}}\n"
    patterns = [
        f"{service}/**",
        f"!{service}/docs/**",
        f"libs/lib{number % 40:02d}/*.py",
        f"**/*.svc{number:03d}",
        f"deploy/{number:03d}/[a-z]*.ya?ml",
        f"proto/v[12]/svc{number:03d}_*.proto",
    ]
    while len(patterns) < PATTERNS:
        depth = "/".join(f"d{rng.randrange(50)}" for _ in range(rng.randrange(1, 4)))
        patterns.append(f"{depth}/**/*.{rng.choice(['c', 'h', 'rs', 'go', 'ts'])}")
    if number % 4 == 3:
        kind = "paths-ignore"
        if number % 8 != 7:  # half of them without '!', the other half with the quirk
            patterns = [pattern.lstrip("!") for pattern in patterns]
    else:
        kind = "paths"
    listed = "\n".join(f"      - '{pattern}'" for pattern in patterns)
    head = f"name: svc{number}\non:\n  push:\n    branches: [main]\n"
    return f"{head}    {kind}:\n{listed}\njobs: {{}}\n"


def changed_files(rng: random.Random) -> list[str]:
    files = []
    for index in range(CHANGED):
        top = rng.choice(["src", "docs", "tests", "tools", "assets"])
        files.append(f"{top}/m{index % 37}/f{index}.{rng.choice(['py', 'md', 'txt', 'json'])}")
    files[250] = "services/svc007/main.py"  # one workflow of 200 matches
    return files


def ci_image_command() -> list[str]:
    script = Path(sys.executable).parent / "ci-image"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ci_image"]


def median_seconds(action: object, runs: int = RUNS) -> float:
    assert callable(action)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(wild: bool) -> tuple[float, float]:
    """Median seconds of the CLI and of the in-process evaluation on generated workflows."""
    rng = random.Random(20240101)  # noqa: S311 - test data, not secrets
    root = Path(tempfile.mkdtemp(prefix="ci-image-bench-"))
    try:
        directory = root / ".forgejo" / "workflows"
        directory.mkdir(parents=True)
        for number in range(WORKFLOWS):
            text = workflow_text(number, rng, wild=wild)
            (directory / f"svc{number:03d}.yml").write_text(text)
        files = changed_files(rng)
        command = [*ci_image_command(), "triggers", "--workflows", str(directory)]
        command += ["--changed", *files]
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}

        def cli() -> None:
            result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
            assert result.returncode in (0, 1), result.stderr
            assert result.stdout.count("\n") == WORKFLOWS

        ref = parse_ref("refs/heads/main")

        def in_process() -> None:
            # Start cold, as a new process does: no compiled pattern is reused.
            patterns.compile_pattern.cache_clear()
            matching._index.cache_clear()
            matching._literals.cache_clear()
            re.purge()
            for workflow in load_workflows(directory):
                decide(read_push_trigger(workflow, root), ref, files)

        cli()  # warm the page cache and .pyc files
        return median_seconds(cli), median_seconds(in_process)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    if hasattr(os, "sched_setaffinity"):  # one core, for us and the CLI we start
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cli_time, process_time = measure(wild=False)
    print(
        f"ci-image triggers: {WORKFLOWS} workflows x ~{PATTERNS} path patterns, "
        f"{CHANGED} changed files, median of {RUNS} runs on one CPU"
    )
    print(f"  real CLI (new process each run): {cli_time:.3f} s")
    print(f"  in-process evaluation:           {process_time:.3f} s")
    print(f"  target 0.5 s: {'met' if max(cli_time, process_time) < 0.5 else 'MISSED'}")
    wild_cli, wild_process = measure(wild=True)
    print("worst case, no pattern with a literal prefix or suffix (every file meets a regex):")
    print(f"  real CLI (new process each run): {wild_cli:.3f} s")
    print(f"  in-process evaluation:           {wild_process:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
