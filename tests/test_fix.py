from __future__ import annotations

from pathlib import Path
from typing import cast

from ci_image.errors import CiImageError
from ci_image.findings.offline import CheckOptions, check_workflows
from ci_image.pinning.fix import fixable_sites, fixed_workflows, plan_fix
from ci_image.pinning.resolve import RegistryQueries
from ci_image.reference import Reference
from ci_image.workflows.sites import find_image_sites
from workflow_helpers import workflow

DIGEST = "sha256:" + "5" * 64
TEXT = """on: push
jobs:
  a:
    container: redis:7
    services:
      b: {image: redis:7}
      c: {image: alpine}
      d: {image: "node:latest"}
      e: {image: "pg.example/x:1"}
      f: {image: "pg.example/y:2"}
      g: {image: "gone:1"}
"""


class Answers:
    """What registries answer, for the planner's logic (the features ask a real one)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def current_digest(self, reference: Reference) -> str | None:
        self.asked.append(str(reference))
        if reference.registry == "pg.example":
            raise CiImageError("cannot reach the registry pg.example: connection refused")
        return None if reference.path == "gone" else DIGEST


def test_only_version_tags_are_fixed_each_tag_asked_once_and_a_dead_registry_stops_all() -> None:
    loaded = workflow(TEXT)
    result = check_workflows([loaded], CheckOptions())
    fixable = fixable_sites(result)
    assert [item.site.text for item in fixable] == ["redis:7", "redis:7", "pg.example/x:1",
                                               "pg.example/y:2", "gone:1"]  # fmt: skip
    answers = Answers()
    sites = {loaded.path: find_image_sites(loaded)}
    plan = plan_fix([loaded], sites, fixable, cast(RegistryQueries, answers))
    assert answers.asked == ["redis:7", "pg.example/x:1", "gone:1"]
    assert plan.changes == () and len(plan.unreachable) == 1
    assert str(plan.unreachable[0]).endswith("connection refused; nothing was pinned")


def test_a_missing_tag_is_left_and_said_the_rest_pinned() -> None:
    text = "\n".join(TEXT.splitlines()[:8]) + '\n      g: {image: "gone:1"}\n'
    loaded = workflow(text)
    fixable = fixable_sites(check_workflows([loaded], CheckOptions()))
    sites = {loaded.path: find_image_sites(loaded)}
    plan = plan_fix([loaded], sites, fixable, cast(RegistryQueries, Answers()))
    assert [item.new for item in plan.fixed] == [f"redis:7@{DIGEST}"] * 2
    assert [(site.text, why) for site, why in plan.unresolved] == [
        ("gone:1", "docker.io has no tag 1 in docker.io/library/gone")
    ]
    (after,) = fixed_workflows([loaded], plan)
    remaining = check_workflows([after], CheckOptions()).findings
    assert sorted({finding.line for finding in remaining}) == [7, 8, 9]


def test_workflows_the_fix_leaves_alone_are_kept_as_they_are() -> None:
    changed, kept = (
        workflow("on: push\njobs:\n  a: {container: redis:7}\n"),
        workflow("on: push\njobs:\n  a: {container: alpine}\n", Path("other.yml")),
    )
    fixable = fixable_sites(check_workflows([changed, kept], CheckOptions()))
    sites = {item.path: find_image_sites(item) for item in (changed, kept)}
    plan = plan_fix([changed, kept], sites, fixable, cast(RegistryQueries, Answers()))
    after = fixed_workflows([changed, kept], plan)
    assert after[1] is kept and after[0].text.endswith(f"redis:7@{DIGEST}}}\n")
