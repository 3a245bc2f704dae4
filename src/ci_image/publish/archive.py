"""Reading docker-archives (``docker save`` format, as dockerTools writes them).

An archive is a tar, possibly gzip-compressed (detected by its magic bytes, never by
its name), holding ``manifest.json`` (``Config``, ``RepoTags``, ``Layers``), the image
config JSON and one uncompressed tar per layer. The config's sha256 is the image ID:
the one digest that is the same wherever the image is pushed, so images are compared
by it.

Debian 12's skopeo 1.9.3 cannot read a gzip archive ("loading tar component
manifest.json: unexpected EOF") nor a pipe. Newer skopeo can, but only by
decompressing it to a temporary file itself (in ``/var/tmp``), so decompressing here
costs the same and keeps the copy in the directory the user chose: a gzip archive is
always decompressed to ``--tmpdir`` before skopeo sees it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tarfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ci_image.errors import CiImageError
from ci_image.reference import MalformedReferenceError, validate_tag

GZIP_MAGIC = b"\x1f\x8b"
MANIFEST = "manifest.json"
MAX_JSON_BYTES = 16 * 1024 * 1024
CHUNK = 1024 * 1024
_READ_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error, gzip.BadGzipFile)


class ArchiveError(CiImageError):
    """The archive is unreadable, corrupt, truncated, or not a docker-archive."""


@dataclass(frozen=True)
class Layer:
    name: str
    diff_id: str


@dataclass(frozen=True)
class ArchiveImage:
    """What the archive says about its one image."""

    path: Path
    compressed: bool
    repo_tags: tuple[str, ...]
    config_digest: str
    layers: tuple[Layer, ...]

    def single_tag(self) -> str:
        """The tag of the archive's only RepoTags entry; none or several is an error.

        The message says how to rebuild; a command with another way out (``push
        --tag``) adds it.
        """
        if not self.repo_tags:
            raise ArchiveError(
                "the archive's manifest.json has no RepoTags: it names no tag; build it "
                "with a tag (dockerTools does)",
                path=self.path,
            )
        if len(self.repo_tags) > 1:
            raise ArchiveError(
                f"the archive's manifest.json has {len(self.repo_tags)} RepoTags "
                f"({', '.join(self.repo_tags)}): which one is meant is ambiguous; build it "
                "with one tag",
                path=self.path,
            )
        return split_repo_tag(self.repo_tags[0], self.path)[1]


def split_repo_tag(repo_tag: str, path: Path) -> tuple[str, str]:
    """``name:tag`` -> (name, tag); the name may carry a registry port."""
    name, colon, tag = repo_tag.rpartition(":")
    if not colon or "/" in tag or not name:
        raise ArchiveError(f"RepoTags entry {repo_tag!r} has no ':TAG'", path=path)
    try:
        return name, validate_tag(tag, f"RepoTags entry {repo_tag!r}: tag")
    except MalformedReferenceError as error:
        raise ArchiveError(str(error), path=path) from None


def is_gzip(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(2) == GZIP_MAGIC


def read_archive(path: Path) -> ArchiveImage:
    """Read and validate the archive's metadata; layers are checked for presence and size."""
    try:
        compressed = is_gzip(path)
    except IsADirectoryError:
        raise ArchiveError("is a directory, not a docker-archive", path=path) from None
    except FileNotFoundError:
        raise ArchiveError("no such file; build the image first", path=path) from None
    except OSError as error:
        raise ArchiveError(
            f"cannot read: {error.strerror or error}; check the path", path=path
        ) from None
    try:
        members, blobs = _scan_stream(path) if compressed else _scan_file(path)
    except _READ_ERRORS as error:
        raise ArchiveError(
            f"is not a readable docker-archive (corrupt or truncated: {_describe(error)}); "
            "rebuild it",
            path=path,
        ) from None
    return _image_from(path, compressed, members, blobs)


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return " ".join(text.split())


