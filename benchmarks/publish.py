"""Publishing figures: ``ci-image push`` against a plain ``skopeo copy``, same run, same data.

An image of 30 layers (~50 MB, incompressible) is pushed to a local registry (Debian's
docker-registry), pushed again, and an image that differs in one 1 MB layer is pushed
after it; each step by ``ci-image push`` to one registry and by a plain ``skopeo copy``
of the same archive to a second, identical one. Both run as an ephemeral runner would
("cold": a fresh HOME, so an empty skopeo blob-info cache) and, for the changed layer,
also as a long-lived machine whose cache pushed the first image ("warm"). ci-image
learns the layers the repository holds from a workflow that pins the first image
(``--workflows``), as in a project.

Printed per step, the median of ``REPEATS`` runs (each to fresh repositories): wall
time, requests the registry logged, bytes the client sent (counted by a TCP relay in
front of each registry, HTTP headers included), blob uploads, and ci-image / skopeo.
Then each row's ratio run by run (ci-image and skopeo one after the other), and the
targets (issue 12), judged on the medians: first push within 1.2x of skopeo's time, one
changed layer within 1.5x, the re-push of an unchanged image at most 4 requests and no
upload, and on a cold runner the changed image at most 1.1x the changed layer's
compressed size.

The first push and the re-push are also timed against two registries that speak HTTPS
(a throw-away CA, given as ``--cert-dir`` and ``--dest-cert-dir``), as real registries
do: there ci-image also asks where the registry sends credentials (see
``ci_image.publish.realm``). Debian's skopeo 1.9.3 cannot read a compressed archive: the
.tar.gz and .tar.zst rows are ci-image's alone.

Usage: ``uv run python benchmarks/publish.py`` (``CI_IMAGE_BENCH_MB=400`` for a larger
image, ``CI_IMAGE_BENCH_REPEATS=N`` for more runs per row). The machine's load shows in the times;
compare the two columns of one run, not runs with each other.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "features"))

from support.images import tar_bytes, write_archive  # noqa: E402
from support.registry import RegistryServer, skopeo_cache_environment, start_registry  # noqa: E402
from support.relay import CountingRelay  # noqa: E402

LAYERS = 30
# CI_IMAGE_BENCH_MB=400 shows how the fixed costs fade with a larger image.
TOTAL_BYTES = int(os.environ.get("CI_IMAGE_BENCH_MB", "50")) * 1024 * 1024
CHANGED_LAYER = 15
CHANGED_BYTES = 1024 * 1024
REPEATS = int(os.environ.get("CI_IMAGE_BENCH_REPEATS", "5"))
POLICY = '{"default": [{"type": "insecureAcceptAnything"}]}'


@dataclass
class Target:
    """A registry behind a counting relay; clients use ``host``."""

    server: RegistryServer
    relay: CountingRelay

    @property
    def host(self) -> str:
        return self.relay.host

    def trust(self, prefix: str) -> list[str]:
        """How a client reaches it: its CA for HTTPS, else without TLS verification."""
        if self.server.scheme == "https":
            return [f"--{prefix}cert-dir", str(self.server.cert_dir)]
        return ["--insecure"] if not prefix else [f"--{prefix}tls-verify=false"]


@dataclass
class Measure:
    seconds: float
    requests: int
    sent: int
    uploads: int


def median(measures: list[Measure]) -> Measure:
    return Measure(
        statistics.median(m.seconds for m in measures),
        int(statistics.median(m.requests for m in measures)),
        int(statistics.median(m.sent for m in measures)),
        int(statistics.median(m.uploads for m in measures)),
    )


class Bench:
    def __init__(self, work: Path, ours: Target, plain: Target, label: str = "") -> None:
        self.work = work
        self.ours = ours
        self.plain = plain
        self.label = label  # names its HOME directories apart from another Bench's
        self.homes = 0
        self.policy = work / "policy.json"
        self.policy.write_text(POLICY, encoding="utf-8")

    def home(self) -> dict[str, str]:
        """A fresh HOME: skopeo's blob-info cache starts empty, as on an ephemeral runner."""
        self.homes += 1
        home = self.work / f"home{self.label}-{self.homes}"
        (home / "run").mkdir(parents=True)
        (home / "tmp").mkdir()
        env = dict(os.environ, HOME=str(home), XDG_RUNTIME_DIR=str(home / "run"))
        env["TMPDIR"] = str(home / "tmp")
        env.update(skopeo_cache_environment())
        # ci-image as installed tools run: with compiled bytecode (kept in the scratch
        # directory, even where PYTHONDONTWRITEBYTECODE is set), as offline.py times it.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(self.work / "pycache")
        return env

    def measure(
        self, target: Target, command: list[str], env: dict[str, str]
    ) -> tuple[Measure, str]:
        before = target.server.requests()
        target.relay.take()
        # What the step before wrote (an archive's layers, a registry's blobs) is on disk
        # first, not written back while this one is timed.
        os.sync()
        start = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        seconds = time.perf_counter() - start
        if completed.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{completed.stderr}")
        time.sleep(0.2)  # the access log line is written when the response completes
        requests = target.server.requests()[len(before) :]
        uploads = sum(1 for r in requests if r.method == "POST" and r.uri.endswith("/uploads/"))
        return Measure(seconds, len(requests), target.relay.take(), uploads), completed.stdout

    def ci_image(
        self, archive: Path, repository: str, env: dict[str, str], workflows: Path | None = None
    ) -> tuple[Measure, str]:
        script = Path(sys.executable).parent / "ci-image"
        command = [str(script), "push", str(archive), "--to", f"{self.ours.host}/{repository}",
                   *self.ours.trust("")]  # fmt: skip
        if workflows is not None:
            command += ["--workflows", str(workflows)]
        measured, stdout = self.measure(self.ours, command, env)
        return measured, stdout.strip()

    def skopeo(self, archive: Path, reference: str, env: dict[str, str]) -> Measure:
        command = ["skopeo", "--policy", str(self.policy), "copy", "--quiet",
                   *self.plain.trust("dest-"), f"docker-archive:{archive}",
                   f"docker://{self.plain.host}/{reference}"]  # fmt: skip
        return self.measure(self.plain, command, env)[0]

    def pinning(self, name: str, reference: str) -> Path:
        """A workflow directory that pins ``reference``, as a project's would."""
        directory = self.work / f"workflows-{name}"
        directory.mkdir()
        (directory / "ci.yml").write_text(
            f"on: push\njobs:\n  test:\n    runs-on: docker\n    container: {reference}\n"
            "    steps:\n      - run: nox\n",
            encoding="utf-8",
        )
        return directory


