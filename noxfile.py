"""Sessions for lint, types, tests, coverage and security.

Every session runs in the environment nox itself runs in (``venv_backend="none"``): a
``uv sync`` venv, ``nix develop``, or the CI image. None installs anything, so all three
work without the network and test exactly the locked dependencies.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.options.default_venv_backend = "none"
nox.options.error_on_external_run = False
# `tests` is left out of the default run: coverage_report runs the same suite, measured.
nox.options.sessions = ["lint", "typecheck", "coverage_report", "security"]

ROOT = Path(__file__).parent
PYTHON_SOURCES = ["src", "features", "benchmarks", "noxfile.py"]


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff, then the workflow linters on the workflow directory."""
    session.run("ruff", "check", *PYTHON_SOURCES)
    session.run("ruff", "format", "--check", *PYTHON_SOURCES)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the helper's source."""
    session.run("mypy", "--strict", "src")


@nox.session
def tests(session: nox.Session) -> None:
    """The behave specifications, against the real CLI and real components."""
    session.run("behave", *session.posargs)


@nox.session
def coverage_report(session: nox.Session) -> None:
    """The specifications under branch coverage, subprocesses included; fails under 97%."""
    session.run("coverage", "erase")
    session.run("coverage", "run", "-m", "behave", *session.posargs)
    session.run("coverage", "combine", "--quiet")
    session.run("coverage", "report")


@nox.session
def security(session: nox.Session) -> None:
    """Bandit on the helper's source."""
    session.run("bandit", "--quiet", "-c", "pyproject.toml", "--recursive", "src")


def which(tool: str) -> str | None:
    return shutil.which(tool)
