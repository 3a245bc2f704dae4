"""Steps about the registry a scenario runs against (support/registry.py): credentials,
what the registry holds (asked with the real skopeo, independently of ci-image), what
it was asked (its access log), and running ci-image while the registry fails."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import string
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from behave import given, then, when
from behave.runner import Context

from support.cli import describe, expand, snapshot, start_cli
from support.faulty import serve_raw
from support.images import seeded_layers, write_oci_index_layout
from support.podman import podman_run
from support.registry import free_port
from support.skopeo_client import (
    put_first_on_path,
    run_skopeo,
    scenario_registry,
    skopeo_inspect,
    test_authfile,
    transport_options,
)

UPLOAD_WAIT_SECONDS = 60


# Credentials ---------------------------------------------------------------------------


@given("the registry credentials are in the environment")
def step_env_credentials(context: Context) -> None:
    registry = scenario_registry(context)
    context.env["CI_IMAGE_REGISTRY_USER"] = registry.username
    context.env["CI_IMAGE_REGISTRY_PASSWORD"] = registry.password


@given("the environment holds the registry user with a wrong password")
def step_env_wrong_password(context: Context) -> None:
    registry = scenario_registry(context)
    context.env["CI_IMAGE_REGISTRY_USER"] = registry.username
    context.env["CI_IMAGE_REGISTRY_PASSWORD"] = registry.password[::-1] + "x"
    context.wrong_password = context.env["CI_IMAGE_REGISTRY_PASSWORD"]


@given('the environment variable "{name}" is "{value}"')
def step_env_variable(context: Context, name: str, value: str) -> None:
    context.env[name] = expand(context, [value])[0]


@given('the environment variable "{name}" is empty')
def step_env_empty(context: Context, name: str) -> None:
    context.env[name] = ""


@given('an auth file "{name}" with the registry credentials')
def step_authfile(context: Context, name: str) -> None:
    path = context.workdir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(scenario_registry(context).authfile_json(), encoding="utf-8")


@given('an auth file "{name}" with the registry credentials under the key "{key}"')
def step_authfile_key(context: Context, name: str, key: str) -> None:
    document = json.loads(scenario_registry(context).authfile_json())
    entry = next(iter(document["auths"].values()))
    path = context.workdir / name
    path.write_text(json.dumps({"auths": {expand(context, [key])[0]: entry}}), encoding="utf-8")


@given('a directory "{name}" with only the registry\'s CA certificate')
def step_ca_only(context: Context, name: str) -> None:
    directory = context.workdir / name
    directory.mkdir(parents=True)
    shutil.copyfile(scenario_registry(context).cert_dir / "ca.crt", directory / "ca.crt")


@given("the token service fails {count:d} times with 503 first")
def step_token_failures(context: Context, count: int) -> None:
    token_server = scenario_registry(context).token_server
    assert token_server is not None, "not a @registry-token scenario"
    token_server.failures_left = count


@given("the token service answers without a token")
def step_token_missing(context: Context) -> None:
    token_server = scenario_registry(context).token_server
    assert token_server is not None, "not a @registry-token scenario"
    token_server.send_no_token = True


@given("the token service grants pull but not push")
def step_token_pull_only(context: Context) -> None:
    token_server = scenario_registry(context).token_server
    assert token_server is not None, "not a @registry-token scenario"
    token_server.pull_only = True


@given('a server on $REGISTRY that answers every request with HTTP {status:d} and "{body}"')
def step_answering_server(context: Context, status: int, body: str) -> None:
    """A web server in front of nothing, as a proxy during maintenance or a wrong URL is."""
    answer = (
        f"HTTP/1.1 {status} Status\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body.encode())}\r\nConnection: close\r\n\r\n{body}"
    ).encode()
    serve_raw(context, lambda connection, request: connection.sendall(answer))


@given('a server on $FRONT that answers every request with a redirect to "{target}"')
def step_redirecting_server(context: Context, target: str) -> None:
    """A front that redirects (HTTP 302); ``{path}`` in the target is the request's path."""

    def answer(connection: socket.socket, request: bytes) -> None:
        parts = request.split(b" ", 2)
        if len(parts) < 3 or not parts[0].isalpha():
            return  # not HTTP (a TLS handshake): hang up, as a plain-HTTP server would
        path = parts[1].decode("ascii", "replace")
        location = expand(context, [target])[0].replace("{path}", path)
        connection.sendall(
            f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n"
            "Connection: close\r\n\r\n".encode()
        )

    serve_raw(context, answer, placeholder="FRONT")


