"""Where the workflows pin the CI image: the minimal lookup ``env-check`` needs.

Stand-in for the ``imagerefs`` module (every image reference in the workflows, written
for ``pin``/``check``): when that lands, make :func:`ci_image_pins` a call into it and
keep the signature. Only ``jobs.*.container`` (a string, or its ``image``) is read here,
because that is where a job's own image, the one ``env-check`` runs in, is named.
"""

from __future__ import annotations

import yaml

from ci_image.errors import CiImageError
from ci_image.reference import MalformedReferenceError, Reference, parse_reference
from ci_image.settings import TABLE, Settings
from ci_image.workflows import find_workflow_dir, load_workflows, mapping_get, mapping_items


def ci_image_pins(settings: Settings) -> list[Reference]:
    """Every reference to the CI image (``image`` in the settings) a job runs in."""
    if settings.image is None:
        raise CiImageError(f"no image in [tool.{TABLE}]")
    image = settings.image
    directory = find_workflow_dir(settings.root, settings.workflows)
    pins: list[Reference] = []
    for workflow in load_workflows(directory):
        for _name, _key, job in mapping_items(mapping_get(workflow.root, "jobs")):
            container = mapping_get(job, "container")
            image_node = mapping_get(container, "image")
            node = container if isinstance(container, yaml.ScalarNode) else image_node
            if not isinstance(node, yaml.ScalarNode):
                continue
            try:
                reference = parse_reference(node.value)
            except MalformedReferenceError:
                continue  # check's business; here only the CI image's pins matter
            if reference.same_repository(image):
                pins.append(reference)
    return pins


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
