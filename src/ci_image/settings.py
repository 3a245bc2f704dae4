"""The project's settings, read from ``[tool.ci-image]`` in ``pyproject.toml``.

The same table is read by the flake (``builtins.fromTOML``), so the image name is
written once. A missing or malformed table is an error only for the commands that need
a value from it; flags always win.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ci_image.errors import CiImageError
from ci_image.reference import MalformedReferenceError, Reference, parse_repository
from ci_image.workflows.discovery import find_workflow_dir

TABLE = "ci-image"
KNOWN_KEYS = frozenset({"image", "workflows"})


@dataclass(frozen=True)
class Settings:
    """Values from ``[tool.ci-image]``; ``root`` is the directory holding pyproject.toml."""

    root: Path
    pyproject: Path | None
    image: Reference | None = None
    workflows: Path | None = None

    def require_image(self, flag: str) -> Reference:
        if self.image is None:
            where = self.pyproject or self.root / "pyproject.toml"
            raise CiImageError(
                f"no image repository: pass {flag} REGISTRY/OWNER/IMAGE or set "
                f'image = "REGISTRY/OWNER/IMAGE" in [tool.{TABLE}] of {where}'
            )
        return self.image

    def workflow_directory(self) -> Path:
        """``workflows`` from here, else Forgejo's discovery below ``root``."""
        return find_workflow_dir(self.root, self.workflows)


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start``, as tools like ruff find theirs."""
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_settings(start: Path) -> Settings:
    """Read the settings for the project around ``start``; empty settings if there are none."""
    start = start.resolve()
    pyproject = find_pyproject(start)
    if pyproject is None:
        return Settings(root=start, pyproject=None)
    root = pyproject.parent
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CiImageError(f"cannot read settings: {error}", path=pyproject) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _toml_error_line(error)
        raise CiImageError(
            f"not valid TOML ({error}); fix the file", path=pyproject, line=line
        ) from None
    tool = data.get("tool", {})
    table = tool.get(TABLE) if isinstance(tool, dict) else None
    if table is None:
        return Settings(root=root, pyproject=pyproject)
    if not isinstance(table, dict):
        raise CiImageError(
            f"[tool.{TABLE}] must be a table", path=pyproject, line=_key_line(text, TABLE)
        )
    return _settings_from_table(table, root=root, pyproject=pyproject, text=text)


def _settings_from_table(
    table: dict[str, object], *, root: Path, pyproject: Path, text: str
) -> Settings:
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise CiImageError(
            f"unknown key {unknown[0]!r} in [tool.{TABLE}]; known keys: "
            + ", ".join(sorted(KNOWN_KEYS)),
            path=pyproject,
            line=_key_line(text, unknown[0]),
        )
    image: Reference | None = None
    if "image" in table:
        value = table["image"]
        if not isinstance(value, str):
            raise CiImageError(
                f'image in [tool.{TABLE}] must be a string like "codeberg.org/OWNER/IMAGE"',
                path=pyproject,
                line=_key_line(text, "image"),
            )
        try:
            image = parse_repository(value)
        except MalformedReferenceError as error:
            raise CiImageError(
                f"image in [tool.{TABLE}] is not REGISTRY/OWNER/IMAGE: {error}",
                path=pyproject,
                line=_key_line(text, "image"),
            ) from None
    workflows: Path | None = None
    if "workflows" in table:
        value = table["workflows"]
        if not isinstance(value, str) or not value:
            raise CiImageError(
                f"workflows in [tool.{TABLE}] must be a directory path relative to {root}",
                path=pyproject,
                line=_key_line(text, "workflows"),
            )
        workflows = root / value
    return Settings(root=root, pyproject=pyproject, image=image, workflows=workflows)


def _key_line(text: str, key: str) -> int | None:
    """Best-effort line of ``key`` for error messages (tomllib gives no positions)."""
    pattern = re.compile(rf"^\s*(?:\[tool\.)?[\"']?{re.escape(key)}[\"']?\s*[=\]]")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def _toml_error_line(error: tomllib.TOMLDecodeError) -> int | None:
    match = re.search(r"line (\d+)", str(error))
    return int(match.group(1)) if match else None
