"""Does a push run the workflow? ``ci-image triggers``' decision, in-process.

The tables were rows of features/triggers.feature, which keeps a few of each as
examples of the command: the cases of ``TestMatchPushEvent`` in Forgejo's
``modules/actions/workflows_test.go`` (its repository has three commits: README.md,
then src/file.go, then docs/file.md), and the workflows Forgejo rejects.
"""

from __future__ import annotations

import pytest

from ci_image.errors import CiImageError
from workflow_helpers import decide_text

# (case, on, ref, changed files or None, does the push run the workflow)
FORGEJO_CASES = [
    ("no filter matches any push", "push", "refs/heads/main", None, True),
    (
        "branches filter matches branch push",
        "{push: {branches: [main]}}",
        "refs/heads/main",
        None,
        True,
    ),
    (
        "branches filter does not match different branch",
        "{push: {branches: [main]}}",
        "refs/heads/develop",
        None,
        False,
    ),
    (
        "branches filter does not match tag push",
        "{push: {branches: [main]}}",
        "refs/tags/v1.0",
        None,
        False,
    ),
    (
        "branches-ignore matches branch not in ignore list",
        "{push: {branches-ignore: [main]}}",
        "refs/heads/develop",
        None,
        True,
    ),
    (
        "branches-ignore does not match branch in ignore list",
        "{push: {branches-ignore: [main]}}",
        "refs/heads/main",
        None,
        False,
    ),
    (
        "branches-ignore does not match tag push",
        "{push: {branches-ignore: [main]}}",
        "refs/tags/v1.0",
        None,
        False,
    ),
    ("tags filter matches tag push", "{push: {tags: ['v*']}}", "refs/tags/v1.0", None, True),
    (
        "tags filter does not match different tag",
        "{push: {tags: ['v*']}}",
        "refs/tags/release",
        None,
        False,
    ),
    (
        "tags filter does not match branch push",
        "{push: {tags: ['v*']}}",
        "refs/heads/main",
        None,
        False,
    ),
    (
        "tags-ignore matches tag not in ignore list",
        "{push: {tags-ignore: ['v*']}}",
        "refs/tags/release",
        None,
        True,
    ),
    (
        "tags-ignore does not match tag in ignore list",
        "{push: {tags-ignore: ['v*']}}",
        "refs/tags/v1.0",
        None,
        False,
    ),
    (
        "tags-ignore does not match branch push",
        "{push: {tags-ignore: ['v*']}}",
        "refs/heads/main",
        None,
        False,
    ),
    (
        "paths matches when path matches",
        "{push: {paths: ['src/**']}}",
        "refs/heads/main",
        ["src/file.go"],
        True,
    ),
    (
        "paths does not match when path does not match",
        "{push: {paths: ['src/**']}}",
        "refs/heads/main",
        ["docs/file.md"],
        False,
    ),
    ("paths is ignored for tag push", "{push: {paths: ['src/**']}}", "refs/tags/v1.0", None, True),
    (
        "paths-ignore matches when path not in ignore list",
        "{push: {paths-ignore: ['docs/**']}}",
        "refs/heads/main",
        ["src/file.go"],
        True,
    ),
    (
        "paths-ignore does not match when path in ignore list",
        "{push: {paths-ignore: ['docs/**']}}",
        "refs/heads/main",
        ["docs/file.md"],
        False,
    ),
    (
        "branches and tags match branch",
        "{push: {branches: [main], tags: ['v*']}}",
        "refs/heads/main",
        None,
        True,
    ),
    (
        "branches and tags match tag",
        "{push: {branches: [main], tags: ['v*']}}",
        "refs/tags/v1.0",
        None,
        True,
    ),
    (
        "branches and tags do not match wrong branch",
        "{push: {branches: [main], tags: ['v*']}}",
        "refs/heads/develop",
        None,
        False,
    ),
    (
        "branches and paths match when both match",
        "{push: {branches: [main], paths: ['src/**']}}",
        "refs/heads/main",
        ["src/file.go"],
        True,
    ),
    (
        "branches and paths do not match when only branch matches",
        "{push: {branches: [main], paths: ['src/**']}}",
        "refs/heads/main",
        ["docs/file.md"],
        False,
    ),
    (
        "branches and paths do not match when only path matches",
        "{push: {branches: [main], paths: ['src/**']}}",
        "refs/heads/develop",
        ["src/file.go"],
        False,
    ),
    (
        "tags and paths match tag (paths ignored)",
        "{push: {tags: ['v*'], paths: ['src/**']}}",
        "refs/tags/v1.0",
        None,
        True,
    ),
    (
        "branches, tags and paths match branch with path",
        "{push: {branches: [main], tags: ['v*'], paths: ['src/**']}}",
        "refs/heads/main",
        ["src/file.go"],
        True,
    ),
    (
        "branches, tags and paths match tag (paths ignored)",
        "{push: {branches: [main], tags: ['v*'], paths: ['src/**']}}",
        "refs/tags/v1.0",
        None,
        True,
    ),
    (
        "branches, tags and paths: path does not match",
        "{push: {branches: [main], tags: ['v*'], paths: ['src/**']}}",
        "refs/heads/main",
        ["docs/file.md"],
        False,
    ),
    (
        "branches, tags and paths: branch does not match",
        "{push: {branches: [main], tags: ['v*'], paths: ['src/**']}}",
        "refs/heads/develop",
        ["src/file.go"],
        False,
    ),
    (
        "branches, tags and paths: tag does not match",
        "{push: {branches: [main], tags: ['v*'], paths: ['src/**']}}",
        "refs/tags/release",
        None,
        False,
    ),
    (
        "branches-ignore and tags match branch not ignored",
        "{push: {branches-ignore: [main], tags: ['v*']}}",
        "refs/heads/develop",
        None,
        True,
    ),
    (
        "branches-ignore and tags: branch in ignore list",
        "{push: {branches-ignore: [main], tags: ['v*']}}",
        "refs/heads/main",
        None,
        False,
    ),
    (
        "branches-ignore and tags match tag",
        "{push: {branches-ignore: [main], tags: ['v*']}}",
        "refs/tags/v1.0",
        None,
        True,
    ),
    (
        "branches-ignore and tags: wrong tag",
        "{push: {branches-ignore: [main], tags: ['v*']}}",
        "refs/tags/release",
        None,
        False,
    ),
    (
        "branches and tags-ignore match branch",
        "{push: {branches: [main], tags-ignore: ['v*']}}",
        "refs/heads/main",
        None,
        True,
    ),
    (
        "branches and tags-ignore: wrong branch",
        "{push: {branches: [main], tags-ignore: ['v*']}}",
        "refs/heads/develop",
        None,
        False,
    ),
    (
        "branches and tags-ignore match tag not ignored",
        "{push: {branches: [main], tags-ignore: ['v*']}}",
        "refs/tags/release",
        None,
        True,
    ),
    (
        "branches and tags-ignore: tag in ignore list",
        "{push: {branches: [main], tags-ignore: ['v*']}}",
        "refs/tags/v1.0",
        None,
        False,
    ),
    (
        "branches-ignore and tags-ignore match branch not ignored",
        "{push: {branches-ignore: [main], tags-ignore: ['v*']}}",
        "refs/heads/develop",
        None,
        True,
    ),
    (
        "branches-ignore and tags-ignore: branch in ignore list",
        "{push: {branches-ignore: [main], tags-ignore: ['v*']}}",
        "refs/heads/main",
        None,
        False,
    ),
    (
        "branches-ignore and tags-ignore match tag not ignored",
        "{push: {branches-ignore: [main], tags-ignore: ['v*']}}",
        "refs/tags/release",
        None,
        True,
    ),
    (
        "branches-ignore and tags-ignore: tag in ignore list",
        "{push: {branches-ignore: [main], tags-ignore: ['v*']}}",
        "refs/tags/v1.0",
        None,
        False,
    ),
]


