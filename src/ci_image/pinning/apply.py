"""``pin`` end to end: load the workflows, plan the rewrite, write all files or none."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ci_image.errors import CiImageError
from ci_image.output import display_path, plural
from ci_image.pinning.atomic import FileWrite, write_files
from ci_image.pinning.plan import FileChange, Replacement, plan_pin, require_pinned
from ci_image.reference import Reference
from ci_image.workflows.loader import load_some_workflows
from ci_image.workflows.sites import ImageSite


@dataclass(frozen=True)
class PinResult:
    """What ``pin`` found and did; ``written`` is empty on a dry run or when already pinned."""

    reference: Reference
    directory: Path
    files: int
    changes: tuple[FileChange, ...]
    left_alone: tuple[ImageSite, ...]
    dry_run: bool
    written: tuple[Path, ...]

    @property
    def replacements(self) -> list[Replacement]:
        return [item for change in self.changes for item in change.replacements]

    @property
    def changed_files(self) -> list[FileChange]:
        return [change for change in self.changes if change.changed]

    @property
    def already_pinned(self) -> bool:
        return not self.changed_files

    def diff(self, base: Path) -> str:
        return "".join(change.diff(base) for change in self.changed_files)


def pin_workflows(reference: Reference, directory: Path, *, dry_run: bool = False) -> PinResult:
    """Pin ``reference`` in every workflow under ``directory``: all files or none.

    Raises :class:`CiImageError` (exit 2) when the reference is not pinned, a workflow is
    bad input, there is no workflow or none names the repository (a pin that pins nothing
    is a mistake), or a file cannot be written; in every such case no file has changed.
    """
    require_pinned(reference)
    workflows = load_some_workflows(directory)
    plan = plan_pin(workflows, reference)
    changes = plan.changes
    if not changes:
        raise CiImageError(
            f"no workflow in {display_path(directory)} ({plural(len(workflows), 'file')}) names "
            f"{reference.repository}: nothing to pin. Check the repository name, or "
            f"write `container: {reference.repository}:unreleased` where the image is used",
        )
    written: tuple[Path, ...] = ()
    to_write = [change for change in changes if change.changed]
    if to_write and not dry_run:
        writes = [
            FileWrite(
                change.path,
                change.new_text.encode("utf-8"),
                change.old_text.encode("utf-8"),
            )
            for change in to_write
        ]
        written = tuple(write_files(writes))
    return PinResult(
        reference=reference,
        directory=directory,
        files=len(workflows),
        changes=changes,
        left_alone=plan.left_alone,
        dry_run=dry_run,
        written=written,
    )
