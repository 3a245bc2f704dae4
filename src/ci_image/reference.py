"""Image references with the grammar of distribution/reference.

A reference is ``[HOST[:PORT]/]PATH[:TAG][@sha256:HEX]``. Parsing is pure: it never
talks to a registry. Malformed input raises :class:`MalformedReferenceError` with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

NAME_TOTAL_LENGTH_MAX = 255

_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN_NAME = rf"{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*"
_IPV6 = r"\[(?:[a-fA-F0-9:]+)\]"
DOMAIN_RE = re.compile(rf"(?:{_DOMAIN_NAME}|{_IPV6})(?::[0-9]+)?")
PATH_COMPONENT_RE = re.compile(r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*")
TAG_RE = re.compile(r"[\w][\w.-]{0,127}", re.ASCII)
DIGEST_RE = re.compile(r"sha256:[0-9a-f]{64}")
# Same characters as str.isspace (sre uses Py_UNICODE_ISSPACE), without a Python loop.
_WHITESPACE_RE = re.compile(r"\s")
TAG_RULE = "a tag is 1 to 128 of [A-Za-z0-9_.-], not starting with '.' or '-'"

DEFAULT_REGISTRY = "docker.io"


def split_host(registry: str) -> tuple[str, str]:
    """``HOST[:PORT]`` or ``[V6][:PORT]`` -> the host (an IPv6 address without its
    brackets) and the port as written ("" when none)."""
    if registry.startswith("["):
        address, _, rest = registry[1:].partition("]")
        return address, rest.removeprefix(":")
    host, _, port = registry.partition(":")
    return host, port


class MalformedReferenceError(ValueError):
    """The text is not an image reference; the message says why."""


@dataclass(frozen=True)
class Reference:
    """A parsed image reference; ``registry`` is None when the text names none."""

    registry: str | None
    path: str
    tag: str | None = None
    digest: str | None = None

    @property
    def repository(self) -> str:
        """The repository as written: ``HOST/PATH`` or ``PATH``."""
        return self.path if self.registry is None else f"{self.registry}/{self.path}"

    @property
    def canonical_repository(self) -> str:
        """The repository as a registry sees it, for comparing references."""
        registry = self.registry or DEFAULT_REGISTRY
        # index.docker.io is Docker Hub's old name: map it first, so that its official
        # images gain library/ as well (index.docker.io/python is python).
        if registry == "index.docker.io":
            registry = DEFAULT_REGISTRY
        path = self.path
        if registry == DEFAULT_REGISTRY and "/" not in path:
            path = f"library/{path}"
        return f"{registry}/{path}"

    def same_repository(self, other: Reference) -> bool:
        return self.canonical_repository == other.canonical_repository

    def with_pin(self, tag: str | None, digest: str | None) -> Reference:
        return replace(self, tag=tag, digest=digest)

    @property
    def bare(self) -> Reference:
        """The repository alone, without tag or digest."""
        return replace(self, tag=None, digest=None)

    def __str__(self) -> str:
        text = self.repository
        if self.tag is not None:
            text += f":{self.tag}"
        if self.digest is not None:
            text += f"@{self.digest}"
        return text


def is_expression(text: str) -> bool:
    """True when the text contains a ``${{ }}`` expression, which only the runner resolves."""
    return "${{" in text


def validate_tag(text: str, what: str) -> str:
    """``text`` when it is a valid tag, else :class:`MalformedReferenceError` saying
    ``WHAT 'TEXT' is not a valid tag`` and the rule. The one definition of a tag, for references,
    archives' RepoTags, ``--tag`` and the tag a flake evaluates to."""
    if not TAG_RE.fullmatch(text):
        raise MalformedReferenceError(f"{what} {text!r} is not a valid tag: {TAG_RULE}")
    return text


def parse_reference(text: str) -> Reference:
    """Parse ``text`` or raise :class:`MalformedReferenceError` saying what is wrong."""
    if not text:
        raise MalformedReferenceError("empty image reference")
    if text != text.strip():
        raise MalformedReferenceError("image reference has leading or trailing whitespace")
    if is_expression(text):
        raise MalformedReferenceError(
            "contains a ${{ }} expression, which only the runner resolves"
        )
    if _WHITESPACE_RE.search(text):
        raise MalformedReferenceError("image reference contains whitespace")

    remainder, digest = _split_digest(text)
    name, tag = _split_tag(remainder)
    registry, path = _split_domain(name)
    if len(name) > NAME_TOTAL_LENGTH_MAX:
        raise MalformedReferenceError(
            f"repository name is {len(name)} characters long, over the limit of "
            f"{NAME_TOTAL_LENGTH_MAX}"
        )
    return Reference(registry=registry, path=path, tag=tag, digest=digest)


def parse_repository(text: str) -> Reference:
    """Parse a bare repository (``HOST/OWNER/IMAGE``): a host is required, no tag or digest."""
    reference = parse_reference(text)
    if reference.tag is not None or reference.digest is not None:
        raise MalformedReferenceError(
            f"{text!r} is a pinned reference; give the repository alone, "
            f"e.g. {reference.repository!r}"
        )
    if reference.registry is None:
        raise MalformedReferenceError(
            f"{text!r} names no registry host; give REGISTRY/OWNER/IMAGE, "
            f"e.g. codeberg.org/{reference.path}"
        )
    return reference


def _split_digest(text: str) -> tuple[str, str | None]:
    if "@" not in text:
        return text, None
    remainder, _, digest = text.partition("@")
    if "@" in digest:
        raise MalformedReferenceError("more than one '@' in image reference")
    if not DIGEST_RE.fullmatch(digest):
        if digest.startswith("sha256:"):
            raise MalformedReferenceError(
                f"digest {digest!r} must be 'sha256:' followed by 64 lowercase hex digits"
            )
        raise MalformedReferenceError(
            f"digest {digest!r} is not a sha256 digest ('sha256:' + 64 hex)"
        )
    if not remainder:
        raise MalformedReferenceError("digest without a repository name")
    return remainder, digest


def _split_tag(name: str) -> tuple[str, str | None]:
    last_slash = name.rfind("/")
    colon = name.rfind(":")
    if colon <= last_slash:
        return name, None
    return name[:colon], validate_tag(name[colon + 1 :], "tag")


def _split_domain(name: str) -> tuple[str | None, str]:
    if not name:
        raise MalformedReferenceError("empty repository name")
    first, slash, rest = name.partition("/")
    has_domain = bool(slash) and (
        "." in first or ":" in first or first == "localhost" or first != first.lower()
    )
    if has_domain:
        if not DOMAIN_RE.fullmatch(first):
            raise MalformedReferenceError(f"registry host {first!r} is not a valid host[:port]")
        registry: str | None = first
        path = rest
    else:
        registry = None
        path = name
    if not path:
        raise MalformedReferenceError(f"no repository path after registry host {first!r}")
    for component in path.split("/"):
        if not component:
            raise MalformedReferenceError(f"empty path component in {path!r}")
        if not PATH_COMPONENT_RE.fullmatch(component):
            reason = (
                "uppercase letters are not allowed"
                if component != component.lower()
                else "use lowercase letters, digits and single separators . _ __ -"
            )
            raise MalformedReferenceError(f"path component {component!r} is invalid: {reason}")
    return registry, path
