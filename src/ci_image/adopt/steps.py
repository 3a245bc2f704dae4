"""Which CI steps install what the image already holds: pure recognition, no YAML.

A job that runs in the CI image needs neither uv nor Python nor the locked environment
installed: the image has all three. These are the install steps ``init`` recognises and
removes (or replaces with the env-check step); anything else is left alone, and a
``run:`` script that mixes an install with other commands is left alone too, because
removing part of a script is not a change to make on someone's behalf.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

# `uses:` actions whose only job is what the image provides (owner/name, any ref; also
# written as a full URL on Forgejo).
INSTALL_ACTIONS = {
    "astral-sh/setup-uv": "installs uv, which the image has",
    "actions/setup-python": "installs Python, which the image has",
}
_ACTION = re.compile(r"^(?:https?://[^/]+/)?(?P<name>[^/@\s]+/[^/@\s]+)(?:/[^@\s]*)?@\S+$")
_PIP = ("pip", "pip3")
_PYTHON = re.compile(r"^python(?:3(?:\.\d+)?)?$")
_PIP_OPTIONS_WITHOUT_VALUE = {"-U", "--upgrade", "--user", "-q", "--quiet", "--no-cache-dir"}


@dataclass(frozen=True)
class Recognised:
    """Why a step can go: what it installs, and that the image has it."""

    reason: str


def recognise_action(uses: str) -> Recognised | None:
    match = _ACTION.match(uses.strip())
    if match is None:
        return None
    reason = INSTALL_ACTIONS.get(match["name"].lower())
    return Recognised(reason) if reason is not None else None


def recognise_script(script: str) -> Recognised | None:
    """A ``run:`` script made only of recognised install commands (comments and blank
    lines aside); None as soon as one line is anything else."""
    reasons: list[str] = []
    for line in script.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        reason = recognise_command(stripped)
        if reason is None:
            return None
        if reason not in reasons:
            reasons.append(reason)
    if not reasons:
        return None
    return Recognised("; ".join(reasons))


def recognise_command(command: str) -> str | None:
    """Why one shell command line is an install the image makes unnecessary, else None."""
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        return None
    if any(word in {"&&", "||", ";", "|", "&"} or word.endswith(";") for word in words):
        return None
    if words[:2] == ["uv", "sync"]:
        return "installs the locked environment, which the image holds"
    if words[:3] == ["uv", "python", "install"]:
        return "installs Python, which the image has"
    if words[:2] == ["pipx", "install"] and _installs_only_uv(words[2:]):
        return "installs uv, which the image has"
    pip_arguments = _pip_install_arguments(words)
    if pip_arguments is not None and _installs_only_uv(pip_arguments):
        return "installs uv, which the image has"
    return None


def _pip_install_arguments(words: list[str]) -> list[str] | None:
    if len(words) >= 2 and words[0] in _PIP and words[1] == "install":
        return words[2:]
    if len(words) >= 4 and _PYTHON.match(words[0]) and words[1:4] == ["-m", "pip", "install"]:
        return words[4:]
    return None


def _installs_only_uv(arguments: list[str]) -> bool:
    """``uv`` (any version spec) and harmless options, nothing else."""
    packages = [word for word in arguments if word not in _PIP_OPTIONS_WITHOUT_VALUE]
    if len(packages) != 1:
        return False
    return re.fullmatch(r"uv(?:[=<>!~]=?[0-9][0-9a-zA-Z.*]*)?", packages[0]) is not None
