"""Image references: the grammar of distribution/reference, with the reason for a refusal.

The grammar is distribution's ``reference/regexp.go`` (distribution v2.8.3, the
``docker-registry`` the suite runs): ``[HOST[:PORT]/]PATH[:TAG][@DIGEST]``, path
components in lowercase with single separators, tags of 1 to 128 word characters, a
repository name of at most 255 characters; only sha256 digests are accepted here.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ci_image.reference import (
    MalformedReferenceError,
    Reference,
    parse_reference,
    parse_repository,
    split_host,
    validate_tag,
)

DIGEST = "sha256:" + "6" * 64

PARSED = [
    ("alpine", Reference(None, "alpine")),
    ("alpine:3.20", Reference(None, "alpine", "3.20")),
    (f"alpine@{DIGEST}", Reference(None, "alpine", None, DIGEST)),
    (f"alpine:3.20@{DIGEST}", Reference(None, "alpine", "3.20", DIGEST)),
    ("codeberg.org/acme/ci:1bbb", Reference("codeberg.org", "acme/ci", "1bbb")),
    ("localhost/ci", Reference("localhost", "ci")),
    ("localhost:5000/ci:x", Reference("localhost:5000", "ci", "x")),
    ("127.0.0.1:5000/a/b/c:v_1.0-rc", Reference("127.0.0.1:5000", "a/b/c", "v_1.0-rc")),
    ("[::1]:5000/ci", Reference("[::1]:5000", "ci")),
    ("Registry/ci", Reference("Registry", "ci")),  # uppercase: a host, as distribution reads it
    ("acme/ci", Reference(None, "acme/ci")),
    ("a.b-c/f", Reference("a.b-c", "f")),  # a dot makes the first part a host
    ("acme/a.b__c-d--e", Reference(None, "acme/a.b__c-d--e")),
]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_a_reference_is_parsed_into_its_parts(text: str, expected: Reference) -> None:
    parsed = parse_reference(text)
    assert parsed == expected
    assert str(parsed) == text


LONG = "codeberg.org/" + "a" * 243 + ":1"
MALFORMED = [
    ("", "empty image reference"),
    (" alpine", "image reference has leading or trailing whitespace"),
    ("redis 7", "image reference contains whitespace"),
    ("${{ vars.IMAGE }}", "contains a ${{ }} expression, which only the runner resolves"),
    ("alpine@sha256:1@sha256:2", "more than one '@' in image reference"),
    (
        "alpine@md5:d41d8cd98f00b204e9800998ecf8427e",
        "digest 'md5:d41d8cd98f00b204e9800998ecf8427e' is not a sha256 digest ('sha256:' + 64 hex)",
    ),
    (
        "alpine@sha256:ABC",
        "digest 'sha256:ABC' must be 'sha256:' followed by 64 lowercase hex digits",
    ),
    (f"@{DIGEST}", "digest without a repository name"),
    (
        "alpine:-rc1",
        "tag '-rc1' is not a valid tag: a tag is 1 to 128 of [A-Za-z0-9_.-], "
        "not starting with '.' or '-'",
    ),
    (":3.20", "empty repository name"),
    (
        "my_registry.example/acme/ci:1",
        "registry host 'my_registry.example' is not a valid host[:port]",
    ),
    ("codeberg.org/", "no repository path after registry host 'codeberg.org'"),
    ("codeberg.org/acme//ci", "empty path component in 'acme//ci'"),
    (
        "codeberg.org/acme/ci__-x",
        "path component 'ci__-x' is invalid: use lowercase letters, digits and single "
        "separators . _ __ -",
    ),
    ("acme/Ci", "path component 'Ci' is invalid: uppercase letters are not allowed"),
    (LONG, "repository name is 256 characters long, over the limit of 255"),
]


@pytest.mark.parametrize(("text", "reason"), MALFORMED)
def test_a_malformed_reference_says_why(text: str, reason: str) -> None:
    with pytest.raises(MalformedReferenceError) as refused:
        parse_reference(text)
    assert str(refused.value) == reason


def test_the_limit_is_on_the_name_without_tag_and_digest() -> None:
    name = "codeberg.org/" + "a" * 242
    assert len(name) == 255
    assert parse_reference(f"{name}:1@{DIGEST}").path == "a" * 242


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("python", "docker.io/library/python"),
        ("python", "index.docker.io/python"),
        ("acme/ci", "docker.io/acme/ci"),
        ("codeberg.org/acme/ci:1", f"codeberg.org/acme/ci@{DIGEST}"),
    ],
)
def test_the_same_repository_however_written(one: str, other: str) -> None:
    assert parse_reference(one).same_repository(parse_reference(other))


def test_other_repositories_differ() -> None:
    assert not parse_reference("codeberg.org/acme/ci").same_repository(
        parse_reference("codeberg.org/acme/cd")
    )
    assert not parse_reference("quay.io/python").same_repository(parse_reference("python"))


def test_a_pin_replaces_tag_and_digest_and_bare_drops_them() -> None:
    reference = parse_reference("codeberg.org/acme/ci:1")
    assert str(reference.with_pin("2", DIGEST)) == f"codeberg.org/acme/ci:2@{DIGEST}"
    assert str(reference.with_pin("2", DIGEST).bare) == "codeberg.org/acme/ci"


def test_a_repository_names_its_host_and_nothing_more() -> None:
    assert parse_repository("codeberg.org/acme/ci") == Reference("codeberg.org", "acme/ci")
    with pytest.raises(MalformedReferenceError, match="is a pinned reference; give the repository"):
        parse_repository("codeberg.org/acme/ci:1")
    with pytest.raises(MalformedReferenceError, match="names no registry host"):
        parse_repository("acme/ci")


@pytest.mark.parametrize("tag", ["1", "v1.2.3", "_x", "A" * 128, "1bbb-x_y.z"])
def test_valid_tags(tag: str) -> None:
    assert validate_tag(tag, "--tag") == tag


@pytest.mark.parametrize("tag", ["", ".x", "-x", "A" * 129, "a/b", "a:b", "é"])
def test_invalid_tags_name_what_was_given(tag: str) -> None:
    with pytest.raises(MalformedReferenceError, match=r"^--tag .* is not a valid tag: a tag is"):
        validate_tag(tag, "--tag")


ALNUM = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6)
SEPARATOR = st.sampled_from([".", "_", "__", "-", "---"])
COMPONENT = st.builds(
    lambda first, rest: first + "".join(separator + word for separator, word in rest),
    ALNUM,
    st.lists(st.tuples(SEPARATOR, ALNUM), max_size=2),
)
HOST = st.sampled_from(["codeberg.org", "localhost:5000", "127.0.0.1", "[::1]:443", None])
TAG = st.none() | st.builds(
    str.__add__,
    st.sampled_from(["v", "1", "_", "A"]),
    st.text(alphabet="abcXYZ019_.-", max_size=12),
)
HEX = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)


@given(HOST, st.lists(COMPONENT, min_size=1, max_size=3), TAG, HEX | st.none())
def test_every_well_formed_reference_reads_back_as_written(
    host: str | None, components: list[str], tag: str | None, digest: str | None
) -> None:
    path = "/".join(components)
    if host is None and "." in components[0] and len(components) > 1:
        host = "codeberg.org"  # a first component with a dot would be read as a host
    text = path if host is None else f"{host}/{path}"
    text += f":{tag}" if tag else ""
    text += f"@sha256:{digest}" if digest else ""
    parsed = parse_reference(text)
    assert str(parsed) == text
    assert (parsed.registry, parsed.path, parsed.tag) == (host, path, tag or None)


@pytest.mark.parametrize(
    ("registry", "host", "port"),
    [
        ("codeberg.org", "codeberg.org", ""),
        ("localhost:5000", "localhost", "5000"),
        ("[::1]:5000", "::1", "5000"),
        ("[fe80::1]", "fe80::1", ""),
        ("host:", "host", ""),
    ],
)
def test_a_registry_splits_into_host_and_port(registry: str, host: str, port: str) -> None:
    assert split_host(registry) == (host, port)
