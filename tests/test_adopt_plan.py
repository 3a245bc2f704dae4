"""``init``'s plan of a small project on disk (in-process, no git: --image and --branch
given): where the workflows are, the notes, the files it keeps, and the next steps."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ci_image.adopt.plan import AdoptionPlan, InitOptions, apply_plan, plan_adoption
from ci_image.commands.init import (
    COMMIT_STEP,
    LOCK_STEP,
    RELEASE_STEPS,
    SETUP_STEPS,
    next_steps,
    report,
)
from ci_image.errors import CiImageError

OPTIONS = InitOptions(image="codeberg.org/acme/app", branch="main")
PIN = "codeberg.org/acme/app:unreleased"
JOB = "jobs:\n  test:\n    runs-on: docker\n    steps:\n      - run: uv run pytest\n"
RELEASE = [step.format(branch="main") for step in RELEASE_STEPS]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0.1.0"\n')
    (tmp_path / "uv.lock").write_text("version = 1\n")
    return tmp_path


def _write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _actions(plan: AdoptionPlan) -> dict[str, str]:
    return {item.path.relative_to(plan.root).as_posix(): item.action for item in plan.files}


def test_a_project_without_workflows_gets_the_build_workflow_and_a_note(project: Path) -> None:
    plan = plan_adoption(project, OPTIONS)
    assert _actions(plan) == {
        "pyproject.toml": "update",
        "flake.nix": "create",
        ".forgejo/workflows/build-ci-image.yml": "create",
        "ci/actionlint.yaml": "create",
    }
    assert plan.notes == (
        f"no workflow in .forgejo/workflows yet: in each job that should run in the image, "
        f"write `container: {PIN}`",
    )
    assert next_steps(plan) == [LOCK_STEP, *SETUP_STEPS, *RELEASE]
    lines: list[str] = []
    report(plan, project, line=lines.append, dry_run=True)
    assert f"note: {plan.notes[0]}" in lines
    assert "would create flake.nix:" in lines


def test_the_workflows_are_where_forgejo_finds_them(project: Path) -> None:
    _write(project, ".github/workflows/ci.yml", "on: push\n" + JOB)
    plan = plan_adoption(project, OPTIONS)
    assert _actions(plan)[".github/workflows/ci.yml"] == "update"
    assert ".github/workflows/build-ci-image.yml" in _actions(plan)
    build = next(item for item in plan.files if item.path.name == "build-ci-image.yml")
    assert build.new is not None and b"      - .github/workflows/build-ci-image.yml\n" in build.new


def test_workflows_where_no_job_can_run_in_the_image_get_a_note(project: Path) -> None:
    _write(
        project,
        ".forgejo/workflows/ci.yml",
        "on: push\njobs:\n  a:\n    runs-on: nix\n    steps:\n      - run: nox\n",
    )
    plan = plan_adoption(project, OPTIONS)
    assert plan.notes == (
        f"no job runs in the image (see why above): in each job that should, write "
        f"`container: {PIN}`; until one does, ci-image check reports CI012",
    )


def test_an_actionlint_configuration_init_cannot_edit_is_kept(project: Path) -> None:
    _write(project, ".github/actionlint.yaml", "self-hosted-runner: {labels: [docker]}\n")
    plan = plan_adoption(project, OPTIONS)
    [config] = [item for item in plan.files if item.path.name == "actionlint.yaml"]
    assert (config.action, config.reasons) == (
        "kept",
        ("it has no self-hosted-runner.labels list in block style; add the labels nix by hand",),
    )


def test_the_next_steps_are_those_still_open(project: Path) -> None:
    _write(project, ".forgejo/workflows/ci.yml", "on: push\n" + JOB)
    apply_plan(plan_adoption(project, OPTIONS))
    again = plan_adoption(project, OPTIONS)
    assert again.changes == []
    assert again.diff(project) == ""
    assert next_steps(again) == [LOCK_STEP, *SETUP_STEPS, *RELEASE]
    _write(project, "flake.lock", "{}\n")
    assert next_steps(plan_adoption(project, OPTIONS)) == [*SETUP_STEPS, *RELEASE]
    # The first release pinned the job: the runner and the secrets exist.
    released = f"codeberg.org/acme/app:1@sha256:{'1' * 64}"
    ci = project / ".forgejo/workflows/ci.yml"
    ci.write_text(ci.read_text().replace(PIN, released))
    assert next_steps(plan_adoption(project, OPTIONS)) == []
    # A new job gets the bootstrap pin, which the next release replaces.
    ci.write_text(ci.read_text() + JOB.replace("jobs:\n  test:", "  lint:"))
    plan = plan_adoption(project, OPTIONS)
    assert next_steps(plan) == [COMMIT_STEP, *RELEASE]


def test_a_project_below_the_repository_s_root_is_refused(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(project))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    sub = project / "sub"
    sub.mkdir()
    for name in ("pyproject.toml", "uv.lock"):
        (project / name).rename(sub / name)
    with pytest.raises(CiImageError, match="is a subdirectory of the git repository") as error:
        plan_adoption(sub, OPTIONS)
    assert error.value.path == sub.resolve()


def test_a_workflow_directory_that_leads_out_of_the_project_is_refused(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (project / ".forgejo").symlink_to(outside, target_is_directory=True)
    (outside / "workflows").mkdir()
    with pytest.raises(CiImageError, match=r"the workflow directory leads to .*, outside the"):
        plan_adoption(project, OPTIONS)
