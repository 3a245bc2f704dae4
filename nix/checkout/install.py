"""Make a venv find the project's code in the checkout at run time, and run its scripts.

Run with the venv's own interpreter, at the end of the image venv's build
(nix/python.nix), and by the tests on a venv that uv built
(features/support/image_environment.py):

    VENV/bin/python install.py WORKSPACE

WORKSPACE holds the image's inputs only: ``uv.lock`` and the ``pyproject.toml`` of the
workspace root and of each local project, as the image's evaluation copied them. From
those, and nothing else, this writes into the venv:

- ``_ci_image_checkout.py`` (the run-time module next to this file), byte-compiled, and
  ``_ci_image_checkout.pth``, which calls it at start-up with what it needs to find the
  checkout and each project's package root (``src`` or the project directory, read from
  the build backend's settings where they say it, else found at run time);
- for each project ``uv sync`` would install (not the virtual ones): a console script
  for each entry of ``[project.scripts]`` and ``[project.gui-scripts]``, and a
  ``.dist-info`` with its name, version and entry points, so ``importlib.metadata`` and
  plugin discovery (pytest's ``pytest11`` entry points, ...) see it as after ``uv sync``.

Nothing here depends on the source tree, so the venv stays the same for every commit that
leaves the inputs alone. Standard library only; Python >= 3.11 (tomllib).
"""

from __future__ import annotations

import base64
import hashlib
import os
import py_compile
import sys
import sysconfig
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Next to this file: on sys.path when it runs as a script.
from _ci_image_checkout import normalize

HERE = Path(__file__).resolve().parent
RUNTIME_MODULE = "_ci_image_checkout"
# The version a project with a dynamic version gets in its .dist-info: the real one
# (from git tags, a file, ...) is only known to its build backend.
UNKNOWN_VERSION = "0+unknown"


class InstallError(Exception):
    """An input the venv cannot be completed from: one line, and the build fails."""


@dataclass(frozen=True)
class Project:
    """One local project of the workspace, as its pyproject.toml and uv.lock describe it."""

    name: str  # as written in [project] name
    relative: str  # its directory, relative to the workspace root ("" for the root)
    virtual: bool  # uv does not install it (no [build-system], or tool.uv.package = false)
    version: str = UNKNOWN_VERSION
    import_name: str = ""
    roots: list[str] | None = None  # package roots, relative to its directory; None: at run time
    scripts: dict[str, str] = field(default_factory=dict)
    gui_scripts: dict[str, str] = field(default_factory=dict)
    entry_points: dict[str, dict[str, str]] = field(default_factory=dict)


def local_projects(workspace: Path) -> list[Project]:
    """Every local project of uv.lock inside the workspace root, root first."""
    lock = _load_toml(workspace / "uv.lock")
    projects: list[Project] = []
    for package in lock.get("package", []):
        source = package.get("source", {})
        kind = next((key for key in ("editable", "virtual", "directory") if key in source), None)
        if kind is None:
            continue
        relative = _relative(str(source[kind]))
        if relative is None:  # a path dependency outside the workspace: not in the image
            continue
        pyproject_file = workspace / relative / "pyproject.toml"
        if not pyproject_file.is_file():
            # A path dependency without pyproject.toml (a setup.py project): nothing says
            # where its code or scripts are, so the hook cannot find it.
            continue
        projects.append(read_project(_load_toml(pyproject_file), relative, kind == "virtual"))
    return sorted(projects, key=lambda project: (project.relative != "", project.relative))


