"""Steps about this repository's own workflows: copied into the scenario, or read in place.

They make the build workflow's triggers and the CI workflow's promises testable with the
real CLI, real git history and the real Nix list of the image's inputs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from behave import given, then, when
from behave.runner import Context

from ci_image.settings import load_settings
from ci_image.workflows.loader import load_workflow
from ci_image.workflows.sites import SiteKind, find_image_sites
from support.cli import unmeasured
from support.git import run_git

REPOSITORY = Path(__file__).resolve().parents[2]
WORKFLOWS = ".forgejo/workflows"
BUILD_WORKFLOW = f"{WORKFLOWS}/build-ci-image.yml"
CI_WORKFLOW = f"{WORKFLOWS}/ci.yml"

# Commands that would install packages at job time: the image exists so that no job does.
INSTALL_COMMANDS = re.compile(
    r"\b(?:pip3?\s+install|python3?\s+-m\s+pip\s+install|uv\s+(?:sync|pip|tool\s+install|add)"
    r"|apt(?:-get)?\s+(?:install|update)|apk\s+add|dnf\s+install|yum\s+install"
    r"|nix\s+profile|nix-env\s+-i|npm\s+(?:ci|install)|pipx\s+install|conda\s+install)\b"
)


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@given("this repository's workflows in the project")
def step_copy_workflows(context: Context) -> None:
    shutil.copytree(REPOSITORY / WORKFLOWS, context.workdir / WORKFLOWS)


@given('a commit "{label}" that adds a comment to "{path}"')
def step_commit_comment(context: Context, label: str, path: str) -> None:
    with (context.workdir / path).open("a", encoding="utf-8") as stream:
        stream.write(f"# touched by {label}\n")
    step_commit_everything(context, label)


@given('everything in the project is committed as "{label}"')
def step_commit_everything(context: Context, label: str) -> None:
    run_git(context.workdir, context.env, "add", "--all", "--", ".")
    run_git(context.workdir, context.env, "commit", "--quiet", "-m", label)
    run_git(context.workdir, context.env, "tag", label)


@given('this repository\'s "{name}" in the project')
def step_copy_file(context: Context, name: str) -> None:
    target = context.workdir / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPOSITORY / name, target)


@given('the workflow "{name}" in the project gains a step that runs "{command}"')
def step_add_install_step(context: Context, name: str, command: str) -> None:
    path = context.workdir / name
    document = load_yaml(path)
    for job in document["jobs"].values():
        job["steps"].append({"name": "sneaky", "run": command})
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def image_inputs(context: Context) -> list[str]:
    """The image's inputs as the flake lists them (lib.imageInputs, from nix/inputs.nix),
    by the real Nix, with the stand-in inputs of features/support/nix/standins.nix."""
    result = subprocess.run(
        [
            "nix-instantiate",
            "--eval",
            "--strict",
            "--json",
            "-E",
            "let standins = import ./features/support/nix/standins.nix;"
            " in ((import ./flake.nix).outputs (standins.inputs // { self = { }; }))"
            ".lib.imageInputs",
        ],
        cwd=REPOSITORY,
        env=context.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    paths: list[str] = json.loads(result.stdout)
    return paths


def build_paths() -> list[str]:
    document = load_yaml(REPOSITORY / BUILD_WORKFLOW)
    # PyYAML (YAML 1.1) reads the key `on` as True.
    paths: list[str] = document[True]["push"]["paths"]
    return paths


@then("the build workflow's paths filter is exactly the image's inputs and the workflow itself")
def step_paths_agree(context: Context) -> None:
    inputs = image_inputs(context)
    paths = build_paths()
    missing = [path for path in inputs if path not in paths]
    assert not missing, f"inputs of the image missing from paths: {missing}"
    extra = [path for path in paths if path not in inputs and path != BUILD_WORKFLOW]
    assert not extra, f"paths that cannot change the image: {extra}"
    assert BUILD_WORKFLOW in paths, f"{BUILD_WORKFLOW} is not in its own paths"


@then("the flake, the lock files and every file under nix/ are among the image's inputs")
def step_files_are_inputs(context: Context) -> None:
    """A cheap check of the usual suspects. That no other file can change the image is
    proved in features/nix_image.feature ("Only the image's inputs can change its tag"),
    which changes every tracked file that is not an input and evaluates the image again."""
    inputs = image_inputs(context)
    read_by_image = ["flake.nix", "flake.lock", "pyproject.toml", "uv.lock"] + [
        str(path.relative_to(REPOSITORY)) for path in sorted((REPOSITORY / "nix").rglob("*.nix"))
    ]
    for name in read_by_image:
        assert (REPOSITORY / name).is_file(), name
        covered = name in inputs or any(
            pattern.endswith("/**") and name.startswith(pattern[:-2]) for pattern in inputs
        )
        assert covered, f"{name} is read by the image but not among its inputs {inputs}"


@when('the steps of every job in "{name}" are read')
def step_read_jobs(context: Context, name: str) -> None:
    context.workflow = load_yaml(context.workdir / name)


@then("no step installs packages")
def step_no_installs(context: Context) -> None:
    offenders = [
        f"{job_id}: {step.get('name', step.get('run'))}"
        for job_id, job in context.workflow["jobs"].items()
        for step in job.get("steps", [])
        if INSTALL_COMMANDS.search(str(step.get("run", "")))
    ]
    assert not offenders, f"steps that install packages: {offenders}"


@then('a step that installs packages is found in job "{job_id}"')
def step_install_found(context: Context, job_id: str) -> None:
    job = context.workflow["jobs"][job_id]
    assert any(INSTALL_COMMANDS.search(str(step.get("run", ""))) for step in job["steps"])


@then("every job in it runs in a container that is the CI image of [tool.ci-image]")
def step_every_job_in_image(context: Context) -> None:
    image = load_settings(REPOSITORY).image
    assert image is not None, "no image in [tool.ci-image]"
    workflow = load_workflow(context.workdir / CI_WORKFLOW)
    containers = {
        site.job: site for site in find_image_sites(workflow) if site.kind is SiteKind.CONTAINER
    }
    jobs = list(context.workflow["jobs"])
    assert jobs, "ci.yml has no jobs"
    for job_id in jobs:
        site = containers.get(job_id)
        assert site is not None, f"job {job_id} has no container: it would run on the bare runner"
        assert site.reference is not None, f"job {job_id}: {site.text} is not a reference"
        assert site.reference.same_repository(image), f"job {job_id} runs in {site.text}"
        assert site.reference.tag is not None, f"job {job_id}: {site.text} has no tag"


@when('I run "{tool}" on this repository\'s workflows')
def step_run_linter(context: Context, tool: str) -> None:
    program, *arguments = tool.split()
    executable = Path(sys.executable).parent / program
    files = sorted(str(path) for path in (REPOSITORY / WORKFLOWS).glob("*.y*ml"))
    context.result = subprocess.run(
        [str(executable), *arguments, *files],
        cwd=REPOSITORY,
        env=unmeasured(context.env),
        capture_output=True,
        text=True,
        timeout=300,
    )
