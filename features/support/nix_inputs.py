"""The Nix side of the image-inputs digest, evaluated with the real ``nix-instantiate``.

This is what the image bakes: ``nix/inputs.nix`` of this repository applied to a
directory, as the library applies it to an adopter's root (``nix/project.nix`` reads its
uv.lock for the workspace's members), with the stand-ins' nixpkgs lib.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[2]
INPUTS_NIX = REPOSITORY / "nix" / "inputs.nix"
PROJECT_NIX = REPOSITORY / "nix" / "project.nix"
STANDINS = REPOSITORY / "features" / "support" / "nix" / "standins.nix"


def nix_string(text: str) -> str:
    """A Nix string literal for ``text`` (``"``, ``\\`` and ``${`` escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("${", "\\${")
    return f'"{escaped}"'


def nix_path(path: Path) -> str:
    """A Nix path value for an absolute path, whatever characters it holds."""
    return f"(/. + {nix_string(str(path.resolve()))})"


def evaluate_inputs_nix(
    root: Path, env: Mapping[str, str], *, read_lock: bool = True
) -> dict[str, Any]:
    """``nix/inputs.nix`` for ``root``: ``digest``, ``perFile`` and the hashed ``files``.

    ``read_lock=False`` evaluates the hashing definition alone, for a uv.lock that is not
    TOML (the members of a workspace come from uv.lock).
    """
    project = (
        f"import {nix_path(PROJECT_NIX)} {{ inherit lib root;"
        " pyproject-nix = standins.inputs.pyproject-nix; }"
        if read_lock
        else "{ memberPaths = [ ]; }"
    )
    expression = (
        f"let standins = import {nix_path(STANDINS)}; inherit (standins) lib;"
        f" root = {nix_path(root)};"
        f" inputs = import {nix_path(INPUTS_NIX)} {{ inherit lib root;"
        f" project = {project}; readsPythonVersion = true; }};"
        " in { inherit (inputs) digest perFile; files = inputs.hashed; }"
    )
    nix_instantiate = shutil.which("nix-instantiate", path=env.get("PATH"))
    assert nix_instantiate is not None, "nix-instantiate is needed: install nix-bin (.ci/run)"
    completed = subprocess.run(
        [nix_instantiate, "--eval", "--strict", "--json", "--expr", expression],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, f"nix-instantiate failed:\n{completed.stderr}"
    value: dict[str, Any] = json.loads(completed.stdout)
    return value
