"""Sample uv projects, as the maintainers who adopt ci-image have them.

One builder per kind of project (:data:`KINDS`): a build backend and a layout, a virtual
project, a uv workspace. Each writes pyproject.toml (with ``[tool.ci-image] image``), the
package's code (``python -m PKG`` prints ``PKG runs``, a console script prints ``PKG
script runs``), a pytest test that imports it, a noxfile whose sessions install nothing,
and locks the project with the real ``uv lock`` against PyPI, through the developer's uv
cache (so a second run needs no download). Nothing here builds the project: no build
backend runs, as none runs in a CI job of the image.

Steps of other features (``ci-image init``) reuse these builders.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from support.run_cache import made_once

IMAGE_REGISTRY = "registry.example.org/team"
# What the samples' dev group holds by default: enough to run `pytest` and `nox -l`.
DEV_GROUP = ("pytest", "nox")
# Every sample allows Python 3.11, so a machine with only Debian 12's python3 locks it.
REQUIRES_PYTHON = ">=3.11"


@dataclass(frozen=True)
class SampleProject:
    """A sample project on disk, and what a test may ask of it."""

    root: Path
    kind: str
    name: str
    # The import package ``python -m`` runs, and the console script of [project.scripts];
    # None for a virtual project (uv installs neither).
    module: str | None
    script: str | None
    # Workspace members' directories, relative to the root.
    members: tuple[str, ...] = ()
    # Each member's import package, by directory.
    member_modules: dict[str, str] = field(default_factory=dict)

    @property
    def image(self) -> str:
        return f"{IMAGE_REGISTRY}/{self.name}"


@dataclass(frozen=True)
class _Package:
    """One project's pyproject.toml and code, relative to the sample's root."""

    directory: str
    name: str
    build_system: str | None  # the [build-system] table's text, None: virtual
    layout: str  # "src" or "flat"
    tool: str = ""  # more TOML after [project], for the backend's settings
    dependencies: tuple[str, ...] = ()
    dev: tuple[str, ...] = ()
    scripts: bool = True
    extra: str = ""

    @property
    def module(self) -> str:
        return self.name.replace("-", "_")


_HATCHLING = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
_UV_BUILD = '[build-system]\nrequires = ["uv_build>=0.8,<1"]\nbuild-backend = "uv_build"\n'
_SETUPTOOLS = (
    '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n'
)
_FLIT = '[build-system]\nrequires = ["flit_core>=3.9,<4"]\nbuild-backend = "flit_core.buildapi"\n'
_PDM = '[build-system]\nrequires = ["pdm-backend"]\nbuild-backend = "pdm.backend"\n'


def _toml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def _pyproject(package: _Package, python: str, image: str | None) -> str:
    lines = [
        "[project]",
        f'name = "{package.name}"',
        'version = "0.1.0"',
        f'description = "A sample {package.name} project"',
        f'requires-python = "{python}"',
        f"dependencies = {_toml_list(package.dependencies)}",
        "",
    ]
    if package.scripts:
        lines += ["[project.scripts]", f'{package.name} = "{package.module}.cli:main"', ""]
    if package.dev:
        lines += ["[dependency-groups]", f"dev = {_toml_list(package.dev)}", ""]
    text = "\n".join(lines)
    if package.build_system:
        text += "\n" + package.build_system
    if package.tool:
        text += "\n" + package.tool
    if package.extra:
        text += "\n" + package.extra
    if image:
        text += f'\n[tool.ci-image]\nimage = "{image}"\n'
    return text


def _write_code(root: Path, package: _Package) -> None:
    base = root / package.directory
    code = base / "src" / package.module if package.layout == "src" else base / package.module
    code.mkdir(parents=True)
    (code / "__init__.py").write_text(
        f'"""The {package.name} sample."""\n\nNAME = "{package.module}"\n'
    )
    (code / "__main__.py").write_text(f'print("{package.module} runs")\n')
    (code / "cli.py").write_text(
        f'def main() -> int:\n    print("{package.module} script runs")\n    return 0\n'
    )
    tests = base / "tests"
    tests.mkdir()
    (tests / f"test_{package.module}.py").write_text(
        f"import {package.module}\n\n\ndef test_imports() -> None:\n"
        f'    assert {package.module}.NAME == "{package.module}"\n'
    )


_NOXFILE = '''"""The sample's sessions: in the environment nox runs in, installing nothing."""

