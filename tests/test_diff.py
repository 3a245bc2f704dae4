"""Unified diffs of ``pin``'s in-place rewrites, checked against difflib and patch's rules."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ci_image.pinning.diff import rewrite_diff, split_lines


def test_lines_end_at_line_feeds_only() -> None:
    assert split_lines("a\r\nb\rc\n") == ["a\r\n", "b\rc\n"]
    assert split_lines("a\nb") == ["a\n", "b"]
    assert split_lines("") == []


def test_no_change_no_diff() -> None:
    assert rewrite_diff("a\nb\n", "a\nb\n", "a/x", "b/x") == ""


def test_one_changed_line_with_three_lines_of_context() -> None:
    old = "".join(f"{n}\n" for n in range(1, 11))
    new = old.replace("5\n", "five\n")
    assert rewrite_diff(old, new, "a/ci.yml", "b/ci.yml") == (
        "--- a/ci.yml\n+++ b/ci.yml\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
    )


def test_a_last_line_without_newline_is_marked() -> None:
    assert rewrite_diff("x", "y", "a", "b") == (
        "--- a\n+++ b\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n"
        "\\ No newline at end of file\n"
    )


def test_lines_of_different_count_are_refused() -> None:
    with pytest.raises(ValueError, match="shorter"):
        rewrite_diff("a\nb\n", "a\n", "a", "b")


LINES = st.lists(st.sampled_from(["image: a:1", "x", "y\r", ""]), max_size=30)


@given(LINES, st.data())
def test_the_diff_is_difflibs_for_same_length_rewrites(
    lines: list[str], data: st.DataObject
) -> None:
    """Same hunks as ``difflib.unified_diff`` (3 lines of context) for rewrites that keep
    every line break where it was. Lines are numbered so that difflib's alignment is the
    line-by-line one (with repeated lines it may pair them differently, equally right)."""
    numbered = [f"{number}: {line}\n" for number, line in enumerate(lines)]
    changed = [
        line.replace("a:1", "a:2") if data.draw(st.booleans()) else line for line in numbered
    ]
    expected = "".join(difflib.unified_diff(numbered, changed, "a/f", "b/f", n=3))
    assert rewrite_diff("".join(numbered), "".join(changed), "a/f", "b/f") == expected