def _normal(name: str) -> str:
    while name.startswith("./"):
        name = name[2:]
    return name


def _wanted(member: tarfile.TarInfo) -> bool:
    name = _normal(member.name)
    return member.isfile() and name.endswith(".json") and member.size <= MAX_JSON_BYTES


def _scan_file(path: Path) -> tuple[dict[str, int], dict[str, bytes]]:
    """Member sizes and small JSON members of a plain tar; catches truncated members."""
    actual_size = path.stat().st_size
    members: dict[str, int] = {}
    blobs: dict[str, bytes] = {}
    with tarfile.open(path, mode="r:") as archive:
        for member in archive:
            if member.offset_data + member.size > actual_size:
                raise EOFError(f"member {member.name} ends past the end of the file")
            name = _normal(member.name)
            members[name] = member.size
            if _wanted(member):
                blobs[name] = _read_member(archive, member)
    return members, blobs


def _scan_stream(path: Path) -> tuple[dict[str, int], dict[str, bytes]]:
    """The same for a gzip archive, read once as a stream (manifest.json may come last)."""
    members: dict[str, int] = {}
    blobs: dict[str, bytes] = {}
    with tarfile.open(path, mode="r|gz") as archive:
        for member in archive:
            name = _normal(member.name)
            members[name] = member.size
            if _wanted(member):
                blobs[name] = _read_member(archive, member)
    return members, blobs


