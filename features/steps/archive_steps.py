"""Steps that build the inputs of ``tag``, ``push`` and ``release``: real docker-archives
(see support/images.py) and real Nix store paths (support/nixstore.py)."""

from __future__ import annotations

import dataclasses
import functools
import gzip
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from behave import given, then
from behave.runner import Context

from support.images import (
    BuiltImage,
    config_of,
    host_program_layer,
    seeded_layers,
    tar_bytes,
    write_archive,
)
from support.nixstore import build_store_directory, build_store_file
from support.run_cache import made_once, shared_directory

DEFAULT_LAYERS = 3


def images(context: Context) -> dict[str, BuiltImage]:
    if not hasattr(context, "images"):
        context.images = {}
    found: dict[str, BuiltImage] = context.images
    return found


def build(
    context: Context,
    name: str,
    repo_tags: list[str],
    *,
    seed: str | None = None,
    compress: bool = False,
    layers: int = DEFAULT_LAYERS,
) -> BuiltImage:
    image = write_archive(
        context.workdir / name,
        layers=seeded_layers(seed or name, layers),
        repo_tags=repo_tags,
        compress=compress,
    )
    images(context)[name] = image
    return image


@given('an image archive "{name}" tagged "{repo_tag}"')
def step_archive(context: Context, name: str, repo_tag: str) -> None:
    build(context, name, [repo_tag])


@given('a different image archive "{name}", built from "{seed}", tagged "{repo_tag}"')
def step_archive_seeded(context: Context, name: str, seed: str, repo_tag: str) -> None:
    build(context, name, [repo_tag], seed=seed)


@given('a {count:d}-layer image archive "{name}" tagged "{repo_tag}"')
def step_archive_layers(context: Context, count: int, name: str, repo_tag: str) -> None:
    build(context, name, [repo_tag], layers=count)


@given('a large gzipped image archive "{name}" tagged "{repo_tag}"')
def step_archive_large(context: Context, name: str, repo_tag: str) -> None:
    """4 layers of 16 MiB: an upload that lasts long enough to be interrupted. The same
    bytes every time, and two seconds of CPU to make: made once per run, copied here."""
    made = _large_archive(shared_directory(context, "archives"), name, repo_tag)
    shutil.copyfile(made.path, context.workdir / name)
    images(context)[name] = dataclasses.replace(made, path=context.workdir / name)


@functools.cache
def _large_archive(directory: Path, name: str, repo_tag: str) -> BuiltImage:
    layers = seeded_layers(name, 4, file_bytes=16 * 1024 * 1024)
    key = hashlib.sha256(f"{name}\0{repo_tag}".encode()).hexdigest()[:16]
    path = made_once(
        directory / f"large-{key}.tar.gz",
        lambda partial: write_archive(partial, layers=layers, repo_tags=[repo_tag], compress=True),
    )
    return BuiltImage(path, [repo_tag], config_of(layers), layers, compressed=True)


@given('an empty directory "{name}"')
def step_empty_directory(context: Context, name: str) -> None:
    (context.workdir / name).mkdir(parents=True)


@given('a gzipped image archive "{name}" tagged "{repo_tag}"')
def step_archive_gzip(context: Context, name: str, repo_tag: str) -> None:
    build(context, name, [repo_tag], compress=True)


@given('an image archive "{name}" without RepoTags')
def step_archive_untagged(context: Context, name: str) -> None:
    build(context, name, [])


@given('an image archive "{name}" with the RepoTags "{first}" and "{second}"')
def step_archive_two_tags(context: Context, name: str, first: str, second: str) -> None:
    build(context, name, [first, second])


@given('a runnable image archive "{name}" tagged "{repo_tag}" with "{path}" containing "{text}"')
def step_archive_runnable(context: Context, name: str, repo_tag: str, path: str, text: str) -> None:
    """An image podman can run: the host's ``cat`` with its libraries, plus one file."""
    layers = [
        host_program_layer("/usr/bin/cat"),
        tar_bytes([(path.lstrip("/"), text.encode() + b"\n", 0o644)]),
    ]
    images(context)[name] = write_archive(
        context.workdir / name, layers=layers, repo_tags=[repo_tag], cmd=["/usr/bin/cat", path]
    )


