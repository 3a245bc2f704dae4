"""Does a push run a workflow? Forgejo's answer, with the reasons.

Pure logic: a loaded :class:`~ci_image.workflows.Workflow`, a ref and the changed files
in; a :class:`Decision` out. The rules are Forgejo's:

- ``on`` is read as act's ``jobparser.ParseRawOn`` reads it (forgejo/runner
  ``act/jobparser/model.go``): a string, a list of strings, or a mapping of events to
  null, a mapping of filters, or (``schedule`` only) a list. Anything else makes Forgejo
  reject the whole workflow: those are errors here. Values are typed as Go's yaml.v3
  types them (:mod:`ci_image.workflows.goyaml`): ``tags: [1.0]`` holds a number, not a pattern.
- ``push`` filters are evaluated as ``matchPushEvent`` (forgejo ``modules/actions/
  workflows.go``): every filter is one condition and all must match; a branch filter does
  not match a tag push and a tag filter not a branch push; when both kinds are present
  one extra match is added, so either kind suffices; ``paths``/``paths-ignore`` always
  match on tag pushes; an unknown filter never matches (Forgejo only logs a warning), so
  it is an error here; a filter whose pattern does not compile never matches, an error too.
- Both ``branches`` and ``branches-ignore`` may be given (GitHub refuses that, Forgejo
  does not): each is one condition, so the branch must be included by the first and not
  ignored by the second.
- The ``on`` key is found as yaml.v3 decodes the workflow into act's ``Workflow`` struct
  (field tag ``yaml:"on"``, key text compared): ``on`` in any quoting, but not the key
  ``true`` that YAML 1.1 tools write for it.

Sources (``features/triggers.feature`` ports Forgejo's ``TestMatchPushEvent`` table):

- Forgejo ``modules/actions/workflows.go`` (``detectMatched``, ``matchPushEvent``) and
  ``workflows_test.go`` (``TestMatchPushEvent``), ``services/actions/notifier.go``
  (``PushCommits``: the payload's ``Before`` is ``opts.OldCommitID``), as on Forgejo's
  development branch once it builds on Forgejo runner v12 (it imports
  ``code.forgejo.org/forgejo/runner/v12``); no release tag is established for it. Older
  Forgejo code evaluated path filters on tag pushes too and matched ``ShortName()``.
- Forgejo runner v12.0.1 ``act/jobparser/model.go`` (``ParseRawOn``, ``isInvalidOnType``,
  ``parseMappingNode``) and ``act/model/workflow.go`` (``Workflow.RawOn`` tagged
  ``yaml:"on"``, ``ReadWorkflow``). One difference: v12.0.1 accepts only ``cron`` in a
  ``schedule`` item; the port also accepts ``timezone``, as later runner code does (not yet
  on the runner's main branch of 2025-12-10; it also validates the cron expression; release
  not established).

Not checked here: the cron syntax of ``schedule`` (the later runner code rejects an invalid
one, and with it the whole workflow) and the parts of the workflow outside ``on``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from ci_image.errors import CiImageError
from ci_image.triggers.matching import include, keep
from ci_image.triggers.patterns import InvalidPatternError, Pattern, Verdict, compile_pattern
from ci_image.workflows import goyaml
from ci_image.workflows.loader import Workflow
from ci_image.workflows.nodes import mapping_items

BRANCH_PREFIX = "refs/heads/"
TAG_PREFIX = "refs/tags/"
BRANCH_FILTERS = ("branches", "branches-ignore")
TAG_FILTERS = ("tags", "tags-ignore")
PATH_FILTERS = ("paths", "paths-ignore")
FILTERS = (*BRANCH_FILTERS, *TAG_FILTERS, *PATH_FILTERS)
# How many deciding values a one-line explanation names before "and N more".
SHOWN = 3

RefKind = Literal["branch", "tag"]


@dataclass(frozen=True)
class Ref:
    """A pushed ref: ``refs/heads/NAME`` (a branch) or ``refs/tags/NAME`` (a tag)."""

    full: str
    kind: RefKind
    name: str


def parse_ref(text: str) -> Ref:
    """Forgejo's push payload always carries a full ref; so must ``--ref``.

    A bare name is refused rather than guessed: ``main`` could be a branch or a tag, and
    the two are filtered differently.
    """
    if text.startswith(BRANCH_PREFIX) and len(text) > len(BRANCH_PREFIX):
        return Ref(full=text, kind="branch", name=text[len(BRANCH_PREFIX) :])
    if text.startswith(TAG_PREFIX) and len(text) > len(TAG_PREFIX):
        return Ref(full=text, kind="tag", name=text[len(TAG_PREFIX) :])
    if text.startswith("refs/"):
        raise CiImageError(
            f"--ref {text!r} is not a branch or a tag: push workflows run for "
            "refs/heads/NAME and refs/tags/NAME; name one of those"
        )
    raise CiImageError(
        f"--ref {text!r} is not a full ref (a bare name could be a branch or a tag); "
        f"write refs/heads/{text} for a branch or refs/tags/{text} for a tag"
    )


@dataclass(frozen=True)
class Filter:
    """One filter under ``push``: its key, where it is, and its compiled patterns."""

    key: str
    line: int
    patterns: tuple[Pattern, ...]

    @property
    def is_path(self) -> bool:
        return self.key in PATH_FILTERS


@dataclass(frozen=True)
class PushTrigger:
    """A workflow that listens to ``push``, with its filters in file order."""

    line: int
    filters: tuple[Filter, ...]


@dataclass(frozen=True)
class NoPush:
    """A valid workflow that a push never runs, and why."""

    reason: str


@dataclass(frozen=True)
class FilterResult:
    """One filter's part in the decision: does it count as a match for Forgejo?"""

    filter: Filter
    evaluated: bool
    matched: bool
    explanation: str
    verdicts: Sequence[Verdict] = ()


