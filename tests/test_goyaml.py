"""YAML typing as Forgejo's Go decoder (yaml.v3, YAML 1.2) does it, on PyYAML's nodes.

The tables come from features/triggers.feature, which keeps a few rows of each as
examples of ``ci-image triggers``: the values a pattern list holds as strings, and the
values yaml.v3 decodes to something else, which Forgejo refuses.
"""

from __future__ import annotations

import pytest
import yaml

from ci_image.errors import CiImageError
from ci_image.workflows import goyaml
from ci_image.workflows.goyaml import MergeError
from workflow_helpers import decide_text, mapping, workflow

STRINGS = [
    ("on", "on"),
    ("yes", "yes"),
    ("off", "off"),
    ("'1.0'", "1.0"),
    ('"2"', "2"),
    ("!!str 1.0", "1.0"),
    ("&version !!str 2.0", "2.0"),
    ("!custom 3", "3"),
    ("! 1e999", "1e999"),
    ("! '4'", "4"),
    (".hidden", ".hidden"),
    ("v1.2.3", "v1.2.3"),
    ("1.2.3", "1.2.3"),
    ("1e999", "1e999"),
    ("0b12", "0b12"),
    ("+", "+"),
    ("-x", "-x"),
    ("2024-02-30", "2024-02-30"),
    ("2024-01-31T10:00:00", "2024-01-31T10:00:00"),
    ("2024-01-31 10:00:00Z", "2024-01-31 10:00:00Z"),
    ("2024-01-31T25:00:00Z", "2024-01-31T25:00:00Z"),
    ("2024-13-01", "2024-13-01"),
    ("<<", "<<"),
]


def first_item(value: str) -> tuple[yaml.ScalarNode, str]:
    """The node of ``value`` written as the first item of a flow list, and the text."""
    text = f"x: [{value}]\n"
    item = mapping(text).value[0][1].value[0]
    assert isinstance(item, yaml.ScalarNode)
    return item, text


@pytest.mark.parametrize(("value", "pattern"), STRINGS)
def test_what_yaml_v3_reads_as_a_string(value: str, pattern: str) -> None:
    node, text = first_item(value)
    assert goyaml.is_string(node, text)
    assert node.value == pattern


@pytest.mark.parametrize(("value", "pattern"), STRINGS)
def test_a_string_is_a_pattern_of_the_filter(value: str, pattern: str) -> None:
    decision = decide_text(f"on: {{push: {{tags: [{value}]}}}}\njobs: {{}}\n", "refs/tags/x")
    assert [p.text for p in decision.results[0].filter.patterns] == [pattern]


NOT_STRINGS = [
    ("1.0", "a number"),
    (".5", "a number"),
    ("1e3", "a number"),
    ("08", "a number"),
    ("-.inf", "a number"),
    (".NaN", "a number"),
    ("18446744073709551616", "a number"),
    ("-9223372036854775809", "a number"),
    ("42", "an integer"),
    ("0x1F", "an integer"),
    ("0o17", "an integer"),
    ("017", "an integer"),
    ("1_000", "an integer"),
    ("+1", "an integer"),
    ("-0b101", "an integer"),
    ("18446744073709551615", "an integer"),
    ("!!int 7", "an integer"),
    ("! 7", "an integer"),
    ("! 1e3", "a number"),
    ("True", "a boolean"),
    ("FALSE", "a boolean"),
    ("~", "null"),
    ("Null", "null"),
    ("2024-01-31", "a timestamp"),
    ("2024-1-5", "a timestamp"),
    ("2024-01-31T10:00:00Z", "a timestamp"),
    ("2024-01-31t10:00:00.5+01:00", "a timestamp"),
    ("2024-01-31 10:00:00", "a timestamp"),
    ("{a: b}", "a mapping"),
]


@pytest.mark.parametrize(("value", "what"), NOT_STRINGS)
def test_what_yaml_v3_reads_otherwise_is_not_a_pattern(value: str, what: str) -> None:
    text = f"on: {{push: {{tags: [{value}]}}}}\njobs: {{}}\n"
    with pytest.raises(CiImageError) as refused:
        decide_text(text, "refs/tags/x")
    assert f"on.push.tags: item 0 is {what} in YAML 1.2" in str(refused.value)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("", goyaml.NULL),
        ("null", goyaml.NULL),
        ("true", goyaml.BOOL),
        (".inf", goyaml.FLOAT),
        ("<<", goyaml.MERGE),
        ("9223372036854775807", goyaml.INT),
        ("-9223372036854775808", goyaml.INT),
        ("+9223372036854775808", goyaml.FLOAT),
        ("0xG", goyaml.STR),
        ("1e400", goyaml.STR),
        ("2024-02-29", goyaml.TIMESTAMP),
        ("2023-02-29", goyaml.STR),
        ("2024-01-31T10:00:60Z", goyaml.STR),
        ("2024-01-31 10:00:00+01:00", goyaml.STR),
        ("Yes", goyaml.STR),
    ],
)
def test_plain_scalars_resolve_as_resolve_go_does(value: str, kind: str) -> None:
    assert goyaml.resolve_plain(value) == kind


def test_block_and_quoted_scalars_are_strings_whatever_they_hold() -> None:
    text = "a: |\n  42\nb: '42'\nc: \"true\"\nd: 42\n"
    kinds = [goyaml.type_name(value, text) for _key, value in mapping(text).value]
    assert kinds == [goyaml.STR, goyaml.STR, goyaml.STR, goyaml.INT]
    assert goyaml.type_name(yaml.SequenceNode("tag:yaml.org,2002:seq", []), "") == "list"


def test_a_mapping_with_a_key_that_is_not_a_string_is_no_string_map() -> None:
    for text, expected in (("{a: 1, <<: {b: 2}}", True), ("{1: a}", False), ("{true: a}", False)):
        assert goyaml.is_string_map(mapping(text), text) is expected, text


MERGED = """\
x-base: &base
  paths: ['base/**']
  tags: ['base-*']
x-more: &more
  <<: *base
  paths: ['more/**']
  branches: ['more']
on:
  push:
    <<: [*more, {tags: ['late-*'], branches-ignore: [nope]}]
    branches: [own]
jobs: {}
"""


def test_own_keys_win_then_the_earlier_merged_mapping() -> None:
    loaded = workflow(MERGED)
    push = goyaml.merged_get(goyaml.merged_get(loaded.root, "on", MERGED), "push", MERGED)
    assert isinstance(push, yaml.MappingNode)
    merged = {
        name: [item.value for item in value.value]
        for name, _key, value in goyaml.merged_items(push, MERGED)
    }
    assert merged == {
        "branches": ["own"],
        "paths": ["more/**"],
        "tags": ["base-*"],
        "branches-ignore": ["nope"],
    }
    assert goyaml.merged_get(push, "tags", MERGED) is not None
    assert goyaml.merged_get(push, "missing", MERGED) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: {<<: [x]}", "map merge requires map or sequence of maps as the value"),
        ("a: {<<: 3}", "map merge requires map or sequence of maps as the value"),
        ("a: {<<: {? [x] : y}}", "a merged mapping has a key that is not a string"),
    ],
)
def test_merges_yaml_v3_refuses(text: str, message: str) -> None:
    inner = mapping(text).value[0][1]
    with pytest.raises(MergeError, match=message.replace("[", r"\[")):
        list(goyaml.merged_items(inner, text))
