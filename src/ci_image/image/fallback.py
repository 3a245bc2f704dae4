"""The fallback: a fresh virtualenv from the checkout's lock, when the image cannot serve.

``uv sync --frozen --all-groups`` installs exactly what ``uv.lock`` says (never
re-resolving), with every dependency group, as the image's venv has them. The job then
continues in that venv: ``PATH``, ``VIRTUAL_ENV`` and ``UV_PROJECT_ENVIRONMENT`` point
at it, written to Forgejo's ``$GITHUB_ENV``/``$GITHUB_PATH`` for the next steps.

That venv holds PyPI's manylinux wheels, whose binaries and extensions load libraries
(libstdc++, libz, ...) from the system's library path, which a Nix image does not have.
The image names them in ``CI_IMAGE_WHEEL_LIBRARY_PATH`` (nix/image.nix) rather than in a
global ``LD_LIBRARY_PATH``; the fallback hands it on as ``LD_LIBRARY_PATH``, so only the
steps of a job that uses the fallback venv get it.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ci_image import process
from ci_image.errors import CiImageError
from ci_image.process import Program, child_environment

UV_SYNC = ("sync", "--frozen", "--all-groups", "--no-progress", "--color", "never")
SYNC_TIMEOUT_SECONDS = 1800
# Settings of the caller's environment that would steer uv away from what is asked:
# another venv, or a --locked that conflicts with --frozen.
_NOT_PASSED_TO_UV = ("VIRTUAL_ENV", "UV_LOCKED")
MAX_MESSAGE = 400
# Baked by the image: the library directories manylinux wheels need (nix/image.nix).
WHEEL_LIBRARY_PATH_VARIABLE = "CI_IMAGE_WHEEL_LIBRARY_PATH"
LIBRARY_PATH_VARIABLE = "LD_LIBRARY_PATH"
UV = Program(
    "uv",
    "install uv (https://docs.astral.sh/uv/) or run the job in the CI image built from "
    "this checkout",
)


@dataclass(frozen=True)
class FallbackEnvironment:
    """A venv built by uv, and how long it took."""

    venv: Path
    seconds: float
    # False when DIR was there before: then a later failure must not delete it.
    created: bool
    # The image's CI_IMAGE_WHEEL_LIBRARY_PATH; empty outside the image.
    wheel_library_path: str = ""

    @property
    def bin_dir(self) -> Path:
        return self.venv / "bin"

    def variables(self, environ: Mapping[str, str]) -> dict[str, str]:
        """The environment a job step continues with, in ``$GITHUB_ENV`` form."""
        variables = {
            "VIRTUAL_ENV": str(self.venv),
            "UV_PROJECT_ENVIRONMENT": str(self.venv),
            "PATH": _prepend(str(self.bin_dir), environ.get("PATH", "")),
        }
        if self.wheel_library_path:
            variables[LIBRARY_PATH_VARIABLE] = _prepend(
                self.wheel_library_path, environ.get(LIBRARY_PATH_VARIABLE, "")
            )
        return variables


def _prepend(first: str, current: str) -> str:
    return first + (os.pathsep + current if current else "")


def default_venv(project_root: Path) -> Path:
    """uv's own project environment, so ``uv run`` and editors find it too."""
    return project_root / ".venv"


