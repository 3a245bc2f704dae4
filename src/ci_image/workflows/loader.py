"""Safely loading Forgejo workflow files as YAML nodes.

Workflows are kept as YAML *nodes*, not Python values: nodes carry the exact position
of every scalar, so ``pin`` can rewrite one span and leave every other byte alone, and
``check`` can report ``file:line:col``. Loading refuses what Forgejo would choke on or
what would hurt us: invalid UTF-8, invalid YAML, duplicate keys, several documents, a
top level that is not a mapping, keys that are lists or mappings, alias bombs and
recursive anchors (and, through :mod:`ci_image.workflows.discovery`, symlinks leading out
of the repository).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from ci_image.errors import CiImageError
from ci_image.output import display_path
from ci_image.workflows.discovery import list_workflow_files, read_text

# A real workflow has a few thousand nodes; anchors and aliases can make a small file
# expand to billions. Refuse documents whose expansion is over this.
MAX_EXPANDED_NODES = 200_000
BOM = "\ufeff"
BeforeLoading = Callable[[Path, list[Path]], None]

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """The safe loader, typing plain scalars through a bounded cache: a workflow repeats
    the same keys and values (runs-on, image, ...), and the regex-based typing is a fifth
    of the time it takes to compose one."""

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return _scalar_tag(value, implicit)
        return str(super().resolve(kind, value, implicit))


@functools.lru_cache(maxsize=16384)
def _scalar_tag(value: str, implicit: tuple[bool, bool]) -> str:
    """The tag the safe loader's resolver gives a scalar (it depends on nothing else)."""
    return str(_RESOLVER.resolve(yaml.ScalarNode, value, implicit))  # type: ignore[no-untyped-call]


# The safe loaders' resolver (yaml.SafeLoader and yaml.CSafeLoader both use this class).
_RESOLVER = yaml.resolver.Resolver()


@dataclass(frozen=True)
class Workflow:
    """One workflow file: its decoded text and the root mapping node of its document."""

    path: Path
    text: str
    root: yaml.MappingNode

    def display(self, base: Path | None = None) -> str:
        """The path as messages name it (:func:`ci_image.output.display_path`)."""
        return display_path(self.path, base)


def load_workflows(
    directory: Path, *, before_loading: BeforeLoading | None = None
) -> list[Workflow]:
    """Every workflow below ``directory``, loaded; the first bad one raises.

    ``before_loading`` is given the directory and its workflow files once they are
    listed, before any is read (``pin`` removes what a killed run left there).
    """
    files = list_workflow_files(directory)
    if before_loading is not None:
        before_loading(directory, files)
    return [load_workflow(path) for path in files]


NO_WORKFLOWS_ADVICE = "pass --workflows DIR naming the directory that holds the workflows"


def load_some_workflows(
    directory: Path,
    advice: str = NO_WORKFLOWS_ADVICE,
    *,
    before_loading: BeforeLoading | None = None,
) -> list[Workflow]:
    """:func:`load_workflows`, refusing a directory without any: checking, pinning or
    deciding about no workflow at all answers nothing (a mistyped --workflows, a wrong
    checkout), so it is an error that says ``advice``."""
    workflows = load_workflows(directory, before_loading=before_loading)
    if not workflows:
        raise CiImageError(f"no *.yml or *.yaml workflow in {display_path(directory)}; {advice}")
    return workflows


def load_workflow(path: Path) -> Workflow:
    """Read and parse one workflow, or raise a :class:`CiImageError` naming file and line."""
    text = read_text(path)
    root = parse_workflow_text(text, path)
    return Workflow(path=path, text=text, root=root)


