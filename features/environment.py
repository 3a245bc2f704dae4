"""Behave hooks: every scenario gets its own project directory and a sane environment.

Servers a scenario needs (registries, ...) are started by fixtures in
``features/support`` and stopped through ``context.add_cleanup``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from behave.model import Scenario
from behave.runner import Context

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
    for name in ("CI_IMAGE_INPUTS", "CI_IMAGE_INPUT_FILES", "GITHUB_ENV", "GITHUB_PATH"):
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


def _scenario_tmpdir(context: Context) -> Path:
    """A private TMPDIR per scenario, so tests can prove no temporary file is left behind."""
    tmpdir = context.workdir / ".tmp"
    tmpdir.mkdir()
    return tmpdir
