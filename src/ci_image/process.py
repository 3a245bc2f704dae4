"""Running other programs (skopeo, nix, git, uv): the one way ci-image does it.

Every program is found on PATH first, so a missing one is one line that says how to get
it, not a traceback; runs with argument lists, never a shell; has a timeout, so nothing
hangs a CI job forever; and gets ci-image's environment minus the registry secret.

``CI_IMAGE_REGISTRY_USER``/``CI_IMAGE_REGISTRY_PASSWORD`` are read once, by the publishing
code; skopeo gets them in a private 0600 auth file, and no other program (nix, git, uv)
needs them. A child that inherited them could leak them: into its own logs, into a
build, or to anything it starts in turn.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ci_image.errors import CiImageError

REGISTRY_USER = "CI_IMAGE_REGISTRY_USER"
# The name of the variable, not a secret.
REGISTRY_PASSWORD = "CI_IMAGE_REGISTRY_PASSWORD"  # noqa: S105  # nosec B105
NOT_INHERITED = frozenset({REGISTRY_USER, REGISTRY_PASSWORD})


def child_environment(environ: Mapping[str, str] | None = None, **extra: str) -> dict[str, str]:
    """``environ`` (default: this process's) without the registry secret, plus ``extra``."""
    source = os.environ if environ is None else environ
    environment = {name: value for name, value in source.items() if name not in NOT_INHERITED}
    environment.update(extra)
    return environment


@dataclass(frozen=True)
class Program:
    """A program ci-image runs, and what to tell the user when it is not there."""

    name: str
    install_advice: str

    def find(self, path: str | None = None) -> str:
        """The program's path on ``path`` (default: PATH), or one error line saying what to do."""
        found = shutil.which(self.name, path=path)
        if found is None:
            raise CiImageError(
                f"{self.name} is not installed or not on PATH; {self.install_advice}"
            )
        return found


class TimedOutError(CiImageError):
    """The program did not finish in time; it has been killed."""


def run(
    argv: Sequence[str],
    *,
    timeout: float,
    what: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` (its first item found with :meth:`Program.find`) to completion, output
    captured as UTF-8 text (undecodable bytes replaced, as git's names can be); ``env``
    defaults to :func:`child_environment`. After ``timeout`` seconds the program is killed
    and :class:`TimedOutError` says that ``what`` did not finish."""
    try:
        return subprocess.run(
            list(argv),
            cwd=cwd,
            env=child_environment() if env is None else dict(env),
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TimedOutError(f"{what} did not finish in {timeout:g} s") from None
