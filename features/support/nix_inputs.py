"""The Nix side of the image-inputs digest, evaluated with the real ``nix-instantiate``.

This is what the image bakes: ``nix/inputs.nix`` of this repository applied to a
directory, as the flake applies it to the source tree.
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


def nix_string(text: str) -> str:
    """A Nix string literal for ``text`` (``"``, ``\\`` and ``${`` escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("${", "\\${")
    return f'"{escaped}"'


def evaluate_inputs_nix(root: Path, env: Mapping[str, str]) -> dict[str, Any]:
    """``import nix/inputs.nix { root = <root as a path>; }``, strictly, as JSON."""
    expression = (
        f"import (/. + {nix_string(str(INPUTS_NIX))}) "
        f"{{ root = /. + {nix_string(str(root.resolve()))}; }}"
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
