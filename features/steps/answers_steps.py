"""In-process steps for the pure logic of publishing (registry-answers.feature): they
call ci_image's functions directly, without a registry or a CLI run."""

from __future__ import annotations

import email.utils
import json
import os
import shlex

from behave import given, then, when
from behave.runner import Context

from ci_image.errors import CiImageError
from ci_image.publish.credentials import known_secrets, redact
from ci_image.publish.registry import RegistryOptions, parse_manifest, registry_session
from ci_image.publish.reuse import config_diff_ids
from ci_image.publish.skopeo import Access, Listener, retry_after_seconds
from ci_image.reference import parse_reference
from ci_image.trace import Trace


@when("the registry answers the manifest {manifest}")
def step_manifest(context: Context, manifest: str) -> None:
    try:
        context.manifest = parse_manifest(manifest.encode(), "example.org")
        context.error = None
    except CiImageError as error:
        context.manifest, context.error = None, error


@then("it reads as {reading}")
def step_reading(context: Context, reading: str) -> None:
    if reading.startswith("an error: "):
        assert context.error is not None and reading.removeprefix("an error: ") in str(
            context.error
        ), context.error
        return
    manifest = context.manifest
    if reading == "an index":
        assert manifest.is_index, manifest
    else:
        assert not manifest.is_index and reading == f"an image of {len(manifest.layers)} layers"


@when("a pinned image's config is {config}")
def step_config(context: Context, config: str) -> None:
    context.diff_ids = config_diff_ids(config.encode())


@then("its diff_ids are {diff_ids}")
def step_diff_ids(context: Context, diff_ids: str) -> None:
    assert (", ".join(context.diff_ids) or "none") == diff_ids, context.diff_ids


@when('"Retry-After: {value}" is read at "{now}"')
def step_retry_after(context: Context, value: str, now: str) -> None:
    moment = email.utils.parsedate_to_datetime(now).timestamp()
    context.seconds = retry_after_seconds(value, now=moment)


@then("it means {meaning}")
def step_retry_meaning(context: Context, meaning: str) -> None:
    shown = "nothing" if context.seconds is None else f"{context.seconds:g} s"
    assert shown == meaning, shown


@when('skopeo logs "{line}"')
def step_skopeo_logs(context: Context, line: str) -> None:
    context.listener = Listener(Access("example.org"), Trace())
    context.listener(line.replace('\\"', '"').replace("\\\\", "\\"))


@then("no wait was asked for")
def step_no_wait(context: Context) -> None:
    assert context.listener.retry_after is None


@given("a registry session that has asked nothing")
def step_session(context: Context) -> None:
    context.session_options = RegistryOptions()


@when('it is asked for {question} of "{reference}"')
def step_question(context: Context, question: str, reference: str) -> None:
    parsed = parse_reference(reference)
    with registry_session(context.session_options, environ={}, trace=Trace()) as registry:
        ask = {
            "the tag digest": registry.tag_digest,
            "the digest": registry.digest_exists,
            "the manifest": registry.manifest,
        }[question]
        try:
            ask(parsed)
        except CiImageError as error:
            context.error = error
        else:
            raise AssertionError("it asked")


@then('it says "{message}"')
def step_says(context: Context, message: str) -> None:
    assert message in str(context.error), context.error


@given(
    'credential helpers on the PATH: "{first}" answers the secret "{secret}", '
    '"{bad}" answers "{answer}", "{empty}" answers no secret'
)
def step_helpers(  # noqa: PLR0917 - behave passes each field of the step
    context: Context, first: str, secret: str, bad: str, answer: str, empty: str
) -> None:
    directory = context.workdir / ".home" / "helpers"
    directory.mkdir(parents=True)
    outputs = {
        first: json.dumps({"Username": "ci", "Secret": secret}),
        bad: answer,
        empty: json.dumps({"Username": "ci", "Secret": ""}),
    }
    for name, output in outputs.items():
        script = directory / f"docker-credential-{name}"
        script.write_text(f"#!/bin/sh\ncat > /dev/null\nprintf '%s\\n' {shlex.quote(output)}\n")
        script.chmod(0o755)
    context.env["PATH"] = f"{directory}{os.pathsep}{context.env.get('PATH', '')}"


@when('the secrets for "{registry}" are collected')
def step_collect(context: Context, registry: str) -> None:
    saved = os.environ.get("PATH", "")
    os.environ["PATH"] = context.env["PATH"]  # the helpers are found on this process's PATH
    try:
        context.secrets = known_secrets(registry, None, context.env)
    finally:
        os.environ["PATH"] = saved


@then('"{text}" is shown as "{shown}"')
def step_redacted(context: Context, text: str, shown: str) -> None:
    trace = Trace()
    trace.add_secrets(*context.secrets)
    assert redact(text, trace) == shown, redact(text, trace)


@then("no secret was found")
def step_no_secret(context: Context) -> None:
    assert not [secret for secret in context.secrets if secret], context.secrets
