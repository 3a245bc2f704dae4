"""``ci-image check``: are the workflows' images pinned, well-formed, agreeing and current?"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from pathlib import Path
from typing import Any, TextIO

from ci_image import package_version
from ci_image.commands.arguments import (
    ProjectSettings,
    add_image_argument,
    add_registry_arguments,
    add_workflows_argument,
    registry_connector,
)
from ci_image.errors import CiImageError
from ci_image.findings.check import CheckRun, adopter_facts, load_targets, run_check
from ci_image.findings.offline import CheckOptions
from ci_image.findings.report import FORMATS, render
from ci_image.output import display_path, emit_json, plural
from ci_image.reference import Reference


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "check",
        parents=parents,
        help="report floating, malformed, unresolvable, disagreeing and stale image "
        "references, and a build workflow or CI image that do not fit the project",
        description="Check every image reference in the workflows (or in the FILEs given). "
        "Exit 0 clean, 1 findings, 2 bad input or a registry that could not be asked. "
        "Findings: FILE:LINE:COL: RULE NAME MESSAGE; every rule is documented in "
        "docs/rules.md. Suppress one with `# ci-image: ignore[RULE]` on its line (or the "
        "line above), or with ignore = [...] in [tool.ci-image].",
    )
    parser.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="workflow files (or directories) to check instead of the workflow directory",
    )
    add_workflows_argument(parser)
    add_image_argument(parser)
    parser.add_argument(
        "--flake",
        metavar="REF",
        help="also report pins whose tag is not `nix eval --raw REF.imageTag` (e.g. .#ciImage)",
    )
    parser.add_argument(
        "--allow-unreleased",
        action="store_true",
        help="report the bootstrap pin IMAGE:unreleased as a note, not a failure",
    )
    parser.add_argument(
        "--registry",
        action="store_true",
        help="also ask the registries: does each pinned digest exist (CI007), does its tag "
        "still resolve to it (CI008)",
    )
    parser.add_argument(
        "--fix",
        action="store_true",
        help="pin every floating reference that has a version tag, in place, with the digest "
        "its registry gives (name:tag@sha256:...), all files or none",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="with --fix: print the unified diff and what would remain, change nothing",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="plain (default), json (as --json), sarif (SARIF 2.1.0), github (annotations)",
    )
    add_registry_arguments(parser, many=True)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    fmt = _format(args)
    if args.dry_run and not args.fix:
        raise CiImageError("--dry-run only goes with --fix: a check alone changes nothing")
    if args.files and args.workflows is not None:
        raise CiImageError("give FILEs or --workflows DIR, not both")
    project = ProjectSettings()
    image: Reference | None
    # --flake marks pins stale against the CI image's tag: it must know which that is.
    if args.flake is not None:
        image = project.require_image(args.image, "--image")
    else:
        image = project.image(args.image, "--image")
    paths = args.files or [project.workflow_directory(args.workflows)]
    # The adopter rules look at the workflow directory as a whole (its build workflow).
    adopter = None if args.files else adopter_facts(Path.cwd(), image, paths[0])
    workflows = load_targets(paths, remove_leftovers=not args.dry_run)
    current_tag = None
    if args.flake is not None:
        from ci_image.image.nix import image_tag_from_flake  # noqa: PLC0415 - only --flake

        current_tag = image_tag_from_flake(args.flake)
    options = CheckOptions(image, current_tag, args.flake, args.allow_unreleased)
    with contextlib.ExitStack() as session:
        connect = registry_connector(args, project, session)
        checked = run_check(
            workflows,
            options,
            ignore=project.settings.ignore,
            pyproject=project.settings.pyproject,
            connect=connect,
            fix=args.fix,
            dry_run=args.dry_run,
            registry=args.registry,
            adopter=adopter,
        )
    base = Path.cwd()
    _report_fix(checked, base, fmt, args.dry_run)
    if checked.fix is not None and checked.fix.unreachable:
        return _unreachable(checked)
    if fmt == "json":
        emit_json(_json_document(checked, base, args.dry_run))
    else:
        version = package_version() if fmt == "sarif" else "unknown"
        sys.stdout.write(render(checked.result, fmt, base, version=version))
    if checked.unreachable:
        return _unreachable(checked)
    return 1 if checked.result.failed else 0


def _format(args: argparse.Namespace) -> str:
    if args.json and args.format not in (None, "json"):
        raise CiImageError(f"--json and --format {args.format} contradict each other; give one")
    return "json" if args.json else (args.format or "plain")


def _report_fix(checked: CheckRun, base: Path, fmt: str, dry_run: bool) -> None:
    """What --fix pinned (or would pin): on stdout in the plain format, else on stderr,
    which keeps stdout one document; a dry run prints the diff instead (stdout, plain)."""
    plan = checked.fix
    if plan is None:
        return
    # JSON carries it in the document; SARIF and annotations keep stdout one report.
    out: TextIO = {"json": io.StringIO(), "plain": sys.stdout}.get(fmt, sys.stderr)
    for site, why in plan.unresolved:
        where = f"{display_path(site.path, base)}:{site.line}:{site.col}"
        sys.stderr.write(f"ci-image check: note: {where}: cannot pin {site.text}: {why}\n")
    if plan.unreachable:
        return
    if dry_run:
        out.write("".join(change.diff(base) for change in plan.changed))
        return
    for item in plan.fixed:
        where = f"{display_path(item.path, base)}:{item.line}:{item.col}"
        out.write(f"pinned {where}: {item.old} -> {item.new}\n")
    if plan.fixed:
        files = len(plan.changed)
        out.write(f"pinned {plural(len(plan.fixed), 'reference')} in {plural(files, 'file')}\n")


def _json_document(checked: CheckRun, base: Path, dry_run: bool) -> dict[str, Any]:
    document = checked.result.as_json(base)
    plan = checked.fix
    if plan is not None:
        document["fix"] = {
            "dry_run": dry_run,
            "pinned": [
                {
                    "path": display_path(item.path, base),
                    "line": item.line,
                    "col": item.col,
                    "old": item.old,
                    "new": item.new,
                }
                for item in plan.fixed
            ],
            "changed": [display_path(change.path, base) for change in plan.changed],
            "diff": "".join(change.diff(base) for change in plan.changed),
        }
    return document


def _unreachable(checked: CheckRun) -> int:
    """One error line per registry that could not be asked; exit 2."""
    for error in checked.unreachable:
        sys.stderr.write(f"ci-image check: error: {error}\n")
    return 2
