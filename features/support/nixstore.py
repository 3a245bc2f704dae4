"""Real store paths and ``result`` links, built by Nix from builtin-only derivations.

Debian's Nix 2.8 cannot evaluate nixpkgs, but it builds derivations whose builder is
built into Nix: ``builtin:buildenv`` (a directory of links) and ``builtin:fetchurl``
(a fixed-output file; a ``file://`` URL needs no network). Both need ``NIX_CONFIG``
from environment.py (no substituters, no build users, no sandbox).
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

DIRECTORY_EXPRESSION = """\
derivation {{
  name = "{name}";
  system = "builtin";
  builder = "builtin:buildenv";
  derivations = [];
  manifest = builtins.toFile "manifest.nix" "[]";
}}
"""

FILE_EXPRESSION = """\
derivation {{
  name = "{name}";
  system = "builtin";
  builder = "builtin:fetchurl";
  url = "file://{source}";
  outputHashMode = "flat";
  outputHashAlgo = "sha256";
  outputHash = "{sha256}";
}}
"""


def nix_build(expression: str, workdir: Path, link: Path, env: dict[str, str]) -> Path:
    """``nix-build EXPR -o LINK``: the link is a real GC root into the store."""
    source = workdir / "nix-fixtures" / f"{link.name}.nix"
    source.parent.mkdir(exist_ok=True)
    source.write_text(expression, encoding="utf-8")
    completed = subprocess.run(
        ["nix-build", str(source), "-o", str(link)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, f"nix-build failed:\n{completed.stderr}"
    return Path(completed.stdout.strip())


def build_store_directory(workdir: Path, link: Path, name: str, env: dict[str, str]) -> Path:
    return nix_build(DIRECTORY_EXPRESSION.format(name=name), workdir, link, env)


def build_store_file(
    workdir: Path, link: Path, source: Path, name: str, env: dict[str, str]
) -> Path:
    """Put ``source`` into the store as a fixed-output derivation's output, named ``name``."""
    sha256 = hashlib.sha256(source.read_bytes()).hexdigest()
    expression = FILE_EXPRESSION.format(name=name, source=source.resolve(), sha256=sha256)
    return nix_build(expression, workdir, link, env)
