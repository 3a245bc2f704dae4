"""Running the CLI as an unprivileged user, from wherever the project is checked out.

The suite runs as root, which ignores file permissions; the scenarios about unreadable
or read-only files run the CLI as ``nobody`` (``setpriv``) instead. That user cannot
enter a checkout under a private directory (a ``mktemp -d`` directory, or ``/root``,
both mode 0700), so it cannot run the checkout's ``.venv/bin/ci-image`` nor, often, its
base interpreter (uv's or pyenv's Python under ``/root``). So once per behave process
the helper is copied into a directory every user can enter (:func:`prepare`):

- the interpreter: the checkout's base interpreter when ``nobody`` can run it as it is
  (the same version and standard library: a probe run as ``nobody`` says so), otherwise
  a copy of it (executable, shared ``libpython`` and standard library; hard links where
  the file is readable by all, so this costs milliseconds);
- a virtual environment made by that interpreter holding the checkout's installed
  packages (hard links again) and a copy of ``ci_image`` itself (the checkout installs it
  editable, pointing into the checkout);
- the console script ``ci-image`` of that environment, and a copy of the coverage
  settings so a measured run measures the unprivileged process too.

The files under test stay where the scenario put them, with the modes it gave them.
Where this cannot work at all (not root, no ``setpriv``, no ``nobody`` user, no
temporary directory others can enter), :func:`unavailable_reason` says why and the
scenario is skipped with that reason.

Run as a script (``python features/support/unprivileged.py DIRECTORY``), the running
interpreter prepares ``DIRECTORY`` and prints the result as JSON: the suite's own
scenario (features/suite.feature) checks the set-up from a checkout under a 0700
directory this way.
"""

from __future__ import annotations

import base64
import fcntl
import importlib.util
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

USER = "nobody"
# Where a world-readable copy may live, in order; the first that every user can enter.
TEMPORARY_PARENTS = (tempfile.gettempdir(), "/tmp", "/var/tmp")
# Checked by running it as the unprivileged user: same interpreter, same standard library.
_IDENTITY = "import os, sys; print(sys.version); print(os.path.dirname(os.__file__))"
_PROBE_TIMEOUT = 60


@dataclass(frozen=True)
class HelperCopy:
    """The helper as the unprivileged user runs it (every path readable by all)."""

    root: Path
    python: Path
    command: list[str]
    environment: dict[str, str] = field(default_factory=dict)
    interpreter_copied: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "root": str(self.root),
            "python": str(self.python),
            "command": self.command,
            "environment": self.environment,
            "interpreter_copied": self.interpreter_copied,
        }


def unprivileged_ids() -> tuple[int, int] | None:
    try:
        entry = pwd.getpwnam(USER)
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


def unavailable_reason() -> str | None:
    """Why the CLI cannot be run as another user here, or None when it can."""
    if os.geteuid() != 0:
        return (
            f"the suite runs as uid {os.geteuid()}, not root: it can neither give the "
            "project to another user nor become one"
        )
    if shutil.which("setpriv") is None:
        return "setpriv (util-linux) is not installed: the CLI cannot be run as another user"
    if unprivileged_ids() is None:
        return f"there is no user {USER!r} to run the CLI as"
    if temporary_parent() is None:
        tried = ", ".join(TEMPORARY_PARENTS)
        return f"no temporary directory that every user can enter (tried {tried})"
    return None


def setpriv_prefix() -> list[str]:
    ids = unprivileged_ids()
    setpriv = shutil.which("setpriv")
    assert ids is not None and setpriv is not None, unavailable_reason()
    uid, gid = ids
    return [setpriv, f"--reuid={uid}", f"--regid={gid}", "--clear-groups"]


def _enterable_by_all(path: Path) -> bool:
    """Every directory from ``/`` to ``path`` can be entered by any user."""
    try:
        resolved = path.resolve(strict=True)
    except OSError:
        return False
    return all(
        directory.stat().st_mode & stat.S_IXOTH for directory in [resolved, *resolved.parents]
    )


