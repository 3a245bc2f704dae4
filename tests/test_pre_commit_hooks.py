"""The hook this repository offers pre-commit users (.pre-commit-hooks.yaml).

pre-commit itself validates the manifest; the tests here check what its schema cannot:
that the hook runs the command the package installs and fires for every workflow
directory Forgejo reads. A full ``pre-commit try-repo . ci-image-check --all-files``
installs the package from PyPI into a fresh virtualenv (~15 s, network): CONTRIBUTING.md
gives it as a manual check before a release.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from ci_image.workflows.discovery import DISCOVERY_DIRS

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / ".pre-commit-hooks.yaml"


def hook() -> dict[str, Any]:
    (only,) = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(only, dict)
    return only


def test_pre_commit_accepts_the_manifest() -> None:
    pre_commit = shutil.which("pre-commit")
    if pre_commit is None:
        pytest.fail("pre-commit is not installed: run uv sync")
    completed = subprocess.run(
        [pre_commit, "validate-manifest", str(MANIFEST)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_hook_runs_the_installed_command_once_for_the_whole_directory() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    entry = hook()["entry"].split()
    assert entry == ["ci-image", "check"]
    assert entry[0] in scripts
    # Pins of the CI image must agree across files: check sees them all, never a subset.
    assert hook()["pass_filenames"] is False
    assert hook()["require_serial"] is True


@pytest.mark.parametrize("directory", DISCOVERY_DIRS)
@pytest.mark.parametrize("name", ["ci.yml", "build.yaml", "nested/deploy.yml"])
def test_the_hook_fires_for_every_workflow_directory_forgejo_reads(
    directory: str, name: str
) -> None:
    assert re.search(hook()["files"], f"{directory}/{name}")


@pytest.mark.parametrize(
    "path", ["ci.yml", "src/workflows/ci.yml", ".forgejo/workflows/README.md", "docs/.github.yml"]
)
def test_the_hook_ignores_other_files(path: str) -> None:
    assert not re.search(hook()["files"], path)
