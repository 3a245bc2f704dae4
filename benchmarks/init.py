"""How long does ``ci-image init`` take, and what does it save? Prints figures side by side.

Times, on a sample uv project (uv_build, src layout, a CI workflow that installs uv and
runs ``uv sync``, as features/support/init_projects.py writes it):

- the real CLI, ``ci-image init``, on a fresh copy each run (interpreter start, reading
  the project, planning, writing five files atomically);
- a second ``ci-image init`` on the adopted copy (it plans again and writes nothing);
- ``ci-image init --dry-run``.

Next to them, what adopting costs without init: copying this repository's flake.nix,
flake.lock, nix/, build workflow and actionlint configuration (counted here, now), and
the figures issue 10 measured by hand before the library existed (759 lines of this
tool's code, then 8 files edited by hand). With init the adopter owns flake.nix only
(the template) and edits nothing by hand.

Run: ``uv run python benchmarks/init.py``.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY / "features"))

from support.init_projects import write_sample  # noqa: E402

RUNS = 7
# Issue 10 ("Why"): what adopting took by hand before the library and init.
ISSUE_LINES, ISSUE_FILES_EDITED = 759, 8
MANUAL_COPY = ("flake.nix", "flake.lock", "nix", ".forgejo/workflows/build-ci-image.yml")


def cli() -> list[str]:
    script = Path(sys.executable).parent / "ci-image"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ci_image"]


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:7.0f} ms"


def lines_of(path: Path) -> tuple[int, int]:
    """(files, lines) below ``path``."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    total = 0
    for file in files:
        total += file.read_bytes().count(b"\n")
    return len(files), total


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file() and ".git" not in path.parts]


def main() -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull}
    scratch = Path(tempfile.mkdtemp(prefix="ci-image-init-bench-"))
    try:
        template = scratch / "template"
        template.mkdir()
        write_sample(template, "uv_build", "3.12", env)
        first, again, dry = [], [], []
        for run in range(RUNS):
            project = scratch / f"run{run}"
            shutil.copytree(template, project, symlinks=True)
            dry.append(timed([*cli(), "init", "--dry-run"], project))
            first.append(timed([*cli(), "init"], project))
            again.append(timed([*cli(), "init"], project))
        before = {path.relative_to(template) for path in _files(template)}
        after = {path.relative_to(project) for path in _files(project)}
        created = sorted(str(path) for path in after - before)
        written = sorted(
            str(path)
            for path in after & before
            if (template / path).read_bytes() != (project / path).read_bytes()
        )
        flake_lines = (project / "flake.nix").read_bytes().count(b"\n")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    copy_files = copy_lines = 0
    for name in MANUAL_COPY:
        files, lines = lines_of(REPOSITORY / name)
        copy_files += files
        copy_lines += lines
    actionlint = REPOSITORY / "ci" / "actionlint.yaml"
    copy_files += 1
    copy_lines += actionlint.read_bytes().count(b"\n")

    print(f"ci-image init on a sample uv project, median of {RUNS} runs")
    print(f"  ci-image init (adopt)              {median_ms(first)}")
    print(f"  ci-image init (again, no change)   {median_ms(again)}")
    print(f"  ci-image init --dry-run            {median_ms(dry)}")
    print()
    print("what an adopter copies, owns and edits by hand")
    print(
        f"  by hand, issue 10 (before the library)  {ISSUE_LINES:5d} lines copied, "
        f"{ISSUE_FILES_EDITED} files edited by hand"
    )
    print(
        f"  by hand, copying this repository now    {copy_lines:5d} lines in "
        f"{copy_files} files copied, then edited"
    )
    print(
        f"  ci-image init                           {flake_lines:5d} lines owned "
        f"(flake.nix), 0 edited by hand; created {', '.join(created)}; "
        f"changed {', '.join(written)}"
    )


if __name__ == "__main__":
    main()
