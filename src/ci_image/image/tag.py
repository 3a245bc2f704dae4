"""The immutable tag of an image, from whatever the user has at hand.

- a file (or a link to one, such as ``result`` of ``nix build .#ciImage``): a
  docker-archive, whose manifest's RepoTags holds the tag. This is right for both
  dockerTools builders: ``buildLayeredImage`` tags with the hash of its *config*
  derivation, not of the archive's own store path, so the archive must be read.
- a store directory, a link to one, or a store path not present on this machine: the
  32-character hash part of the path.
- a flake output (``--flake REF``): ``nix eval --raw REF.imageTag``, without building.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ci_image.errors import CiImageError
from ci_image.image.nix import image_tag_from_flake
from ci_image.image.storepath import in_store, parse_store_path
from ci_image.publish.archive import read_archive


@dataclass(frozen=True)
class TagAnswer:
    tag: str
    kind: str  # "archive", "store-path" or "flake"
    source: str
    detail: str  # the archive path, the store path, or the installable evaluated


def tag_of_source(text: str) -> TagAnswer:
    """The tag for SOURCE as the ``tag`` command documents it."""
    path = Path(text)
    target = text
    if path.is_symlink():
        target = os.path.realpath(path)
        if not Path(target).exists():
            raise CiImageError(
                f"is a dangling link (to {target}); rebuild it (nix build) or give the "
                "archive or store path",
                path=text,
            )
    if Path(target).is_file():
        image = read_archive(Path(target))
        return TagAnswer(tag=image.single_tag(), kind="archive", source=text, detail=target)
    if in_store(target):
        store_path = parse_store_path(target)
        return TagAnswer(
            tag=store_path.hash, kind="store-path", source=text, detail=str(store_path)
        )
    if Path(target).is_dir():
        raise CiImageError(
            "is a directory outside the Nix store: give a docker-archive, a store path "
            "or a result link",
            path=text,
        )
    raise CiImageError(
        "no such file, and not a /nix/store path: give a docker-archive, a store path, "
        "a result link, or --flake REF",
        path=text,
    )


def tag_of_flake(flake_ref: str) -> TagAnswer:
    tag = image_tag_from_flake(flake_ref)
    return TagAnswer(tag=tag, kind="flake", source=flake_ref, detail=f"{flake_ref}.imageTag")
