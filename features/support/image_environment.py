"""The CI image's Python environment, reproduced on this machine without Nix.

What the image's venv is made of, made here with the same pieces: the locked
dependencies of the sample project but not the project (uv installs them from the lock,
as uv2nix does from wheels), then ``nix/checkout/install.py`` run by the venv's own
interpreter on the files the image's evaluation copied (the workspace of
``nix/inputs.nix``), as ``nix/python.nix`` runs it at the end of the venv's build.

Commands then run with the variables the library gives the image (read from the image's
evaluated config, store paths swapped for this venv and this machine's interpreter), with
the venv mounted read-only and no network (a mount and network namespace of their own),
as in a job. Where namespaces cannot be made (an unprivileged container), the venv is
snapshotted before and compared after instead, and uv is kept offline by its settings.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from support.sample_projects import uv_environment, uv_program

REPOSITORY = Path(__file__).resolve().parents[2]
INSTALLER = REPOSITORY / "nix" / "checkout" / "install.py"
STORE_PATH_PREFIX = "/nix/store/"


@dataclass(frozen=True)
class ImageVenv:
    """A venv like the image's, and the interpreter it was made from."""

    path: Path
    python: str  # the base interpreter: what UV_PYTHON names in the image
    installed: tuple[str, ...]  # the files install.py wrote


def build(
    project: Path,
    venv: Path,
    workspace_files: list[str],
    python: str,
    env: Mapping[str, str],
) -> ImageVenv:
    """The venv of ``project``'s lock without its local projects, completed by install.py."""
    uv_env = uv_environment(env)
    requirements = venv.parent / f"{venv.name}-requirements.txt"
    _run(
        [
            uv_program(),
            "export",
            "--frozen",
            "--no-emit-project",
            "--no-emit-workspace",
            "--all-groups",
            "--all-extras",
            "--no-hashes",
            "--no-header",
            "--output-file",
            str(requirements),
        ],
        cwd=project,
        env=uv_env,
    )
    _run([uv_program(), "venv", "--quiet", "--python", python, str(venv)], cwd=project, env=uv_env)
    _run(
        [
            uv_program(),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(venv / "bin" / "python"),
            "--no-deps",
            "--requirements",
            str(requirements),
        ],
        cwd=project,
        env=uv_env,
    )
    # The files the image's evaluation copied for uv2nix, and nothing else.
    workspace = venv.parent / f"{venv.name}-workspace"
    for name in workspace_files:
        (workspace / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(project / name, workspace / name)
    completed = _run(
        [str(venv / "bin" / "python"), str(INSTALLER), str(workspace)], cwd=venv.parent, env=env
    )
    return ImageVenv(venv, python, tuple(completed.stdout.split()))


def _run(argv: list[str], *, cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        argv, cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=600
    )
    assert completed.returncode == 0, f"{shlex.join(argv)} failed:\n{completed.stderr}"
    return completed


def job_environment(
    image_env: list[str],
    venv: ImageVenv,
    venv_store_path: str,
    interpreter_store_path: str,
    home: Path,
) -> dict[str, str]:
    """The image's variables for this machine: the Nix venv and interpreter swapped for
    these, Nix's bin directories dropped from PATH (this machine's follow), an empty
    HOME as the image's /root, and uv told it is offline."""
    variables = dict(entry.split("=", 1) for entry in image_env)
    swapped = {
        name: value.replace(interpreter_store_path, venv.python).replace(
            venv_store_path, str(venv.path)
        )
        for name, value in variables.items()
    }
    path = [
        entry for entry in swapped["PATH"].split(":") if not entry.startswith(STORE_PATH_PREFIX)
    ]
    machine = [entry for entry in os.environ.get("PATH", "").split(":") if entry]
    swapped["PATH"] = ":".join(
        [*path[:1], *(entry for entry in machine if entry not in path), *path[1:]]
    )
    swapped["HOME"] = str(home)
    home.mkdir(parents=True, exist_ok=True)
    # No index to reach, even outside a network namespace.
    swapped["UV_OFFLINE"] = "1"
    swapped["UV_INDEX_URL"] = "http://127.0.0.1:9/simple"
    return swapped


@cache
def namespaces_available() -> bool:
    """Whether this process may make a mount and network namespace (root, not confined)."""
    if shutil.which("unshare") is None:
        return False
    completed = subprocess.run(
        ["unshare", "--mount", "--net", "true"], capture_output=True, timeout=30
    )
    return completed.returncode == 0


def run_in_job(
    command: str, cwd: Path, venv: Path, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    """``command`` (a shell line) in ``cwd``, the venv read-only, no network."""
    if namespaces_available():
        script = (
            'mount --bind "$VENV" "$VENV" && mount -o remount,bind,ro "$VENV" && '
            'cd "$WORKDIR" && exec sh -c "$COMMAND"'
        )
        argv = ["unshare", "--mount", "--net", "--", "sh", "-c", script]
    else:
        argv = ["sh", "-c", 'cd "$WORKDIR" && exec sh -c "$COMMAND"']
    before = None if namespaces_available() else snapshot(venv)
    completed = subprocess.run(
        argv,
        env={**env, "VENV": str(venv), "WORKDIR": str(cwd), "COMMAND": command},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if before is not None:
        assert snapshot(venv) == before, f"{command} changed the venv"
    return completed


def snapshot(directory: Path) -> dict[str, str]:
    """Every entry below ``directory``: its kind and content hash (or link target)."""
    state: dict[str, str] = {}
    for path in sorted(directory.rglob("*")):
        relative = str(path.relative_to(directory))
        if path.is_symlink():
            state[relative] = f"link {path.readlink()}"
        elif path.is_file():
            state[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            state[relative] = "directory"
    return state
