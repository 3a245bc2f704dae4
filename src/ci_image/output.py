"""Writing results, the one way every command does: plain lines for people, versioned
JSON for machines (``--json``), warnings on stderr."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# The version of every --json document. It changes only when a key is removed or changes
# meaning; adding a key is compatible and keeps it. Readers should check it.
JSON_VERSION = 1


def emit_json(document: Mapping[str, Any]) -> None:
    """One JSON object on stdout with its ``version``, keys sorted so the output is stable."""
    sys.stdout.write(json.dumps({**document, "version": JSON_VERSION}, indent=2, sort_keys=True))
    sys.stdout.write("\n")


def emit(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def note(message: str) -> None:
    """What a command did, on stderr, when stdout carries only its result; no secrets."""
    sys.stderr.write(f"ci-image: {message}\n")


def warn(message: str) -> None:
    """A warning on stderr; never carries secrets."""
    sys.stderr.write(f"ci-image: warning: {message}\n")


def notice(message: str) -> None:
    """``ci-image: note: ...`` on stderr: something the user should know that is no
    failure (a file skipped, leftovers removed)."""
    sys.stderr.write(f"ci-image: note: {message}\n")


def plural(count: int, noun: str) -> str:
    """``1 file``, ``2 files``: counts in messages read as English."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def display_path(path: Path | str, base: Path | None = None) -> str:
    """How every message and report names a file: relative to ``base`` (default: the
    working directory) when the two share a tree, so it can be clicked or pasted
    (``ci/x.yml``, ``../ci/x.yml`` from ``docs/``); as given when it is relative already or
    lies elsewhere (``/etc/x``)."""
    path = Path(path)
    if not path.is_absolute():
        return str(path)
    try:
        base = Path.cwd() if base is None else base
    except OSError:  # pragma: no cover - a scenario deletes the working directory, but
        # coverage cannot measure a process that has none
        return str(path)
    if path.is_relative_to(base):
        return str(path.relative_to(base))
    if os.path.commonpath([path, base]) == path.anchor:
        return str(path)
    return os.path.relpath(path, base)