@given("a server on $REGISTRY that hangs up on every request")
def step_hang_up_server(context: Context) -> None:
    """Accepts TCP connections and closes them unanswered, as a crashing registry does."""
    serve_raw(context, lambda connection, request: None)


@given("no registry is listening")
def step_no_registry(context: Context) -> None:
    context.placeholders["REGISTRY"] = f"127.0.0.1:{free_port()}"


@then("the token service was asked nothing")
def step_token_not_asked(context: Context) -> None:
    token_server = scenario_registry(context).token_server
    assert token_server is not None, "not a @registry-token scenario"
    assert not token_server.requests, token_server.requests


@given('a skopeo first on the PATH that writes its environment to "{name}", then runs skopeo')
def step_recording_skopeo(context: Context, name: str) -> None:
    """Only ci-image's launching is under test: the real skopeo still does the push."""
    real = shutil.which("skopeo", path=context.env.get("PATH"))
    assert real is not None, "skopeo is not installed"
    target = shlex.quote(str(context.workdir / name))
    script = f'#!/bin/sh\nenv > {target}\nexec {shlex.quote(real)} "$@"\n'
    put_first_on_path(context, "recording-bin", "skopeo", script)


@then('"{name}" shows skopeo ran in the private directory, without the registry credentials')
def step_environment_without_secret(context: Context, name: str) -> None:
    text = (context.workdir / name).read_text(encoding="utf-8")
    variables = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    assert variables.get("TMPDIR", "").startswith(str(context.workdir / ".tmp" / "ci-image-")), (
        variables.get("TMPDIR")
    )
    for secret_name in ("CI_IMAGE_REGISTRY_PASSWORD", "CI_IMAGE_REGISTRY_USER"):
        assert secret_name not in variables, f"skopeo got {secret_name}"
    assert scenario_registry(context).password not in text, (
        "skopeo's environment holds the password"
    )


@given('a pyproject.toml whose image is "{repository}"')
def step_pyproject(context: Context, repository: str) -> None:
    value = expand(context, [repository])[0]
    (context.workdir / "pyproject.toml").write_text(
        f'[project]\nname = "demo"\nversion = "0"\n\n[tool.ci-image]\nimage = "{value}"\n',
        encoding="utf-8",
    )


@then('the token service was asked by "{user}" for "{scope}"')
def step_token_asked(context: Context, user: str, scope: str) -> None:
    token_server = scenario_registry(context).token_server
    assert token_server is not None, "not a @registry-token scenario"
    asked = [(r.user, r.scope) for r in token_server.requests]
    assert (user, scope) in asked, asked


@given('"{reference}" holds a multi-platform image index')
def step_push_index(context: Context, reference: str) -> None:
    """Pushed with the real skopeo from an OCI layout, as a multi-platform build would."""
    name = expand(context, [reference])[0]
    tag = name.rpartition(":")[2]
    layout = context.workdir / ".home" / "oci-layout"
    write_oci_index_layout(layout, seeded_layers("index", 1), tag)
    run_skopeo(context, "copy", "--all", *transport_options(context, "dest-"),
               f"oci:{layout}:{tag}", f"docker://{name}")  # fmt: skip


@given('a file "{name}" naming the registry, with')
def step_file_with_registry(context: Context, name: str) -> None:
    """Like 'a file ... with', but ``$REGISTRY`` and the like are replaced first."""
    path = context.workdir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = string.Template(context.text).safe_substitute(context.placeholders)
    path.write_text(text + "\n", encoding="utf-8")


@given("a digest that was never pushed, as ${name}")
def step_unpushed_digest(context: Context, name: str) -> None:
    context.placeholders[name] = "sha256:" + hashlib.sha256(b"never pushed").hexdigest()


@given('the tag "{reference}" was moved to the image of "{archive}" with a plain skopeo copy')
def step_move_tag(context: Context, reference: str, archive: str) -> None:
    """What ci-image push refuses to do, done behind its back with skopeo itself."""
    name = expand(context, [reference])[0]
    run_skopeo(context, "copy", *transport_options(context, "dest-"),
               f"docker-archive:{context.workdir / archive}", f"docker://{name}")  # fmt: skip


