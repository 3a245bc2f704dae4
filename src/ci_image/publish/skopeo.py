"""Running skopeo: the only module that does.

skopeo always gets an explicit signature policy (``--policy``), so a machine without
``/etc/containers/policy.json`` works and the developer's own policy never decides;
credentials only as ``--authfile FILE`` (or ``--dest-no-creds``), never
``--dest-creds``, which would show them in the process list; ``TMPDIR`` inside
ci-image's private temporary directory, so nothing it leaves behind survives; and not
the registry variables of the environment (the auth file carries them).

The policy shipped with ci-image (``policy.json`` in the package; ``ci/policy.json`` in
the repository is a link to it) rejects everything except reading a local
``docker-archive``: a push only ever *reads* the archive the build just made, and
signatures do not apply to it.

skopeo's errors are classified by whole phrases it prints (read from Debian's skopeo
1.9.3 here, and from containers/image's ``docker/errors.go`` and Go's ``net/http`` for
newer releases), never by loose words: a repository called ``policy/app``, a local
"permission denied" or a truncated archive's "unexpected EOF" must not be mistaken for
a policy refusal, a registry denial or a network failure worth retrying.
"""

from __future__ import annotations

import re
import signal
from dataclasses import dataclass
from pathlib import Path

from ci_image import process
from ci_image.errors import CiImageError
from ci_image.process import Program, child_environment
from ci_image.publish.retry import TransientError, transient_status
from ci_image.trace import Trace

POLICY = Path(__file__).with_name("policy.json")
COPY_TIMEOUT_SECONDS = 3 * 3600
_FATAL = re.compile(r'level=fatal msg="((?:[^"\\]|\\.)*)"')
_GO_ESCAPE = re.compile(r"\\(.)")
_UNESCAPED = {"n": " ", "t": " ", "r": " "}
# skopeo's own refusals: the trust policy file, or the policy applied to the source.
_POLICY = re.compile(
    r"Source image rejected: "  # "...: Running image docker-archive:X is rejected by policy."
    r"|[Ee]rror loading trust policy: "  # a missing or invalid --policy file
)
# The registry refused the credentials, or what they may do.
_AUTH = re.compile(
    # A registry error code as a whole component of the error chain ("...: denied",
    # "...: unauthorized: authentication required"); "permission denied" is not one.
    r"(?:^|: )(?:unauthorized|denied)(?:: |$)"
    r"|requested access to the resource is denied"  # DENIED's own text (Docker Hub)
    r"|unable to retrieve auth token: invalid username/password"  # token service said 401
)
# An HTTP status as containers/image reports it, judged like the registry client's.
_STATUS = re.compile(
    r"received unexpected HTTP status: (\d{3})"  # a 5xx, e.g. "503 Service Unavailable"
    r"|invalid status code from registry (\d{3})"  # the token service
    r"|StatusCode: (\d{3}),"  # any other status without a registry error code
)
# A failure of the network or of an overloaded registry: worth another attempt.
_TRANSIENT = re.compile(
    r"connect: connection refused"
    r"|connection reset by peer"
    r"|use of closed network connection"
    r"|write: broken pipe"
    # An HTTP request that ended early ('Patch "URL": EOF'); not a local file's
    # "loading tar component manifest.json: unexpected EOF".
    r'|\b(?:Get|Head|Post|Put|Patch|Delete) "[^"]*": (?:unexpected )?EOF\b'
    r"|: i/o timeout"
    r"|TLS handshake timeout"
    r"|timeout awaiting response headers"
    r"|Client\.Timeout exceeded"
    r"|: no such host"
    r"|too many requests to registry"  # containers/image's text for HTTP 429
    r"|(?:^|: )toomanyrequests(?:: |$)"  # the registry error code TOOMANYREQUESTS
)
AUTH_STATUSES = frozenset({401, 403})


@dataclass(frozen=True)
class CopyRequest:
    """One ``skopeo copy docker-archive:ARCHIVE docker://DESTINATION``."""

    archive: Path
    destination: str
    registry: str
    digestfile: Path
    tmpdir: Path
    policy: Path = POLICY
    authfile: Path | None = None
    cert_dir: Path | None = None
    insecure: bool = False

    def argv(self, skopeo: str) -> list[str]:
        arguments = [skopeo, "--policy", str(self.policy), "copy", "--digestfile",
                     str(self.digestfile)]  # fmt: skip
        if self.authfile is not None:
            arguments += ["--dest-authfile", str(self.authfile)]
        else:
            arguments.append("--dest-no-creds")
        if self.cert_dir is not None:
            arguments += ["--dest-cert-dir", str(self.cert_dir)]
        if self.insecure:
            arguments.append("--dest-tls-verify=false")
        return [*arguments, f"docker-archive:{self.archive}", f"docker://{self.destination}"]


SKOPEO = Program(
    "skopeo", "install it (apt install skopeo, or use nix develop) and run the command again"
)


def copy(request: CopyRequest, trace: Trace) -> None:
    """Push the archive; a transient failure raises :class:`TransientError`."""
    argv = request.argv(SKOPEO.find())
    trace("running " + " ".join(argv))
    try:
        completed = process.run(
            argv,
            timeout=COPY_TIMEOUT_SECONDS,
            what=f"skopeo copy to {request.registry}",
            env=child_environment(TMPDIR=str(request.tmpdir)),
        )
    except process.TimedOutError as error:  # pragma: no cover - hours; not provoked in tests
        raise TransientError(error.message) from None
    for line in (completed.stdout + completed.stderr).splitlines():
        trace(f"skopeo: {line}")
    if completed.returncode != 0:
        raise failure(completed.stderr, request, completed.returncode)


def failure(stderr: str, request: CopyRequest, returncode: int = 1) -> CiImageError:
    """skopeo's error as one line, classified: transient (retried) or not."""
    message = skopeo_message(stderr, returncode)
    where = f"pushing to {request.registry} failed: {message}"
    if _POLICY.search(message):
        return CiImageError(
            f"skopeo refused by the signature policy {request.policy}: {message}; "
            f"leave out --policy to use the policy ci-image ships ({POLICY})"
        )
    statuses = [int(code) for match in _STATUS.finditer(message) for code in match.groups() if code]
    if _AUTH.search(message) or any(status in AUTH_STATUSES for status in statuses):
        return CiImageError(f"{where}; check the credentials and their push permission")
    if _TRANSIENT.search(message) or any(transient_status(status) for status in statuses):
        return TransientError(f"{where}; check that the registry is up, then run again")
    return CiImageError(where)


def skopeo_message(stderr: str, returncode: int = 1) -> str:
    """The ``msg`` of skopeo's fatal log line, unquoted; else its last non-empty line;
    else how it ended (killed by a signal, as the OOM killer does, leaves no message)."""
    matches = _FATAL.findall(stderr)
    if matches:
        # Go quotes the message: \" \\ \n \t; escaped line breaks become spaces.
        text = _GO_ESCAPE.sub(lambda match: _UNESCAPED.get(match[1], match[1]), matches[-1])
    else:
        lines = [line for line in stderr.splitlines() if line.strip()]
        text = lines[-1] if lines else _how_it_ended(returncode)
    return " ".join(text.split())


def _how_it_ended(returncode: int) -> str:
    if returncode < 0:
        name = signal.Signals(-returncode).name
        return f"skopeo was killed by {name} (out of memory, or stopped by someone)"
    # skopeo logs why it failed; only a signal silences it.
    return f"skopeo exited with status {returncode} without a message"  # pragma: no cover
