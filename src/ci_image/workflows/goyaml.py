"""How Forgejo's Go YAML decoder types a value, read from our PyYAML nodes.

Forgejo decodes the ``on:`` section with ``go.yaml.in/yaml/v3`` (the continuation of
``gopkg.in/yaml.v3``) into ``any`` and then insists on strings (``jobparser.ParseRawOn``).
yaml.v3 follows YAML 1.2's core schema, not PyYAML's YAML 1.1: ``on``/``yes``/``off`` are
strings, ``1e3`` and ``0o17`` are numbers, ``2024-01-31`` is a timestamp. This module ports
the typing rules of yaml/go-yaml v3.0.4 (``go.yaml.in/yaml/v3``, the version Forgejo's and the
Forgejo runner's go.mod require): ``resolve.go`` (``resolve``, ``resolveMapList``,
``yamlStyleFloat``, ``parseTimestamp``, ``allowedTimestampFormats``), ``decode.go``
(``parser.node``, ``decoder.scalar``, ``decoder.mapping``, ``isStringMap``,
``decoder.merge``, ``isMerge``) and ``yaml.go`` (``Node.indicatedString``), for the few
shapes the trigger section uses. Its typing is that of ``gopkg.in/yaml.v3`` v3.0.1; the one
decoding change since is that a merged mapping with an unhashable key is an error instead
of a Go panic: refused either way, as here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import yaml

from ci_image.workflows.nodes import mapping_get

STR = "str"
NULL = "null"
BOOL = "bool"
INT = "int"
FLOAT = "float"
TIMESTAMP = "timestamp"
MERGE = "merge"

_YAML_TAG = "tag:yaml.org,2002:"
# resolveMapList in resolve.go.
_MAP = {
    **dict.fromkeys(("true", "True", "TRUE", "false", "False", "FALSE"), BOOL),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), NULL),
    **dict.fromkeys((".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF"), FLOAT),
    **dict.fromkeys(("+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"), FLOAT),
    "<<": MERGE,
}
# yamlStyleFloat in resolve.go, and what strconv.ParseFloat takes after a leading '.'.
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?")
# strconv.ParseInt(s, 0, 64) syntax (underscores are already removed by resolve()).
_GO_INT = re.compile(r"([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)")
# The layouts of allowedTimestampFormats, parsed by Go's time.Parse.
_TIMESTAMP = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})"
    r"(?:(?:(?P<sep>[Tt])|[ ])(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{1,2}):(?P<second>[0-9]{1,2})"
    r"(?:[.,][0-9]+)?(?P<zone>Z|[-+][0-9]{2}:[0-9]{2})?)?"
)
_HINT_DIGIT = frozenset("0123456789")
_QUOTED_STYLES = frozenset({"'", '"', "|", ">"})
_TYPED_TAGS = {f"{_YAML_TAG}{name}": name for name in (NULL, BOOL, INT, FLOAT, TIMESTAMP)}


class MergeError(ValueError):
    """A ``<<`` merge that yaml.v3 refuses; ``node`` is where."""

    def __init__(self, node: yaml.Node, message: str):
        super().__init__(message)
        self.node = node


def resolve_plain(value: str) -> str:
    """The type yaml.v3 gives an untagged plain scalar (``resolve("", value)``)."""
    if value in _MAP:
        return _MAP[value]
    hint = value[0]
    if hint == ".":
        return FLOAT if _DOT_FLOAT.fullmatch(value) else STR
    if hint not in _HINT_DIGIT and hint not in "+-":
        return STR  # letters (the 'M' hint included) are strings once not in the map
    if _is_timestamp(value):
        return TIMESTAMP
    plain = value.replace("_", "")
    if _go_int_fits(plain):
        return INT
    if _YAML_STYLE_FLOAT.fullmatch(plain) and _finite(plain):
        return FLOAT
    return STR


def _go_int_fits(plain: str) -> bool:
    """Whether ``strconv.ParseInt(plain, 0, 64)`` or ``ParseUint`` accepts ``plain``."""
    match = _GO_INT.fullmatch(plain)
    if match is None:
        return False
    sign, digits = match.groups()
    base = 8 if digits.startswith("0") and len(digits) > 1 else 10
    prefix = digits[:2].lower()
    if prefix in ("0x", "0o", "0b"):
        base = {"0x": 16, "0o": 8, "0b": 2}[prefix]
        digits = digits[2:]
    number = int(digits, base)
    if sign == "-":
        return number <= 2**63
    if sign == "+":
        return number < 2**63
    return number < 2**64


def _finite(plain: str) -> bool:
    """strconv.ParseFloat fails with ErrRange on overflow: such a value is not a float."""
    return float(plain) not in (float("inf"), float("-inf"))


def _is_timestamp(value: str) -> bool:
    """Go's ``parseTimestamp``: one of four layouts, with real calendar dates and times."""
    match = _TIMESTAMP.fullmatch(value)
    if match is None:
        return False
    parts = match.groupdict()
    try:
        date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        return False
    if parts["hour"] is None:
        return True
    if parts["sep"] is not None and parts["zone"] is None:
        return False  # the 'T' layouts require a zone; the space layout has none
    if parts["sep"] is None and parts["zone"] is not None:
        return False
    return int(parts["hour"]) < 24 and int(parts["minute"]) < 60 and int(parts["second"]) < 60


