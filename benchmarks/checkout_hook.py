"""What finding the project in the checkout costs a job, against a plain ``uv sync`` venv.

The image's venv does not hold the project: its .pth hook (nix/checkout) finds the
checkout at every interpreter start and console scripts are generated. This measures a
job's commands in a sample project (features/support/sample_projects.py, hatchling, src
layout) two ways, each command's median over ``--runs`` runs:

(a) uv sync: ``uv sync --frozen --all-groups`` into the project's .venv (the project
    installed editable by its build backend, as a developer has it), default uv settings;
    both venvs are byte-compiled when installed, as uv2nix compiles the image's;
(b) image: the venv as the image has it (features/support/image_environment.py: the
    lock's dependencies, then nix/checkout/install.py), with the variables the library
    gives the image (the sample's flake evaluated by the real nix-instantiate against the
    stand-ins) and uv offline.

It prints both columns, the difference per command and for the whole job, and once what
(b) saves: the time of the ``uv sync`` that (a) needs first. ``uv run`` in (a) first
checks the venv against the lock (uv's default); the image sets UV_NO_SYNC. The hook's
own cost is the difference on the plain ``python`` lines: once per interpreter start.
Needs uv, nix-instantiate and PyPI (to lock the sample and fill the uv cache).

    uv run python benchmarks/checkout_hook.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY / "features"))

from support.flake_probe import TEMPLATE, copy_repository, environment_of, probe  # noqa: E402
from support.image_environment import build, job_environment  # noqa: E402
from support.nix_config import NIX_CONFIG  # noqa: E402
from support.sample_projects import (  # noqa: E402
    create,
    local_python,
    uv_environment,
    uv_program,
)

SCRUBBED = (
    "VIRTUAL_ENV",
    "UV_PROJECT_ENVIRONMENT",
    "UV_NO_SYNC",
    "UV_OFFLINE",
    "PYTHONPATH",
    "PYTHONDONTWRITEBYTECODE",
)

# A job's commands, each run in the checkout.
JOB = [
    'python -c "import hatch_app"',
    "python -m hatch_app",
    "hatch-app",
    'uv run python -c "import hatch_app"',
    "uv run hatch-app",
    "pytest -q -p no:cacheprovider",
    "nox -l",
    "nox -s tests",
]


def medians(command: str, setups: list[tuple[Path, dict[str, str]]], runs: int) -> list[float]:
    """The median time of ``command`` in each (checkout, environment), runs interleaved so
    that the machine's load drifts alike for both."""
    samples: list[list[float]] = [[] for _ in setups]
    argv = shlex.split(command)
    for _ in range(runs):
        for index, (cwd, env) in enumerate(setups):
            program = shutil.which(argv[0], path=env["PATH"])
            assert program, argv[0]
            start = time.perf_counter()
            completed = subprocess.run(
                [program, *argv[1:]], cwd=cwd, env=env, capture_output=True, check=False
            )
            samples[index].append(time.perf_counter() - start)
            assert completed.returncode == 0, (command, completed.stdout, completed.stderr)
    return [statistics.median(times) for times in samples]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    python = local_python()
    if python is None:
        print("no local Python >= 3.11", file=sys.stderr)
        return 2
    base = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    # Both venvs byte-compiled at install, as uv2nix compiles the image's.
    base["UV_COMPILE_BYTECODE"] = "1"
    base.setdefault("NIX_CONFIG", NIX_CONFIG)
    with tempfile.TemporaryDirectory(prefix="checkout-hook-") as temporary:
        work = Path(temporary)
        synced = create("hatchling, src layout", work / "synced", env=base)
        imaged = create("hatchling, src layout", work / "imaged", env=base)
        (imaged.root / "flake.nix").write_bytes(TEMPLATE.read_bytes())

        # (a) uv sync, once (its time is what the image saves), then the job.
        start = time.perf_counter()
        subprocess.run(
            [uv_program(), "sync", "--frozen", "--all-groups", "--quiet", "--python", python],
            cwd=synced.root,
            env=uv_environment(base),
            check=True,
        )
        sync_seconds = time.perf_counter() - start
        synced_env = {
            **uv_environment(base),
            "PATH": f"{synced.root / '.venv' / 'bin'}:{base['PATH']}",
        }

        # (b) the image's venv and variables.
        described = probe(imaged.root, base, copy_repository(work / "ci-image" / "source"))
        system = described["perSystem"]["x86_64-linux"]
        image_env = system["image"]["arguments"]["config"]["Env"]
        venv = build(
            imaged.root, work / "image-venv", system["venv"]["workspaceFiles"], python, base
        )
        imaged_env = job_environment(
            image_env,
            venv,
            system["venv"]["storePath"],
            environment_of(image_env)["UV_PYTHON"],
            work / "home",
        )

        print(f"runs per command: {args.runs} (medians); interpreter: {python}")
        print(f"{'command':40} {'uv sync venv':>14} {'image venv':>12} {'difference':>12}")
        totals = [0.0, 0.0]
        setups = [(synced.root, synced_env), (imaged.root, imaged_env)]
        for command in JOB:
            medians(command, setups, 1)  # warm-up: bytecode, page cache
            first, second = medians(command, setups, args.runs)
            totals[0] += first
            totals[1] += second
            print(
                f"{command:40} {first * 1000:12.1f}ms {second * 1000:10.1f}ms "
                f"{(second - first) * 1000:+10.1f}ms"
            )
        print(
            f"{'the whole job':40} {totals[0] * 1000:12.1f}ms {totals[1] * 1000:10.1f}ms "
            f"{(totals[1] - totals[0]) * 1000:+10.1f}ms"
        )
        print(
            f"before (a)'s job: uv sync --frozen --all-groups, warm uv cache: "
            f"{sync_seconds * 1000:.0f} ms (the image needs none)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
