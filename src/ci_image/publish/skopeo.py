"""Running skopeo: the only module that does, for every registry question and upload.

Every registry request goes through skopeo (``inspect --raw``, ``inspect --config
--raw``, ``copy``), but the one anonymous ``GET /v2/`` of :mod:`ci_image.publish.realm`,
so credentials (auth files, ``credHelpers``, registries.conf ``credential-helpers``),
TLS (``--cert-dir``, ``certs.d``) and registries.conf behave exactly as in podman and
the other containers tools. Facts this rests on, measured with
Debian's skopeo 1.9.3 (containers/image 5.23.1) against distribution 2.8:

- ``inspect --raw docker://R/P:T`` makes two requests (``GET /v2/``, the manifest) and
  prints the manifest's exact bytes: their sha256 is the registry's digest. A missing tag
  or repository ends with "manifest unknown". skopeo 1.9.3 refuses a reference with both
  a tag and a digest, so questions name one or the other.
- ``inspect`` reads no signature policy; ``copy`` always gets one (``--policy``).
- Credentials are passed only as a file (``--authfile``), never ``--creds``, which the
  process list would show. skopeo also reads ``REGISTRY_AUTH_FILE`` and, after any
  ``--authfile``, ``$XDG_CONFIG_HOME/containers/auth.json``, ``~/.docker/config.json``
  and ``~/.dockercfg``; it runs ``docker-credential-NAME`` for ``credHelpers`` entries
  (``credsStore`` is ignored).
- ``--debug`` names where credentials were found ("Found credentials for ..." / "No
  credentials for ... found"), each request, ``Detected 'Retry-After' header "N"``,
  "Skipping blob X (already present)" and "Upload of layer X complete", and never a
  password or token. skopeo always runs with it; only those lines are used or traced.
- On HTTP 429 containers/image waits as ``Retry-After`` asks, at most 60 s a time, five
  times per request (``docker/docker_client.go``, ``backoffMaxDelay``): a registry asking
  for 3600 s would hold one question for minutes. A wait longer than that cap stops
  skopeo at once, and the error says so.
- With no answer coming (a registry that trickles a byte every 2 s), nothing in skopeo
  ends a request: questions get ``--command-timeout`` and a deadline of their own; an
  upload that moves no data (a stalled ``PATCH``) is ended by :func:`ci_image.process.run_watched`.
- A registry that echoes the ``Authorization`` header in an error body has it printed by
  skopeo ("denied: you sent Basic ..."): every message is redacted
  (:func:`ci_image.publish.credentials.redact`) before it is shown.

Errors are classified by whole phrases skopeo prints (read from skopeo 1.9.3 here, and
from containers/image's ``docker/errors.go`` and Go's ``net/http`` for newer releases),
never by loose words: a repository called ``policy/app``, a local "permission denied" or
a truncated archive's "unexpected EOF" must not be mistaken for a policy refusal, a
registry denial or a network failure worth retrying.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ci_image import process
from ci_image.errors import CiImageError
from ci_image.process import Program, Watch, child_environment
from ci_image.publish.credentials import redact
from ci_image.publish.retry import RETRY_AFTER_CAP_SECONDS, TransientError, transient_status
from ci_image.trace import Trace

SKOPEO = Program(
    "skopeo", "install it (apt install skopeo, or use nix develop) and run the command again"
)
COPY_TIMEOUT_SECONDS = 3 * 3600
# How long past --command-timeout skopeo may take to report it before it is killed.
_GRACE_SECONDS = 5.0

_FATAL = re.compile(r'level=fatal msg="((?:[^"\\]|\\.)*)"')
_DEBUG = re.compile(r'level=(?:debug|info|warning) msg="((?:[^"\\]|\\.)*)"')
_GO_ESCAPE = re.compile(r"\\(.)")
# skopeo's wrapper around every inspect failure, naming the reference we gave it.
_WRAPPER = re.compile(r'^Error parsing image name "[^"]*": ')
_UNESCAPED = {"n": " ", "t": " ", "r": " "}
_RETRY_AFTER = re.compile(r"Detected 'Retry-After' header \"([^\"]*)\"")
_UPLOADED = re.compile(r"Upload of layer (sha256:[0-9a-f]{64}) complete")
_SKIPPED = re.compile(r"Skipping blob (sha256:[0-9a-f]{64}) \(already present\)")
_CREDENTIALS = re.compile(r"Found credentials for \S+ in (.*)|No credentials for \S+ found$")
_REQUEST = re.compile(r"^(GET|HEAD|PUT|POST|PATCH|DELETE) (\S+)$")
# skopeo's own refusals: the trust policy file, or the policy applied to the source.
_POLICY = re.compile(
    r"Source image rejected: "  # "...: Running image docker://X is rejected by policy."
    r"|[Ee]rror loading trust policy: "  # a missing or invalid --policy file
)
# The registry has no such manifest (tag or digest), or no such repository.
_ABSENT = re.compile(
    r"(?:^|: )manifest unknown(?:: |$)"
    r"|(?:^|: )name unknown(?:: |$)"
    r"|StatusCode: 404,"
)
# The registry refused the credentials, or what they may do.
_AUTH = re.compile(
    # A registry error code as a whole component of the error chain ("...: denied",
    # "...: unauthorized: authentication required"); "permission denied" is not one.
    r"(?:^|: )(?:unauthorized|denied)(?:: |$)"
    r"|requested access to the resource is denied"  # DENIED's own text (Docker Hub)
    r"|unable to retrieve auth token: invalid username/password"  # token service said 401
)
# An HTTP status as containers/image reports it, judged like any other.
_STATUS = re.compile(
    r"received unexpected HTTP status: (\d{3})"  # a 5xx, e.g. "503 Service Unavailable"
    r"|invalid status code from registry (\d{3})"  # the token service
    r"|StatusCode: (\d{3}),"  # any other status without a registry error code
    r"|repository \S+: (\d{3}) \("  # "failed to read from destination repository x: 500 (...)"
)
_TOO_MANY = re.compile(r"too many requests to registry|(?:^|: )toomanyrequests(?:: |$)")
_REFUSED = re.compile(r"connect: connection refused")
_NO_HOST = re.compile(r": no such host")
_PLAIN_HTTP = re.compile(
    r"server gave HTTP response to HTTPS client|first record does not look like a TLS handshake"
)
_UNTRUSTED = re.compile(r"x509: (certificate signed by unknown authority|[^:]*)")
_TLS = re.compile(r"remote error: tls: ([a-z ]+)|tls: ([a-z ]+)")
# A failure of the network or of an overloaded registry: worth another attempt.
_TRANSIENT = re.compile(
    r"connection reset by peer"
    r"|use of closed network connection"
    r"|write: broken pipe"
    # An HTTP request that ended early ('Patch "URL": EOF'); not a local file's
    # "loading tar component manifest.json: unexpected EOF".
    r'|\b(?:Get|Head|Post|Put|Patch|Delete) "[^"]*": (?:unexpected )?EOF\b'
    r"|: i/o timeout"
    r"|TLS handshake timeout"
    r"|timeout awaiting response headers"
    r"|Client\.Timeout exceeded"
)
AUTH_STATUSES = frozenset({401, 403})


@dataclass(frozen=True)
class Access:
    """How skopeo reaches one registry: an auth file (None: skopeo's own search), CAs
    and client certificates, and whether TLS may be skipped (plain HTTP or unverified)."""

    registry: str
    authfile: Path | None = None
    cert_dir: Path | None = None
    insecure: bool = False
    label: str | None = None  # how messages name ``authfile`` (a private file has no good name)
    hint: str | None = None  # said when the registry wants credentials skopeo did not find

    def options(self, prefix: str = "") -> list[str]:
        """``inspect``'s options (``prefix`` ""), or ``copy``'s for one side ("dest-")."""
        arguments: list[str] = []
        if self.authfile is not None:
            arguments += [f"--{prefix}authfile", str(self.authfile)]
        if self.cert_dir is not None:
            arguments += [f"--{prefix}cert-dir", str(self.cert_dir)]
        if self.insecure:
            arguments.append(f"--{prefix}tls-verify=false")
        return arguments


class WaitTooLongError(CiImageError):
    """The registry asked (HTTP 429, ``Retry-After``) to wait longer than the cap."""


@dataclass
class Listener:
    """Reads skopeo's ``--debug`` stderr as it comes: traces what is worth seeing (each
    request, where credentials came from), notes what the registry asked for, and stops
    skopeo when a ``Retry-After`` exceeds the cap."""

    access: Access
    trace: Trace
    retry_after: float | None = None
    credentials: str | None = None
    uploaded: set[str] = field(default_factory=set)
    skipped: set[str] = field(default_factory=set)

    def __call__(self, line: str) -> None:
        match = _DEBUG.search(line)
        if match is None:
            return
        message = _unquote(match[1])
        if (wait := _RETRY_AFTER.search(message)) is not None:
            self._retry_after(wait[1])
        elif (found := _CREDENTIALS.search(message)) is not None:
            credentials = found[1] or "none found"
            private = self.access.authfile
            if private is not None and self.access.label and str(private) in credentials:
                credentials = self.access.label
            if credentials != self.credentials:
                self.trace(f"skopeo: credentials for {self.registry}: {credentials}")
            self.credentials = credentials
        elif (request := _REQUEST.match(message)) is not None:
            self.trace(f"skopeo: {request[1]} {_without_query(request[2])}")
        elif (uploaded := _UPLOADED.search(message)) is not None:
            self.uploaded.add(uploaded[1])
        elif (skipped := _SKIPPED.search(message)) is not None:
            self.skipped.add(skipped[1])

    @property
    def registry(self) -> str:
        return self.access.registry

    def _retry_after(self, value: str) -> None:
        seconds = retry_after_seconds(value)
        self.trace(f"skopeo: {self.registry} answered 429 Too Many Requests, Retry-After {value}")
        if seconds is None:
            return
        self.retry_after = seconds
        if seconds > RETRY_AFTER_CAP_SECONDS:
            raise WaitTooLongError(
                f"{self.registry} answered 429 Too Many Requests and asks to wait "
                f"{seconds:g} s before trying again (Retry-After), longer than the "
                f"{RETRY_AFTER_CAP_SECONDS} s ci-image and skopeo wait at most: run the "
                "command again later"
            )


def retry_after_seconds(value: str, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds: a number of seconds, or an HTTP date; None if neither."""
    import email.utils  # noqa: PLC0415 - only for a Retry-After that is a date

    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def inspect(
    target: str,
    access: Access,
    *,
    config: bool,
    timeout: float,
    trace: Trace,
    environ: dict[str, str],
) -> bytes | None:
    """The raw manifest (or, with ``config``, the raw config blob) of ``docker://target``;
    None when the registry has no such manifest. Failures raise, transient ones as
    :class:`TransientError`."""
    skopeo = SKOPEO.find()
    seconds = max(1, round(timeout))
    argv = [skopeo, "--debug", "--command-timeout", f"{seconds}s", "inspect", "--raw"]
    if config:
        argv.append("--config")
    argv += [*access.options(), f"docker://{target}"]
    trace("running " + " ".join(argv))
    listener = Listener(access, trace)
    what = f"asking {access.registry} about {target.partition('/')[2]}"
    finished = _run(argv, Watch(deadline=seconds + _GRACE_SECONDS, on_line=listener), what, environ)
    if finished.returncode == 0:
        return finished.stdout
    message = skopeo_message(finished.stderr, finished.returncode)
    if _ABSENT.search(message):
        return None
    if "context deadline exceeded" in message:
        raise TransientError(
            f"{what}: no answer within {seconds} s (--timeout); check that the registry is up"
        )
    raise classify(f"{what} failed", message, access, listener, trace)


