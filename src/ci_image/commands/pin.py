"""``ci-image pin REF``: pin one image by tag and digest where the workflows use it.

The CI image (``image`` in [tool.ci-image], or ``--image``) is pinned at REF's tag
everywhere; any other image only where a reference names REF's tag (every version tag,
each kept, when REF names none). Without a digest, the registry is asked for it.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Any

from ci_image.commands.arguments import (
    ProjectSettings,
    add_image_argument,
    add_registry_arguments,
    add_workflows_argument,
    reference_argument,
    registry_connector,
)
from ci_image.output import display_path, emit, emit_json, plural
from ci_image.pinning.apply import PinResult, Resolver, pin_workflows


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "pin",
        parents=parents,
        help="pin an image by tag and digest in the workflows (all files or none)",
        description="Pin REF in the workflows, changing only the characters of each "
        "reference. The CI image is pinned at REF's tag everywhere; any other image only "
        "where a reference names that tag (with no tag in REF: each reference at its own "
        "version tag). Without a digest in REF, its registry is asked (for a "
        "multi-platform image: the index's digest). 'latest' is refused. ${{ }} "
        "expressions are left alone; literal matrix values are pinned.",
    )
    parser.add_argument(
        "reference", metavar="REF", help="IMAGE[:TAG][@sha256:DIGEST], e.g. postgres:16"
    )
    add_workflows_argument(parser)
    add_image_argument(parser)
    parser.add_argument(
        "--dry-run", action="store_true", help="print a unified diff and change nothing"
    )
    add_registry_arguments(parser, many=True)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    reference = reference_argument(args.reference, "REF")
    project = ProjectSettings()
    directory = project.workflow_directory(args.workflows)
    ci_image = project.image(args.image, "--image")
    with contextlib.ExitStack() as session:
        resolve: Resolver | None = None
        if reference.digest is None:
            resolve = _resolver(args, project, session)
        result = pin_workflows(
            reference, directory, ci_image=ci_image, dry_run=args.dry_run, resolve=resolve
        )
    base = Path.cwd()
    if args.json:
        emit_json(as_json(result, base))
    else:
        report(result, base)
    return 0


def _resolver(
    args: argparse.Namespace, project: ProjectSettings, session: contextlib.ExitStack
) -> Resolver:
    """The registry's digest for a tag, asked only when REF names none."""
    from ci_image.pinning.resolve import resolve_tag  # noqa: PLC0415

    connect = registry_connector(args, project, session)
    return lambda reference: resolve_tag(connect(), reference)


def report(result: PinResult, base: Path) -> None:
    note_left_alone(result, base, "pin")
    for site in result.other_tags:
        where = f"{display_path(site.path, base)}:{site.line}:{site.col}"
        if result.reference.tag is None:
            why = "no version tag (none, or 'latest'): write one in the workflow, then pin"
        elif site.reference is not None and site.reference.tag is None:
            why = "no tag (so 'latest'), another image"
        else:
            why = f"another tag than {result.reference.tag}, another image"
        sys.stderr.write(f"ci-image pin: note: {where}: left alone: {site.text} names {why}\n")
    count = len(result.replacements)
    if result.already_pinned:
        files = len(result.changes)
        emit(
            f"already pinned: {plural(count, 'reference')} in {plural(files, 'file')} "
            f"{'is' if count == 1 else 'are'} {result.pinned_text}"
        )
        return
    if result.dry_run:
        sys.stdout.write(result.diff(base))
        return
    report_changed_files(result, base)
    changed_files = len(result.changed_files)
    emit(f"pinned {result.pinned_text} in {changed_files} of {plural(result.files, 'file')}")


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
        "pins": [str(pin) for pin in result.pins],
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
