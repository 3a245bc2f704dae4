"""The rules for an adopting project: its build workflow and its image must fit together.

They apply once the project has a build workflow (``build-ci-image.yml`` or ``.yaml`` in
the workflow directory, as ``ci-image init`` writes it):

- ``CI011 build-paths``: the workflow's ``push`` ``paths:`` must be exactly the image's
  inputs (:mod:`ci_image.image.input_paths`, the rule of the flake's ``lib.imageInputs``)
  and the workflow itself. A missing input leaves the image stale after a change to it;
  an extra path rebuilds for nothing.
- ``CI012 unused-image``: the configured image must be used by at least one job, or
  every job keeps installing what the image holds (and ``release`` has nothing to pin).

Pure logic: the workflows, sites and the project's facts in, findings out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ci_image.findings.model import Finding
from ci_image.findings.rules import BUILD_PATHS, UNUSED_IMAGE
from ci_image.reference import Reference
from ci_image.workflows.loader import Workflow
from ci_image.workflows.nodes import mapping_get, position
from ci_image.workflows.sites import ImageSite

BUILD_WORKFLOW_STEM = "build-ci-image"
FIX_PATHS = "run ci-image init --force to write it again, or edit its paths:"


@dataclass(frozen=True)
class Location:
    path: Path
    line: int
    col: int


@dataclass(frozen=True)
class AdopterFacts:
    """What the rules need from the project: its root and workflow directory, the image's
    inputs (None when the project has no readable uv.lock), and where the image is
    configured."""

    root: Path
    workflow_directory: Path
    inputs: tuple[str, ...] | None
    image: Reference | None
    image_setting: Location | None


def build_workflow(workflows: Sequence[Workflow], directory: Path) -> Workflow | None:
    for workflow in workflows:
        if workflow.path.parent == directory and workflow.path.stem == BUILD_WORKFLOW_STEM:
            return workflow
    return None


def adopter_findings(
    workflows: Sequence[Workflow], sites: Sequence[ImageSite], facts: AdopterFacts
) -> list[Finding]:
    build = build_workflow(workflows, facts.workflow_directory)
    if build is None:
        return []
    findings: list[Finding] = []
    if facts.inputs is not None and build.path.is_relative_to(facts.root):
        own = build.path.relative_to(facts.root).as_posix()
        finding = _paths_finding(build, [*facts.inputs, own])
        if finding is not None:
            findings.append(finding)
    if facts.image is not None:
        finding = _unused_finding(build, sites, facts.image, facts.image_setting)
        if finding is not None:
            findings.append(finding)
    return findings


def _finding(where: Location, rule_id: str, name: str, message: str) -> Finding:
    return Finding(where.path, where.line, where.col, rule_id, name, message)


def _paths_finding(build: Workflow, expected: list[str]) -> Finding | None:
    on = mapping_get(build.root, "on")
    push = mapping_get(on, "push")
    paths = mapping_get(push, "paths")
    where = _location(build, on if push is None else push if paths is None else paths)
    listing = ", ".join(expected)
    rule = (BUILD_PATHS.id, BUILD_PATHS.name)
    if not isinstance(paths, yaml.SequenceNode):
        return _finding(
            where,
            *rule,
            "the build workflow has no push paths: list; it must run on a push to exactly "
            f"the image's inputs and itself: {listing}; {FIX_PATHS}",
        )
    actual = [item.value for item in paths.value if isinstance(item, yaml.ScalarNode)]
    missing = [path for path in expected if path not in actual]
    extra = [path for path in actual if path not in expected]
    if not missing and not extra and len(actual) == len(paths.value):
        return None
    problems = []
    if missing:
        problems.append(f"missing {', '.join(missing)} (a change there leaves the image stale)")
    if extra:
        problems.append(f"not inputs: {', '.join(extra)} (a change there rebuilds for nothing)")
    if len(actual) != len(paths.value):
        problems.append("an entry that is not a plain string")
    return _finding(
        where,
        *rule,
        f"the build workflow's push paths are not the image's inputs: {'; '.join(problems)}; "
        f"they must be exactly {listing}; {FIX_PATHS}",
    )


def _location(workflow: Workflow, node: yaml.Node | None) -> Location:
    if node is None:
        return Location(workflow.path, 1, 1)
    line, col = position(node)
    return Location(workflow.path, line, col)


def _unused_finding(
    build: Workflow, sites: Sequence[ImageSite], image: Reference, setting: Location | None
) -> Finding | None:
    if any(site.reference is not None and site.reference.same_repository(image) for site in sites):
        return None
    where = setting or Location(build.path, 1, 1)
    return _finding(
        where,
        UNUSED_IMAGE.id,
        UNUSED_IMAGE.name,
        f"the CI image {image.repository} is used by no job: the build workflow builds it for "
        f"nothing; in each job that should run in it write `container: "
        f"{image.repository}:unreleased` (ci-image init does), or fix the image name",
    )
