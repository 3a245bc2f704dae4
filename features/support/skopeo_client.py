"""The test's own skopeo, never ci-image's: how it reaches a scenario's registry, and
programs put first on the PATH that ci-image then runs instead of the real ones."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Literal, overload

from behave.runner import Context

from support.podman import ACCEPT_ALL


def scenario_registry(context: Context):  # type: ignore[no-untyped-def]
    assert hasattr(context, "registry"), "this scenario needs a @registry tag"
    return context.registry


def transport_options(context: Context, prefix: str = "") -> list[str]:
    """How the test's skopeo reaches the scenario's registry (never the user's config):
    its credentials, its CA, or plain HTTP. ``prefix`` is ``"dest-"`` or ``"src-"`` for
    one side of ``skopeo copy``."""
    registry = scenario_registry(context)
    options = [f"--{prefix}authfile", str(test_authfile(context))]
    if registry.scheme == "https":
        options += [f"--{prefix}cert-dir", str(registry.cert_dir)]
    else:
        options.append(f"--{prefix}tls-verify=false")
    return options


def test_authfile(context: Context) -> Path:
    path = context.workdir / ".home" / "test-auth.json"
    if not path.exists():
        registry = scenario_registry(context)
        content = (
            registry.authfile_json() if registry.variant in {"auth", "token"} else '{"auths": {}}'
        )
        path.write_text(content, encoding="utf-8")
    return path


@overload
def run_skopeo(
    context: Context, *arguments: str, check: bool = ..., binary: Literal[False] = ...
) -> subprocess.CompletedProcess[str]: ...
@overload
def run_skopeo(
    context: Context, *arguments: str, check: bool = ..., binary: Literal[True]
) -> subprocess.CompletedProcess[bytes]: ...
def run_skopeo(
    context: Context, *arguments: str, check: bool = True, binary: bool = False
) -> subprocess.CompletedProcess[str] | subprocess.CompletedProcess[bytes]:
    """``skopeo ARGUMENTS`` in the scenario's environment, with a signature policy that
    accepts anything (a test image has no signature); with ``check``, it must succeed.
    ``binary``: stdout as bytes (a manifest whose sha256 is its digest)."""
    policy = context.workdir / ".home" / "accept.json"
    if not policy.exists():
        policy.write_text(ACCEPT_ALL, encoding="utf-8")
    completed = subprocess.run(
        ["skopeo", "--policy", str(policy), *arguments],
        capture_output=True, text=not binary, env=context.env, timeout=120,
    )  # fmt: skip
    if check:
        error = completed.stderr if isinstance(completed.stderr, str) else completed.stderr.decode()
        assert completed.returncode == 0, error
    return completed


def skopeo_inspect(
    context: Context, reference: str, *extra: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """``skopeo inspect [EXTRA] docker://REFERENCE`` against the scenario's registry."""
    return run_skopeo(
        context, "inspect", *transport_options(context), *extra, f"docker://{reference}",
        check=check,
    )  # fmt: skip


def put_first_on_path(context: Context, directory: str, name: str, script: str) -> Path:
    """An executable ``name`` (shell ``script``) in ``.home/DIRECTORY``, which comes first on
    the scenario's PATH from now on; its path."""
    bin_dir = context.workdir / ".home" / directory
    bin_dir.mkdir(parents=True, exist_ok=True)
    program = bin_dir / name
    program.write_text(script, encoding="utf-8")
    program.chmod(0o755)
    path = context.env.get("PATH", "")
    if str(bin_dir) not in path.split(os.pathsep):
        context.env["PATH"] = f"{bin_dir}{os.pathsep}{path}"
    return program
