"""Real ELF binaries, compiled by the system's C compiler, for the fallback's hand-over.

A manylinux wheel's compiled program names its libraries (DT_NEEDED) without saying
where they are: the dynamic loader looks in LD_LIBRARY_PATH and its own default path.
These helpers build such a program and the library it needs, with no RUNPATH, so the
program runs only where LD_LIBRARY_PATH names the library's directory.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

_LIBRARY_SOURCE = 'const char *ci_probe(void) { return "%s"; }\n'
_PROGRAM_SOURCE = (
    "#include <stdio.h>\n"
    "const char *ci_probe(void);\n"
    "int main(void) { puts(ci_probe()); return 0; }\n"
)


def compiler() -> str | None:
    """The C compiler on PATH (Debian's gcc as ``cc``), or None where there is none."""
    return shutil.which("cc")


def _compile(arguments: list[str], cwd: Path) -> None:
    cc = compiler()
    assert cc is not None, "no C compiler (cc) on PATH"
    completed = subprocess.run(
        [cc, *arguments], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, f"cc {' '.join(arguments)} failed:\n{completed.stderr}"


def build_shared_library(directory: Path, soname: str, *, text: str) -> Path:
    """``directory/soname``: a library whose ``ci_probe()`` returns ``text``."""
    directory.mkdir(parents=True, exist_ok=True)
    source = directory / "probe.c"
    source.write_text(_LIBRARY_SOURCE % text, encoding="utf-8")
    library = directory / soname
    _compile(
        ["-shared", "-fPIC", f"-Wl,-soname,{soname}", "-o", str(library), "probe.c"], directory
    )
    source.unlink()
    return library


def build_program(path: Path, library: Path) -> Path:
    """A program that prints what ``library``'s ``ci_probe()`` returns (no RUNPATH)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    source = path.parent / "main.c"
    source.write_text(_PROGRAM_SOURCE, encoding="utf-8")
    _compile(["-o", str(path), "main.c", str(library)], path.parent)
    return path