@dataclass(frozen=True)
class CopyRequest:
    """One ``skopeo copy SOURCE docker://DESTINATION``."""

    source: str
    destination: str
    access: Access
    digestfile: Path
    tmpdir: Path
    policy: Path
    source_insecure: bool = True  # the 127.0.0.1 source (ci-image's own) speaks plain HTTP

    def argv(self, skopeo: str) -> list[str]:
        arguments = [skopeo, "--debug", "--policy", str(self.policy), "copy", "--quiet",
                     "--digestfile", str(self.digestfile), "--src-no-creds"]  # fmt: skip
        if self.source_insecure:
            arguments.append("--src-tls-verify=false")
        return [*arguments, *self.access.options("dest-"), self.source,
                f"docker://{self.destination}"]  # fmt: skip


@dataclass(frozen=True)
class CopyOutcome:
    """What skopeo said it uploaded (the compressed digests of the blobs it sent) and
    whether it said anything about blobs at all (``decided``: its log has the phrases)."""

    uploaded: frozenset[str]
    decided: bool


class MissingSourceBlobError(CiImageError):
    """skopeo asked the source for a blob it was told the registry has (the registry
    answered HEAD with 404): ``digest`` names it."""

    def __init__(self, message: str, digest: str) -> None:
        super().__init__(message)
        self.digest = digest


