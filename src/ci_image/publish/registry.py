"""Asking a registry about tags and digests: a small client of the Registry HTTP API v2.

Why not ``skopeo inspect``: it pings ``/v2/`` before every call, and ``--config`` then
fetches the config blob, so "does this tag hold this image?" costs 3 to 5 requests.
The config digest is already in the manifest, so here the answer is one ``GET`` of the
manifest (plus one 401 round trip when the registry wants credentials): a re-push
costs at most 3 requests and uploads nothing.

Credentials go in an ``Authorization`` header (basic, or a bearer token fetched from
the realm the registry names), never in a URL, and never to a plain-HTTP token realm
without ``--insecure``. Redirects are refused, not followed: a redirect could carry a
request, and its credentials, to another host. The client only asks for manifests and
tokens; registries redirect *blob* downloads (to a CDN or object store), never these,
so a redirect here means a misconfigured address. TLS is verified against the system
CAs plus ``--cert-dir`` (``*.crt`` CAs, ``*.cert``/``*.key`` client pairs, as
containers-certs.d); ``--insecure`` turns verification off and falls back to plain
HTTP, as skopeo's ``--tls-verify=false`` does.
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import json
import re
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ci_image.errors import CiImageError
from ci_image.output import warn
from ci_image.publish.credentials import RegistryAuth, find_auth
from ci_image.publish.retry import TransientError, transient_status, with_retries
from ci_image.reference import DIGEST_RE, Reference
from ci_image.trace import Trace

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
ACCEPT = ", ".join([DOCKER_MANIFEST, OCI_MANIFEST, DOCKER_LIST, OCI_INDEX])
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
TIMEOUT_SECONDS = 30.0
USER_AGENT = "ci-image"
_CHALLENGE_PARAM = re.compile(r'(\w+)="([^"]*)"')
MAX_LABEL = 63  # DNS: the longest label of a host name


@dataclass(frozen=True)
class TlsOptions:
    cert_dir: Path | None = None
    insecure: bool = False


@dataclass(frozen=True)
class ManifestInfo:
    """A manifest as the registry holds it; ``config_digest`` is None for an index."""

    digest: str
    media_type: str
    config_digest: str | None


@dataclass(frozen=True)
class _Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def api_host(registry: str) -> str:
    """The host that serves the API: Docker Hub's names map to registry-1.docker.io."""
    return "registry-1.docker.io" if registry in {"docker.io", "index.docker.io"} else registry


def warn_if_insecure(registry: str, insecure: bool) -> None:
    """``--insecure`` is announced unless the registry is on this machine."""
    if insecure and not is_loopback(registry):
        warn(
            f"--insecure: talking to {registry} without TLS verification; anyone on the "
            "network path could change what is pushed or read"
        )


def api_path(reference: Reference) -> str:
    """The repository path in API URLs (Docker Hub's official images live in library/)."""
    return reference.canonical_repository.split("/", 1)[1]


def check_host(registry: str) -> None:
    """Refuse a registry address no request could reach, before any request is made.

    The reference grammar allows labels of any length (a name is bounded only by the
    255 characters of the whole repository); DNS allows 63 per label, and Python's
    resolver fails on a longer one with a ``UnicodeError`` rather than a lookup error.
    """
    if registry.startswith("["):
        address, _, rest = registry.partition("]")
        host, port = f"{address}]", rest.removeprefix(":")
    else:
        host, _, port = registry.partition(":")
    problem = None
    if port and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        problem = f"the port {port} is not a number in 1..65535"
    elif host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            problem = f"{host} is not an IPv6 address"
    else:
        longest = max(host.split("."), key=len)
        if len(longest) > MAX_LABEL:
            problem = (
                f"the host name has a label of {len(longest)} characters "
                f"({longest[:12]}...); DNS allows {MAX_LABEL}"
            )
    if problem is not None:
        raise CiImageError(
            f"cannot contact the registry {registry[:80]}{'...' if len(registry) > 80 else ''}: "
            f"{problem}; fix the registry part of the reference"
        )