def compose_unchecked(text: str) -> yaml.Node | None:
    """Compose ``text`` without the safety checks (and without the BOM repair of marks).

    Only for text derived from a workflow that passed :func:`parse_workflow_text`, such
    as ``pin``'s rewritten text, which it re-reads to verify the rewrite.
    """
    loader = _Loader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def parse_workflow_text(text: str, path: Path) -> yaml.MappingNode:
    """Compose ``text`` to its root mapping node, or raise naming file, line and fix."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, path) from None
    except yaml.reader.ReaderError as error:
        raise _reader_error(error, text, path) from None
    except yaml.YAMLError as error:  # pragma: no cover - every YAMLError libyaml raises is above
        raise CiImageError(f"not valid YAML: {_one_line(str(error))}", path=path) from None
    finally:
        loader.dispose()
    if node is None:
        raise CiImageError("is empty; a workflow is a mapping with 'on' and 'jobs'", path=path)
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a scalar"
        raise CiImageError(
            f"is {kind}, not a mapping; a workflow is a mapping with 'on' and 'jobs'",
            path=path,
            line=node.start_mark.line + 1,
        )
    _check_nodes(node, path, shift=1 if text.startswith(BOM) else 0)
    return node


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _syntax_error(error: yaml.MarkedYAMLError, path: Path) -> CiImageError:
    mark = error.problem_mark or error.context_mark
    if error.context == "expected a single document in the stream":
        return CiImageError(
            "holds more than one YAML document ('---'); a workflow is one document: "
            "split it into several files",
            path=path,
            line=mark.line + 1 if mark is not None else None,
        )
    problem = _one_line(error.problem or error.context or "syntax error")
    if mark is None:  # pragma: no cover - libyaml marks every syntax error
        return CiImageError(f"not valid YAML: {problem}; fix the syntax", path=path)
    return CiImageError(
        f"not valid YAML at column {mark.column + 1}: {problem}; fix the syntax",
        path=path,
        line=mark.line + 1,
    )


def _reader_error(error: yaml.reader.ReaderError, text: str, path: Path) -> CiImageError:
    """A character YAML forbids (control characters): say which and on which line."""
    character = chr(error.character) if isinstance(error.character, int) else None
    offset = text.find(character) if character is not None else -1
    line = text.count("\n", 0, offset) + 1 if offset >= 0 else None
    name = f"U+{error.character:04X}" if character is not None else "a character"
    return CiImageError(
        f"contains {name}, which YAML does not allow ({_one_line(error.reason)}); remove it",
        path=path,
        line=line,
    )


def _check_nodes(root: yaml.Node, path: Path, *, shift: int) -> None:
    """Refuse duplicate and non-scalar keys, recursive aliases and alias bombs.

    A first, cheap walk visits every distinct node once (checking keys, and repairing
    libyaml's marks after a byte-order mark: libyaml does not count the BOM in ``index``,
    so every offset would be one short of ``Workflow.text``). Only when it meets a node
    twice, which takes an alias, does the second walk size the expansion.
    """
    seen: set[int] = set()
    shared = False
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            shared = True
            continue
        seen.add(id(node))
        if shift:
            _shift(node, shift)
        if isinstance(node, yaml.MappingNode):
            _check_duplicate_keys(node, path)
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    if shared:
        _check_expansion(root, path)


def _check_expansion(root: yaml.Node, path: Path) -> None:
    """Size what the aliases expand to, memoised per node; a node inside itself is refused.

    A node stays on the stack until its children are sized, then is sized itself.
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack[-1]
        key = id(node)
        if key in sizes:
            stack.pop()
        elif key in in_progress:
            stack.pop()
            in_progress.discard(key)
            _size(node, sizes, path)
        else:
            in_progress.add(key)
            for child in _children(node):
                child_key = id(child)
                if child_key in sizes:
                    continue
                if isinstance(child, yaml.ScalarNode):
                    sizes[child_key] = 1
                elif child_key in in_progress:
                    raise CiImageError(
                        "contains an alias to a node that contains it (a recursive anchor); "
                        "no workflow reader can expand it: remove the alias",
                        path=path,
                        line=child.start_mark.line + 1,
                    )
                else:
                    stack.append(child)


def _size(node: yaml.Node, sizes: dict[int, int], path: Path) -> None:
    """Record how many nodes ``node`` expands to; its children are already sized."""
    total = 1 + sum(sizes[id(child)] for child in _children(node))
    if total > MAX_EXPANDED_NODES:
        raise CiImageError(
            f"expands to more than {MAX_EXPANDED_NODES} YAML nodes through aliases "
            "(an alias bomb?); refusing to read it",
            path=path,
            line=node.start_mark.line + 1,
        )
    sizes[id(node)] = total


def _shift(node: yaml.Node, shift: int) -> None:
    node.start_mark = _shifted(node.start_mark, shift)
    node.end_mark = _shifted(node.end_mark, shift)


def _shifted(mark: yaml.Mark, shift: int) -> yaml.Mark:
    return yaml.Mark(mark.name, mark.index + shift, mark.line, mark.column, None, 0)


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    """The nodes inside a mapping (keys and values) or a sequence; never called on scalars."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value
    else:
        yield from node.value


def _check_duplicate_keys(node: yaml.MappingNode, path: Path) -> None:
    """Keys are scalars, each once: the helpers below rely on it, and so does Forgejo."""
    keys: dict[str, int] = {}
    for key, _value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise CiImageError(
                "has a mapping key that is itself a list or a mapping ('? ...'); "
                "workflow keys are strings: write a plain key",
                path=path,
                line=key.start_mark.line + 1,
            )
        if key.value in keys:
            raise CiImageError(
                f"duplicate key {key.value!r} (first on line {keys[key.value]}); "
                "YAML readers disagree on which wins: keep one",
                path=path,
                line=key.start_mark.line + 1,
            )
        keys[key.value] = key.start_mark.line + 1