def copy(
    request: CopyRequest,
    *,
    stall: float,
    trace: Trace,
    environ: dict[str, str],
    waiting: Callable[[], bool] | None = None,
    missing: Callable[[], str | None] | None = None,
    uploaded: set[str] | None = None,
) -> CopyOutcome:
    """Push; a transient failure raises :class:`TransientError`. ``missing`` names a blob
    skopeo asked the source for but the source does not hold (see
    :class:`MissingSourceBlobError`). Each blob skopeo says it uploaded is added to
    ``uploaded``, also when the copy fails afterwards."""
    argv = request.argv(SKOPEO.find())
    trace("running " + " ".join(argv))
    listener = Listener(request.access, trace)
    if uploaded is not None:
        listener.uploaded = uploaded
    watch = Watch(deadline=COPY_TIMEOUT_SECONDS, stall=stall, on_line=listener, waiting=waiting)
    what = f"the upload to {request.access.registry}"
    env = {**environ, "TMPDIR": str(request.tmpdir)}
    finished = _run(argv, watch, what, env)
    if finished.returncode == 0:
        decided = bool(listener.uploaded or listener.skipped)
        return CopyOutcome(uploaded=frozenset(listener.uploaded), decided=decided)
    message = skopeo_message(finished.stderr, finished.returncode)
    absent = missing() if missing is not None else None
    if absent is not None:
        raise MissingSourceBlobError(f"the registry lost the layer {absent}", absent)
    if _POLICY.search(message):
        raise CiImageError(
            f"skopeo refused by the signature policy {request.policy}: "
            f"{redact(message, trace)}; leave out --policy to use the policy ci-image "
            "writes for its own 127.0.0.1 source"
        )
    raise classify(f"pushing to {request.access.registry} failed", message, request.access,
                   listener, trace)  # fmt: skip


