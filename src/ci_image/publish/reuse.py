"""Which of the archive's layers the repository already holds, learned from the registry.

A registry stores layers compressed, under digests that exist only once something has
compressed them; an archive knows its layers only uncompressed (its config's
``diff_ids``). The bridge is an image already in the repository: its config lists the
``diff_ids`` in the order of its manifest's compressed layers. So before uploading,
ci-image asks the repository for the images the workflows pin today (the tag about to be
replaced among them), one manifest and one config each (two ``skopeo inspect`` runs, in
parallel), and matches their layers to the archive's by ``diff_id``. Those layers are
then named to skopeo by their registry digests (:mod:`ci_image.publish.source`), found
with a ``HEAD``, and neither read nor sent: the upload does not depend on skopeo's
blob-info cache, which an ephemeral runner starts without.

Only the same repository counts: a registry finds another repository's blob only by a
cross-repository mount, which skopeo attempts only for what its cache knows. Learning is
an optimisation: a pin that cannot be read (deleted, malformed) is passed over, said in
``--verbose``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from ci_image.errors import CiImageError
from ci_image.publish.registry import Descriptor, Manifest, Registry
from ci_image.publish.threads import in_parallel
from ci_image.reference import MalformedReferenceError, Reference, parse_reference
from ci_image.trace import Trace
from ci_image.workflows.discovery import list_workflow_files, read_text

DOCKER_GZIP_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
# Layer media types that hold the same bytes as a docker gzip layer, which is what the
# manifest skopeo writes (docker schema 2, from an uncompressed source) calls them.
GZIP_LAYERS = frozenset({DOCKER_GZIP_LAYER, "application/vnd.oci.image.layer.v1.tar+gzip"})
MAX_IMAGES = 4
# A pinned reference as it stands in a workflow (a container, a service, a docker://
# action, a matrix value): REPOSITORY[:TAG]@sha256:HEX, ended by what may not be part
# of one (quotes, spaces, commas).
_PINNED = re.compile(r"[A-Za-z0-9\[][\w.:/\[\]-]*@sha256:[0-9a-f]{64}(?![0-9A-Za-z])")


def pinned_images(directory: Path | None, repository: Reference, trace: Trace) -> list[Reference]:
    """The distinct digests of ``repository`` pinned in the workflow files under
    ``directory`` (at most :data:`MAX_IMAGES`, in the order they appear); none when they
    cannot be read.

    Read as text, not as YAML: a pin is the literal reference ``ci-image pin`` writes,
    and what is found here is only asked about (a layer is reused only when the registry
    holds it), so a pin in a comment or in a file that does not parse serves as well.
    Not loading the workflows as YAML saves each push that learns ~20 ms (importing
    PyYAML and composing the files: 19 ms against 0.7 ms for this repository's two)."""
    if directory is None:
        return []
    found: dict[str, Reference] = {}
    try:
        for path in list_workflow_files(directory):
            for text in _PINNED.findall(read_text(path)):
                reference = _parsed(text.removeprefix("docker://"))
                if reference is not None and reference.same_repository(repository):
                    digest = str(reference.digest)
                    found.setdefault(digest, reference.with_pin(None, digest))
    except CiImageError as error:
        trace(f"not learning layers from the workflows: {error}")
        return []
    return list(found.values())[:MAX_IMAGES]


def _parsed(text: str) -> Reference | None:
    """The reference, also when a flow sequence's "[" came with it (an IPv6 host keeps its
    own); None when it is none."""
    for candidate in (text, text.removeprefix("[")):
        try:
            return parse_reference(candidate)
        except MalformedReferenceError:
            continue
    return None


def known_layers(
    registry: Registry, images: Sequence[Reference], trace: Trace
) -> dict[str, Descriptor]:
    """diff_id -> the registry's layer, from ``images`` (all asked at once)."""
    if not images:
        return {}
    manifests: dict[Reference, Manifest | None] = {}
    configs: dict[Reference, bytes | None] = {}

    def ask_manifest(image: Reference) -> None:
        manifests[image] = registry.manifest(image)

    def ask_config(image: Reference) -> None:
        configs[image] = registry.config(image)

    questions = [partial(ask, image) for image in images for ask in (ask_manifest, ask_config)]
    # A registry that fails these questions fails the push too: it answered the tag.
    in_parallel(questions, len(questions))
    answers = [(image, manifests[image], configs[image]) for image in images]
    known: dict[str, Descriptor] = {}
    for image, manifest, config in answers:
        if manifest is None or manifest.is_index or config is None:
            trace(f"not learning layers from {image}: no image manifest there")
            continue
        diff_ids = config_diff_ids(config)
        if len(diff_ids) != len(manifest.layers):  # pragma: no cover - a broken image
            trace(f"not learning layers from {image}: its config and manifest disagree")
            continue
        for diff_id, layer in zip(diff_ids, manifest.layers, strict=True):
            if layer.media_type in GZIP_LAYERS:
                known.setdefault(diff_id, Descriptor(DOCKER_GZIP_LAYER, layer.digest, layer.size))
    trace(f"the repository holds {len(known)} known layers, learned from {len(answers)} images")
    return known


def config_diff_ids(config: bytes) -> list[str]:
    """``rootfs.diff_ids`` of a config blob; empty when it has none."""
    try:
        data = json.loads(config)
    except (ValueError, UnicodeDecodeError):
        return []
    rootfs = data.get("rootfs") if isinstance(data, dict) else None
    diff_ids = rootfs.get("diff_ids") if isinstance(rootfs, dict) else None
    if not isinstance(diff_ids, list) or not all(isinstance(item, str) for item in diff_ids):
        return []
    return diff_ids
