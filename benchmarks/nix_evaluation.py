"""How long the real Nix takes to evaluate this project's Nix code, as the tests do.

(a) the image's inputs: the workspace copied to the store (lib.fileset.toSource) and the
    CI_IMAGE_INPUTS digest (nix/inputs.nix, with nix/project.nix reading uv.lock), what
    every evaluation of the image pays (the stand-ins' lib);
(b) the whole flake's outputs for both systems against the stand-ins
    (features/support/nix/probe.nix), what each scenario of features/nix_*.feature pays.

Works on a copy of the repository in a temporary directory. Prints every sample and the
medians.

    uv run python benchmarks/nix_evaluation.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY / "features"))

from support.flake_probe import copy_repository  # noqa: E402
from support.nix_config import NIX_CONFIG  # noqa: E402

PROBE = REPOSITORY / "features" / "support" / "nix" / "probe.nix"


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, timeout=600)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    env = {**os.environ, "NIX_CONFIG": NIX_CONFIG}
    with tempfile.TemporaryDirectory(prefix="nix-evaluation-") as scratch:
        root = copy_repository(Path(scratch) / "project")
        measurements = {
            "image inputs (workspace + digest)": [
                "nix-instantiate",
                "--eval",
                "--strict",
                "--read-write-mode",
                "-E",
                "let standins = import ./features/support/nix/standins.nix;"
                " inherit (standins) lib; root = ./.;"
                " project = import ./nix/project.nix"
                " { inherit lib root; inherit (standins.inputs) pyproject-nix; };"
                " inputs = import ./nix/inputs.nix"
                " { inherit lib root project; readsPythonVersion = true; };"
                " in [ inputs.workspace inputs.digest ]",
            ],
            "flake outputs, both systems, stand-ins": [
                "nix-instantiate",
                "--eval",
                "--strict",
                "--json",
                "--read-write-mode",
                str(PROBE),
                "--arg",
                "root",
                str(root),
            ],
        }
        for label, command in measurements.items():
            samples = [timed(command, root, env) for _ in range(runs)]
            print(f"{label}: " + " ".join(f"{sample:.3f}" for sample in samples))
            print(f"{label}: median {statistics.median(samples):.3f} s over {runs} runs")


if __name__ == "__main__":
    main()
