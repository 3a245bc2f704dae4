"""A small, deterministic docker-archive builder: real archives that skopeo accepts.

The format is ``docker save``'s, as dockerTools writes it: ``manifest.json``
(Config, RepoTags, Layers), the config JSON with ``rootfs.diff_ids``, and one
uncompressed tar per layer. Every timestamp, owner and order is fixed, so the same
arguments always give the same bytes (and the same image ID).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

EPOCH = 1  # dockerTools uses a fixed date too; 0 would be "no date" to some readers
LAYER_FILE_BYTES = 4096


@dataclass
class BuiltImage:
    """What the builder knows about an archive it wrote, computed independently of ci-image."""

    path: Path
    repo_tags: list[str]
    config: bytes
    layers: list[bytes]
    compressed: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def config_digest(self) -> str:
        return "sha256:" + hashlib.sha256(self.config).hexdigest()

    @property
    def diff_ids(self) -> list[str]:
        return ["sha256:" + hashlib.sha256(layer).hexdigest() for layer in self.layers]

    @property
    def tag(self) -> str:
        return self.repo_tags[0].rpartition(":")[2]


def tar_bytes(entries: list[tuple[str, bytes, int]]) -> bytes:
    """A tar of regular files in the given order (parent directories first), byte-stable."""
    buffer = io.BytesIO()
    directories: set[str] = set()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, data, mode in entries:
            parts = name.split("/")[:-1]
            for depth in range(1, len(parts) + 1):
                directory = "/".join(parts[:depth])
                if directory not in directories:
                    directories.add(directory)
                    archive.addfile(_info(directory + "/", 0, 0o755, tarfile.DIRTYPE))
            archive.addfile(_info(name, len(data), mode, tarfile.REGTYPE), io.BytesIO(data))
    return buffer.getvalue()


def _info(name: str, size: int, mode: int, kind: bytes) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = mode
    info.type = kind
    info.mtime = EPOCH
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def seeded_layers(seed: str, count: int, file_bytes: int = LAYER_FILE_BYTES) -> list[bytes]:
    """``count`` layers whose contents depend only on ``seed``: same seed, same image."""
    layers = []
    for index in range(count):
        stream = hashlib.shake_256(f"{seed}/{index}".encode()).digest(file_bytes)
        layers.append(tar_bytes([(f"layer{index}/data.bin", stream, 0o644)]))
    return layers


def image_config(diff_ids: list[str], cmd: list[str] | None = None) -> bytes:
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:01Z",
        "config": {"Cmd": cmd or ["/bin/sh"], "Env": ["PATH=/usr/bin:/bin"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": "1970-01-01T00:00:01Z", "comment": "ci-image test"}]
        * len(diff_ids),
    }
    return json.dumps(config, sort_keys=True, separators=(",", ":")).encode()


def config_of(layers: list[bytes], cmd: list[str] | None = None) -> bytes:
    """The config JSON of an archive of ``layers`` (what :func:`write_archive` writes)."""
    return image_config(["sha256:" + hashlib.sha256(layer).hexdigest() for layer in layers], cmd)


def write_archive(
    path: Path,
    *,
    layers: list[bytes],
    repo_tags: list[str],
    compress: bool = False,
    cmd: list[str] | None = None,
) -> BuiltImage:
    """Write a docker-archive; layers first and manifest.json last, as dockerTools does."""
    diff_ids = ["sha256:" + hashlib.sha256(layer).hexdigest() for layer in layers]
    config = image_config(diff_ids, cmd)
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    layer_names = [f"{diff_id[7:]}/layer.tar" for diff_id in diff_ids]
    manifest = [{"Config": config_name, "RepoTags": repo_tags, "Layers": layer_names}]
    entries = [(name, data, 0o644) for name, data in zip(layer_names, layers, strict=True)]
    members = [
        *entries,
        (config_name, config, 0o644),
        ("manifest.json", json.dumps(manifest).encode(), 0o644),
    ]
    data = tar_bytes(members)
    if compress:
        data = gzip.compress(data, compresslevel=1, mtime=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return BuiltImage(
        path=path, repo_tags=repo_tags, config=config, layers=layers, compressed=compress
    )


def host_program_layer(program: str = "/usr/bin/cat") -> bytes:
    """A layer with a dynamically linked host program and exactly the libraries it loads."""
    entries: list[tuple[str, bytes, int]] = []
    for source in [program, *_shared_libraries(program)]:
        data = Path(os.path.realpath(source)).read_bytes()
        entries.append((source.lstrip("/"), data, 0o755))
    return tar_bytes(sorted(entries))


def _shared_libraries(program: str) -> list[str]:
    """The loader and libraries ``ldd`` reports, under the names the program asks for."""
    output = subprocess.run(["ldd", program], capture_output=True, text=True, check=True).stdout
    libraries = []
    for line in output.splitlines():
        words = line.split()
        if "=>" in words and words[words.index("=>") + 1].startswith("/"):
            libraries.append(words[words.index("=>") + 1])
        elif words and words[0].startswith("/"):
            libraries.append(words[0])
    return libraries


def write_oci_index_layout(
    directory: Path,
    layers: list[bytes],
    ref_name: str,
    platforms: tuple[str, ...] = ("linux/amd64",),
) -> bytes:
    """An OCI layout whose ``ref_name`` is an image *index* (one image per platform in it,
    each with ``layers`` and its own config), as a multi-platform build leaves it:
    ``skopeo copy --multi-arch all`` pushes the index itself. Returns the index's bytes."""
    blobs = directory / "blobs" / "sha256"
    blobs.mkdir(parents=True, exist_ok=True)

    def blob(data: bytes, media_type: str) -> dict[str, object]:
        digest = hashlib.sha256(data).hexdigest()
        (blobs / digest).write_bytes(data)
        return {"mediaType": media_type, "digest": f"sha256:{digest}", "size": len(data)}

    diff_ids = ["sha256:" + hashlib.sha256(layer).hexdigest() for layer in layers]
    layer_descriptors = [blob(layer, "application/vnd.oci.image.layer.v1.tar") for layer in layers]
    images = []
    for platform in platforms:
        system, _, architecture = platform.partition("/")
        config_data = json.loads(image_config(diff_ids))
        config_data.update(architecture=architecture, os=system)
        config = blob(
            json.dumps(config_data, sort_keys=True, separators=(",", ":")).encode(),
            "application/vnd.oci.image.config.v1+json",
        )
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": config,
            "layers": layer_descriptors,
        }
        image = blob(json.dumps(manifest).encode(), "application/vnd.oci.image.manifest.v1+json")
        image["platform"] = {"architecture": architecture, "os": system}
        images.append(image)
    index = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": images,
    }
    index_bytes = json.dumps(index).encode()
    top = blob(index_bytes, "application/vnd.oci.image.index.v1+json")
    top["annotations"] = {"org.opencontainers.image.ref.name": ref_name}
    (directory / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}', encoding="utf-8")
    (directory / "index.json").write_text(
        json.dumps({"schemaVersion": 2, "manifests": [top]}), encoding="utf-8"
    )
    return index_bytes
