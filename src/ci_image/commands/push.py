"""``ci-image push ARCHIVE [--to REPO]``: publish an image archive, idempotently."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ci_image.commands.arguments import (
    ProjectSettings,
    add_registry_arguments,
    add_workflows_argument,
    registry_options,
)
from ci_image.errors import CiImageError
from ci_image.output import emit, emit_json, note
from ci_image.publish.push import PushOptions, PushResult, push
from ci_image.trace import Trace


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "push",
        parents=parents,
        help="push an image archive with skopeo; print REPO:TAG@DIGEST",
        description=(
            "Push a docker-archive (.tar, .tar.gz or .tar.zst) to REPO under the tag in "
            "its manifest. Uploads nothing when the tag already holds the same image (same "
            "config digest), refuses when it holds another one, uploads only the layers "
            "the repository lacks (learned from the images the workflows pin), and prints "
            "the reference with the manifest digest the registry reports."
        ),
    )
    add_push_arguments(parser)
    add_workflows_argument(parser)
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
        help="where the private directory goes: the layers to upload of a compressed "
        "archive are written there (default: the system temporary directory)",
    )
    parser.add_argument(
        "--policy",
        type=Path,
        metavar="FILE",
        help="containers signature policy for skopeo (default: one that accepts exactly "
        "the image ci-image serves skopeo from 127.0.0.1)",
    )
    add_registry_arguments(parser)


def push_options(
    args: argparse.Namespace,
    project: ProjectSettings,
    trace: Trace,
    workflows: Path | None = None,
) -> PushOptions:
    """``workflows``: where the pins to learn layers from are read, if the caller knows."""
    return PushOptions(
        archive=args.archive,
        repository=project.require_image(args.to, "--to"),
        registry=registry_options(args),
        tag=args.tag,
        tmpdir=args.tmpdir,
        policy=args.policy,
        workflows=workflows if workflows is not None else pin_source(args, project, trace),
    )


def pin_source(args: argparse.Namespace, project: ProjectSettings, trace: Trace) -> Path | None:
    """Where the pins to learn layers from are read: --workflows, else the project's
    workflows if it has any (a push outside a project learns nothing, and says so under
    --verbose)."""
    if args.workflows is not None:
        return project.workflow_directory(args.workflows)
    try:
        return project.workflow_directory(None)
    except CiImageError as error:
        trace(f"not learning layers from pinned images: {error.message}")
        return None


def report(result: PushResult) -> None:
    """The summary line, on stderr: stdout carries the reference alone."""
    if result.skipped:
        note(f"{result.reference.bare}:{result.reference.tag} already holds this image; "
             "nothing uploaded")  # fmt: skip
    else:
        note(f"pushed {result.reference.bare}:{result.reference.tag}: "
             f"{result.transfer.summary()}")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    trace = Trace(enabled=args.verbose)
    result = push(push_options(args, ProjectSettings(), trace), trace, os.environ)
    if args.json:
        emit_json(result.as_json())
    else:
        emit(str(result.reference))
        report(result)
    return 0
