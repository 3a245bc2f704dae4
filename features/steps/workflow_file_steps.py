"""Steps for workflow files: exact bytes, symlinks, modes, an unprivileged user, JSON output.

Byte-exact files are written from a docstring in which ``<CR>``, ``<LF>``, ``<TAB>``,
``<BOM>`` and ``<xHH>`` stand for a carriage return, a line feed (for one-line table
cells), a tab, a UTF-8 byte-order mark and any raw byte, and a final ``<EOF>`` means the
file has no newline at the end.
"""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
from typing import Any

from behave import given, then, when
from behave.runner import Context

from support import unprivileged
from support.bytes import decode_bytes
from support.cli import ci_image_command, describe, snapshot


@given('a file "{name}" written byte for byte as')
def step_file_bytes(context: Context, name: str) -> None:
    path = context.workdir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(decode_bytes(context.text))


@given('a file "{name}" of {size:d} MiB of comments')
def step_huge_file(context: Context, name: str, size: int) -> None:
    path = context.workdir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    line = b"# " + b"x" * 61 + b"\n"
    path.write_bytes(b"on: push\n" + line * (size * 1024 * 1024 // len(line) + 1))


@given('a symbolic link "{name}" pointing to "{target}"')
def step_symlink(context: Context, name: str, target: str) -> None:
    path = context.workdir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


@given('the directory "{name}" is the root of a git repository')
def step_git_root(context: Context, name: str) -> None:
    directory = context.workdir / name
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "--quiet", str(directory)], check=True, env=context.env)


@given('the file "{name}" has the mode {mode}')
def step_set_mode(context: Context, name: str, mode: str) -> None:
    (context.workdir / name).chmod(int(mode, 8))


@then('the file "{name}" still has the mode {mode}')
def step_check_mode(context: Context, name: str, mode: str) -> None:
    actual = stat.S_IMODE((context.workdir / name).stat().st_mode)
    assert actual == int(mode, 8), f"mode {actual:o}, expected {mode}\n{describe(context)}"


@then('"{name}" is still a symbolic link to "{target}"')
def step_still_symlink(context: Context, name: str, target: str) -> None:
    path = context.workdir / name
    assert path.is_symlink(), f"{name} is no longer a symlink\n{describe(context)}"
    assert str(path.readlink()) == target, f"{name} -> {path.readlink()}"


@then('the file "{name}" is byte for byte as before')
def step_file_unchanged(context: Context, name: str) -> None:
    before = context.before[name]
    after = (context.workdir / name).read_bytes()
    assert after == before, f"{name} changed:\n{after!r}\n{describe(context)}"


@then('the file "{name}" changed only in these places')
def step_changed_only(context: Context, name: str) -> None:
    """Whole-file comparison: every line is byte-identical except the listed replacements.

    Lines are split on LF only, so a CR stays part of its line and is compared too.
    """
    before = context.before[name].split(b"\n")
    after = (context.workdir / name).read_bytes().split(b"\n")
    assert len(after) == len(before), f"line count changed\n{describe(context)}"
    expected = list(before)
    for row in context.table:
        index = int(row["line"]) - 1
        old, new = row["before"].encode(), row["after"].encode()
        assert before[index].count(old) >= 1, f"line {index + 1} has no {old!r}"
        expected[index] = expected[index].replace(old, new, 1)
    for number, (want, got) in enumerate(zip(expected, after, strict=True), start=1):
        assert want == got, f"line {number}: expected {want!r}, got {got!r}\n{describe(context)}"


@then("no temporary file is left in the project")
def step_no_temporaries(context: Context) -> None:
    leftovers = [
        str(path.relative_to(context.workdir))
        for path in context.workdir.rglob("*")
        if path.name.endswith(".tmp") and path.is_file()
    ]
    assert not leftovers, f"left behind: {leftovers}"
    tmpdir = context.workdir / ".tmp"
    assert not any(tmpdir.iterdir()), f"left in TMPDIR: {list(tmpdir.iterdir())}"


@given("the project belongs to an unprivileged user")
def step_unprivileged_project(context: Context) -> None:
    """The tests run as root, which ignores permissions; this user does not. Where no
    user can be switched to, the scenario is skipped, saying why (support/unprivileged.py)."""
    reason = unprivileged.unavailable_reason()
    if reason is not None:
        context.scenario.skip(reason)
        return
    ids = unprivileged.unprivileged_ids()
    assert ids is not None
    context.workdir.parent.chmod(0o711)
    for path in [context.workdir, *context.workdir.rglob("*")]:
        os.chown(path, *ids, follow_symlinks=False)


@given('the file "{name}" cannot be read by anyone but root')
def step_unreadable(context: Context, name: str) -> None:
    (context.workdir / name).chmod(0)


@given('the directory "{name}" is not writable')
def step_directory_read_only(context: Context, name: str) -> None:
    (context.workdir / name).chmod(0o555)


@when('I run "ci-image {arguments}" as the unprivileged user')
def step_run_unprivileged(context: Context, arguments: str) -> None:
    """A copy of the helper that user can reach runs (not the checkout's: it may be
    under a private directory); the project keeps the modes the scenario gave it."""
    context.before = snapshot(context.workdir)
    context.result = unprivileged.run_unprivileged(
        shlex.split(arguments),
        cwd=context.workdir,
        env=context.env,
        private=context.workdir / ".home",
    )


@given('a Nix flake without inputs in "{directory}" whose ciImage.imageTag is "{tag}"')
def step_fixture_flake(context: Context, directory: str, tag: str) -> None:
    path = context.workdir / directory
    path.mkdir(parents=True, exist_ok=True)
    (path / "flake.nix").write_text(
        "{\n"
        '  description = "a stand-in for the project flake: only the image tag";\n'
        "  outputs = { self }: {\n"
        f'    ciImage = {{ imageTag = "{tag}"; }};\n'
        "  };\n"
        "}\n",
        encoding="utf-8",
    )


@then("the JSON on stdout has")
def step_json_has(context: Context) -> None:
    """Each row: a dotted path into the document (list items by index) and its JSON value."""
    document = json.loads(context.result.stdout)
    for row in context.table:
        value: Any = document
        for part in row["path"].split("."):
            value = value[int(part)] if isinstance(value, list) else value[part]
        assert value == json.loads(row["value"]), (
            f"{row['path']} is {value!r}, expected {row['value']}\n{describe(context)}"
        )


@when('I apply the diff printed by "ci-image {arguments}" with git apply')
def step_git_apply(context: Context, arguments: str) -> None:
    """Apply the CLI's stdout, byte for byte, as a patch in the project."""
    printed = subprocess.run(
        [*ci_image_command(), *shlex.split(arguments)],
        cwd=context.workdir,
        env=context.env,
        capture_output=True,
        timeout=120,
        check=True,
    )
    patch = context.workdir / ".home" / "dry-run.diff"
    patch.write_bytes(printed.stdout)
    context.before = snapshot(context.workdir)
    context.result = subprocess.run(
        ["git", "apply", "--whitespace=nowarn", str(patch)],
        cwd=context.workdir,
        env=context.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
