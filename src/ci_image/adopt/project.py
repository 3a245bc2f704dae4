"""The uv project ``init`` adopts: its pyproject.toml, its lock, its workspace members.

Read once, up front, so that every refusal (not a uv project, no lock, a file that does
not parse) happens before anything is planned, let alone written.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ci_image.errors import CiImageError

PYPROJECT = "pyproject.toml"
LOCK = "uv.lock"


@dataclass(frozen=True)
class UvProject:
    """A uv project or workspace root, as read from disk.

    ``lock`` is uv.lock, parsed: its local packages are inputs of the image too.
    """

    root: Path
    pyproject_text: str
    pyproject: dict[str, Any]
    lock: dict[str, Any]

    @property
    def pyproject_path(self) -> Path:
        return self.root / PYPROJECT

    @property
    def name(self) -> str | None:
        project = self.pyproject.get("project")
        name = project.get("name") if isinstance(project, dict) else None
        return name if isinstance(name, str) else None


def read_project(root: Path) -> UvProject:
    """The project at ``root``, or one error naming the file and the fix."""
    pyproject_path = root / PYPROJECT
    if not pyproject_path.is_file():
        raise CiImageError(
            f"not a uv project: there is no {PYPROJECT} here; run ci-image init in the "
            "project's root (or create the project with uv init)",
            path=root,
        )
    text = _read_text(pyproject_path)
    pyproject = parse_toml(text, pyproject_path, "fix the file")
    if not isinstance(pyproject.get("project"), dict) and not _is_workspace(pyproject):
        raise CiImageError(
            "not a uv project: no [project] table (nor [tool.uv.workspace]); "
            "add one (uv init does), then run uv lock",
            path=pyproject_path,
        )
    lock_path = root / LOCK
    if not lock_path.is_file():
        raise CiImageError(
            "there is no uv.lock: the image is built from the lock; run uv lock and commit it",
            path=lock_path,
        )
    lock = parse_toml(_read_text(lock_path), lock_path, "run uv lock to write it again")
    return UvProject(root, text, pyproject, lock)


def _is_workspace(pyproject: dict[str, Any]) -> bool:
    tool = pyproject.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    return isinstance(uv, dict) and isinstance(uv.get("workspace"), dict)


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as error:
        raise CiImageError(
            f"cannot read: {error.strerror or error}; check its permissions", path=path
        ) from None
    except UnicodeDecodeError as error:
        raise CiImageError(
            f"is not valid UTF-8 (offset {error.start}); save it as UTF-8", path=path
        ) from None


def parse_toml(text: str, path: Path, fix: str) -> dict[str, Any]:
    """``text`` as TOML, or one error line naming the file, line and ``fix``."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        message = re.sub(r" \(at line \d+, column \d+\)$", "", str(error))
        raise CiImageError(
            f"not valid TOML ({message}); {fix}",
            path=path,
            line=int(match.group(1)) if match else None,
        ) from None