def _run(argv: list[str], watch: Watch, what: str, environ: dict[str, str]) -> process.Finished:
    try:
        return process.run_watched(argv, watch=watch, what=what, env=child_environment(environ))
    except process.TimedOutError as error:
        raise TransientError(f"{error.message}: no answer in time; check the registry") from None
    except process.StalledError as error:
        raise TransientError(
            f"{error.message}: the registry stopped taking data; check it, or raise --stall-timeout"
        ) from None


def classify(
    where: str, message: str, access: Access, listener: Listener, trace: Trace
) -> CiImageError:
    """skopeo's error as one line, classified: transient (retried) or not, redacted."""
    registry = access.registry
    shown = redact(message, trace)
    statuses = [int(code) for match in _STATUS.finditer(message) for code in match.groups() if code]
    if _TOO_MANY.search(message) or 429 in statuses:
        asked = listener.retry_after
        wait = f" (it asked to wait {asked:g} s, Retry-After)" if asked is not None else ""
        return TransientError(
            f"{where}: {registry} answered 429 Too Many Requests{wait}; run again later",
            retry_after=asked,
        )
    if _REFUSED.search(message):
        return TransientError(f"cannot reach the registry {registry}: connection refused; "
                              "is the registry running?")  # fmt: skip
    if _NO_HOST.search(message):
        return TransientError(f"cannot reach the registry {registry}: cannot resolve the "
                              "host name")  # fmt: skip
    if "invalid reference format" in message and registry.startswith("["):
        return CiImageError(
            f"skopeo cannot use the IPv6 address {registry} in an image reference (its "
            "reference parser, containers/image 5.23, has no IPv6 literals): give the "
            "registry a host name, e.g. in /etc/hosts"
        )
    if _PLAIN_HTTP.search(message):
        return CiImageError(
            f"TLS with {registry} failed: it answers in plain HTTP; for a plain-HTTP "
            "registry pass --insecure"
        )
    if (untrusted := _UNTRUSTED.search(message)) is not None:
        return CiImageError(
            f"the TLS certificate of {registry} is not trusted ({untrusted[1]}); pass "
            "--cert-dir DIR with its CA certificate (*.crt), or --insecure"
        )
    if "getting username and password" in message:
        return CiImageError(f"{where}: {shown}; fix or move that auth file: skopeo reads it "
                            "for every registry")  # fmt: skip
    if _AUTH.search(message) or any(status in AUTH_STATUSES for status in statuses):
        return CiImageError(f"{where}: {shown}; {_auth_advice(listener, access)}")
    if _TRANSIENT.search(message) or any(transient_status(status) for status in statuses):
        return TransientError(f"{where}: {shown}; check that the registry is up, then run again")
    if (tls := _TLS.search(message)) is not None:
        return CiImageError(f"TLS with {registry} failed ({tls[1] or tls[2]}); check its "
                            "certificate and --cert-dir")  # fmt: skip
    return CiImageError(f"{where}: {shown}")


