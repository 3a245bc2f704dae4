"""How ``pin`` names its temporary files, so that a later run can find the ones a
killed run left: ``.NAME.XXXXXXXX.ci-image.tmp`` next to the file ``NAME``."""

from __future__ import annotations

import re

TEMP_SUFFIX = ".ci-image.tmp"
# mkstemp's names: PREFIX + 8 of [a-z0-9_] (CPython tempfile._RandomNameSequence) + SUFFIX.
_LEFTOVER = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX))


def temporary_prefix(name: str) -> str:
    return f".{name}."


def leftover_of(name: str) -> str | None:
    """The file a temporary named ``name`` was written for, when it is one of ours."""
    match = _LEFTOVER.fullmatch(name)
    return match["name"] if match else None
