"""What ``init`` asks git (real git, in a temporary repository): the remote, the branch."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ci_image.adopt.gitinfo import Remote, default_branch, push_remote


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = tmp_path / "project"
    root.mkdir()
    _git(root, "init", "-q", "-b", "work")
    return root


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_the_remote_s_default_branch_wins(repository: Path) -> None:
    _git(repository, "remote", "add", "origin", "https://codeberg.org/acme/app.git")
    _git(repository, "config", "init.defaultBranch", "dev")
    assert default_branch(repository) == "dev"
    _git(repository, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    assert default_branch(repository) == "trunk"
    assert push_remote(repository) == Remote("origin", "https://codeberg.org/acme/app.git")


def test_the_only_remote_is_the_push_remote_and_several_others_are_none(repository: Path) -> None:
    _git(repository, "remote", "add", "forge", "https://codeberg.org/acme/app.git")
    assert push_remote(repository) == Remote("forge", "https://codeberg.org/acme/app.git")
    _git(repository, "remote", "add", "mirror", "https://example.org/acme/app.git")
    assert push_remote(repository) is None


def test_without_git_nothing_is_known(repository: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _git(repository, "remote", "add", "origin", "https://codeberg.org/acme/app.git")
    monkeypatch.setenv("PATH", str(repository / "no-programs-here"))
    assert push_remote(repository) is None
    assert default_branch(repository) == "main"
