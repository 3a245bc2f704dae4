"""The image source serves skopeo; a skopeo that goes away mid-answer is no traceback."""

from __future__ import annotations

import socket
import struct
import threading
import time
from typing import Any

import pytest

from ci_image.publish.source import ImageSource, _Server

CONFIG_DIGEST = "sha256:" + "b" * 64


def test_a_client_gone_while_the_gate_runs_prints_no_traceback(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = threading.Event()
    failed = threading.Event()  # set when the broken connection reaches the server
    handle_error = _Server.handle_error

    def spy(self: _Server, request: Any, client_address: Any) -> None:
        failed.set()
        handle_error(self, request, client_address)

    monkeypatch.setattr(_Server, "handle_error", spy)

    def gate() -> None:  # skopeo waits for the config while the tag is re-read
        gone.wait(5)

    config = b"{}" * 100_000  # more than a socket takes after the peer reset it
    with ImageSource(b"{}", CONFIG_DIGEST, config, {}, gate) as source:
        host, port = source.scope.split("/")[0].rsplit(":", 1)
        client = socket.create_connection((host, int(port)))
        # Closed with a reset, as when skopeo is killed.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        request = f"GET /v2/{source.name}/blobs/{CONFIG_DIGEST} HTTP/1.1\r\nHost: x\r\n\r\n"
        client.sendall(request.encode())
        deadline = time.monotonic() + 5
        while not source.waiting and time.monotonic() < deadline:
            time.sleep(0.01)
        assert source.waiting
        client.close()
        gone.set()
        assert failed.wait(5), "the handler's write to the gone client never failed"
    assert "Traceback" not in capfd.readouterr().err


def _exchange(source: ImageSource, data: bytes) -> bytes:
    """Send ``data`` on one connection and read until the server closes it."""
    host, port = source.host.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as client:
        client.sendall(data)
        received = b""
        while chunk := client.recv(65536):
            received += chunk
    return received


def _source() -> ImageSource:
    return ImageSource(b'{"m": 1}', CONFIG_DIGEST, b'{"c": 1}', {}, lambda: None)


def test_requests_on_one_connection_are_answered_in_turn_until_it_closes() -> None:
    with _source() as source:
        manifest = f"GET /v2/{source.name}/manifests/source HTTP/1.1\r\nHost: x\r\n\r\n"
        config = f"GET /v2/{source.name}/blobs/{CONFIG_DIGEST} HTTP/1.1\r\nHost: x\r\n"
        answer = _exchange(source, (manifest + config + "Connection: close\r\n\r\n").encode())
    first, second = answer.split(b"HTTP/1.1 ")[1:]
    assert first.startswith(b"200 OK\r\n") and first.endswith(b'\r\n\r\n{"m": 1}')
    assert b"Content-Length: 8\r\n" in first
    assert b"Content-Type: application/vnd.docker.distribution.manifest.v2+json" in first
    assert second.startswith(b"200 OK\r\n") and second.endswith(b'\r\n\r\n{"c": 1}')


def test_an_http_1_0_request_gets_its_answer_and_the_connection_closes() -> None:
    with _source() as source:
        answer = _exchange(source, b"GET /v2/ HTTP/1.0\r\n\r\nGET /v2/ HTTP/1.0\r\n\r\n")
    assert answer.count(b"HTTP/1.1 200 OK") == 1 and answer.endswith(b"\r\n\r\n{}")


def test_what_is_not_an_http_request_gets_400_and_the_connection_closes() -> None:
    tls_hello = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40
    long_header = b"GET /v2/ HTTP/1.1\r\nX: " + b"a" * 9000 + b"\r\n\r\n"
    # Cut at the limit, the line still reads as "GET /v2/ HTTP/1.1" with a header after.
    long_line = b"GET /v2/ HTTP/1.1" + b" " * 9000 + b"X: y\r\n\r\n"
    many_headers = b"GET /v2/ HTTP/1.1\r\n" + b"X: a\r\n" * 101 + b"\r\n"
    no_colon = b"GET /v2/ HTTP/1.1\r\nnot a header\r\n\r\n"
    with _source() as source:
        for request in (tls_hello + b"\r\n", long_header, long_line, many_headers, no_colon,
                        b"GET /v2/ SPDY/3\r\n\r\n"):  # fmt: skip
            answer = _exchange(source, request + b"GET /v2/ HTTP/1.1\r\n\r\n")
            assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n"), request[:30]
            assert b"Connection: close\r\n" in answer and answer.count(b"HTTP/1.1") == 1


def test_a_method_other_than_get_or_a_request_body_gets_501() -> None:
    with _source() as source:
        for request in (b"HEAD /v2/ HTTP/1.1\r\n\r\n",
                        b"GET /v2/ HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"):  # fmt: skip
            answer = _exchange(source, request)
            assert answer.startswith(b"HTTP/1.1 501 Not Implemented\r\n"), request
            assert answer.count(b"HTTP/1.1") == 1


def test_a_blob_it_does_not_hold_is_404_and_named() -> None:
    digest = "sha256:" + "c" * 64
    with _source() as source:
        request = f"GET /v2/{source.name}/blobs/{digest} HTTP/1.1\r\nConnection: close\r\n\r\n"
        answer = _exchange(source, request.encode())
        assert answer.startswith(b"HTTP/1.1 404 Not Found\r\n")
        assert source.missing == digest
