from __future__ import annotations

import pytest

from ci_image.errors import CiImageError
from ci_image.pinning.plan import (
    pin_sites,
    plan_rewrites,
    require_pinnable,
    select_everywhere,
    select_same_tag,
)
from ci_image.pinning.resolve import registry_host
from ci_image.reference import parse_reference
from ci_image.workflows.sites import find_image_sites
from workflow_helpers import workflow

D1, D2 = "sha256:" + "1" * 64, "sha256:" + "2" * 64
TEXT = (
    "\ufeffon: push\r\n"
    "jobs:\r\n"
    "  a: {container: 'python:3.12'}  # python:3.12 in a comment\r\n"
    '  b: {container: "docker.io/library/python:3.12@' + D1 + '"}\r\n'
    "  c: {container: index.docker.io/python:3.11}\r\n"
    "  d: {container: python}\r\n"
    "  e: {container: python:latest}\r\n"
    "  f: {container: codeberg.org/acme/ci:old}\r\n"
)


def test_another_image_keeps_each_reference_s_own_tag() -> None:
    sites = find_image_sites(workflow(TEXT))
    chosen = select_same_tag(sites, parse_reference("python:3.12"))
    assert [site.text for site in chosen] == ["python:3.12", f"docker.io/library/python:3.12@{D1}"]
    each = select_same_tag(sites, parse_reference("python"))
    assert [site.text for site in each] == [
        "python:3.12",
        f"docker.io/library/python:3.12@{D1}",
        "index.docker.io/python:3.11",
    ]
    assert len(select_everywhere(sites, parse_reference("docker.io/library/python"))) == 5


def test_pins_are_written_in_the_user_s_spelling_every_other_byte_kept() -> None:
    loaded = workflow(TEXT)
    sites = find_image_sites(loaded)
    chosen = select_same_tag(sites, parse_reference("python"))
    pins = pin_sites(chosen, {"3.12": D2})  # no digest for 3.11: left alone
    (change,) = plan_rewrites([loaded], {loaded.path: sites}, pins)
    assert change.new_text == (
        TEXT.replace("'python:3.12'", f"'python:3.12@{D2}'").replace(
            f"python:3.12@{D1}", f"python:3.12@{D2}"
        )
    )
    assert [item.changed for item in change.replacements] == [True, True]


def test_the_ci_image_is_pinned_everywhere() -> None:
    loaded = workflow(TEXT)
    sites = find_image_sites(loaded)
    reference = parse_reference(f"codeberg.org/acme/ci:new@{D2}")
    chosen = select_everywhere(sites, reference)
    (change,) = plan_rewrites(
        [loaded], {loaded.path: sites}, {site.key: reference for site in chosen}
    )
    assert change.new_text == TEXT.replace("codeberg.org/acme/ci:old", str(reference))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("postgres:latest", "uses the tag 'latest'"),
        (f"postgres:latest@{D1}", "uses the tag 'latest'"),
        (f"postgres@{D1}", "has no tag; pin needs"),
    ],
)
def test_pin_refuses_what_check_would_reject(text: str, message: str) -> None:
    with pytest.raises(CiImageError, match=message):
        require_pinnable(parse_reference(text))


def test_pin_accepts_a_tag_without_a_digest_and_a_bare_repository() -> None:
    require_pinnable(parse_reference("postgres:16"))
    require_pinnable(parse_reference("postgres"))


def test_docker_hub_names_resolve_as_a_runner_pulls_them() -> None:
    short = parse_reference("python:3.12")
    assert registry_host(short) == "docker.io"
    assert short.canonical_repository == "docker.io/library/python"
    assert registry_host(parse_reference("index.docker.io/python")) == "docker.io"
    assert registry_host(parse_reference("ghcr.io/o/i:1")) == "ghcr.io"
    assert str(short.with_pin("3.12", D1)) == f"python:3.12@{D1}"
