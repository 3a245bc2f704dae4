"""Steps for the project's own commands in the image's environment (features/checkout.feature).

The venv is built here as the image's is (support/image_environment.py); the variables
are the ones the library gives the image and the dev shell, read from the sample's
evaluated flake (the adopter steps' probe).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from behave import given, then, when
from behave.runner import Context

from support.flake_probe import copy_repository, environment_of, probe, tree_digest
from support.image_environment import ImageVenv, build, job_environment, run_in_job
from support.run_cache import made_once, shared_directory
from support.sample_projects import local_python

SYSTEM = "x86_64-linux"


def _sample_probe(context: Context) -> dict[str, object]:
    """The sample's flake evaluated as the adopter steps do (features/nix_adopt.feature);
    here only the venv's files and the image's variables are read from it, so the same
    sample tree is evaluated once per run (support/run_cache.py)."""
    if getattr(context, "sample_probe", None) is None:
        root = context.sample.root
        repository = copy_repository(shared_directory(context, "ci-image") / "source")
        cached = made_once(
            shared_directory(context, "sample-probes") / f"{tree_digest(root)}.json",
            lambda path: path.write_text(
                json.dumps(probe(root, context.env, repository)), encoding="utf-8"
            ),
        )
        context.sample_probe = json.loads(cached.read_text(encoding="utf-8"))
    described: dict[str, object] = context.sample_probe["perSystem"][SYSTEM]
    return described


@given(
    "a venv like the image's, built from the sample's lock without the project and completed "
    "by nix/checkout/install.py"
)
def step_image_venv(context: Context) -> None:
    system = _sample_probe(context)
    venv_described = system["venv"]  # type: ignore[index]
    python = local_python()
    assert python, "no local Python >= 3.11 to build the venv with"
    context.image_venv = build(
        context.sample.root,
        context.workdir / "image-venv",
        list(venv_described["workspaceFiles"]),
        python,
        context.env,
    )
    image_env = system["image"]["arguments"]["config"]["Env"]  # type: ignore[index]
    interpreter = environment_of(image_env)["UV_PYTHON"]
    context.job_env = job_environment(
        image_env,
        context.image_venv,
        venv_described["storePath"],
        interpreter,
        context.workdir / "image-home",
    )
    # The dev shell's variables, with what its hook exports when entered in the checkout.
    shell_env = {**environment_of(image_env), **system["shell"]["env"]}  # type: ignore[index]
    shell_env["CI_IMAGE_CHECKOUT"] = str(context.sample.root)
    context.shell_env = job_environment(
        [f"{name}={value}" for name, value in shell_env.items()],
        context.image_venv,
        venv_described["storePath"],
        interpreter,
        context.workdir / "shell-home",
    )


def _expand(context: Context, text: str) -> str:
    project = context.sample
    values = {"module": project.module or "", "script": project.script or "", "name": project.name}
    return re.sub(r"\{(\w+)\}", lambda match: values[match[1]], text)


def _where(context: Context, directory: str) -> Path:
    if directory == "elsewhere":
        path = context.workdir / "elsewhere"
        path.mkdir(exist_ok=True)
        return path
    return context.sample.root / directory


@when("these commands run in the image's environment, the venv read-only and no network")
def step_run_commands(context: Context) -> None:
    _run_table(context, context.job_env)


@when("these commands run in the dev shell's environment, the venv read-only and no network")
def step_run_commands_shell(context: Context) -> None:
    _run_table(context, context.shell_env)


def _run_table(context: Context, env: dict[str, str]) -> None:
    venv: ImageVenv = context.image_venv
    context.command_results = []
    for row in context.table:
        command = _expand(context, row["command"])
        extra = {}
        if row.get("GITHUB_WORKSPACE") == "the checkout":
            extra["GITHUB_WORKSPACE"] = str(context.sample.root)
        completed = run_in_job(
            command, _where(context, row["directory"]), venv.path, {**env, **extra}
        )
        context.command_results.append((row, command, completed))


@then("each prints what it should and exits as it should")
def step_command_results(context: Context) -> None:
    failures = []
    for row, command, completed in context.command_results:
        expected = _expand(context, row["prints"])
        status = int(row.get("status", "0") or "0")
        output = completed.stdout + completed.stderr
        if completed.returncode != status or expected not in output:
            failures.append(
                f"{row['directory']}$ {command}: exit {completed.returncode} (wanted {status}), "
                f"wanted {expected!r} in:\n{output}"
            )
    assert not failures, "\n\n".join(failures)


@then("the checkout has no .venv, and the venv is as install.py left it")
def step_no_dot_venv(context: Context) -> None:
    assert not (context.sample.root / ".venv").exists()
    for member in context.sample.members:
        assert not (context.sample.root / member / ".venv").exists(), member
    venv: ImageVenv = context.image_venv
    for path in venv.installed:
        assert Path(path).is_file(), path


@then('install.py wrote into the venv "{files}"')
def step_installed_files(context: Context, files: str) -> None:
    venv: ImageVenv = context.image_venv
    site = next(venv.path.glob("lib/python3.*/site-packages"))
    written = sorted(
        re.sub(r"cpython-\d+", "cpython-X", str(Path(path).relative_to(site)))
        if Path(path).is_relative_to(site)
        else f"bin/{Path(path).name}"
        for path in venv.installed
    )
    wanted = sorted(_expand(context, name.strip()) for name in files.split(","))
    assert written == wanted, written


@then("a second build of that venv writes the same files, byte for byte")
def step_reproducible(context: Context) -> None:
    """Built again at the same path (the first moved aside), as Nix builds a derivation
    again at its own store path: every file install.py wrote is the same."""
    first: ImageVenv = context.image_venv
    moved = first.path.with_name(first.path.name + "-first")
    first.path.rename(moved)
    workspace = first.path.with_name(first.path.name + "-workspace")
    files = sorted(
        str(path.relative_to(workspace)) for path in workspace.rglob("*") if path.is_file()
    )
    again = build(context.sample.root, first.path, files, first.python, context.env)
    assert again.installed == first.installed, (again.installed, first.installed)
    for path in first.installed:
        relative = Path(path).relative_to(first.path)
        assert (moved / relative).read_bytes() == (again.path / relative).read_bytes(), relative


@then("install.py wrote nothing into the venv")
def step_installed_nothing(context: Context) -> None:
    venv: ImageVenv = context.image_venv
    assert venv.installed == (), venv.installed
