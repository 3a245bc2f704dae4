"""The token-realm check's own parts: reading the challenge, choosing what to trust."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path
from typing import cast

import pytest

from ci_image.publish.realm import _bearer_realm, _context, _hashed_directory, _response_head

CHALLENGE = (
    b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
    b'Www-Authenticate: Bearer realm="http://auth.example.org/token",service="registry"'
)


def test_the_realm_of_a_bearer_challenge() -> None:
    assert _bearer_realm(CHALLENGE) == "http://auth.example.org/token"


@pytest.mark.parametrize(
    "head",
    [
        CHALLENGE.replace(b"401 Unauthorized", b"200 OK"),  # no challenge asked for
        CHALLENGE.replace(b"Bearer", b"Basic"),  # credentials go to the registry itself
        b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer service=registry",
        b"HTTP/1.1 401 Unauthorized",
        b"",
    ],
)
def test_no_realm_without_a_bearer_challenge_that_names_one(head: bytes) -> None:
    assert _bearer_realm(head) is None


def test_the_directory_of_hashed_names_is_chosen_when_it_has_some(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    (tmp_path / "ca-certificates.crt").write_text("", encoding="utf-8")
    assert _hashed_directory() is None  # a bundle only: read whole
    (tmp_path / "5ad8a5d6.0").write_text("", encoding="utf-8")
    assert _hashed_directory() == str(tmp_path)
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "missing"))
    assert _hashed_directory() is None


def test_a_directory_of_cas_is_not_loaded_up_front(tmp_path: Path) -> None:
    """Where the time goes: the directory is read as a handshake asks, the bundle now."""
    lazy = _context("registry.example.org", None, tmp_path, str(tmp_path))
    assert lazy.cert_store_stats()["x509_ca"] == 0
    assert lazy.verify_mode is ssl.CERT_REQUIRED
    assert lazy.check_hostname


class _Answer:
    """A connection that hands out ``parts`` one ``recv`` at a time, then the end."""

    def __init__(self, *parts: bytes) -> None:
        self.parts = list(parts)

    def recv(self, size: int) -> bytes:
        return self.parts.pop(0) if self.parts else b""


def _connection(*parts: bytes) -> socket.socket:
    return cast("socket.socket", _Answer(*parts))


def test_the_head_is_read_across_packets_and_the_body_left() -> None:
    head = _response_head(_connection(CHALLENGE[:20], CHALLENGE[20:] + b"\r\n\r\n{}"))
    assert head == CHALLENGE


def test_a_connection_closed_early_gives_what_came() -> None:
    assert _response_head(_connection(b"HTTP/1.1 401 Unauth")) == b"HTTP/1.1 401 Unauth"
