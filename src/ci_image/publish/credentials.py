"""Registry credentials: found once, given to skopeo as a file, never on a command line.

Where they come from, first match wins:

1. ``--authfile FILE`` (containers-auth.json format, as ``podman login`` writes it);
2. ``CI_IMAGE_REGISTRY_USER`` and ``CI_IMAGE_REGISTRY_PASSWORD`` (a CI secret): written
   to a 0600 temporary auth file that is removed when the command ends;
3. ``REGISTRY_AUTH_FILE``;
4. the default files of the containers tools: ``$XDG_RUNTIME_DIR/containers/auth.json``
   (``/run/containers/UID/auth.json`` without it), ``$XDG_CONFIG_HOME/containers/auth.json``,
   ``~/.docker/config.json``. These may be another tool's: an entry there without
   ``auth`` (Docker Desktop's ``credsStore`` leaves ``{}``) is passed over, while in a
   file named by ``--authfile`` or ``REGISTRY_AUTH_FILE`` it is an error.

skopeo gets exactly the file chosen here (or ``--dest-no-creds``), so it and ci-image's
own registry queries always use the same identity. Credential helpers (``credHelpers``)
are not run.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ci_image.errors import CiImageError
from ci_image.process import REGISTRY_PASSWORD as ENV_PASSWORD
from ci_image.process import REGISTRY_USER as ENV_USER

ENV_AUTH_FILE = "REGISTRY_AUTH_FILE"
DOCKER_HUB_KEYS = ("docker.io", "index.docker.io", "registry-1.docker.io")


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)

    @property
    def basic(self) -> str:
        """The base64 ``user:password`` of HTTP basic auth and of auth files."""
        return base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")


@dataclass(frozen=True)
class RegistryAuth:
    """The identity to use with one registry, and where it was found (for messages)."""

    registry: str
    credentials: Credentials | None
    source: str
    authfile: Path | None = None  # the file holding them; None for the environment or none
    skipped: tuple[str, ...] = ()  # default-file entries passed over (no "auth" in them)

    @property
    def secrets(self) -> tuple[str, ...]:
        if self.credentials is None:
            return ()
        return (self.credentials.password, self.credentials.basic)


def find_auth(
    registry: str, path: str, *, authfile: Path | None, environ: Mapping[str, str]
) -> RegistryAuth:
    """The credentials for ``registry``/``path`` by the rules in the module docstring."""
    if authfile is not None:
        return _from_file(registry, path, authfile, f"--authfile {authfile}", explicit=True)
    if ENV_USER in environ or ENV_PASSWORD in environ:
        return _from_environment(registry, environ)
    if environ.get(ENV_AUTH_FILE):
        file = Path(environ[ENV_AUTH_FILE])
        return _from_file(registry, path, file, f"{ENV_AUTH_FILE}={file}", explicit=True)
    # Found implicitly, a file may be another tool's: Docker Desktop writes
    # {"auths": {"HOST": {}}, "credsStore": "desktop"}. An entry without "auth" there
    # means "no credentials here", not a broken file.
    skipped: list[str] = []
    for file in default_authfiles(environ):
        if file.is_file():
            found = _from_file(registry, path, file, str(file), explicit=False)
            if found.credentials is not None:
                return found
            skipped.extend(found.skipped)
    note = f"; {'; '.join(skipped)}" if skipped else ""
    return RegistryAuth(
        registry=registry,
        credentials=None,
        source=f"none: no --authfile, {ENV_USER}/{ENV_PASSWORD} or {ENV_AUTH_FILE}, "
        f"and no entry in the default auth files{note}",
    )


def default_authfiles(environ: Mapping[str, str]) -> list[Path]:
    runtime = environ.get("XDG_RUNTIME_DIR") or f"/run/containers/{os.getuid()}"
    home = Path(environ.get("HOME") or Path.home())
    config = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
    return [
        Path(runtime) / "containers/auth.json",
        config / "containers/auth.json",
        home / ".docker/config.json",
    ]


def _from_environment(registry: str, environ: Mapping[str, str]) -> RegistryAuth:
    username = environ.get(ENV_USER, "")
    password = environ.get(ENV_PASSWORD, "")
    for name, value in ((ENV_USER, username), (ENV_PASSWORD, password)):
        if not value:
            state = "is empty" if name in environ else "is not set"
            raise CiImageError(
                f"{name} {state} but {ENV_USER if name == ENV_PASSWORD else ENV_PASSWORD} "
                "is: set both (e.g. from the CI secrets) or neither"
            )
    if ":" in username:
        raise CiImageError(f"{ENV_USER} contains ':', which basic auth cannot carry")
    return RegistryAuth(
        registry=registry,
        credentials=Credentials(username, password),
        source=f"{ENV_USER}/{ENV_PASSWORD}",
    )


def _from_file(
    registry: str, path: str, file: Path, source: str, *, explicit: bool
) -> RegistryAuth:
    """The first entry for the registry that holds credentials.

    In a file the user named (``explicit``), an entry without ``auth`` is an error; in a
    default file it is passed over and noted in ``skipped``.
    """
    auths = _read_auths(file)
    skipped: list[str] = []
    for key in _candidate_keys(registry, path):
        entry = auths.get(key)
        if entry is None:
            continue
        credentials = _decode_entry(entry, key, file)
        if credentials is not None:
            return RegistryAuth(registry, credentials, f"{source} ({key})", authfile=file)
        if explicit:
            raise CiImageError(
                f"auth file entry {key!r} has no 'auth' (identity tokens are not supported, "
                "and credential helpers are not run); log in with a user and password or token",
                path=file,
            )
        skipped.append(
            f"{file} has an entry {key!r} without 'auth' (credential helpers are not run)"
        )
    return RegistryAuth(
        registry, None, f"{source}, which has no entry for {registry}", skipped=tuple(skipped)
    )


def _read_auths(file: Path) -> dict[str, Any]:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CiImageError(
            "auth file does not exist; log in (podman login --authfile FILE) or fix the path",
            path=file,
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8"
        raise CiImageError(f"cannot read the auth file: {reason or error}", path=file) from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise CiImageError(
            f"auth file is not valid JSON (line {getattr(error, 'lineno', '?')}); "
            'it should be {"auths": {"REGISTRY": {"auth": "BASE64"}}}',
            path=file,
        ) from None
    auths = data.get("auths", {}) if isinstance(data, dict) else None
    if not isinstance(auths, dict):
        raise CiImageError(
            'auth file has no "auths" object; it should be '
            '{"auths": {"REGISTRY": {"auth": "BASE64"}}}',
            path=file,
        )
    normalized: dict[str, Any] = {}
    for key, entry in auths.items():
        normalized.setdefault(_normalize_key(key), entry)
    return normalized


def _normalize_key(key: str) -> str:
    """Docker writes ``https://index.docker.io/v1/``; containers tools write hosts."""
    for scheme in ("https://", "http://"):
        if key.startswith(scheme):
            return key[len(scheme) :].split("/", 1)[0]
    return key.rstrip("/")


