"""``ci-image triggers``: does a push run each workflow, with Forgejo's exact rules?"""

from __future__ import annotations

import argparse
from pathlib import Path

from ci_image.commands.arguments import ProjectSettings
from ci_image.errors import CiImageError
from ci_image.output import emit, emit_json
from ci_image.triggers.changes import Changes, changed_files
from ci_image.triggers.decision import (
    Decision,
    decide,
    decision_json,
    decision_line,
    filter_needing_changes,
    parse_ref,
    read_push_trigger,
)
from ci_image.workflows.loader import Workflow, load_some_workflows, load_workflow

DEFAULT_REF = "refs/heads/main"


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser(
        "triggers",
        parents=parents,
        help="say whether a push runs each workflow, with Forgejo's rules, and why",
        description=(
            "Decide, as Forgejo does, whether a push of REF that changed the given files "
            "runs each workflow. Exit 0 if one runs, 1 if none does, 2 on bad input."
        ),
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--workflow", type=Path, metavar="FILE", help="one workflow file")
    source.add_argument(
        "--workflows",
        type=Path,
        metavar="DIR",
        help="every workflow below DIR (default: [tool.ci-image] workflows, else Forgejo's "
        "discovery: .forgejo/workflows, .gitea/workflows, .github/workflows)",
    )
    parser.add_argument(
        "--ref",
        default=DEFAULT_REF,
        help=f"the pushed ref, refs/heads/X or refs/tags/X (default {DEFAULT_REF})",
    )
    changes = parser.add_mutually_exclusive_group()
    changes.add_argument(
        "--changed",
        nargs="*",
        metavar="PATH",
        help="the changed files, relative to the repository root",
    )
    changes.add_argument(
        "--git",
        nargs=2,
        metavar=("BASE", "HEAD"),
        help="take the changed files from git diff-tree BASE HEAD in the current repository, "
        "as the server does (BASE all zeros: a new branch)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    ref = parse_ref(args.ref)
    cwd = Path.cwd()
    workflows = _workflows(args)
    changes: Changes | None = None
    files: list[str] | None = None
    if args.git is not None:
        changes = changed_files(cwd, args.git[0], args.git[1])
        files = list(changes.files)
    elif args.changed is not None:
        files = [_check_path(path) for path in args.changed]
    decisions: list[tuple[str, Decision]] = []
    for workflow in workflows:
        trigger = read_push_trigger(workflow, cwd)
        name = workflow.display(cwd)
        needing = filter_needing_changes(trigger, ref) if files is None else None
        if needing is not None:
            raise CiImageError(
                f"on.push.{needing.key} decides whether a push of {ref.full} runs this "
                "workflow; pass the changed files with --changed PATH... or --git BASE HEAD",
                path=name,
                line=needing.line,
            )
        decisions.append((name, decide(trigger, ref, files)))
    any_triggers = any(decision.triggers for _name, decision in decisions)
    if args.json:
        emit_json(
            {
                "ref": ref.full,
                "changes": _changes_json(changes, files),
                "triggers": any_triggers,
                "workflows": [decision_json(name, decision) for name, decision in decisions],
            }
        )
    else:
        for name, decision in decisions:
            emit(decision_line(name, decision))
    return 0 if any_triggers else 1


def _workflows(args: argparse.Namespace) -> list[Workflow]:
    if args.workflow is not None:
        return [load_workflow(args.workflow)]
    directory = ProjectSettings().workflow_directory(args.workflows)
    return load_some_workflows(directory, "pass --workflow FILE or another --workflows DIR")


def _check_path(path: str) -> str:
    """Forgejo compares patterns with git's paths: relative, no './', no leading '/'."""
    if not path or path.startswith(("/", "./")) or path in (".",):
        raise CiImageError(
            f"--changed {path!r}: give paths as git lists them, relative to the repository "
            "root without a leading './' or '/' (e.g. src/app.py)"
        )
    return path


def _changes_json(changes: Changes | None, files: list[str] | None) -> dict[str, object] | None:
    if changes is not None:
        return {
            "source": "git",
            "base": changes.base,
            "head": changes.head,
            "new_branch": changes.new_branch,
            "files": list(changes.files),
        }
    if files is not None:
        return {"source": "changed", "files": files}
    return None
