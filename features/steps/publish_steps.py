"""Steps about publishing on the wire and under faults: a counting relay, a fresh runner
without skopeo's cache, registries that misbehave (support/faulty.py), two pushes at
once, and how long a command took."""

from __future__ import annotations

import hashlib
import json
import shlex
import shutil
import subprocess
from pathlib import Path

from behave import given, then, when
from behave.runner import Context

from support.cli import describe, expand, snapshot, start_cli
from support.faulty import FaultyRegistry
from support.registry import skopeo_cache_environment
from support.skopeo_client import put_first_on_path, run_skopeo, scenario_registry, skopeo_inspect

FAULTS = {
    "trickles every answer, a byte every 2 s": "trickle",
    "never reads a blob upload": "stall-upload",
}


# A counting relay and a fresh runner ---------------------------------------------------


@given("a counting relay in front of the registry, as $COUNTED")
def step_relay(context: Context) -> None:
    from support.relay import CountingRelay  # noqa: PLC0415 - only these scenarios need it

    relay = CountingRelay(scenario_registry(context).port)
    context.add_cleanup(relay.close)
    context.relay = relay
    context.placeholders["COUNTED"] = relay.host


@given("a fresh runner: a new HOME, without skopeo's blob-info cache")
def step_fresh_runner(context: Context) -> None:
    """What an ephemeral CI runner starts with: nothing skopeo learned before."""
    home = context.workdir / ".fresh-home"
    (home / "run").mkdir(parents=True, mode=0o700)
    context.env["HOME"] = str(home)
    context.env["XDG_RUNTIME_DIR"] = str(home / "run")
    context.env.update(skopeo_cache_environment())
    assert not (home / ".local/share/containers/cache").exists()


@then(
    "the last command sent at most {factor:g} times the compressed size "
    'of layer {number:d} of "{reference}"'
)
def step_sent_at_most(context: Context, factor: float, number: int, reference: str) -> None:
    """Every byte the command sent through the relay (requests, headers, blobs), against the
    compressed size of the one layer that changed, as the registry's manifest records it."""
    sent = context.relay.take()
    name = expand(context, [reference])[0]
    name = name.replace(context.relay.host, scenario_registry(context).host)
    inspected = skopeo_inspect(context, name, "--raw")
    size = json.loads(inspected.stdout)["layers"][number - 1]["size"]
    # At least the layer itself: the upload went through the relay, where it is counted.
    assert size <= sent <= factor * size, (
        f"sent {sent} bytes for a layer of {size}\n{describe(context)}"
    )


@then("the last command uploaded {count:d} blobs")
def step_uploaded_count(context: Context, count: int) -> None:
    """Upload sessions started (``POST .../blobs/uploads/``), from the registry's own log."""
    requests = scenario_registry(context).requests_since_mark()
    started = [r for r in requests if r.method == "POST" and r.uri.endswith("/blobs/uploads/")]
    assert len(started) == count, (started, requests)


@given('"{reference}" holds the image of "{archive}" copied by skopeo as OCI')
def step_copied_as_oci(context: Context, reference: str, archive: str) -> None:
    """As another tool stores the same build: ``--format oci`` re-encodes the config."""
    run_skopeo(context, "copy", "--quiet", "--format", "oci", "--dest-tls-verify=false",
               f"docker-archive:{context.workdir / archive}",
               f"docker://{expand(context, [reference])[0]}")  # fmt: skip


# Registries that misbehave -------------------------------------------------------------


@given("a registry on $REGISTRY that {behaviour}")
def step_faulty_registry(context: Context, behaviour: str) -> None:
    if behaviour.startswith("answers every request with 429 and Retry-After "):
        fault = FaultyRegistry("429", retry_after=behaviour.rsplit(" ", 1)[1].strip('"'))
    else:
        fault = FaultyRegistry(FAULTS[behaviour])
    context.add_cleanup(fault.stop)
    context.fault = fault
    context.placeholders["REGISTRY"] = fault.host


@then("it ended within {seconds:d} s")
def step_ended_within(context: Context, seconds: int) -> None:
    assert context.elapsed <= seconds, f"took {context.elapsed:.1f} s\n{describe(context)}"


@then("it took at least {seconds:d} s")
def step_took_at_least(context: Context, seconds: int) -> None:
    assert context.elapsed >= seconds, f"took {context.elapsed:.1f} s\n{describe(context)}"


@then("the faulty registry was asked {low:d} to {high:d} times")
def step_fault_requests(context: Context, low: int, high: int) -> None:
    assert low <= len(context.fault.requests) <= high, context.fault.requests


# Two pushes at once --------------------------------------------------------------------


@when('I run "ci-image {first}" and "ci-image {second}" at the same time')
def step_run_together(context: Context, first: str, second: str) -> None:
    context.before = snapshot(context.workdir)
    processes = [start_cli(context, arguments) for arguments in (first, second)]
    context.results = []
    for arguments, process in zip((first, second), processes, strict=True):
        stdout, stderr = process.communicate(timeout=300)
        context.results.append(
            subprocess.CompletedProcess(arguments, process.returncode, stdout, stderr)
        )