@pytest.mark.parametrize(("case", "on", "ref", "changed", "runs"), FORGEJO_CASES)
def test_forgejos_own_cases(
    case: str, on: str, ref: str, changed: list[str] | None, runs: bool
) -> None:
    assert decide_text(f"on: {on}\njobs: {{}}\n", ref, changed).triggers is runs, case


# (case, workflow, line, message): the error is one line, FILE:LINE: MESSAGE and advice
REJECTED = [
    (
        "an unknown filter",
        "on: {push: {branch: [main]}}",
        1,
        (
            "on.push: unknown filter 'branch'; Forgejo ignores it with a log warning "
            "and silently never runs this workflow on push; use one of branches, "
            "branches-ignore, tags, tags-ignore, paths, paths-ignore"
        ),
    ),
    (
        "activity types under push",
        "on: {push: {types: [created]}}",
        1,
        "on.push: unknown filter 'types'",
    ),
    (
        "a number as a tag pattern",
        "on: {push: {tags: [v1, 1.0]}}",
        1,
        (
            "on.push.tags: item 1 is a number in YAML 1.2 (1.0), not a string; "
            "Forgejo rejects the workflow; quote it"
        ),
    ),
    (
        "a date as a tag pattern",
        "on: {push: {tags: [2024-01-31]}}",
        1,
        ("on.push.tags: item 0 is a timestamp in YAML 1.2 (2024-01-31), not a string"),
    ),
    (
        "a boolean as a branch",
        "on: {push: {branches: [true]}}",
        1,
        "on.push.branches: item 0 is a boolean in YAML 1.2 (true), not a string",
    ),
    (
        "a list in a pattern list",
        "on: {push: {paths: [[a]]}}",
        1,
        "on.push.paths: item 0 is a list in YAML 1.2, not a string",
    ),
    (
        "an empty filter",
        "on: {push: {branches: }}",
        1,
        (
            "on.push.branches is null; Forgejo expects a string or a list of strings "
            "and rejects the workflow"
        ),
    ),
    (
        "an integer filter",
        "on: {push: {tags: 1}}",
        1,
        ("on.push.tags is an integer; Forgejo expects a string or a list of strings"),
    ),
    (
        "a mapping as a filter",
        "on: {push: {paths: {src: x}}}",
        1,
        (
            "on.push.paths is a mapping; Forgejo accepts a mapping there only for "
            "workflow_dispatch inputs"
        ),
    ),
    (
        "push as a string",
        "on: {push: main}",
        1,
        (
            "on.push is a string; Forgejo expects a mapping of filters (or nothing) "
            "and rejects the workflow"
        ),
    ),
    (
        "push as a list",
        "on: {push: [main]}",
        1,
        ("on.push is a list; Forgejo only accepts a list for schedule and rejects the workflow"),
    ),
    (
        "a non-string filter key",
        "on: {push: {1: x}}",
        1,
        "on.push is a mapping with a key that is not a string",
    ),
    (
        "an event name as a number",
        "on: [push, 1]",
        1,
        "on: item 1 is an integer in YAML 1.2, not an event name",
    ),
    (
        "a complex event key",
        "on: {? [a] : b}",
        1,
        "has a mapping key that is itself a list or a mapping",
    ),
    (
        "a complex filter key",
        "on: {push: {? [a] : b}}",
        1,
        "has a mapping key that is itself a list or a mapping",
    ),
    (
        "a bad schedule item",
        "on: {push: , schedule: [cron]}",
        1,
        "on.schedule: item 0 is not a mapping with a cron key",
    ),
    (
        "an unknown schedule key",
        "on: {push: , schedule: [{cron: '* * * * *', when: x}]}",
        1,
        ("on.schedule: item 0 has the key 'when'; Forgejo accepts only cron and timezone"),
    ),
    (
        "a number as a cron",
        "on: {push: , schedule: [{cron: 5}]}",
        1,
        "on.schedule: item 0.cron is an integer, not a string",
    ),
    (
        "a bad other event",
        "on: {push: , pull_request: {branches: }}",
        1,
        "on.pull_request.branches is null",
    ),
    (
        "a bad merge",
        "on: {push: {<<: [x]}}",
        1,
        (
            "on.push: map merge requires map or sequence of maps as the value; "
            "Forgejo rejects the workflow"
        ),
    ),
    (
        "a bad merge in a schedule",
        "on: {push: , schedule: [{<<: 3}]}",
        1,
        ("on.schedule: item 0: map merge requires map or sequence of maps as the value"),
    ),
]


@pytest.mark.parametrize(("case", "text", "line", "message"), REJECTED)
def test_what_makes_forgejo_reject_the_workflow_is_an_error(
    case: str, text: str, line: int, message: str
) -> None:
    with pytest.raises(CiImageError) as refused:
        decide_text(text + "\n", changed=["x"])
    assert f".forgejo/workflows/ci.yml:{line}: {message}" in str(refused.value), case
