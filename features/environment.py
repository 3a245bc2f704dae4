"""Behave hooks: every scenario gets its own project directory and a sane environment.

Servers a scenario needs (registries, ...) are started by fixtures in
``features/support`` and stopped through ``context.add_cleanup``.

Every scenario is timed (hooks and clean-ups included) and recorded when its feature
ends (support/suite_report.py). Plain ``behave`` prints the report after the run: the
failed and skipped scenarios with their reasons and the ten slowest. Under the parallel
runner (support/parallel.py), ``CI_IMAGE_SUITE_RECORD`` names the file the records go
to instead, and the runner prints one report for all its processes.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from behave.model import Feature, Scenario, Step
from behave.runner import Context

from support import unprivileged
from support.nix_config import NIX_CONFIG
from support.registry import launch, new_registry, skopeo_cache_environment
from support.suite_report import record_scenario, render_report, write_records

# Set by the parallel runner: append the scenario records here, print no report.
RECORD_VARIABLE = "CI_IMAGE_SUITE_RECORD"
# Set by the parallel runner under --coverage: the coverage settings to measure with.
COVERAGE_VARIABLE = "CI_IMAGE_SUITE_COVERAGE"

# Scenario tags that start a registry (support/registry.py), and the variant each gets.
REGISTRY_TAGS = {
    "registry": "plain",
    "registry-auth": "auth",
    "registry-tls": "tls",
    "registry-mtls": "mtls",
    "registry-readonly": "readonly",
    "registry-token": "token",
    "registry-token-tls": "token-tls",
}


def before_all(context: Context) -> None:
    os.environ["NIX_CONFIG"] = NIX_CONFIG
    # Tests must never pick up the developer's registry credentials or containers policy.
    for name in ("REGISTRY_AUTH_FILE", "CI_IMAGE_REGISTRY_USER", "CI_IMAGE_REGISTRY_PASSWORD"):
        os.environ.pop(name, None)
    # Nor the CI image's baked values (the suite runs inside it), nor the runner's files
    # for the next steps: a scenario must never change the environment of a real job.
    for name in (
        "CI_IMAGE_INPUTS",
        "CI_IMAGE_INPUT_FILES",
        "CI_IMAGE_WHEEL_LIBRARY_PATH",
        "GITHUB_ENV",
        "GITHUB_PATH",
    ):
        os.environ.pop(name, None)
    _measure_children()
    context.run_root = Path(tempfile.mkdtemp(prefix="ci-image-tests-"))
    context.add_cleanup(shutil.rmtree, context.run_root, ignore_errors=True)
    _uv_first_on_path(context.run_root / "bin")
    context.add_cleanup(unprivileged.discard)
    context.suite_records = []


def _measure_children() -> None:
    """Every process the scenarios start measures itself, as coverage documents for
    subprocesses: ``COVERAGE_PROCESS_START`` names the settings, ``COVERAGE_FILE`` where the
    data goes, whatever the process's working directory (``parallel = true`` gives each
    process its own file). Set here, so that behave itself is not measured."""
    settings = os.environ.pop(COVERAGE_VARIABLE, None)
    if settings:
        os.environ["COVERAGE_PROCESS_START"] = settings
        os.environ["COVERAGE_FILE"] = str(Path(settings).with_name(".coverage"))


def _uv_first_on_path(directory: Path) -> None:
    """The uv that runs the suite (``uv run`` names its binary in ``UV``), and the
    interpreter this venv was made from, first on PATH under their own names.

    On PATH, ``uv`` and ``python3`` may be a version manager's shims (pyenv's is a bash
    script that starts a dozen more processes to find the binary: ~60 ms of CPU a call,
    where uv itself takes ~6 ms); the suite calls them hundreds of times. The same
    binaries the shims lead to, found directly."""
    uv = os.environ.get("UV")
    if not uv or not os.access(uv, os.X_OK):
        return
    directory.mkdir()
    (directory / "uv").symlink_to(uv)
    (directory / "python3").symlink_to(os.path.realpath(sys._base_executable))
    os.environ["PATH"] = os.pathsep.join([str(directory), os.environ.get("PATH", "")])


def after_feature(context: Context, feature: Feature) -> None:
    records = []
    for scenario in feature.walk_scenarios():
        # Only the scenarios that started: behave counts the ones a location or a tag
        # left out as "skipped" too, but they have no reason to list.
        if hasattr(scenario, "wall_seconds"):
            record = record_scenario(scenario, scenario.wall_seconds)
            if record is not None:
                records.append(record)
    target = os.environ.get(RECORD_VARIABLE)
    if target:
        write_records(Path(target), records)
    else:
        context.suite_records.extend(records)


def after_all(context: Context) -> None:
    if not os.environ.get(RECORD_VARIABLE) and context.suite_records:
        print("\n" + render_report(context.suite_records) + "\n")


after_all.capture = False  # type: ignore[attr-defined]  # the report is for the terminal


def _start_clock(context: Context, scenario: Scenario) -> None:
    """Time the scenario from here to the end of its last clean-up (registered first, so
    it runs last)."""
    started = time.monotonic()

    def stop() -> None:
        scenario.wall_seconds = time.monotonic() - started

    context.add_cleanup(stop)


def before_scenario(context: Context, scenario: Scenario) -> None:
    _start_clock(context, scenario)
    context.workdir = Path(tempfile.mkdtemp(prefix="scenario-", dir=context.run_root))
    context.add_cleanup(shutil.rmtree, context.workdir, ignore_errors=True)
    context.env = dict(os.environ)
    context.env["HOME"] = str(context.workdir / ".home")
    (context.workdir / ".home").mkdir()
    context.env["TMPDIR"] = str(_scenario_tmpdir(context))
    # skopeo and podman look for credentials under XDG_RUNTIME_DIR (else /run/containers).
    (context.workdir / ".home" / "run").mkdir(mode=0o700)
    context.env["XDG_RUNTIME_DIR"] = str(context.workdir / ".home" / "run")
    # skopeo's blob-info cache in the scenario too, not /var/lib/containers/cache.
    context.env.update(skopeo_cache_environment())
    # `$NAME` in a step's command line is replaced from here (see cli_steps.run_cli).
    context.placeholders = {"WORKDIR": str(context.workdir)}
    if "podman" in scenario.effective_tags and shutil.which("podman") is None:
        # A job container cannot run containers itself; the CI machine (.ci/run) can.
        scenario.skip("podman is not installed here: the image is not run")
        return
    if "cc" in scenario.effective_tags and shutil.which("cc") is None:
        # The CI image carries no C compiler; .ci/run installs gcc.
        scenario.skip("no C compiler (cc) here: no program is compiled")
        return
    _start_registry(context, scenario)


def _start_registry(context: Context, scenario: Scenario) -> None:
    variants = [REGISTRY_TAGS[tag] for tag in scenario.effective_tags if tag in REGISTRY_TAGS]
    if not variants:
        return
    assert len(variants) == 1, f"one registry per scenario, got tags for {variants}"
    server = new_registry(context.run_root / f"registry-{context.workdir.name}", variants[0])
    # Registered before the start: a server or token service that fails to start is
    # stopped all the same.
    context.add_cleanup(server.close)
    launch(server)
    context.registry = server
    context.placeholders["REGISTRY"] = server.host
    context.placeholders["CERTS"] = str(server.cert_dir)


def before_step(context: Context, step: Step) -> None:
    # Commands run in When steps; Then steps ask what the registry saw since.
    if step.step_type == "when" and hasattr(context, "registry"):
        context.registry.mark()
    if step.step_type == "when" and hasattr(context, "relay"):
        context.relay.take()  # the set-up's bytes are not the scenario's


def _scenario_tmpdir(context: Context) -> Path:
    """A private TMPDIR per scenario, so tests can prove no temporary file is left behind."""
    tmpdir = context.workdir / ".tmp"
    tmpdir.mkdir()
    return tmpdir