@then(
    'one of them succeeded, holding the tag "{reference}", and the other exited 2 naming that image'
)
def step_one_winner(context: Context, reference: str) -> None:
    statuses = sorted(result.returncode for result in context.results)
    shown = "\n".join(f"{r.args}: {r.returncode}\n{r.stdout}{r.stderr}" for r in context.results)
    assert statuses == [0, 2], shown
    winner = next(r for r in context.results if r.returncode == 0)
    loser = next(r for r in context.results if r.returncode == 2)
    name = expand(context, [reference])[0]
    inspected = skopeo_inspect(context, name, "--raw")
    manifest = json.loads(inspected.stdout)
    digest = "sha256:" + hashlib.sha256(inspected.stdout.encode()).hexdigest()
    assert winner.stdout == f"{name}@{digest}\n", shown
    held = manifest["config"]["digest"]
    lines = loser.stderr.strip().splitlines()
    assert len(lines) == 1 and held in lines[0], shown


# A registry that loses a layer, and skopeo runs with company ------------------------


@given('the registry loses layer {number:d} of "{reference}"')
def step_lose_layer(context: Context, number: int, reference: str) -> None:
    """The blob's data goes from the registry's storage; its manifest stays."""
    registry = scenario_registry(context)
    name = expand(context, [reference])[0]
    inspected = skopeo_inspect(context, name, "--raw")
    digest = json.loads(inspected.stdout)["layers"][number - 1]["digest"].removeprefix("sha256:")
    blob = registry.storage / "docker/registry/v2/blobs/sha256" / digest[:2] / digest
    assert (blob / "data").is_file(), blob
    for path in sorted(blob.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    blob.rmdir()


def rival_push(context: Context, archive: str, reference: str) -> str:
    """The shell command of another push of ``archive`` to ``reference``, by the real
    skopeo (``$real`` in a wrapper)."""
    return (
        f'"$real" --insecure-policy copy --quiet --dest-tls-verify=false '
        f"docker-archive:{shlex.quote(str(context.workdir / archive))} "
        f"docker://{shlex.quote(expand(context, [reference])[0])}"
    )


@given('a skopeo first on the PATH that {when_} its copy pushes "{archive}" to "{reference}"')
def step_skopeo_with_rival(context: Context, when_: str, archive: str, reference: str) -> None:
    """Another push of the same tag, at a moment chosen exactly: right before ci-image's
    skopeo copy starts, or right after it ended. (Only the copy is wrapped; what is
    under test is what ci-image does around it.)"""
    write_wrapper(context, when_, rival_push(context, archive, reference))


@given('a skopeo first on the PATH that deletes "{reference}" right after its copy')
def step_skopeo_deleting(context: Context, reference: str) -> None:
    name = shlex.quote(expand(context, [reference])[0])
    write_wrapper(context, "right after", f'"$real" delete --tls-verify=false docker://{name}')


@given(
    'a skopeo first on the PATH that pushes "{archive}" to "{reference}" right after its '
    "first inspect"
)
def step_skopeo_rival_after_inspect(context: Context, archive: str, reference: str) -> None:
    """The rival push lands between ci-image's first look at the tag and what follows
    (for ``release`` of an image the tag holds: the pins it plans)."""
    marker = shlex.quote(str(context.workdir / ".home" / "inspected"))
    rival = rival_push(context, archive, reference)
    install_wrapper(
        context, "inspect", after=f"if [ ! -e {marker} ]; then : > {marker}; {rival}; fi"
    )


def write_wrapper(context: Context, when_: str, command: str) -> None:
    assert when_ in {"right before", "right after"}, when_
    if when_ == "right before":
        install_wrapper(context, "copy", before=command)
    else:
        install_wrapper(context, "copy", after=command)


def install_wrapper(
    context: Context, subcommand: str, *, before: str = ":", after: str = ":"
) -> None:
    """A skopeo first on PATH that runs ``before`` and ``after`` (shell, quiet) around the
    real skopeo's ``subcommand``, and passes every other call straight through."""
    real = shutil.which("skopeo", path=context.env.get("PATH"))
    assert real is not None, "skopeo is not installed"
    script = (
        f"#!/bin/sh\nreal={shlex.quote(real)}\n"
        f'case " $* " in *" {subcommand} "*) ;; *) exec "$real" "$@" ;; esac\n'
        f"{{ {before}; }} >/dev/null 2>&1\n"
        '"$real" "$@"\nstatus=$?\n'
        f"{{ {after}; }} >/dev/null 2>&1\n"
        "exit $status\n"
    )
    put_first_on_path(context, "wrapper-bin", "skopeo", script)


@given("a skopeo first on the PATH that never ends")
def step_skopeo_hanging(context: Context) -> None:
    """As a skopeo stuck in a kernel call or a wedged network stack: it ignores its own
    --command-timeout, so only ci-image's deadline can end it. It notes its pid."""
    pids = context.workdir / ".home" / "hanging.pids"
    script = f"#!/bin/sh\necho $$ >> {shlex.quote(str(pids))}\nexec sleep 600\n"
    put_first_on_path(context, "hanging-bin", "skopeo", script)
    context.hanging_pids = pids


@then("the hanging skopeo was stopped")
def step_hanging_stopped(context: Context) -> None:
    pids = context.hanging_pids.read_text(encoding="utf-8").split()
    assert pids, "the hanging skopeo never ran"
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists(), f"skopeo {pid} still runs"
