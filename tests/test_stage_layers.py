"""Which layers ``stage_layers`` checks: exactly those wanted, and a mismatch named by
its layer, the first in the archive when several are bad (whichever thread finds it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ci_image.errors import CiImageError
from ci_image.publish.archive import ArchiveError, read_archive, stage_layers
from support.images import tar_bytes, write_archive

LAYERS = [tar_bytes([(f"layer{i}/data", bytes([i]) * (1 << 20) * 2, 0o644)]) for i in range(3)]


@pytest.fixture(params=[False, True], ids=["tar", "tar.gz"])
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    compress = bool(request.param)
    name = "image.tar.gz" if compress else "image.tar"
    return write_archive(tmp_path / name, layers=LAYERS, repo_tags=["t:1"], compress=compress).path


def test_only_the_wanted_layers_are_staged(archive: Path, tmp_path: Path) -> None:
    image = read_archive(archive)
    wanted = {image.diff_ids[0], image.diff_ids[2]}
    staged = stage_layers(image, wanted, tmp_path)
    assert set(staged) == wanted


def test_the_first_corrupt_layer_is_named(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "image.tar", layers=LAYERS, repo_tags=["t:1"]).path
    image = read_archive(path)
    data = bytearray(path.read_bytes())
    for layer in image.layers[1:]:
        data[layer.offset + layer.size - 1024] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match=r"layer 2 \("):
        stage_layers(image, set(image.diff_ids), tmp_path)


def test_a_directory_that_cannot_take_the_layers_is_not_a_corrupt_archive(tmp_path: Path) -> None:
    path = write_archive(
        tmp_path / "image.tar.gz", layers=LAYERS, repo_tags=["t:1"], compress=True
    ).path
    image = read_archive(path)
    with pytest.raises(CiImageError, match="cannot write the layers to upload into") as caught:
        stage_layers(image, set(image.diff_ids), tmp_path / "gone")
    assert not isinstance(caught.value, ArchiveError)
