"""What skopeo copies from: the archive's image, served by ci-image on 127.0.0.1.

skopeo pushes only what the destination lacks, but from a docker-archive it knows a
layer only by its uncompressed digest, which the registry never stores: without its
blob-info cache (a fresh runner) it compresses and sends every layer again. So skopeo
reads the image from this small read-only registry instead, whose manifest names

- each layer the repository already holds by the registry's own (compressed) digest,
  size and media type: skopeo finds it with one ``HEAD`` and never reads or sends it;
- each other layer uncompressed, by its diff_id, served from the archive (or the
  private directory) with ``sendfile``: skopeo compresses and uploads it as usual;
- the archive's own config, unchanged: the image ID stays the Nix-built one.

Measured with skopeo 1.9.3, why this and not a ``dir:`` or ``oci:`` layout written in
the private directory, which name layers the same way: those sources are read one layer
at a time (containers/image 5.23, ``HasThreadSafeGetBlob`` is false), 2.1-2.6 s for a
first push of 30 layers where a docker-archive or this source take 1.0-1.4 s; a
``docker://`` source is read in parallel. The manifest skopeo writes is the one a
docker-archive push writes (same digest, measured).

The config is also the last thing skopeo reads before it writes the manifest (it asks
for it after every layer is uploaded, then PUTs the manifest within a millisecond):
``gate`` runs then, while skopeo waits, and may refuse; the push uses it to re-read the
tag right before the tag is written (:mod:`ci_image.publish.push`).

The server answers only under a random repository name (128 bits), on 127.0.0.1, for
the few seconds of the copy; it serves nothing but this image.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import selectors
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from ci_image.errors import CiImageError
from ci_image.publish.archive import Blob
from ci_image.publish.registry import DOCKER_MANIFEST

TAG = "source"


class ImageSource:
    """A context manager: the server runs inside the ``with`` block."""

    def __init__(
        self,
        manifest: bytes,
        config_digest: str,
        config: bytes,
        blobs: dict[str, Blob],
        gate: Callable[[], None],
    ) -> None:
        self.manifest = manifest
        self.config_digest = config_digest
        self.config = config
        self.blobs = blobs
        self.gate = gate
        self.name = f"ci-image-{secrets.token_hex(16)}/image"
        self.missing: str | None = None  # a blob asked for that this source does not hold
        self.gate_error: CiImageError | None = None
        self.gate_passed = False
        self.gate_passed_at: float | None = None  # time.monotonic() when it let through
        self._gate_lock = threading.Lock()
        self._gate_running = threading.Event()
        self._server: _Server | None = None

    @property
    def waiting(self) -> bool:
        """skopeo is waiting for the gate, not stalled."""
        return self._gate_running.is_set()

    @property
    def host(self) -> str:
        if self._server is None:  # pragma: no cover - only read inside the with block
            raise CiImageError("the image source is not running")
        return f"127.0.0.1:{self._server.server_address[1]}"

    @property
    def scope(self) -> str:
        """The repository, as a signature policy names it."""
        return f"{self.host}/{self.name}"

    @property
    def reference(self) -> str:
        return f"docker://{self.scope}:{TAG}"

    def __enter__(self) -> ImageSource:
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        self._server.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.stop()

    def reset_gate(self) -> None:
        """Before each attempt of the copy: the tag is re-read every time."""
        self.gate_passed = False
        self.gate_passed_at = None
        self.gate_error = None
        self.missing = None

    def pass_gate(self) -> bool:
        """Run the gate once (later callers wait for the first); True if it let through."""
        with self._gate_lock:
            if not self.gate_passed and self.gate_error is None:
                self._gate_running.set()
                try:
                    self.gate()
                    self.gate_passed = True
                    self.gate_passed_at = time.monotonic()
                except CiImageError as error:
                    self.gate_error = error
                finally:
                    self._gate_running.clear()
            return self.gate_passed


class _Server(socketserver.ThreadingTCPServer):
    """Accepts connections in a thread of its own until :meth:`stop`, which wakes it at
    once: socketserver's ``serve_forever`` polls, and its ``shutdown`` waits for the next
    poll (half the interval on average, ~10 ms of every upload at 0.02 s)."""

    daemon_threads = True

    def start(self) -> None:
        self._stopping, self._stop_request = socket.socketpair()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="image-source")
        self._thread.start()

    def _serve(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self.socket, selectors.EVENT_READ)
            selector.register(self._stop_request, selectors.EVENT_READ)
            while all(key.fileobj is self.socket for key, _ in selector.select()):
                self.handle_request()  # one connection, answered in a thread of its own

    def stop(self) -> None:
        self._stopping.send(b"\0")
        self._thread.join()
        self.server_close()
        self._stopping.close()
        self._stop_request.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A skopeo that went away mid-answer (ended by a timeout or SIGTERM while the gate
        ran) leaves a broken connection: its own error is the one to report, and
        socketserver would print a traceback of the write."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # pragma: no cover - a bug here


# Longest request line or header line read; skopeo's are a few hundred bytes.
_MAX_LINE = 8192
_MAX_HEADERS = 100
_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
            501: "Not Implemented"}  # fmt: skip


def _handler(source: ImageSource) -> type[socketserver.StreamRequestHandler]:
    """HTTP/1.1 with keep-alive, GET only, no request bodies: what skopeo asks of a
    registry it reads from. Not http.server, whose import (http.client, email, ssl) costs
    an upload ~15 ms; a request that is not HTTP (skopeo first tries TLS) gets a 400 and
    the connection is closed, as http.server does."""
    prefix = f"/v2/{source.name}/"

    class Handler(socketserver.StreamRequestHandler):
        disable_nagle_algorithm = True  # a head and its body are not held back by Nagle

        def handle(self) -> None:
            while self._answer_one():
                pass

        def _answer_one(self) -> bool:
            """Answer one request; False when the connection is to be closed."""
            line = self.rfile.readline(_MAX_LINE + 1)
            if not line:
                return False
            words = line.split()
            complete = len(words) == 3 and len(line) <= _MAX_LINE
            headers = self._read_headers() if complete else None
            if headers is None or not words[2].startswith(b"HTTP/1."):
                self._respond(400, close=True)
                return False
            keep = words[2] == b"HTTP/1.1" and headers.get(b"connection") != b"close"
            if words[0] != b"GET" or headers.get(b"content-length", b"0") != b"0":
                self._respond(501, close=True)
                return False
            path = words[1].decode("latin-1").partition("?")[0]
            if path == "/v2/":
                self._respond(200, b"{}", "application/json")
            elif path.startswith(prefix + "manifests/"):
                self._respond(200, source.manifest, DOCKER_MANIFEST)
            elif path.startswith(prefix + "blobs/"):
                self._blob(path.removeprefix(prefix + "blobs/"))
            else:  # pragma: no cover - skopeo asks only for the image's manifest and blobs
                self._respond(404)
            return keep

        def _read_headers(self) -> dict[bytes, bytes] | None:
            """Lower-case names to values; None when they are too long or too many."""
            headers: dict[bytes, bytes] = {}
            for _ in range(_MAX_HEADERS):
                line = self.rfile.readline(_MAX_LINE + 1)
                if line in (b"\r\n", b"\n"):
                    return headers
                name, colon, value = line.partition(b":")
                if not colon or len(line) > _MAX_LINE:
                    return None
                headers[name.strip().lower()] = value.strip().lower()
            return None

        def _blob(self, digest: str) -> None:
            if digest == source.config_digest:
                if not source.pass_gate():
                    self._respond(403)
                    return
                self._respond(200, source.config, "application/octet-stream")
                return
            blob = source.blobs.get(digest)
            if blob is None:
                source.missing = digest
                self._respond(404)
                return
            self.wfile.write(_head(200, blob.size, "application/octet-stream"))
            # The file may be gone too: under SIGTERM the private directory is removed
            # while skopeo still asks.
            with contextlib.suppress(OSError), blob.path.open("rb") as stream:
                self.connection.sendfile(stream, blob.offset, blob.size)

        def _respond(
            self, status: int, body: bytes = b"", content_type: str | None = None, *,
            close: bool = False,
        ) -> None:  # fmt: skip
            self.wfile.write(_head(status, len(body), content_type, close=close) + body)

    return Handler


def _head(status: int, size: int, content_type: str | None, *, close: bool = False) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS[status]}", f"Content-Length: {size}",
             "Docker-Distribution-API-Version: registry/2.0"]  # fmt: skip
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}")
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def policy_for(source: ImageSource) -> str:
    """A signature policy that accepts exactly this source (a local build artefact has
    no signature to check) and rejects everything else."""
    accept = [{"type": "insecureAcceptAnything"}]
    policy = {"default": [{"type": "reject"}], "transports": {"docker": {source.scope: accept}}}
    return json.dumps(policy)
