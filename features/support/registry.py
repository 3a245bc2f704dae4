"""A real registry per scenario: Debian's ``docker-registry`` (distribution 2.8), or
distribution 3.x, which nixpkgs (and so the CI image) ships as ``registry``.

The variants, chosen by a scenario's tags (see environment.py):

- ``@registry``: plain HTTP on 127.0.0.1;
- ``@registry-auth``: htpasswd basic auth (bcrypt, the only hash distribution accepts);
- ``@registry-tls``: HTTPS with a certificate from a CA the fixture makes with openssl;
- ``@registry-mtls``: the same, and clients must show a certificate from that CA;
- ``@registry-readonly``: plain HTTP in read-only mode (pulls work, pushes are refused);
- ``@registry-token``: bearer tokens (distribution's ``silly`` access controller, which
  sends clients to a token service, support/tokenserver.py, that checks the password);
- ``@registry-token-tls``: the same behind HTTPS, while the token service stays plain
  HTTP (a realm clients must not send a password to).

Storage is a directory of the scenario; the access log is kept, so a scenario can
prove what the client asked (e.g. "no blob was uploaded") from the server's side.

One configuration serves both major versions; read against distribution's
``docs/content/about/configuration.md``, ``registry/registry.go``,
``registry/auth/{silly,htpasswd}`` and ``tracing/`` at v2.8.3 and v3.0.0. Every key used
here (``log.accesslog``, ``storage.filesystem``, ``storage.delete``,
``storage.maintenance.{uploadpurging,readonly}``, ``http.{addr,secret,tls}``,
``auth.{htpasswd,silly}``) means the same in both; the access log is gorilla's
Combined Log Format on stdout in both. Where they differ:

- 3.x traces every request with OpenTelemetry and, by default, exports the spans over
  OTLP to localhost:4318, logging an error for each failed export: the server gets
  ``OTEL_TRACES_EXPORTER=none`` (2.8 ignores it).
- 3.x defaults ``http.tls.minimumtls`` to tls1.2, 2.8 to tls1.0: set to tls1.2 for both.
- 3.x adds ``http.tls.clientauth``; unset, both require and verify a client certificate
  when ``clientcas`` is given, as the mTLS variant needs.
- 3.x adds ``validation.manifests.indexes.platforms``; its default (``all``: every
  image an index names must be in the repository) is what 2.8 does.

skopeo's blob-info cache: as root, containers/image keeps it in
``/var/lib/containers/cache``, shared by every scenario and the machine, and skopeo has
no option to move it. It takes the cache directory from
``rootless.GetRootlessEUID()``, which honours ``_CONTAINERS_ROOTLESS_UID``: with that
set (to any non-zero uid), the cache goes to ``$HOME/.local/share/containers/cache``,
the scenario's own (:func:`skopeo_cache_environment`). The variable is internal to the
containers libraries; should a later skopeo ignore it, the cache falls back to
``/var/lib/containers/cache`` and only this isolation is lost. In a scenario it changes
nothing else skopeo does: the policy, the auth file and the certificates are always
given explicitly, and ``XDG_RUNTIME_DIR`` is the scenario's.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from support.htpasswd import bcrypt_hash
from support.tokenserver import TokenServer

START_TIMEOUT = 20.0
USERNAME = "ci-bot"
ROOTLESS_UID_VARIABLE = "_CONTAINERS_ROOTLESS_UID"
ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<uri>\S+) HTTP/[\d.]+" (?P<status>\d{3}) ')


@dataclass(frozen=True)
class Request:
    method: str
    uri: str
    status: int

    @property
    def is_blob_upload(self) -> bool:
        return "/blobs/uploads/" in self.uri


@dataclass
class RegistryServer:
    root: Path
    variant: str
    port: int
    password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    process: subprocess.Popen[bytes] | None = None
    token_server: TokenServer | None = None
    marked_requests: int = 0
    marked_blobs: set[str] = field(default_factory=set)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def username(self) -> str:
        return USERNAME

    @property
    def scheme(self) -> str:
        return "https" if self.variant in {"tls", "mtls", "token-tls"} else "http"

    @property
    def cert_dir(self) -> Path:
        """A containers-certs.d style directory holding the CA as ``ca.crt``."""
        return self.root / "certs"

    @property
    def storage(self) -> Path:
        return self.root / "storage"

    @property
    def log_path(self) -> Path:
        return self.root / "registry.log"

    def prepare(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.storage.mkdir(exist_ok=True)
        extra = ""
        if self.variant == "auth":
            htpasswd = self.root / "htpasswd"
            htpasswd.write_text(f"{USERNAME}:{bcrypt_hash(self.password)}\n", encoding="utf-8")
            extra += f"auth:\n  htpasswd:\n    realm: ci-image-tests\n    path: {htpasswd}\n"
        if self.variant in {"token", "token-tls"}:
            self.token_server = TokenServer(USERNAME, self.password)
            self.token_server.start()
            extra += (
                f"auth:\n  silly:\n    realm: {self.token_server.realm}\n"
                "    service: ci-image-tests\n"
            )
        tls = ""
        if self.scheme == "https":
            key, certificate = make_certificates(self.root, self.cert_dir)
            tls = (
                f"  tls:\n    certificate: {certificate}\n    key: {key}\n    minimumtls: tls1.2\n"
            )
        if self.variant == "mtls":
            tls += f"    clientcas:\n      - {self.cert_dir / 'ca.crt'}\n"
            make_client_certificate(self.root, self.cert_dir)
        readonly = "    readonly:\n      enabled: true\n" if self.variant == "readonly" else ""
        config = (
            "version: 0.1\n"
            "log:\n  level: info\n  accesslog:\n    disabled: false\n"
            f"storage:\n  filesystem:\n    rootdirectory: {self.storage}\n"
            "  delete:\n    enabled: true\n"
            "  maintenance:\n    uploadpurging:\n      enabled: false\n"
            f"{readonly}"
            f"http:\n  addr: {self.host}\n  secret: {secrets.token_hex(16)}\n{tls}"
            f"{extra}"
        )
        (self.root / "config.yml").write_text(config, encoding="utf-8")

    def start(self) -> None:
        environment = dict(os.environ, OTEL_TRACES_EXPORTER="none")
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [registry_program(), "serve", str(self.root / "config.yml")],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=environment,
                start_new_session=True,
            )
        try:
            self.wait_until_ready()
        except BaseException:
            self.stop()  # never leave a server behind that nobody will stop
            raise

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"the registry exited:\n{self.log_path.read_text()}")
            if self.answers():
                return
            time.sleep(0.05)
        raise AssertionError(f"the registry did not answer:\n{self.log_path.read_text()}")

    def answers(self) -> bool:
        context = None
        if self.scheme == "https":
            context = ssl.create_default_context(cafile=str(self.cert_dir / "ca.crt"))
            if self.variant == "mtls":
                context.load_cert_chain(self.cert_dir / "client.cert", self.cert_dir / "client.key")
        try:
            with urllib.request.urlopen(  # noqa: S310 - http(s) to the fixture
                f"{self.scheme}://{self.host}/v2/", timeout=2, context=context
            ):
                return True
        except urllib.error.HTTPError as error:
            return error.code == 401
        except (urllib.error.URLError, OSError):
            return False

    def close(self) -> None:
        """After the scenario (or a failed start): the registry and its token service."""
        self.stop()
        if self.token_server is not None:
            self.token_server.stop()

    def stop(self) -> None:
        """Stop gracefully (a scenario may start it again on the same port)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> int:
        """SIGKILL: the registry disappears mid-request, as in a crash (frozen first, so
        that nothing more is served between the decision and the kill). Returns the
        server's exit status (-9 when it was killed, not already gone)."""
        assert self.process is not None and self.process.poll() is None, "not running"
        os.killpg(self.process.pid, signal.SIGSTOP)
        os.killpg(self.process.pid, signal.SIGKILL)
        return self.process.wait()

    # What the server saw -------------------------------------------------------------

    def requests(self) -> list[Request]:
        if not self.log_path.exists():
            return []
        found = []
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            match = ACCESS_LINE.search(line)
            if match:
                found.append(Request(match["method"], match["uri"], int(match["status"])))
        return found

    def mark(self) -> None:
        """Remember what the registry has seen so far (before each command runs)."""
        self.marked_requests = len(self.requests())
        self.marked_blobs = self.blobs()

    def requests_since_mark(self) -> list[Request]:
        return self.requests()[self.marked_requests :]

    def blobs(self) -> set[str]:
        """Digests of the blobs in storage."""
        base = self.storage / "docker/registry/v2/blobs/sha256"
        return {f"sha256:{path.parent.name}" for path in base.glob("*/*/data")}

    def authfile_json(self) -> str:
        token = base64.b64encode(f"{USERNAME}:{self.password}".encode()).decode()
        return json.dumps({"auths": {self.host: {"auth": token}}})


