"""Running skopeo: the only module that does.

skopeo always gets an explicit signature policy (``--policy``), so a machine without
``/etc/containers/policy.json`` works and the developer's own policy never decides;
credentials only as ``--authfile FILE`` (or ``--dest-no-creds``), never
``--dest-creds``, which would show them in the process list; ``TMPDIR`` inside
ci-image's private temporary directory, so nothing it leaves behind survives.

The policy shipped with ci-image (``policy.json``, also at ``ci/policy.json``) rejects
everything except reading a local ``docker-archive``: a push only ever *reads* the
archive the build just made, and signatures do not apply to it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ci_image.errors import CiImageError
from ci_image.retry import TransientError
from ci_image.trace import Trace

POLICY = Path(__file__).with_name("policy.json")
COPY_TIMEOUT_SECONDS = 3 * 3600
_FATAL = re.compile(r'level=fatal msg="((?:[^"\\]|\\.)*)"')
_GO_ESCAPE = re.compile(r"\\(.)")
_UNESCAPED = {"n": " ", "t": " ", "r": " "}
_AUTH = (
    "unauthorized",
    "authentication required",
    "denied",
    "forbidden",
    "invalid username/password",
    "requesting bearer token",
)
_TRANSIENT = (
    "connection refused",
    "connection reset",
    "use of closed network connection",
    "broken pipe",
    "eof",
    "i/o timeout",
    "timeout",
    "no such host",
    "too many requests",
    "toomanyrequests",
    "500 internal server error",
    "502 bad gateway",
    "503 service unavailable",
    "504 gateway timeout",
    "unavailable",
)


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


def find_skopeo() -> str:
    skopeo = shutil.which("skopeo")
    if skopeo is None:
        raise CiImageError(
            "skopeo is not installed or not on PATH; install it (apt install skopeo, or "
            "use nix develop) and run the command again"
        )
    return skopeo


def copy(request: CopyRequest, trace: Trace) -> None:
    """Push the archive; a transient failure raises :class:`TransientError`."""
    argv = request.argv(find_skopeo())
    trace("running " + " ".join(argv))
    environment = dict(os.environ, TMPDIR=str(request.tmpdir))
    try:
        completed = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=COPY_TIMEOUT_SECONDS,
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired:  # pragma: no cover - hours; not provoked in tests
        raise TransientError(
            f"skopeo copy to {request.registry} did not finish in {COPY_TIMEOUT_SECONDS} s"
        ) from None
    for line in (completed.stdout + completed.stderr).splitlines():
        trace(f"skopeo: {line}")
    if completed.returncode != 0:
        raise failure(completed.stderr, request)


def failure(stderr: str, request: CopyRequest) -> CiImageError:
    """skopeo's error as one line, classified: transient (retried) or not."""
    message = skopeo_message(stderr)
    lowered = message.lower()
    where = f"pushing to {request.registry} failed: {message}"
    if "policy" in lowered:
        return CiImageError(
            f"skopeo refused by the signature policy {request.policy}: {message}; "
            "use the policy ci-image ships (ci/policy.json)"
        )
    if any(marker in lowered for marker in _AUTH):
        return CiImageError(f"{where}; check the credentials and their push permission")
    if any(marker in lowered for marker in _TRANSIENT):
        return TransientError(f"{where}; check that the registry is up, then run again")
    return CiImageError(where)


def skopeo_message(stderr: str) -> str:
    """The ``msg`` of skopeo's fatal log line, unquoted; else its last non-empty line."""
    matches = _FATAL.findall(stderr)
    if matches:
        # Go quotes the message: \" \\ \n \t; escaped line breaks become spaces.
        text = _GO_ESCAPE.sub(lambda match: _UNESCAPED.get(match[1], match[1]), matches[-1])
    else:
        lines = [line for line in stderr.splitlines() if line.strip()]
        text = lines[-1] if lines else "skopeo failed without a message"
    return " ".join(text.split())
