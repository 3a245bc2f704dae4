"""``check`` end to end: load the workflows, apply the rules, optionally pin what floats
(``--fix``) and ask the registries (``--registry``), then apply the suppressions.

The order matters: the fix pins only floating references nobody suppressed, the
workflows it rewrote are checked again, and suppressions apply to every finding,
registry ones included, at the end, when it is known which of them silenced nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ci_image.errors import CiImageError
from ci_image.findings.model import CheckResult
from ci_image.findings.offline import CheckOptions, check_workflows
from ci_image.findings.rules import (
    INCONSISTENT,
    MISSING_DIGEST,
    MOVED_TAG,
    STALE,
    UNRELEASED,
    all_rules,
)
from ci_image.findings.suppressions import (
    Suppression,
    apply_suppressions,
    inline_suppressions,
    setting_suppressions,
)
from ci_image.pinning.apply import file_writes
from ci_image.pinning.atomic import write_files
from ci_image.pinning.fix import FixPlan, fixable_sites, fixed_workflows, plan_fix
from ci_image.pinning.resolve import RegistryQueries
from ci_image.settings import IgnoreSetting
from ci_image.workflows.loader import Workflow, load_some_workflows, load_workflow
from ci_image.workflows.sites import ImageSite


def load_targets(paths: Sequence[Path], *, remove_leftovers: bool) -> list[Workflow]:
    """The workflows ``check`` looks at: each path a workflow file, or a directory read
    as a workflow directory (none in it is an error); each file once."""
    workflows: dict[Path, Workflow] = {}
    for path in paths:
        loaded = (
            load_some_workflows(path, remove_leftovers=remove_leftovers)
            if path.is_dir()
            else [load_workflow(path)]
        )
        for workflow in loaded:
            workflows.setdefault(workflow.path.resolve(), workflow)
    return list(workflows.values())


def evaluated_rules(options: CheckOptions, *, registry: bool) -> frozenset[str]:
    """The rules this run applies: a suppression of any other cannot be told unused."""
    skipped: set[str] = set()
    if options.image is None:
        skipped |= {INCONSISTENT.id, UNRELEASED.id, STALE.id}
    if options.current_tag is None:
        skipped.add(STALE.id)
    if not registry:
        skipped |= {MISSING_DIGEST.id, MOVED_TAG.id}
    return frozenset(rule.id for rule in all_rules()) - skipped


@dataclass(frozen=True)
class CheckRun:
    """The final result; the fix (planned, and written unless a dry run); and one error
    per registry that could not be asked (the command exits 2 after reporting)."""

    result: CheckResult
    fix: FixPlan | None
    unreachable: tuple[CiImageError, ...]


def run_check(
    workflows: Sequence[Workflow],
    options: CheckOptions,
    *,
    ignore: Sequence[IgnoreSetting] = (),
    pyproject: Path | None = None,
    connect: Callable[[], RegistryQueries],
    fix: bool = False,
    dry_run: bool = False,
    registry: bool = False,
) -> CheckRun:
    """Check, fix, verify against the registries, suppress. ``connect`` gives the
    registry queries, called only when a registry is to be asked."""
    evaluated = evaluated_rules(options, registry=registry)
    settings = setting_suppressions(ignore, pyproject)
    raw = check_workflows(workflows, options)
    plan: FixPlan | None = None
    if fix:
        standing = _suppressed(raw, workflows, settings, evaluated)
        fixable = fixable_sites(standing)
        sites: dict[Path, list[ImageSite]] = {workflow.path: [] for workflow in workflows}
        for site in raw.sites:
            sites[site.path].append(site)
        plan = plan_fix(workflows, sites, fixable, connect() if fixable else None)
        if plan.unreachable:
            return CheckRun(standing, plan, plan.unreachable)
        if plan.changed:
            if not dry_run:
                write_files(file_writes(plan.changed))
            workflows = fixed_workflows(workflows, plan)
            raw = check_workflows(workflows, options)
    unreachable: tuple[CiImageError, ...] = ()
    if registry:
        # Imported here: only --registry needs the registry verification.
        from ci_image.findings.registry import registry_findings  # noqa: PLC0415

        answers = registry_findings(raw.sites, connect())
        raw = raw.with_findings(answers.findings)
        unreachable = answers.unreachable
    return CheckRun(_suppressed(raw, workflows, settings, evaluated), plan, unreachable)


def _suppressed(
    result: CheckResult,
    workflows: Sequence[Workflow],
    settings: Sequence[Suppression],
    evaluated: frozenset[str],
) -> CheckResult:
    inline = [item for workflow in workflows for item in inline_suppressions(workflow)]
    outcome = apply_suppressions(
        result.findings, [*inline, *settings], evaluated=evaluated, sites=result.sites
    )
    return result.with_suppressed((*outcome.kept, *outcome.unused), outcome.silenced)
