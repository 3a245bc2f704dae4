"""``pin`` end to end: load the workflows, choose the references, ask the registry for
the digest when none is given, plan the rewrite, write all files or none."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ci_image.errors import CiImageError
from ci_image.output import display_path, plural
from ci_image.pinning import temporaries
from ci_image.pinning.atomic import FileWrite, write_files
from ci_image.pinning.plan import (
    FileChange,
    Replacement,
    pin_sites,
    plan_rewrites,
    require_pinnable,
    select_everywhere,
    select_same_tag,
)
from ci_image.reference import Reference
from ci_image.workflows.loader import load_some_workflows
from ci_image.workflows.sites import ImageSite, SiteStatus, find_image_sites

# The digest a reference's tag resolves to now (pinning.resolve.resolve_tag).
Resolver = Callable[[Reference], str]


@dataclass(frozen=True)
class PinResult:
    """What ``pin`` found and did; ``written`` is empty on a dry run or when already pinned.

    ``pins`` are the references written (one for the CI image; one per tag for
    another image pinned without a tag); ``other_tags`` the references to the same
    repository left alone because they name another image (another tag).
    """

    reference: Reference
    pins: tuple[Reference, ...]
    directory: Path
    files: int
    changes: tuple[FileChange, ...]
    left_alone: tuple[ImageSite, ...]
    other_tags: tuple[ImageSite, ...]
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

    @property
    def pinned_text(self) -> str:
        return ", ".join(str(pin) for pin in self.pins)

    def diff(self, base: Path) -> str:
        return "".join(change.diff(base) for change in self.changed_files)


def pin_workflows(
    reference: Reference,
    directory: Path,
    *,
    ci_image: Reference | None = None,
    dry_run: bool = False,
    resolve: Resolver | None = None,
    remove_leftovers: bool | None = None,
) -> PinResult:
    """Pin ``reference`` in the workflows under ``directory``: all files or none.

    The CI image (``ci_image``'s repository) is pinned at ``reference``'s tag wherever it
    is named; any other image only where a reference has that tag (each at its own tag
    when ``reference`` names none). Without a digest, ``resolve`` asks the registry,
    once per tag. Raises :class:`CiImageError` (exit 2) for a reference pin may not
    write, bad workflows, nothing to pin (a pin that pins nothing is a mistake), a tag
    the registry does not have, or a file that cannot be written; no file has changed
    then. The temporary files a killed run left are removed unless this is a dry run
    (``remove_leftovers`` says otherwise: ``release`` sweeps when it plans).
    """
    require_pinnable(reference)
    everywhere = ci_image is not None and reference.same_repository(ci_image)
    if everywhere and reference.tag is None:
        raise CiImageError(
            f"{reference} has no tag; the CI image is pinned at one tag everywhere: "
            f"give it, {reference.repository}:TAG (the tag ci-image push printed)"
        )
    sweep = not dry_run if remove_leftovers is None else remove_leftovers
    workflows = load_some_workflows(
        directory, before_loading=temporaries.remove_leftovers if sweep else None
    )
    sites = {workflow.path: find_image_sites(workflow) for workflow in workflows}
    every_site = [site for group in sites.values() for site in group]
    if everywhere:
        chosen = select_everywhere(every_site, reference)
    else:
        chosen = select_same_tag(every_site, reference)
    keys = {site.key for site in chosen}
    other_tags = tuple(
        site for site in select_everywhere(every_site, reference) if site.key not in keys
    )
    if not chosen:
        raise _nothing_to_pin(reference, directory, len(workflows), other_tags)
    digests = _digests(reference, chosen, resolve)
    if everywhere:
        ((tag, digest),) = digests.items()  # REF's tag, the only one
        pins = {site.key: site.reference.with_pin(tag, digest)
                for site in chosen if site.reference is not None}  # fmt: skip
    else:
        pins = pin_sites(chosen, digests)
    changes = plan_rewrites(workflows, sites, pins)
    written: tuple[Path, ...] = ()
    to_write = [change for change in changes if change.changed]
    if to_write and not dry_run:
        written = tuple(write_files(file_writes(to_write)))
    return PinResult(
        reference=reference,
        pins=tuple(reference.with_pin(tag, digest) for tag, digest in digests.items()),
        directory=directory,
        files=len(workflows),
        changes=changes,
        left_alone=tuple(site for site in every_site if site.status is SiteStatus.UNRESOLVABLE),
        other_tags=other_tags,
        dry_run=dry_run,
        written=written,
    )


def file_writes(changes: Sequence[FileChange]) -> list[FileWrite]:
    return [
        FileWrite(change.path, change.new_text.encode("utf-8"), change.old_text.encode("utf-8"))
        for change in changes
    ]


def _digests(
    reference: Reference, chosen: Sequence[ImageSite], resolve: Resolver | None
) -> dict[str, str]:
    """The digest for each tag to pin: the one given, or what the registry says now."""
    if reference.tag is not None and reference.digest is not None:
        return {reference.tag: reference.digest}
    tags = [reference.tag] if reference.tag is not None else []
    if reference.tag is None:  # each reference at its own tag
        for site in chosen:
            tag = site.reference.tag if site.reference is not None else None
            if tag is not None and tag not in tags:
                tags.append(tag)
    if resolve is None:  # pragma: no cover - the command always gives one
        raise CiImageError(f"{reference} has no digest, and no registry may be asked")
    return {tag: resolve(reference.with_pin(tag, None)) for tag in tags}


def _nothing_to_pin(
    reference: Reference, directory: Path, files: int, other_tags: Sequence[ImageSite]
) -> CiImageError:
    where = f"no workflow in {display_path(directory)} ({plural(files, 'file')})"
    if not other_tags:
        return CiImageError(
            f"{where} names {reference.repository}: nothing to pin. Check the repository "
            f"name, or write `container: {reference.repository}:unreleased` where the image "
            "is used"
        )
    named = sorted({site.text for site in other_tags})
    shown = ", ".join(named[:3]) + (", ..." if len(named) > 3 else "")
    if reference.tag is not None:
        return CiImageError(
            f"{where} names {reference}; {shown} name{'s' if len(named) == 1 else ''} "
            "another tag, another image, which pin never changes to this one: pin the "
            "tag a reference names, or write the new tag in the workflow first"
        )
    return CiImageError(
        f"{where} names {reference.repository} with a version tag ({shown} name"
        f"{'s' if len(named) == 1 else ''} none, or 'latest'): write the version's tag in "
        "the workflow, then pin"
    )