def layers_of(seed: str) -> list[bytes]:
    size = TOTAL_BYTES // LAYERS

    def data(index: int) -> bytes:
        return hashlib.shake_256(f"{seed}/{index}".encode()).digest(size)

    return [tar_bytes([(f"layer{i}/data.bin", data(i), 0o644)]) for i in range(LAYERS)]


def build_images(work: Path) -> dict[str, Path]:
    """Image a, image b (a with one 1 MB layer replaced), and both compressed."""
    base = layers_of("base")
    changed = list(base)
    data = hashlib.shake_256(b"changed").digest(CHANGED_BYTES)
    changed[CHANGED_LAYER] = tar_bytes([("changed/data.bin", data, 0o644)])
    paths = {}
    for name, layers in (("a", base), ("b", changed)):
        image = write_archive(work / f"{name}.tar", layers=layers, repo_tags=[f"bench:{name}"])
        paths[name] = image.path
        gz = write_archive(work / f"{name}.tar.gz", layers=layers, repo_tags=[f"bench:{name}"],
                           compress=True)  # fmt: skip
        paths[f"{name}.gz"] = gz.path
    subprocess.run(["zstd", "--quiet", "-o", str(work / "a.tar.zst"), str(paths["a"])], check=True)
    paths["a.zst"] = work / "a.tar.zst"
    total = sum(len(layer) for layer in base)
    print(f"image: {LAYERS} layers, {total / 1e6:.1f} MB uncompressed (incompressible data); "
          f"b differs from a in one {CHANGED_BYTES / 1e6:.1f} MB layer")  # fmt: skip
    version = subprocess.run(["skopeo", "--version"], capture_output=True, text=True, check=False)
    print(f"{version.stdout.strip()}; median of {REPEATS} runs per row, fresh repositories each")
    print()
    return paths


