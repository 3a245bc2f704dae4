"""``ci-image env-check``: is the image this job runs in built from this checkout?

Exit status: 0 the image is current (or, with ``--fallback``, a fresh venv is ready);
1 stale or not in the image; 2 an error, and with ``--strict`` stale or not in the image
too (on the default branch that is a broken environment, not an answer).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ci_image.errors import CiImageError
from ci_image.image import fallback, freshness
from ci_image.image.freshness import Outcome, Verdict
from ci_image.image.input_paths import hashed_names
from ci_image.image.inputs import ImageInputs, baked_files
from ci_image.output import emit, emit_json
from ci_image.pinning import pinned
from ci_image.settings import find_pyproject, load_settings

ADVICE = {
    Outcome.STALE: (
        "this job would test the image's dependencies, not the checkout's: rebuild and re-pin "
        "the image, or use 'ci-image env-check --fallback'"
    ),
    Outcome.NOT_IN_IMAGE: (
        "run the job in the pinned image, or use 'ci-image env-check --fallback' to build "
        "the checkout's environment"
    ),
}
STRICT_ADVICE = {
    Outcome.STALE: (
        "on the default branch this means the image build did not run or its pin is not "
        "merged: run the build-ci-image workflow and merge the pin it proposes"
    ),
    Outcome.NOT_IN_IMAGE: (
        "--strict expects the job to run in the pinned CI image: check the job's container:"
    ),
}


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "env-check",
        parents=parents,
        help="tell whether the CI image was built from this checkout's dependencies",
        description=(
            "Compare CI_IMAGE_INPUTS, baked into the CI image, with the same digest of this "
            "checkout's pyproject.toml and uv.lock. Exit 0 current, 1 stale or not in the "
            "image, 2 error."
        ),
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--fallback",
        nargs="?",
        const="",
        default=None,
        metavar="DIR",
        help=(
            "when stale or not in the image, build a venv with 'uv sync --frozen' in DIR "
            "(default: the project's .venv), print its PATH/VIRTUAL_ENV lines (and "
            "LD_LIBRARY_PATH in the image) on stdout and append them to "
            "$GITHUB_ENV/$GITHUB_PATH when set; exit 0 when it is ready"
        ),
    )
    mode.add_argument(
        "--strict",
        action="store_true",
        help="stale or not in the image is an error (exit 2): for the default branch",
    )
    mode.add_argument(
        "--print-inputs",
        action="store_true",
        help="print CI_IMAGE_INPUTS and CI_IMAGE_INPUT_FILES as the image would bake them",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    root = project_root(Path.cwd())
    # In the image: the files it names; else the files an image built from here would.
    baked = baked_files(os.environ)
    checkout = ImageInputs.of_checkout(root, hashed_names(root) if baked is None else list(baked))
    if args.print_inputs:
        return _print_inputs(checkout, as_json=args.json)
    verdict = freshness.compare(checkout, freshness.read_baked(os.environ))
    if verdict.outcome is Outcome.CURRENT:
        message = freshness.finding(verdict)
        _finish(args, verdict, message, quiet_stdout=args.fallback is not None)
        return 0
    tags, unknown = _pinned_tags(root)
    statement = f"{freshness.finding(verdict)} ({freshness.pins_phrase(tags, unknown)})"
    if args.strict:
        message = f"{statement}; {STRICT_ADVICE[verdict.outcome]}"
        if args.json:
            emit_json(_report(verdict, message, tags))
        raise CiImageError(message)
    if args.fallback is not None:
        return _fall_back(args, root, verdict, statement, tags)
    _finish(args, verdict, f"{statement}; {ADVICE[verdict.outcome]}", tags=tags)
    return 1


def project_root(start: Path) -> Path:
    """The directory of the nearest pyproject.toml: where the image's inputs are."""
    pyproject = find_pyproject(start)
    if pyproject is None:
        raise CiImageError(
            f"no pyproject.toml in {start} or above; run env-check in the project's checkout"
        )
    return pyproject.parent


def _print_inputs(checkout: ImageInputs, *, as_json: bool) -> int:
    variables = checkout.variables()
    if as_json:
        emit_json({**variables, "files": checkout.files})
    else:
        for key, value in variables.items():
            emit(f"{key}={value}")
    return 0


def _pinned_tags(root: Path) -> tuple[list[str], str | None]:
    """The CI image's pinned tags, or why they cannot be named (never fatal here)."""
    try:
        return pinned.pinned_tags(load_settings(root)), None
    except CiImageError as error:
        return [], str(error)


def _fall_back(
    args: argparse.Namespace, root: Path, verdict: Verdict, statement: str, tags: list[str]
) -> int:
    venv = Path(args.fallback).resolve() if args.fallback else fallback.default_venv(root)
    try:
        environment = fallback.build_venv(root, venv, os.environ)
    except CiImageError as error:
        raise CiImageError(f"{statement}; the fallback failed: {error}") from None
    try:
        written = fallback.export_for_next_steps(environment, os.environ)
    except CiImageError:
        fallback.discard(environment)  # all or nothing: no venv the job was not told about
        raise
    variables = environment.variables(os.environ)
    handed = (
        f"set for the next steps in {' and '.join(written)}"
        if written
        else "apply the lines on stdout to use it"
    )
    sys.stderr.write(
        f"ci-image env-check: {statement}; built the checkout's environment in {venv} with "
        f"uv sync --frozen in {environment.seconds:.1f} s instead; {handed}\n"
    )
    if args.json:
        report = _report(verdict, statement, tags)
        report["fallback"] = {"venv": str(venv), "environment": variables}
        emit_json(report)
    else:
        for key, value in variables.items():
            emit(f"{key}={value}")
    return 0


def _finish(
    args: argparse.Namespace,
    verdict: Verdict,
    message: str,
    *,
    tags: list[str] | None = None,
    quiet_stdout: bool = False,
) -> None:
    """The outcome line; with --fallback stdout is kept for environment lines only."""
    if args.json:
        emit_json(_report(verdict, message, tags))
    elif quiet_stdout:
        sys.stderr.write(f"ci-image env-check: {message}\n")
    else:
        emit(message)


def _report(verdict: Verdict, message: str, tags: list[str] | None) -> dict[str, Any]:
    baked = verdict.baked
    return {
        "outcome": verdict.outcome.value,
        "message": message,
        "checkout": {**verdict.checkout.variables(), "files": verdict.checkout.files},
        "image": None if baked is None else {"CI_IMAGE_INPUTS": baked.digest, "files": baked.files},
        "differs": None if verdict.differs is None else list(verdict.differs),
        "pinned_tags": tags,
        "fallback": None,
    }
