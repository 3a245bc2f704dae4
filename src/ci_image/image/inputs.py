"""The digest of the image's repository inputs, by the same definition as nix/inputs.nix.

The image bakes ``CI_IMAGE_INPUTS`` (the digest) and ``CI_IMAGE_INPUT_FILES``
(``name=hex`` per file); a job recomputes both from its checkout to tell whether the
image was built from the dependencies it is about to test. The definition: the sha256
of the ``sha256sum``-style listing ``"<hex>  <name>\\n"`` of each input file's raw bytes,
in the order of :data:`INPUT_FILES`. Bytes are hashed as they are: line endings, a
missing final newline or non-ASCII text are never normalised, on either side.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ci_image.errors import CiImageError

INPUT_FILES = ("pyproject.toml", "uv.lock")
# The names of the variables the image bakes (nix/inputs.nix: digest, perFile).
INPUTS_VARIABLE = "CI_IMAGE_INPUTS"
INPUT_FILES_VARIABLE = "CI_IMAGE_INPUT_FILES"

_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def is_hex_digest(value: str) -> bool:
    """True for a sha256 written as 64 lowercase hex digits, as both sides print it."""
    return _HEX_DIGEST.fullmatch(value) is not None


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


@dataclass(frozen=True)
class ImageInputs:
    """The per-file hashes of one set of inputs, and the two values the image bakes."""

    files: dict[str, str]

    @classmethod
    def of_checkout(cls, root: Path) -> ImageInputs:
        return cls(file_hashes(root))

    @property
    def digest(self) -> str:
        """``CI_IMAGE_INPUTS``."""
        return inputs_digest(self.files)

    @property
    def per_file(self) -> str:
        """``CI_IMAGE_INPUT_FILES``."""
        return format_per_file(self.files)

    def variables(self) -> dict[str, str]:
        """The variables as the image's config carries them."""
        return {INPUTS_VARIABLE: self.digest, INPUT_FILES_VARIABLE: self.per_file}
