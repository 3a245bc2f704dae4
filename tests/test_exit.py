"""The console script's exit: the command's status, exit hooks run, no teardown."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import atexit, sys
atexit.register(lambda: print("exit hook ran", flush=True))
sys.argv = ["ci-image", "tag", "/nonexistent/archive.tar"]
from ci_image.cli import run
run()
print("not reached")
"""


def test_run_exits_with_the_status_of_the_command_after_the_exit_hooks() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 2
    assert completed.stdout == "exit hook ran\n"
    assert completed.stderr.startswith("ci-image tag: error: /nonexistent/archive.tar")


def test_run_keeps_everything_the_command_printed(tmp_path: Path) -> None:
    workflow = tmp_path / "ci.yml"
    workflow.write_text(
        "on: push\njobs:\n  test:\n    runs-on: docker\n    container: alpine:3.20\n"
        "    steps:\n      - run: nox\n",
        encoding="utf-8",
    )
    script = SCRIPT.replace('"tag", "/nonexistent/archive.tar"', f'"check", "--json", "{workflow}"')
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    document, hook = completed.stdout.rsplit("\n", 2)[:2]
    assert completed.returncode == 1, completed.stderr
    assert json.loads(document)["findings"][0]["rule"] == "CI001"
    assert hook == "exit hook ran"
