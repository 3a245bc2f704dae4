"""Is the CI image current for this checkout? The decision and its words, without I/O.

The image bakes ``CI_IMAGE_INPUTS`` and ``CI_IMAGE_INPUT_FILES`` (nix/inputs.nix); the
checkout's values come from :mod:`ci_image.image.inputs`. Equal digests mean the image's
dependencies are this checkout's; anything else means the job would test others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ci_image.errors import CiImageError
from ci_image.image.inputs import (
    INPUT_FILES_VARIABLE,
    INPUTS_VARIABLE,
    MISSING,
    ImageInputs,
    baked_files,
    is_hex_digest,
)

SHORT_DIGEST = 12


class Outcome(StrEnum):
    CURRENT = "current"
    STALE = "stale"
    NOT_IN_IMAGE = "not-in-image"


@dataclass(frozen=True)
class Baked:
    """What the image says it was built from.

    ``files`` is None when ``CI_IMAGE_INPUT_FILES`` is missing or does not add up to
    ``digest``: then the image can still be judged, but not which file differs.
    """

    digest: str
    files: dict[str, str] | None


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    checkout: ImageInputs
    baked: Baked | None
    # The inputs that differ, in definition order; None when the image does not say.
    differs: tuple[str, ...] | None = None


def read_baked(environ: Mapping[str, str]) -> Baked | None:
    """The baked values, None outside the image; a malformed digest is an error."""
    value = environ.get(INPUTS_VARIABLE, "")
    if not value:
        return None
    if not is_hex_digest(value):
        shown = value if len(value) <= 80 else value[:77] + "..."
        raise CiImageError(
            f"{INPUTS_VARIABLE}={shown!r} is not a sha256 (64 lowercase hex digits): this "
            "image was not built by this project's nix/inputs.nix; rebuild and re-pin it"
        )
    return Baked(digest=value, files=baked_files(environ))


def compare(checkout: ImageInputs, baked: Baked | None) -> Verdict:
    if baked is None:
        return Verdict(Outcome.NOT_IN_IMAGE, checkout, baked)
    if baked.digest == checkout.digest:
        return Verdict(Outcome.CURRENT, checkout, baked)
    differs: tuple[str, ...] | None = None
    if baked.files is not None:
        differs = tuple(
            name for name, digest in baked.files.items() if checkout.files.get(name) != digest
        )
    return Verdict(Outcome.STALE, checkout, baked, differs)


def finding(verdict: Verdict) -> str:
    """What is the case, in words, without advice."""
    if verdict.outcome is Outcome.CURRENT:
        files = verdict.checkout.files
        present = _listed(tuple(name for name, digest in files.items() if digest != MISSING))
        absent = tuple(name for name, digest in files.items() if digest == MISSING)
        without = f", without {_listed(absent)}" if absent else ""
        return (
            f"image is current: built from this checkout's {present}{without} "
            f"({INPUTS_VARIABLE} {verdict.checkout.digest[:SHORT_DIGEST]})"
        )
    if verdict.outcome is Outcome.NOT_IN_IMAGE:
        return f"not running in the CI image: {INPUTS_VARIABLE} is not set"
    if not verdict.differs:
        return (
            f"image is stale: its inputs differ from this checkout's ({INPUT_FILES_VARIABLE} "
            "is missing or inconsistent, so it cannot say which file)"
        )
    built_from = verdict.baked.files if verdict.baked and verdict.baked.files else {}
    # A file the image named as missing that the checkout has (a new .python-version).
    added = tuple(name for name in verdict.differs if built_from.get(name) == MISSING)
    changed = tuple(name for name in verdict.differs if name not in added)
    clauses = []
    if changed:
        what = (
            f"{changed[0]} differs from the one"
            if len(changed) == 1
            else f"{_listed(changed)} differ from the ones"
        )
        clauses.append(f"{what} the image was built from")
    if added:
        clauses.append(f"the image was built without {_listed(added)}, which this checkout has")
    return "image is stale: " + "; ".join(clauses)


def _listed(names: tuple[str, ...]) -> str:
    """``a and b``; ``a, b and c``."""
    return " and ".join(name for name in (", ".join(names[:-1]), names[-1]) if name)


def pins_phrase(tags: Sequence[str], unknown_reason: str | None = None) -> str:
    """``pinned tag T`` (or tags, or why it is unknown), for the one-line message."""
    if tags:
        return f"pinned tag{'s' if len(tags) > 1 else ''} {', '.join(tags)}"
    return f"pinned tag unknown: {unknown_reason or 'no pin found'}"
