"""``[tool.ci-image] image = "..."`` written into pyproject.toml, every other byte kept.

tomllib reads but never writes, and a TOML writer would reformat the maintainer's file:
the edit is textual (append the table, add one key line under its header, or replace
one quoted value), then checked by parsing the result, which must hold exactly the old
data plus the one value.
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ci_image.errors import CiImageError
from ci_image.settings import TABLE

_HEADER = re.compile(
    r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*(?:ci-image|\"ci-image\"|'ci-image')[ \t]*\][ \t]*(?:#.*)?$"
)
_ANY_HEADER = re.compile(r"^[ \t]*\[")
# A one-line basic or literal string (not the start of a multi-line one: no third quote).
_IMAGE_LINE = re.compile(
    r"^(?P<head>[ \t]*image[ \t]*=[ \t]*)(?P<quote>[\"'])(?P<value>[^\"'\\]*)(?P=quote)(?![\"'])"
)


@dataclass(frozen=True)
class SettingEdit:
    """The new text (``None``: nothing to change), and what it does."""

    text: str | None
    reason: str


def configured_image(pyproject: dict[str, Any]) -> str | None:
    tool = pyproject.get("tool")
    table = tool.get(TABLE) if isinstance(tool, dict) else None
    image = table.get("image") if isinstance(table, dict) else None
    return image if isinstance(image, str) else None


def has_table(pyproject: dict[str, Any]) -> bool:
    tool = pyproject.get("tool")
    return isinstance(tool, dict) and TABLE in tool


def set_image(
    text: str, pyproject: dict[str, Any], image: str, path: Path, *, replace: bool
) -> SettingEdit:
    """``text`` with ``image`` as the configured image; an image already configured is
    kept unless ``replace``."""
    current = configured_image(pyproject)
    if current == image:
        return SettingEdit(None, f"[tool.{TABLE}] already sets image = {image!r}")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    if current is not None:
        if not replace:
            return SettingEdit(None, f"[tool.{TABLE}] sets image = {current!r}: kept")
        new_text = _replace_value(lines, image, path)
        reason = f"image in [tool.{TABLE}] was {current!r}, now {image!r} (--force)"
    elif has_table(pyproject):
        new_text = _add_key(lines, image, path, newline)
        reason = f"added image = {image!r} to [tool.{TABLE}]"
    else:
        ending = "" if not text or text.endswith(("\n", "\r")) else newline
        gap = newline if text.strip() else ""
        new_text = f'{text}{ending}{gap}[tool.{TABLE}]{newline}image = "{image}"{newline}'
        reason = f"added [tool.{TABLE}] with image = {image!r} (read by the flake and the helper)"
    _verify(pyproject, new_text, image, path)
    return SettingEdit(new_text, reason)


def _header_index(lines: list[str], path: Path) -> int:
    for index, line in enumerate(lines):
        if _HEADER.match(line.rstrip("\r\n")):
            return index
    raise CiImageError(
        f"[tool.{TABLE}] is written in a form ci-image init does not edit (dotted keys or "
        f"an inline table); write it as a [tool.{TABLE}] table, or add the image by hand",
        path=path,
    )


def _add_key(lines: list[str], image: str, path: Path, newline: str) -> str:
    index = _header_index(lines, path)
    header = lines[index]
    if not header.endswith(("\n", "\r")):
        lines[index] = header + newline
    lines.insert(index + 1, f'image = "{image}"{newline}')
    return "".join(lines)


def _replace_value(lines: list[str], image: str, path: Path) -> str:
    start = _header_index(lines, path) + 1
    for index in range(start, len(lines)):
        if _ANY_HEADER.match(lines[index]):
            break
        match = _IMAGE_LINE.match(lines[index])
        if match is not None:
            line = lines[index]
            quote = match["quote"]  # the maintainer's choice of quotes stays
            lines[index] = f"{match['head']}{quote}{image}{quote}{line[match.end() :]}"
            return "".join(lines)
    raise CiImageError(
        f"image in [tool.{TABLE}] is written in a form ci-image init does not edit; "
        f'set image = "{image}" by hand',
        path=path,
    )


def _verify(old: dict[str, Any], new_text: str, image: str, path: Path) -> None:
    """The edit must add or change this one value and nothing else (else it is a bug)."""
    expected = copy.deepcopy(old)
    expected.setdefault("tool", {}).setdefault(TABLE, {})["image"] = image
    try:
        parsed = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError:
        parsed = None
    if parsed != expected:
        raise CiImageError(
            f"ci-image init could not add image = {image!r} to [tool.{TABLE}] without "
            "changing something else; add it by hand. Nothing was written",
            path=path,
        )