def row(name: str, ours: Measure, theirs: Measure | None) -> str:
    def ratio(a: float, b: float) -> str:
        return "-" if b == 0 else f"{a / b:.2f}"

    text = (
        f"{name:<40} {ours.seconds:6.2f} s {ours.requests:4d} req {ours.sent / 1e6:7.3f} MB "
        f"{ours.uploads:3d} up"
    )
    if theirs is not None:
        text += (
            f" | skopeo {theirs.seconds:6.2f} s {theirs.requests:4d} req {theirs.sent / 1e6:7.3f}"
            f" MB {theirs.uploads:3d} up | x{ratio(ours.seconds, theirs.seconds)} time, "
            f"x{ratio(ours.sent, theirs.sent)} bytes"
        )
    return text


def layer_size(bench: Bench, reference: str, index: int) -> int:
    """The compressed size of one layer, as the registry's manifest records it."""
    inspected = subprocess.run(
        ["skopeo", "inspect", "--raw", "--tls-verify=false", f"docker://{reference}"],
        capture_output=True, text=True, check=True, env=bench.home(),
    )  # fmt: skip
    size: int = json.loads(inspected.stdout)["layers"][index]["size"]
    return size


def run(bench: Bench, tls: Bench, images: dict[str, Path]) -> None:
    """``tls``: the same, to two registries that speak HTTPS (as real ones do)."""
    rows: dict[str, list[tuple[Measure, Measure | None]]] = {}

    def add(name: str, ours: Measure, theirs: Measure | None = None) -> None:
        rows.setdefault(name, []).append((ours, theirs))

    last_b = ""
    for r in range(REPEATS):
        cold, warm = bench.home(), bench.home()
        # Which of the two goes first alternates, so neither always follows the same step.
        if r % 2:
            plain_first = bench.skopeo(images["a"], f"plain{r}/image:a", warm)
            first, reference = bench.ci_image(images["a"], f"ci{r}/image", bench.home())
        else:
            first, reference = bench.ci_image(images["a"], f"ci{r}/image", bench.home())
            plain_first = bench.skopeo(images["a"], f"plain{r}/image:a", warm)
        add("first push, cold", first, plain_first)
        again, _ = bench.ci_image(images["a"], f"ci{r}/image", bench.home())
        add("re-push same image, cold", again,
            bench.skopeo(images["a"], f"plain{r}/image:a", bench.home()))  # fmt: skip
        add("re-push same image, warm", again, bench.skopeo(images["a"], f"plain{r}/image:a", warm))
        pins = bench.pinning(f"a{r}", reference)
        changed, _ = bench.ci_image(images["b"], f"ci{r}/image", cold, pins)
        add("one changed 1 MB layer, cold", changed,
            bench.skopeo(images["b"], f"plain{r}/image:b-cold", bench.home()))  # fmt: skip
        # The same change again, to a second tag of a repository that holds a: warm caches.
        _, warm_reference = bench.ci_image(images["a"], f"ciw{r}/image", warm)
        bench.skopeo(images["a"], f"plainw{r}/image:a", warm)
        pins_w = bench.pinning(f"w{r}", warm_reference)
        changed_w, _ = bench.ci_image(images["b"], f"ciw{r}/image", warm, pins_w)
        add("one changed 1 MB layer, warm", changed_w,
            bench.skopeo(images["b"], f"plainw{r}/image:b", warm))  # fmt: skip
        gz_first, gz_reference = bench.ci_image(images["a.gz"], f"gz{r}/image", bench.home())
        add("first push of the .tar.gz, cold", gz_first)
        gz_pins = bench.pinning(f"gz{r}", gz_reference)
        gz_changed, _ = bench.ci_image(images["b.gz"], f"gz{r}/image", bench.home(), gz_pins)
        add("one changed layer, .tar.gz, cold", gz_changed)
        zst, _ = bench.ci_image(images["a.zst"], f"zst{r}/image", bench.home())
        add("first push of the .tar.zst, cold", zst)
        home = tls.home()
        tls_first, _ = tls.ci_image(images["a"], f"tls{r}/image", home)
        add("first push, HTTPS, cold", tls_first, tls.skopeo(images["a"], f"tls{r}/image:a", home))
        tls_again, _ = tls.ci_image(images["a"], f"tls{r}/image", tls.home())
        add("re-push same image, HTTPS, cold", tls_again)
        last_b = f"{bench.ours.server.host}/ci{r}/image:b"
    medians = {}
    for name, pairs in rows.items():
        ours = median([pair[0] for pair in pairs])
        theirs = None if pairs[0][1] is None else median([pair[1] for pair in pairs if pair[1]])
        medians[name] = (ours, theirs)
        print(row(name, ours, theirs))
    print()
    print_paired(rows)
    report_targets(medians, layer_size(bench, last_b, CHANGED_LAYER))


