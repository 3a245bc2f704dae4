"""Unified diffs of in-place rewrites, where old and new text have the same lines.

``pin`` replaces characters inside lines and never adds or removes a line break, so the
changed lines are simply those that differ, compared pairwise: no sequence matching is
needed (difflib's is the slow part of a dry run over hundreds of files). Lines end at
``\\n`` only, as ``patch`` and ``git apply`` read them, so a CR stays part of its line.
"""

from __future__ import annotations

CONTEXT = 3
NO_NEWLINE = "\\ No newline at end of file\n"


def split_lines(text: str) -> list[str]:
    """Lines as ``patch`` sees them: each ends with ``\\n`` except perhaps the last."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def rewrite_diff(old: str, new: str, old_name: str, new_name: str) -> str:
    """The unified diff of ``old`` -> ``new``; both must have the same number of lines."""
    old_lines, new_lines = split_lines(old), split_lines(new)
    pairs = list(zip(old_lines, new_lines, strict=True))
    changed = [index for index, (before, after) in enumerate(pairs) if before != after]
    out: list[str] = []
    for first, last in _hunks(changed):
        low, high = max(0, first - CONTEXT), min(len(pairs), last + CONTEXT + 1)
        span = _range(low, high - low)
        out.append(f"@@ -{span} +{span} @@\n")
        index = low
        while index < high:
            if pairs[index][0] == pairs[index][1]:
                out.append(_line(" ", pairs[index][0]))
                index += 1
                continue
            end = index
            while end < high and pairs[end][0] != pairs[end][1]:
                end += 1
            out.extend(_line("-", before) for before, _after in pairs[index:end])
            out.extend(_line("+", after) for _before, after in pairs[index:end])
            index = end
    headers = f"--- {old_name}\n+++ {new_name}\n" if out else ""
    return headers + "".join(out)


def _hunks(changed: list[int]) -> list[tuple[int, int]]:
    """Runs of changed lines whose contexts touch or overlap belong to one hunk (as GNU
    diff and difflib make them: at most ``2 * CONTEXT`` unchanged lines in between)."""
    hunks: list[tuple[int, int]] = []
    for index in changed:
        if hunks and index - hunks[-1][1] - 1 <= 2 * CONTEXT:
            hunks[-1] = (hunks[-1][0], index)
        else:
            hunks.append((index, index))
    return hunks


def _range(start: int, length: int) -> str:
    """``start,length`` as unified diffs write it (1-based; a single line is just ``start``)."""
    return str(start + 1) if length == 1 else f"{start + 1},{length}"


def _line(mark: str, line: str) -> str:
    return mark + line if line.endswith("\n") else f"{mark}{line}\n{NO_NEWLINE}"
