"""What registries and skopeo answer, read defensively: the pure logic under ``push``,
``release`` and ``check --registry`` (features/push.feature and friends run the real
thing against a real registry)."""

from __future__ import annotations

import email.utils
import json
import os
from pathlib import Path

import pytest

from ci_image.errors import CiImageError
from ci_image.publish.credentials import read_auth_files, redact
from ci_image.publish.registry import RegistryOptions, parse_manifest, registry_session
from ci_image.publish.retry import TransientError, with_retries
from ci_image.publish.reuse import config_diff_ids
from ci_image.publish.skopeo import Access, Listener, retry_after_seconds
from ci_image.reference import parse_reference
from ci_image.trace import Trace

A = "sha256:" + "a" * 64
B = "sha256:" + "b" * 64


@pytest.mark.parametrize(
    ("manifest", "index", "layers"),
    [
        ({"config": {"digest": A}, "layers": []}, False, 0),
        ({"manifests": []}, True, 0),
        ({"config": {"digest": "md5:00"}}, True, 0),
        (
            {
                "config": {"digest": A},
                "layers": [
                    7,
                    {"digest": B, "size": "big"},
                    {"digest": "x", "size": 1},
                    {"digest": B, "size": 9},
                ],
            },
            False,
            1,
        ),
    ],
)
def test_a_manifest_is_read_for_its_config_and_layers(
    manifest: dict[str, object], index: bool, layers: int
) -> None:
    raw = json.dumps(manifest).encode()
    read = parse_manifest(raw, "example.org")
    assert read.is_index is index
    assert len(read.layers) == layers
    assert read.digest.startswith("sha256:")


def test_a_manifest_that_is_not_an_object_is_an_error() -> None:
    with pytest.raises(CiImageError, match="returned a manifest that is not a JSON object"):
        parse_manifest(b"[1]", "example.org")


@pytest.mark.parametrize(
    ("config", "diff_ids"),
    [
        (b'{"rootfs": {"diff_ids": ["sha256:aa"]}}', ["sha256:aa"]),
        (b"not json", []),
        (b'{"rootfs": {"diff_ids": [1]}}', []),
        (b"[]", []),
    ],
)
def test_a_configs_diff_ids(config: bytes, diff_ids: list[str]) -> None:
    assert config_diff_ids(config) == diff_ids


NOW = email.utils.parsedate_to_datetime("Wed, 21 Oct 2026 07:28:00 GMT").timestamp()


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        ("Wed, 21 Oct 2026 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2026 07:00:00 GMT", 0.0),
        ("soon", None),
    ],
)
def test_retry_after_is_seconds_or_a_date(value: str, seconds: float | None) -> None:
    assert retry_after_seconds(value, now=NOW) == seconds


def test_an_unreadable_retry_after_in_skopeos_log_asks_for_no_wait() -> None:
    listener = Listener(Access("example.org"), Trace())
    listener('level=debug msg="Detected \'Retry-After\' header \\"soon\\""')
    assert listener.retry_after is None


@pytest.mark.parametrize(
    ("failures", "asked", "waits"),
    [
        (2, None, [1.0, 2.0]),
        (2, 5.0, [5.0, 5.0]),
        (3, 1.5, [1.5, 2.0, 4.0]),
        (1, 3600.0, [60.0]),
    ],
)
def test_the_wait_a_registry_asks_for_is_taken_up_to_the_cap(
    failures: int, asked: float | None, waits: list[float]
) -> None:
    left = [failures]

    def operation() -> str:
        if left[0] > 0:
            left[0] -= 1
            raise TransientError("429 Too Many Requests", retry_after=asked)
        return "done"

    slept: list[float] = []
    assert with_retries(operation, retries=3, what="test", trace=Trace(), sleep=slept.append)
    assert slept == waits


@pytest.mark.parametrize(
    ("question", "reference", "message"),
    [
        ("tag_digest", "example.org/ci/image", "has no tag to resolve"),
        ("digest_exists", "example.org/ci/image:v1", "has no digest to look up"),
        ("manifest", "example.org/ci/image", "names neither a tag nor a digest"),
    ],
)
def test_the_query_api_refuses_what_it_cannot_ask(
    question: str, reference: str, message: str
) -> None:
    with (
        registry_session(RegistryOptions(), environ={}, trace=Trace()) as registry,
        pytest.raises(CiImageError, match=message),
    ):
        getattr(registry, question)(parse_reference(reference))


def helper(directory: Path, name: str, output: str) -> None:
    script = directory / f"docker-credential-{name}"
    script.write_text(f"#!/bin/sh\ncat > /dev/null\nprintf '%s\\n' '{output}'\n")
    script.chmod(0o755)


def test_every_secret_skopeo_could_use_is_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The auth files' entries (odd ones too), and what the helpers of credHelpers and of
    registries.conf answer; then the shapes of secrets nobody named."""
    home = tmp_path / "home"
    (home / ".docker").mkdir(parents=True)
    (home / ".config/containers").mkdir(parents=True)
    (home / ".docker/config.json").write_text(
        json.dumps(
            {
                "auths": {
                    "a.example": {"auth": "dXNlcjpzM2NyZXQtZmlsZQ=="},  # user:s3cret-file
                    "b.example": {"identitytoken": "s3cret-identity"},
                    "c.example": "not an object",
                    "d.example": {"auth": "abc"},  # not base64
                },
                "credHelpers": {"h.example": "citest", "x.example": "other"},
            }
        )
    )
    (home / ".config/containers/auth.json").write_text("not json")
    (home / ".config/containers/registries.conf").write_text(
        'credential-helpers = ["containers-auth.json", "badjson", "empty", "missing"]\n'
    )
    helpers = tmp_path / "bin"
    helpers.mkdir()
    helper(helpers, "citest", json.dumps({"Username": "ci", "Secret": "s3cret-helper"}))
    helper(helpers, "badjson", "not json")
    helper(helpers, "empty", json.dumps({"Username": "ci", "Secret": ""}))
    monkeypatch.setenv("PATH", f"{helpers}{os.pathsep}{os.environ['PATH']}")
    environ = {"HOME": str(home), "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    trace = Trace()
    trace.add_secrets(*read_auth_files("h.example", None, environ).secrets)
    text = (
        "user:s3cret-file s3cret-file s3cret-identity s3cret-helper ci:s3cret-helper "
        "Basic Y2k6czNjcmV0LWhlbHBlcg== eyJhbGciOi.eyJzdWIi.c2ln "
        "https://u:p@x.example/?token=abc"
    )
    assert redact(text, trace) == (
        "*** *** *** *** *** Basic *** *** https://***@x.example/?token=***"
    )


def test_a_registries_conf_that_is_not_toml_names_no_helper(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".config/containers").mkdir(parents=True)
    (home / ".config/containers/registries.conf").write_text("credential-helpers = [\n")
    environ = {"HOME": str(home), "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    assert not [secret for secret in read_auth_files("h.example", None, environ).secrets if secret]