@given('"{name}" is "{source}" cut off after half its bytes')
def step_truncated(context: Context, name: str, source: str) -> None:
    data = (context.workdir / source).read_bytes()
    (context.workdir / name).write_bytes(data[: len(data) // 2])


@given('"{name}" is "{source}" without its last {count:d} bytes')
def step_cut_tail(context: Context, name: str, source: str, count: int) -> None:
    data = (context.workdir / source).read_bytes()
    (context.workdir / name).write_bytes(data[:-count])


@given('"{name}" is "{source}" with one byte of its last layer flipped')
def step_corrupt_layer(context: Context, name: str, source: str) -> None:
    image = images(context)[source]
    data = bytearray(image.path.read_bytes())
    layer = image.layers[-1]
    # The layer's file content starts after its own tar header; flip a byte well inside it.
    offset = data.find(layer[1024:1088])
    assert offset > 0, "layer bytes not found in the archive"
    data[offset] ^= 0x01
    (context.workdir / name).write_bytes(bytes(data))
    images(context)[name] = image


@given('"{link}" is the Nix build result of a store directory named "{name}"')
def step_nix_directory(context: Context, link: str, name: str) -> None:
    build_store_directory(context.workdir, context.workdir / link, name, context.env)


@given('"{link}" is the Nix build result of the archive "{archive}" stored as "{name}"')
def step_nix_file(context: Context, link: str, archive: str, name: str) -> None:
    build_store_file(
        context.workdir, context.workdir / link, context.workdir / archive, name, context.env
    )


@given('"{link}" is a link to "{target}"')
def step_link(context: Context, link: str, target: str) -> None:
    (context.workdir / link).symlink_to(target)


@given('"{name}" is "{source}" compressed with gzip')
def step_compressed(context: Context, name: str, source: str) -> None:
    data = (context.workdir / source).read_bytes()
    (context.workdir / name).write_bytes(gzip.compress(data, mtime=0))
    images(context)[name] = images(context)[source]


@given('"{name}" is a copy of "{source}"')
def step_copy(context: Context, name: str, source: str) -> None:
    shutil.copyfile(context.workdir / source, context.workdir / name)
    if source in images(context):
        images(context)[name] = images(context)[source]


@given("{tool} is not on the PATH")
def step_tool_missing(context: Context, tool: str) -> None:
    """PATH becomes an empty directory: the tool (and every other) cannot be found."""
    context.env["PATH"] = str(context.workdir / ".empty-path")


@then('stdout is the store hash of "{link}"')
def step_stdout_store_hash(context: Context, link: str) -> None:
    target = Path(os.path.realpath(context.workdir / link))
    expected = target.name.split("-", 1)[0]
    assert len(expected) == 32, target
    assert context.result.stdout == expected + "\n", (expected, context.result.stdout)


@then('the store hash of "{link}" is not in stdout')
def step_store_hash_absent(context: Context, link: str) -> None:
    target = Path(os.path.realpath(context.workdir / link))
    assert target.name.split("-", 1)[0] not in context.result.stdout, context.result.stdout


@given('a tar "{name}" holding "{member}"')
def step_plain_tar(context: Context, name: str, member: str) -> None:
    (context.workdir / name).write_bytes(tar_bytes([(member, b"hello\n", 0o644)]))


@given('a tar "{name}" with these members')
def step_tar_members(context: Context, name: str) -> None:
    """A tar of the table's ``name``/``content`` rows, in order: for malformed archives."""
    entries = [(row["name"], row["content"].encode(), 0o644) for row in context.table]
    (context.workdir / name).write_bytes(tar_bytes(entries))


@given('"{name}" is "{source}" compressed with zstd')
def step_compressed_zstd(context: Context, name: str, source: str) -> None:
    """With the zstd program, as dockerTools' ``compressor = "zstd"`` runs it."""
    subprocess.run(
        ["zstd", "--quiet", "-o", str(context.workdir / name), str(context.workdir / source)],
        check=True,
        capture_output=True,
    )
    images(context)[name] = images(context)[source]


@given('a {count:d}-layer image archive "{name}" of {kib:d} KiB layers tagged "{repo_tag}"')
def step_archive_sized(context: Context, count: int, name: str, kib: int, repo_tag: str) -> None:
    """Incompressible layers (seeded random bytes): a layer's size is what it costs."""
    image = write_archive(
        context.workdir / name,
        layers=seeded_layers(name, count, file_bytes=kib * 1024),
        repo_tags=[repo_tag],
    )
    images(context)[name] = image


@given('"{name}" is "{source}" with layer {number:d} replaced, tagged "{repo_tag}"')
def step_archive_one_layer_changed(
    context: Context, name: str, source: str, number: int, repo_tag: str
) -> None:
    """The same layers but one, which gets new content of the same size: a dependency
    update that changes one store path."""
    original = images(context)[source]
    layers = list(original.layers)
    old = layers[number - 1]
    payload = hashlib.shake_256(f"{name}/changed".encode()).digest(max(len(old) - 2048, 1))
    layers[number - 1] = tar_bytes([(f"changed{number}/data.bin", payload, 0o644)])
    compress = name.endswith(".gz")
    image = write_archive(context.workdir / name, layers=layers, repo_tags=[repo_tag],
                          compress=compress)  # fmt: skip
    image.extra["changed_layer"] = str(number)
    images(context)[name] = image


@given('a file "{name}" holding the bytes "{magic}" and then some')
def step_magic_file(context: Context, name: str, magic: str) -> None:
    path = context.workdir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes.fromhex(magic) + b"\0" * 512)


@given(
    'an image archive "{name}" with the layers of "{source}" '
    'and the command "{command}", tagged "{repo_tag}"'
)
def step_archive_other_config(
    context: Context, name: str, source: str, command: str, repo_tag: str
) -> None:
    """The same layers under another config: another build of the same store paths."""
    image = write_archive(
        context.workdir / name,
        layers=images(context)[source].layers,
        repo_tags=[repo_tag],
        cmd=[command],
    )
    images(context)[name] = image


@given('"{name}" is "{source}" followed by garbage')
def step_trailing_garbage(context: Context, name: str, source: str) -> None:
    data = (context.workdir / source).read_bytes()
    (context.workdir / name).write_bytes(data + b"not a zstd frame" * 4)
