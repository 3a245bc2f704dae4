"""Behave hooks: every scenario gets its own project directory and a sane environment.

Servers a scenario needs (registries, ...) are started by fixtures in
``features/support`` and stopped through ``context.add_cleanup``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from behave.model import Scenario, Step
from behave.runner import Context

from support.registry import launch, new_registry, skopeo_cache_environment

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

# Nix must never wait for DNS on a machine without network, nor need build users.
NIX_CONFIG = "\n".join(
    [
        "substituters =",
        "build-users-group =",
        "sandbox = false",
        "experimental-features = nix-command flakes",
    ]
)


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
    context.run_root = Path(tempfile.mkdtemp(prefix="ci-image-tests-"))
    context.add_cleanup(shutil.rmtree, context.run_root, ignore_errors=True)


def before_scenario(context: Context, scenario: Scenario) -> None:
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
        context.relay_sent_before = context.relay.take()


def _scenario_tmpdir(context: Context) -> Path:
    """A private TMPDIR per scenario, so tests can prove no temporary file is left behind."""
    tmpdir = context.workdir / ".tmp"
    tmpdir.mkdir()
    return tmpdir
