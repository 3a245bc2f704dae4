"""The project's settings, read from ``[tool.ci-image]`` in ``pyproject.toml``.

The same table is read by the flake (``builtins.fromTOML``), so the image name is
written once. A missing or malformed table is an error only for the commands that need
a value from it; flags always win.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ci_image.errors import CiImageError
from ci_image.findings.rules import find_rule
from ci_image.reference import (
    DOMAIN_RE,
    MalformedReferenceError,
    Reference,
    parse_reference,
    parse_repository,
)
from ci_image.workflows.discovery import find_workflow_dir, repository_boundary

TABLE = "ci-image"
KNOWN_KEYS = frozenset({"image", "workflows", "ignore", "insecure-registries"})
IGNORE_KEYS = frozenset({"rule", "image"})


@dataclass(frozen=True)
class IgnoreSetting:
    """One entry of ``ignore``: rule ids (empty: every rule) and/or an image, as written
    (``text``) on ``line`` of pyproject.toml (:mod:`ci_image.findings.suppressions`)."""

    rules: frozenset[str]
    image: Reference | None
    line: int | None
    text: str


@dataclass(frozen=True)
class Settings:
    """Values from ``[tool.ci-image]``; ``root`` is the directory holding pyproject.toml."""

    root: Path
    pyproject: Path | None
    image: Reference | None = None
    workflows: Path | None = None
    ignore: tuple[IgnoreSetting, ...] = ()
    insecure_registries: frozenset[str] = frozenset()

    def require_image(self, flag: str) -> Reference:
        if self.image is None:
            where = self.pyproject or self.root / "pyproject.toml"
            raise CiImageError(
                f"no image repository: pass {flag} REGISTRY/OWNER/IMAGE or set "
                f'image = "REGISTRY/OWNER/IMAGE" in [tool.{TABLE}] of {where}'
            )
        return self.image

    def workflow_directory(self) -> Path:
        """``workflows`` from here, else Forgejo's discovery below ``root``.

        A ``workflows`` setting must stay inside the repository, as a link must: a
        checkout's pyproject.toml must not make ``pin`` write, or ``check`` read,
        another tree (``../outside``, ``/etc``).
        """
        if self.workflows is not None:
            boundary = repository_boundary(self.root)
            real = self.workflows.resolve()
            if not real.is_relative_to(boundary):
                raise CiImageError(
                    f"workflows in [tool.{TABLE}] leads to {real}, outside the repository "
                    f"{boundary}; name a directory inside it (or pass --workflows DIR)",
                    path=self.pyproject,
                    line=self.key_line("workflows"),
                )
        return find_workflow_dir(self.root, self.workflows)

    def key_line(self, key: str) -> int | None:
        if self.pyproject is None:  # pragma: no cover - settings with keys have a file
            return None
        try:
            return _key_line(self.pyproject.read_text(encoding="utf-8"), key)
        except OSError:  # pragma: no cover - it was read a moment ago
            return None


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start``, as tools like ruff find theirs."""
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_settings(start: Path) -> Settings:
    """Read the settings for the project around ``start``; empty settings if there are none."""
    start = start.resolve()
    pyproject = find_pyproject(start)
    if pyproject is None:
        return Settings(root=start, pyproject=None)
    root = pyproject.parent
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CiImageError(f"cannot read settings: {error}", path=pyproject) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _toml_error_line(error)
        raise CiImageError(
            f"not valid TOML ({error}); fix the file", path=pyproject, line=line
        ) from None
    tool = data.get("tool", {})
    table = tool.get(TABLE) if isinstance(tool, dict) else None
    if table is None:
        return Settings(root=root, pyproject=pyproject)
    if not isinstance(table, dict):
        raise CiImageError(
            f"[tool.{TABLE}] must be a table", path=pyproject, line=_key_line(text, TABLE)
        )
    return _settings_from_table(table, root=root, pyproject=pyproject, text=text)


def _settings_from_table(
    table: dict[str, object], *, root: Path, pyproject: Path, text: str
) -> Settings:
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise CiImageError(
            f"unknown key {unknown[0]!r} in [tool.{TABLE}]; known keys: "
            + ", ".join(sorted(KNOWN_KEYS)),
            path=pyproject,
            line=_key_line(text, unknown[0]),
        )
    image: Reference | None = None
    if "image" in table:
        value = table["image"]
        if not isinstance(value, str):
            raise CiImageError(
                f'image in [tool.{TABLE}] must be a string like "codeberg.org/OWNER/IMAGE"',
                path=pyproject,
                line=_key_line(text, "image"),
            )
        try:
            image = parse_repository(value)
        except MalformedReferenceError as error:
            raise CiImageError(
                f"image in [tool.{TABLE}] is not REGISTRY/OWNER/IMAGE: {error}",
                path=pyproject,
                line=_key_line(text, "image"),
            ) from None
    workflows: Path | None = None
    if "workflows" in table:
        value = table["workflows"]
        if not isinstance(value, str) or not value:
            raise CiImageError(
                f"workflows in [tool.{TABLE}] must be a directory path relative to {root}",
                path=pyproject,
                line=_key_line(text, "workflows"),
            )
        workflows = root / value
    return Settings(
        root=root,
        pyproject=pyproject,
        image=image,
        workflows=workflows,
        ignore=_ignore_entries(table.get("ignore", []), pyproject, text),
        insecure_registries=_insecure_registries(
            table.get("insecure-registries", []), pyproject, text
        ),
    )


