"""Where an image reference sits in a workflow's text, to the character.

``pin`` replaces exactly the span :func:`scalar_span` gives and nothing else, so the
span must cover the reference and only it, in every YAML style that allows an exact
rewrite, and must be refused (with the reason) where it does not.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from ci_image.workflows.sites import SiteKind, SiteStatus, find_image_sites, scalar_span
from workflow_helpers import mapping, workflow

REFERENCE = "codeberg.org/acme/ci:1"


def value_node(text: str) -> yaml.ScalarNode:
    node = mapping(text).value[0][1]
    assert isinstance(node, yaml.ScalarNode)
    return node


@pytest.mark.parametrize(
    "written",
    [
        REFERENCE,
        f"'{REFERENCE}'",
        f'"{REFERENCE}"',
        f"&anchor {REFERENCE}",
        f"!!str {REFERENCE}",
        f"&a !!str '{REFERENCE}'",
        f"|-\n  {REFERENCE}\n",
        f">-\n  {REFERENCE}\n",
        f"{REFERENCE}   # a comment",
    ],
)
def test_the_span_is_exactly_the_reference(written: str) -> None:
    text = f"image: {written}\nnext: x\n"
    span, problem = scalar_span(text, value_node(text))
    assert problem is None and span is not None
    assert text[span.start : span.end] == REFERENCE


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ('"codeberg.org/acme/ci:\\x31"', "the double-quoted scalar is written with escapes"),
        ("'codeberg.org/acme/ci:1\n  x'", "the single-quoted scalar is written with escapes"),
        ("|\n  codeberg.org/acme\n  /ci:1\n", "the block scalar spans several lines"),
        ("codeberg.org/acme/ci:1\n  x", "the plain scalar spans several lines"),
    ],
)
def test_no_span_where_a_rewrite_could_not_be_exact(written: str, problem: str) -> None:
    text = f"image: {written}\n"
    span, reason = scalar_span(text, value_node(text))
    assert span is None
    assert reason is not None and reason.startswith(problem)


PLAIN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789./:@-_", min_size=1, max_size=40)


@given(PLAIN, st.sampled_from(["{}", "'{}'", '"{}"', "&x {}", "|-\n  {}\n", "!!str {}"]))
def test_replacing_the_span_reads_back_as_the_new_value(value: str, style: str) -> None:
    text = "a: 1\nimage: " + style.format(value) + "\nz: 2\n"
    try:
        node = value_node(text[5:])
    except yaml.YAMLError:
        return  # not a scalar YAML accepts in this style (a leading '@', ':' at the end...)
    if node.value != value:
        return  # YAML reads something else (a plain "a: b" is a mapping, not this value)
    full = value_node_at(text, "image")
    span, _problem = scalar_span(text, full)
    assert span is not None
    rewritten = text[: span.start] + REFERENCE + text[span.end :]
    assert value_node_at(rewritten, "image").value == REFERENCE
    assert rewritten.replace(REFERENCE, value, 1) == text


def value_node_at(text: str, key: str) -> yaml.ScalarNode:
    for key_node, value in mapping(text).value:
        if key_node.value == key:
            assert isinstance(value, yaml.ScalarNode)
            return value
    raise AssertionError(key)


SITES = """\
on: push
jobs:
  build:
    runs-on: docker
    container: alpine:3.20
    services:
      db: {image: 'postgres:16'}
      cache: {image: ~}
    steps:
      - uses: docker://codeberg.org/acme/tool:1
      - uses: actions/checkout@v4
  test:
    container:
      image: ${{ vars.IMAGE }}
  other:
    container: {image: [a]}
"""


def test_every_place_forgejo_reads_an_image_is_a_site() -> None:
    sites = find_image_sites(workflow(SITES))
    found = [(site.where, site.kind, site.status, site.text, site.line, site.col) for site in sites]
    assert found == [
        ("jobs.build.container", SiteKind.CONTAINER, SiteStatus.REFERENCE, "alpine:3.20", 5, 16),
        (
            "jobs.build.services.db.image",
            SiteKind.SERVICE,
            SiteStatus.REFERENCE,
            "postgres:16",
            7,
            20,
        ),
        (
            "jobs.build.steps[0].uses",
            SiteKind.STEP,
            SiteStatus.REFERENCE,
            "codeberg.org/acme/tool:1",
            10,
            24,
        ),
        (
            "jobs.test.container.image",
            SiteKind.CONTAINER,
            SiteStatus.UNRESOLVABLE,
            "${{ vars.IMAGE }}",
            14,
            14,
        ),
        ("jobs.other.container.image", SiteKind.CONTAINER, SiteStatus.MALFORMED, "", 16, 24),
    ]
    step = sites[2]
    assert step.span is not None
    assert SITES[step.span.start : step.span.end] == "codeberg.org/acme/tool:1"
    assert sites[4].problem == "jobs.other.container.image is a list, not an image reference"
