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

Sources read (features/path_patterns.feature ports the test table):
nektos/act ``pkg/workflowpattern/workflow_pattern.go`` @ 0e3df427242978bf52632979a774ca2bef58a995
and ``workflow_pattern_test.go`` @ f57c26fb77eddf0f31e978e936f61f558b2fa7a8; the Forgejo
runner's copy, chhe/act_runner ``act/workflowpattern/workflow_pattern.go`` @
251657359217f8750fc3ddb60a8f116965f6f585 (same logic); Go's regexp/syntax for ``repeat``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple, overload

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


def _literal_prefix(body: str) -> str:
    """Text every match of ``body`` starts with: the literal characters before the first
    special one (a character followed by ``?`` or ``+`` is not certain)."""
    out: list[str] = []
    for pos, char in enumerate(body):
        if char in "*[\\":
            break
        if char in "?+" and pos > 0:
            out.pop()  # every character before was appended, or the loop had stopped
            break
        out.append(char)
    return "".join(out)


def _literal_suffix(body: str) -> str:
    """Text every match of ``body`` ends with, read backwards up to the first special."""
    out: list[str] = []
    for pos in range(len(body) - 1, -1, -1):
        char = body[pos]
        if char in "*[]\\" or (char in "?+" and pos > 0):
            break
        if char == "/" and body[max(pos - 2, 0) : pos] == "**":
            break  # the '/' of '**/' is part of the optional '(.+/)?'
        if pos > 0 and body[pos - 1] == "\\":
            break  # an escaped character: stop here, it is simpler than being exact
        out.append(char)
    return "".join(reversed(out))


@dataclass(frozen=True)
class Pattern:
    """One filter pattern, checked and translated as Forgejo does.

    ``text`` is the pattern as written (with its ``!``), ``body`` without it, ``regex``
    the Go regular expression Forgejo builds from it. ``prefix`` and ``suffix`` are text
    every match starts or ends with: they settle most values without the expression,
    which Python compiles slowly, so it is compiled only when needed.
    """

    text: str
    body: str
    negative: bool
    regex: str
    prefix: str
    suffix: str

    @property
    def expression(self) -> str:
        """The expression for Python's ``re.fullmatch`` (Go's, without its anchors)."""
        return self.regex[1:-1]

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return _compile(self.expression)

    def could_match(self, value: str) -> bool:
        """False when ``value`` certainly does not match; True when it may."""
        return value.startswith(self.prefix) and value.endswith(self.suffix)

    def matches(self, value: str) -> bool:
        """Whether the anchored expression matches ``value`` (Go's ``MatchString``)."""
        return self.could_match(value) and self.compiled.fullmatch(value) is not None


def _compile(expression: str) -> re.Pattern[str]:
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
    return Pattern(
        text=raw,
        body=body,
        negative=negative,
        regex=regex,
        prefix=_literal_prefix(body),
        suffix=_literal_suffix(body),
    )


class Verdict(NamedTuple):
    """What a filter made of one value (a branch, a tag or a changed file).

    ``outcome`` is ``included``, ``excluded`` or ``unmatched`` for ``branches``, ``tags``
    and ``paths``; ``ignored`` or ``kept`` for the ``-ignore`` filters. ``pattern`` is the
    deciding pattern as written, None when no pattern decided. (A named tuple: a push
    can bring thousands of them, and tuples are quick to make.)
    """

    value: str
    outcome: str
    pattern: str | None


class _Group:
    """Some patterns of a filter, asked together: which one matches first?

    One alternation whose matching branch names the pattern, so each value costs one
    test of a regular expression instead of one per pattern (Python's alternation takes
    the first branch that makes the whole expression match, as an ordered loop would).
    Literal prefixes and suffixes first rule out most values with two string tests.
    """

    def __init__(self, patterns: tuple[Pattern, ...], positions: list[int]):
        self.patterns = patterns
        self.positions = positions
        members = [patterns[at] for at in positions]
        self.wild = any(not member.prefix and not member.suffix for member in members)
        self.prefixes = tuple(member.prefix for member in members if member.prefix)
        self.suffixes = tuple(
            member.suffix for member in members if member.suffix and not member.prefix
        )
        self._expression: re.Pattern[str] | None = None

    def maybe(self, value: str) -> bool:
        """False when no member can match ``value`` (two string tests, no expression)."""
        return self.wild or value.startswith(self.prefixes) or value.endswith(self.suffixes)

    def first(self, value: str) -> int | None:
        """The position (in the filter) of the first member matching ``value``."""
        if not self.positions or not self.maybe(value):
            return None
        if self._expression is None:
            branches = (f"(?P<p{at}>{self.patterns[at].expression})" for at in self.positions)
            self._expression = _compile("|".join(branches))
        found = self._expression.fullmatch(value)
        if found is None:
            return None
        if found.lastgroup is None:
            raise AssertionError("an outer named branch closes last in every match")
        return int(found.lastgroup[1:])


