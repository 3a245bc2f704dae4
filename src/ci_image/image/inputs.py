"""The digest of the image's repository inputs, by the same definition as nix/inputs.nix.

The image bakes ``CI_IMAGE_INPUTS`` (the digest) and ``CI_IMAGE_INPUT_FILES``
(``name=hex`` per file); a job recomputes both from its checkout to tell whether the
image was built from the dependencies it is about to test. The definition: the sha256
of the ``sha256sum``-style listing ``"<hex>  <name>\\n"`` of each input file's raw bytes,
in the image's order. Bytes are hashed as they are: line endings, a missing final
newline or non-ASCII text are never normalised, on either side.

Which files: always :data:`INPUT_FILES`, and whatever else the image names in
``CI_IMAGE_INPUT_FILES`` (a uv workspace's members' pyproject.toml, .python-version):
in the image the checkout's files of those names are hashed, so the Nix side says what
counts; outside it, :func:`ci_image.image.input_paths.hashed_names` gives the same names.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ci_image.errors import CiImageError

# The files every image hashes, first, in this order; the image may name more after them.
INPUT_FILES = ("pyproject.toml", "uv.lock")
# The hash of a file the image names that the checkout has not got (never a sha256).
MISSING = "missing"
# The names of the variables the image bakes (nix/inputs.nix: digest, perFile).
INPUTS_VARIABLE = "CI_IMAGE_INPUTS"
INPUT_FILES_VARIABLE = "CI_IMAGE_INPUT_FILES"

_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def is_hex_digest(value: str) -> bool:
    """True for a sha256 written as 64 lowercase hex digits, as both sides print it."""
    return _HEX_DIGEST.fullmatch(value) is not None


def file_hashes(root: Path, names: Sequence[str] = INPUT_FILES) -> dict[str, str]:
    """sha256 hex of each named file's bytes, in that order.

    A file the image names beyond :data:`INPUT_FILES` may be gone from the checkout (a
    workspace member removed): it hashes as :data:`MISSING`, so the checkout differs.
    """
    hashes: dict[str, str] = {}
    for name in names:
        path = root / name
        try:
            hashes[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as error:
            if isinstance(error, FileNotFoundError) and name not in INPUT_FILES:
                hashes[name] = MISSING
                continue
            raise CiImageError(
                f"cannot read image input: {error.strerror or error}; run from the project root",
                path=path,
            ) from None
    return hashes


def listing(hashes: dict[str, str]) -> str:
    """The ``sha256sum``-style listing the digest is taken over, in the files' order."""
    return "".join(f"{digest}  {name}\n" for name, digest in hashes.items())


def inputs_digest(hashes: dict[str, str]) -> str:
    return hashlib.sha256(listing(hashes).encode("utf-8")).hexdigest()


def format_per_file(hashes: dict[str, str]) -> str:
    return " ".join(f"{name}={digest}" for name, digest in hashes.items())


def is_input_name(name: str) -> bool:
    """A path the checkout may be asked to hash: relative and inside it (no blank or ``=``
    can be in it: :func:`parse_per_file` splits on them)."""
    parts = name.split("/")
    return not name.startswith("/") and ".." not in parts and "" not in parts


def baked_files(environ: Mapping[str, str]) -> dict[str, str] | None:
    """The image's ``CI_IMAGE_INPUT_FILES``, if it can be believed; else None.

    Believed when it adds up to ``CI_IMAGE_INPUTS``, starts with the files every image
    hashes, and names only files inside the checkout.
    """
    parsed = parse_per_file(environ.get(INPUT_FILES_VARIABLE, ""))
    if (
        tuple(parsed)[: len(INPUT_FILES)] == INPUT_FILES
        and all(is_input_name(name) for name in parsed)
        and inputs_digest(parsed) == environ.get(INPUTS_VARIABLE)
    ):
        return parsed
    return None


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
    def of_checkout(cls, root: Path, names: Sequence[str] = INPUT_FILES) -> ImageInputs:
        return cls(file_hashes(root, names))

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
