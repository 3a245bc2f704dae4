"""The one request ci-image makes to a registry itself: where does it send credentials?

A registry that speaks HTTPS may still name a token service on plain ``http://`` in its
``WWW-Authenticate: Bearer realm=...`` challenge. skopeo 1.9.3 then sends the user and
password there in clear text: measured with distribution 2.8 behind TLS and a token
service on ``http://127.0.0.1``, which received ``account=ci-bot`` with the basic
credentials and granted a token. skopeo has no option to refuse that, so before skopeo
talks to an HTTPS registry ci-image asks ``GET /v2/`` once, anonymously (no credentials,
no redirects followed), and refuses a plain-HTTP realm unless the registry is insecure
by choice (``--insecure``). Cost: one request of a few hundred bytes, about 3 ms on
loopback; bounded by a deadline of its own.

The check is advice only in one direction: when it cannot connect (plain HTTP, a TLS
problem, a slow answer) it lets skopeo go ahead and report what is wrong in its words.
It reads CAs and client certificates as skopeo does (``--cert-dir``, else the
``certs.d`` directories of containers-certs.d(5)).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from ci_image.errors import CiImageError
from ci_image.reference import split_host
from ci_image.trace import Trace

if TYPE_CHECKING:
    import ssl

DEADLINE_SECONDS = 10.0
_REALM = re.compile(r'realm="([^"]*)"')
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
    import http.client  # noqa: PLC0415 - only HTTPS registries are asked, ~7 ms
    import ssl  # noqa: PLC0415

    host, port = split_host(api_host(registry))
    number = int(port) if port.isdigit() else None
    try:
        context = _context(registry, cert_dir, home)
        connection = http.client.HTTPSConnection(
            host, number, context=context, timeout=DEADLINE_SECONDS
        )
        try:
            connection.request("GET", "/v2/", headers={"User-Agent": "ci-image"})
            response = connection.getresponse()
            challenge = response.getheader("WWW-Authenticate") or ""
        finally:
            connection.close()
    except (OSError, ssl.SSLError, http.client.HTTPException, ValueError):
        return None
    if response.status != 401 or not challenge.lower().startswith("bearer"):
        return None
    match = _REALM.search(challenge)
    return None if match is None else match[1]


def _context(registry: str, cert_dir: Path | None, home: Path) -> ssl.SSLContext:
    import ssl  # noqa: PLC0415

    context = ssl.create_default_context()
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
