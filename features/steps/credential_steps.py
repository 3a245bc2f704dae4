"""Steps about the routes credentials take to skopeo: credential helpers (small scripts on
PATH named ``docker-credential-NAME``), registries.conf, and servers that echo what they
were sent."""

from __future__ import annotations

import base64
import json
import re
import shlex
import socket
from pathlib import Path

from behave import given, then
from behave.runner import Context

from support.cli import describe, expand
from support.faulty import serve_raw
from support.skopeo_client import put_first_on_path, scenario_registry


def helper_log(context: Context, name: str) -> Path:
    return context.workdir / ".home" / f"helper-{name}.log"


@given('a credential helper "{name}" on the PATH that answers with the registry credentials')
def step_helper(context: Context, name: str) -> None:
    """A docker-credential-NAME that logs what it was asked (its argument and stdin) and
    answers ``get`` as the credential helper protocol says: ServerURL, Username, Secret."""
    registry = scenario_registry(context)
    answer = json.dumps({"Username": registry.username, "Secret": registry.password})
    log = shlex.quote(str(helper_log(context, name)))
    script = (
        f'#!/bin/sh\nasked=$(cat)\necho "$1 $asked" >> {log}\n'
        f"printf '%s\\n' {shlex.quote(answer)}\n"
    )
    put_first_on_path(context, "helper-bin", f"docker-credential-{name}", script)


@given('an auth file "{file}" naming the credential helper "{name}" for the registry')
def step_helper_authfile(context: Context, file: str, name: str) -> None:
    write_helper_file(context, file, name, scenario_registry(context).host)


@given('a credential helper "{name}" named for $FRONT in "{file}", with the registry credentials')
def step_helper_for_front(context: Context, name: str, file: str) -> None:
    step_helper(context, name)
    write_helper_file(context, file, name, context.placeholders["FRONT"])


def write_helper_file(context: Context, file: str, name: str, host: str) -> None:
    path = context.workdir / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"auths": {}, "credHelpers": {host: name}}), encoding="utf-8")


@given('the user\'s registries.conf names the credential helper "{name}"')
def step_registries_conf_helper(context: Context, name: str) -> None:
    """``$HOME/.config/containers/registries.conf`` replaces the system's for skopeo."""
    path = context.workdir / ".home" / ".config" / "containers" / "registries.conf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'credential-helpers = ["{name}"]\n', encoding="utf-8")


@then('the credential helper "{name}" was asked for "{host}"')
def step_helper_asked(context: Context, name: str, host: str) -> None:
    log = helper_log(context, name)
    asked = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    assert f"get {expand(context, [host])[0]}" in asked, (asked, describe(context))


@given('an auth file "{file}" with the registry credentials for $FRONT')
def step_authfile_front(context: Context, file: str) -> None:
    registry = scenario_registry(context)
    token = base64.b64encode(f"{registry.username}:{registry.password}".encode()).decode()
    entry = {"auths": {context.placeholders["FRONT"]: {"auth": token}}}
    (context.workdir / file).write_text(json.dumps(entry), encoding="utf-8")


@given("a server on $FRONT that echoes the credentials it gets in an HTTP 403 body")
def step_echoing_server(context: Context) -> None:
    """Asks for basic credentials (401), then answers 403 quoting the Authorization header
    it got, and its decoded form, as a careless proxy's error page does."""

    def answer(connection: socket.socket, request: bytes) -> None:
        header = re.search(rb"(?im)^authorization: *basic +(\S+)", request)
        if header is None:
            connection.sendall(
                b'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="echo"\r\n'
                b"Docker-Distribution-API-Version: registry/2.0\r\n"
                b"Content-Length: 0\r\nConnection: close\r\n\r\n"
            )
            return
        sent = header[1].decode()
        decoded = base64.b64decode(sent).decode("utf-8", "replace")
        message = f"you sent Basic {sent} i.e. {decoded}"
        body = json.dumps({"errors": [{"code": "DENIED", "message": message}]}).encode()
        connection.sendall(
            b"HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )

    serve_raw(context, answer, placeholder="FRONT")


@then("no output shows the password in base64")
def step_no_base64(context: Context) -> None:
    registry = scenario_registry(context)
    basic = base64.b64encode(f"{registry.username}:{registry.password}".encode()).decode()
    output = context.result.stdout + context.result.stderr
    assert basic not in output, describe(context)
    assert f"{registry.username}:{registry.password}" not in output, describe(context)


@given('the registry\'s CA certificate is in "{directory}"')
def step_ca_in_certs_d(context: Context, directory: str) -> None:
    target = context.workdir / expand(context, [directory])[0]
    target.mkdir(parents=True)
    (target / "ca.crt").write_bytes((scenario_registry(context).cert_dir / "ca.crt").read_bytes())


@then("no file in the scenario holds the password, but the test's own auth file")
def step_no_file_with_password(context: Context) -> None:
    """ci-image's private auth file was removed, and nothing else kept the secret."""
    registry = scenario_registry(context)
    basic = base64.b64encode(f"{registry.username}:{registry.password}".encode())
    own = context.workdir / ".home" / "test-auth.json"
    for path in context.workdir.rglob("*"):
        if path == own or not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        assert registry.password.encode() not in data and basic not in data, path
