"""``check`` end to end: load the workflows, apply the rules, optionally pin what floats
(``--fix``) and ask the registries (``--registry``), then apply the suppressions.

The order matters: the fix pins only floating references nobody suppressed, the
workflows it rewrote are checked again, and suppressions apply to every finding,
registry ones included, at the end, when it is known which of them silenced nothing. The
adopter rules (:mod:`ci_image.findings.adopter`) join the offline ones when the workflow
directory is checked and holds a build workflow.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ci_image.errors import CiImageError
from ci_image.findings.adopter import AdopterFacts, Location, adopter_findings, build_workflow
from ci_image.findings.model import CheckResult
from ci_image.findings.offline import CheckOptions, check_workflows
from ci_image.findings.rules import Needs, all_rules
from ci_image.findings.suppressions import (
    Suppression,
    apply_suppressions,
    inline_suppressions,
    setting_suppressions,
)
from ci_image.image.input_paths import image_input_paths
from ci_image.pinning import temporaries
from ci_image.pinning.apply import file_writes
from ci_image.pinning.atomic import write_files
from ci_image.pinning.fix import FixPlan, fixable_sites, fixed_workflows, plan_fix
from ci_image.pinning.resolve import RegistryQueries
from ci_image.reference import Reference
from ci_image.settings import IgnoreSetting, find_pyproject
from ci_image.workflows.loader import Workflow, load_some_workflows, load_workflow
from ci_image.workflows.sites import ImageSite


def load_targets(paths: Sequence[Path], *, remove_leftovers: bool) -> list[Workflow]:
    """The workflows ``check`` looks at: each path a workflow file, or a directory read
    as a workflow directory (none in it is an error); each file once."""
    workflows: dict[Path, Workflow] = {}
    sweep = temporaries.remove_leftovers if remove_leftovers else None
    for path in paths:
        loaded = (
            load_some_workflows(path, before_loading=sweep)
            if path.is_dir()
            else [load_workflow(path)]
        )
        for workflow in loaded:
            workflows.setdefault(workflow.path.resolve(), workflow)
    return list(workflows.values())


def evaluated_rules(
    options: CheckOptions, *, registry: bool, adopting: bool = False
) -> frozenset[str]:
    """The rules this run applies: a suppression of any other cannot be told unused."""
    available = {
        Needs.IMAGE: options.image is not None,
        Needs.CURRENT_TAG: options.current_tag is not None,
        Needs.REGISTRY: registry,
        Needs.ADOPTION: adopting,
    }
    return frozenset(rule.id for rule in all_rules() if all(available[need] for need in rule.needs))


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
    adopter: AdopterFacts | None = None,
) -> CheckRun:
    """Check, fix, verify against the registries, suppress. ``connect`` gives the
    registry queries, called only when a registry is to be asked; ``adopter``, the
    project the adopter rules look at, when the workflow directory is checked."""
    if adopter is not None and build_workflow(workflows, adopter.workflow_directory) is None:
        adopter = None
    evaluated = evaluated_rules(options, registry=registry, adopting=adopter is not None)
    settings = setting_suppressions(ignore, pyproject)
    raw = _offline(workflows, options, adopter)
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
            raw = _offline(workflows, options, adopter)
    unreachable: tuple[CiImageError, ...] = ()
    if registry:
        # Imported here: only --registry needs the registry verification.
        from ci_image.findings.registry import registry_findings  # noqa: PLC0415

        answers = registry_findings(raw.sites, connect())
        raw = raw.with_findings(answers.findings)
        unreachable = answers.unreachable
    return CheckRun(_suppressed(raw, workflows, settings, evaluated), plan, unreachable)


def _offline(
    workflows: Sequence[Workflow], options: CheckOptions, adopter: AdopterFacts | None
) -> CheckResult:
    """The offline rules, and the adopter rules when there is a project to check."""
    result = check_workflows(workflows, options)
    if adopter is None:
        return result
    return result.with_findings(adopter_findings(workflows, result.sites, adopter))


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


_IMAGE_KEY = re.compile(r"^\s*image\s*=\s*[\"']")


def adopter_facts(
    start: Path, image: Reference | None, workflow_directory: Path
) -> AdopterFacts | None:
    """The project around ``start`` (with its workflow directory) as the adopter rules see
    it; None without a pyproject.toml. A lock that cannot be read leaves the paths rule
    out (env-check and init report a broken lock; check is about the workflows)."""
    pyproject = find_pyproject(start.resolve())
    if pyproject is None:
        return None
    root = pyproject.parent
    try:
        lock = tomllib.loads((root / "uv.lock").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        inputs = None
    else:
        inputs = tuple(image_input_paths(root, lock))
    return AdopterFacts(root, workflow_directory, inputs, image, _image_setting(pyproject, image))


def _image_setting(pyproject: Path, image: Reference | None) -> Location | None:
    """Where pyproject.toml configures ``image``, if that is where it comes from."""
    if image is None:
        return None
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        match = _IMAGE_KEY.match(line)
        if match is not None and image.repository in line:
            return Location(pyproject, number, match.end() + 1)
    return None
