"""Steps about the test suite itself: the unprivileged user's copy of the helper, and the
parallel runner's report (features/suite.feature)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import yaml
from behave import given, then, when
from behave.runner import Context

from support import unprivileged
from support.cli import describe

REPOSITORY = Path(__file__).resolve().parents[2]
RUNNER = REPOSITORY / "features" / "support" / "parallel.py"
SET_UP = REPOSITORY / "features" / "support" / "unprivileged.py"
# The suite's own measurement must not follow these processes: they run suite code.
_COVERAGE = ("COVERAGE_PROCESS_CONFIG", "COVERAGE_PROCESS_START", "COVERAGE_FILE")


def _plain_env(context: Context, **extra: str) -> dict[str, str]:
    env = {name: value for name, value in context.env.items() if name not in _COVERAGE}
    env.pop("PYTHONPATH", None)
    env.update(extra)
    return env


def _run(context: Context, command: list[str], env: dict[str, str], cwd: Path) -> None:
    context.result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@given("a checkout of the helper inside a directory only root can enter")
def step_private_checkout(context: Context) -> None:
    """What ``git clone`` into a ``mktemp -d`` directory and ``uv sync`` make, rebuilt
    from this checkout's own environment: the source, a virtual environment of the same
    base interpreter holding the same packages, ci_image installed editable."""
    reason = unprivileged.unavailable_reason()
    if reason is not None:
        context.scenario.skip(reason)
        return
    private = context.workdir / "private"
    private.mkdir(mode=0o700)
    checkout = private / "checkout"
    shutil.copytree(
        REPOSITORY / "src" / "ci_image",
        checkout / "src" / "ci_image",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy2(REPOSITORY / "pyproject.toml", checkout / "pyproject.toml")
    context.private = private
    if sys.prefix == sys.base_prefix:  # no venv: the interpreter's own environment
        context.checkout_python = Path(sys.executable)
        context.checkout_command = [sys.executable, "-m", "ci_image"]
        context.checkout_env = {"PYTHONPATH": str(checkout / "src")}
        return
    venv = checkout / ".venv"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    question = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site_packages = Path(
        subprocess.run(
            [python, "-c", question], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    ours = Path(sysconfig.get_paths()["purelib"])
    editable = frozenset(pth.name for pth in ours.glob("*.pth") if "ci_image" in pth.name)
    unprivileged.mirror(ours, site_packages, skip=editable)
    (site_packages / "_editable_impl_ci_image.pth").write_text(f"{checkout / 'src'}\n")
    script = venv / "bin" / "ci-image"
    script.write_text(f"#!{python}\nimport sys\nfrom ci_image.cli import main\nsys.exit(main())\n")
    script.chmod(0o755)
    context.checkout_python = python
    context.checkout_command = [str(script)]
    context.checkout_env = {}


@when("the unprivileged user runs the checkout's own ci-image")
def step_run_checkout_helper(context: Context) -> None:
    env = _plain_env(context, **context.checkout_env)
    command = [*unprivileged.setpriv_prefix(), *context.checkout_command, "--version"]
    _run(context, command, env, Path("/"))


@then("it fails, unable to open what it needs")
def step_fails_unable(context: Context) -> None:
    result = context.result
    assert result.returncode != 0, describe(context)
    reasons = ("Permission denied", "No module named")
    assert any(reason in result.stderr for reason in reasons), describe(context)


@when("the suite's unprivileged-user set-up is made from that checkout")
def step_set_up(context: Context) -> None:
    # Where the suite puts its own copy: a new directory in a temporary directory every
    # user can enter (the scenario's own directory is private to root).
    parent = unprivileged.temporary_parent()
    assert parent is not None
    destination = Path(tempfile.mkdtemp(prefix="ci-image-unprivileged-", dir=parent))
    context.add_cleanup(shutil.rmtree, destination, ignore_errors=True)
    env = _plain_env(context, **context.checkout_env)
    _run(context, [str(context.checkout_python), str(SET_UP), str(destination)], env, Path("/"))
    assert context.result.returncode == 0, describe(context)
    context.copy = json.loads(context.result.stdout)


@then("everything the unprivileged user runs is outside the private directory")
def step_outside(context: Context) -> None:
    copy = context.copy
    paths = [copy["python"], *copy["command"], *copy["environment"].values()]
    private = str(context.private)
    inside = [path for path in paths if path.startswith(private)]
    assert not inside, f"inside {private}: {inside}\n{copy}"
    shared = Path(copy["root"])
    for directory, _, files in os.walk(shared):
        assert Path(directory).stat().st_mode & 0o005 == 0o005, directory
        for name in files:
            path = Path(directory) / name
            assert path.is_symlink() or path.stat().st_mode & 0o004, path


@when('the unprivileged user runs "ci-image {arguments}" with that copy, in a project it owns')
def step_run_copy(context: Context, arguments: str) -> None:
    ids = unprivileged.unprivileged_ids()
    assert ids is not None
    context.workdir.parent.chmod(0o711)
    project = context.workdir / "project"
    for path in [context.workdir, project, *project.rglob("*")]:
        os.chown(path, *ids)
    env = _plain_env(context)
    for name, value in context.copy["environment"].items():
        env[name] = value
    command = [*unprivileged.setpriv_prefix(), *context.copy["command"], *arguments.split()]
    _run(context, command, env, project)


@given('a suite with a passing, a failing and a skipped scenario in "{directory}"')
def step_fixture_suite(context: Context, directory: str) -> None:
    """The real environment.py and support package, with steps that pass, fail or skip
    on purpose."""
    root = context.workdir / directory
    shutil.copy2(REPOSITORY / "features" / "environment.py", root / "environment.py")
    shutil.copytree(
        REPOSITORY / "features" / "support",
        root / "support",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (root / "steps").mkdir()
    (root / "steps" / "fixture_steps.py").write_text(
        "from behave import step\n\n\n"
        "@step('it works')\ndef works(context):\n    pass\n\n\n"
        "@step('it breaks')\ndef breaks(context):\n"
        "    raise AssertionError('broken on purpose')\n\n\n"
        "@step('it cannot run here: {reason}')\ndef cannot(context, reason):\n"
        "    context.scenario.skip(reason)\n\n\n"
        "@step('it is skipped without a word')\ndef silent(context):\n"
        "    context.scenario.skip()\n",
        encoding="utf-8",
    )


@when('I run the suite runner with "{arguments}"')
def step_run_runner(context: Context, arguments: str) -> None:
    command = [sys.executable, str(RUNNER), *arguments.split()]
    _run(context, command, _plain_env(context), context.workdir)


@then('the matrix of job "{job}" in "{name}" is nox\'s default sessions')
def step_matrix_is_default_sessions(context: Context, job: str, name: str) -> None:
    workflow = yaml.safe_load((context.workdir / name).read_text(encoding="utf-8"))
    matrix = workflow["jobs"][job]["strategy"]["matrix"]["session"]
    question = (
        "import json, runpy, nox; runpy.run_path('noxfile.py'); "
        "print(json.dumps(nox.options.sessions))"
    )
    answer = subprocess.run(
        [sys.executable, "-c", question],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    )
    defaults = json.loads(answer.stdout)
    assert matrix == defaults, f"matrix {matrix}, nox's default sessions {defaults}"
    assert len(set(matrix)) == len(matrix), f"a session runs twice: {matrix}"