def temporary_parent() -> Path | None:
    for candidate in TEMPORARY_PARENTS:
        path = Path(candidate)
        if path.is_dir() and os.access(path, os.W_OK) and _enterable_by_all(path):
            return path
    return None


# Preparing the copy ------------------------------------------------------------------


def _readable_by_all(source: Path) -> bool:
    mode = source.stat().st_mode
    executable = mode & stat.S_IXUSR
    return bool(mode & stat.S_IROTH) and (not executable or bool(mode & stat.S_IXOTH))


def _link_or_copy(source: str, target: str) -> str:
    """A hard link when the file is readable by all already (the same inode, the same
    modes: nothing of the checkout changes), otherwise a copy readable by all."""
    source_path = Path(source)
    if _readable_by_all(source_path):
        try:
            os.link(source_path.resolve(), target)
        except OSError:
            pass  # another file system, or links not allowed: copy
        else:
            return target
    shutil.copy2(source_path, target)
    mode = Path(target).stat().st_mode
    extra = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
    if mode & stat.S_IXUSR:
        extra |= stat.S_IXGRP | stat.S_IXOTH
    Path(target).chmod(mode | extra)
    return target


def mirror(source: Path, target: Path, skip: frozenset[str] = frozenset()) -> None:
    """``source``'s tree at ``target``, every directory enterable and every file readable
    by all; top-level entries named in ``skip`` are left out."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        return set(names) & skip if Path(directory) == source else set()

    shutil.copytree(source, target, ignore=ignore, copy_function=_link_or_copy, dirs_exist_ok=True)
    for directory, _, _ in os.walk(target):
        Path(directory).chmod(0o755)


def _run(command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, capture_output=True, text=True, timeout=_PROBE_TIMEOUT, check=False, **options
    )


def _runs_unprivileged_as_itself(interpreter: Path) -> bool:
    """Whether the unprivileged user gets this very interpreter (not, say, a system
    libpython the loader finds when the interpreter's own is out of reach)."""
    expected = _run([str(interpreter), "-I", "-c", _IDENTITY])
    probe = _run([*setpriv_prefix(), str(interpreter), "-I", "-c", _IDENTITY], cwd="/")
    return probe.returncode == 0 and probe.stdout == expected.stdout


def _interpreter(destination: Path, *, site_packages: bool) -> tuple[Path, dict[str, str], bool]:
    """The base interpreter the unprivileged user can run, the environment it needs and
    whether it is a copy (with its own site-packages when ``site_packages``)."""
    base = Path(getattr(sys, "_base_executable", sys.executable)).resolve()
    if _runs_unprivileged_as_itself(base):
        return base, {}, False
    prefix = Path(sys.base_prefix).resolve()
    copy = destination / "python"
    paths = sysconfig.get_paths()
    stdlib = Path(paths["stdlib"]).resolve()
    for part in (base, stdlib):
        if not part.is_relative_to(prefix):
            raise AssertionError(f"cannot copy the interpreter: {part} is not under {prefix}")
    (copy / base.parent.relative_to(prefix)).mkdir(parents=True, exist_ok=True)
    _link_or_copy(str(base), str(copy / base.relative_to(prefix)))
    # A virtual environment brings its own site-packages; test: 120 MB nobody uses.
    skip = {"test"} if site_packages else {"test", "site-packages"}
    mirror(stdlib, copy / stdlib.relative_to(prefix), skip=frozenset(skip))
    environment = {}
    if sysconfig.get_config_var("Py_ENABLE_SHARED"):
        library_dir = Path(str(sysconfig.get_config_var("LIBDIR"))).resolve()
        name = str(sysconfig.get_config_var("INSTSONAME"))
        target_dir = copy / library_dir.relative_to(prefix)
        target_dir.mkdir(parents=True, exist_ok=True)
        _link_or_copy(str(library_dir / name), str(target_dir / name))
        # The executable's RUNPATH names the original directory, out of reach: the
        # loader takes LD_LIBRARY_PATH first.
        environment["LD_LIBRARY_PATH"] = str(target_dir)
    for directory, _, _ in os.walk(copy):
        Path(directory).chmod(0o755)
    return copy / base.relative_to(prefix), environment, True


def _project_package() -> Path:
    spec = importlib.util.find_spec("ci_image")
    if spec is None or not spec.submodule_search_locations:
        raise AssertionError("ci_image is not importable by this interpreter")
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def _points_into(pth: Path, directory: Path) -> bool:
    """An editable install's .pth: a line naming ``directory`` (the project's source)."""
    for line in pth.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.strip() and not line.startswith(("import ", "import\t", "#")):
            try:
                if Path(line.strip()).resolve() == directory:
                    return True
            except OSError:
                continue
    return False


def prepare(destination: Path) -> HelperCopy:
    """Copy the helper for the unprivileged user into ``destination`` (made readable by
    all), from the running interpreter and its environment; checked by running it."""
    destination.mkdir(parents=True, exist_ok=True)
    destination.chmod(0o755)
    package = _project_package()
    if sys.prefix != sys.base_prefix:
        copy = _prepare_venv(destination, package)
    else:  # the interpreter's own environment (the CI image, nix develop)
        interpreter, environment, copied = _interpreter(destination, site_packages=True)
        site = destination / "site"
        mirror(package, site / package.name)
        environment["PYTHONPATH"] = str(site)
        command = [str(interpreter), "-m", "ci_image"]
        copy = HelperCopy(destination, interpreter, command, environment, copied)
    for directory, _, _ in os.walk(destination):
        Path(directory).chmod(0o755)
    _check(copy)
    return copy


def _prepare_venv(destination: Path, package: Path) -> HelperCopy:
    """A virtual environment like the checkout's: its packages, ci_image, ``ci-image``."""
    interpreter, environment, copied = _interpreter(destination, site_packages=False)
    venv = destination / "venv"
    made = _run([str(interpreter), "-m", "venv", "--without-pip", str(venv)])
    if made.returncode != 0:
        raise AssertionError(f"cannot make the environment for the unprivileged user:\n{made}")
    python = venv / "bin" / "python"
    question = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site_packages = Path(_run([str(python), "-c", question]).stdout.strip())
    sources = {Path(sysconfig.get_paths()[kind]).resolve() for kind in ("purelib", "platlib")}
    for source in sorted(sources):
        editable = frozenset(
            pth.name for pth in source.glob("*.pth") if _points_into(pth, package.parent)
        )
        mirror(source, site_packages, skip=editable)
    if not (site_packages / package.name).is_dir():
        mirror(package, site_packages / package.name)
    script = venv / "bin" / "ci-image"
    script.write_text(
        f"#!{python}\nimport sys\nfrom ci_image.cli import main\n\n"
        'if __name__ == "__main__":\n    sys.exit(main())\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return HelperCopy(destination, python, [str(script)], environment, copied)


def _check(copy: HelperCopy) -> None:
    """The unprivileged user imports the copy of ci_image, not the checkout's."""
    question = "import ci_image, yaml; print(ci_image.__file__)"
    python = str(copy.python)
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **copy.environment}
    answer = _run([*setpriv_prefix(), python, "-c", question], cwd="/", env=environment)
    if answer.returncode != 0 or not answer.stdout.startswith(str(copy.root)):
        raise AssertionError(
            f"the unprivileged user cannot use the copy of the helper in {copy.root}:\n"
            f"exit {answer.returncode}\n{answer.stdout}{answer.stderr}"
        )


# Once per run ---------------------------------------------------------------------------

# Set by the parallel runner: a directory every user can enter, removed after the run, in
# which the first behave process that needs the copy makes it and the others reuse it.
SHARED_VARIABLE = "CI_IMAGE_SUITE_SHARED"
_prepared: HelperCopy | None = None
_owned = False


def helper_copy() -> HelperCopy:
    """The copy for this run, made on first use: in the runner's shared directory when
    there is one, else in a directory of this process (removed by :func:`discard`)."""
    global _prepared, _owned  # noqa: PLW0603 - one copy per run
    if _prepared is not None:
        return _prepared
    shared = os.environ.get(SHARED_VARIABLE)
    if shared:
        _prepared = _shared_copy(Path(shared))
        return _prepared
    parent = temporary_parent()
    assert parent is not None, unavailable_reason()
    _prepared = prepare(Path(tempfile.mkdtemp(prefix="ci-image-unprivileged-", dir=parent)))
    _owned = True
    return _prepared


def _shared_copy(shared: Path) -> HelperCopy:
    """Made by whichever process gets the lock first; the others wait and read it."""
    root, description = shared / "unprivileged", shared / "unprivileged.json"
    with (shared / "unprivileged.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if description.exists():
            document = json.loads(description.read_text(encoding="utf-8"))
            return HelperCopy(
                Path(document["root"]),
                Path(document["python"]),
                list(document["command"]),
                dict(document["environment"]),
                bool(document["interpreter_copied"]),
            )
        copy = prepare(root)
        description.write_text(json.dumps(copy.as_json()), encoding="utf-8")
        return copy


def discard() -> None:
    """Remove this process's own copy (the runner removes a shared one)."""
    global _prepared, _owned
    if _prepared is not None and _owned:
        shutil.rmtree(_prepared.root, ignore_errors=True)
    _prepared, _owned = None, False


def run_unprivileged(
    arguments: list[str], *, cwd: Path, env: dict[str, str], private: Path, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    """``ci-image ARGUMENTS`` as the unprivileged user in ``cwd``. ``private`` is a
    directory of the scenario the user may write (its coverage data goes there)."""
    copy = helper_copy()
    env = dict(env)
    env.pop("PYTHONPATH", None)  # the copy holds everything; the checkout may be private
    for name, value in copy.environment.items():
        env[name] = os.pathsep.join(filter(None, [value, env.get(name)]))
    measured = _measure_unprivileged(env, copy, private)
    try:
        return subprocess.run(
            [*setpriv_prefix(), *copy.command, *arguments],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    finally:
        if measured is not None:
            data, target = measured
            for found in data.glob(".coverage.*"):
                shutil.move(found, target / found.name)


def _measure_unprivileged(
    env: dict[str, str], copy: HelperCopy, private: Path
) -> tuple[Path, Path] | None:
    """Under coverage, let the unprivileged process write its data where it may.

    Coverage measures subprocesses through ``COVERAGE_PROCESS_START`` (the settings file)
    with ``COVERAGE_FILE`` (environment.py), or ``COVERAGE_PROCESS_CONFIG`` (the settings
    serialized, under ``coverage run``). The unprivileged user can write to neither's data
    file: it reads a copy of the settings, readable by all, and writes its data to a
    directory of its own, moved next to the run's afterwards for ``coverage combine``.
    """
    serialized = env.pop("COVERAGE_PROCESS_CONFIG", None)
    if serialized is not None:
        config = json.loads(base64.b64decode(serialized))
        settings, data_file = Path(config["config_file"]), Path(config["data_file"])
    elif "COVERAGE_PROCESS_START" in env:
        settings = Path(env["COVERAGE_PROCESS_START"])
        data_file = Path(env.get("COVERAGE_FILE") or ".coverage").absolute()
    else:
        return None
    ids = unprivileged_ids()
    assert ids is not None
    data = private / "coverage"
    data.mkdir(exist_ok=True)
    os.chown(data, *ids)
    copied = copy.root / "coverage" / settings.name  # the same name: coverage reads TOML so
    if not copied.exists():
        copied.parent.mkdir(mode=0o755, exist_ok=True)
        _link_or_copy(str(settings), str(copied))
    env["COVERAGE_PROCESS_START"] = str(copied)
    env["COVERAGE_FILE"] = str(data / ".coverage")
    return data, data_file.parent


def main(arguments: list[str]) -> int:
    if len(arguments) != 1:
        sys.stderr.write("usage: python features/support/unprivileged.py DIRECTORY\n")
        return 2
    reason = unavailable_reason()
    if reason is not None:
        sys.stderr.write(f"unprivileged.py: {reason}\n")
        return 2
    sys.stdout.write(json.dumps(prepare(Path(arguments[0])).as_json()) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
