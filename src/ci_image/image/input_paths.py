"""Which repository paths the image is built from, as a workflow's ``paths:`` writes them.

The same rule as the flake library's ``lib.imageInputs`` (nix/inputs.nix ``paths``;
features/init_image_inputs.feature evaluates both and compares them), computed here without
Nix: an adopter's jobs, where ``check`` runs, may not have it. A push that changes none of
these paths cannot change the image; a push that changes one of them may. In order:

- ``pyproject.toml``, ``uv.lock``, ``flake.nix``, ``flake.lock``;
- ``nix/**`` when the project has a ``nix`` directory (its flake's own Nix files);
- ``DIR/pyproject.toml`` of each local package of the lock inside the root (workspace
  members and path dependencies: uv2nix reads them);
- ``.python-version`` when the flake gives no ``python`` setting (the library then reads
  the version from it, if it exists).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ci_image.image.inputs import INPUT_FILES

BASE_PATHS = ("pyproject.toml", "uv.lock", "flake.nix", "flake.lock")
NIX_DIRECTORY = "nix"
PYTHON_VERSION_FILE = ".python-version"
# A `python = ...;` attribute in flake.nix, outside comments: the library's `python`
# setting, which makes .python-version irrelevant (nix/lib.nix readsPythonVersion).
_PYTHON_SETTING = re.compile(r"^\s*python\s*=")
_LOCAL_SOURCES = ("editable", "virtual", "directory")


def local_package_paths(lock: Mapping[str, Any]) -> list[str]:
    """The directories of the lock's local packages inside the root, but the root itself:
    relative, ``.`` parts dropped, sorted and unique (nix/project.nix ``memberPaths``)."""
    found: set[str] = set()
    packages = lock.get("package", [])
    for package in packages if isinstance(packages, list) else []:
        source = package.get("source") if isinstance(package, Mapping) else None
        if not isinstance(source, Mapping):
            continue
        path = next((source[kind] for kind in _LOCAL_SOURCES if kind in source), None)
        if not isinstance(path, str) or path.startswith("/") or ".." in path.split("/"):
            continue
        cleaned = "/".join(part for part in path.split("/") if part not in (".", ""))
        if cleaned:
            found.add(cleaned)
    return sorted(found)


def reads_python_version(flake_text: str | None) -> bool:
    """Whether the flake leaves the Python version to the library (no ``python =``)."""
    if flake_text is None:
        return True
    for line in flake_text.splitlines():
        code = line.split("#", 1)[0]
        if _PYTHON_SETTING.match(code):
            return False
    return True


def _flake_text(root: Path) -> str | None:
    try:
        return (root / "flake.nix").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def hashed_names(root: Path) -> list[str]:
    """The files an image built from ``root`` hashes into ``CI_IMAGE_INPUT_FILES``, in its
    order (nix/inputs.nix ``hashed``): pyproject.toml, uv.lock, each local package's
    pyproject.toml and ``.python-version`` when the flake reads it, present or not (an
    absent one hashes as missing). A uv.lock that is not TOML names no packages: hashing
    it still works."""
    try:
        lock: Mapping[str, Any] = tomllib.loads((root / "uv.lock").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        lock = {}
    members = [f"{path}/pyproject.toml" for path in local_package_paths(lock)]
    names = [*INPUT_FILES, *members]
    if reads_python_version(_flake_text(root)):
        names.append(PYTHON_VERSION_FILE)
    return names


def image_input_paths(
    root: Path, lock: Mapping[str, Any], flake_text: str | None = None
) -> list[str]:
    """The path patterns for the project at ``root`` with its parsed ``lock``; the flake
    is read from ``root`` unless its text is given (``init``'s, before it is written)."""
    if flake_text is None:
        flake_text = _flake_text(root)
    paths = list(BASE_PATHS)
    if (root / NIX_DIRECTORY).exists():
        paths.append(f"{NIX_DIRECTORY}/**")
    paths.extend(f"{path}/pyproject.toml" for path in local_package_paths(lock))
    if reads_python_version(flake_text):
        paths.append(PYTHON_VERSION_FILE)
    return paths