@dataclass(frozen=True)
class Decision:
    """The answer for one workflow: does the push run it, and why."""

    triggers: bool
    reason: str
    results: tuple[FilterResult, ...] = ()
    conditions: int = 0
    matched: int = 0
    branch_and_tag: bool = False
    listens_to_push: bool = True


# --------------------------------------------------------------------------- reading


def read_push_trigger(workflow: Workflow, base: Path) -> PushTrigger | NoPush:
    """The ``push`` trigger of ``workflow``, or why there is none.

    Raises :class:`CiImageError` (with file and line) for everything that makes Forgejo
    reject the workflow or silently never run it on push.
    """
    reader = _OnReader(workflow, workflow.display(base))
    return reader.read()


class _OnReader:
    def __init__(self, workflow: Workflow, where: str):
        self.text = workflow.text
        self.root = workflow.root
        self.where = where

    def error(self, node: yaml.Node, message: str) -> CiImageError:
        return CiImageError(message, path=self.where, line=node.start_mark.line + 1)

    def kind(self, node: yaml.Node) -> str:
        name = goyaml.type_name(node, self.text)
        return {
            goyaml.STR: "a string",
            goyaml.NULL: "null",
            goyaml.BOOL: "a boolean",
            goyaml.INT: "an integer",
            goyaml.FLOAT: "a number",
            goyaml.TIMESTAMP: "a timestamp",
            "mapping": "a mapping",
            "list": "a list",
        }[name]

    def read(self) -> PushTrigger | NoPush:
        on = self._find_on()
        if isinstance(on, yaml.ScalarNode):
            name = "" if goyaml.is_null(on, self.text) else on.value
            if name == "push":
                return PushTrigger(line=on.start_mark.line + 1, filters=())
            shown = repr(name) if name else "empty"
            return NoPush(f"on is {shown}, not push")
        if isinstance(on, yaml.SequenceNode):
            return self._read_event_list(on)
        return self._read_event_mapping(on)

    def _find_on(self) -> yaml.Node:
        for key, _key_node, value in mapping_items(self.root):
            if key == "on":
                return value
        for key, key_node, _value in mapping_items(self.root):
            if key in ("true", "True", "TRUE") and not getattr(key_node, "style", "x"):
                raise self.error(
                    key_node,
                    f"the key {key!r} is not 'on' for Forgejo: a YAML 1.1 tool wrote 'on' as "
                    "the boolean true, but Forgejo reads YAML 1.2 and finds no triggers, so "
                    "it rejects the workflow; rename the key to on",
                )
        raise CiImageError(
            "has no 'on' key: Forgejo rejects a workflow without triggers and never runs "
            "it; add on: push (or the events you want)",
            path=self.where,
        )

    def _read_event_list(self, on: yaml.SequenceNode) -> PushTrigger | NoPush:
        names: list[str] = []
        for index, item in enumerate(on.value):
            if not goyaml.is_string(item, self.text):
                raise self.error(
                    item,
                    f"on: item {index} is {self.kind(item)} in YAML 1.2, not an event name; "
                    "Forgejo rejects the workflow; write the event name as a string",
                )
            names.append(item.value)
        for item in on.value:  # ParseRawOn checks every item before any event is used
            if item.value == "push":
                return PushTrigger(line=item.start_mark.line + 1, filters=())
        return NoPush(f"on lists {', '.join(names) or 'no event'}, not push")

    def _read_event_mapping(self, on: yaml.Node) -> PushTrigger | NoPush:
        push: PushTrigger | None = None
        names: list[str] = []
        for key, value in on.value:
            if not isinstance(key, yaml.ScalarNode):
                raise self.error(
                    key,
                    "on: an event name is a mapping or list; Forgejo rejects the workflow; "
                    "write event names as plain keys",
                )
            names.append(key.value)
            filters = self._read_event(key.value, key, value)
            if key.value == "push" and filters is not None:
                push = PushTrigger(line=key.start_mark.line + 1, filters=filters)
        if push is not None:
            return push
        return NoPush(f"on has {', '.join(names) or 'no event'}, not push")

    def _read_event(
        self, name: str, key: yaml.ScalarNode, value: yaml.Node
    ) -> tuple[Filter, ...] | None:
        """Check one event as ``ParseRawOn`` does; the filters when it is ``push``."""
        if goyaml.is_null(value, self.text):
            return ()
        if isinstance(value, yaml.SequenceNode):
            if name != "schedule":
                raise self.error(
                    value,
                    f"on.{name} is a list; Forgejo only accepts a list for schedule and "
                    f"rejects the workflow; give {name} a mapping of filters or nothing",
                )
            self._check_schedule(value)
            return None
        if not isinstance(value, yaml.MappingNode) or not goyaml.is_string_map(value, self.text):
            what = (
                "a mapping with a key that is not a string"
                if isinstance(value, yaml.MappingNode)
                else self.kind(value)
            )
            raise self.error(
                value,
                f"on.{name} is {what}; Forgejo expects a mapping of filters (or nothing) "
                "and rejects the workflow",
            )
        filters: list[Filter] = []
        for act, act_key, act_value in self._items(value, f"on.{name}"):
            patterns = self._read_act(name, act, act_value)
            if name == "push":
                filters.append(self._push_filter(act, act_key, patterns))
        return tuple(filters)

    def _items(self, node: yaml.MappingNode, where: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
        """The mapping's items as Forgejo's decoder sees them, merge keys expanded."""
        try:
            return list(goyaml.merged_items(node, self.text))
        except goyaml.MergeError as error:
            raise self.error(
                error.node, f"{where}: {error}; Forgejo rejects the workflow"
            ) from None

    def _read_act(self, event: str, act: str, value: yaml.Node) -> list[tuple[str, yaml.Node]]:
        """The string values of ``on.EVENT.ACT``, typed and checked as ``ParseRawOn`` does."""
        where = f"on.{event}.{act}"
        if isinstance(value, yaml.ScalarNode) and goyaml.is_string(value, self.text):
            return [(value.value, value)]
        if isinstance(value, yaml.SequenceNode):
            items: list[tuple[str, yaml.Node]] = []
            for index, item in enumerate(value.value):
                if not goyaml.is_string(item, self.text):
                    shown = f" ({item.value})" if isinstance(item, yaml.ScalarNode) else ""
                    raise self.error(
                        item,
                        f"{where}: item {index} is {self.kind(item)} in YAML 1.2{shown}, not a "
                        "string; Forgejo rejects the workflow; quote it",
                    )
                items.append((item.value, item))
            return items
        if isinstance(value, yaml.MappingNode) and goyaml.is_string_map(value, self.text):
            if (event, act) == ("workflow_dispatch", "inputs") or (
                event == "workflow_call" and act in ("inputs", "outputs")
            ):
                return []
            raise self.error(
                value,
                f"{where} is a mapping; Forgejo accepts a mapping there only for "
                "workflow_dispatch inputs and workflow_call inputs/outputs, and rejects the "
                "workflow",
            )
        raise self.error(
            value,
            f"{where} is {self.kind(value)}; Forgejo expects a string or a list of strings "
            "and rejects the workflow",
        )

    def _push_filter(
        self, act: str, act_key: yaml.Node, values: list[tuple[str, yaml.Node]]
    ) -> Filter:
        if act not in FILTERS:
            raise self.error(
                act_key,
                f"on.push: unknown filter {act!r}; Forgejo ignores it with a log warning and "
                "silently never runs this workflow on push; use one of " + ", ".join(FILTERS),
            )
        patterns: list[Pattern] = []
        for text, node in values:
            try:
                patterns.append(compile_pattern(text))
            except InvalidPatternError as error:
                raise self.error(
                    node,
                    f"on.push.{act}: {error}; Forgejo treats the filter as not matching and "
                    "silently never runs the workflow for the pushes it applies to; fix the "
                    "pattern",
                ) from None
        return Filter(key=act, line=act_key.start_mark.line + 1, patterns=tuple(patterns))

    def _check_schedule(self, value: yaml.SequenceNode) -> None:
        """The shape ``ParseRawOn`` demands of ``schedule`` (the cron syntax is not checked)."""
        for index, item in enumerate(value.value):
            if not isinstance(item, yaml.MappingNode) or not goyaml.is_string_map(item, self.text):
                raise self.error(
                    item,
                    f"on.schedule: item {index} is not a mapping with a cron key; Forgejo "
                    "rejects the workflow",
                )
            for key, key_node, entry in self._items(item, f"on.schedule: item {index}"):
                if key.lower() not in ("cron", "timezone"):
                    raise self.error(
                        key_node,
                        f"on.schedule: item {index} has the key {key!r}; Forgejo accepts only "
                        "cron and timezone and rejects the workflow",
                    )
                if not goyaml.is_string(entry, self.text):
                    raise self.error(
                        entry,
                        f"on.schedule: item {index}.{key} is {self.kind(entry)}, not a string; "
                        "Forgejo rejects the workflow",
                    )


# --------------------------------------------------------------------------- deciding


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _more(verdicts: Sequence[Verdict], describe: Callable[[Verdict], str]) -> str:
    shown = ", ".join(describe(verdict) for verdict in verdicts[:SHOWN])
    if len(verdicts) > SHOWN:
        shown += f" and {len(verdicts) - SHOWN} more"
    return shown


def _describe_include(verdict: Verdict) -> str:
    if verdict.outcome == "included":
        return f"{_quote(verdict.value)} matches {_quote(verdict.pattern or '')}"
    if verdict.outcome == "excluded":
        return f"{_quote(verdict.value)} is excluded by {_quote(verdict.pattern or '')}"
    return f"{_quote(verdict.value)} matches no pattern"


def _describe_ignore(verdict: Verdict) -> str:
    if verdict.outcome == "ignored":
        return f"{_quote(verdict.value)} by {_quote(verdict.pattern or '')}"
    return f"{_quote(verdict.value)} is not ignored"


def _include_filter(flt: Filter, values: Sequence[str], noun: str) -> FilterResult:
    """``branches``, ``tags`` and ``paths``: match when some value ends included."""
    matched, verdicts = include(flt.patterns, values)
    if not flt.patterns:
        return FilterResult(flt, True, matched, f"an empty list matches every {noun}")
    if not values:
        return FilterResult(flt, True, matched, "no file changed, so none matches")
    what = f"{noun} " if noun != "file" else ""
    if matched:
        return FilterResult(flt, True, True, what + _describe_include(verdicts[-1]), verdicts)
    what = what or "no changed file matches: "
    return FilterResult(flt, True, False, what + _more(verdicts, _describe_include), verdicts)


def _ignore_filter(flt: Filter, values: Sequence[str], noun: str) -> FilterResult:
    """The ``-ignore`` filters: match when some value is not ignored."""
    kept, verdicts = keep(flt.patterns, values)
    if not flt.patterns:
        return FilterResult(flt, True, kept, f"an empty list ignores no {noun}")
    if not values:
        return FilterResult(flt, True, kept, "no file changed, so none is left")
    if kept:
        what = f"{noun} " if noun != "file" else ""
        return FilterResult(flt, True, True, what + _describe_ignore(verdicts[-1]), verdicts)
    if noun == "file":
        text = "every changed file is ignored: " + _more(verdicts, _describe_ignore)
    else:
        first = verdicts[0]
        text = f"{noun} {_quote(first.value)} is ignored by {_quote(first.pattern or '')}"
    ignoring = {verdict.pattern for verdict in verdicts.decided()}
    if any(pattern.negative and pattern.text in ignoring for pattern in flt.patterns):
        text += " (a '!' pattern in an -ignore list ignores everything it does not match)"
    return FilterResult(flt, True, False, text, verdicts)


def _ref_filter(flt: Filter, ref: Ref) -> FilterResult:
    wanted: RefKind = "branch" if flt.key in BRANCH_FILTERS else "tag"
    if ref.kind != wanted:
        return FilterResult(
            flt, False, False, f"does not apply to a {ref.kind} push, so it does not match"
        )
    if flt.key.endswith("-ignore"):
        return _ignore_filter(flt, [ref.name], wanted)
    return _include_filter(flt, [ref.name], wanted)


def _path_filter(flt: Filter, ref: Ref, changed: Sequence[str] | None) -> FilterResult:
    if ref.kind == "tag":
        return FilterResult(flt, False, True, "always matches on a tag push")
    if changed is None:
        return FilterResult(
            flt,
            False,
            False,
            "not checked: no changed files given, and the other filters already rule this push out",
        )
    if flt.key == "paths":
        return _include_filter(flt, changed, "file")
    return _ignore_filter(flt, changed, "file")


def filter_needing_changes(trigger: PushTrigger | NoPush, ref: Ref) -> Filter | None:
    """The path filter whose answer the decision depends on, if any: one on a branch push
    that the other filters leave open. Only then are the changed files needed."""
    if isinstance(trigger, NoPush) or ref.kind == "tag":
        return None
    paths = [flt for flt in trigger.filters if flt.is_path]
    if not paths:
        return None
    others = [_ref_filter(flt, ref) for flt in trigger.filters if not flt.is_path]
    best = sum(result.matched for result in others) + len(paths) + _bonus(trigger.filters)
    return paths[0] if best == len(trigger.filters) else None


def _bonus(filters: Sequence[Filter]) -> int:
    keys = {flt.key for flt in filters}
    return int(bool(keys & set(BRANCH_FILTERS)) and bool(keys & set(TAG_FILTERS)))


def decide(trigger: PushTrigger | NoPush, ref: Ref, changed: Sequence[str] | None) -> Decision:
    """Forgejo's ``matchPushEvent`` for ``ref`` and the ``changed`` files, with reasons.

    ``changed`` may be None when :func:`filter_needing_changes` finds no filter needing it.
    """
    if isinstance(trigger, NoPush):
        return Decision(False, trigger.reason, listens_to_push=False)
    if not trigger.filters:
        return Decision(True, "push has no filters, so every push runs it")
    results: list[FilterResult] = []
    for flt in trigger.filters:
        if flt.is_path:
            results.append(_path_filter(flt, ref, changed))
        else:
            results.append(_ref_filter(flt, ref))
    bonus = _bonus(trigger.filters)
    matched = sum(result.matched for result in results) + bonus
    conditions = len(trigger.filters)
    triggers = matched == conditions
    parts = [f"{result.filter.key}: {result.explanation}" for result in results]
    if bonus:
        parts.append(
            "branch and tag filters together: Forgejo adds one match so that either kind "
            f"may match ({matched} of {conditions} conditions)"
        )
    return Decision(
        triggers=triggers,
        reason="; ".join(parts),
        results=tuple(results),
        conditions=conditions,
        matched=matched,
        branch_and_tag=bool(bonus),
    )


# --------------------------------------------------------------------------- reporting


def decision_json(file: str, decision: Decision) -> dict[str, object]:
    """The stable JSON form of one workflow's decision (documented in triggers.feature)."""
    return {
        "file": file,
        "triggers": decision.triggers,
        "listens_to_push": decision.listens_to_push,
        "reason": decision.reason,
        "conditions": decision.conditions,
        "matched": decision.matched,
        "branch_and_tag": decision.branch_and_tag,
        "filters": [
            {
                "filter": result.filter.key,
                "line": result.filter.line,
                "patterns": [
                    {"pattern": pattern.text, "negative": pattern.negative, "regex": pattern.regex}
                    for pattern in result.filter.patterns
                ],
                "evaluated": result.evaluated,
                "matched": result.matched,
                "explanation": result.explanation,
                "verdicts": [
                    {"value": verdict.value, "outcome": verdict.outcome, "pattern": verdict.pattern}
                    for verdict in result.verdicts
                ],
            }
            for result in decision.results
        ],
    }


def decision_line(file: str, decision: Decision) -> str:
    """The one-line form: ``FILE: triggers: REASON`` or ``FILE: does not trigger: REASON``."""
    verdict = "triggers" if decision.triggers else "does not trigger"
    return f"{file}: {verdict}: {decision.reason}"
