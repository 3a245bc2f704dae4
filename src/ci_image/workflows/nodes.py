"""Reading YAML nodes: the few helpers every reader of a workflow's mapping needs.

Keys are scalars, each once (the loader refuses anything else), so a key's text names it.
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml


def mapping_get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value node for ``key`` in a mapping node, else None (keys are scalars: see
    :func:`parse_workflow_text`)."""
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value in node.value:
        if key_node.value == key:
            found: yaml.Node = value
            return found
    return None


def mapping_items(node: yaml.MappingNode) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
    """``(key, key_node, value_node)`` for each key of a mapping node (keys are scalars)."""
    for key_node, value in node.value:
        yield key_node.value, key_node, value


def position(node: yaml.Node) -> tuple[int, int]:
    """1-based line and column of a node."""
    return node.start_mark.line + 1, node.start_mark.column + 1
