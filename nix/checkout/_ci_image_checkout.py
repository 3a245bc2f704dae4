"""Put the project's checkout on ``sys.path`` when an interpreter of the image's venv starts.

The CI image's venv holds the project's locked dependencies but not the project itself:
its tag must not move with every commit to the source. ``_ci_image_checkout.pth``, which
``install.py`` writes next to this module at build time, calls :func:`activate` with what
it read from the image's inputs (the projects' names, where they sit in the workspace, and
where their import packages are). At run time the module finds the checkout and appends
the projects' package roots to ``sys.path``, as the ``.pth`` file of an editable install
does, so ``python -m PKG``, ``pytest``, ``nox`` and the console scripts see the code of
the checkout without anything being installed or built in the job.

The checkout is ``$GITHUB_WORKSPACE`` (Forgejo's runner sets it in every job), else the
nearest directory at or above the working directory whose ``pyproject.toml`` names one of
the projects, else the same at or above ``$CI_IMAGE_CHECKOUT`` (the dev shell sets it to
where ``nix develop`` was entered, for processes that run elsewhere, such as a test
suite's). It runs at every interpreter start-up: standard library only, ``os`` and
``sys`` (already imported by then), no TOML parser.
"""

# os.path, not pathlib: pathlib is not imported at start-up, and this module runs at every one.
# ruff: noqa: PTH100, PTH109, PTH112, PTH113, PTH118, PTH119, PTH120, PTH123

import os
import sys

# The checkout found at start-up, or None (outside any checkout of the project).
_root: str | None = None


def activate(
    anchors: list[tuple[str, str | None]], packages: list[tuple[str, list[str] | None, str]]
) -> None:
    """Find the checkout and append each package root of the projects to ``sys.path``.

    ``anchors``: ``(relative directory, normalised project name or None)`` for each local
    project of the workspace (``""`` is the workspace root; None a workspace root without
    ``[project]``). ``packages``: ``(relative directory, package roots or None, import
    name)`` for each project that ``uv sync`` would install; None roots mean "``src`` if
    the import package is under it, else the project directory".
    """
    global _root  # noqa: PLW0603 - set once, at start-up
    starts = [_working_directory(), os.environ.get("CI_IMAGE_CHECKOUT")]
    _root = find_root(anchors, os.environ.get("GITHUB_WORKSPACE"), starts)
    if _root is None:
        return
    for relative, roots, module in packages:
        base = os.path.join(_root, relative) if relative else _root
        for entry in roots if roots is not None else automatic_roots(base, module):
            path = os.path.normpath(os.path.join(base, entry))
            if path not in sys.path:
                sys.path.append(path)


def checkout_root() -> str | None:
    """The checkout this interpreter found at start-up, or None."""
    return _root


def require(name: str) -> None:
    """For a console script whose import failed: one clear line and status 2 if no checkout.

    With a checkout found, it returns and the script re-raises the import's own error.
    """
    if _root is None:
        script = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else name
        sys.stderr.write(
            f"{script}: the checkout of {name} was not found; run it in the checkout "
            "(a directory at or below the one whose pyproject.toml names the project) "
            "or set CI_IMAGE_CHECKOUT to the checkout\n"
        )
        raise SystemExit(2)


def find_root(
    anchors: list[tuple[str, str | None]], workspace: str | None, starts: list[str | None]
) -> str | None:
    """``workspace`` if it is a checkout, else the nearest one at or above each start."""
    if workspace:
        found = _root_at(os.path.abspath(workspace), anchors)
        if found is not None:
            return found
    for start in starts:
        directory = os.path.abspath(start) if start else None
        while directory:
            found = _root_at(directory, anchors)
            if found is not None:
                return found
            parent = os.path.dirname(directory)
            directory = parent if parent != directory else None
    return None


def _root_at(directory: str, anchors: list[tuple[str, str | None]]) -> str | None:
    """The workspace root that ``directory`` belongs to, judged by its pyproject.toml."""
    name, is_workspace = read_pyproject(directory)
    if name is None and not is_workspace:
        return None
    for relative, anchor in anchors:
        if name is not None and anchor == name:
            root = _up(directory, relative)
            if root is not None:
                return root
    if name is None and ("", None) in anchors:
        # A workspace root without [project]: it is ours if one of its members is.
        for relative, anchor in anchors:
            if relative and read_pyproject(os.path.join(directory, relative))[0] == anchor:
                return directory
    return None


def _up(directory: str, relative: str) -> str | None:
    """``directory`` without its trailing ``relative`` part, or None if it does not end so."""
    if not relative:
        return directory
    parts = relative.split("/")
    root = directory
    for part in reversed(parts):
        root, last = os.path.split(root)
        if last != part:
            return None
    return root


def read_pyproject(directory: str) -> tuple[str | None, bool]:
    """``[project] name`` (normalised) and whether ``[tool.uv.workspace]`` exists.

    A line scan, not a TOML parser: it runs at every interpreter start. It reads the
    ``name = "..."`` line of the ``[project]`` table as uv writes and users write it.
    """
    try:
        with open(os.path.join(directory, "pyproject.toml"), encoding="utf-8") as stream:
            text = stream.read()
    except (OSError, UnicodeDecodeError):
        return None, False
    name = None
    is_workspace = False
    table = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            table = stripped.strip("[]").strip().replace(" ", "").replace('"', "")
            is_workspace = is_workspace or table == "tool.uv.workspace"
            continue
        if table == "project" and name is None and stripped.startswith("name"):
            key, separator, value = stripped.partition("=")
            if separator and key.strip() == "name":
                value = value.split("#", 1)[0].strip()
                if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                    name = normalize(value[1:-1])
    return name, is_workspace


def normalize(name: str) -> str:
    """PEP 503: lower case, runs of ``-``, ``_`` and ``.`` as one ``-``."""
    name = name.lower().replace("_", "-").replace(".", "-")
    while "--" in name:
        name = name.replace("--", "-")
    return name


def automatic_roots(base: str, module: str) -> list[str]:
    """``src`` when the import package (or module) is under it, else the project directory.

    What hatchling, setuptools, flit-core and pdm-backend find by themselves when nothing
    is configured: a src layout, else a flat one.
    """
    path = os.path.join(base, "src", *module.split("."))
    if os.path.isdir(path) or os.path.isfile(path + ".py"):
        return ["src"]
    return ["."]


def _working_directory() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # the working directory was removed
        return None