def is_loopback(registry: str) -> bool:
    host = registry.rsplit(":", 1)[0] if not registry.endswith("]") else registry
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class RegistryClient:
    """Read-only questions to one registry; every request retried when transient."""

    def __init__(
        self,
        registry: str,
        *,
        auth: RegistryAuth,
        tls: TlsOptions,
        trace: Trace,
        retries: int = 3,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        check_host(registry)
        self.registry = registry
        self.host = api_host(registry)
        self.auth = auth
        self.tls = tls
        self.trace = trace
        self.retries = retries
        self.timeout = timeout
        self._scheme = "https"
        self._scheme_settled = not tls.insecure
        self._authorization: str | None = None
        self._context = _ssl_context(tls)
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=self._context), _NoRedirects()
        )

    # Questions -----------------------------------------------------------------------

    def get_manifest(self, path: str, reference: str) -> ManifestInfo | None:
        """The manifest a tag or digest names, or None when the registry has none."""
        response = self._request("GET", path, reference)
        if response.status == 404:
            return None
        # The digest is computed from the bytes received, never taken on trust.
        digest = "sha256:" + hashlib.sha256(response.body).hexdigest()
        if DIGEST_RE.fullmatch(reference) and digest != reference:  # pragma: no cover
            raise CiImageError(
                f"{self.registry} returned a manifest for {path}@{reference} whose sha256 is "
                f"{digest}; the registry or a proxy altered it"
            )
        media_type, config_digest = _parse_manifest(
            response.body, response.headers.get_content_type(), self.registry
        )
        return ManifestInfo(digest=digest, media_type=media_type, config_digest=config_digest)

    def manifest_exists(self, path: str, digest: str) -> bool:
        return self._request("HEAD", path, digest).status == 200

    # HTTP ----------------------------------------------------------------------------

    def _request(self, method: str, path: str, reference: str) -> _Response:
        """One manifest request, retried when transient; only 200 and 404 come back."""
        url_path = f"/v2/{path}/manifests/{reference}"
        named = f"{path}{'@' if DIGEST_RE.fullmatch(reference) else ':'}{reference}"

        def attempt() -> _Response:
            response = self._authorized(method, url_path, path)
            if response.status not in {200, 404}:
                raise self._status_error(response, named)
            return response

        what = f"{method} {self.registry}/{named}"
        return with_retries(attempt, retries=self.retries, what=what, trace=self.trace)

    def _authorized(self, method: str, url_path: str, path: str) -> _Response:
        response = self._send(method, url_path, self._authorization)
        if response.status != 401:
            return response
        challenge = response.headers.get("WWW-Authenticate", "")
        self._authorization = self._authorize(challenge, path)
        response = self._send(method, url_path, self._authorization)
        if response.status == 401:
            raise self._auth_failure(response)
        return response

    def _authorize(self, challenge: str, path: str) -> str:
        scheme, _, params_text = challenge.partition(" ")
        params = dict(_CHALLENGE_PARAM.findall(params_text))
        if scheme.lower() == "bearer" and params.get("realm"):
            return f"Bearer {self._token(params, path)}"
        if self.auth.credentials is None:
            raise self._no_credentials()
        return f"Basic {self.auth.credentials.basic}"

    def _token(self, params: dict[str, str], path: str) -> str:
        query = {"service": params.get("service", "")}
        query["scope"] = params.get("scope") or f"repository:{path}:pull"
        url = f"{params['realm']}?{urllib.parse.urlencode(query)}"
        if not url.startswith(("https://", "http://")):  # pragma: no cover - a hostile registry
            raise CiImageError(f"{self.registry} named a token realm that is not an HTTP URL")
        if url.startswith("http://") and not self.tls.insecure:
            raise CiImageError(
                f"{self.registry} sends clients to the token service {_safe_url(params['realm'])}"
                ", which is plain HTTP: the credentials (or the token) would cross the network "
                "unencrypted; have the registry use an https:// realm, or pass --insecure"
            )
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
        if self.auth.credentials is not None:
            request.add_unredirected_header("Authorization", f"Basic {self.auth.credentials.basic}")
        response = self._open(request, url)
        if response.status == 401:
            raise self._auth_failure(response)
        if response.status != 200:
            raise self._status_error(response, f"token from {params['realm']}")
        try:
            data = json.loads(response.body)
            token = data.get("token") or data.get("access_token")
        except (ValueError, AttributeError):
            token = None
        if not isinstance(token, str) or not token:
            raise CiImageError(f"the token service of {self.registry} returned no token")
        self.trace.add_secrets(token)
        return token

    def _send(self, method: str, url_path: str, authorization: str | None) -> _Response:
        while True:
            url = f"{self._scheme}://{self.host}{url_path}"
            request = urllib.request.Request(  # noqa: S310 - scheme is https or http
                url, method=method, headers={"Accept": ACCEPT, "User-Agent": USER_AGENT}
            )
            if authorization is not None:
                request.add_unredirected_header("Authorization", authorization)
            try:
                response = self._open(request, url)
            except _PlainHttpError as error:
                if self._scheme_settled:
                    raise CiImageError(_tls_failure(self.registry, error.message)) from None
                self.trace(f"{self.registry}: no TLS, falling back to plain HTTP (--insecure)")
                self._scheme = "http"
                self._scheme_settled = True
                continue
            self._scheme_settled = True
            return response

    def _open(self, request: urllib.request.Request, url: str) -> _Response:
        self.trace(f"{request.get_method()} {url}")
        try:
            with self._opener.open(request, timeout=self.timeout) as raw:
                body = raw.read(MAX_MANIFEST_BYTES + 1)
                status, headers = raw.status, raw.headers
        except urllib.error.HTTPError as error:
            with error:
                body = error.read(MAX_MANIFEST_BYTES + 1)
            status, headers = error.code, error.headers
        except urllib.error.URLError as error:
            raise self._connection_error(error.reason) from None
        except (OSError, http.client.HTTPException) as error:
            raise self._connection_error(error) from None
        except ValueError as error:  # pragma: no cover - check_host refuses such hosts first
            # A UnicodeError (a ValueError) is how the resolver refuses a host name.
            raise CiImageError(
                f"cannot send a request to the registry {self.registry}: {error}; "
                "check the registry part of the reference"
            ) from None
        self.trace(f"-> HTTP {status}")
        if 300 <= status < 400:
            raise self._redirect_error(request, url, status, headers)
        if len(body) > MAX_MANIFEST_BYTES:  # pragma: no cover - no real registry sends one
            raise CiImageError(f"{self.registry} sent a manifest larger than 4 MiB for {url}")
        return _Response(status=status, headers=headers, body=body)

    # Errors --------------------------------------------------------------------------

    def _connection_error(self, reason: object) -> Exception:
        if isinstance(reason, ssl.SSLCertVerificationError):
            return CiImageError(
                f"the TLS certificate of {self.registry} is not trusted "
                f"({reason.verify_message}); pass --cert-dir DIR with its CA certificate "
                "(*.crt), or --insecure"
            )
        if isinstance(reason, ssl.SSLError):
            return _PlainHttpError(reason.reason or str(reason))
        if isinstance(reason, ConnectionRefusedError):
            detail = "connection refused; is the registry running?"
        elif isinstance(reason, socket.gaierror):
            detail = f"cannot resolve the host name ({reason.strerror})"
        elif isinstance(reason, TimeoutError):  # pragma: no cover - 30 s per attempt to provoke
            detail = f"no answer within {self.timeout:g} s"
        else:
            detail = " ".join(str(reason).split()) or type(reason).__name__
        return TransientError(f"cannot reach the registry {self.registry}: {detail}")

    def _redirect_error(
        self,
        request: urllib.request.Request,
        url: str,
        status: int,
        headers: http.client.HTTPMessage,
    ) -> CiImageError:
        location = headers.get("Location")
        target = _safe_url(urllib.parse.urljoin(url, location)) if location else "nowhere"
        return CiImageError(
            f"{self.registry} answered {request.get_method()} {_safe_url(url)} with a redirect "
            f"(HTTP {status}) to {target}; ci-image does not follow redirects (they could "
            "carry the credentials elsewhere): use the address the registry serves its API at"
        )

    def _no_credentials(self) -> CiImageError:
        return CiImageError(
            f"{self.registry} requires authentication and no credentials were found "
            f"({self.auth.source}); set CI_IMAGE_REGISTRY_USER and CI_IMAGE_REGISTRY_PASSWORD "
            "or pass --authfile FILE"
        )

    def _auth_failure(self, response: _Response) -> CiImageError:
        if self.auth.credentials is None:
            return self._no_credentials()
        return CiImageError(
            f"authentication to {self.registry} failed for user "
            f"{self.auth.credentials.username!r} ({_registry_message(response)}; credentials "
            f"from {self.auth.source}); check the user and password"
        )

    def _status_error(self, response: _Response, what: str) -> Exception:
        message = (
            f"{self.registry} answered HTTP {response.status} for {what}: "
            f"{_registry_message(response)}"
        )
        if transient_status(response.status):
            return TransientError(message)
        if response.status == 403:
            return CiImageError(f"{message}; the credentials ({self.auth.source}) lack permission")
        return CiImageError(message)