def _candidate_keys(registry: str, path: str) -> list[str]:
    """Most specific first: ``host/owner/image``, ``host/owner``, then ``host``."""
    hosts = DOCKER_HUB_KEYS if registry in DOCKER_HUB_KEYS else (registry,)
    components = path.split("/")
    keys: list[str] = []
    for host in hosts:
        keys.extend(f"{host}/{'/'.join(components[:n])}" for n in range(len(components), 0, -1))
        keys.append(host)
    return keys


def _decode_entry(entry: object, key: str, file: Path) -> Credentials | None:
    """The entry's USER:PASSWORD; None when it has no ``auth`` (an identity token, or a
    credential helper's placeholder)."""
    if not isinstance(entry, dict):
        raise CiImageError(f"auth file entry {key!r} is not an object", path=file)
    if not isinstance(entry.get("auth"), str) or not entry["auth"]:
        return None
    try:
        decoded = base64.b64decode(entry["auth"], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise CiImageError(
            f"auth file entry {key!r}: 'auth' is not base64 of USER:PASSWORD; log in again",
            path=file,
        ) from None
    username, colon, password = decoded.partition(":")
    if colon and username and password:
        return Credentials(username, password)
    raise CiImageError(
        f"auth file entry {key!r}: 'auth' does not hold USER:PASSWORD; log in again",
        path=file,
    )


@contextmanager
def skopeo_authfile(auth: RegistryAuth, tmpdir: Path) -> Iterator[Path | None]:
    """The file for skopeo's ``--authfile``: the user's own, or a private temporary one.

    Credentials from the environment are written to a 0600 file in ``tmpdir`` (itself
    private), removed when the block ends, also on failure. None means anonymous.
    """
    if auth.credentials is None or auth.authfile is not None:
        yield auth.authfile
        return
    target = tmpdir / "auth.json"
    content = json.dumps({"auths": {auth.registry: {"auth": auth.credentials.basic}}})
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(content)
        yield target
    finally:
        target.unlink(missing_ok=True)
