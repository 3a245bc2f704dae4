"""Steps for `ci-image env-check` and the image-inputs digest: a real uv, a real index,
real venvs, and the image's values from the real nix-instantiate."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from behave import given, then, when
from behave.runner import Context

from support.cli import describe, run_cli, unmeasured
from support.native import build_program, build_shared_library
from support.nix_inputs import evaluate_inputs_nix
from support.package_index import PackageIndex

# uv settings of the developer's (or the CI job's) environment that would change what
# the scenarios test; each scenario states its own.
_UV_VARIABLES = (
    "VIRTUAL_ENV",
    "UV_OFFLINE",
    "UV_PROJECT_ENVIRONMENT",
    "UV_FROZEN",
    "UV_LOCKED",
    "UV_NO_SYNC",
    "UV_INDEX",
    "UV_INDEX_URL",
    "UV_EXTRA_INDEX_URL",
    "UV_FIND_LINKS",
    "UV_NO_CACHE",
)


def _uv(context: Context, *arguments: str, extra_env: dict[str, str] | None = None) -> str:
    """Run the real uv in the project; the scenario fails with uv's output if uv does."""
    uv = shutil.which("uv")
    assert uv is not None, "uv is needed for these scenarios"
    # uv's own Python processes (its interpreter queries) are not the helper: measuring
    # them under coverage would only cost time.
    env = unmeasured(context.env)
    completed = subprocess.run(
        [uv, *arguments],
        cwd=context.workdir,
        env={**env, **(extra_env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, f"uv {' '.join(arguments)} failed:\n{completed.stderr}"
    return completed.stderr


# --- the package index and uv ---------------------------------------------------------


@given("a package index on 127.0.0.1 serving these wheels")
def step_package_index(context: Context) -> None:
    root = Path(tempfile.mkdtemp(prefix="index-", dir=context.run_root))
    context.add_cleanup(shutil.rmtree, root, ignore_errors=True)
    index = PackageIndex(root)
    context.add_cleanup(index.stop)
    for row in context.table:
        index.add_wheel(row["name"], row["version"])
    context.package_index = index
    for name in _UV_VARIABLES:
        context.env.pop(name, None)
    context.env.update(
        {
            "UV_DEFAULT_INDEX": index.url,
            # A private, empty cache per scenario, outside the project.
            "UV_CACHE_DIR": str(context.workdir / ".home" / "uv-cache"),
            "UV_PYTHON_DOWNLOADS": "never",
            # Fail at once when the index is down, instead of after uv's backoff.
            "UV_HTTP_RETRIES": "0",
        }
    )


@given("uv has locked the project against that index")
def step_uv_lock(context: Context) -> None:
    _uv(context, "lock")
    lock = (context.workdir / "uv.lock").read_text(encoding="utf-8")
    assert context.package_index.url in lock, lock


@given('the index now also serves "{name}" "{version}"')
def step_index_serves(context: Context, name: str, version: str) -> None:
    context.package_index.add_wheel(name, version)


@given('the pull request upgrades "{name}" in uv.lock')
def step_upgrade_in_lock(context: Context, name: str) -> None:
    pyproject = (context.workdir / "pyproject.toml").read_bytes()
    lock = (context.workdir / "uv.lock").read_bytes()
    _uv(context, "lock", "--upgrade-package", name)
    assert (context.workdir / "uv.lock").read_bytes() != lock, "uv.lock did not change"
    assert (context.workdir / "pyproject.toml").read_bytes() == pyproject


@given("the uv cache holds every package of uv.lock")
def step_seed_uv_cache(context: Context) -> None:
    """A real `uv sync --frozen` into a throwaway venv fills the scenario's uv cache."""
    seed = Path(tempfile.mkdtemp(prefix="seed-venv-", dir=context.run_root)) / "venv"
    _uv(
        context,
        "sync",
        "--frozen",
        "--all-groups",
        extra_env={"UV_PROJECT_ENVIRONMENT": str(seed)},
    )
    shutil.rmtree(seed.parent)


@given("the package index is down")
def step_index_down(context: Context) -> None:
    context.package_index.stop()


@given("uv may not use the network")
def step_uv_offline(context: Context) -> None:
    context.env["UV_OFFLINE"] = "1"


@given("uv is not on PATH")
def step_no_uv(context: Context) -> None:
    entries = context.env.get("PATH", "").split(os.pathsep)
    kept = [entry for entry in entries if entry and shutil.which("uv", path=entry) is None]
    context.env["PATH"] = os.pathsep.join(kept)
    assert shutil.which("uv", path=context.env["PATH"]) is None


@given("the runner's GITHUB_ENV and GITHUB_PATH files")
def step_github_files(context: Context) -> None:
    for name in ("GITHUB_ENV", "GITHUB_PATH"):
        path = context.workdir / ".home" / name.lower()
        path.write_text("", encoding="utf-8")
        context.env[name] = str(path)


@given('an earlier "ci-image {arguments}" built the venv "{name}"')
def step_earlier_fallback(context: Context, arguments: str, name: str) -> None:
    run_cli(context, shlex.split(arguments))
    assert context.result.returncode == 0, describe(context)
    assert (context.workdir / name / "bin" / "python").exists(), describe(context)


@given("GITHUB_ENV names a directory")
def step_github_env_directory(context: Context) -> None:
    path = context.workdir / ".home" / "github_env_dir"
    path.mkdir()
    context.env["GITHUB_ENV"] = str(path)


@given('the job\'s environment sets "{name}" to "{value}"')
def step_job_environment(context: Context, name: str, value: str) -> None:
    context.env[name] = value


@given(
    'a shared library "{soname}" in "{directory}", a directory the image names in '
    "CI_IMAGE_WHEEL_LIBRARY_PATH"
)
def step_wheel_library(context: Context, soname: str, directory: str) -> None:
    """A real library where the image keeps those the wheels need, outside the loader's path."""
    libraries = context.workdir / ".home" / directory
    context.wheel_library = build_shared_library(libraries, soname, text="loaded its library")
    context.env["CI_IMAGE_WHEEL_LIBRARY_PATH"] = str(libraries)


@given(
    'the index now also serves a wheel "{name}" "{version}" whose compiled program "{program}" '
    'needs "{soname}"'
)
def step_index_serves_program(
    context: Context, name: str, version: str, program: str, soname: str
) -> None:
    assert context.wheel_library.name == soname, context.wheel_library
    build = Path(tempfile.mkdtemp(prefix="program-", dir=context.run_root))
    executable = build_program(build / program, context.wheel_library)
    context.package_index.add_wheel(name, version, scripts={program: executable.read_bytes()})


@given('the pull request adds "{name}" to the project\'s dependencies')
def step_add_dependency(context: Context, name: str) -> None:
    _uv(context, "add", "--no-sync", name)
    lock = (context.workdir / "uv.lock").read_text(encoding="utf-8")
    assert f'name = "{name}"' in lock, lock


@given('{name} is "{first}" + a line break + "{second}"')
def step_variable_line_break(context: Context, name: str, first: str, second: str) -> None:
    assert name in {"CI_IMAGE_WHEEL_LIBRARY_PATH", "LD_LIBRARY_PATH"}, name
    context.env[name] = f"{first}\n{second}"


# --- the image's baked values ---------------------------------------------------------


@given("the job runs in an image built from these files")
def step_image_built_from_files(context: Context) -> None:
    """Bake what the image build bakes: nix/inputs.nix, evaluated by the real Nix."""
    value = evaluate_inputs_nix(context.workdir, context.env)
    context.nix_inputs = value
    context.env["CI_IMAGE_INPUTS"] = value["digest"]
    context.env["CI_IMAGE_INPUT_FILES"] = value["perFile"]


@given('the image baked no "{name}"')
def step_image_baked_no(context: Context, name: str) -> None:
    context.env.pop(name, None)


@given('the image baked "{name}" as "{value}"')
def step_image_baked_as(context: Context, name: str, value: str) -> None:
    context.env[name] = value


@given('the pull request appends to "{name}"')
def step_append_to_file(context: Context, name: str) -> None:
    with (context.workdir / name).open("a", encoding="utf-8") as stream:
        stream.write(context.text + "\n")


@given('the file "{name}" is deleted')
def step_delete_file(context: Context, name: str) -> None:
    (context.workdir / name).unlink()


@when(
    'I run env-check with --fallback into a directory named "{first}" + a line break + "{second}"'
)
def step_run_fallback_line_break(context: Context, first: str, second: str) -> None:
    run_cli(context, ["env-check", "--fallback", f"{first}\n{second}"])


# --- outcomes ---------------------------------------------------------------------------


@then('stdout is one line containing "{text}"')
def step_stdout_one_line(context: Context, text: str) -> None:
    """stdout's counterpart of the shared `stderr is one line containing`."""
    output = context.result.stdout
    assert "Traceback" not in context.result.stderr, describe(context)
    assert output.count("\n") == 1 and output.endswith("\n"), describe(context)
    assert text in output, describe(context)


@then("the runner's GITHUB_PATH file is still empty")
def step_github_path_empty(context: Context) -> None:
    assert Path(context.env["GITHUB_PATH"]).read_text(encoding="utf-8") == "", describe(context)


@then('no venv was left in "{name}"')
def step_no_venv(context: Context, name: str) -> None:
    assert not (context.workdir / name).exists(), describe(context)


@then('stdout holds the environment lines for the venv "{name}"')
def step_environment_lines(context: Context, name: str, *more: str) -> None:
    venv = (context.workdir / name).resolve()
    expected = [
        f"VIRTUAL_ENV={venv}",
        f"UV_PROJECT_ENVIRONMENT={venv}",
        f"PATH={venv}/bin{os.pathsep}{context.env['PATH']}",
        *more,
    ]
    assert context.result.stdout.splitlines() == expected, describe(context)


@then('the python of "{name}" imports "{module}" at version "{version}"')
def step_venv_imports(context: Context, name: str, module: str, version: str) -> None:
    python = context.workdir / name / "bin" / "python"
    completed = subprocess.run(
        [str(python), "-c", f"import {module}; print({module}.__version__)"],
        env={key: value for key, value in context.env.items() if key != "PYTHONPATH"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == version, completed.stdout


def github_env_lines(context: Context) -> list[tuple[str, str]]:
    """The variables the fallback appended to $GITHUB_ENV, in order."""
    text = Path(context.env["GITHUB_ENV"]).read_text(encoding="utf-8")
    pairs = [line.partition("=") for line in text.splitlines()]
    return [(key, value) for key, _, value in pairs]


def next_step_environment(context: Context) -> dict[str, str]:
    """Apply $GITHUB_ENV and $GITHUB_PATH as the runner does before the next step."""
    env = dict(context.env)
    env.update(github_env_lines(context))
    added = Path(context.env["GITHUB_PATH"]).read_text(encoding="utf-8").splitlines()
    env["PATH"] = os.pathsep.join([*reversed(added), env["PATH"]])
    return env


@then(
    'the next step\'s python is the one in "{name}" and imports "{module}" at version "{version}"'
)
def step_next_step_python(context: Context, name: str, module: str, version: str) -> None:
    """Apply the files as the runner does before the next step, then run `python`."""
    env = next_step_environment(context)
    venv = (context.workdir / name).resolve()
    assert env["VIRTUAL_ENV"] == str(venv), env["VIRTUAL_ENV"]
    assert env["UV_PROJECT_ENVIRONMENT"] == str(venv), env["UV_PROJECT_ENVIRONMENT"]
    completed = subprocess.run(
        ["python", "-c", f"import sys, {module}; print(sys.prefix); print({module}.__version__)"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == [str(venv), version], completed.stdout


def _report(context: Context) -> dict[str, Any]:
    try:
        report: dict[str, Any] = json.loads(context.result.stdout)
    except json.JSONDecodeError as error:
        raise AssertionError(f"stdout is not JSON ({error})\n{describe(context)}") from None
    return report


@then("the env-check report has these values")
def step_report_values(context: Context) -> None:
    report = _report(context)
    for row in context.table:
        assert report[row["key"]] == json.loads(row["value"]), (row["key"], describe(context))


@then('the env-check report\'s "image" values are what nix/inputs.nix gave before the change')
def step_report_image(context: Context) -> None:
    image = _report(context)["image"]
    assert image["CI_IMAGE_INPUTS"] == context.nix_inputs["digest"], describe(context)
    # --json sorts keys: the files compared as a mapping, the order by CI_IMAGE_INPUTS.
    baked = dict(entry.split("=", 1) for entry in context.nix_inputs["perFile"].split())
    assert image["files"] == baked, describe(context)


@then('the env-check report\'s fallback names the venv "{name}"')
def step_report_fallback(context: Context, name: str) -> None:
    fallback = _report(context)["fallback"]
    venv = str((context.workdir / name).resolve())
    assert fallback["venv"] == venv, describe(context)
    assert fallback["environment"]["VIRTUAL_ENV"] == venv, describe(context)
    assert (context.workdir / name / "bin" / "python").exists()


@then("stdout is the two image variables that nix/inputs.nix gives for the project")
def step_print_inputs_match_nix(context: Context) -> None:
    value = evaluate_inputs_nix(context.workdir, context.env)
    expected = f"CI_IMAGE_INPUTS={value['digest']}\nCI_IMAGE_INPUT_FILES={value['perFile']}\n"
    assert context.result.stdout == expected, describe(context)


@then('the runner\'s GITHUB_ENV file sets exactly "{names}"')
def step_github_env_names(context: Context, names: str) -> None:
    expected = [name.strip() for name in names.split(",")]
    assert [key for key, _ in github_env_lines(context)] == expected, describe(context)


@then('the runner\'s GITHUB_ENV file sets "{name}" to "{value}"')
def step_github_env_value(context: Context, name: str, value: str) -> None:
    assert dict(github_env_lines(context))[name] == value, github_env_lines(context)


@then('the lines on stdout are the venv "{name}"\'s and then "{line}"')
def step_environment_lines_then(context: Context, name: str, line: str) -> None:
    step_environment_lines(context, name, line)


@then('the next step runs "{program}" from the venv, which prints "{text}"')
def step_next_step_program(context: Context, program: str, text: str) -> None:
    env = next_step_environment(context)
    found = shutil.which(program, path=env["PATH"])
    assert found == str(context.workdir.resolve() / ".venv" / "bin" / program), found
    completed = subprocess.run([found], env=env, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == text + "\n", completed.stdout


@then('without the LD_LIBRARY_PATH the fallback handed on, "{program}" fails with "{text}"')
def step_program_needs_library_path(context: Context, program: str, text: str) -> None:
    env = next_step_environment(context)
    env.pop("LD_LIBRARY_PATH")
    completed = subprocess.run(
        [str(context.workdir / ".venv" / "bin" / program)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode != 0, completed.stdout
    assert text in completed.stderr, completed.stderr