import nox

nox.options.default_venv_backend = "none"


@nox.session
def tests(session: nox.Session) -> None:
    session.run("pytest", "-q", "-p", "no:cacheprovider")
'''


def _write(
    root: Path,
    kind: str,
    packages: Sequence[_Package],
    *,
    python: str,
    python_version: str | None,
    workspace: str = "",
    env: Mapping[str, str] | None = None,
    lock: bool = True,
) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for index, package in enumerate(packages):
        directory = root / package.directory
        directory.mkdir(parents=True, exist_ok=True)
        image = f"{IMAGE_REGISTRY}/{packages[0].name}" if index == 0 else None
        text = _pyproject(package, python, image)
        if index == 0 and workspace:
            text += "\n" + workspace
        (directory / "pyproject.toml").write_text(text, encoding="utf-8")
        if package.build_system or kind == "virtual":
            _write_code(root, package)
    (root / "noxfile.py").write_text(_NOXFILE, encoding="utf-8")
    (root / ".gitignore").write_text(".venv/\n__pycache__/\n", encoding="utf-8")
    if python_version:
        (root / ".python-version").write_text(python_version + "\n", encoding="utf-8")
    if lock:
        lock_project(root, env or os.environ)


def hatchling_src(root: Path, **options: object) -> SampleProject:
    """hatchling, src layout, its packages named in tool.hatch.build.targets.wheel."""
    package = _Package(
        ".",
        "hatch-app",
        _HATCHLING,
        "src",
        tool='[tool.hatch.build.targets.wheel]\npackages = ["src/hatch_app"]\n',
        dev=DEV_GROUP,
    )
    return _single(root, "hatchling-src", package, **options)


def uv_build(root: Path, **options: object) -> SampleProject:
    """uv_build, its default module-root: src."""
    package = _Package(".", "uvb-app", _UV_BUILD, "src", dev=DEV_GROUP)
    return _single(root, "uv_build", package, **options)


def setuptools_flat(root: Path, **options: object) -> SampleProject:
    """setuptools, flat layout: the package next to pyproject.toml."""
    package = _Package(
        ".",
        "flat-app",
        _SETUPTOOLS,
        "flat",
        tool='[tool.setuptools]\npackages = ["flat_app"]\n',
        dev=DEV_GROUP,
    )
    return _single(root, "setuptools-flat", package, **options)


def flit_src(root: Path, **options: object) -> SampleProject:
    """flit-core, src layout found by the backend itself."""
    return _single(root, "flit", _Package(".", "flit-app", _FLIT, "src", dev=DEV_GROUP), **options)


def pdm_src(root: Path, **options: object) -> SampleProject:
    """pdm-backend, its package-dir stated."""
    package = _Package(
        ".",
        "pdm-app",
        _PDM,
        "src",
        tool='[tool.pdm.build]\npackage-dir = "src"\n',
        dev=DEV_GROUP,
    )
    return _single(root, "pdm", package, **options)


def virtual(root: Path, **options: object) -> SampleProject:
    """No [build-system]: uv locks it as virtual and installs only its dependencies."""
    package = _Package(".", "virtual-app", None, "flat", dev=DEV_GROUP, scripts=False)
    project = _single(root, "virtual", package, **options)
    return SampleProject(project.root, "virtual", project.name, None, None)


def workspace(root: Path, **options: object) -> SampleProject:
    """A uv workspace: a virtual root with the dev group, two packaged members.

    ``alpha`` (hatchling, src layout) depends on ``beta`` (uv_build) through the workspace.
    """
    members = ("packages/alpha", "packages/beta")
    root_package = _Package(
        ".", "ws-root", None, "flat", dev=DEV_GROUP, scripts=False, dependencies=("alpha",)
    )
    packages = [root_package, _Package(members[1], "beta", _UV_BUILD, "src")]
    sources = (
        "[tool.uv.sources]\nalpha = { workspace = true }\nbeta = { workspace = true }\n\n"
        '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    )
    # alpha's own source table: beta from the workspace.
    alpha = _Package(
        members[0],
        "alpha",
        _HATCHLING,
        "src",
        dependencies=("beta",),
        extra="[tool.uv.sources]\nbeta = { workspace = true }\n",
    )
    packages.insert(1, alpha)
    _write(root, "workspace", packages, workspace=sources, **_options(options))
    return SampleProject(
        root,
        "workspace",
        "ws-root",
        "alpha",
        "alpha",
        members=members,
        member_modules={members[0]: "alpha", members[1]: "beta"},
    )


def _options(options: Mapping[str, object]) -> dict[str, object]:
    unknown = set(options) - {"python", "python_version", "env", "lock"}
    assert not unknown, f"unknown sample option(s): {sorted(unknown)}"
    return {"python": REQUIRES_PYTHON, "python_version": None, **options}


def _single(root: Path, kind: str, package: _Package, **options: object) -> SampleProject:
    _write(root, kind, [package], **_options(options))  # type: ignore[arg-type]
    return SampleProject(root, kind, package.name, package.module, package.name)


KINDS: dict[str, Callable[..., SampleProject]] = {
    "hatchling, src layout": hatchling_src,
    "uv_build": uv_build,
    "setuptools, flat layout": setuptools_flat,
    "flit-core": flit_src,
    "pdm-backend": pdm_src,
    "virtual": virtual,
    "workspace": workspace,
}


def create(kind: str, root: Path, **options: object) -> SampleProject:
    """The sample project of ``kind`` (a key of :data:`KINDS`) in ``root``."""
    assert kind in KINDS, f"no sample project {kind!r}; one of {sorted(KINDS)}"
    return KINDS[kind](root, **options)


def create_with_shared_lock(
    kind: str, root: Path, locked: Path, env: Mapping[str, str]
) -> SampleProject:
    """:func:`create`, its uv.lock copied from ``locked``: the same sample locked once
    there (a run's shared directory, support/run_cache.py) rather than in every scenario.
    The builders write the same files every time, and uv.lock names no absolute path."""
    project = create(kind, root, env=env, lock=False)
    directory = made_once(
        locked / re.sub(r"[^a-z0-9]+", "-", kind), lambda path: create(kind, path, env=env)
    )
    shutil.copy2(directory / "uv.lock", root / "uv.lock")
    return project


# --- uv ---------------------------------------------------------------------------------


@cache
def developer_uv_cache() -> str:
    """The uv cache of the user running the tests (the scenario's HOME has none)."""
    configured = os.environ.get("UV_CACHE_DIR")
    if configured:
        return configured
    completed = subprocess.run(
        [uv_program(), "cache", "dir"], capture_output=True, text=True, check=True, timeout=60
    )
    return completed.stdout.strip()


@cache
def uv_program() -> str:
    uv = shutil.which("uv")
    assert uv is not None, "uv is needed to lock the sample projects (README: install uv)"
    return uv


def local_python(request: str = REQUIRES_PYTHON) -> str | None:
    """A Python of this machine that satisfies ``request``, found by uv; never a download."""
    completed = subprocess.run(
        [
            uv_program(),
            "python",
            "find",
            "--system",
            "--no-project",
            "--no-python-downloads",
            request,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
    )
    return completed.stdout.strip() or None if completed.returncode == 0 else None


def uv_environment(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with the developer's uv cache and no interpreter downloads."""
    return {**env, "UV_CACHE_DIR": developer_uv_cache(), "UV_PYTHON_DOWNLOADS": "never"}


def lock_project(root: Path, env: Mapping[str, str], python: str | None = None) -> None:
    """``uv lock`` with a local interpreter (an explicit one: .python-version may name
    a version this machine has not got, which only the image's Nix side reads)."""
    interpreter = python or local_python()
    assert interpreter, "no local Python >= 3.11 for uv lock"
    completed = subprocess.run(
        [uv_program(), "lock", "--python", interpreter, "--no-progress", "--color", "never"],
        cwd=root,
        env=uv_environment(env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, f"uv lock failed in {root}:\n{completed.stderr}"