def _ignore_entries(value: object, pyproject: Path, text: str) -> tuple[IgnoreSetting, ...]:
    """``ignore = ["CI003", {image = "postgres"}, {rule = "CI001", image = "redis"}]``."""
    line = _key_line(text, "ignore")

    def bad(problem: str) -> CiImageError:
        return CiImageError(
            f'ignore in [tool.{TABLE}]: {problem}; write rule ids ("CI001") or tables '
            '{ rule = "CI001", image = "postgres" }',
            path=pyproject,
            line=line,
        )

    if not isinstance(value, list):
        raise bad("must be a list")
    entries: list[IgnoreSetting] = []
    for item in value:
        table = {"rule": item} if isinstance(item, str) else item
        if not isinstance(table, dict) or not table:
            raise bad(f"{item!r} is neither a rule id nor a table")
        unknown = sorted(set(table) - IGNORE_KEYS)
        if unknown:
            raise bad(f"unknown key {unknown[0]!r} in {item!r}")
        names = table.get("rule", [])
        names = [names] if isinstance(names, str) else names
        if (
            not isinstance(names, list)
            or not all(isinstance(name, str) for name in names)
            or ("rule" in table and not names)
        ):
            raise bad(f"rule in {item!r} must be a rule id or a list of them")
        rules = []
        for name in names:
            rule = find_rule(name)
            if rule is None:
                raise bad(f"{name!r} names no rule (see docs/rules.md)")
            rules.append(rule.id)
        image = None
        if "image" in table:
            if not isinstance(table["image"], str):
                raise bad(f"image in {item!r} must be a string")
            try:
                image = parse_reference(table["image"])
            except MalformedReferenceError as error:
                raise bad(f"image {table['image']!r} is not an image reference: {error}") from None
            if image.digest is not None:
                raise bad(f"image {table['image']!r} has a digest; name the repository[:TAG]")
        literal = item if isinstance(item, str) else table.get("image", names[0] if names else None)
        shown = repr(item) if isinstance(item, str) else _inline_table(table)
        entries.append(
            IgnoreSetting(
                rules=frozenset(rules),
                image=image,
                line=_value_line(text, line, literal),
                text=f"ignore entry {shown} in [tool.{TABLE}]",
            )
        )
    return tuple(entries)


def _inline_table(table: dict[str, object]) -> str:
    return "{ " + ", ".join(f"{key} = {value!r}" for key, value in table.items()) + " }"


def _value_line(text: str, key_line: int | None, literal: str | None) -> int | None:
    """The line of an entry of the ``ignore`` list (found by a string in it), else the key's."""
    if key_line is None or literal is None:
        return key_line
    for number, line in enumerate(text.splitlines()[key_line - 1 :], start=key_line):
        if f'"{literal}"' in line or f"'{literal}'" in line:
            return number
    return key_line  # pragma: no cover - the literal is in the file


def _insecure_registries(value: object, pyproject: Path, text: str) -> frozenset[str]:
    """``insecure-registries = ["registry.lan:5000"]``: hosts reached without TLS checks."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise CiImageError(
            f'insecure-registries in [tool.{TABLE}] must be a list of hosts like "HOST:PORT"',
            path=pyproject,
            line=_key_line(text, "insecure-registries"),
        )
    for host in value:
        if not DOMAIN_RE.fullmatch(host):
            raise CiImageError(
                f"insecure-registries in [tool.{TABLE}]: {host!r} is not a registry host[:port]",
                path=pyproject,
                line=_key_line(text, "insecure-registries"),
            )
    return frozenset(value)


def _key_line(text: str, key: str) -> int | None:
    """Best-effort line of ``key`` for error messages (tomllib gives no positions)."""
    pattern = re.compile(rf"^\s*(?:\[tool\.)?[\"']?{re.escape(key)}[\"']?\s*[=\]]")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def _toml_error_line(error: tomllib.TOMLDecodeError) -> int | None:
    match = re.search(r"line (\d+)", str(error))
    return int(match.group(1)) if match else None
