"""Asking Nix for values: the only place that runs ``nix eval``."""

from __future__ import annotations

from pathlib import Path

from ci_image import process
from ci_image.errors import CiImageError
from ci_image.process import Program
from ci_image.reference import MalformedReferenceError, validate_tag

EXPERIMENTAL = ["--extra-experimental-features", "nix-command flakes"]
EVAL_TIMEOUT_SECONDS = 600


NIX = Program("nix", "install Nix, or give the tag another way (a result link or an archive)")


def eval_raw(installable: str, *, cwd: Path | None = None) -> str:
    """``nix eval --raw INSTALLABLE``; nix's own message on failure, one line."""
    try:
        nix = NIX.find()
    except CiImageError as error:
        raise CiImageError(f"cannot evaluate {installable}: {error.message}") from None
    try:
        completed = process.run(
            [nix, *EXPERIMENTAL, "eval", "--raw", installable],
            cwd=cwd,
            timeout=EVAL_TIMEOUT_SECONDS,
            what=f"nix eval {installable}",
        )
    except process.TimedOutError as error:
        raise CiImageError(f"{error.message}; check that Nix can reach its substituters") from None
    if completed.returncode != 0:
        raise CiImageError(
            f"nix eval {installable} failed: {summarize_nix_error(completed.stderr)}"
        )
    return completed.stdout


def image_tag_from_flake(flake_ref: str, *, cwd: Path | None = None) -> str:
    """The ``imageTag`` attribute of a dockerTools image output, evaluated without building;
    checked, since ``tag --flake`` prints it and ``check --flake`` compares pins with it."""
    installable = f"{flake_ref}.imageTag"
    tag = eval_raw(installable, cwd=cwd).strip()
    if not tag:
        raise CiImageError(f"nix eval {installable} gave an empty tag; is it a dockerTools image?")
    try:
        return validate_tag(tag, installable)
    except MalformedReferenceError as error:
        raise CiImageError(f"{error}; fix imageTag in the flake") from None


def summarize_nix_error(stderr: str) -> str:
    """Nix's error as one line: the 'error:' line and what follows it, whitespace collapsed."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        if line.startswith("error:"):
            detail = " ".join(lines[index : index + 3])
            return " ".join(detail.split())
    return " ".join(" ".join(lines[-3:]).split()) or "no message from nix"
