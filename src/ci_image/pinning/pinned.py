"""Where the workflows pin the CI image: the lookup ``env-check`` needs.

Only job containers count (``jobs.*.container``, a string or its ``image``): that is
where a job's own image, the one ``env-check`` runs in, is named. The sites come from
:mod:`ci_image.workflows.sites`, the same reading ``pin`` and ``check`` use (merge keys
included); malformed and ``${{ }}`` references are ``check``'s business, not counted here.
"""

from __future__ import annotations

from ci_image.errors import CiImageError
from ci_image.reference import Reference
from ci_image.settings import TABLE, Settings
from ci_image.workflows.loader import load_workflows
from ci_image.workflows.sites import SiteKind, find_all_image_sites


def ci_image_pins(settings: Settings) -> list[Reference]:
    """Every reference to the CI image (``image`` in the settings) a job runs in."""
    if settings.image is None:
        raise CiImageError(f"no image in [tool.{TABLE}]")
    image = settings.image
    return [
        site.reference
        for site in find_all_image_sites(load_workflows(settings.workflow_directory()))
        if site.kind is SiteKind.CONTAINER
        and site.reference is not None
        and site.reference.same_repository(image)
    ]


def pinned_tags(settings: Settings) -> list[str]:
    """The distinct tags the CI image is pinned at, in order of appearance."""
    pins = ci_image_pins(settings)
    if not pins:
        raise CiImageError(f"no job runs in {settings.image} in the workflows")
    tags: list[str] = []
    for pin in pins:
        tag = pin.tag or "(untagged)"
        if tag not in tags:
            tags.append(tag)
    return tags