def registry_program() -> str:
    """Debian calls distribution's server docker-registry; nixpkgs (the CI image) registry."""
    for name in ("docker-registry", "registry"):
        found = shutil.which(name)
        if found is not None:
            return found
    raise AssertionError("no registry server: install docker-registry (Debian) or distribution")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def make_certificates(root: Path, cert_dir: Path) -> tuple[Path, Path]:
    """A throw-away CA (``cert_dir/ca.crt``) and a server certificate for 127.0.0.1."""
    cert_dir.mkdir(exist_ok=True)
    ca_key, ca_crt = root / "ca.key", cert_dir / "ca.crt"
    key, csr, crt = root / "server.key", root / "server.csr", root / "server.crt"
    extensions = root / "server.ext"
    extensions.write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
        "extendedKeyUsage=serverAuth\n",
        encoding="utf-8",
    )
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    commands = [
        ["openssl", "req", "-x509", *ec, "-keyout", ca_key, "-out", ca_crt, "-days", "2",
         "-subj", "/CN=ci-image test CA", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["openssl", "req", "-new", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"],
        ["openssl", "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key,
         "-CAcreateserial", "-CAserial", root / "ca.srl", "-out", crt, "-days", "2",
         "-extfile", extensions],
    ]  # fmt: skip
    for command in commands:
        subprocess.run([str(part) for part in command], check=True, capture_output=True)
    return key, crt


def make_client_certificate(root: Path, cert_dir: Path) -> None:
    """``client.cert`` and ``client.key`` (containers-certs.d names), signed by the CA."""
    key, csr, crt = cert_dir / "client.key", root / "client.csr", cert_dir / "client.cert"
    extensions = root / "client.ext"
    extensions.write_text("extendedKeyUsage=clientAuth\n", encoding="utf-8")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    commands = [
        ["openssl", "req", "-new", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=ci-image"],
        ["openssl", "x509", "-req", "-in", csr, "-CA", cert_dir / "ca.crt", "-CAkey",
         root / "ca.key", "-CAserial", root / "ca.srl", "-CAcreateserial", "-out", crt,
         "-days", "2", "-extfile", extensions],
    ]  # fmt: skip
    for command in commands:
        subprocess.run([str(part) for part in command], check=True, capture_output=True)


def skopeo_cache_environment() -> dict[str, str]:
    """What makes skopeo keep its blob-info cache in ``$HOME/.local/share/containers/cache``
    (see the module docstring); the caller points HOME into the scenario."""
    if os.geteuid() != 0:
        return {}  # already so
    return {ROOTLESS_UID_VARIABLE: "65534"}


def new_registry(root: Path, variant: str, port: int | None = None) -> RegistryServer:
    """A registry not started yet: register ``close`` for cleanup, then ``launch`` it."""
    return RegistryServer(root=root, variant=variant, port=port or free_port())


def launch(server: RegistryServer) -> RegistryServer:
    server.prepare()
    server.start()
    return server


def start_registry(root: Path, variant: str, port: int | None = None) -> RegistryServer:
    """For scripts (benchmarks/): started, and closed again if it fails to start."""
    server = new_registry(root, variant, port)
    try:
        return launch(server)
    except BaseException:
        server.close()
        raise
