"""``ci-image release ARCHIVE``: push the image, then pin the confirmed reference."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ci_image.commands.arguments import ProjectSettings, add_workflows_argument
from ci_image.commands.pin import as_json as pin_json
from ci_image.commands.pin import note_left_alone, report_changed_files
from ci_image.commands.push import add_push_arguments, push_options
from ci_image.commands.push import report as report_push
from ci_image.output import display_path, emit, emit_json, plural
from ci_image.publish.release import ReleaseResult, release
from ci_image.trace import Trace


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "release",
        parents=parents,
        help="push an image archive, then pin the reference the registry confirmed",
        description=(
            "Push like `ci-image push`, then pin REPO:TAG@DIGEST (the digest the registry "
            "reports) in every workflow that uses REPO: all files or none. The workflows "
            "are checked before anything is pushed; if the push fails, no file changes. "
            "--dry-run pushes nothing and shows what would change."
        ),
    )
    add_push_arguments(parser)
    add_workflows_argument(parser)
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="push nothing; show the diff for the registry's current state",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    project = ProjectSettings()
    trace = Trace(enabled=args.verbose)
    directory = project.workflow_directory(args.workflows)
    options = push_options(args, project, trace, workflows=directory)
    result = release(options, directory, dry_run=args.dry_run, trace=trace, environ=os.environ)
    base = Path.cwd()
    if args.json:
        emit_json(as_json(result, base, args.archive))
    else:
        report(result, base, args.archive)
    return 0


def report(result: ReleaseResult, base: Path, archive: Path) -> None:
    pin = result.pin
    note_left_alone(pin, base, "release")
    if not result.digest_known:
        emit(
            f"would push {archive} to {result.plan.repository}:{result.plan.tag} (not in "
            "the registry yet: its digest is known only after the push), then pin it at:"
        )
        for item in pin.replacements:
            where = f"{display_path(item.path, base)}:{item.line}:{item.col}"
            emit(f"  {where} {item.where}: {item.old}")
        return
    emit(str(pin.reference))
    if result.push is not None:
        report_push(result.push)
    if pin.already_pinned:
        emit(f"already pinned in {plural(len(pin.changes), 'file')}; nothing to change")
    elif pin.dry_run:
        sys.stdout.write(pin.diff(base))
    else:
        report_changed_files(pin, base)


def as_json(result: ReleaseResult, base: Path, archive: Path) -> dict[str, Any]:
    document: dict[str, Any] = {
        "archive": str(archive),
        "dry_run": result.push is None,
        "push": None if result.push is None else result.push.as_json(),
        "reference": str(result.pin.reference) if result.digest_known else None,
        "pin": pin_json(result.pin, base) if result.digest_known else None,
    }
    if not result.digest_known:
        document["would_pin"] = [
            {
                "path": display_path(item.path, base),
                "line": item.line,
                "col": item.col,
                "where": item.where,
                "old": item.old,
            }
            for item in result.pin.replacements
        ]
    return document
