"""Forgejo's branch, tag and path filter patterns, exactly as its Go code reads them.

Forgejo matches ``branches``, ``tags``, ``paths`` and their ``-ignore`` twins with the
``workflowpattern`` package of act, which its runner carries as ``act/workflowpattern``.
A pattern becomes an anchored Go regular expression; this module is a line-by-line port
of that package: ``PatternToRegex``, ``CompilePattern``, and ``Skip`` and ``Filter`` as
plain loops, so ``ci-image triggers`` answers what the server answers, quirks included.
The loops here are the reference semantics; :mod:`ci_image.triggers.matching` answers
the same questions faster for many values, and its tests hold it to these loops.

The rules, each from ``PatternToRegex``:

- a leading ``!`` negates the pattern (``CompilePattern``);
- ``**/`` becomes ``(.+/)?`` (any number of leading directories), ``**`` becomes ``.*``,
  ``*`` becomes ``[^/]*``;
- ``?`` and ``+`` are copied as regex quantifiers of the previous character, except at
  the very start of the pattern, where they are literal;
- ``[...]`` is a character class of ASCII ``A``-``z`` and digits and ranges of them;
  ``[]``, ``[`` without ``]``, other characters and bad ranges are errors;
- ``\\`` makes the next byte literal; a trailing ``\\`` is an error;
- every other byte is literal (``regexp.QuoteMeta``).

Where Python's ``re`` and Go's ``regexp`` would disagree on the generated expression, the
Go behaviour wins: Go rejects stacked repetition (``*+``, ``a++``, ``a?+``, ``a???``),
which Python 3.11 would accept as possessive quantifiers.

Source: nektos/act v0.2.87 ``pkg/workflowpattern/workflow_pattern.go`` (unchanged since
the package appeared in v0.2.43; the Forgejo runner v12.0.1 carries it byte-identical as
``act/workflowpattern``), and its ``workflow_pattern_test.go``, whose table
tests/test_patterns.py ports; Go's ``regexp/syntax`` (``parse.go``, ``repeat``) for what
Go's compiler refuses. CONTRIBUTING.md ("Re-porting upstream semantics") says how to
check a newer release.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

# regexp.QuoteMeta escapes exactly these bytes (Go's regexp/regexp.go, special()).
_GO_SPECIAL = frozenset("\\.+*?()|[]{}^$")


class InvalidPatternError(ValueError):
    """The pattern is not valid for Forgejo; the message names position and problem."""


def _quote_meta(char: str) -> str:
    return "\\" + char if char in _GO_SPECIAL else char


def _valid_char(low: str, high: str, test: str) -> bool:
    return low <= test <= high


def pattern_to_regex(pattern: str) -> str:
    """Port of ``PatternToRegex``: the anchored Go regular expression for ``pattern``.

    Raises :class:`InvalidPatternError` with every problem found, as the Go code does.
    """
    out = ["^"]
    errors: dict[int, str] = {}
    pos = 0
    size = len(pattern)
    while pos < size:
        char = pattern[pos]
        if char == "*":
            if pos + 1 < size and pattern[pos + 1] == "*":
                if pos + 2 < size and pattern[pos + 2] == "/":
                    out.append("(.+/)?")
                    pos += 3
                else:
                    out.append(".*")
                    pos += 2
            else:
                out.append("[^/]*")
                pos += 1
        elif char in "+?":
            out.append(char if pos > 0 else _quote_meta(char))
            pos += 1
        elif char == "[":
            pos = _bracket(pattern, pos, out, errors)
        elif char == "\\":
            if pos + 1 >= size:
                errors[pos] = "Missing symbol after \\"
                pos += 1
                continue
            out.append(_quote_meta(pattern[pos + 1]))
            pos += 2
        else:
            out.append(_quote_meta(char))
            pos += 1
    if errors:
        detail = ", ".join(f"Position: {at} Error: {what}" for at, what in sorted(errors.items()))
        raise InvalidPatternError(f"invalid Pattern '{pattern}': {detail}")
    out.append("$")
    return "".join(out)


def _bracket(pattern: str, pos: int, out: list[str], errors: dict[int, str]) -> int:
    """The ``case '['`` branch of ``PatternToRegex``; returns the position after it."""
    size = len(pattern)
    out.append("[")
    pos += 1
    if pos < size and pattern[pos] == "]":
        errors[pos] = "Unexpected empty brackets '[]'"
        return pos + 1
    start = pos
    while pos < size and pattern[pos] != "]":
        char = pattern[pos]
        if char == "-":
            if pos <= start or pos + 1 >= size:
                errors[pos] = "Invalid range"
                pos += 1
                continue
            before, after = pattern[pos - 1], pattern[pos + 1]

            def valid_range(low: str, high: str, before: str = before, after: str = after) -> bool:
                return (
                    _valid_char(low, high, before)
                    and _valid_char(low, high, after)
                    and before <= after
                )

            if not valid_range("A", "z") and not valid_range("0", "9"):
                errors[pos] = "Ranges can only include a-z, A-Z, A-z, and 0-9"
                pos += 1
                continue
            out.append(pattern[pos : pos + 2])
            pos += 2
        else:
            if not _valid_char("A", "z", char) and not _valid_char("0", "9", char):
                errors[pos] = "Ranges can only include a-z, A-Z and 0-9"
                pos += 1
                continue
            out.append(_quote_meta(char))
            pos += 1
    if pos >= size or pattern[pos] != "]":
        errors[pos] = "Missing closing bracket ']' after '['"
        pos += 1
    out.append("]")
    return pos + 1


def _go_rejects(regex: str) -> str | None:
    """Why Go's ``regexp.Compile`` refuses ``regex``, if it does.

    ``PatternToRegex`` lets two things through that Go's parser (regexp/syntax/parse.go)
    then refuses: a repetition operator right after another one (``repeat``: only the one
    ``?`` that makes it non-greedy may follow; Python 3.11 would read ``*+``, ``++`` and
    ``?+`` as possessive quantifiers instead), and a class whose end a raw ``-\\`` range
    escaped (``[A-\\]``). Every other expression it builds compiles in both languages.
    """
    pos = 0
    last_repeat = -1  # where the previous token started, if it was a repetition
    while pos < len(regex):
        char = regex[pos]
        if char in "*+?":
            start = pos
            pos += 1
            if pos < len(regex) and regex[pos] == "?":
                pos += 1  # non-greedy marker, part of this operator
            if last_repeat >= 0:
                return f"invalid nested repetition operator: `{regex[last_repeat:pos]}`"
            last_repeat = start
            continue
        last_repeat = -1
        if char == "\\":
            pos += 2
        elif char == "[":
            start = pos
            pos += 1
            while pos < len(regex) and regex[pos] != "]":
                pos += 2 if regex[pos] == "\\" else 1
            if pos >= len(regex):
                return f"missing closing ]: `{regex[start:]}`"
            pos += 1
        else:
            pos += 1
    return None


@dataclass(frozen=True)
class Pattern:
    """One filter pattern, checked and translated as Forgejo does (``WorkflowPattern``).

    ``text`` is the pattern as written (with its ``!``), ``body`` without it, ``regex``
    the Go regular expression Forgejo builds from it. The expression is compiled on first
    use: Python compiles slowly, and most patterns of a large push meet few values.
    """

    text: str
    body: str
    negative: bool
    regex: str

    @property
    def expression(self) -> str:
        """The expression for Python's ``re.fullmatch`` (Go's, without its anchors)."""
        return self.regex[1:-1]

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return compile_expression(self.expression)

    def matches(self, value: str) -> bool:
        """Whether the anchored expression matches ``value`` (Go's ``MatchString``)."""
        return self.compiled.fullmatch(value) is not None


def compile_expression(expression: str) -> re.Pattern[str]:
    with warnings.catch_warnings():
        # Python warns about a '[' inside a class ("possible nested set"); Go reads it as
        # the literal character, and so does Python today.
        warnings.simplefilter("ignore", FutureWarning)
        return re.compile(expression)


@lru_cache(maxsize=4096)
def compile_pattern(raw: str) -> Pattern:
    """Port of ``CompilePattern``: strip a leading ``!``, translate, check as Go would."""
    negative = raw.startswith("!")
    body = raw[1:] if negative else raw
    regex = pattern_to_regex(body)
    problem = _go_rejects(regex)
    if problem is not None:
        raise InvalidPatternError(f"error parsing regexp: {problem}")
    return Pattern(text=raw, body=body, negative=negative, regex=regex)


def skip(patterns: Sequence[Pattern], values: Sequence[str]) -> bool:
    """Port of ``Skip`` (``branches``, ``tags``, ``paths``): True when the workflow is
    skipped, that is when no value ends included. Each value is decided by the last
    pattern that matches it: included by a plain one, excluded by a ``!`` one."""
    if not patterns:
        return False
    for value in values:
        matched = False
        for pattern in patterns:
            if pattern.matches(value):
                matched = not pattern.negative
        if matched:
            return False
    return True


def filter_(patterns: Sequence[Pattern], values: Sequence[str]) -> bool:
    """Port of ``Filter`` (the ``-ignore`` filters): True when the workflow is skipped,
    that is when every value is ignored. A value is ignored by the first pattern whose
    match differs from its sign: a plain pattern that matches, or (Forgejo's quirk) a
    ``!`` pattern that does not."""
    if not patterns:
        return False
    for value in values:
        matched = False
        for pattern in patterns:
            if pattern.matches(value) == (not pattern.negative):
                matched = True
                break
        if not matched:
            return False
    return True


class Verdict(NamedTuple):
    """What a filter made of one value (a branch, a tag or a changed file): the reason
    ``ci-image triggers`` gives, as act's trace lines do.

    ``outcome`` is ``included``, ``excluded`` or ``unmatched`` for ``branches``, ``tags``
    and ``paths``; ``ignored`` or ``kept`` for the ``-ignore`` filters. ``pattern`` is the
    deciding pattern as written, None when no pattern decided. (A named tuple: a push
    can bring thousands of them, and tuples are quick to make.)
    """

    value: str
    outcome: str
    pattern: str | None


def include_verdict(patterns: Sequence[Pattern], value: str) -> Verdict:
    """``Skip``'s view of one value: the last pattern that matches it decides, by sign."""
    deciding = None
    for pattern in patterns:
        if pattern.matches(value):
            deciding = pattern
    if deciding is None:
        return Verdict(value, "unmatched", None)
    return Verdict(value, "excluded" if deciding.negative else "included", deciding.text)


def ignore_verdict(patterns: Sequence[Pattern], value: str) -> Verdict:
    """``Filter``'s view of one value: ignored by the first pattern whose match differs
    from its sign, kept when there is none."""
    for pattern in patterns:
        if pattern.matches(value) == (not pattern.negative):
            return Verdict(value, "ignored", pattern.text)
    return Verdict(value, "kept", None)


def include(patterns: Sequence[Pattern], values: Sequence[str]) -> tuple[bool, list[Verdict]]:
    """``not skip(...)``, with the verdicts on the values looked at: like Forgejo, it
    stops at the first value included. An empty pattern list includes everything."""
    if not patterns:
        return True, []
    verdicts = []
    for value in values:
        verdict = include_verdict(patterns, value)
        verdicts.append(verdict)
        if verdict.outcome == "included":
            return True, verdicts
    return False, verdicts


def keep(patterns: Sequence[Pattern], values: Sequence[str]) -> tuple[bool, list[Verdict]]:
    """``not filter_(...)``, with the verdicts: it stops at the first value kept. An
    empty pattern list ignores nothing."""
    if not patterns:
        return True, []
    verdicts = []
    for value in values:
        verdict = ignore_verdict(patterns, value)
        verdicts.append(verdict)
        if verdict.outcome == "kept":
            return True, verdicts
    return False, verdicts
