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
