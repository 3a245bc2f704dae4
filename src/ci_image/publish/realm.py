"""The one request ci-image makes to a registry itself: where does it send credentials?

A registry that speaks HTTPS may still name a token service on plain ``http://`` in its
``WWW-Authenticate: Bearer realm=...`` challenge. skopeo 1.9.3 then sends the user and
password there in clear text: measured with distribution 2.8 behind TLS and a token
service on ``http://127.0.0.1``, which received ``account=ci-bot`` with the basic
credentials and granted a token. skopeo has no option to refuse that, so before skopeo
talks to an HTTPS registry ci-image asks ``GET /v2/`` once, anonymously (no credentials,
no redirects followed), and refuses a plain-HTTP realm unless the registry is insecure
by choice (``--insecure``); bounded by a deadline of its own.

Cost, measured on loopback: 19 ms for the first registry of a command (importing ssl is
most of it), 3-4 ms for another. It was 60 ms and 40 ms with ``http.client`` (importing
it: ~15 ms) and ``ssl.create_default_context()`` (loading the system's CA bundle: 32-39
ms).

The check is advice only in one direction: when it cannot connect (plain HTTP, a TLS
problem, a slow answer) it lets skopeo go ahead and report what is wrong in its words.
It reads CAs and client certificates as skopeo does (``--cert-dir``, else the
``certs.d`` directories of containers-certs.d(5)), and the system's CAs.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from ci_image.errors import CiImageError
from ci_image.reference import split_host
from ci_image.trace import Trace

if TYPE_CHECKING:
    import socket
    import ssl

DEADLINE_SECONDS = 10.0
_REALM = re.compile(r'realm="([^"]*)"')
_HASHED = re.compile(r"[0-9a-f]{8}\.[0-9]+")
_MAX_HEAD = 64 * 1024  # the status line and headers of the answer to GET /v2/
CERTS_D = (Path("/etc/containers/certs.d"), Path("/etc/docker/certs.d"))


def api_host(registry: str) -> str:
    """The host that serves the API: Docker Hub's names map to registry-1.docker.io."""
    return "registry-1.docker.io" if registry in {"docker.io", "index.docker.io"} else registry


def refuse_plain_http_realm(registry: str, cert_dir: Path | None, home: Path, trace: Trace) -> None:
    """Raise when ``registry`` (HTTPS) sends clients to a plain-HTTP token service."""
    result: list[str | None] = []
    worker = threading.Thread(
        target=lambda: result.append(_challenge_realm(registry, cert_dir, home)), daemon=True
    )
    worker.start()
    worker.join(DEADLINE_SECONDS)
    realm = result[0] if result else None
    if realm is not None and realm.lower().startswith("http://"):
        shown = realm.partition("?")[0]
        raise CiImageError(
            f"{registry} sends clients to the token service {shown}, which is plain HTTP: "
            "the credentials (or the token) would cross the network unencrypted; have the "
            "registry use an https:// realm, or pass --insecure"
        )
    trace(f"token realm of {registry}: {realm or 'none named (or not asked)'}")


def _challenge_realm(registry: str, cert_dir: Path | None, home: Path) -> str | None:
    """The realm, trusting first the system CAs of a directory of hashed names (read one
    issuer at a time), then, if that did not verify the registry, every system CA."""
    import ssl  # noqa: PLC0415 - only HTTPS registries are asked

    directory = _hashed_directory()
    for roots in [directory, None] if directory is not None else [None]:
        try:
            return _ask_realm(registry, _context(registry, cert_dir, home, roots))
        except ssl.SSLCertVerificationError:
            continue  # the issuer is in the bundle only (a CA added to SSL_CERT_FILE)
        except (OSError, ssl.SSLError, ValueError):
            return None
    return None


def _ask_realm(registry: str, context: ssl.SSLContext) -> str | None:
    import socket  # noqa: PLC0415

    authority = api_host(registry)
    host, port = split_host(authority)
    address = (host, int(port) if port.isdigit() else 443)
    with socket.create_connection(address, timeout=DEADLINE_SECONDS) as raw:
        # Else the request waits for the ACK of the handshake's last record, which the
        # server delays: 40 ms on loopback (measured), as http.client knows too.
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with context.wrap_socket(raw, server_hostname=host) as connection:
            connection.sendall(
                f"GET /v2/ HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: ci-image\r\n"
                "Connection: close\r\n\r\n".encode("latin-1")
            )
            return _bearer_realm(_response_head(connection))


def _response_head(connection: socket.socket) -> bytes:
    """The status line and headers (the body is not wanted), at most ``_MAX_HEAD`` bytes."""
    head = b""
    while b"\r\n\r\n" not in head and len(head) < _MAX_HEAD:
        data = connection.recv(_MAX_HEAD)
        if not data:
            break
        head += data
    return head.partition(b"\r\n\r\n")[0]


def _bearer_realm(head: bytes) -> str | None:
    """The realm of a ``401`` with a ``Bearer`` challenge; None for any other answer."""
    status, *headers = head.decode("latin-1").split("\r\n")
    if status.split(" ")[1:2] != ["401"]:
        return None
    for header in headers:
        name, _, value = header.partition(":")
        challenge = value.strip()
        if name.strip().lower() == "www-authenticate" and challenge.lower().startswith("bearer"):
            match = _REALM.search(challenge)
            return None if match is None else match[1]
    return None


def _context(registry: str, cert_dir: Path | None, home: Path, roots: str | None) -> ssl.SSLContext:
    """What skopeo trusts: the system's CAs (those of the directory ``roots`` only, if
    given), and those of ``--cert-dir`` or certs.d."""
    import ssl  # noqa: PLC0415

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, and checks the host name
    if roots is None:
        context.set_default_verify_paths()  # SSL_CERT_FILE and SSL_CERT_DIR, else the defaults
    else:
        context.load_verify_locations(capath=roots)
    directories = [cert_dir] if cert_dir is not None else [
        home / ".config/containers/certs.d" / registry,
        *(base / registry for base in CERTS_D),
    ]  # fmt: skip
    for directory in directories:
        if not directory.is_dir():
            continue
        for ca in sorted(directory.glob("*.crt")):
            context.load_verify_locations(cafile=str(ca))
        for certificate in sorted(directory.glob("*.cert")):
            context.load_cert_chain(str(certificate), str(certificate.with_suffix(".key")))
        if cert_dir is None:
            break  # skopeo uses the first certs.d directory that exists
    return context


def _hashed_directory() -> str | None:
    """The system's directory of CAs under OpenSSL's hashed names (``SSL_CERT_DIR``, else
    OpenSSL's own; ``update-ca-certificates`` fills it), if it holds any.

    OpenSSL reads such a directory one issuer at a time, as a handshake asks for it,
    where it parses a bundle whole: Debian's 150 CAs took 32-39 ms to load, against
    about 1 ms (measured). A system with a bundle only (a Nix image's ``SSL_CERT_FILE``)
    has none, and the bundle is read.
    """
    import ssl  # noqa: PLC0415

    paths = ssl.get_default_verify_paths()
    directory = os.environ.get(paths.openssl_capath_env) or paths.openssl_capath
    try:
        with os.scandir(directory) as entries:
            return directory if any(_HASHED.fullmatch(entry.name) for entry in entries) else None
    except OSError:
        return None
