"""``ci-image push ARCHIVE [--to REPO]``: publish an image archive, idempotently."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ci_image.commands.arguments import ProjectSettings, add_registry_arguments
from ci_image.output import emit, emit_json
from ci_image.publish.push import PushOptions, push
from ci_image.publish.skopeo import POLICY
from ci_image.trace import Trace


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "push",
        parents=parents,
        help="push an image archive with skopeo; print REPO:TAG@DIGEST",
        description=(
            "Push a docker-archive (.tar or .tar.gz) to REPO under the tag in its "
            "manifest. Uploads nothing when the tag already holds the same image (same "
            "config digest), refuses when it holds another one, and prints the "
            "reference with the manifest digest the registry reports."
        ),
    )
    add_push_arguments(parser)
    parser.set_defaults(handler=run)


def add_push_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments ``push`` and ``release`` share."""
    parser.add_argument("archive", metavar="ARCHIVE", type=Path, help="docker-archive to push")
    parser.add_argument(
        "--to",
        metavar="REPO",
        help="REGISTRY/OWNER/IMAGE (default: image in [tool.ci-image] of pyproject.toml)",
    )
    parser.add_argument("--tag", help="push under this tag instead of the archive's")
    parser.add_argument(
        "--tmpdir",
        type=Path,
        metavar="DIR",
        help="where a .tar.gz is decompressed (default: the system temporary directory)",
    )
    parser.add_argument(
        "--policy",
        type=Path,
        metavar="FILE",
        default=POLICY,
        help="containers signature policy for skopeo (default: the one shipped in the package)",
    )
    add_registry_arguments(parser)


def push_options(args: argparse.Namespace, project: ProjectSettings) -> PushOptions:
    return PushOptions(
        archive=args.archive,
        repository=project.require_image(args.to, "--to"),
        tag=args.tag,
        authfile=args.authfile,
        cert_dir=args.cert_dir,
        insecure=args.insecure,
        retries=args.retries,
        tmpdir=args.tmpdir,
        policy=args.policy,
    )


def run(args: argparse.Namespace) -> int:
    trace = Trace(enabled=args.verbose)
    result = push(push_options(args, ProjectSettings()), trace, os.environ)
    if args.json:
        emit_json(result.as_json())
    else:
        emit(str(result.reference))
    return 0
