"""The adopter rules (CI011 build-paths, CI012 unused-image) on workflows from text, and
the project facts they read (``adopter_facts``)."""

from __future__ import annotations

from pathlib import Path

from ci_image.findings.adopter import AdopterFacts, adopter_findings
from ci_image.findings.check import adopter_facts
from ci_image.reference import parse_repository
from ci_image.workflows.loader import Workflow
from ci_image.workflows.sites import find_all_image_sites
from workflow_helpers import workflow

ROOT = Path("/project")
DIRECTORY = ROOT / ".forgejo/workflows"
BUILD = DIRECTORY / "build-ci-image.yml"
INPUTS = ("pyproject.toml", "uv.lock")
IMAGE = parse_repository("codeberg.org/acme/app")
CI = workflow(
    "on: push\njobs:\n  t:\n    runs-on: docker\n    container: python:3.12\n"
    "    steps:\n      - run: nox\n",
    DIRECTORY / "ci.yml",
)


def _findings(
    *workflows: Workflow, image: bool = True, inputs: tuple[str, ...] | None = INPUTS
) -> list[tuple[int, int, str, str]]:
    facts = AdopterFacts(ROOT, DIRECTORY, inputs, IMAGE if image else None, None)
    found = adopter_findings(workflows, find_all_image_sites(workflows), facts)
    return [(item.line, item.col, item.rule, item.message) for item in found]


def _build(on: str) -> Workflow:
    return workflow(f"{on}jobs:\n  b:\n    runs-on: nix\n    steps:\n      - run: x\n", BUILD)


def test_without_a_build_workflow_no_rule_applies() -> None:
    assert _findings(CI) == []


def test_without_an_image_only_the_paths_are_checked() -> None:
    paths = "on:\n  push:\n    paths:\n      - pyproject.toml\n      - uv.lock\n"
    build = _build(paths + "      - .forgejo/workflows/build-ci-image.yml\n")
    assert _findings(CI, build, image=False) == []
    assert [rule for _line, _col, rule, _message in _findings(CI, build)] == ["CI012"]


def test_without_the_image_s_inputs_only_its_use_is_checked() -> None:
    """A project whose uv.lock cannot be read has no known inputs (env-check and init
    report the lock): the paths cannot be judged."""
    build = _build("on:\n  push:\n    paths:\n      - elsewhere/**\n")
    assert [rule for _line, _col, rule, _message in _findings(CI, build, inputs=None)] == ["CI012"]


def test_an_entry_that_is_no_plain_string_is_named() -> None:
    build = _build(
        "on:\n  push:\n    paths:\n      - pyproject.toml\n      - uv.lock\n"
        "      - .forgejo/workflows/build-ci-image.yml\n      - [nested]\n"
    )
    [(line, col, rule, message)] = _findings(CI, build, image=False)
    assert (line, col, rule) == (4, 7, "CI011")
    assert "push paths are not the image's inputs: an entry that is not a plain string;" in message


def test_a_build_workflow_without_on_is_reported_at_its_start() -> None:
    [(line, col, rule, message)] = _findings(CI, _build(""), image=False)
    assert (line, col, rule) == (1, 1, "CI011")
    assert message.startswith("the build workflow has no push paths: list;")


def test_a_pyproject_that_cannot_be_read_gives_no_location_and_a_missing_lock_no_inputs(
    tmp_path: Path,
) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.ci-image]\nimage = "\xff"\n')
    facts = adopter_facts(tmp_path, IMAGE, tmp_path / ".forgejo/workflows")
    assert facts is not None
    assert (facts.inputs, facts.image_setting) == (None, None)
