"""Steps shared by every feature: files in the project, running the real CLI, its output."""

from __future__ import annotations

import shlex
import subprocess
import sys

from behave import given, then, when
from behave.runner import Context

from support.cli import ci_image_command, describe, expand, run_cli, snapshot

# Re-exported: other step modules import these from here.
__all__ = ["ci_image_command", "describe", "expand", "run_cli", "snapshot"]


@given('a file "{name}" with')
@given('a file "{name}" containing')
def step_file_with(context: Context, name: str) -> None:
    path = context.workdir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(context.text + "\n", encoding="utf-8")


@when('I run "ci-image {arguments}"')
@when("I run `ci-image {arguments}`")
def step_run(context: Context, arguments: str) -> None:
    run_cli(context, shlex.split(arguments))


@when('in "{directory}" I run "ci-image {arguments}"')
def step_run_in(context: Context, arguments: str, directory: str) -> None:
    run_cli(context, shlex.split(arguments), cwd=context.workdir / directory)


@then("the exit status is {status:d}")
def step_exit_status(context: Context, status: int) -> None:
    assert context.result.returncode == status, describe(context)


@then("it succeeds")
def step_succeeds(context: Context) -> None:
    assert context.result.returncode == 0, describe(context)


@then('stdout contains "{text}"')
def step_stdout_contains(context: Context, text: str) -> None:
    assert text in context.result.stdout, describe(context)


@then('stdout does not contain "{text}"')
def step_stdout_lacks(context: Context, text: str) -> None:
    assert text not in context.result.stdout, describe(context)


@then("stdout is")
def step_stdout_is(context: Context) -> None:
    assert context.result.stdout == context.text + "\n", describe(context)


@then('stderr contains "{text}"')
def step_stderr_contains(context: Context, text: str) -> None:
    assert text in context.result.stderr, describe(context)


@then('stderr does not contain "{text}"')
def step_stderr_lacks(context: Context, text: str) -> None:
    assert text not in context.result.stderr, describe(context)


@then('stderr is one line containing "{text}"')
@then('it fails with one line containing "{text}"')
def step_one_error_line(context: Context, text: str) -> None:
    stderr = context.result.stderr
    assert "Traceback" not in stderr, describe(context)
    assert stderr.count("\n") == 1 and stderr.endswith("\n"), describe(context)
    assert text in stderr, describe(context)


@then("no file in the project changed")
def step_nothing_changed(context: Context) -> None:
    after = snapshot(context.workdir)
    changed = sorted(
        name
        for name in set(context.before) | set(after)
        if context.before.get(name) != after.get(name)
    )
    assert not changed, f"changed: {changed}\n{describe(context)}"


@when('I run the module with "{arguments}"')
def step_run_module(context: Context, arguments: str) -> None:
    context.before = snapshot(context.workdir)
    context.result = subprocess.run(
        [sys.executable, "-m", "ci_image", *shlex.split(arguments)],
        cwd=context.workdir,
        env=context.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
