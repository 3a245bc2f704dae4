"""Finding and safely loading Forgejo workflow files.

Workflows are kept as YAML *nodes*, not Python values: nodes carry the exact position
of every scalar, so ``pin`` can rewrite one span and leave every other byte alone, and
``check`` can report ``file:line:col``. Loading refuses what Forgejo would choke on or
what would hurt us: invalid UTF-8, invalid YAML, duplicate keys, several documents, a
top level that is not a mapping, keys that are lists or mappings, alias bombs and
recursive anchors, and symlinks leading out of the repository.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import yaml

from ci_image.errors import CiImageError
from ci_image.output import display_path

# Forgejo reads the first of these that exists, recursively, *.yml and *.yaml.
DISCOVERY_DIRS = (".forgejo/workflows", ".gitea/workflows", ".github/workflows")
WORKFLOW_SUFFIXES = (".yml", ".yaml")
MAX_FILE_BYTES = 4 * 1024 * 1024
# A real workflow has a few thousand nodes; anchors and aliases can make a small file
# expand to billions. Refuse documents whose expansion is over this.
MAX_EXPANDED_NODES = 200_000
BOM = "\ufeff"

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """The safe loader, remembering how it typed each plain scalar: a workflow repeats
    the same keys and values (runs-on, image, ...) and the regex-based typing is a fifth
    of the time it takes to compose one. The memo lives as long as the process (one
    command), and holds at most one entry per distinct plain scalar it has read."""

    _resolved: ClassVar[dict[tuple[type[yaml.Node], str, tuple[bool, bool]], str]] = {}

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        if kind is not yaml.ScalarNode:
            return str(super().resolve(kind, value, implicit))
        key = (kind, value, implicit)
        tag = self._resolved.get(key)
        if tag is None:
            tag = self._resolved[key] = str(super().resolve(kind, value, implicit))
        return tag


@dataclass(frozen=True)
class Workflow:
    """One workflow file: its decoded text and the root mapping node of its document."""

    path: Path
    text: str
    root: yaml.MappingNode

    def display(self, base: Path | None = None) -> str:
        """The path as messages name it (:func:`ci_image.output.display_path`)."""
        return display_path(self.path, base)


def find_workflow_dir(root: Path, override: Path | None = None) -> Path:
    """The directory Forgejo reads workflows from below ``root``, or ``override`` when given."""
    if override is not None:
        return existing_workflow_dir(override)
    for candidate in DISCOVERY_DIRS:
        directory = root / candidate
        if directory.is_dir():
            return directory
    raise CiImageError(
        f"no workflow directory in {root}: none of {', '.join(DISCOVERY_DIRS)} exists; "
        "create one or pass --workflows DIR"
    )


def existing_workflow_dir(directory: Path) -> Path:
    """``directory`` (from --workflows or the settings), refused unless it is a directory."""
    if not directory.is_dir():
        raise CiImageError(
            "workflow directory does not exist; pass an existing --workflows DIR "
            "or fix workflows in [tool.ci-image]",
            path=directory,
        )
    return directory


def repository_boundary(directory: Path) -> Path:
    """The repository a workflow directory belongs to, resolved: nothing read or written
    through a symlink may lead out of it.

    Found from the path as written, not from where its links lead: a workflow directory
    that is a link to another tree must not make that tree the boundary. The nearest
    ancestor holding ``.git`` (else ``pyproject.toml``) is the repository. A link on the
    way is an entry inside a repository, never its root; and a holder reached through a
    link that lies inside an outer holder is the link's target, so the outer one counts.
    With neither marker, the nearest real directory on the path is the boundary.
    """
    written = Path(os.path.abspath(directory))  # noqa: PTH100 - lexical: links not followed
    candidates = [path for path in (written, *written.parents) if not path.is_symlink()]
    links = [path for path in (written, *written.parents) if path.is_symlink()]
    for marker in (".git", "pyproject.toml"):
        holders = [path for path in candidates if os.path.lexists(path / marker)]
        if holders:
            chosen = holders[0]
            for outer in holders[1:]:
                if any(outer in link.parents and chosen.is_relative_to(link) for link in links):
                    chosen = outer
            return chosen.resolve()
    return candidates[0].resolve()


def _refuse_escaping_directory(directory: Path, boundary: Path) -> None:
    """A workflow directory that is (or lies below) a link out of the repository is not
    what Forgejo reads, and ``pin`` would write through it into another tree."""
    real = directory.resolve()
    if not real.is_relative_to(boundary):
        raise CiImageError(
            f"leads through a symlink to {real}, outside the repository {boundary}; Forgejo "
            "reads the workflows from git, not through links: replace the link with the "
            "directory itself, or pass --workflows DIR inside the repository. Nothing was "
            "changed",
            path=directory,
        )


def list_workflow_files(directory: Path) -> list[Path]:
    """Every ``*.yml``/``*.yaml`` below ``directory``, sorted, as Forgejo discovers them."""
    boundary = repository_boundary(directory)
    _refuse_escaping_directory(directory, boundary)
    found: list[Path] = []
    for current, dirnames, filenames in os.walk(directory):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(WORKFLOW_SUFFIXES):
                path = Path(current) / name
                _refuse_escaping_symlink(path, boundary)
                found.append(path)
    return found


def _refuse_escaping_symlink(path: Path, boundary: Path) -> None:
    if not path.is_symlink():
        return
    try:
        target = Path(os.path.realpath(path, strict=True))
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise _loop_error(path) from None
        raise CiImageError(
            f"is a symlink to {path.readlink()}, which does not exist; replace it with "
            "the file itself or remove it",
            path=path,
        ) from None
    if not target.is_relative_to(boundary):
        raise CiImageError(
            f"is a symlink to {target}, outside the repository {boundary}; Forgejo reads "
            "the workflow from git, not through links: replace it with the file itself",
            path=path,
        )


def _loop_error(path: Path) -> CiImageError:
    return CiImageError(
        "is a symlink that leads back to itself (a loop), not a workflow file; "
        "replace it with the file itself or remove it",
        path=path,
    )


def load_workflows(directory: Path) -> list[Workflow]:
    """Every workflow below ``directory``, loaded; the first bad one raises."""
    paths = list_workflow_files(directory)
    with collector_paused():
        return [load_workflow(path) for path in paths]


NO_WORKFLOWS_ADVICE = "pass --workflows DIR naming the directory that holds the workflows"


def load_some_workflows(directory: Path, advice: str = NO_WORKFLOWS_ADVICE) -> list[Workflow]:
    """:func:`load_workflows`, refusing a directory without any: checking, pinning or
    deciding about no workflow at all answers nothing (a mistyped --workflows, a wrong
    checkout), so it is an error that says ``advice``."""
    workflows = load_workflows(directory)
    if not workflows:
        raise CiImageError(f"no *.yml or *.yaml workflow in {display_path(directory)}; {advice}")
    return workflows


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while working on many workflows.

    Composing allocates many small objects that are never cyclic (recursive anchors are
    refused); the collector would rescan the growing heap again and again (a third of
    ``pin``'s time over 200 files). Reference counting still frees everything.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:  # a caller that paused it resumes it
            gc.enable()


def load_workflow(path: Path) -> Workflow:
    """Read and parse one workflow, or raise a :class:`CiImageError` naming file and line."""
    text = read_text(path)
    root = parse_workflow_text(text, path)
    return Workflow(path=path, text=text, root=root)


def read_text(path: Path) -> str:
    """The file's text, decoded as strict UTF-8 with line endings untouched."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise CiImageError("is a directory, not a workflow file", path=path) from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise _loop_error(path) from None
        raise CiImageError(
            f"cannot read: {error.strerror or error}; check its permissions", path=path
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise CiImageError(
            f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; not a workflow", path=path
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise CiImageError(
            f"is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "save the file as UTF-8",
            path=path,
            line=line,
        ) from None


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
