"""Running the real CLI from steps: shared by every step module.

Step modules cannot import each other (behave executes them, and importing one would
register its steps twice), so what several of them need lives here.
"""

from __future__ import annotations

import shlex
import string
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from behave.runner import Context


def ci_image_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m ci_image``."""
    script = Path(sys.executable).parent / "ci-image"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "ci_image"]


def unmeasured(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without coverage's variables, for a tool that is not the helper (zizmor,
    check-jsonschema): measuring it would find nothing of ``src/`` and, in a Python tool,
    nearly double its CPU time."""
    return {name: value for name, value in env.items() if not name.startswith("COVERAGE_")}


def snapshot(root: Path) -> dict[str, bytes]:
    """Every regular file's bytes under ``root`` (not scratch dirs): proves nothing changed."""
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] in {".home", ".tmp"} or path.is_symlink() or not path.is_file():
            continue
        try:
            files[str(relative)] = path.read_bytes()
        except OSError:
            continue
    return files


def expand(context: Context, arguments: list[str]) -> list[str]:
    """Replace ``$NAME`` with ``context.placeholders[NAME]`` (e.g. ``$REGISTRY``)."""
    placeholders = getattr(context, "placeholders", {})
    return [string.Template(argument).safe_substitute(placeholders) for argument in arguments]


def run_cli(context: Context, arguments: list[str], *, cwd: Path | None = None) -> None:
    context.before = snapshot(context.workdir)
    started = time.monotonic()
    context.result = subprocess.run(
        [*ci_image_command(), *expand(context, arguments)],
        cwd=cwd or context.workdir,
        env=context.env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    context.elapsed = time.monotonic() - started


def start_cli(context: Context, arguments: str, **popen: Any) -> subprocess.Popen[str]:
    """The CLI started with ``arguments`` (split as a shell would, ``$NAME`` expanded),
    for a step that acts on it while it runs; stdout and stderr piped; ``popen`` adds
    options (a process group, a niceness)."""
    return subprocess.Popen(
        [*ci_image_command(), *expand(context, shlex.split(arguments))],
        cwd=context.workdir,
        env=context.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def describe(context: Context) -> str:
    result = context.result
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
