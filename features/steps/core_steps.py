"""Steps for the command line's last resorts and for file-system corners of pin.

A deleted working directory, a stdout nobody reads, a directory where a file may be
written but not replaced: real conditions, made with the operating system's own means.
"""

from __future__ import annotations

import os
import shlex
import subprocess

from behave import given, then, when
from behave.runner import Context
from cli_steps import ci_image_command, describe, expand, snapshot


@when('I run "ci-image {arguments}" in a working directory that was deleted')
def step_run_in_deleted_directory(context: Context, arguments: str) -> None:
    """The shell enters a fresh directory, removes it, and becomes the CLI there."""
    gone = context.workdir / "gone"
    gone.mkdir()
    context.before = snapshot(context.workdir)
    context.result = subprocess.run(
        [
            "sh",
            "-c",
            'rmdir -- "$PWD" && exec "$@"',
            "sh",
            *ci_image_command(),
            *expand(context, shlex.split(arguments)),
        ],
        cwd=gone,
        env=context.env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@when('I run "ci-image {arguments}" with a stdout that nobody reads')
def step_run_stdout_unread(context: Context, arguments: str) -> None:
    """stdout is a pipe whose reading end is already closed, as after `| head -0`."""
    reading, writing = os.pipe()
    os.close(reading)
    context.before = snapshot(context.workdir)
    try:
        context.result = subprocess.run(
            [*ci_image_command(), *expand(context, shlex.split(arguments))],
            cwd=context.workdir,
            env=context.env,
            stdout=writing,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(writing)
    context.result.stdout = ""


@then("nothing at all was written to stderr")
def step_stderr_empty(context: Context) -> None:
    assert context.result.stderr == "", describe(context)


@given('the directory "{name}" belongs to root, with the sticky bit, and anyone may write in it')
def step_sticky_root_directory(context: Context, name: str) -> None:
    """Like /tmp: anyone may add files, but only a file's owner may replace or remove it."""
    directory = context.workdir / name
    os.chown(directory, 0, 0)
    directory.chmod(0o1777)


@given('the file "{name}" belongs to root, and anyone may write it')
def step_root_file_writable(context: Context, name: str) -> None:
    path = context.workdir / name
    os.chown(path, 0, 0)
    path.chmod(0o666)


@given('the file "{name}" is noted as it is now')
def step_note_file(context: Context, name: str) -> None:
    """Keep the file alive through a hard link outside the project: while it exists, no
    new file can get its inode number, so a replaced file is told apart for sure."""
    keeper = context.workdir / ".home" / "noted-file"
    keeper.unlink(missing_ok=True)
    keeper.hardlink_to(context.workdir / name)
    context.noted_inode = keeper.stat().st_ino


@then('the file "{name}" was replaced and restored: another file than the one noted')
def step_replaced_file(context: Context, name: str) -> None:
    """Same bytes (checked by the caller) in a new inode: it was replaced, then put back."""
    inode = (context.workdir / name).stat().st_ino
    assert inode != context.noted_inode, f"{name} was never replaced\n{describe(context)}"


@given('a workflow "{name}" whose job merges {depth:d} mappings nested in each other')
def step_deep_merges(context: Context, name: str, depth: int) -> None:
    """``a: {<<: {<<: ... {container: alpine}}}``: within libyaml's nesting limit of 1000."""
    path = context.workdir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    job = "{<<: " * depth + "{runs-on: docker, container: alpine}" + "}" * depth
    path.write_text(f"on: push\njobs:\n  a: {job}\n", encoding="utf-8")
