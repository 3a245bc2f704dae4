"""Steps for the Nix/Python agreement on the image-inputs digest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from behave import given, then, when
from behave.runner import Context

from ci_image.image.inputs import (
    INPUT_FILES_VARIABLE,
    INPUTS_VARIABLE,
    MISSING,
    inputs_digest,
)
from support.nix_inputs import REPOSITORY, evaluate_inputs_nix
from support.run_cache import shared_directory
from support.sample_projects import create_with_shared_lock

_PYPROJECT_LINES = [b"[project]", b'name = "app"', b'version = "0.1.0"', b""]
_LOCK_LINES = [b"version = 1", b"revision = 3", b'requires-python = ">=3.11"', b""]

# Awkward inputs, as bytes: what each side must hash exactly as it is on disk.
VARIANTS: dict[str, tuple[bytes, bytes]] = {
    "LF line endings": (b"\n".join(_PYPROJECT_LINES), b"\n".join(_LOCK_LINES)),
    "CRLF line endings": (b"\r\n".join(_PYPROJECT_LINES), b"\r\n".join(_LOCK_LINES)),
    "no trailing newline": (
        b"\n".join(_PYPROJECT_LINES).rstrip(b"\n"),
        b"\n".join(_LOCK_LINES).rstrip(b"\n"),
    ),
    "non-ASCII text": (
        '[project]\nname = "app"\ndescription = "Prüfung — 検査 ✓"\n'.encode(),
        "# café\nversion = 1\n".encode(),
    ),
    "no content at all": (b"", b""),
    "bytes that are not UTF-8": (b"\xff\xfe\x00[project]\x80\n", b"\x00\x01\xc3\x28"),
}
OWN_FILES = "this repository's own contents"


def _variant(name: str) -> tuple[bytes, bytes]:
    if name == OWN_FILES:
        return (REPOSITORY / "pyproject.toml").read_bytes(), (REPOSITORY / "uv.lock").read_bytes()
    return VARIANTS[name]


@given("pyproject.toml and uv.lock with {variant}")
def step_input_files(context: Context, variant: str) -> None:
    pyproject, lock = _variant(variant)
    (context.workdir / "pyproject.toml").write_bytes(pyproject)
    (context.workdir / "uv.lock").write_bytes(lock)
    # Bytes, not necessarily TOML: the hashing definition alone, no workspace members.
    context.read_lock = False


def _nix(context: Context, root: Path) -> dict[str, Any]:
    return evaluate_inputs_nix(root, context.env, read_lock=getattr(context, "read_lock", True))


@given('the sample project "{kind}" as the project')
def step_sample_as_project(context: Context, kind: str) -> None:
    context.sample = create_with_shared_lock(
        kind, context.workdir, shared_directory(context, "locked-samples"), context.env
    )


@when("Nix evaluates the image's inputs for the project")
def step_evaluate_inputs(context: Context) -> None:
    context.nix_inputs = _nix(context, context.workdir)


@then('the image hashes "{files}"')
def step_image_hashes(context: Context, files: str) -> None:
    wanted = [name.strip() for name in files.split(",")]
    assert context.nix_inputs["files"] == wanted, context.nix_inputs["files"]
    per_file = [entry.partition("=")[0] for entry in context.nix_inputs["perFile"].split()]
    assert per_file == wanted, per_file


@given('the image names "{name}" among its inputs, hashed as "{digest}", adding up')
def step_image_names_file(context: Context, name: str, digest: str) -> None:
    """A CI_IMAGE_INPUT_FILES that is consistent with CI_IMAGE_INPUTS but names ``name``."""
    files = {
        "pyproject.toml": hashlib.sha256((context.workdir / "pyproject.toml").read_bytes()),
        "uv.lock": hashlib.sha256((context.workdir / "uv.lock").read_bytes()),
    }
    hashes = {key: value.hexdigest() for key, value in files.items()} | {name: digest}
    context.env[INPUTS_VARIABLE] = inputs_digest(hashes)
    context.env[INPUT_FILES_VARIABLE] = " ".join(f"{key}={value}" for key, value in hashes.items())


@then('the printed inputs are those of "{files}"')
def step_printed_files(context: Context, files: str) -> None:
    printed = _printed(context)
    # In CI_IMAGE_INPUT_FILES's order: --json sorts the keys of "files".
    names = [entry.partition("=")[0] for entry in printed["CI_IMAGE_INPUT_FILES"].split()]
    assert names == [name.strip() for name in files.split(",")], printed
    assert sorted(printed["files"]) == sorted(names), printed


def _printed(context: Context) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(context.result.stdout)
    return value


@then("the printed inputs equal what nix-instantiate evaluates from nix/inputs.nix")
def step_agrees_with_nix(context: Context) -> None:
    printed = _printed(context)
    nix = _nix(context, context.workdir)
    assert printed["CI_IMAGE_INPUTS"] == nix["digest"], (printed, nix)
    assert printed["CI_IMAGE_INPUT_FILES"] == nix["perFile"], (printed, nix)
    assert sorted(printed["files"]) == sorted(nix["files"]), (printed, nix)


@then("the printed inputs differ from those of pyproject.toml and uv.lock with {variant}")
def step_differs_from_variant(context: Context, variant: str) -> None:
    other = Path(context.workdir / "other")
    other.mkdir()
    pyproject, lock = _variant(variant)
    (other / "pyproject.toml").write_bytes(pyproject)
    (other / "uv.lock").write_bytes(lock)
    nix = _nix(context, other)
    printed = _printed(context)
    assert printed["CI_IMAGE_INPUTS"] != nix["digest"], (printed, nix)
    for name, digest in printed["files"].items():
        if digest != MISSING:  # .python-version: neither has one
            assert f"{name}={digest}" not in nix["perFile"], (printed, nix)
