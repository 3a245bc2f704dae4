"""The fast evaluation answers exactly what the plain port of act's loops answers.

:mod:`ci_image.triggers.matching` groups patterns into one expression and rules values
out by literal prefixes and suffixes; :mod:`ci_image.triggers.patterns` asks every
pattern about every value, as act's ``Skip`` and ``Filter`` do. Hypothesis generates
pattern lists (with ``!``, ``*``, ``**``, ``**/``, ``?``, ``+``, classes and escapes) and
changed paths from a small alphabet, so that matches, near misses and quirks are common.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ci_image.triggers import matching, patterns
from ci_image.triggers.patterns import InvalidPatternError, Pattern, compile_pattern

# Pattern pieces, each with texts it matches (a literal matches itself), so that the
# generated paths often match, almost match, or match only some of the patterns. After
# a character, "?" may drop it and "+" repeat it.
PIECES = {
    "a": ["a"], "b": ["b"], "c": ["c"], ".": ["."], "-": ["-"], "/": ["/"], "x.md": ["x.md"],
    "*": ["", "a", "ab.c"], "**": ["", "a/b", "c"], "**/": ["", "a/", "a/b/"],
    "?": ["", "<drop>"], "+": ["", "<repeat>"], "[ab]": ["a", "b"], "[a-c]": ["b", "c"],
    "\\.": ["."], "\\*": ["*"],
}  # fmt: skip
PIECE = st.sampled_from(sorted(PIECES))


@st.composite
def cases(draw: st.DrawFn) -> tuple[tuple[Pattern, ...], list[str]]:
    """A pattern list, and changed paths: some made from its patterns, some random."""
    found, values = [], []
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        pieces = draw(st.lists(PIECE, min_size=1, max_size=6))
        raw = ("!" if draw(st.booleans()) else "") + "".join(pieces)
        try:
            found.append(compile_pattern(raw))
        except InvalidPatternError:
            continue  # Forgejo refuses the workflow: there is nothing to evaluate
        if draw(st.booleans()):
            values.append(_instance(draw, pieces))
    values += draw(st.lists(st.text(alphabet="abc.-/x", max_size=8), max_size=4))
    return tuple(found), draw(st.permutations(values))


def _instance(draw: st.DrawFn, pieces: list[str]) -> str:
    text = ""
    for piece in pieces:
        chosen = draw(st.sampled_from(PIECES[piece]))
        if chosen == "<drop>":
            text = text[:-1]
        elif chosen == "<repeat>":
            text += text[-1:]
        else:
            text += chosen
    return text


def compiled(*raw: str) -> tuple[Pattern, ...]:
    return tuple(compile_pattern(text) for text in raw)


@given(cases())
@example((compiled("docs/**", "!docs/drafts/**"), ["docs/drafts/a.md", "docs/a.md"]))
@example((compiled("*.md", "!README.md", "README*"), ["README.md"]))
def test_include_answers_as_the_plain_loop(case: tuple[tuple[Pattern, ...], list[str]]) -> None:
    found, values = case
    fast, fast_verdicts = matching.include(found, values)
    plain, plain_verdicts = patterns.include(found, values)
    assert fast is plain
    assert fast is not patterns.skip(found, values)
    assert list(fast_verdicts) == plain_verdicts
    assert fast_verdicts.decided() == [v for v in plain_verdicts if v.outcome != "unmatched"]


@given(cases())
@example((compiled("!docs/**"), ["src/app.py", "docs/index.md"]))
@example((compiled("src/**", "!src/keep.py"), ["src/keep.py"]))
def test_keep_answers_as_the_plain_loop(case: tuple[tuple[Pattern, ...], list[str]]) -> None:
    found, values = case
    fast, fast_verdicts = matching.keep(found, values)
    plain, plain_verdicts = patterns.keep(found, values)
    assert fast is plain
    assert fast is not patterns.filter_(found, values)
    assert list(fast_verdicts) == plain_verdicts
    assert fast_verdicts.decided() == [v for v in plain_verdicts if v.outcome == "ignored"]


def test_verdicts_behave_as_a_list() -> None:
    found = compiled("docs/**")
    values = ["README.md", "docs/a.md", "docs/b.md"]
    _, verdicts = matching.include(found, values)
    assert len(verdicts) == 2  # it stops at the first file included
    assert verdicts[-1] == ("docs/a.md", "included", "docs/**")
    assert verdicts[0] == ("README.md", "unmatched", None)
    assert verdicts[0:5] == [verdicts[0], verdicts[1]]
    with pytest.raises(IndexError):
        verdicts[2]


def test_empty_lists_include_and_keep_everything() -> None:
    assert matching.include((), ["a"])[0] and matching.keep((), ["a"])[0]
    assert len(matching.include((), ["a"])[1]) == 0
    assert patterns.include((), ["a"]) == (True, []) and patterns.keep((), ["a"]) == (True, [])
    assert not patterns.skip((), []) and not patterns.filter_((), [])
