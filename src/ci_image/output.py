"""Writing results: plain lines for people, stable JSON for machines."""

from __future__ import annotations

import json
import sys
from typing import Any


def emit_json(value: Any) -> None:
    """One JSON document on stdout, keys sorted so the output is stable."""
    sys.stdout.write(json.dumps(value, indent=2, sort_keys=True) + "\n")


def emit(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def warn(message: str) -> None:
    """A warning on stderr; never carries secrets."""
    sys.stderr.write(f"ci-image: warning: {message}\n")


def plural(count: int, noun: str) -> str:
    """``1 file``, ``2 files``: counts in messages read as English."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
