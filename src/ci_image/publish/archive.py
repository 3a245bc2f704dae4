"""Reading docker-archives (``docker save`` format, as dockerTools writes them).

An archive is a tar, uncompressed (``.tar``), gzip (``.tar.gz``, gzip or pigz) or zstd
(``.tar.zst``), told apart by its first bytes, never by its name. It holds
``manifest.json`` (``Config``, ``RepoTags``, ``Layers``), the image config JSON and one
uncompressed tar per layer. The config's sha256 is the image ID: the one digest that is
the same wherever the image is pushed, so images are compared by it.

Python 3.11 has no zstd: a zstd archive is read through the ``zstd`` program (Debian's
and nixpkgs' ``zstd``), and without it the error says so ("zstd archive: ...").

Reading is in two steps. :func:`read_archive` reads what the registry must be asked
about (tag, config, layer names and sizes); it reads a plain tar's headers only, and
streams a compressed one once. :func:`stage_layers` then prepares exactly the layers to
upload, hashing each against the config's ``diff_ids`` in the same pass: in place for a
plain tar (a range of the archive), written to the private directory for a compressed
one. Layers the registry already holds are neither read nor written.
"""

from __future__ import annotations

import collections
import enum
import gzip
import hashlib
import json
import os
import stat
import tarfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any

from ci_image.errors import CiImageError
from ci_image.process import Program, ProgramFailedError, output_stream
from ci_image.publish.threads import in_parallel
from ci_image.reference import MalformedReferenceError, validate_tag

MANIFEST = "manifest.json"
MAX_JSON_BYTES = 16 * 1024 * 1024
CHUNK = 1024 * 1024
ZSTD = Program(
    "zstd",
    "install it (apt install zstd, or use nix develop), or build the image with "
    'compressor = "gzip"',
)
# At most this much output per call: a small compressed chunk may inflate a thousandfold.
_MAX_INFLATED = 4 * CHUNK
_READ_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error, gzip.BadGzipFile)


class Compression(enum.Enum):
    NONE = "tar"
    GZIP = "gzip"
    ZSTD = "zstd"


# First bytes of formats dockerTools does not write, named so the error can say what it is.
_OTHER_FORMATS = {b"\xfd7zXZ\x00": "xz", b"BZh": "bzip2", b"PK\x03\x04": "zip"}


class ArchiveError(CiImageError):
    """The archive is unreadable, corrupt, truncated, or not a docker-archive."""


@dataclass(frozen=True)
class Layer:
    name: str
    diff_id: str
    size: int
    offset: int  # of its data in a plain tar; -1 in a compressed archive


@dataclass(frozen=True)
class Blob:
    """Bytes ready to be served: ``size`` bytes of ``path`` from ``offset``."""

    path: Path
    offset: int
    size: int


@dataclass(frozen=True)
class ArchiveImage:
    """What the archive says about its one image."""

    path: Path
    compression: Compression
    repo_tags: tuple[str, ...]
    config: bytes
    layers: tuple[Layer, ...]

    @property
    def config_digest(self) -> str:
        return "sha256:" + hashlib.sha256(self.config).hexdigest()

    @property
    def diff_ids(self) -> tuple[str, ...]:
        return tuple(layer.diff_id for layer in self.layers)

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


