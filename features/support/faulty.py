"""Servers on 127.0.0.1 that misbehave the way registries and proxies do, for scenarios
about faults: they hang up, redirect, echo, trickle, stall or ask to wait. Each is
stopped by the scenario's cleanup, and none waits longer than its scenario runs."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from behave.runner import Context

API_HEADER = ("Docker-Distribution-API-Version", "registry/2.0")


def serve_raw(
    context: Context,
    answer: Callable[[socket.socket, bytes], None],
    placeholder: str = "REGISTRY",
) -> None:
    """A TCP server on 127.0.0.1 (as ``$placeholder``) answering each request's first bytes."""
    listener = socket.create_server(("127.0.0.1", 0))
    context.placeholders[placeholder] = f"127.0.0.1:{listener.getsockname()[1]}"

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                answer(connection, connection.recv(65536))

    threading.Thread(target=serve, daemon=True).start()
    context.add_cleanup(listener.close)


class FaultyRegistry:
    """An HTTP server that speaks just enough of the registry API to get a client going,
    then fails as ``mode`` says:

    - ``trickle``: every answer's headers at once, then its body one byte every 2 s;
    - ``stall-upload``: pings and lookups answered, then a blob upload (``PATCH``/``PUT``)
      is never read nor answered;
    - ``429``: every request answered ``429 Too Many Requests`` with ``Retry-After``.
    """

    def __init__(self, mode: str, retry_after: str = "1") -> None:
        self.mode = mode
        self.retry_after = retry_after
        self.requests: list[str] = []
        self.stopped = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.stopped.set()
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                owner.requests.append(f"{self.command} {self.path}")
                if owner.mode == "429":
                    self._reply(429, b'{"errors": [{"code": "TOOMANYREQUESTS"}]}',
                                [("Retry-After", owner.retry_after)])  # fmt: skip
                elif owner.mode == "trickle":
                    self._trickle(b'{"errors": []}' + b" " * 200)
                elif self.command in {"PATCH", "PUT"}:
                    owner.stopped.wait()  # a stalled upload: the body is never read
                elif self.path == "/v2/":
                    self._reply(200, b"{}")
                elif self.command == "POST":
                    location = self.path.rstrip("/") + "/stalled-upload"
                    self._reply(202, b"", [("Location", location), ("Range", "0-0")])
                else:
                    self._reply(404, b'{"errors": [{"code": "MANIFEST_UNKNOWN"}]}')

            def do_GET(self) -> None:
                self._any()

            def do_HEAD(self) -> None:
                self._any()

            def do_POST(self) -> None:
                self._any()

            def do_PATCH(self) -> None:
                self._any()

            def do_PUT(self) -> None:
                self._any()

            def _reply(
                self, status: int, body: bytes, headers: list[tuple[str, str]] | None = None
            ) -> None:
                self.send_response(status)
                for name, value in [API_HEADER, *(headers or [])]:
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _trickle(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header(*API_HEADER)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                for byte in body:
                    if owner.stopped.wait(2.0):
                        return
                    try:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    except OSError:
                        return

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler
