"""Steps that interrupt a real ``ci-image`` process at a chosen moment of its writes.

The moment is observed, not guessed: an inotify watch on the workflow directory sees the
process create its first temporary file, or rename its first new content over a
workflow, and the signal is sent right then. Also: workflow "files" that are FIFOs.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from behave import given, then, when
from behave.runner import Context

from support.cli import describe, snapshot, start_cli
from support.inotify import IN_CREATE, IN_MOVED_TO, Watch

TEMP_SUFFIX = ".ci-image.tmp"
MOMENTS = {
    "creates its first temporary file": (IN_CREATE, TEMP_SUFFIX),
    "replaces its first workflow": (IN_MOVED_TO, ".yml"),
}


@given('{count:d} workflow files in "{directory}" whose job runs in "{reference}"')
def step_many_workflows(context: Context, count: int, directory: str, reference: str) -> None:
    folder = context.workdir / directory
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        (folder / f"w{index:03d}.yml").write_text(
            f"on: push\njobs:\n  test:\n    runs-on: docker\n    container: {reference}\n",
            encoding="utf-8",
        )


@when('I run "ci-image {arguments}" and send it {name} right after it {moment}')
def step_run_and_signal(context: Context, arguments: str, name: str, moment: str) -> None:
    mask, suffix = MOMENTS[moment]
    number = {"SIGTERM": signal.SIGTERM, "SIGINT": signal.SIGINT, "SIGKILL": signal.SIGKILL}[name]
    directory = context.workdir / ".forgejo" / "workflows"
    context.before = snapshot(context.workdir)
    with Watch(directory, IN_CREATE | IN_MOVED_TO) as watch:
        # At the lowest priority, so that on a busy machine the watcher (woken by the
        # event) runs before the command gets much further.
        process = start_cli(
            context,
            arguments,
            process_group=0,
            preexec_fn=lambda: os.nice(19),
        )
        try:
            seen = watch.wait_for(mask, suffix, timeout=60)
            process.send_signal(number)
            stdout, stderr = process.communicate(timeout=60)
        finally:
            if process.poll() is None:  # pragma: no cover - a hang: stop it, then fail
                process.kill()
                process.wait()
        watch.drain()
        context.watch = watch
    assert seen, f"the moment never came: {moment}\n{stderr}"
    context.result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def workflow_texts(context: Context, directory: str) -> dict[str, str]:
    folder = context.workdir / directory
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.yml"))}


@then('every workflow file in "{directory}" runs in "{reference}"')
def step_all_run_in(context: Context, directory: str, reference: str) -> None:
    texts = workflow_texts(context, directory)
    wrong = [name for name, text in texts.items() if f"container: {reference}\n" not in text]
    assert texts and not wrong, (
        f"{len(wrong)} of {len(texts)} differ: {wrong[:3]}\n{describe(context)}"
    )


@then('some workflow files in "{directory}" run in "{new}", the others still in "{old}"')
def step_mixed(context: Context, directory: str, new: str, old: str) -> None:
    texts = workflow_texts(context, directory)
    pinned = sum(f"container: {new}\n" in text for text in texts.values())
    still = sum(f"container: {old}\n" in text for text in texts.values())
    assert pinned and still and pinned + still == len(texts), (pinned, still, len(texts))


@then("a workflow was replaced and then put back while the command was stopping")
def step_replaced_then_restored(context: Context) -> None:
    """Every workflow is as before (checked by the caller), yet the watch saw more
    renames over workflows than one: the first one's, and the restoring ones."""
    renames = context.watch.count(IN_MOVED_TO, ".yml")
    assert renames >= 2, f"{renames} renames seen\n{describe(context)}"


@then('temporary files of the killed run are left in "{directory}"')
def step_leftovers(context: Context, directory: str) -> None:
    left = list((context.workdir / directory).glob(f".*{TEMP_SUFFIX}"))
    assert left, f"no temporary file left\n{describe(context)}"
    context.leftovers = len(left)


@given('a FIFO "{name}"')
@given('a named pipe "{name}"')
def step_fifo(context: Context, name: str) -> None:
    """A FIFO: opening it for reading waits until someone writes. Nobody will."""
    path = context.workdir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


@then('"{name}" is still a FIFO')
def step_still_fifo(context: Context, name: str) -> None:
    import stat  # noqa: PLC0415

    assert stat.S_ISFIFO((context.workdir / name).lstat().st_mode), describe(context)


@given('a temporary file "{name}" left by a killed run')
def step_leftover_file(context: Context, name: str) -> None:
    path = context.workdir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("on: push\n# half of a new content\n", encoding="utf-8")


@then('"{name}" no longer exists')
def step_gone(context: Context, name: str) -> None:
    assert not os.path.lexists(context.workdir / name), describe(context)


@then('"{name}" still exists')
def step_still_there(context: Context, name: str) -> None:
    assert Path(context.workdir / name).exists(), describe(context)