def print_paired(rows: dict[str, list[tuple[Measure, Measure | None]]]) -> None:
    """Each run's ci-image / skopeo time, the two run one after the other: on a machine
    whose speed drifts, a ratio of neighbours varies less than a ratio of medians."""
    for name, pairs in rows.items():
        ratios = sorted(ours.seconds / theirs.seconds for ours, theirs in pairs if theirs)
        if ratios:
            print(f"{name:<40} paired x{statistics.median(ratios):.2f} time "
                  f"(runs: {', '.join(f'{ratio:.2f}' for ratio in ratios)})")  # fmt: skip
    print()


def report_targets(medians: dict[str, tuple[Measure, Measure | None]], compressed: int) -> None:
    def judged(ok: bool) -> str:
        return "met" if ok else "NOT met"

    def times(name: str) -> float:
        ours, theirs = medians[name]
        assert theirs is not None
        return ours.seconds / theirs.seconds

    for name in ("first push, cold", "first push, HTTPS, cold"):
        first = times(name)
        print(f"{name.removesuffix(', cold')}: x{first:.2f} skopeo's time (target <= 1.2): "
              f"{judged(first <= 1.2)}")  # fmt: skip
    for case in ("warm", "cold"):
        ratio = times(f"one changed 1 MB layer, {case}")
        print(f"one changed layer, {case}: x{ratio:.2f} skopeo's time (target <= 1.5): "
              f"{judged(ratio <= 1.5)}")  # fmt: skip
    again = medians["re-push same image, cold"][0]
    ok = again.requests <= 4 and not again.uploads
    print(f"re-push: {again.requests} requests, {again.uploads} uploads, {again.sent} bytes "
          f"(target <= 4 requests, no upload): {judged(ok)}")  # fmt: skip
    sent = medians["one changed 1 MB layer, cold"][0].sent
    ok = sent <= 1.1 * compressed
    print(f"one changed layer on a cold runner: sent {sent} bytes for a layer of {compressed} "
          f"compressed (x{sent / compressed:.3f}; target <= 1.1): {judged(ok)}")  # fmt: skip


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="ci-image-bench-"))
    servers: list[RegistryServer] = []
    relays: list[CountingRelay] = []
    try:
        targets = []
        for name, variant in (("ours", "plain"), ("plain", "plain"), ("ours-tls", "tls"),
                              ("plain-tls", "tls")):  # fmt: skip
            server = start_registry(work / f"registry-{name}", variant)
            servers.append(server)
            relay = CountingRelay(server.port)
            relays.append(relay)
            targets.append(Target(server, relay))
        bench = Bench(work, targets[0], targets[1])
        tls = Bench(work, targets[2], targets[3], "-tls")
        run(bench, tls, build_images(work))
        return 0
    finally:
        for relay in relays:
            relay.close()
        for server in servers:
            server.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