def build_venv(project_root: Path, venv: Path, environ: Mapping[str, str]) -> FallbackEnvironment:
    """Run ``uv sync --frozen`` into ``venv``; on failure remove it if it did not exist."""
    if "\n" in str(venv) or "\r" in str(venv):
        raise CiImageError(f"fallback directory {str(venv)!r} contains a line break; pick another")
    wheel_library_path = environ.get(WHEEL_LIBRARY_PATH_VARIABLE, "")
    if wheel_library_path:
        # Both end up on one line of $GITHUB_ENV: a line break would add another variable.
        for name in (WHEEL_LIBRARY_PATH_VARIABLE, LIBRARY_PATH_VARIABLE):
            if any(character in environ.get(name, "") for character in "\r\n"):
                raise CiImageError(
                    f"{name} contains a line break, so it cannot be handed to the next steps; "
                    "fix the job's environment (or the image that sets it)"
                )
    uv = UV.find(path=environ.get("PATH", ""))
    env = {k: v for k, v in child_environment(environ).items() if k not in _NOT_PASSED_TO_UV}
    env["UV_PROJECT_ENVIRONMENT"] = str(venv)
    existed = venv.exists()
    started = time.monotonic()
    try:
        completed = process.run(
            [uv, *UV_SYNC],
            cwd=project_root,
            env=env,
            timeout=SYNC_TIMEOUT_SECONDS,
            what="uv sync --frozen",
        )
        if completed.returncode != 0:
            raise CiImageError(
                f"uv sync --frozen failed: {summarize_uv_error(completed.stderr)}; check the "
                "network and the package index (or the uv cache when offline)"
            )
    except BaseException:
        if not existed:  # leave nothing half-built behind; an existing venv uv repairs
            shutil.rmtree(venv, ignore_errors=True)
        raise
    return FallbackEnvironment(
        venv=venv,
        seconds=time.monotonic() - started,
        created=not existed,
        wheel_library_path=wheel_library_path,
    )


def discard(environment: FallbackEnvironment) -> None:
    """Undo a venv this run created, when the job cannot be handed it after all."""
    if environment.created:
        shutil.rmtree(environment.venv, ignore_errors=True)


_CAUSE = re.compile(r"^\s*(?:cause:|caused by:)\s*", re.IGNORECASE)


def summarize_uv_error(stderr: str) -> str:
    """uv's error as one line: its ``error:`` line and the innermost cause."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    error_at = next((i for i, line in enumerate(lines) if line.startswith("error:")), None)
    if error_at is None:  # pragma: no cover - uv always says error:; kept for other formats
        summary = " ".join(lines[-2:]) or "no message from uv"
    else:
        summary = lines[error_at].removeprefix("error:").strip()
        causes = [_CAUSE.sub("", line) for line in lines[error_at + 1 :] if _CAUSE.match(line)]
        if causes:
            summary += f" ({causes[-1]})"
    summary = " ".join(summary.split())
    return summary if len(summary) <= MAX_MESSAGE else summary[: MAX_MESSAGE - 3] + "..."


def export_for_next_steps(
    environment: FallbackEnvironment, environ: Mapping[str, str]
) -> list[str]:
    """Append the environment to ``$GITHUB_ENV`` (and the bin dir to ``$GITHUB_PATH``).

    Both files are opened before either is written, so a file that cannot be opened
    leaves both as they were. Returns the files written; nothing when not in a job.
    """
    variables = environment.variables(environ)
    targets: list[tuple[str, Path, str]] = []
    github_path = environ.get("GITHUB_PATH")
    if github_path:
        # The runner prepends these to the job's PATH: the blessed way to change PATH.
        targets.append(("$GITHUB_PATH", Path(github_path), f"{environment.bin_dir}\n"))
        del variables["PATH"]
    github_env = environ.get("GITHUB_ENV")
    if github_env:
        lines = "".join(f"{key}={value}\n" for key, value in variables.items())
        targets.append(("$GITHUB_ENV", Path(github_env), lines))
    with ExitStack() as stack:
        opened = [(label, _open_append(stack, path), text) for label, path, text in targets]
        for _label, stream, text in opened:
            stream.write(text)
    return [label for label, _path, _text in targets]


def _open_append(stack: ExitStack, path: Path) -> TextIO:
    try:
        return stack.enter_context(path.open("a", encoding="utf-8"))
    except OSError as error:
        raise CiImageError(
            f"cannot append the fallback environment: {error.strerror or error}; the runner "
            "creates this file for each step: check the job's environment",
            path=path,
        ) from None
