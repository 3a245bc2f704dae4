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
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def reset_gate(self) -> None:
        """Before each attempt of the copy: the tag is re-read every time."""
        self.gate_passed = False
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
                except CiImageError as error:
                    self.gate_error = error
                finally:
                    self._gate_running.clear()
            return self.gate_passed


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A skopeo that went away mid-answer (ended by a timeout or SIGTERM while the gate
        ran) leaves a broken connection: its own error is the one to report, and
        socketserver would print a traceback of the write."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # pragma: no cover - a bug here


def _handler(source: ImageSource) -> type[BaseHTTPRequestHandler]:
    prefix = f"/v2/{source.name}/"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ci-image"

        def do_GET(self) -> None:
            path = self.path.partition("?")[0]
            if path == "/v2/":
                self._bytes(b"{}", "application/json")
            elif path.startswith(prefix + "manifests/"):
                self._bytes(source.manifest, DOCKER_MANIFEST)
            elif path.startswith(prefix + "blobs/"):
                self._blob(path.removeprefix(prefix + "blobs/"))
            else:  # pragma: no cover - skopeo asks only for the image's manifest and blobs
                self._status(404)

        def _blob(self, digest: str) -> None:
            if digest == source.config_digest:
                if not source.pass_gate():
                    self._status(403)
                    return
                self._bytes(source.config, "application/octet-stream")
                return
            blob = source.blobs.get(digest)
            if blob is None:
                source.missing = digest
                self._status(404)
                return
            self._headers(blob.size, "application/octet-stream")
            # The file may be gone too: under SIGTERM the private directory is removed
            # while skopeo still asks (socketserver would print the traceback).
            with contextlib.suppress(OSError), blob.path.open("rb") as stream:
                self.connection.sendfile(stream, blob.offset, blob.size)

        def _bytes(self, data: bytes, content_type: str) -> None:
            self._headers(len(data), content_type)
            self.wfile.write(data)

        def _headers(self, size: int, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(size))
            self.send_header("Docker-Distribution-API-Version", "registry/2.0")
            self.end_headers()
            self.wfile.flush()

        def _status(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: skopeo first tries TLS, which arrives here as a garbled request."""

    return Handler


def policy_for(source: ImageSource) -> str:
    """A signature policy that accepts exactly this source (a local build artefact has
    no signature to check) and rejects everything else."""
    accept = [{"type": "insecureAcceptAnything"}]
    policy = {"default": [{"type": "reject"}], "transports": {"docker": {source.scope: accept}}}
    return json.dumps(policy)
