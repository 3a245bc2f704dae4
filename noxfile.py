"""Sessions for lint, types, tests, coverage and security.

Every session runs in the environment nox itself runs in (``venv_backend="none"``): a
``uv sync`` venv, ``nix develop``, or the CI image. None installs anything, so all three
work without the network and test exactly the locked dependencies.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nox

nox.options.default_venv_backend = "none"
nox.options.error_on_external_run = False
# `tests` is left out of the default run: coverage_report runs the same suite, measured.
nox.options.sessions = ["lint", "typecheck", "coverage_report", "security"]

ROOT = Path(__file__).parent
PYTHON_SOURCES = ["src", "tests", "features", "benchmarks", "nix", "noxfile.py"]
# The image venv's checkout hook: standard library only, run by the image's interpreter.
CHECKOUT_HOOK = ROOT / "nix" / "checkout"
# The behave features in parallel processes, one report (CONTRIBUTING.md, "Tests").
FEATURE_RUNNER = str(ROOT / "features" / "support" / "parallel.py")
WORKFLOWS = ROOT / ".forgejo" / "workflows"
# The suite starts the CLI (and, under coverage, coverage itself) thousands of times: with
# PYTHONDONTWRITEBYTECODE set, as some machines set it, every start compiles every module
# again, a third of the suite's CPU. The test sessions let Python keep its bytecode
# (__pycache__ is ignored by git).
TEST_ENV = {"PYTHONDONTWRITEBYTECODE": ""}


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff, then the pins and the workflow linters on the workflow directory."""
    session.run("ruff", "check", *PYTHON_SOURCES)
    session.run("ruff", "format", "--check", *PYTHON_SOURCES)
    # The pins: immutable, well-formed, consistent. The bootstrap pin (before the first
    # release) is reported as a note; once the first pin is on main, drop
    # --allow-unreleased (ci/README.md, "Bootstrap").
    session.run(sys.executable, "-m", "ci_image", "check", "--allow-unreleased")
    workflow_files = sorted(str(path) for path in WORKFLOWS.rglob("*.y*ml"))
    # zizmor only discovers .github/workflows by itself: give it the files.
    session.run("zizmor", "--offline", *workflow_files)
    session.run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflow_files)
    if shutil.which("actionlint"):
        session.run("actionlint", "-config-file", "ci/actionlint.yaml", *workflow_files)
    else:
        session.log("actionlint is not installed here (it is in the CI image and nix develop)")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the helper's source and its unit tests (with the features' archive
    builder they import), on the benchmarks (with the features' support modules they
    import taken as they are: not checked themselves), and on the image venv's checkout
    hook."""
    session.run("mypy", "--strict", "src", "tests", env={"MYPYPATH": "features"})
    session.run(
        "mypy", "--strict", "--follow-imports=silent", "benchmarks",
        env={"MYPYPATH": "src:features"},
    )  # fmt: skip
    session.run("mypy", "--strict", str(CHECKOUT_HOOK), env={"MYPYPATH": str(CHECKOUT_HOOK)})


@nox.session
def tests(session: nox.Session) -> None:
    """The unit tests (pytest), then the behave specifications against the real CLI and
    real components, in parallel processes. Arguments go to the feature runner
    (feature files, -j N, --tags EXPR)."""
    session.run("pytest", "-q", env=TEST_ENV)
    session.run(sys.executable, FEATURE_RUNNER, *session.posargs, env=TEST_ENV)


@nox.session
def coverage_report(session: nox.Session) -> None:
    """Both test layers under branch coverage, subprocesses included; fails under 97%."""
    session.run("coverage", "erase")
    session.run("coverage", "run", "-m", "pytest", "-q", env=TEST_ENV)
    session.run(sys.executable, FEATURE_RUNNER, "--coverage", *session.posargs, env=TEST_ENV)
    session.run("coverage", "combine", "--quiet")
    session.run("coverage", "report")


@nox.session
def security(session: nox.Session) -> None:
    """Bandit on the helper's source."""
    session.run("bandit", "--quiet", "-c", "pyproject.toml", "--recursive", "src")
