"""Publishing figures: ``ci-image push`` against a plain ``skopeo copy``, same run, same data.

An image of 30 layers (~50 MB, incompressible) is pushed to a local registry (Debian's
docker-registry), then pushed again, then an image that differs in one 1 MB layer is
pushed. Each ci-image push is compared with a plain ``skopeo copy`` of the same archive
to a second, identical registry. Printed per step: wall time, requests the registry
logged, bytes the client sent (counted by a TCP relay in front of each registry, HTTP
headers included), and the ratio ci-image / skopeo.

Targets (issue 3): re-push uploads 0 bytes in at most 3 requests; the changed image
uploads within 10% of the changed layer's compressed size.

Debian's skopeo 1.9.3 cannot read a gzip archive, so both tools get the plain ``.tar``;
a last row times ci-image on the ``.tar.gz`` (which it decompresses itself). skopeo's
blob-info cache (``/var/lib/containers/cache`` for root) is shared by both tools; it is
what lets skopeo skip unchanged layers of a *new* image.

ci-image's own ``--json`` reports ``bytes_uploaded: null`` after an upload (skopeo
compresses while it pushes, so what it skipped cannot be asked of the registry
beforehand; see ci/README.md): the relay's count is the measure here. The registry
questions ci-image adds to skopeo's requests are in the "req" column.

Usage: ``uv run python benchmarks/publish.py``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "features"))

from support.images import BuiltImage, tar_bytes, write_archive  # noqa: E402
from support.registry import RegistryServer, start_registry  # noqa: E402

LAYERS = 30
TOTAL_BYTES = 50 * 1024 * 1024
CHANGED_LAYER = 15
CHANGED_BYTES = 1024 * 1024
POLICY = ROOT / "src" / "ci_image" / "policy.json"


class CountingRelay:
    """A TCP relay in front of a registry that counts the bytes clients send through it."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.sent = 0
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, count: bool) -> None:
        try:
            while data := source.recv(65536):
                if count:
                    with self.lock:
                        self.sent += len(data)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def take(self) -> int:
        with self.lock:
            sent, self.sent = self.sent, 0
        return sent


@dataclass
class Target:
    """A registry behind a counting relay; clients use ``host``."""

    server: RegistryServer
    relay: CountingRelay

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.relay.port}"


@dataclass
class Measure:
    seconds: float
    requests: int
    sent: int


def layers_of(seed: str) -> list[bytes]:
    size = TOTAL_BYTES // LAYERS

    def data(index: int) -> bytes:
        return hashlib.shake_256(f"{seed}/{index}".encode()).digest(size)

    return [tar_bytes([(f"layer{i}/data.bin", data(i), 0o644)]) for i in range(LAYERS)]


def measure(target: Target, command: list[str], env: dict[str, str]) -> tuple[Measure, str]:
    before = len(target.server.requests())
    target.relay.take()
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{completed.stderr}")
    time.sleep(0.2)  # the access log line is written when the response completes
    requests = len(target.server.requests()) - before
    return Measure(seconds, requests, target.relay.take()), completed.stdout.strip()


def ci_image(archive: Path, target: Target, env: dict[str, str]) -> tuple[Measure, str]:
    script = Path(sys.executable).parent / "ci-image"
    command = [str(script), "push", str(archive), "--to", f"{target.host}/bench/ci", "--insecure"]
    return measure(target, command, env)


def skopeo(archive: Path, target: Target, tag: str, env: dict[str, str]) -> tuple[Measure, str]:
    command = [
        "skopeo", "--policy", str(POLICY), "copy", "--quiet", "--dest-tls-verify=false",
        f"docker-archive:{archive}", f"docker://{target.host}/bench/plain:{tag}",
    ]  # fmt: skip
    return measure(target, command, env)


