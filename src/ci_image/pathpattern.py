"""Forgejo's branch, tag and path filter patterns, exactly as its Go code reads them.

Forgejo matches ``branches``, ``tags``, ``paths`` and their ``-ignore`` twins with the
``workflowpattern`` package of its act fork (``code.forgejo.org/forgejo/runner``
``act/workflowpattern/workflow_pattern.go``, the same code as nektos/act
``pkg/workflowpattern/workflow_pattern.go``). A pattern becomes an anchored Go regular
expression; this module is a line-by-line port of ``PatternToRegex``, ``Skip`` and
``Filter``, so ``ci-image triggers`` answers what the server answers, including its quirks.

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
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# regexp.QuoteMeta escapes exactly these bytes (Go's regexp/regexp.go, special()).
_GO_SPECIAL = frozenset("\\.+*?()|[]{}^$")


class InvalidPatternError(ValueError):
    """The pattern is not valid for Forgejo; the message names position and problem."""


@dataclass(frozen=True)
class Pattern:
    """One compiled filter pattern.

    ``text`` is the pattern as written (with its ``!``), ``body`` without it, ``regex``
    the Go regular expression Forgejo builds from it.
    """

    text: str
    body: str
    negative: bool
    regex: str
    compiled: re.Pattern[str]

    def matches(self, value: str) -> bool:
        """Whether the anchored expression matches ``value`` (Go's ``MatchString``)."""
        return self.compiled.fullmatch(value) is not None


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
    """Why Go's ``regexp.Compile`` would refuse ``regex`` although Python accepts it.

    Go's parser (regexp/syntax/parse.go, ``repeat``) refuses a repetition operator right
    after another one, except the single ``?`` that makes it non-greedy; Python 3.11
    reads ``*+``, ``++`` and ``?+`` as possessive quantifiers instead.
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
            pos += 1
            while pos < len(regex) and regex[pos] != "]":
                pos += 2 if regex[pos] == "\\" else 1
            pos += 1
        else:
            pos += 1
    return None


@lru_cache(maxsize=4096)
def compile_pattern(raw: str) -> Pattern:
    """Port of ``CompilePattern``: strip a leading ``!``, translate, compile."""
    negative = raw.startswith("!")
    body = raw[1:] if negative else raw
    regex = pattern_to_regex(body)
    problem = _go_rejects(regex)
    if problem is not None:
        raise InvalidPatternError(f"error parsing regexp: {problem} in `{regex}`")
    try:
        with warnings.catch_warnings():
            # Python warns about '[' inside a class ("possible nested set"); Go reads it
            # as the literal character, and so does Python today.
            warnings.simplefilter("ignore", FutureWarning)
            compiled = re.compile(regex[1:-1])
    except re.error as error:  # Go refuses these too, e.g. "[A-\\]": the class never ends
        raise InvalidPatternError(f"error parsing regexp: {error.msg} in `{regex}`") from None
    return Pattern(text=raw, body=body, negative=negative, regex=regex, compiled=compiled)


@dataclass(frozen=True)
class Verdict:
    """What a filter made of one value (a branch, a tag or a changed file).

    ``outcome`` is ``included``, ``excluded`` or ``unmatched`` for ``branches``, ``tags``
    and ``paths``; ``ignored`` or ``kept`` for the ``-ignore`` filters. ``pattern`` is the
    deciding pattern as written, None when no pattern decided.
    """

    value: str
    outcome: str
    pattern: str | None


@lru_cache(maxsize=1024)
def _any_pattern(patterns: tuple[Pattern, ...]) -> re.Pattern[str]:
    """One expression matching what any of ``patterns`` matches: most changed files match
    no pattern at all, and one test in C settles each of those."""
    return re.compile("|".join(f"(?:{pattern.compiled.pattern})" for pattern in patterns))


def include_verdict(patterns: tuple[Pattern, ...], value: str) -> Verdict:
    """``Skip``'s view of one value: the last pattern that matches it decides, by its sign."""
    if _any_pattern(patterns).fullmatch(value) is None:
        return Verdict(value, "unmatched", None)
    for pattern in reversed(patterns):
        if pattern.matches(value):
            return Verdict(value, "excluded" if pattern.negative else "included", pattern.text)
    raise AssertionError("the combined expression matched, so one pattern does")


def ignore_verdict(patterns: tuple[Pattern, ...], value: str) -> Verdict:
    """``Filter``'s view of one value: ignored by the first plain pattern that matches it,
    or by the first ``!`` pattern that does NOT match it (Forgejo's quirk)."""
    plain_only = not any(pattern.negative for pattern in patterns)
    if plain_only and _any_pattern(patterns).fullmatch(value) is None:
        return Verdict(value, "kept", None)
    for pattern in patterns:
        if pattern.matches(value) != pattern.negative:
            return Verdict(value, "ignored", pattern.text)
    return Verdict(value, "kept", None)


def include(patterns: tuple[Pattern, ...], values: Iterable[str]) -> tuple[bool, list[Verdict]]:
    """Port of ``Skip``, the other way round: does a value end included? With the verdicts
    of the values looked at; like Forgejo, it stops at the first included value. An empty
    pattern list includes everything."""
    verdicts: list[Verdict] = []
    if not patterns:
        return True, verdicts
    for value in values:
        verdicts.append(include_verdict(patterns, value))
        if verdicts[-1].outcome == "included":
            return True, verdicts
    return False, verdicts


def keep(patterns: tuple[Pattern, ...], values: Iterable[str]) -> tuple[bool, list[Verdict]]:
    """Port of ``Filter``, the other way round: is a value left that no pattern ignores?
    It stops at the first value kept. An empty pattern list ignores nothing."""
    verdicts: list[Verdict] = []
    if not patterns:
        return True, verdicts
    for value in values:
        verdicts.append(ignore_verdict(patterns, value))
        if verdicts[-1].outcome == "kept":
            return True, verdicts
    return False, verdicts
