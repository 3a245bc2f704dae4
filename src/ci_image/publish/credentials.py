"""Registry credentials: skopeo finds them; ci-image only adds a CI secret and hides them.

skopeo itself looks for credentials, as every containers tool does: ``--authfile FILE``
(then ``REGISTRY_AUTH_FILE``, ``$XDG_RUNTIME_DIR/containers/auth.json``), then
``$XDG_CONFIG_HOME/containers/auth.json``, ``~/.docker/config.json`` and
``~/.dockercfg``; an entry under ``credHelpers`` (``{"credHelpers": {"HOST": "NAME"}}``)
or a ``credential-helpers`` list in registries.conf runs ``docker-credential-NAME get``
from PATH (``credsStore`` is not read by the containers tools). ci-image adds one route:
``CI_IMAGE_REGISTRY_USER`` and ``CI_IMAGE_REGISTRY_PASSWORD`` (a CI secret), written to a
0600 auth file in the private temporary directory, given to skopeo as ``--authfile`` and
removed when the command ends. No program ci-image starts inherits the two variables.

A registry or proxy may echo what it was sent in an error body, and skopeo prints that
("denied: you sent Basic Y2l1c2Vy..."). So every message built from skopeo's or a
registry's words goes through :func:`redact`: each secret ci-image can know (the
environment's, every entry of the auth files skopeo reads, and what the credential
helpers configured for the registry return) is replaced by ``***`` in every form
(password, token, ``user:password``, its base64), and so is anything that looks like an
``Authorization`` value, a JWT or the user info of a URL.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ci_image import process
from ci_image.errors import CiImageError
from ci_image.process import REGISTRY_PASSWORD as ENV_PASSWORD
from ci_image.process import REGISTRY_USER as ENV_USER
from ci_image.process import Program
from ci_image.trace import Trace

ENV_AUTH_FILE = "REGISTRY_AUTH_FILE"
HELPER_TIMEOUT_SECONDS = 30.0
_PATTERNS = (
    # An Authorization header's value, as an echo shows it.
    (re.compile(r"\b(Basic|Bearer)(\s+|%20)[A-Za-z0-9+/=._~-]{6,}", re.IGNORECASE), r"\1\2***"),
    # A JSON Web Token (what token services hand out).
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "***"),
    # user:password@ in a URL.
    (re.compile(r"(://)[^/\s@\"']+@"), r"\1***@"),
    # Signed URLs and token parameters.
    (
        re.compile(
            r"\b(token|access_token|refresh_token|password|secret|X-Amz-Signature|Signature)"
            r"=[^&\s\"']+",
            re.IGNORECASE,
        ),
        r"\1=***",
    ),
)


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)

    @property
    def basic(self) -> str:
        """The base64 ``user:password`` of HTTP basic auth and of auth files."""
        return base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.password, f"{self.username}:{self.password}", self.basic)


def redact(text: str, trace: Trace) -> str:
    """``text`` without any secret ``trace`` knows, nor anything shaped like one."""
    text = trace.redact(text)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def environment_credentials(environ: Mapping[str, str]) -> Credentials | None:
    """``CI_IMAGE_REGISTRY_USER``/``PASSWORD``: both or neither, neither empty."""
    if ENV_USER not in environ and ENV_PASSWORD not in environ:
        return None
    username = environ.get(ENV_USER, "")
    password = environ.get(ENV_PASSWORD, "")
    for name, value in ((ENV_USER, username), (ENV_PASSWORD, password)):
        if not value:
            state = "is empty" if name in environ else "is not set"
            other = ENV_USER if name == ENV_PASSWORD else ENV_PASSWORD
            raise CiImageError(f"{name} {state} but {other} is: set both (e.g. from the CI "
                               "secrets) or neither")  # fmt: skip
    if ":" in username:
        raise CiImageError(f"{ENV_USER} contains ':', which basic auth cannot carry")
    return Credentials(username, password)


def write_authfile(credentials: Credentials, registry: str, directory: Path) -> Path:
    """A 0600 auth file in ``directory`` (private; removed with it) for skopeo."""
    target = directory / "auth.json"
    content = json.dumps({"auths": {registry: {"auth": credentials.basic}}})
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(content)
    return target


def check_authfile(file: Path) -> None:
    """A file the user named (``--authfile``, ``REGISTRY_AUTH_FILE``) must be one skopeo
    can use: refused here with one line naming it, rather than by skopeo later."""
    data = _read_json(file, strict=True)
    auths = data.get("auths", {})
    if not isinstance(auths, dict):
        raise CiImageError(
            'auth file has no "auths" object; it should be '
            '{"auths": {"REGISTRY": {"auth": "BASE64"}}}',
            path=file,
        )
    for key, entry in auths.items():
        if not isinstance(entry, dict):
            raise CiImageError(f"auth file entry {key!r} is not an object", path=file)
        if "auth" in entry:
            _decode(entry["auth"], key, file)
    helpers = data.get("credHelpers", {})
    if not isinstance(helpers, dict) or not all(isinstance(v, str) for v in helpers.values()):
        raise CiImageError('auth file: "credHelpers" must map registries to helper names',
                           path=file)  # fmt: skip


def _read_json(file: Path, *, strict: bool) -> dict[str, Any]:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        if not strict:
            return {}
        raise CiImageError(
            "auth file does not exist; log in (podman login --authfile FILE) or fix the path",
            path=file,
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        if not strict:
            return {}
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8"
        raise CiImageError(f"cannot read the auth file: {reason or error}", path=file) from None
    try:
        data = json.loads(text)
    except ValueError as error:
        if not strict:
            return {}
        raise CiImageError(
            f"auth file is not valid JSON (line {getattr(error, 'lineno', '?')}); "
            'it should be {"auths": {"REGISTRY": {"auth": "BASE64"}}}',
            path=file,
        ) from None
    if not isinstance(data, dict):
        if not strict:
            return {}
        raise CiImageError("auth file is not a JSON object", path=file)
    return data


def _decode(value: object, key: str, file: Path) -> str:
    """An entry's ``auth``: base64 of ``USER:PASSWORD``."""
    try:
        decoded = base64.b64decode(str(value), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise CiImageError(
            f"auth file entry {key!r}: 'auth' is not base64 of USER:PASSWORD; log in again",
            path=file,
        ) from None
    username, colon, password = decoded.partition(":")
    if not (colon and username and password):
        raise CiImageError(
            f"auth file entry {key!r}: 'auth' does not hold USER:PASSWORD; log in again",
            path=file,
        )
    return decoded


def auth_files(authfile: Path | None, environ: Mapping[str, str]) -> list[Path]:
    """The auth files skopeo reads, in its order (containers-auth.json(5), and
    containers/image 5.23 ``pkg/docker/config``: a given file does not stop the search)."""
    home = Path(environ.get("HOME") or Path.home())
    runtime = environ.get("XDG_RUNTIME_DIR") or f"/run/containers/{os.getuid()}"
    config = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
    docker = environ.get("DOCKER_CONFIG")
    first = authfile or (Path(environ[ENV_AUTH_FILE]) if environ.get(ENV_AUTH_FILE) else None)
    files = [first or Path(runtime) / "containers/auth.json"]
    files += [config / "containers/auth.json"]
    files += [Path(docker) / "config.json" if docker else home / ".docker/config.json"]
    return [*files, home / ".dockercfg"]


@dataclass(frozen=True)
class AuthFiles:
    """What the auth files skopeo reads say, read once per registry."""

    secrets: list[str]  # for :func:`redact`
    creds_store_hint: str | None  # said when the registry wants credentials skopeo lacks


def read_auth_files(registry: str, authfile: Path | None, environ: Mapping[str, str]) -> AuthFiles:
    """Every secret the auth files skopeo reads hold (any registry's), and what the
    credential helpers configured for ``registry`` return. Also whether a file names a
    ``credsStore`` (Docker Desktop keeps credentials there), which the containers tools
    do not read (only ``credHelpers``, per registry)."""
    found: list[str] = []
    helpers: set[str] = set()
    hint = None
    for file in auth_files(authfile, environ):
        data = _read_json(file, strict=False)
        found.extend(_file_secrets(data))
        named = data.get("credHelpers")
        if isinstance(named, dict) and isinstance(named.get(registry), str):
            helpers.add(named[registry])
        store = data.get("credsStore")
        if hint is None and isinstance(store, str) and store:
            hint = (
                f"{file} names the credsStore {store!r}, which skopeo does not read: name "
                f'the helper for this registry in credHelpers ({{"credHelpers": {{"HOST": '
                f'"{store}"}}}})'
            )
    helpers.update(_registries_conf_helpers(environ))
    for helper in sorted(helpers - {"containers-auth.json"}):
        found.extend(_helper_secrets(helper, registry))
    return AuthFiles(found, hint)


def _file_secrets(data: dict[str, Any]) -> Iterable[str]:
    auths = data.get("auths")
    # ~/.dockercfg (legacy) has the entries at the top level.
    entries = auths.values() if isinstance(auths, dict) else data.values()
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        for key in ("identitytoken", "registrytoken", "password"):
            if isinstance(entry.get(key), str):
                yield entry[key]
        if isinstance(entry.get("auth"), str):
            yield entry["auth"]
            try:
                decoded = base64.b64decode(entry["auth"]).decode("utf-8", "replace")
            except (binascii.Error, ValueError):
                continue
            yield decoded
            yield decoded.partition(":")[2]


def _registries_conf_helpers(environ: Mapping[str, str]) -> list[str]:
    """``credential-helpers`` of registries.conf: the user's file replaces the system's;
    drop-ins in ``registries.conf.d`` come after and override (containers-registries.conf(5))."""
    import tomllib  # noqa: PLC0415 - ~3 ms, for this only

    home = Path(environ.get("HOME") or Path.home())
    config = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
    user = config / "containers/registries.conf"
    main = user if user.is_file() else Path("/etc/containers/registries.conf")
    files = [main]
    drop_ins = (Path("/etc/containers/registries.conf.d"), config / "containers/registries.conf.d")
    for directory in drop_ins:
        if directory.is_dir():
            files += sorted(directory.glob("*.conf"))
    helpers: list[str] = []
    for file in files:
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        value = data.get("credential-helpers")
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            helpers = value
    return helpers


def _helper_secrets(helper: str, registry: str) -> list[str]:
    """``docker-credential-HELPER get``, as skopeo runs it: its Secret, in every form."""
    program = Program(f"docker-credential-{helper}", "")
    try:
        path = program.find()
    except CiImageError:
        return []  # skopeo will not find it either, and says so
    try:
        completed = process.run(
            [path, "get"], timeout=HELPER_TIMEOUT_SECONDS, what=program.name, stdin=registry
        )
        answer = json.loads(completed.stdout)
        username, secret = str(answer.get("Username", "")), str(answer.get("Secret", ""))
    except (CiImageError, ValueError, AttributeError):
        return []
    if not secret:
        return []
    return [secret, *Credentials(username, secret).secrets] if username else [secret]
