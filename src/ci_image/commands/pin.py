"""``ci-image pin REF``: pin one image, by tag and digest, everywhere the workflows use it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ci_image.commands.arguments import (
    ProjectSettings,
    add_workflows_argument,
    reference_argument,
)
from ci_image.output import display_path, emit, emit_json, plural
from ci_image.pinning.apply import PinResult, pin_workflows


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "pin",
        parents=parents,
        help="rewrite every reference to REF's repository in the workflows (all files or none)",
        description="Rewrite every reference to REF's repository (any tag or digest) in the "
        "workflows to REF, changing only the characters of each reference. REF must carry "
        "a tag and a digest. ${{ }} expressions are left alone.",
    )
    parser.add_argument("reference", metavar="REF", help="REGISTRY/OWNER/IMAGE:TAG@sha256:DIGEST")
    add_workflows_argument(parser)
    parser.add_argument(
        "--dry-run", action="store_true", help="print a unified diff and change nothing"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    reference = reference_argument(args.reference, "REF")
    directory = ProjectSettings().workflow_directory(args.workflows)
    result = pin_workflows(reference, directory, dry_run=args.dry_run)
    base = Path.cwd()
    if args.json:
        emit_json(as_json(result, base))
    else:
        report(result, base)
    return 0


def report(result: PinResult, base: Path) -> None:
    note_left_alone(result, base, "pin")
    count = len(result.replacements)
    if result.already_pinned:
        files = len(result.changes)
        emit(
            f"already pinned: {plural(count, 'reference')} in {plural(files, 'file')} "
            f"{'is' if count == 1 else 'are'} {result.reference}"
        )
        return
    if result.dry_run:
        sys.stdout.write(result.diff(base))
        return
    report_changed_files(result, base)
    changed_files = len(result.changed_files)
    emit(f"pinned {result.reference} in {changed_files} of {plural(result.files, 'file')}")


def note_left_alone(result: PinResult, base: Path, command: str) -> None:
    """One note on stderr per ``${{ }}`` reference that pinning left alone (pin, release)."""
    for site in result.left_alone:
        where = f"{display_path(site.path, base)}:{site.line}:{site.col}"
        sys.stderr.write(
            f"ci-image {command}: note: {where}: left alone: {site.where} is a "
            "${{ }} expression\n"
        )


def report_changed_files(result: PinResult, base: Path) -> None:
    """``changed FILE (N references)`` for each file pinning rewrote (pin, release)."""
    for change in result.changed_files:
        changed = sum(1 for item in change.replacements if item.changed)
        emit(f"changed {display_path(change.path, base)} ({plural(changed, 'reference')})")


def as_json(result: PinResult, base: Path) -> dict[str, Any]:
    document: dict[str, Any] = {
        "reference": str(result.reference),
        "dry_run": result.dry_run,
        "already_pinned": result.already_pinned,
        "files": result.files,
        "changed": [display_path(change.path, base) for change in result.changed_files],
        "replacements": [
            {
                "path": display_path(item.path, base),
                "line": item.line,
                "col": item.col,
                "where": item.where,
                "old": item.old,
                "new": item.new,
                "changed": item.changed,
            }
            for item in result.replacements
        ],
        "left_alone": [
            {
                "path": display_path(site.path, base),
                "line": site.line,
                "col": site.col,
                "where": site.where,
                "text": site.text,
            }
            for site in result.left_alone
        ],
    }
    if result.dry_run:
        document["diff"] = result.diff(base)
    return document
