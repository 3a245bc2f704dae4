"""Sample uv projects for ``ci-image init``: the layouts and backends maintainers use.

Each is what ``uv init`` and ``uv lock`` leave (the lock written out here, in uv's
format, revision 3: ``uv lock`` needs an interpreter that ``requires-python`` admits, and
a machine with only Debian 12's Python 3.11 has none for these 3.12 and 3.13 projects;
support/sample_projects.py locks with the real uv the samples that admit 3.11), a CI
workflow as such a project has it before adopting (uv installed with pip or setup-uv,
then ``uv sync``), and a git repository whose remote is on a Forgejo host.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from support.git import run_git

# A CI workflow as a uv project has it before adopting the image: zizmor-clean, so that
# any finding on the adopted workflow comes from init's edits.
CI_WORKFLOW = """\
name: ci

on:
  push:
  pull_request:

permissions:
  contents: read

jobs:
  test:
    runs-on: docker
    steps:
      - name: Check out
        uses: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1
        with:
          persist-credentials: false
      - name: Install uv
        run: pip install uv
      - name: Install the project
        run: uv sync --frozen --all-groups
      - name: Test
        run: uv run pytest
  lint:
    runs-on: docker
    container: python:{python}-slim
    steps:
      - name: Check out
        uses: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1
        with:
          persist-credentials: false
      - name: Set up uv
        uses: astral-sh/setup-uv@v6
      - name: Lint
        run: uv run ruff check
  notify:
    runs-on: docker
    steps:
      - name: Say done
        run: echo done
"""


@dataclass(frozen=True)
class Sample:
    """A project kind: its files, and the directories of its local packages."""

    name: str
    files: dict[str, str]


def _pyproject(name: str, python: str, backend: str | None, extra: str = "") -> str:
    text = (
        f'[project]\nname = "{name}"\nversion = "0.1.0"\n'
        f'requires-python = ">={python}"\ndependencies = []\n'
    )
    if backend == "hatchling":
        text += '\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
    elif backend == "uv_build":
        text += '\n[build-system]\nrequires = ["uv_build>=0.8,<0.10"]\nbuild-backend = "uv_build"\n'
    elif backend == "setuptools":
        text += (
            '\n[build-system]\nrequires = ["setuptools>=68"]\n'
            'build-backend = "setuptools.build_meta"\n'
        )
    return text + extra


def _lock(python: str, packages: list[tuple[str, str, str]], members: list[str]) -> str:
    """uv.lock: ``packages`` are ``(name, source kind, path)`` of the local packages."""
    text = f'version = 1\nrevision = 3\nrequires-python = ">={python}"\n'
    if members:
        text += "\n[manifest]\nmembers = [\n" + "".join(f'    "{m}",\n' for m in members) + "]\n"
    for name, kind, path in packages:
        text += f'\n[[package]]\nname = "{name}"\nversion = "0.1.0"\n'
        text += f'source = {{ {kind} = "{path}" }}\n'
    return text


def sample(kind: str, python: str) -> Sample:
    """The files of one sample project of ``kind`` for Python ``python`` (3.12, 3.13)."""
    if kind == "hatchling with a src layout":
        name = "hatch-app"
        files = {
            "pyproject.toml": _pyproject(name, python, "hatchling"),
            "uv.lock": _lock(python, [(name, "editable", ".")], []),
            "src/hatch_app/__init__.py": "",
        }
    elif kind == "uv_build":
        name = "uvb-app"
        files = {
            "pyproject.toml": _pyproject(name, python, "uv_build"),
            "uv.lock": _lock(python, [(name, "editable", ".")], []),
            "src/uvb_app/__init__.py": "",
        }
    elif kind == "setuptools with a flat layout":
        name = "flat-app"
        files = {
            "pyproject.toml": _pyproject(name, python, "setuptools"),
            "uv.lock": _lock(python, [(name, "editable", ".")], []),
            "flat_app/__init__.py": "",
        }
    elif kind == "a virtual project":
        name = "scripts"
        files = {
            "pyproject.toml": _pyproject(name, python, None),
            "uv.lock": _lock(python, [(name, "virtual", ".")], []),
            "main.py": "print('hello')\n",
        }
    elif kind == "a workspace with two members":
        name = "suite"
        workspace = (
            '\n[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[tool.uv.sources]\n'
            "alpha = { workspace = true }\nbeta = { workspace = true }\n"
        )
        files = {
            "pyproject.toml": _pyproject(name, python, "hatchling", workspace).replace(
                "dependencies = []", 'dependencies = ["alpha", "beta"]'
            ),
            "uv.lock": _lock(
                python,
                [
                    ("alpha", "editable", "packages/alpha"),
                    ("beta", "editable", "packages/beta"),
                    (name, "editable", "."),
                ],
                ["alpha", "beta", name],
            ),
            "packages/alpha/pyproject.toml": _pyproject("alpha", python, "uv_build"),
            "packages/alpha/src/alpha/__init__.py": "",
            "packages/beta/pyproject.toml": _pyproject("beta", python, "hatchling"),
            "packages/beta/src/beta/__init__.py": "",
            "src/suite/__init__.py": "",
        }
    else:
        raise AssertionError(f"no sample project {kind!r}")
    files[".python-version"] = f"{python}\n"
    files[".forgejo/workflows/ci.yml"] = CI_WORKFLOW.replace("{python}", python)
    return Sample(name, files)


def write_sample(root: Path, kind: str, python: str, env: dict[str, str]) -> Sample:
    """Write the project into ``root`` as a git repository with a Forgejo remote."""
    project = sample(kind, python)
    for relative, text in project.files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    run_git(root, env, "init", "--quiet", "--initial-branch=main")
    run_git(root, env, "remote", "add", "origin", f"https://codeberg.org/Acme/{project.name}.git")
    return project
