"""``ci-image check``: are the workflows' images pinned, well-formed, agreeing and current?"""

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
from ci_image.findings.check import check_directory
from ci_image.output import emit, emit_json
from ci_image.reference import Reference
from ci_image.trace import Trace


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "check",
        parents=parents,
        help="report floating, malformed, unresolvable, disagreeing and stale image "
        "references, and a build workflow or CI image that do not fit the project",
        description="Check every image reference in the workflows. Exit 0 clean, 1 findings, "
        "2 bad input. Findings: FILE:LINE:COL: RULE NAME MESSAGE.",
    )
    add_workflows_argument(parser)
    parser.add_argument(
        "--image",
        metavar="REPO",
        help="the CI image's repository REGISTRY/OWNER/IMAGE (default: image in [tool.ci-image])",
    )
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
    add_registry_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    project = ProjectSettings()
    image: Reference | None
    # --flake marks pins stale against the CI image's tag: it must know which that is.
    if args.flake is not None:
        image = project.require_image(args.image, "--image")
    else:
        image = project.image(args.image, "--image")
    directory = project.workflow_directory(args.workflows)
    result = check_directory(
        directory,
        image=image,
        flake=args.flake,
        allow_unreleased=args.allow_unreleased,
        project=Path.cwd(),
    )
    if args.registry:
        trace = Trace(enabled=args.verbose)
        options = registry_options(args)
        # Imported here: only --registry needs the registry client.
        from ci_image.findings.registry import registry_findings  # noqa: PLC0415

        extra = registry_findings(result.sites, options, environ=os.environ, trace=trace)
        result = result.with_findings(extra)
    base = Path.cwd()
    if args.json:
        emit_json(result.as_json(base))
    else:
        for finding in result.findings:
            emit(finding.format(base))
        emit(result.summary())
    return 1 if result.failed else 0
