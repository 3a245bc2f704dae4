"""The digest of the image's repository inputs, by the same definition as nix/inputs.nix.

The image bakes ``CI_IMAGE_INPUTS`` (the digest) and ``CI_IMAGE_INPUT_FILES``
(``name=hex`` per file); a job recomputes both from its checkout to tell whether the
image was built from the dependencies it is about to test.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ci_image.errors import CiImageError

INPUT_FILES = ("pyproject.toml", "uv.lock")


def file_hashes(root: Path) -> dict[str, str]:
    """sha256 hex of each input file's bytes, in definition order."""
    hashes: dict[str, str] = {}
    for name in INPUT_FILES:
        path = root / name
        try:
            hashes[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as error:
            raise CiImageError(
                f"cannot read image input: {error.strerror or error}; run from the project root",
                path=path,
            ) from None
    return hashes


def listing(hashes: dict[str, str]) -> str:
    """The ``sha256sum``-style listing the digest is taken over."""
    return "".join(f"{hashes[name]}  {name}\n" for name in INPUT_FILES)


def inputs_digest(hashes: dict[str, str]) -> str:
    return hashlib.sha256(listing(hashes).encode("utf-8")).hexdigest()


def format_per_file(hashes: dict[str, str]) -> str:
    return " ".join(f"{name}={hashes[name]}" for name in INPUT_FILES)


def parse_per_file(value: str) -> dict[str, str]:
    """Inverse of :func:`format_per_file`; entries that are not ``name=hex`` are skipped."""
    parsed: dict[str, str] = {}
    for entry in value.split():
        name, separator, digest = entry.partition("=")
        if separator and name and digest:
            parsed[name] = digest
    return parsed