def _auth_advice(listener: Listener, access: Access) -> str:
    if listener.credentials == "none found":
        hint = f"; {access.hint}" if access.hint else ""
        return (
            "skopeo found no credentials for it: set CI_IMAGE_REGISTRY_USER and "
            "CI_IMAGE_REGISTRY_PASSWORD, pass --authfile FILE, or log in (podman login); "
            f"a credential helper is named per registry in credHelpers{hint}"
        )
    source = f" (from {listener.credentials})" if listener.credentials else ""
    return f"check the credentials{source} and their permission to push and pull"


def skopeo_message(stderr: str, returncode: int = 1) -> str:
    """The ``msg`` of skopeo's fatal log line, unquoted; else its last non-empty line that
    is not a debug line; else how it ended (killed by a signal, as the OOM killer does,
    leaves no message)."""
    matches = _FATAL.findall(stderr)
    if matches:
        text = _unquote(matches[-1])
    else:
        lines = [line for line in stderr.splitlines() if line.strip() and "level=debug" not in line]
        text = lines[-1] if lines else _how_it_ended(returncode)
    return _WRAPPER.sub("", " ".join(text.split()))


def _unquote(text: str) -> str:
    """Go quotes the message: \\" \\\\ \\n \\t; escaped line breaks become spaces."""
    return _GO_ESCAPE.sub(lambda match: _UNESCAPED.get(match[1], match[1]), text)


def _without_query(url: str) -> str:
    """Upload URLs carry the registry's state in the query: not worth showing."""
    return url.partition("?")[0]


def _how_it_ended(returncode: int) -> str:
    if returncode < 0:
        name = signal.Signals(-returncode).name
        return f"skopeo was killed by {name} (out of memory, or stopped by someone)"
    # skopeo logs why it failed; only a signal silences it.
    return f"skopeo exited with status {returncode} without a message"  # pragma: no cover
