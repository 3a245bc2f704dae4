"""``ci-image init``: adopt the CI image in an existing uv project."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ci_image.adopt.plan import AdoptionPlan, InitOptions, apply_plan, plan_adoption
from ci_image.output import display_path, emit, emit_json, plural

# What a maintainer does after init, in order (ci/README.md, "Adopt it").
NEXT_STEPS = (
    "git add flake.nix, then `nix flake lock` (a flake sees only files git knows) and "
    "commit flake.nix, flake.lock and the changes above",
    "register a Forgejo runner with the label `nix` on a host with Nix (flakes enabled) "
    "for the build workflow",
    "add the repository secrets CI_IMAGE_REGISTRY_USER and CI_IMAGE_REGISTRY_TOKEN (a token "
    "with write:package) and CI_IMAGE_BOT_USER and CI_IMAGE_BOT_TOKEN (a bot account that "
    "may push to the repository)",
    "run the build-ci-image workflow once by hand (workflow_dispatch on {branch})",
    "merge the pull request it opens ('ci: pin the CI image TAG'): the jobs then run in the "
    "pinned image; until then `ci-image check --allow-unreleased` passes",
)


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "init",
        parents=parents,
        help="adopt the CI image in this uv project: flake, settings, bootstrap pin, "
        "build workflow",
        description="Adopt the CI image in the uv project in the working directory: write "
        "flake.nix from ci-image's template, image in [tool.ci-image], the bootstrap pin "
        "IMAGE:unreleased in the jobs that run Python on a docker runner (their install "
        "steps replaced by ci-image env-check --fallback), the build workflow and "
        "actionlint's runner labels. Never replaces a file that differs from what it "
        "writes without --force; all files or none; a second run changes nothing.",
    )
    parser.add_argument(
        "--image",
        metavar="REPO",
        help="the image repository REGISTRY/OWNER/IMAGE (default: image in [tool.ci-image], "
        "else HOST/OWNER/REPO of the git remote)",
    )
    parser.add_argument(
        "--branch",
        metavar="NAME",
        help="the branch whose inputs become the image (default: the remote's default "
        "branch, else init.defaultBranch, else main)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace flake.nix, the build workflow and a configured image that differ",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the unified diff on stdout (git apply takes it), the reasons on "
        "stderr, and write nothing",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    root = Path.cwd()
    options = InitOptions(image=args.image, branch=args.branch, force=args.force)
    plan = plan_adoption(root, options)
    if not args.dry_run:
        apply_plan(plan)
    base = Path.cwd()
    if args.json:
        emit_json(as_json(plan, base, dry_run=args.dry_run))
    elif args.dry_run:
        # The diff alone on stdout, so `ci-image init --dry-run | git apply` works.
        sys.stdout.write(plan.diff(base))
        report(plan, base, line=_to_stderr, dry_run=True)
    else:
        report(plan, base, line=emit, dry_run=False)
    return 0


def _to_stderr(text: str) -> None:
    sys.stderr.write(text + "\n")


def report(plan: AdoptionPlan, base: Path, *, line: Callable[[str], None], dry_run: bool) -> None:

    line(f"image: {plan.image} (from {plan.image_source})")
    would = "would " if dry_run else ""
    for item in plan.files:
        if item.new is None:
            continue
        line(f"{would}{item.action} {display_path(item.path, base)}:")
        for reason in item.reasons:
            line(f"  {reason}")
    for path, job, _changes, left_alone in plan.jobs:
        if left_alone is not None:
            line(f"left alone: {display_path(path, base)} job {job}: {left_alone}")
    for item in plan.files:
        if item.new is None:
            line(f"{item.action} {display_path(item.path, base)}: {'; '.join(item.reasons)}")
    for note in plan.notes:
        line(f"note: {note}")
    changes = plan.changes
    kept = sum(1 for item in plan.files if item.kept)
    if not changes and not kept:
        line("nothing to change: the project is already set up for the CI image")
    elif not changes:
        line(f"nothing to change but {plural(kept, 'file')} kept as it is (see above)")
    elif not dry_run:
        line(f"wrote {plural(len(changes), 'file')}")
    line("next steps:")
    for number, step in enumerate(next_steps(plan), start=1):
        line(f"  {number}. {step}")


def next_steps(plan: AdoptionPlan) -> list[str]:
    return [step.format(branch=plan.branch) for step in NEXT_STEPS]


def as_json(plan: AdoptionPlan, base: Path, *, dry_run: bool) -> dict[str, Any]:
    document: dict[str, Any] = {
        "image": plan.image,
        "image_source": plan.image_source,
        "bootstrap_pin": plan.bootstrap_pin,
        "branch": plan.branch,
        "inputs": list(plan.inputs),
        "dry_run": dry_run,
        "changed": bool(plan.changes),
        "files": [
            {
                "path": display_path(item.path, base),
                "action": item.action,
                "reasons": list(item.reasons),
            }
            for item in plan.files
        ],
        "jobs": [
            {
                "path": display_path(path, base),
                "job": job,
                "changes": list(changes),
                "left_alone": left_alone,
            }
            for path, job, changes, left_alone in plan.jobs
        ],
        "notes": list(plan.notes),
        "next_steps": next_steps(plan),
    }
    if dry_run:
        document["diff"] = plan.diff(base)
    return document
