"""Which images the workflows pin, as push learns layers from them: read as text."""

from __future__ import annotations

from pathlib import Path

import pytest

from ci_image.publish.reuse import MAX_IMAGES, pinned_images
from ci_image.reference import parse_repository
from ci_image.trace import Trace

A, B, C = ("sha256:" + digit * 64 for digit in "abc")


def pins(directory: Path, repository: str) -> list[str]:
    return [str(found) for found in pinned_images(directory, parse_repository(repository), Trace())]


def write(directory: Path, name: str, text: str) -> None:
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(text, encoding="utf-8")


def test_every_place_a_pin_stands_in_order_once_and_only_of_the_repository(tmp_path: Path) -> None:
    write(tmp_path, "ci.yml", f"""\
on: push
jobs:
  test:
    runs-on: docker
    container: "codeberg.org/me/ci:v2@{A}"
    services:
      db: {{image: codeberg.org/other/ci@{C}}}
    steps:
      - uses: docker://codeberg.org/me/ci@{B}
      # the previous image: codeberg.org/me/ci:v1@{C}
  matrix:
    strategy:
      matrix:
        image: [codeberg.org/me/ci@{A}, 'codeberg.org/me/ci@{B}']
""")  # fmt: skip
    assert pins(tmp_path, "codeberg.org/me/ci") == [
        f"codeberg.org/me/ci@{A}",
        f"codeberg.org/me/ci@{B}",
        f"codeberg.org/me/ci@{C}",
    ]


def test_docker_hub_names_and_ipv6_hosts_are_compared_as_references(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", f"container: [alpine@{A}]\nimage: '[::1]:5000/ci/image:x@{B}'\n")
    assert pins(tmp_path, "docker.io/library/alpine") == [f"alpine@{A}"]
    assert pins(tmp_path, "[::1]:5000/ci/image") == [f"[::1]:5000/ci/image@{B}"]


def test_not_a_pin_a_longer_digest_a_tag_alone_or_another_file_kind(tmp_path: Path) -> None:
    write(tmp_path, "ci.yml", f"a: codeberg.org/me/ci@{A}0\nb: codeberg.org/me/ci:v1\n")
    write(tmp_path, "notes.txt", f"codeberg.org/me/ci@{B}\n")
    assert pins(tmp_path, "codeberg.org/me/ci") == []


def test_at_most_a_few_images_are_asked_about(tmp_path: Path) -> None:
    digests = ["sha256:" + f"{n:x}" * 64 for n in range(MAX_IMAGES + 2)]
    write(tmp_path, "ci.yml", "".join(f"- codeberg.org/me/ci@{d}\n" for d in digests))
    assert len(pins(tmp_path, "codeberg.org/me/ci")) == MAX_IMAGES


def test_a_workflow_that_cannot_be_read_stops_learning_not_the_push(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working directory
    tmp_path.joinpath("ci.yml").write_bytes(f"container: codeberg.org/me/ci@{A}".encode() + b"\xff")
    repository = parse_repository("codeberg.org/me/ci")
    assert pinned_images(tmp_path, repository, Trace(enabled=True)) == []
    assert capsys.readouterr().err == (
        "ci-image: not learning layers from the workflows: ci.yml:1: is not "
        "valid UTF-8 (byte 0xff at offset 101); save the file as UTF-8\n"
    )
