"""The environment ci-image gives the programs it starts: its own, minus the registry secret.

``CI_IMAGE_REGISTRY_USER``/``CI_IMAGE_REGISTRY_PASSWORD`` are read once, by
:mod:`ci_image.credentials`; skopeo gets them in a private 0600 auth file, and no other
program (nix, git, uv) needs them. A child that inherited them could leak them: into
its own logs, into a build, or to anything it starts in turn.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

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