def _read_member(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    stream = archive.extractfile(member)
    if stream is None:  # pragma: no cover - _wanted only passes regular files
        raise EOFError(f"member {member.name} has no data")
    with stream:
        return stream.read()


def _image_from(
    path: Path, compressed: bool, members: dict[str, int], blobs: dict[str, bytes]
) -> ArchiveImage:
    if MANIFEST not in blobs:
        raise ArchiveError(
            "has no manifest.json: it is not a docker-archive (docker save format); "
            "give the archive dockerTools built",
            path=path,
        )
    entry = _single_manifest_entry(blobs[MANIFEST], path)
    config_name = _normal(_string(entry, "Config", path))
    repo_tags = entry.get("RepoTags") or []
    if not isinstance(repo_tags, list) or not all(isinstance(tag, str) for tag in repo_tags):
        raise ArchiveError("manifest.json: RepoTags must be a list of strings", path=path)
    layer_names = entry.get("Layers")
    if not isinstance(layer_names, list) or not all(isinstance(n, str) for n in layer_names):
        raise ArchiveError("manifest.json: Layers must be a list of file names", path=path)
    if config_name not in blobs:
        raise ArchiveError(
            f"manifest.json names the config {config_name!r}, which is not in the archive",
            path=path,
        )
    config_bytes = blobs[config_name]
    diff_ids = _diff_ids(config_bytes, config_name, path)
    if len(diff_ids) != len(layer_names):
        raise ArchiveError(
            f"manifest.json has {len(layer_names)} entries in Layers but the config has "
            f"{len(diff_ids)} diff_ids; the archive is inconsistent: rebuild it",
            path=path,
        )
    layers: list[Layer] = []
    for raw_name, diff_id in zip(layer_names, diff_ids, strict=True):
        name = _normal(raw_name)
        if name not in members:
            raise ArchiveError(
                f"manifest.json names the layer {name!r}, which is not in the archive "
                "(truncated?); rebuild it",
                path=path,
            )
        layers.append(Layer(name=name, diff_id=diff_id))
    return ArchiveImage(
        path=path,
        compressed=compressed,
        repo_tags=tuple(repo_tags),
        config_digest="sha256:" + hashlib.sha256(config_bytes).hexdigest(),
        layers=tuple(layers),
    )


def _single_manifest_entry(data: bytes, path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise ArchiveError(f"manifest.json is not valid JSON: {error}", path=path) from None
    if not isinstance(manifest, list) or not manifest:
        raise ArchiveError("manifest.json must be a non-empty list of images", path=path)
    if len(manifest) > 1:
        raise ArchiveError(f"holds {len(manifest)} images; push one image per archive", path=path)
    entry = manifest[0]
    if not isinstance(entry, dict):
        raise ArchiveError("manifest.json: each image must be an object", path=path)
    return entry


def _string(entry: dict[str, Any], key: str, path: Path) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise ArchiveError(f"manifest.json: {key} must be a file name", path=path)
    return value


def _diff_ids(config_bytes: bytes, name: str, path: Path) -> list[str]:
    try:
        config = json.loads(config_bytes)
    except (ValueError, UnicodeDecodeError) as error:
        raise ArchiveError(f"config {name} is not valid JSON: {error}", path=path) from None
    rootfs = config.get("rootfs") if isinstance(config, dict) else None
    diff_ids = rootfs.get("diff_ids") if isinstance(rootfs, dict) else None
    if not isinstance(diff_ids, list) or not all(
        isinstance(d, str) and d.startswith("sha256:") for d in diff_ids
    ):
        raise ArchiveError(
            f"config {name} has no rootfs.diff_ids list of sha256 digests; "
            "it is not an image config",
            path=path,
        )
    return diff_ids


@contextmanager
def plain_archive(image: ArchiveImage, tmpdir: Path) -> Iterator[Path]:
    """A path skopeo can read: the archive itself, or a decompressed copy in ``tmpdir``.

    The copy is removed when the block ends, also when it ends with an error.
    """
    if not image.compressed:
        yield image.path
        return
    target = tmpdir / "archive.tar"
    try:
        with gzip.open(image.path, "rb") as source, target.open("xb") as sink:
            _decompress(image.path, source, sink, tmpdir)
        yield target
    finally:
        target.unlink(missing_ok=True)


def _decompress(path: Path, source: gzip.GzipFile, sink: IO[bytes], tmpdir: Path) -> None:
    while True:
        try:
            chunk = source.read(CHUNK)
        except _READ_ERRORS as error:
            raise ArchiveError(
                f"cannot decompress (corrupt or truncated gzip: {_describe(error)}); rebuild it",
                path=path,
            ) from None
        if not chunk:
            return
        try:
            sink.write(chunk)
        except OSError as error:  # pragma: no cover - needs a full disk to provoke
            raise CiImageError(
                f"cannot decompress the archive into {tmpdir}: {error.strerror or error}; "
                "free space there or pass --tmpdir DIR"
            ) from None


def verify_layers(plain: Path, image: ArchiveImage) -> None:
    """Check every layer's sha256 against the config's diff_ids before anything is pushed.

    skopeo does not: it pushes a layer whose bytes no longer match the config, and the
    image then fails only when a runner pulls it.
    """
    try:
        with tarfile.open(plain, mode="r:") as archive:
            by_name = {_normal(member.name): member for member in archive.getmembers()}
            for index, layer in enumerate(image.layers, start=1):
                member = by_name.get(layer.name)
                stream = None if member is None else archive.extractfile(member)
                if stream is None:
                    raise ArchiveError(
                        f"layer {layer.name!r} is not a file in the archive; rebuild it",
                        path=image.path,
                    )
                digest = hashlib.sha256()
                with stream:
                    while chunk := stream.read(CHUNK):
                        digest.update(chunk)
                if "sha256:" + digest.hexdigest() != layer.diff_id:
                    raise ArchiveError(
                        f"layer {index} ({layer.name}) is corrupt: its sha256 is "
                        f"sha256:{digest.hexdigest()}, the config says {layer.diff_id}; "
                        "rebuild the archive",
                        path=image.path,
                    )
    except _READ_ERRORS as error:  # pragma: no cover - read_archive read every header already
        raise ArchiveError(
            f"is not a readable docker-archive (corrupt or truncated: {_describe(error)}); "
            "rebuild it",
            path=image.path,
        ) from None