def require_regular_file(path: Path) -> None:
    """Refuse what is not a regular file *before* opening it: opening a named pipe waits
    for a writer, and an archive is read more than once."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ArchiveError("no such file; build the image first", path=path) from None
    except OSError as error:
        raise ArchiveError(f"cannot read: {error.strerror or error}; check the path",
                           path=path) from None  # fmt: skip
    if stat.S_ISDIR(mode):
        raise ArchiveError("is a directory, not a docker-archive", path=path)
    if stat.S_ISFIFO(mode):
        raise ArchiveError(
            "is a named pipe (FIFO), not a file: the archive is read more than once; write "
            "it to a file first (or give the result link of nix build)",
            path=path,
        )
    if not stat.S_ISREG(mode):
        raise ArchiveError("is not a regular file (a device or socket); give the archive file",
                           path=path)  # fmt: skip


def compression_of(path: Path) -> Compression:
    """By the first bytes: gzip, zstd, else a plain tar (or not an archive at all)."""
    with path.open("rb") as stream:
        head = stream.read(6)
    if head.startswith(b"\x1f\x8b"):
        return Compression.GZIP
    if head.startswith(b"\x28\xb5\x2f\xfd"):
        return Compression.ZSTD
    for magic, name in _OTHER_FORMATS.items():
        if head.startswith(magic):
            raise ArchiveError(
                f"{name} archive: dockerTools writes .tar, .tar.gz (gzip) and .tar.zst "
                f"(zstd); decompress it to a .tar first",
                path=path,
            )
    return Compression.NONE


def read_archive(path: Path) -> ArchiveImage:
    """Read and validate the archive's metadata; layers are checked for presence and size."""
    require_regular_file(path)
    try:
        compression = compression_of(path)
    except (
        OSError
    ) as error:  # pragma: no cover - stat succeeded; only an unreadable file (not as root)
        raise ArchiveError(f"cannot read: {error.strerror or error}; check the path",
                           path=path) from None  # fmt: skip
    try:
        if compression is Compression.NONE:
            members, blobs = _scan_file(path)
        else:
            with _decompressed(path, compression) as stream:
                members, blobs = _scan_stream(stream)
    except _READ_ERRORS as error:
        raise ArchiveError(
            f"{_kind(compression)}is not a readable docker-archive (corrupt or truncated: "
            f"{_describe(error)}); rebuild it",
            path=path,
        ) from None
    return _image_from(path, compression, members, blobs)


def _kind(compression: Compression) -> str:
    """How a message names a zstd archive, whose reading goes through another program."""
    return "zstd archive: " if compression is Compression.ZSTD else ""


@contextmanager
def _decompressed(path: Path, compression: Compression) -> Iterator[IO[bytes]]:
    if compression is Compression.GZIP:
        with path.open("rb") as raw:
            yield _Gunzip(raw)  # type: ignore[misc]  # read() is all a tar stream asks
        return
    try:
        program = ZSTD.find()
    except CiImageError as error:
        raise ArchiveError(f"zstd archive: reading it needs the zstd program: {error.message}",
                           path=path) from None  # fmt: skip
    try:
        with output_stream(
            [program, "--decompress", "--stdout", "--quiet", "--", str(path)], what="zstd"
        ) as stream:
            yield stream
    except ProgramFailedError as error:
        raise ArchiveError(
            f"zstd archive: cannot decompress (corrupt or truncated: {error.message}); rebuild it",
            path=path,
        ) from None