class _PlainHttpError(CiImageError):
    """The TLS handshake failed: with --insecure, try plain HTTP."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx answer comes back as it is (an ``HTTPError``), to be refused, never followed."""

    def redirect_request(  # noqa: PLR0917 - urllib's signature
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> None:
        return None


def _safe_url(url: str) -> str:
    """A URL fit for a message: no user:password@, and no query (signed URLs carry keys)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    query = "?..." if parts.query else ""
    return f"{parts.scheme}://{host}{parts.path}{query}"


def _tls_failure(registry: str, reason: str) -> str:
    if reason in {"WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "HTTP_REQUEST"}:
        return (
            f"TLS with {registry} failed ({reason}): it answers in plain HTTP; for a "
            "plain-HTTP registry pass --insecure"
        )
    return f"TLS with {registry} failed ({reason}); check its certificate and --cert-dir"


def _registry_message(response: _Response) -> str:
    try:
        errors = json.loads(response.body).get("errors") or []
        texts = [f"{e.get('code', '')} {e.get('message', '')}".strip() for e in errors]
        text = "; ".join(t for t in texts if t)
    except (ValueError, AttributeError, TypeError):
        text = ""
    return " ".join((text or response.body.decode("utf-8", "replace")[:200]).split()) or (
        f"HTTP {response.status}"
    )


def _parse_manifest(body: bytes, content_type: str, registry: str) -> tuple[str, str | None]:
    """Media type and config digest; None for an index or a manifest without a config."""
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise CiImageError(f"{registry} returned a manifest that is not a JSON object")
    media_type = str(data.get("mediaType") or content_type)
    config = data.get("config")
    digest = config.get("digest") if isinstance(config, dict) else None
    if "manifests" in data or not isinstance(digest, str) or not DIGEST_RE.fullmatch(digest):
        return media_type, None
    return media_type, digest


def _ssl_context(tls: TlsOptions) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if tls.insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if tls.cert_dir is None:
        return context
    if not tls.cert_dir.is_dir():
        raise CiImageError(f"--cert-dir {tls.cert_dir} is not a directory")
    try:
        for ca in sorted(tls.cert_dir.glob("*.crt")):
            context.load_verify_locations(cafile=str(ca))
        for certificate in sorted(tls.cert_dir.glob("*.cert")):
            context.load_cert_chain(str(certificate), str(certificate.with_suffix(".key")))
    except (OSError, ssl.SSLError) as error:
        raise CiImageError(
            f"cannot use the certificates in --cert-dir {tls.cert_dir}: {error}"
        ) from None
    return context


# For ``check --registry`` ---------------------------------------------------------------


@dataclass(frozen=True)
class RegistryOptions:
    """How to reach registries: the same options as ``push``."""

    authfile: Path | None = None
    cert_dir: Path | None = None
    insecure: bool = False
    retries: int = 3


def client_for(
    reference: Reference, options: RegistryOptions, *, environ: Mapping[str, str], trace: Trace
) -> RegistryClient:
    """A client for the registry a reference names, with the credentials found for it."""
    registry = reference.registry or "docker.io"
    check_host(registry)  # before any warning or credential lookup about it
    auth = find_auth(registry, api_path(reference), authfile=options.authfile, environ=environ)
    trace.add_secrets(*auth.secrets)
    trace(f"credentials for {registry}: {auth.source}")
    warn_if_insecure(registry, options.insecure)
    tls = TlsOptions(cert_dir=options.cert_dir, insecure=options.insecure)
    return RegistryClient(registry, auth=auth, tls=tls, trace=trace, retries=options.retries)


def digest_exists(client: RegistryClient, reference: Reference) -> bool:
    """Does the registry hold the manifest the pinned digest names (rule CI007)?"""
    if reference.digest is None:  # pragma: no cover - callers pass pinned references
        raise CiImageError(f"{reference} has no digest to look up")
    return client.manifest_exists(api_path(reference), reference.digest)


def tag_digest(client: RegistryClient, reference: Reference) -> str | None:
    """The digest the reference's tag resolves to now, None when the tag is gone (CI008)."""
    if reference.tag is None:  # pragma: no cover - callers pass pinned references
        raise CiImageError(f"{reference} has no tag to resolve")
    current = client.get_manifest(api_path(reference), reference.tag)
    return None if current is None else current.digest
