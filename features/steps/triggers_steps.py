"""Steps for ``ci-image triggers``: real git repositories and the JSON report.

Commits are labelled with lightweight git tags of the same name, so a scenario can say
``--git first second`` and the tool resolves the labels to commit ids as git does.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

from behave import given, then
from behave.runner import Context

from support.git import run_git


def git(context: Context, *args: str) -> str:
    """Run real git in the scenario's project; fail the step with git's message."""
    return run_git(context.workdir, context.env, *args)


@given("a git repository in the project")
def step_git_repository(context: Context) -> None:
    git(context, "init", "--quiet", "--initial-branch=main")
    git(context, "config", "commit.gpgsign", "false")


@given('the repository has git config "{key}" set to "{value}"')
def step_git_config(context: Context, key: str, value: str) -> None:
    git(context, "config", key, value)


def _apply_changes(context: Context, label: str) -> None:
    for row in context.table:
        change, path = row["change"], row["path"]
        target = context.workdir / path
        if change == "add":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"{path} as of {label}\n", encoding="utf-8")
            git(context, "add", "--", path)
        elif change == "modify":
            with target.open("a", encoding="utf-8") as stream:
                stream.write(f"changed in {label}\n")
            git(context, "add", "--", path)
        elif change == "delete":
            git(context, "rm", "--quiet", "--", path)
        elif change == "rename":
            destination = row["to"]
            (context.workdir / destination).parent.mkdir(parents=True, exist_ok=True)
            git(context, "mv", "--", path, destination)
        else:
            raise AssertionError(f"unknown change {change!r}: use add, modify, delete, rename")
    git(context, "commit", "--quiet", "--allow-empty", "-m", label)
    git(context, "tag", label)


@given('a commit "{label}" on the current branch with these changes')
def step_commit(context: Context, label: str) -> None:
    _apply_changes(context, label)


@given('a commit "{label}" whose parent is "{parent}" with these changes')
def step_commit_on(context: Context, label: str, parent: str) -> None:
    git(context, "checkout", "--quiet", "--detach", parent)
    _apply_changes(context, label)


@given('the merge commit "{label}" of "{first}" and "{second}"')
def step_merge(context: Context, label: str, first: str, second: str) -> None:
    git(context, "checkout", "--quiet", "--detach", first)
    git(context, "merge", "--quiet", "--no-ff", "--no-edit", "-m", label, second)
    git(context, "tag", label)


@given("the project is not inside a git repository")
def step_not_a_repository(context: Context) -> None:
    result = subprocess.run(
        ["git", "rev-parse", "--git-dir"],
        cwd=context.workdir,
        env=context.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0, f"{context.workdir} is inside {result.stdout}"


def describe(context: Context) -> str:
    result = context.result
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"


def report_value(context: Context, path: str) -> Any:
    """The value at a dotted ``path`` (list items by index) of the JSON on stdout."""
    try:
        value: Any = json.loads(context.result.stdout)
    except json.JSONDecodeError as error:
        raise AssertionError(f"stdout is not JSON ({error})\n{describe(context)}") from None
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


@then('the triggers report at "{path}" is')
def step_report_is(context: Context, path: str) -> None:
    expected = json.loads(context.text)
    actual = report_value(context, path)
    assert actual == expected, f"{path}: {actual!r} != {expected!r}\n{describe(context)}"


@then('the triggers report at "{path}" is the id of commit "{label}"')
def step_report_commit(context: Context, path: str, label: str) -> None:
    commit = git(context, "rev-parse", f"{label}^{{commit}}")
    actual = report_value(context, path)
    assert actual == commit, f"{path}: {actual!r} != {commit}\n{describe(context)}"


@then('the triggers report at "{path}" is the text "{text}"')
def step_report_text(context: Context, path: str, text: str) -> None:
    actual = report_value(context, path)
    assert actual == text, f"{path}: {actual!r} != {text!r}\n{describe(context)}"


@given("git cannot be found on the PATH")
def step_no_git(context: Context) -> None:
    empty = context.workdir / ".no-git-bin"
    empty.mkdir()
    context.env["PATH"] = str(empty)
