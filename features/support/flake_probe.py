"""Evaluating a flake's outputs with the real Nix against the stand-ins.

``features/support/nix/probe.nix`` calls a flake.nix's ``outputs`` with the stand-in
inputs (features/support/nix/standins.nix) and describes the result as JSON. For an
adopter's flake (the template in a sample project), its ``ci-image`` input is this
repository's flake, evaluated the same way from a clean copy of the repository: the
files git would give a flake, without .venv, .git or caches.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[2]
SUPPORT = REPOSITORY / "features" / "support" / "nix"
TEMPLATE = REPOSITORY / "src" / "ci_image" / "adopt" / "template" / "flake.nix"
SYSTEMS = ("x86_64-linux", "aarch64-linux")
# Never copied: generated, cached or version-control state.
# Not part of a copy of the repository: git, caches, build results, and the data files of a
# coverage run, which parallel processes of the suite write and remove while it is copied.
NOT_COPIED = (
    ".git",
    ".venv",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    "__pycache__",
    ".coverage*",
    "result",
)


def copy_repository(destination: Path) -> Path:
    """This repository as a flake sees it, at ``destination`` (made once, then reused)."""
    return copy_once(REPOSITORY, destination)


def tree_digest(root: Path) -> str:
    """A digest of every file below ``root`` (names, contents, link targets, modes): two
    trees with the same digest evaluate the same."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        relative = str(path.relative_to(root)).encode()
        if path.is_symlink():
            digest.update(b"L" + relative + b"\0" + str(path.readlink()).encode() + b"\0")
        elif path.is_file():
            executable = b"x" if path.stat().st_mode & 0o111 else b"-"
            digest.update(b"F" + executable + relative + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        else:
            digest.update(b"D" + relative + b"\0")
    return digest.hexdigest()


def copy_once(source: Path, destination: Path) -> Path:
    """``source`` copied to ``destination`` unless it is there; a copy made next to it and
    renamed, so scenarios running at the same time never see half a copy."""
    if destination.exists():
        return destination
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{destination.name}-", dir=destination.parent))
    shutil.copytree(
        source, partial / "tree", ignore=shutil.ignore_patterns(*NOT_COPIED), symlinks=True
    )
    try:
        (partial / "tree").rename(destination)
    except OSError:  # another scenario made it first
        if not destination.exists():
            raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return destination


def nix_instantiate(
    file: Path, env: Mapping[str, str], **arguments: Path
) -> subprocess.CompletedProcess[str]:
    command = ["nix-instantiate", "--eval", "--strict", "--json", "--read-write-mode", str(file)]
    for name, value in arguments.items():
        command += ["--arg", name, str(value)]
    return subprocess.run(
        command, env=dict(env), capture_output=True, text=True, timeout=600, check=False
    )


def probe(root: Path, env: Mapping[str, str], ci_image: Path | None = None) -> dict[str, Any]:
    """The description of the flake at ``root`` (an adopter's, if ``ci_image`` is given)."""
    arguments = {"root": root} if ci_image is None else {"root": root, "ciImage": ci_image}
    completed = nix_instantiate(SUPPORT / "probe.nix", env, **arguments)
    assert completed.returncode == 0, f"the flake at {root} does not evaluate:\n{completed.stderr}"
    described: dict[str, Any] = json.loads(completed.stdout)
    return described


def image_tags(
    root: Path, env: Mapping[str, str], ci_image: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Only the image's tag per system (features/support/nix/image-tag.nix)."""
    arguments = {"root": root} if ci_image is None else {"root": root, "ciImage": ci_image}
    return nix_instantiate(SUPPORT / "image-tag.nix", env, **arguments)


def environment_of(entries: list[str]) -> dict[str, str]:
    return dict(entry.split("=", 1) for entry in entries)
