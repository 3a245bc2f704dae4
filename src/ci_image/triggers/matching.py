"""Forgejo's ``Skip`` and ``Filter`` over many values at once, fast.

A push can change thousands of files and a repository can hold hundreds of workflows
with dozens of path patterns each; asking every pattern about every file, as the plain
loops of :mod:`ci_image.triggers.patterns` do, is slow in Python. This module answers
exactly what those loops answer (tests/test_matching.py holds it to them on generated
patterns and paths) with three tricks:

- literal text every match of a pattern starts or ends with rules most values out with
  two string tests, without the regular expression (which is compiled only when needed);
- the patterns of a filter are asked together, as one alternation whose matching branch
  names the pattern;
- a verdict is only built for a value that a pattern decided, or when asked for.

``benchmarks/triggers.py`` measures it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import overload

from ci_image.triggers.patterns import Pattern, Verdict, compile_expression


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


@lru_cache(maxsize=4096)
def _literals(pattern: Pattern) -> tuple[str, str]:
    """The text every match of ``pattern`` starts with, and the text it ends with."""
    return _literal_prefix(pattern.body), _literal_suffix(pattern.body)


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
        members = [_literals(patterns[at]) for at in positions]
        self.wild = any(not prefix and not suffix for prefix, suffix in members)
        self.prefixes = tuple(prefix for prefix, _ in members if prefix)
        self.suffixes = tuple(suffix for prefix, suffix in members if suffix and not prefix)
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
            self._expression = compile_expression("|".join(branches))
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
        # Each '!' pattern with its literal text, to rule values out without its expression.
        self.negatives = [
            (at, *_literals(patterns[at])) for at in positions if patterns[at].negative
        ]

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
        patterns = self.patterns
        negative = next(
            (
                at
                for at, prefix, suffix in self.negatives
                if not (value.startswith(prefix) and value.endswith(suffix))
                or not patterns[at].matches(value)
            ),
            None,
        )
        plain = self.first_plain.first(value)
        candidates = [at for at in (negative, plain) if at is not None]
        if not candidates:
            return Verdict(value, "kept", None)
        return Verdict(value, "ignored", patterns[min(candidates)].text)


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
    """:func:`ci_image.triggers.patterns.include`: does a value end included (``not
    Skip``)? With the verdicts of the values looked at, up to the first included one."""
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
    """:func:`ci_image.triggers.patterns.keep`: is a value left that no pattern ignores
    (``not Filter``)? With the verdicts, up to the first value kept."""
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
