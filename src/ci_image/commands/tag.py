"""``ci-image tag SOURCE | --flake REF``: print the image's immutable tag."""

from __future__ import annotations

import argparse
from typing import Any

from ci_image.errors import CiImageError
from ci_image.image.tag import tag_of_flake, tag_of_source
from ci_image.output import emit, emit_json


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "tag",
        parents=parents,
        help="print the immutable tag of an image archive, store path, result link or flake",
        description=(
            "Print the image's immutable tag: the RepoTags tag of a docker-archive (also "
            "through a result link), the hash part of a /nix/store path, or with --flake "
            "REF the value of REF.imageTag (evaluated, not built)."
        ),
    )
    parser.add_argument(
        "source", nargs="?", metavar="SOURCE", help="docker-archive, store path or result link"
    )
    parser.add_argument("--flake", metavar="REF", help="flake output of the image, e.g. .#ciImage")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if (args.source is None) == (args.flake is None):
        raise CiImageError("give exactly one of SOURCE or --flake REF (see 'ci-image tag --help')")
    answer = tag_of_flake(args.flake) if args.flake is not None else tag_of_source(args.source)
    if args.json:
        emit_json(
            {"tag": answer.tag, "kind": answer.kind, "source": answer.source, "from": answer.detail}
        )
    else:
        emit(answer.tag)
    return 0
