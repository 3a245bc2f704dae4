"""Steps for ``ci-image init``: sample uv projects, what init wrote, and the tools that
judge the result (the CLI's own check and triggers, zizmor, check-jsonschema)."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml
from behave import given, then, when
from behave.runner import Context

from ci_image.adopt.plan import InitOptions, plan_adoption
from ci_image.image.input_paths import image_input_paths
from support.cli import ci_image_command, describe, run_cli, snapshot, unmeasured
from support.flake_probe import copy_repository, probe
from support.git import run_git
from support.init_projects import write_sample
from support.run_cache import shared_directory

REPOSITORY = Path(__file__).resolve().parents[2]
TEMPLATE = REPOSITORY / "src" / "ci_image" / "adopt" / "template" / "flake.nix"
WORKFLOWS = ".forgejo/workflows"
BUILD = f"{WORKFLOWS}/build-ci-image.yml"


def _tool(context: Context, program: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    executable = Path(sys.executable).parent / program
    return subprocess.run(
        [str(executable), *arguments],
        cwd=context.workdir,
        env=unmeasured(context.env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _ci_image(context: Context, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ci_image_command(), *arguments],
        cwd=context.workdir,
        env=context.env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _workflow(context: Context, name: str) -> dict[Any, Any]:
    document: dict[Any, Any] = yaml.safe_load((context.workdir / name).read_text("utf-8"))
    return document


@given("a sample uv project: {kind}, Python {python}")
def step_sample(context: Context, kind: str, python: str) -> None:
    context.sample = write_sample(context.workdir, kind, python, context.env)
    context.original = snapshot(context.workdir)


@given("a sample uv project")
def step_default_sample(context: Context) -> None:
    step_sample(context, "uv_build", "3.12")


@given('the sample project\'s remote is "{url}"')
def step_remote(context: Context, url: str) -> None:
    run_git(context.workdir, context.env, "remote", "set-url", "origin", url)
    context.original = snapshot(context.workdir)


@given("the sample project has no git remote")
def step_no_remote(context: Context) -> None:
    run_git(context.workdir, context.env, "remote", "remove", "origin")
    context.original = snapshot(context.workdir)


@given('the file "{name}" of the sample project is removed')
def step_remove(context: Context, name: str) -> None:
    (context.workdir / name).unlink()
    context.original = snapshot(context.workdir)


@given('a file "{name}" is added to the sample project')
def step_add_file(context: Context, name: str) -> None:
    path = context.workdir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# added by a scenario\n", encoding="utf-8")


@given('the file "{name}" of the sample project is replaced by')
def step_replace(context: Context, name: str) -> None:
    """``<LF>`` is a line break, ``<xFF>`` the byte 0xff (never valid in UTF-8)."""
    path = context.workdir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = context.text.replace("<LF>", "\n") + "\n"
    path.write_bytes(text.encode("utf-8").replace(b"<xFF>", b"\xff"))
    context.original = snapshot(context.workdir)


@given('the sample project has a directory "{name}"')
def step_directory(context: Context, name: str) -> None:
    (context.workdir / name).mkdir(parents=True)
    context.original = snapshot(context.workdir)


def exact_bytes(text: str) -> bytes:
    """A docstring written with visible line ends: its own line breaks are dropped, and
    ``<LF>``, ``<CRLF>`` and ``<EOF>`` (the end, to show no final newline) are the bytes."""
    text = text.replace("\n", "").replace("<CRLF>", "\r\n").replace("<LF>", "\n")
    return text.replace("<EOF>", "").encode("utf-8")


@given("the sample project's pyproject.toml is written byte for byte as")
def step_pyproject_bytes(context: Context) -> None:
    (context.workdir / "pyproject.toml").write_bytes(exact_bytes(context.text))
    context.original = snapshot(context.workdir)


@then("flake.nix is ci-image's template, byte for byte")
def step_flake(context: Context) -> None:
    assert (context.workdir / "flake.nix").read_bytes() == TEMPLATE.read_bytes(), describe(context)


@then('pyproject.toml is its old bytes followed by exactly "{suffix}"')
def step_pyproject_suffix(context: Context, suffix: str) -> None:
    expected = context.original["pyproject.toml"] + suffix.replace("<LF>", "\n").replace(
        "<CRLF>", "\r\n"
    ).encode("utf-8")
    actual = (context.workdir / "pyproject.toml").read_bytes()
    assert actual == expected, f"{actual!r}\n!=\n{expected!r}"


@then("pyproject.toml is byte for byte")
def step_pyproject_exact(context: Context) -> None:
    expected = exact_bytes(context.text)
    actual = (context.workdir / "pyproject.toml").read_bytes()
    assert actual == expected, f"{actual!r}\n!=\n{expected!r}"


@then('job "{job}" of the CI workflow runs in "{image}" with the steps')
def step_job(context: Context, job: str, image: str) -> None:
    document = _workflow(context, f"{WORKFLOWS}/ci.yml")
    spec = document["jobs"][job]
    container = spec.get("container")
    actual = container.get("image") if isinstance(container, dict) else container
    assert actual == image, (actual, describe(context))
    names = [step.get("name") or step.get("uses") or step.get("run") for step in spec["steps"]]
    expected = [row["step"] for row in context.table]
    assert names == expected, names


@then('job "{job}" of the CI workflow is as it was')
def step_job_unchanged(context: Context, job: str) -> None:
    before = yaml.safe_load(context.original[f"{WORKFLOWS}/ci.yml"])["jobs"][job]
    after = _workflow(context, f"{WORKFLOWS}/ci.yml")["jobs"][job]
    assert before == after, (before, after)


@then("the build workflow's push paths are")
def step_build_paths(context: Context) -> None:
    document = _workflow(context, BUILD)
    paths = document[True]["push"]["paths"]  # PyYAML reads `on` as True
    expected = [row["path"] for row in context.table]
    assert paths == expected, paths


@then("only these files changed")
def step_changed_files(context: Context) -> None:
    after = snapshot(context.workdir)
    changed = sorted(
        name
        for name in set(after) | set(context.original)
        if not name.startswith(".git/") and after.get(name) != context.original.get(name)
    )
    expected = sorted(row["file"] for row in context.table)
    assert changed == expected, changed


@then("the project passes ci-image check --allow-unreleased, zizmor and check-jsonschema")
def step_linters(context: Context) -> None:
    check = _ci_image(context, "check", "--allow-unreleased")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "CI009" not in check.stdout and "CI010" not in check.stdout, check.stdout
    files = sorted(str(path) for path in (context.workdir / WORKFLOWS).glob("*.yml"))
    zizmor = _tool(context, "zizmor", "--offline", *files)
    assert zizmor.returncode == 0, zizmor.stdout + zizmor.stderr
    schema = _tool(
        context, "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *files
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr


@then("the build workflow runs for a push to main that changes each of its paths, and not for")
def step_triggers(context: Context) -> None:
    def triggers(changed: str) -> subprocess.CompletedProcess[str]:
        return _ci_image(
            context, "triggers", "--workflow", BUILD, "--ref", "refs/heads/main",
            "--changed", changed,
        )  # fmt: skip

    for path in _workflow(context, BUILD)[True]["push"]["paths"]:
        result = triggers(path.replace("**", "default.nix"))
        assert result.returncode == 0, (path, result.stdout, result.stderr)
    for row in context.table:
        result = triggers(row["path"])
        assert result.returncode == 1, (row["path"], result.stdout, result.stderr)


@then("the JSON document says")
def step_json(context: Context) -> None:
    document = json.loads(context.result.stdout)
    for row in context.table:
        value = document
        for key in row["key"].split("."):
            value = value[int(key)] if isinstance(value, list) else value[key]
        assert json.dumps(value) == row["value"], (row["key"], value)


@when('I run "ci-image {arguments}" again')
def step_again(context: Context, arguments: str) -> None:
    context.original = snapshot(context.workdir)
    run_cli(context, shlex.split(arguments))


@then("nothing was written")
def step_nothing_written(context: Context) -> None:
    after = snapshot(context.workdir)
    assert after == context.original, sorted(
        name
        for name in set(after) | set(context.original)
        if after.get(name) != context.original.get(name)
    )


@then('the file "{name}" is')
def step_file_is(context: Context, name: str) -> None:
    actual = (context.workdir / name).read_text(encoding="utf-8")
    assert actual == context.text + "\n", actual


@when("init plans this repository with --force")
def step_plan_repository(context: Context) -> None:
    context.plan = plan_adoption(REPOSITORY, InitOptions(branch="main", force=True))


@then(
    "the build workflow it would write is this repository's "
    ".forgejo/workflows/build-ci-image.yml, byte for byte"
)
def step_own_build_workflow(context: Context) -> None:
    planned = next(item for item in context.plan.files if item.path == REPOSITORY / BUILD)
    assert planned.new is None, planned.diff(REPOSITORY)
    assert planned.action == "unchanged", planned


@then("flake.nix is as it was")
def step_flake_kept(context: Context) -> None:
    assert (context.workdir / "flake.nix").read_bytes() == context.original["flake.nix"]


@given('in "{name}" the line "{old}" is replaced by "{new}"')
def step_replace_line(context: Context, name: str, old: str, new: str) -> None:
    path = context.workdir / name
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines.count(old) == 1, f"{old!r} is not one line of {name}"
    lines[lines.index(old)] = new
    path.write_text("\n".join(lines), encoding="utf-8")


@given('in "{name}" every "{old}" is replaced by "{new}"')
def step_replace_all(context: Context, name: str, old: str, new: str) -> None:
    path = context.workdir / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@given('the flake of the sample project sets python = "{version}"')
def step_flake_python(context: Context, version: str) -> None:
    path = context.workdir / "flake.nix"
    text = path.read_text(encoding="utf-8")
    commented = '# python = "3.12";'
    assert commented in text, "the template no longer shows the python setting"
    path.write_text(text.replace(commented, f'python = "{version}";'), encoding="utf-8")


@given('the lock of the sample project gains the local package "{directory}"')
def step_lock_member(context: Context, directory: str) -> None:
    name = directory.strip("./").rsplit("/", 1)[-1]
    project = (context.workdir / directory).resolve()
    if project.is_relative_to(context.workdir):
        project.mkdir(parents=True, exist_ok=True)
        (project / "pyproject.toml").write_text(
            f'[project]\nname = "{name}"\nversion = "0.1.0"\n', encoding="utf-8"
        )
    with (context.workdir / "uv.lock").open("a", encoding="utf-8") as stream:
        stream.write(
            f'\n[[package]]\nname = "{name}"\nversion = "0.1.0"\n'
            f'source = {{ editable = "{directory}" }}\n'
        )


# --- the generated flake, evaluated by the real Nix against the stand-ins --------------


def evaluate_adopter_flake(context: Context) -> dict[str, Any]:
    """``probe.nix`` on the project's flake.nix, its input ci-image being a clean copy
    of this repository (no coverage data files that parallel processes write and remove
    while Nix copies the tree), every other input a stand-in (features/support/nix)."""
    return probe(
        context.workdir,
        context.env,
        copy_repository(shared_directory(context, "ci-image") / "source"),
    )


@then("the flake evaluates with the real Nix against the stand-ins")
def step_flake_evaluates(context: Context) -> None:
    context.probe = evaluate_adopter_flake(context)
    pyproject = (context.workdir / "pyproject.toml").read_text(encoding="utf-8")
    image = tomllib.loads(pyproject)["tool"]["ci-image"]["image"]
    for system in ("x86_64-linux", "aarch64-linux"):
        described = context.probe["perSystem"][system]
        # What the build workflow runs: nix build .#ciImage, nix run .#ci-image.
        assert {"ciImage", "ci-image"} <= set(described["packages"]), described["packages"]
        assert "ci-image" in described["apps"], described["apps"]
        assert described["image"]["arguments"]["name"] == image, described["image"]


@then("Nix's lib.imageInputs of the flake are the build workflow's paths but the workflow itself")
def step_nix_inputs_agree(context: Context) -> None:
    document = _workflow(context, BUILD)
    paths = [path for path in document[True]["push"]["paths"] if path != BUILD]
    assert context.probe["imageInputs"] == paths, (context.probe["imageInputs"], paths)


@then("Nix's lib.imageInputs of the flake are what ci-image computes without Nix")
def step_inputs_agree(context: Context) -> None:
    lock = tomllib.loads((context.workdir / "uv.lock").read_text(encoding="utf-8"))
    python_side = image_input_paths(context.workdir, lock)
    nix_side = evaluate_adopter_flake(context)["imageInputs"]
    assert nix_side == python_side, (nix_side, python_side)
