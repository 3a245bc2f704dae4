from __future__ import annotations

from pathlib import Path

import pytest

from ci_image.pinning.temporaries import remove_leftovers
from ci_image.settings import load_settings
from ci_image.workflows.discovery import list_workflow_files

LEFTOVER = ".ci.yml.abcd1234.ci-image.tmp"


def test_only_regular_leftover_files_are_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()
    workflows = tmp_path / ".forgejo" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text("on: push\n", encoding="utf-8")
    (workflows / LEFTOVER).symlink_to("ci.yml")  # a link: not ours to remove
    (workflows / ".ci.yml.efgh5678.ci-image.tmp").write_text("half", encoding="utf-8")
    files = list_workflow_files(workflows)
    assert files == [workflows / "ci.yml"]
    remove_leftovers(workflows, files)
    assert (workflows / LEFTOVER).is_symlink()
    assert not (workflows / ".ci.yml.efgh5678.ci-image.tmp").exists()
    assert "removed " in capsys.readouterr().err


def test_an_ignore_setting_under_a_dotted_key_is_read_without_a_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool]\nci-image.ignore = ["CI003"]\n', encoding="utf-8"
    )
    (entry,) = load_settings(tmp_path).ignore
    assert entry.line is None and entry.rules == frozenset({"CI003"})