def scalar_type(node: yaml.ScalarNode, text: str) -> str:
    """The type yaml.v3 decodes ``node`` to, given the document ``text`` it came from.

    As yaml.v3's ``parser.node``: an explicit tag such as ``!!int`` gives that type (any
    other tag, a string); quoted and block scalars are strings; plain scalars, also those
    with the non-specific tag ``!``, are resolved by their text.
    """
    if _has_specific_tag(node, text):
        return _TYPED_TAGS.get(node.tag, STR)
    if node.style in _QUOTED_STYLES:
        return STR
    return resolve_plain(node.value)


def _has_specific_tag(node: yaml.Node, text: str) -> bool:
    """Whether the node's source starts (after an optional anchor) with a tag other than
    the non-specific ``!``."""
    start = node.start_mark.index
    if text.startswith("&", start):
        while start < len(text) and not text[start].isspace():
            start += 1
        while start < len(text) and text[start] in " \t":
            start += 1
    if not text.startswith("!", start):
        return False
    following = text[start + 1 : start + 2]
    return following not in ("", " ", "\t", "\n", "\r")


def type_name(node: yaml.Node, text: str) -> str:
    """A short name of what yaml.v3 makes of ``node``, for messages: ``str``, ``int``, ..."""
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    if isinstance(node, yaml.ScalarNode):
        return scalar_type(node, text)
    return "list"


def is_string(node: yaml.Node, text: str) -> bool:
    """Whether yaml.v3 decodes ``node`` into ``any`` as a Go string. A ``<<`` that is not a
    mapping key resolves to the merge tag but decodes to the string "<<"."""
    return isinstance(node, yaml.ScalarNode) and scalar_type(node, text) in (STR, MERGE)


def is_null(node: yaml.Node, text: str) -> bool:
    return isinstance(node, yaml.ScalarNode) and scalar_type(node, text) == NULL


def is_string_map(node: yaml.MappingNode, text: str) -> bool:
    """``isStringMap``: yaml.v3 decodes into ``map[string]any`` only if every key is a
    string (or a merge key); otherwise into ``map[any]any``, which Forgejo refuses."""
    for key, _value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            return False
        if scalar_type(key, text) not in (STR, MERGE):
            return False
    return True


def merged_items(node: yaml.MappingNode, text: str) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
    """``(key, key_node, value_node)`` as yaml.v3 decodes the mapping into a Go map.

    Merge keys (``<<: *anchor``) are expanded the way ``decoder.merge`` does: keys
    written in the mapping win, and of several merged mappings the earlier one wins. The
    one implementation of merge keys: the trigger reader and the image sites use it.
    """
    own: list[tuple[str, yaml.Node, yaml.Node]] = []
    merged: list[yaml.MappingNode] = []
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):  # only in a merged mapping: others are
            # checked by is_string_map first
            raise MergeError(key, "a merged mapping has a key that is not a string")
        if scalar_type(key, text) == MERGE:
            merged.extend(_merge_sources(value))
            continue
        own.append((key.value, key, value))
    seen = {name for name, _key, _value in own}
    yield from own
    for source in merged:
        for name, key, value in merged_items(source, text):
            if name not in seen:
                seen.add(name)
                yield name, key, value


def _merge_sources(value: yaml.Node) -> list[yaml.MappingNode]:
    if isinstance(value, yaml.MappingNode):
        return [value]
    if isinstance(value, yaml.SequenceNode) and all(
        isinstance(item, yaml.MappingNode) for item in value.value
    ):
        return list(value.value)
    raise MergeError(value, "map merge requires map or sequence of maps as the value")


def merged_get(node: yaml.Node | None, key: str, text: str) -> yaml.Node | None:
    """The value of ``key`` in a mapping node as yaml.v3 decodes it (merge keys applied),
    else None; None also for a node that is not a mapping."""
    found = mapping_get(node, key)
    if found is not None or not isinstance(node, yaml.MappingNode):
        return found
    if not any(key_node.value == "<<" for key_node, _value in node.value):
        return None  # the common case: no merge key, nothing more to look at
    return next((value for name, _key, value in merged_items(node, text) if name == key), None)