def cold_cache_push(work: Path, archive: Path, target: Target) -> Measure | None:
    """skopeo with an empty blob-info cache: it cannot know which layers the registry has."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return None
    home = work / "nobody"
    home.mkdir()
    shutil.chown(home, "nobody", "nogroup")
    work.chmod(0o755)
    archive.chmod(0o644)
    env = dict(os.environ, HOME=str(home), XDG_RUNTIME_DIR=str(home), TMPDIR=str(home))
    command = [
        "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
        "skopeo", "--policy", str(POLICY), "copy", "--quiet", "--dest-tls-verify=false",
        f"docker-archive:{archive}", f"docker://{target.host}/bench/plain:b-cold",
    ]  # fmt: skip
    measured, _ = measure(target, command, env)
    return measured


def layer_size(target: Target, repository: str, tag: str, index: int) -> int:
    """The compressed size of one layer, as the registry's manifest records it."""
    request = urllib.request.Request(
        f"http://{target.host}/v2/{repository}/manifests/{tag}",
        headers={"Accept": "application/vnd.docker.distribution.manifest.v2+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        manifest = json.load(response)
    size: int = manifest["layers"][index]["size"]
    return size


def row(name: str, ours: Measure, theirs: Measure | None) -> str:
    def ratio(a: float, b: float) -> str:
        return "-" if b == 0 else f"{a / b:.2f}"

    text = f"{name:<34} {ours.seconds:7.2f} s {ours.requests:5d} req {ours.sent / 1e6:9.3f} MB"
    if theirs is not None:
        text += (
            f"   | skopeo {theirs.seconds:6.2f} s {theirs.requests:4d} req "
            f"{theirs.sent / 1e6:8.3f} MB | ratio time {ratio(ours.seconds, theirs.seconds)}"
            f" req {ratio(ours.requests, theirs.requests)} bytes {ratio(ours.sent, theirs.sent)}"
        )
    return text


def build_images(work: Path) -> tuple[BuiltImage, BuiltImage, BuiltImage]:
    """Image A, image B (A with one 1 MB layer replaced), and A as a .tar.gz."""
    base = layers_of("base")
    changed = list(base)
    data = hashlib.shake_256(b"changed").digest(CHANGED_BYTES)
    changed[CHANGED_LAYER] = tar_bytes([("changed/data.bin", data, 0o644)])
    first = write_archive(work / "a.tar", layers=base, repo_tags=["bench:a"])
    second = write_archive(work / "b.tar", layers=changed, repo_tags=["bench:b"])
    gz = write_archive(work / "a.tar.gz", layers=base, repo_tags=["bench:a"], compress=True)
    total = sum(len(layer) for layer in base)
    print(f"image: {LAYERS} layers, {total / 1e6:.1f} MB uncompressed (incompressible data)")
    version = subprocess.run(["skopeo", "--version"], capture_output=True, text=True)
    print(f"skopeo: {version.stdout.strip()}")
    print()
    return first, second, gz


def uploads(target: Target) -> int:
    return sum(1 for request in target.server.requests() if request.is_blob_upload)


def run(work: Path, ours: Target, plain: Target, env: dict[str, str]) -> None:
    first, second, gz = build_images(work)
    push1, reference = ci_image(first.path, ours, env)
    base1, _ = skopeo(first.path, plain, "a", env)
    print(row("first push", push1, base1))
    print(f"  -> {reference}")

    before = uploads(ours)
    push2, again = ci_image(first.path, ours, env)
    repush_uploads = uploads(ours) - before
    base2, _ = skopeo(first.path, plain, "a", env)
    print(row("re-push, same image", push2, base2))
    assert again == reference, (again, reference)

    push3, _ = ci_image(second.path, ours, env)
    base3, _ = skopeo(second.path, plain, "b", env)
    print(row("push, one 1 MB layer changed", push3, base3))

    push4, again_gz = ci_image(gz.path, ours, env)
    print(row("re-push of the .tar.gz", push4, None))
    assert again_gz == reference

    cold = cold_cache_push(work, second.path, plain)
    if cold is not None:
        print(row("changed image, empty blob-info cache", cold, None))
        print(
            "  (plain skopeo as user nobody with a fresh HOME, to a repository that already\n"
            "   holds every layer: what a CI machine without skopeo's cache sends; ci-image\n"
            "   delegates the upload to skopeo, so the same applies to it)"
        )

    compressed = layer_size(ours, "bench/ci", "b", CHANGED_LAYER)
    print()
    met = push2.requests <= 3 and repush_uploads == 0
    print(
        f"re-push: {push2.sent} bytes sent, {repush_uploads} blob uploads, {push2.requests} "
        f"requests (target: no blob, <= 3 requests): {'met' if met else 'NOT met'}"
    )
    within = abs(push3.sent - compressed) / compressed
    print(
        f"changed layer: compressed {compressed} bytes; ci-image sent {push3.sent} bytes "
        f"({within:.1%} from it; target within 10%): {'met' if within <= 0.10 else 'NOT met'}"
    )


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="ci-image-bench-"))
    servers: list[RegistryServer] = []
    try:
        env = dict(os.environ, HOME=str(work / "home"), TMPDIR=str(work / "tmp"))
        env["XDG_RUNTIME_DIR"] = str(work / "home" / "run")
        for name in ("home/run", "tmp"):
            (work / name).mkdir(parents=True)
        targets = []
        for name in ("ours", "plain"):
            server = start_registry(work / f"registry-{name}", "plain")
            servers.append(server)
            targets.append(Target(server, CountingRelay(server.port)))
        run(work, targets[0], targets[1], env)
        return 0
    finally:
        for server in servers:
            server.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