def _relative(path: str) -> str | None:
    parts = [part for part in path.replace("\\", "/").split("/") if part not in ("", ".")]
    if ".." in parts or path.startswith("/"):
        return None
    return "/".join(parts)


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except OSError as error:
        raise InstallError(f"{path}: cannot be read ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise InstallError(f"{path}: not valid TOML ({error})") from None


def read_project(pyproject: dict[str, Any], relative: str, virtual: bool) -> Project:
    """What the venv needs of one project: its scripts, metadata and package roots."""
    project = pyproject.get("project", {})
    name = str(project.get("name", "")) or (relative.rsplit("/", 1)[-1] if relative else "")
    tool = pyproject.get("tool", {})
    virtual = virtual or tool.get("uv", {}).get("package") is False
    version = project.get("version")
    import_name, roots = package_layout(pyproject, name)
    entry_points = {
        str(group): {str(key): str(value) for key, value in entries.items()}
        for group, entries in project.get("entry-points", {}).items()
    }
    return Project(
        name=name,
        relative=relative,
        virtual=virtual,
        version=str(version) if isinstance(version, str) else UNKNOWN_VERSION,
        import_name=import_name,
        roots=roots,
        scripts={str(k): str(v) for k, v in project.get("scripts", {}).items()},
        gui_scripts={str(k): str(v) for k, v in project.get("gui-scripts", {}).items()},
        entry_points=entry_points,
    )


def package_layout(pyproject: dict[str, Any], name: str) -> tuple[str, list[str] | None]:
    """The import name and the package roots the build backend's settings state, if any.

    Each backend's own setting, where it has one (hatchling's dev-mode-dirs, packages and
    sources; uv_build's module-root and module-name; setuptools' package-dir and
    packages.find.where; flit-core's module name; pdm-backend's package-dir;
    poetry-core's packages). None roots: the backend finds the layout by itself (src,
    else flat), and so does the run-time module.
    """
    tool = pyproject.get("tool", {})
    backend = str(pyproject.get("build-system", {}).get("build-backend", ""))
    import_name = name.replace("-", "_").replace(".", "_").lower()
    roots: list[str] | None = None
    if backend.startswith("hatchling"):
        build = tool.get("hatch", {}).get("build", {})
        wheel = build.get("targets", {}).get("wheel", {})
        sources = wheel.get("sources", build.get("sources"))
        if build.get("dev-mode-dirs"):
            roots = [str(entry) for entry in build["dev-mode-dirs"]]
        elif wheel.get("packages"):
            roots = _unique(_parent(str(package)) for package in wheel["packages"])
        elif isinstance(sources, list) and sources:
            roots = [str(entry) for entry in sources]
        elif isinstance(sources, dict) and sources:
            stripped = [str(key) for key, value in sources.items() if value == ""]
            roots = stripped or None
    elif backend.startswith("uv_build"):
        settings = tool.get("uv", {}).get("build-backend", {})
        roots = [str(settings.get("module-root", "src")) or "."]
        module = settings.get("module-name", import_name)
        import_name = str(module[0] if isinstance(module, list) and module else module)
    elif backend.startswith("setuptools"):
        settings = tool.get("setuptools", {})
        package_dir = settings.get("package-dir", {})
        packages = settings.get("packages", {})
        if "" in package_dir:
            roots = [str(package_dir[""]) or "."]
        elif isinstance(packages, dict) and packages.get("find", {}).get("where"):
            roots = [str(entry) for entry in packages["find"]["where"]]
    elif backend.startswith("flit_core"):
        import_name = str(tool.get("flit", {}).get("module", {}).get("name", import_name))
    elif backend.startswith("pdm"):
        package_dir = tool.get("pdm", {}).get("build", {}).get("package-dir")
        roots = [str(package_dir) or "."] if isinstance(package_dir, str) else None
    elif backend.startswith("poetry"):
        packages = tool.get("poetry", {}).get("packages", [])
        if packages:
            roots = _unique(str(entry.get("from", ".")) for entry in packages)
    return import_name, [_clean(root) for root in roots] if roots is not None else None


def _parent(path: str) -> str:
    parent = path.rstrip("/").rpartition("/")[0]
    return parent or "."


def _clean(path: str) -> str:
    return _relative(path) or "."


def _unique(items: Any) -> list[str]:
    return list(dict.fromkeys(items))


def entry_point(name: str, spec: str) -> tuple[str, str]:
    """``module:attr.sub`` -> (module, attr.sub), as console scripts are declared."""
    module, separator, attribute = spec.partition(":")
    module, attribute = module.strip(), attribute.split("[", 1)[0].strip()
    if not separator or not module or not attribute:
        raise InstallError(
            f"pyproject.toml: the script {name} = {spec!r} is not 'module:function'; fix "
            "[project.scripts]"
        )
    return module, attribute


def script_text(python: str, project: Project, name: str, spec: str) -> str:
    """A console script as installers write one; outside a checkout it says so."""
    module, attribute = entry_point(name, spec)
    head = attribute.split(".", 1)[0]
    return (
        f"#!{python}\n"
        "import sys\n"
        "try:\n"
        f"    from {module} import {head}\n"
        "except ModuleNotFoundError:\n"
        f"    import {RUNTIME_MODULE}\n"
        f"    {RUNTIME_MODULE}.require({project.name!r})\n"
        "    raise\n"
        'if __name__ == "__main__":\n'
        f"    sys.exit({attribute}())\n"
    )


def pth_line(projects: list[Project]) -> str:
    """The .pth line: the anchors that identify the checkout, and the installed packages.

    A workspace root without ``[project]`` is not in uv.lock: its anchor has no name.
    """
    anchors = [(project.relative, normalize(project.name) or None) for project in projects]
    if not any(relative == "" for relative, _ in anchors):
        anchors.insert(0, ("", None))
    packages = [
        (project.relative, project.roots, project.import_name)
        for project in projects
        if not project.virtual
    ]
    return f"import {RUNTIME_MODULE}; {RUNTIME_MODULE}.activate({anchors!r}, {packages!r})\n"


def dist_info_name(project: Project) -> str:
    """``{name}-{version}.dist-info``, the name escaped as the wheel format says."""
    return f"{normalize(project.name).replace('-', '_')}-{project.version}.dist-info"


def dist_info(project: Project) -> dict[str, str]:
    """The files of the project's .dist-info but RECORD: metadata and entry points."""
    groups = dict(project.entry_points)
    if project.scripts:
        groups["console_scripts"] = project.scripts
    if project.gui_scripts:
        groups["gui_scripts"] = project.gui_scripts
    entry_points = "".join(
        f"[{group}]\n"
        + "".join(f"{key} = {value}\n" for key, value in sorted(entries.items()))
        + "\n"
        for group, entries in sorted(groups.items())
    )
    files = {
        "METADATA": f"Metadata-Version: 2.1\nName: {project.name}\nVersion: {project.version}\n",
        "INSTALLER": "ci-image\n",
    }
    if entry_points:
        files["entry_points.txt"] = entry_points
    return files


def install(workspace: Path, prefix: Path) -> list[Path]:
    """Write everything into the venv at ``prefix``; the files written, sorted."""
    projects = local_projects(workspace)
    installed = [project for project in projects if not project.virtual]
    paths = sysconfig.get_paths(vars={"base": str(prefix), "platbase": str(prefix)})
    site_packages, scripts = Path(paths["purelib"]), Path(paths["scripts"])
    python = str(prefix / "bin" / "python")
    written: dict[Path, str] = {}
    if installed:
        module = (HERE / f"{RUNTIME_MODULE}.py").read_text(encoding="utf-8")
        written[site_packages / f"{RUNTIME_MODULE}.py"] = module
        written[site_packages / f"{RUNTIME_MODULE}.pth"] = pth_line(projects)
    for project in installed:
        for name, spec in sorted({**project.scripts, **project.gui_scripts}.items()):
            written[scripts / name] = script_text(python, project, name, spec)
        directory = site_packages / dist_info_name(project)
        for name, text in dist_info(project).items():
            written[directory / name] = text
    for path, text in written.items():
        if path.exists():
            raise InstallError(f"{path}: already in the venv; a locked package ships it too")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if path.parent == scripts:
            path.chmod(0o755)
    if installed:
        source = site_packages / f"{RUNTIME_MODULE}.py"
        # The hash, not the mtime, says the bytecode is current: reproducible, and never
        # rewritten (the venv is read-only at run time).
        mode = py_compile.PycInvalidationMode.UNCHECKED_HASH
        compiled = py_compile.compile(str(source), doraise=True, invalidation_mode=mode)
        written[Path(str(compiled))] = ""
        _write_records(installed, site_packages, scripts, written)
    return sorted(written)


def _write_records(
    projects: list[Project], site_packages: Path, scripts: Path, written: dict[Path, str]
) -> None:
    """Each .dist-info's RECORD: its own files and the project's scripts."""
    for project in projects:
        directory = site_packages / dist_info_name(project)
        names = {**project.scripts, **project.gui_scripts}
        owned = [path for path in written if path.parent == directory]
        owned += [path for path in written if path.parent == scripts and path.name in names]
        lines = []
        for path in sorted(owned):
            data = path.read_bytes()
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            relative = os.path.relpath(path, site_packages)
            lines.append(f"{relative},sha256={digest.decode()},{len(data)}\n")
        record = directory / "RECORD"
        lines.append(f"{os.path.relpath(record, site_packages)},,\n")
        record.write_text("".join(lines), encoding="utf-8")
        written[record] = ""


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write("usage: VENV/bin/python install.py WORKSPACE\n")
        return 2
    try:
        for path in install(Path(argv[1]), Path(sys.prefix)):
            print(path)
    except InstallError as error:
        sys.stderr.write(f"install.py: {error}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
