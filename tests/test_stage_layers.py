"""Which layers ``stage_layers`` checks: exactly those wanted, and a mismatch named by
its layer, the first in the archive when several are bad (whichever thread finds it)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from ci_image.errors import CiImageError
from ci_image.publish.archive import ArchiveError, read_archive, stage_layers


def tar_of(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def write_archive(path: Path, layers: list[bytes], *, compress: bool = False) -> Path:
    """A docker-archive as dockerTools writes it: layers, config, manifest.json last."""
    diff_ids = ["sha256:" + hashlib.sha256(layer).hexdigest() for layer in layers]
    config = json.dumps(
        {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diff_ids}}
    ).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    names = [f"{diff_id[7:]}/layer.tar" for diff_id in diff_ids]
    manifest = [{"Config": config_name, "RepoTags": ["t:1"], "Layers": names}]
    data = tar_of(
        [*zip(names, layers, strict=True), (config_name, config),
         ("manifest.json", json.dumps(manifest).encode())]
    )  # fmt: skip
    path.write_bytes(gzip.compress(data, compresslevel=1, mtime=0) if compress else data)
    return path


LAYERS = [tar_of([(f"layer{i}/data", bytes([i]) * (1 << 20) * 2)]) for i in range(3)]


@pytest.fixture(params=[False, True], ids=["tar", "tar.gz"])
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    compress = bool(request.param)
    return write_archive(tmp_path / ("image.tar.gz" if compress else "image.tar"), LAYERS,
                         compress=compress)  # fmt: skip


def test_only_the_wanted_layers_are_staged(archive: Path, tmp_path: Path) -> None:
    image = read_archive(archive)
    wanted = {image.diff_ids[0], image.diff_ids[2]}
    staged = stage_layers(image, wanted, tmp_path)
    assert set(staged) == wanted


def test_the_first_corrupt_layer_is_named(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "image.tar", LAYERS)
    image = read_archive(path)
    data = bytearray(path.read_bytes())
    for layer in image.layers[1:]:
        data[layer.offset + layer.size - 1024] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match=r"layer 2 \("):
        stage_layers(image, set(image.diff_ids), tmp_path)


def test_a_directory_that_cannot_take_the_layers_is_not_a_corrupt_archive(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "image.tar.gz", LAYERS, compress=True)
    image = read_archive(path)
    with pytest.raises(CiImageError, match="cannot write the layers to upload into") as caught:
        stage_layers(image, set(image.diff_ids), tmp_path / "gone")
    assert not isinstance(caught.value, ArchiveError)
