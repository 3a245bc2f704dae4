"""Fixtures made once per run and shared by the scenarios that only read them.

A fixture that takes seconds of CPU to make and always comes out the same (a large
archive, a locked sample project, an evaluation of an unchanged tree) is made once, in
the run's shared directory: the parallel runner's (support/parallel.py), which all its
behave processes see, else this process's run directory. Scenarios get a copy, never the
shared file itself, so no scenario can change what another one reads (the suite runs as
root, where read-only modes protect nothing). Whoever comes first makes it next to its
place and renames it there, so processes running at the same time never see half of it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from behave.runner import Context

from support.unprivileged import SHARED_VARIABLE


def shared_directory(context: Context, name: str) -> Path:
    """``name`` in the run's shared directory (made if need be)."""
    shared = os.environ.get(SHARED_VARIABLE)
    directory = (Path(shared) if shared else context.run_root) / "fixtures" / name
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def made_once(target: Path, make: Callable[[Path], object]) -> Path:
    """``target``, made by ``make(path)`` unless it exists: made at a fresh path beside
    it and renamed into place (a file or a directory)."""
    if target.exists():
        return target
    partial = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        make(partial / target.name)
        try:
            (partial / target.name).rename(target)
        except OSError:  # a directory another process made first
            if not target.exists():
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target