class _Index:
    """A filter's patterns, ready for ``Skip`` and ``Filter`` questions."""

    def __init__(self, patterns: tuple[Pattern, ...]):
        self.patterns = patterns
        positions = list(range(len(patterns)))
        self.last_any = _Group(patterns, positions[::-1])
        self.first_plain = _Group(patterns, [at for at in positions if not patterns[at].negative])
        self.negatives = [at for at in positions if patterns[at].negative]

    def include_verdict(self, value: str) -> Verdict:
        """``Skip``'s view of one value: the last pattern that matches it decides, by sign."""
        at = self.last_any.first(value)
        if at is None:
            return Verdict(value, "unmatched", None)
        pattern = self.patterns[at]
        return Verdict(value, "excluded" if pattern.negative else "included", pattern.text)

    def ignore_verdict(self, value: str) -> Verdict:
        """``Filter``'s view of one value: ignored by the first plain pattern that matches
        it, or the first ``!`` pattern that does NOT match it (Forgejo's quirk), whichever
        comes first in the list."""
        negative = next((at for at in self.negatives if not self.patterns[at].matches(value)), None)
        plain = self.first_plain.first(value)
        candidates = [at for at in (negative, plain) if at is not None]
        if not candidates:
            return Verdict(value, "kept", None)
        return Verdict(value, "ignored", self.patterns[min(candidates)].text)


@lru_cache(maxsize=1024)
def _index(patterns: tuple[Pattern, ...]) -> _Index:
    return _Index(patterns)


class Verdicts(Sequence[Verdict]):
    """The verdicts on the values a filter looked at, in order, made on demand.

    A push can change thousands of files that match no pattern; the text answer names
    three, so a verdict is only built for a value that a pattern decided, or when asked.
    """

    def __init__(
        self, values: Sequence[str], length: int, decided: dict[int, Verdict], default: str
    ):
        self._values = values
        self._length = length
        self._decided = decided
        self._default = default

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, at: int) -> Verdict: ...

    @overload
    def __getitem__(self, at: slice) -> list[Verdict]: ...

    def __getitem__(self, at: int | slice) -> Verdict | list[Verdict]:
        if isinstance(at, slice):
            return [self[position] for position in range(*at.indices(self._length))]
        position = range(self._length)[at]  # negative positions and IndexError, as lists do
        found = self._decided.get(position)
        return found if found is not None else Verdict(self._values[position], self._default, None)

    def decided(self) -> list[Verdict]:
        """The verdicts a pattern made, without the default ones."""
        return [self._decided[position] for position in sorted(self._decided)]


def include(patterns: tuple[Pattern, ...], values: Sequence[str]) -> tuple[bool, Verdicts]:
    """Port of ``Skip``, the other way round: does a value end included? With the verdicts
    of the values looked at; like Forgejo, it stops at the first included value. An empty
    pattern list includes everything."""
    decided: dict[int, Verdict] = {}
    if not patterns:
        return True, Verdicts(values, 0, decided, "unmatched")
    index = _index(patterns)
    group = index.last_any
    if group.wild:
        candidates: Iterable[int] = range(len(values))
    else:  # most values match no prefix nor suffix: one quick pass settles them
        prefixes, suffixes = group.prefixes, group.suffixes
        candidates = [
            position
            for position, value in enumerate(values)
            if value.startswith(prefixes) or value.endswith(suffixes)
        ]
    for position in candidates:
        verdict = index.include_verdict(values[position])
        if verdict.outcome != "unmatched":
            decided[position] = verdict
        if verdict.outcome == "included":
            return True, Verdicts(values, position + 1, decided, "unmatched")
    return False, Verdicts(values, len(values), decided, "unmatched")


def keep(patterns: tuple[Pattern, ...], values: Sequence[str]) -> tuple[bool, Verdicts]:
    """Port of ``Filter``, the other way round: is a value left that no pattern ignores?
    It stops at the first value kept. An empty pattern list ignores nothing."""
    decided: dict[int, Verdict] = {}
    if not patterns:
        return True, Verdicts(values, 0, decided, "kept")
    index = _index(patterns)
    for position, value in enumerate(values):
        verdict = index.ignore_verdict(value)
        if verdict.outcome == "kept":
            return True, Verdicts(values, position + 1, decided, "kept")
        decided[position] = verdict
    return False, Verdicts(values, len(values), decided, "kept")