@given('the image pinned in "{name}" was deleted from the registry')
def step_delete_pinned(context: Context, name: str) -> None:
    registry = scenario_registry(context)
    repository, _, digest = pinned_in(context, name).partition("@")
    path = repository.rpartition(":")[0].split("/", 1)[1]
    request = urllib.request.Request(
        f"http://{registry.host}/v2/{path}/manifests/{digest}", method="DELETE"
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 202, response.status


# What the registry holds ---------------------------------------------------------------


def printed_reference(context: Context) -> tuple[str, str]:
    """The ``REPO:TAG`` and ``sha256:...`` of the single line push printed."""
    line = context.result.stdout.strip()
    assert "\n" not in line and "@sha256:" in line, describe(context)
    name, _, digest = line.partition("@")
    return name, digest


@then('stdout is "{reference}" pinned to the digest skopeo inspect reports')
def step_stdout_pinned(context: Context, reference: str) -> None:
    expected_name = expand(context, [reference])[0]
    inspected = skopeo_inspect(context, expected_name)
    digest = json.loads(inspected.stdout)["Digest"]
    assert context.result.stdout == f"{expected_name}@{digest}\n", (
        f"skopeo inspect says {digest}\n{describe(context)}"
    )


@then('the registry holds the image of "{archive}" under "{reference}"')
def step_registry_holds(context: Context, archive: str, reference: str) -> None:
    """The config blob under the tag is byte-for-byte the archive's (same image ID)."""
    name = expand(context, [reference])[0]
    inspected = skopeo_inspect(context, name, "--config", "--raw")
    digest = "sha256:" + hashlib.sha256(inspected.stdout.encode()).hexdigest()
    assert digest == context.images[archive].config_digest, (digest, archive)


@then('the registry has no tag "{reference}"')
def step_registry_lacks(context: Context, reference: str) -> None:
    name = expand(context, [reference])[0]
    inspected = skopeo_inspect(context, name, "--raw", check=False)
    assert inspected.returncode != 0, inspected.stdout
    assert "manifest unknown" in inspected.stderr, inspected.stderr


@then("the pinned reference printed can be inspected with skopeo")
def step_pinned_inspectable(context: Context) -> None:
    """By digest: skopeo 1.9.3 refuses references with both a tag and a digest."""
    name, digest = printed_reference(context)
    repository = name.rpartition(":")[0]
    inspected = skopeo_inspect(context, f"{repository}@{digest}", "--raw")
    assert "sha256:" + hashlib.sha256(inspected.stdout.encode()).hexdigest() == digest


@then('the bytes_uploaded in stdout are the compressed sizes the registry holds for "{reference}"')
def step_bytes_uploaded(context: Context, reference: str) -> None:
    """Every layer was sent: the sizes of the layers in the manifest the registry holds."""
    inspected = skopeo_inspect(context, expand(context, [reference])[0], "--raw")
    sizes = [layer["size"] for layer in json.loads(inspected.stdout)["layers"]]
    document = json.loads(context.result.stdout)
    assert document["bytes_uploaded"] == sum(sizes), (document, sizes)


@then('stdout contains the config digest of "{archive}"')
def step_stdout_config_digest(context: Context, archive: str) -> None:
    assert context.images[archive].config_digest in context.result.stdout, describe(context)


@then('stdout is "{reference}" pinned to the digest skopeo inspect reports, then the changed files')
def step_first_line_pinned(context: Context, reference: str) -> None:
    name = expand(context, [reference])[0]
    inspected = skopeo_inspect(context, name)
    digest = json.loads(inspected.stdout)["Digest"]
    lines = context.result.stdout.splitlines()
    assert lines[0] == f"{name}@{digest}", describe(context)
    assert all(line.startswith("changed ") for line in lines[1:]), describe(context)


@then('stdout starts with what was kept as "{label}"')
def step_stdout_starts(context: Context, label: str) -> None:
    assert context.result.stdout.startswith(context.kept[label]), describe(context)


@then('"{name}" differs from before only in its references to the image')
def step_only_references(context: Context, name: str) -> None:
    """Before, with each old reference replaced by the pinned one, is byte for byte after."""
    before = context.before[name].decode("utf-8")
    after = (context.workdir / name).read_text(encoding="utf-8")
    pinned = pinned_in(context, name)
    old = re.compile(rf"{re.escape(scenario_registry(context).host)}/ci/image:unreleased")
    assert old.sub(pinned, before) == after, f"before:\n{before}\nafter:\n{after}"


@then('stderr contains the config digest of "{archive}"')
def step_stderr_config_digest(context: Context, archive: str) -> None:
    assert context.images[archive].config_digest in context.result.stderr, describe(context)


@then('I keep stdout as "{label}"')
def step_keep_stdout(context: Context, label: str) -> None:
    if not hasattr(context, "kept"):
        context.kept = {}
    context.kept[label] = context.result.stdout


@then('stdout is the same as "{label}"')
def step_stdout_same(context: Context, label: str) -> None:
    assert context.result.stdout == context.kept[label], describe(context)


# What the registry was asked -----------------------------------------------------------


@then("the last command uploaded no blob")
def step_no_upload(context: Context) -> None:
    uploads = [r for r in scenario_registry(context).requests_since_mark() if r.is_blob_upload]
    assert not uploads, uploads
    assert context.registry.blobs() == context.registry.marked_blobs, "storage changed"


@then("the last command uploaded blobs")
def step_uploaded(context: Context) -> None:
    requests = scenario_registry(context).requests_since_mark()
    assert any(r.is_blob_upload for r in requests), requests


@then("the last command made at most {count:d} requests to the registry")
def step_request_budget(context: Context, count: int) -> None:
    requests = scenario_registry(context).requests_since_mark()
    assert len(requests) <= count, requests


@then("the last command did not reach the registry")
def step_no_request(context: Context) -> None:
    assert not scenario_registry(context).requests_since_mark()


def run_with_podman(context: Context, reference: str, path: str, text: str) -> None:
    registry = scenario_registry(context)
    runroot = Path(tempfile.mkdtemp(prefix="podman-", dir="/tmp"))
    context.add_cleanup(shutil.rmtree, runroot, ignore_errors=True)
    completed = podman_run(
        context.workdir,
        runroot,
        reference,
        ["/usr/bin/cat", path],
        context.env,
        tls_verify=registry.scheme == "https",
        cert_dir=registry.cert_dir if registry.scheme == "https" else None,
        authfile=test_authfile(context),
    )
    assert completed.returncode == 0, f"podman failed:\n{completed.stderr}"
    assert completed.stdout == text + "\n", completed.stdout


@then('podman runs the reference printed, and "cat {path}" in it prints "{text}"')
def step_podman_printed(context: Context, path: str, text: str) -> None:
    name, digest = printed_reference(context)
    run_with_podman(context, f"{name}@{digest}", path, text)


def pinned_in(context: Context, name: str) -> str:
    """The first REGISTRY/...:TAG@sha256:... of the scenario's registry in a file."""
    text = (context.workdir / name).read_text(encoding="utf-8")
    host = re.escape(scenario_registry(context).host)
    match = re.search(rf"{host}/[a-z0-9/._-]+:[\w.-]+@sha256:[0-9a-f]{{64}}", text)
    assert match, f"no pinned reference to the registry in {name}:\n{text}"
    return match.group(0)


@then('"{name}" pins the reference printed on the first line')
def step_file_pins_printed(context: Context, name: str) -> None:
    first = context.result.stdout.splitlines()[0]
    assert pinned_in(context, name) == first, (pinned_in(context, name), first)


@then('skopeo inspect of the reference pinned in "{name}" finds the image of "{archive}"')
def step_inspect_pinned(context: Context, name: str, archive: str) -> None:
    """By digest (skopeo 1.9.3 refuses tag and digest together); the config must match."""
    reference = pinned_in(context, name)
    repository, _, digest = reference.partition("@")
    repository = repository.rpartition(":")[0]
    inspected = skopeo_inspect(context, f"{repository}@{digest}", "--config", "--raw")
    config = "sha256:" + hashlib.sha256(inspected.stdout.encode()).hexdigest()
    assert config == context.images[archive].config_digest


@then('podman runs the image pinned in "{name}", and "cat {path}" in it prints "{text}"')
def step_podman_pinned(context: Context, name: str, path: str, text: str) -> None:
    """The full pinned reference, tag and digest, exactly as a Forgejo job names it."""
    run_with_podman(context, pinned_in(context, name), path, text)


# Hygiene -------------------------------------------------------------------------------


@then("no temporary file is left")
def step_no_temp(context: Context) -> None:
    left = sorted(str(path) for path in (context.workdir / ".tmp").rglob("*"))
    assert not left, left


@then('"{directory}" is empty')
def step_directory_empty(context: Context, directory: str) -> None:
    left = sorted(str(path) for path in (context.workdir / directory).rglob("*"))
    assert not left, left


@then('"{text}" appears in no output')
def step_nowhere(context: Context, text: str) -> None:
    assert text not in context.result.stdout + context.result.stderr, describe(context)


@then("stderr does not mention a retry")
def step_no_retry(context: Context) -> None:
    assert "retry" not in context.result.stderr, describe(context)


@then("no output shows the password")
def step_no_password(context: Context) -> None:
    registry = scenario_registry(context)
    secrets = [registry.password, getattr(context, "wrong_password", registry.password)]
    output = context.result.stdout + context.result.stderr
    for secret in secrets:
        assert secret not in output, describe(context)
        assert hashlib.sha256(secret.encode()).hexdigest() not in output


# Failing registries --------------------------------------------------------------------


def start_watched_cli(context: Context, arguments: str) -> subprocess.Popen[str]:
    """The CLI started, with the project's files noted to prove later what changed."""
    context.before = snapshot(context.workdir)
    return start_cli(context, arguments)


def finish_cli(context: Context, process: subprocess.Popen[str], arguments: str) -> None:
    stdout, stderr = process.communicate(timeout=300)
    context.result = subprocess.CompletedProcess(arguments, process.returncode, stdout, stderr)


def wait_for_upload(context: Context, process: subprocess.Popen[str]) -> None:
    """Until the registry logs the first blob upload of this command (read incrementally)."""
    deadline = time.monotonic() + UPLOAD_WAIT_SECONDS
    log = scenario_registry(context).log_path
    with log.open("rb") as stream:
        stream.seek(0, os.SEEK_END)
        pending = b""
        while time.monotonic() < deadline:
            pending += stream.read()
            if b"/blobs/uploads/" in pending:
                return
            pending = pending[-200:]
            assert process.poll() is None, "ci-image ended before any upload started"
            time.sleep(0.002)
    raise AssertionError("no upload started")


@when('I run "ci-image {arguments}" and the registry is killed during the upload')
def step_run_kill_registry(context: Context, arguments: str) -> None:
    """Guarded so it cannot pass vacuously: ci-image was still running, an upload had
    started, the registry really died of the SIGKILL, and no manifest was written."""
    process = start_watched_cli(context, arguments)
    wait_for_upload(context, process)
    assert process.poll() is None, "ci-image ended before the registry was killed"
    status = context.registry.kill()
    assert status == -signal.SIGKILL, f"the registry ended with {status}, not by the SIGKILL"
    finish_cli(context, process, arguments)
    requests = context.registry.requests_since_mark()
    assert any(r.is_blob_upload for r in requests), "no upload had started"
    assert not any("/manifests/" in r.uri and r.method == "PUT" for r in requests), (
        "the push completed before the registry was killed"
    )


def child_named(parent: int, name: str) -> int:
    """The pid of ``parent``'s child process called ``name`` (from /proc)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        comm = text[text.index("(") + 1 : text.rindex(")")]
        ppid = int(text[text.rindex(")") + 2 :].split()[1])
        if ppid == parent and comm == name:
            return int(stat.parent.name)
    raise AssertionError(f"no {name} process under {parent}")


@when('I run "ci-image {arguments}" and skopeo is killed during the upload')
def step_run_kill_skopeo(context: Context, arguments: str) -> None:
    """As the OOM killer would: SIGKILL to ci-image's skopeo while it uploads."""
    process = start_watched_cli(context, arguments)
    wait_for_upload(context, process)
    os.kill(child_named(process.pid, "skopeo"), signal.SIGKILL)
    finish_cli(context, process, arguments)


@when('I run "ci-image {arguments}" and stop it with SIGTERM during the upload')
def step_run_terminate(context: Context, arguments: str) -> None:
    process = start_watched_cli(context, arguments)
    wait_for_upload(context, process)
    os.kill(process.pid, signal.SIGTERM)
    finish_cli(context, process, arguments)


@given("the registry is stopped")
def step_registry_stopped(context: Context) -> None:
    scenario_registry(context).stop()


@when('I run "ci-image {arguments}" and the registry comes back once it announces a retry')
def step_run_registry_returns(context: Context, arguments: str) -> None:
    """Event-driven, not timed: stderr is read as ci-image writes it, and the registry is
    started when the first "retry" line (``--verbose``) appears."""
    process = start_watched_cli(context, arguments)
    watchdog = threading.Timer(300, process.kill)
    watchdog.start()
    lines: list[str] = []
    restarted = False
    try:
        assert process.stderr is not None and process.stdout is not None
        for line in process.stderr:
            lines.append(line)
            if not restarted and "; retry " in line:
                context.registry.start()
                restarted = True
        stdout = process.stdout.read()
        process.wait()
    finally:
        watchdog.cancel()
    context.result = subprocess.CompletedProcess(
        arguments, process.returncode, stdout, "".join(lines)
    )
    assert restarted, f"ci-image never announced a retry\n{describe(context)}"