class _Gunzip:
    """A gzip file's bytes, decompressed: its members one after another, as ``gzip -d``
    reads them (zero bytes between members are skipped, each member's CRC and length are
    checked by zlib). It takes :data:`CHUNK` of compressed data at a time; Python 3.11's
    GzipFile takes 8 KB, a few Python calls each: for a 420 MB archive, reading it for
    its metadata took 0.53 s with GzipFile and 0.25 s with this, decompressing, hashing
    and writing its layers 1.15-1.55 s and 0.62 s."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.member: Any = zlib.decompressobj(zlib.MAX_WBITS | 16)
        self.ready = bytearray()
        self.ended = False

    def read(self, size: int = -1) -> bytes:
        while not self.ended and (size < 0 or len(self.ready) < size):
            self._inflate()
        count = len(self.ready) if size < 0 else min(size, len(self.ready))
        data = bytes(self.ready[:count])
        del self.ready[:count]
        return data

    def _inflate(self) -> None:
        if self.member.eof:
            rest = self.member.unused_data.lstrip(b"\0")
            while not rest:
                more = self._more()
                if not more:
                    self.ended = True
                    return
                rest = more.lstrip(b"\0")
            if not rest.startswith(b"\x1f\x8b"):
                raise gzip.BadGzipFile(f"not a gzip member after the end of one ({rest[:2]!r})")
            self.member = zlib.decompressobj(zlib.MAX_WBITS | 16)
            self.ready += self.member.decompress(rest, _MAX_INFLATED)
            return
        data = self.member.unconsumed_tail or self._more()
        if not data:
            raise EOFError("Compressed file ended before the end-of-stream marker was reached")
        self.ready += self.member.decompress(data, _MAX_INFLATED)

    def _more(self) -> bytes:
        return self.raw.read(CHUNK)


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


Members = dict[str, tarfile.TarInfo]


def _scan_file(path: Path) -> tuple[Members, dict[str, bytes]]:
    """Members and small JSON members of a plain tar; catches truncated members."""
    actual_size = path.stat().st_size
    members: Members = {}
    blobs: dict[str, bytes] = {}
    with tarfile.open(path, mode="r:") as archive:
        for member in archive:
            if member.offset_data + member.size > actual_size:
                raise EOFError(f"member {member.name} ends past the end of the file")
            name = _normal(member.name)
            members[name] = member
            if _wanted(member):
                blobs[name] = _read_member(archive, member)
    return members, blobs


def _scan_stream(stream: IO[bytes]) -> tuple[Members, dict[str, bytes]]:
    """The same for a compressed archive, read once as a stream (manifest.json may come
    last); the rest of the stream is read too, so a damaged end is found."""
    members: Members = {}
    blobs: dict[str, bytes] = {}
    with tarfile.open(fileobj=stream, mode="r|", bufsize=CHUNK) as archive:
        for member in archive:
            name = _normal(member.name)
            members[name] = member
            if _wanted(member):
                blobs[name] = _read_member(archive, member)
    _drain(stream)
    return members, blobs


def _drain(stream: IO[bytes]) -> None:
    """Read what is left (the compressor's end), without keeping it."""
    collections.deque(iter(lambda: stream.read(CHUNK), b""), maxlen=0)


def _read_member(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    stream = archive.extractfile(member)
    if stream is None:  # pragma: no cover - _wanted only passes regular files
        raise EOFError(f"member {member.name} has no data")
    with stream:
        return stream.read()


def _image_from(
    path: Path, compression: Compression, members: Members, blobs: dict[str, bytes]
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
    config = blobs[config_name]
    diff_ids = _diff_ids(config, config_name, path)
    if len(diff_ids) != len(layer_names):
        raise ArchiveError(
            f"manifest.json has {len(layer_names)} entries in Layers but the config has "
            f"{len(diff_ids)} diff_ids; the archive is inconsistent: rebuild it",
            path=path,
        )
    layers: list[Layer] = []
    for raw_name, diff_id in zip(layer_names, diff_ids, strict=True):
        name = _normal(raw_name)
        member = members.get(name)
        if member is None:
            raise ArchiveError(
                f"manifest.json names the layer {name!r}, which is not in the archive "
                "(truncated?); rebuild it",
                path=path,
            )
        if not member.isfile():
            raise ArchiveError(f"layer {name!r} is not a file in the archive; rebuild it",
                               path=path)  # fmt: skip
        offset = member.offset_data if compression is Compression.NONE else -1
        layers.append(Layer(name=name, diff_id=diff_id, size=member.size, offset=offset))
    return ArchiveImage(
        path=path,
        compression=compression,
        repo_tags=tuple(repo_tags),
        config=config,
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


def stage_layers(image: ArchiveImage, wanted: set[str], directory: Path) -> dict[str, Blob]:
    """The layers whose diff_id is in ``wanted``, each hashed against its diff_id, as
    :class:`Blob` s keyed by diff_id: ranges of a plain tar, files in ``directory`` for a
    compressed archive (removed with it). A layer that does not match is an error before
    anything is sent: skopeo would push it, and the image would fail only when a runner
    pulls it."""
    if image.compression is Compression.NONE:
        return _stage_in_place(image, wanted)
    staged: dict[str, Blob] = {}
    index = {layer.name: number for number, layer in enumerate(image.layers, start=1)}
    try:
        with _decompressed(image.path, image.compression) as stream:
            with tarfile.open(fileobj=stream, mode="r|", bufsize=CHUNK) as archive:
                for member in archive:
                    number = index.get(_normal(member.name))
                    if number is None:
                        continue
                    layer = image.layers[number - 1]
                    if layer.diff_id not in wanted or layer.diff_id in staged:
                        continue
                    source = archive.extractfile(member)
                    if source is None:  # pragma: no cover - read_archive checked it is a file
                        raise EOFError(f"layer {layer.name} has no data")
                    target = directory / layer.diff_id.removeprefix("sha256:")
                    try:
                        sink = target.open("xb")
                    except OSError as error:  # not the archive's fault: not a read error
                        raise _cannot_write(directory, error) from None
                    with source, sink:
                        _copy_checked(image, number, source, sink)
                    staged[layer.diff_id] = Blob(target, 0, layer.size)
            _drain(stream)
    except _READ_ERRORS as error:  # pragma: no cover - read_archive read this stream to its end
        raise ArchiveError(
            f"{_kind(image.compression)}cannot decompress (corrupt or truncated "
            f"{image.compression.value}: {_describe(error)}); rebuild it",
            path=image.path,
        ) from None
    return staged


def _stage_in_place(image: ArchiveImage, wanted: set[str]) -> dict[str, Blob]:
    """A plain tar's layers are hashed where they are, on every core (sha256 releases
    the GIL): 52 MB in about half the time of one thread, measured on two cores."""
    chosen = {layer.diff_id: number for number, layer in enumerate(image.layers, start=1)}
    numbers = sorted(number for diff_id, number in chosen.items() if diff_id in wanted)
    checks = [partial(_check_range, image, number) for number in numbers]
    in_parallel(checks, os.cpu_count() or 1)
    layers = [image.layers[number - 1] for number in numbers]
    return {layer.diff_id: Blob(image.path, layer.offset, layer.size) for layer in layers}


def _check_range(image: ArchiveImage, number: int) -> None:
    layer = image.layers[number - 1]
    with image.path.open("rb") as stream:
        stream.seek(layer.offset)
        _copy_checked(image, number, _Limited(stream, layer.size), None)


class _Limited:
    """``size`` bytes of a stream, no more."""

    def __init__(self, stream: IO[bytes], size: int) -> None:
        self.stream = stream
        self.left = size

    def read(self, count: int) -> bytes:
        data = self.stream.read(min(count, self.left))
        self.left -= len(data)
        return data


def _cannot_write(directory: Path, error: OSError) -> CiImageError:
    return CiImageError(
        f"cannot write the layers to upload into {directory}: {error.strerror or error}; "
        "free space there or pass --tmpdir DIR"
    )


def _copy_checked(
    image: ArchiveImage, number: int, source: IO[bytes] | _Limited, sink: IO[bytes] | None
) -> None:
    """Read layer ``number`` (writing it to ``sink``, if any) and check its sha256."""
    layer = image.layers[number - 1]
    digest = hashlib.sha256()
    read = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        read += len(chunk)
        if sink is not None:
            try:
                sink.write(chunk)
            except OSError as error:  # pragma: no cover - needs a full disk to provoke
                raise _cannot_write(Path(sink.name).parent, error) from None
    actual = "sha256:" + digest.hexdigest()
    if actual != layer.diff_id or read != layer.size:
        raise ArchiveError(
            f"layer {number} ({layer.name}) is corrupt: its sha256 is {actual}, the config "
            f"says {layer.diff_id}; rebuild the archive",
            path=image.path,
        )
