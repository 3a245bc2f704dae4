"""Nix store paths: ``/nix/store/<hash>-<name>``.

Pure parsing; nothing here runs Nix (callers follow a ``result`` link with
``realpath``). The hash part is 32 characters of Nix's base-32 alphabet (no ``e``,
``o``, ``u``, ``t``), which is what makes it usable as an immutable image tag.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from ci_image.errors import CiImageError

STORE_DIR = "/nix/store"
NIX_BASE32 = "0123456789abcdfghijklmnpqrsvwxyz"
HASH_LENGTH = 32
NAME_MAX = 211
_NAME_RE = re.compile(r"[A-Za-z0-9+\-._?=]+")


class StorePathError(CiImageError):
    """The text is not a valid store path; the message says which part is wrong."""


@dataclass(frozen=True)
class StorePath:
    """A parsed top-level store path."""

    store_dir: str
    hash: str
    name: str

    def __str__(self) -> str:
        return f"{self.store_dir}/{self.hash}-{self.name}"


def store_dir() -> str:
    """The store directory, ``NIX_STORE_DIR`` if set (as Nix itself honours it)."""
    return os.environ.get("NIX_STORE_DIR", STORE_DIR).rstrip("/") or STORE_DIR


def in_store(text: str, directory: str | None = None) -> bool:
    """True when ``text`` names something below the store directory."""
    directory = directory or store_dir()
    return text.startswith(directory + "/")


def parse_store_path(text: str, directory: str | None = None) -> StorePath:
    """Parse ``STORE/HASH-NAME``; a path *inside* a store path is refused, not truncated."""
    directory = directory or store_dir()
    if not in_store(text, directory):  # pragma: no cover - callers check in_store first
        raise StorePathError(f"{text!r} is not in the Nix store {directory}")
    relative = PurePosixPath(text[len(directory) + 1 :])
    parts = relative.parts
    if not parts:
        raise StorePathError(f"{text!r} names the store itself, not a store path")
    if len(parts) > 1:
        top = f"{directory}/{parts[0]}"
        raise StorePathError(
            f"{text!r} is a file inside the store path {top}; give the store path itself"
        )
    base = parts[0]
    hash_part, dash, name = base.partition("-")
    if not dash or len(hash_part) != HASH_LENGTH:
        raise StorePathError(
            f"{base!r} does not start with a {HASH_LENGTH}-character hash and a '-'; "
            "a store path is STORE/HASH-NAME"
        )
    wrong = sorted({char for char in hash_part if char not in NIX_BASE32})
    if wrong:
        raise StorePathError(
            f"hash {hash_part!r} has characters outside Nix's base-32 alphabet "
            f"({''.join(wrong)!r}); it is not a store path"
        )
    if not name or len(name) > NAME_MAX or not _NAME_RE.fullmatch(name) or name[0] == ".":
        raise StorePathError(
            f"name {name!r} is not a valid store path name (1 to {NAME_MAX} of "
            "[A-Za-z0-9+-._?=], not starting with '.')"
        )
    return StorePath(store_dir=directory, hash=hash_part, name=name)
