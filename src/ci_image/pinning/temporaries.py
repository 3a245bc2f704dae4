"""How ``pin`` names its temporary files, so that a later run can find the ones a
killed run left: ``.NAME.XXXXXXXX.ci-image.tmp`` next to the file ``NAME``; and their
removal, which ``pin``, ``release`` and ``check`` do before they read the workflows."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from ci_image.output import display_path, notice, plural

TEMP_SUFFIX = ".ci-image.tmp"
# mkstemp's names: PREFIX + 8 of [a-z0-9_] (CPython tempfile._RandomNameSequence) + SUFFIX.
_LEFTOVER = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX))


def temporary_prefix(name: str) -> str:
    return f".{name}."


def leftover_of(name: str) -> str | None:
    """The file a temporary named ``name`` was written for, when it is one of ours."""
    match = _LEFTOVER.fullmatch(name)
    return match["name"] if match else None


def remove_leftovers(directory: Path, workflows: Sequence[Path]) -> None:
    """Remove the temporary files a killed run left below ``directory``, and beside the
    files linked ``workflows`` lead to (listed by discovery, which refuses a link out of
    the repository); a note says so."""
    leftovers = [
        Path(root, name)
        for root, _, names in os.walk(directory)
        for name in names
        if leftover_of(name) is not None and _is_plain_file(Path(root, name))
    ]
    for workflow in workflows:
        if workflow.is_symlink():
            leftovers.extend(_leftovers_beside(Path(os.path.realpath(workflow))))
    if leftovers:
        _remove_leftovers(leftovers)


def _is_plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _leftovers_beside(real: Path) -> list[Path]:
    """Temporaries written for a linked workflow's target, in the target's directory."""
    try:
        entries = list(real.parent.iterdir())
    except OSError:  # pragma: no cover - the target was just resolved and stat'ed
        return []
    return [
        path for path in entries if leftover_of(path.name) == real.name and _is_plain_file(path)
    ]


def _remove_leftovers(leftovers: list[Path]) -> None:
    """Remove what a killed run left; one note says how many and names the first."""
    removed: list[Path] = []
    for path in sorted(set(leftovers)):
        try:
            path.unlink()
        except FileNotFoundError:  # pragma: no cover - another run removed it just now
            continue
        except OSError as error:
            notice(
                f"{display_path(path)}: a temporary file an interrupted ci-image run left "
                f"behind; cannot remove it ({error.strerror}): remove it by hand"
            )
            continue
        removed.append(path)
    if removed:
        others = f" and {plural(len(removed) - 1, 'other')}" if len(removed) > 1 else ""
        notice(
            f"removed {display_path(removed[0])}{others}: "
            f"{'temporary files' if len(removed) > 1 else 'a temporary file'} an interrupted "
            "(killed) ci-image run left behind; if files were half pinned, run the pin again"
        )
