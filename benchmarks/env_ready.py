"""Time to a ready environment for this project's own lock, three ways.

(a) baked: the job runs in the image; ``ci-image env-check`` finds it current. The two
    variables are set to the values the image bakes for this checkout (from the real
    ``nix-instantiate`` of nix/inputs.nix when Nix is installed, else from
    ``--print-inputs``, which the agreement scenarios prove equal).
(b) fallback, warm uv cache: ``ci-image env-check --fallback DIR`` outside the image,
    the cache filled once beforehand (as on a runner that keeps its uv cache).
(c) cold: ``uv sync --frozen --all-groups`` with an empty cache, from the package index
    (PyPI must be reachable).

Every run works on a copy of the repository's tracked files in a temporary directory,
so the working tree and its .venv are never touched. Prints every sample, the medians
and the ratios.

    uv run python benchmarks/env_ready.py [--runs-baked 15] [--runs-warm 5] [--runs-cold 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY / "features"))

from support.nix_config import NIX_CONFIG  # noqa: E402
from support.nix_inputs import evaluate_inputs_nix  # noqa: E402

# Settings of the caller's environment that would change what is measured.
SCRUBBED = (
    "VIRTUAL_ENV",
    "UV_OFFLINE",
    "UV_PROJECT_ENVIRONMENT",
    "UV_FROZEN",
    "UV_LOCKED",
    "UV_NO_SYNC",
    "UV_NO_CACHE",
    "UV_CACHE_DIR",
    "CI_IMAGE_INPUTS",
    "CI_IMAGE_INPUT_FILES",
    "GITHUB_ENV",
    "GITHUB_PATH",
)


def ci_image() -> list[str]:
    script = Path(sys.executable).parent / "ci-image"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ci_image"]


def copy_project(destination: Path) -> Path:
    """The repository's tracked files, as a fresh checkout has them."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPOSITORY, capture_output=True, check=True
    ).stdout.split(b"\0")
    project = destination / "checkout"
    for raw in filter(None, listed):
        relative = Path(os.fsdecode(raw))
        source = REPOSITORY / relative
        if source.is_file():
            target = project / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return project


def run(argv: list[str], *, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        raise SystemExit(
            f"{' '.join(argv)} failed ({completed.returncode}):\n{completed.stderr[-2000:]}"
        )
    return completed


def timed(samples: int, prepare: Callable[[], None], action: Callable[[], None]) -> list[float]:
    """Wall time of ``action`` per sample; ``prepare`` (untimed) resets the state first."""
    times: list[float] = []
    for _ in range(samples):
        prepare()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def baked_values(project: Path, env: dict[str, str]) -> tuple[dict[str, str], str]:
    """The values the image bakes for this checkout, and where they came from."""
    if shutil.which("nix-instantiate"):
        # nix/inputs.nix with nixpkgs' lib stood in, as the agreement scenarios evaluate it.
        value = evaluate_inputs_nix(project, env)
        variables = {"CI_IMAGE_INPUTS": value["digest"], "CI_IMAGE_INPUT_FILES": value["perFile"]}
        return variables, "nix-instantiate of nix/inputs.nix"
    completed = run([*ci_image(), "env-check", "--print-inputs", "--json"], cwd=project, env=env)
    printed = json.loads(completed.stdout)
    variables = {key: printed[key] for key in ("CI_IMAGE_INPUTS", "CI_IMAGE_INPUT_FILES")}
    return variables, "ci-image env-check --print-inputs"


def describe(name: str, times: list[float]) -> str:
    samples = " ".join(f"{t:.3f}" for t in times)
    return f"{name:<34} median {statistics.median(times):8.3f} s   (n={len(times)}: {samples})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs-baked", type=int, default=15)
    parser.add_argument("--runs-warm", type=int, default=5)
    parser.add_argument("--runs-cold", type=int, default=3)
    options = parser.parse_args()

    uv = shutil.which("uv")
    if uv is None:
        raise SystemExit("uv is not on PATH")
    base_env = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    base_env["UV_PYTHON_DOWNLOADS"] = "never"
    base_env.setdefault("NIX_CONFIG", NIX_CONFIG)

    with tempfile.TemporaryDirectory(prefix="env-ready-") as scratch_name:
        scratch = Path(scratch_name)
        project = copy_project(scratch)
        lock = (project / "uv.lock").read_text(encoding="utf-8")
        packages = lock.count("\n[[package]]\n")
        venv = scratch / "venv"

        def remove_venv() -> None:
            shutil.rmtree(venv, ignore_errors=True)

        # (a) In the image: the check alone, the venv is already there.
        variables, source = baked_values(project, base_env)
        env_baked = {**base_env, **variables}

        def check_current() -> None:
            completed = run([*ci_image(), "env-check"], cwd=project, env=env_baked)
            assert "image is current" in completed.stdout, completed.stdout

        baked = timed(options.runs_baked, lambda: None, check_current)

        # (b) Fallback with a warm cache: fill it once, then time fresh venvs.
        warm_env = {**base_env, "UV_CACHE_DIR": str(scratch / "warm-cache")}
        run(
            [uv, "sync", "--frozen", "--all-groups"],
            cwd=project,
            env={**warm_env, "UV_PROJECT_ENVIRONMENT": str(scratch / "seed")},
        )

        def fall_back() -> None:
            run([*ci_image(), "env-check", "--fallback", str(venv)], cwd=project, env=warm_env)
            assert (venv / "bin" / "python").exists()

        warm = timed(options.runs_warm, remove_venv, fall_back)

        # (c) Cold: an empty cache every time, everything from the index.
        cold_runs = iter(range(options.runs_cold))

        def cold_sync() -> None:
            cache = scratch / f"cold-cache-{next(cold_runs)}"
            run(
                [uv, "sync", "--frozen", "--all-groups"],
                cwd=project,
                env={**base_env, "UV_CACHE_DIR": str(cache), "UV_PROJECT_ENVIRONMENT": str(venv)},
            )

        cold = timed(options.runs_cold, remove_venv, cold_sync)

    a, b, c = (statistics.median(times) for times in (baked, warm, cold))
    print(f"project lock: {packages} packages; baked values from {source}")
    print(describe("(a) baked venv, env-check only", baked))
    print(describe("(b) --fallback, warm uv cache", warm))
    print(describe("(c) uv sync --frozen, empty cache", cold))
    print(f"ratios: (b)/(a) {b / a:.1f}x   (c)/(a) {c / a:.1f}x   (c)/(b) {c / b:.1f}x")


if __name__ == "__main__":
    main()
