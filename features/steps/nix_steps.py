"""Steps for the Nix side: flake.nix, flake.lock and nix/, checked with the real Nix.

Evaluation runs `nix-instantiate` on features/support/nix/probe.nix, which calls the
flake's `outputs` with the stand-ins of features/support/nix/standins.nix and describes
the result as JSON. `--read-write-mode` lets `builtins.path` really copy the image's
workspace to the store, so the tests can list it.
"""

from __future__ import annotations

import json
import re
import shutil
import stat
import subprocess
import tomllib
from pathlib import Path
from typing import Any

from behave import given, then, when
from behave.runner import Context

from ci_image.image.inputs import (
    INPUT_FILES,
    MISSING,
    file_hashes,
    format_per_file,
    inputs_digest,
)
from support.flake_probe import NOT_COPIED, copy_once
from support.run_cache import made_once, shared_directory

REPOSITORY = Path(__file__).resolve().parents[2]
SUPPORT = REPOSITORY / "features" / "support" / "nix"
FIXTURE = REPOSITORY / "features" / "fixtures" / "nix" / "flake-inputs.json"
SYSTEMS = ("x86_64-linux", "aarch64-linux")
SYSTEM = "x86_64-linux"
EPOCH = "1970-01-01T00:00:01Z"


# --- running Nix ---------------------------------------------------------------------


def run_nix(context: Context, arguments: list[str], cwd: Path | None = None) -> Any:
    """Run a Nix command; its JSON output, or an AssertionError with Nix's message."""
    completed = subprocess.run(
        arguments,
        cwd=cwd or REPOSITORY,
        env=context.env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, f"{' '.join(arguments)} failed:\n{completed.stderr}"
    return json.loads(completed.stdout)


def nix_eval_file(context: Context, file: Path, **arguments: Path) -> Any:
    command = ["nix-instantiate", "--eval", "--strict", "--json", "--read-write-mode", str(file)]
    for name, value in arguments.items():
        command += ["--arg", name, str(value)]
    return run_nix(context, command)


def nix_eval_expression(context: Context, expression: str, cwd: Path) -> Any:
    command = ["nix-instantiate", "--eval", "--strict", "--json", "-E", expression]
    return run_nix(context, command, cwd=cwd)


def nix_string(path: Path) -> str:
    """A Nix path literal for an absolute path."""
    text = str(path)
    assert text.startswith("/") and re.fullmatch(r"[A-Za-z0-9._+/-]+", text), text
    return text


def project_root(context: Context) -> Path:
    root: Path | None = getattr(context, "project_copy", None)
    return root or REPOSITORY


# --- the probe's answers ---------------------------------------------------------------


def probe(context: Context) -> dict[str, Any]:
    described: dict[str, Any] = context.probe
    return described


def system(context: Context, name: str = SYSTEM) -> dict[str, Any]:
    described: dict[str, Any] = probe(context)["perSystem"][name]
    return described


def image(context: Context) -> dict[str, Any]:
    described: dict[str, Any] = system(context)["image"]
    return described


def image_arguments(context: Context) -> dict[str, Any]:
    arguments: dict[str, Any] = image(context)["arguments"]
    return arguments


def shell(context: Context) -> dict[str, Any]:
    described: dict[str, Any] = system(context)["shell"]
    return described


def environment_of(entries: list[str]) -> dict[str, str]:
    return dict(entry.split("=", 1) for entry in entries)


def image_environment(context: Context) -> dict[str, str]:
    return environment_of(image_arguments(context)["config"]["Env"])


def image_path(context: Context) -> list[str]:
    return image_environment(context)["PATH"].split(":")


def standins_eval(context: Context, expression: str, system_name: str = SYSTEM) -> Any:
    """A JSON value computed from the stand-ins alone (``standins``, ``pkgs``, ``lib``)."""
    program = (
        f"let standins = import {nix_string(SUPPORT / 'standins.nix')};"
        f' pkgs = standins.pkgsFor "{system_name}"; inherit (standins) lib;'
        f" in {expression}"
    )
    return nix_eval_expression(context, program, project_root(context))


def store_name(entry: str) -> str:
    """``/nix/store/HASH-NAME/bin`` (or the store path itself) -> ``NAME``."""
    match = re.fullmatch(r"/nix/store/[0-9a-z]{32}-([^/]+)(?:/bin)?", entry)
    assert match, entry
    return match[1]


def lock_package(root: Path, name: str) -> dict[str, Any]:
    lock = tomllib.loads((root / "uv.lock").read_text(encoding="utf-8"))
    for package in lock["package"]:
        if package["name"] == name:
            found: dict[str, Any] = package
            return found
    raise AssertionError(f"{name} is not in uv.lock")


def project_name(root: Path) -> str:
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    name: str = pyproject["project"]["name"]
    return name


# --- a copy of the project -----------------------------------------------------------


@given("a copy of the project")
def step_copy_project(context: Context) -> None:
    """The run's pristine copy (support/run_cache.py): most scenarios only evaluate it.
    A step that changes the copy makes the scenario its own first (:func:`own_copy`)."""
    context.project_copy = copy_once(REPOSITORY, shared_directory(context, "project") / "copy")
    context.project_copy_shared = True


def own_copy(context: Context) -> Path:
    """The scenario's own copy of the project, made from the pristine one on first use."""
    if getattr(context, "project_copy_shared", False):
        # The same directory name: Nix names a store path after it (the stand-ins' sources
        # are interpolated), so the copy evaluates as the pristine one until it changes.
        destination = context.workdir / context.project_copy.name
        shutil.copytree(context.project_copy, destination, symlinks=True)
        context.project_copy = destination
        context.project_copy_shared = False
    copy: Path = context.project_copy
    return copy


@when("the flake's outputs are evaluated with the stand-in inputs")
@when("the flake's outputs are evaluated again")
def step_evaluate_flake(context: Context) -> None:
    previous = getattr(context, "probe", None)
    if previous is not None:
        context.previous_probe = previous
    if getattr(context, "project_copy_shared", False):
        # The pristine copy evaluates to the same description every time: once per run.
        context.probe = json.loads(
            made_once(
                context.project_copy.with_name("probe.json"),
                lambda path: path.write_text(
                    json.dumps(
                        nix_eval_file(context, SUPPORT / "probe.nix", root=context.project_copy)
                    ),
                    encoding="utf-8",
                ),
            ).read_text(encoding="utf-8")
        )
        return
    context.probe = nix_eval_file(context, SUPPORT / "probe.nix", root=context.project_copy)


@when('a line is added to "{name}" in the copy')
@when('a comment line is added to "{name}" in the copy')
def step_change_file(context: Context, name: str) -> None:
    path = own_copy(context) / name
    with path.open("a", encoding="utf-8") as stream:
        stream.write("# changed by a scenario\n")


# --- which files the image depends on -------------------------------------------------


def tracked_files() -> list[str]:
    """Every file git tracks in this repository (the real one, not the copy)."""
    completed = subprocess.run(
        ["git", "ls-files", "-z"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [name for name in completed.stdout.split("\0") if name]


def is_image_input(name: str, patterns: list[str]) -> bool:
    """Whether the build workflow's filter (the flake's lib.imageInputs) matches ``name``."""
    for pattern in patterns:
        assert re.fullmatch(r"[A-Za-z0-9._/-]+(?:/\*\*)?", pattern), (
            f"{pattern}: this step knows exact paths and DIR/** only"
        )
        if name == pattern or (pattern.endswith("/**") and name.startswith(pattern[:-2])):
            return True
    return False


def image_input_files(context: Context, inputs: bool) -> list[str]:
    """Tracked files that are (or are not) inputs of the image, as present in the copy."""
    patterns = probe(context)["imageInputs"]
    names = [
        name
        for name in tracked_files()
        if is_image_input(name, patterns) == inputs
        and ((context.project_copy / name).is_symlink() or (context.project_copy / name).exists())
    ]
    assert names, f"no tracked file is{'' if inputs else ' not'} an input of the image"
    return names


def image_tags(context: Context) -> subprocess.CompletedProcess[str]:
    """Only the image's tag per system (features/support/nix/image-tag.nix)."""
    return subprocess.run(
        [
            "nix-instantiate",
            "--eval",
            "--strict",
            "--json",
            "--read-write-mode",
            str(SUPPORT / "image-tag.nix"),
            "--arg",
            "root",
            str(context.project_copy),
        ],
        env=context.env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def change_file(path: Path, replacement: bytes | None = None) -> None:
    """Another content (a comment appended, or ``replacement``); a symlink becomes a file."""
    if path.is_symlink():
        target = path.read_bytes()
        path.unlink()
        path.write_bytes(replacement or target + b"\n# changed by a scenario\n")
    elif replacement is not None:
        path.write_bytes(replacement)
    else:
        with path.open("ab") as stream:
            stream.write(b"\n# changed by a scenario\n")


@when("every file git tracks that is not an input of the image is changed in the copy")
def step_change_non_inputs(context: Context) -> None:
    names = image_input_files(context, inputs=False)
    for expected in ("README.md", "src/ci_image/cli.py", "features/environment.py", "noxfile.py"):
        assert expected in names, f"{expected} should be tracked and not an input: {names}"
    for name in names:
        change_file(own_copy(context) / name)


@when("every file git tracks that is not an input of the image is removed from the copy")
def step_remove_non_inputs(context: Context) -> None:
    for name in image_input_files(context, inputs=False):
        (own_copy(context) / name).unlink()


@when("each file git tracks that is an input of the image is changed in turn in the copy")
def step_change_each_input(context: Context) -> None:
    own_copy(context)
    baseline = image_tags(context)
    assert baseline.returncode == 0, baseline.stderr
    context.input_outcomes = {}
    for name in image_input_files(context, inputs=True):
        path = context.project_copy / name
        original = path.read_bytes()
        poison = b'throw "changed by a scenario"\n' if name.endswith(".nix") else None
        change_file(path, poison)
        try:
            after = image_tags(context)
        finally:
            path.write_bytes(original)
        if after.returncode != 0:
            context.input_outcomes[name] = "failed"
        elif json.loads(after.stdout) == json.loads(baseline.stdout):
            context.input_outcomes[name] = "unchanged"
        else:
            context.input_outcomes[name] = "changed"
    assert image_tags(context).stdout == baseline.stdout, "the copy was not restored"


@then('the image\'s tag changed or its evaluation failed for every one of them but "{exceptions}"')
def step_inputs_change_tag(context: Context, exceptions: str) -> None:
    excepted = {name.strip() for name in exceptions.split(",")}
    outcomes = context.input_outcomes
    assert excepted <= set(outcomes), (excepted, outcomes)
    for required in ("pyproject.toml", "uv.lock", "flake.nix", "nix/image.nix", "nix/tools.nix"):
        assert required in outcomes, (required, outcomes)
    unaffected = sorted(
        name
        for name, outcome in outcomes.items()
        if outcome == "unchanged" and name not in excepted
    )
    assert not unaffected, f"inputs that did not change the image: {unaffected}\n{outcomes}"
    assert outcomes["pyproject.toml"] == outcomes["uv.lock"] == "changed", outcomes


@then('the image\'s tag did not change for "{names}"')
def step_inputs_not_read(context: Context, names: str) -> None:
    for name in (name.strip() for name in names.split(",")):
        assert context.input_outcomes[name] == "unchanged", (name, context.input_outcomes)


# --- parsing ---------------------------------------------------------------------------


@when("every Nix file of the project is parsed with nix-instantiate")
def step_parse_all(context: Context) -> None:
    files = sorted(
        path
        for path in REPOSITORY.rglob("*.nix")
        if not set(path.relative_to(REPOSITORY).parts) & set(NOT_COPIED)
    )
    assert len(files) >= 10, files
    context.parse_failures = []
    for path in files:
        completed = subprocess.run(
            ["nix-instantiate", "--parse", str(path)],
            env=context.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if completed.returncode != 0:
            context.parse_failures.append(f"{path}: {completed.stderr.strip()}")


@then("no Nix file has a syntax error")
def step_no_parse_failure(context: Context) -> None:
    assert not context.parse_failures, "\n".join(context.parse_failures)


# --- flake.lock ------------------------------------------------------------------------


def load_lock() -> dict[str, Any]:
    lock: dict[str, Any] = json.loads((REPOSITORY / "flake.lock").read_text(encoding="utf-8"))
    return lock


def original_of(url: str) -> dict[str, str]:
    """The `original` Nix locks for a github: flake url."""
    match = re.fullmatch(r"github:([^/]+)/([^/]+)(?:/([^/]+))?", url)
    assert match, f"not a github: url: {url}"
    original = {"type": "github", "owner": match[1], "repo": match[2]}
    if match[3]:
        original["ref"] = match[3]
    return original


@when("Nix evaluates the inputs of flake.nix")
def step_flake_inputs(context: Context) -> None:
    context.flake_inputs = nix_eval_expression(context, "(import ./flake.nix).inputs", REPOSITORY)


@then("the root of flake.lock locks exactly those inputs")
def step_root_locks_inputs(context: Context) -> None:
    lock = load_lock()
    root = lock["nodes"][lock["root"]]["inputs"]
    assert sorted(root) == sorted(context.flake_inputs), (root, context.flake_inputs)
    for name, node in root.items():
        assert node == name, f"root input {name} points at node {node}"


@then("every follows in flake.nix is the same follows in flake.lock")
def step_follows(context: Context) -> None:
    nodes = load_lock()["nodes"]
    for name, declared in context.flake_inputs.items():
        expected = {child: [spec["follows"]] for child, spec in declared.get("inputs", {}).items()}
        assert nodes[name].get("inputs", {}) == expected, (name, nodes[name].get("inputs"))
    assert any(declared.get("inputs") for declared in context.flake_inputs.values())


@then("flake.lock locks one nixpkgs and one pyproject.nix, and nothing else")
def step_one_of_each(context: Context) -> None:
    nodes = load_lock()["nodes"]
    repositories = sorted(
        f"{node['locked']['owner']}/{node['locked']['repo']}"
        for name, node in nodes.items()
        if name != "root"
    )
    assert repositories == sorted(
        [
            "NixOS/nixpkgs",
            "pyproject-nix/pyproject.nix",
            "pyproject-nix/uv2nix",
            "pyproject-nix/build-system-pkgs",
        ]
    ), repositories


@then("every input is locked at the rev, narHash and lastModified of the fixture")
def step_locked_revisions(context: Context) -> None:
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))["inputs"]
    nodes = load_lock()["nodes"]
    assert sorted(fixture) == sorted(context.flake_inputs)
    for name, entry in fixture.items():
        assert nodes[name]["locked"] == entry["locked"], (name, nodes[name]["locked"])
        for key in ("rev", "narHash", "lastModified"):
            assert nodes[name]["locked"][key] == entry["locked"][key]


@then("every input's original in flake.lock is its url in flake.nix")
def step_originals(context: Context) -> None:
    nodes = load_lock()["nodes"]
    for name, declared in context.flake_inputs.items():
        assert nodes[name]["original"] == original_of(declared["url"]), name


@then("flake.lock is lock format 7, two-space indented JSON with sorted keys and a final newline")
def step_lock_format(context: Context) -> None:
    text = (REPOSITORY / "flake.lock").read_text(encoding="utf-8")
    lock = json.loads(text)
    assert lock["version"] == 7 and lock["root"] == "root", lock.get("version")
    assert text == json.dumps(lock, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@when("Nix reads the flake's metadata offline without updating the lock")
def step_flake_metadata(context: Context) -> None:
    flake = context.workdir / "flake"
    flake.mkdir()
    for name in ("flake.nix", "flake.lock"):
        shutil.copy2(REPOSITORY / name, flake / name)
    context.metadata = run_nix(
        context,
        [
            "nix",
            "flake",
            "metadata",
            "--json",
            "--no-update-lock-file",
            "--no-write-lock-file",
            f"path:{flake}",
        ],
        cwd=flake,
    )
    context.lock_after = (flake / "flake.lock").read_bytes()


@then("Nix reports exactly the locks of flake.lock")
def step_metadata_locks(context: Context) -> None:
    assert context.metadata["locks"] == load_lock()
    assert context.lock_after == (REPOSITORY / "flake.lock").read_bytes()


# --- the image -------------------------------------------------------------------------


@then("the image is built with tag null, so its tag is the hash Nix gives it")
def step_tag_null(context: Context) -> None:
    arguments = image_arguments(context)
    assert "tag" in arguments and arguments["tag"] is None, arguments.get("tag")
    assert re.fullmatch(r"[0-9a-z]{32}", image(context)["imageTag"]), image(context)["imageTag"]


@then('the image\'s created and mtime are both "{stamp}"')
def step_timestamps(context: Context, stamp: str) -> None:
    arguments = image_arguments(context)
    assert (arguments.get("created"), arguments.get("mtime")) == (stamp, stamp), arguments


@then('the image is built with compressor "{compressor}", as a store path ending in "{suffix}"')
def step_compressor(context: Context, compressor: str, suffix: str) -> None:
    assert image_arguments(context).get("compressor") == compressor, image_arguments(context)
    assert image(context)["storePath"].endswith(suffix), image(context)["storePath"]


@then("the image is named after the image of [tool.ci-image] in pyproject.toml")
def step_image_name(context: Context) -> None:
    pyproject = tomllib.loads((context.project_copy / "pyproject.toml").read_text("utf-8"))
    expected = pyproject["tool"]["ci-image"]["image"]
    assert image_arguments(context)["name"] == expected
    assert image(context)["imageName"] == expected.lower()


@then("the image's PATH and the dev shell's packages both have")
def step_required_tools(context: Context) -> None:
    on_path = [store_name(entry) for entry in image_path(context) if entry.startswith("/nix/")]
    in_shell = shell(context)["packages"]
    in_root = image_arguments(context)["contents"]
    for row in context.table:
        name = row["package"]
        if name == "the venv":
            assert image_path(context)[0] == system(context)["venv"]["storePath"] + "/bin"
            assert shell(context)["packageOutPaths"][0] == system(context)["venv"]["storePath"]
            continue
        assert name in on_path, f"{name} ({row['needed by']}) is not on the image's PATH"
        assert name in in_shell, f"{name} ({row['needed by']}) is not in the dev shell"
        if row["in the root"] == "yes":
            assert name in in_root, f"{name} is not linked into the image's root: {in_root}"


@then(
    "the image's PATH is its venv's bin directory, then the bin directories of its packages, "
    "then /bin and /usr/bin"
)
def step_path_shape(context: Context) -> None:
    path = image_path(context)
    assert path[0] == system(context)["venv"]["storePath"] + "/bin", path
    assert path[-2:] == ["/bin", "/usr/bin"], path
    for entry in path[1:-2]:
        assert re.fullmatch(r"/nix/store/[0-9a-z]{32}-[^/]+/bin", entry), entry


@then(
    "the image's root has /bin/sh, /usr/bin/env, the CA bundle and /etc/passwd, "
    "then only packages on its PATH"
)
def step_contents(context: Context) -> None:
    contents = image_arguments(context)["contents"]
    helpers = ["bin-sh", "usr-bin-env", "ca-certificates", "fake-nss"]
    assert contents[:4] == helpers, contents
    on_path = {store_name(entry) for entry in image_path(context) if entry.startswith("/nix/")}
    assert set(contents[4:]) <= on_path, set(contents[4:]) - on_path


@then('the image runs as user "{user}"')
def step_user(context: Context, user: str) -> None:
    assert image_arguments(context)["config"]["User"] == user


@when(
    'the image\'s extra commands for "{system_name}" are run in an empty root, '
    "as dockerTools runs them"
)
def step_run_extra_commands(context: Context, system_name: str) -> None:
    """The customisation layer runs `cd old_out; eval "$extraCommands"` (docker/default.nix)."""
    commands = system(context, system_name)["image"]["arguments"]["extraCommands"]
    root = context.workdir / f"layer-{system_name}"
    root.mkdir()
    subprocess.run(
        ["bash", "-euo", "pipefail", "-c", 'eval "$EXTRA_COMMANDS"'],
        cwd=root,
        env={**context.env, "EXTRA_COMMANDS": commands},
        check=True,
        timeout=60,
    )
    context.layer_root = root


@then('in that root "{first}" and "{second}" have mode 1777 and "{home}" has mode 0700')
def step_layer_modes(context: Context, first: str, second: str, home: str) -> None:
    for name, mode in ((first, 0o1777), (second, 0o1777), (home, 0o700)):
        path = context.layer_root / name
        assert path.is_dir() and not path.is_symlink(), name
        assert stat.S_IMODE(path.stat().st_mode) == mode, (name, oct(path.stat().st_mode))


@then("the image's extra commands write only relative paths")
def step_extra_commands_relative(context: Context) -> None:
    """A leading / would escape the layer's root; only a link's target may be absolute."""
    commands = image_arguments(context)["extraCommands"]
    for line in commands.splitlines():
        words = line.split()
        if words[:2] == ["ln", "-s"]:
            words = words[:2] + words[3:]
        assert not any(word.startswith("/") for word in words), line


@then('in that root "{link}" is a symbolic link to stdenv.cc.bintools.dynamicLinker of "{name}"')
def step_loader_link(context: Context, link: str, name: str) -> None:
    path = context.layer_root / link
    assert path.is_symlink(), sorted(str(p) for p in context.layer_root.rglob("*"))
    linker = standins_eval(context, "pkgs.stdenv.cc.bintools.dynamicLinker", name)
    assert str(path.readlink()) == linker, (path.readlink(), linker)


@then('stdenv.cc.bintools.dynamicLinker of "{name}" is "{relative}" in glibc')
def step_loader_is_glibc(context: Context, name: str, relative: str) -> None:
    glibc = standins_eval(context, "pkgs.glibc.outPath", name)
    linker = standins_eval(context, "pkgs.stdenv.cc.bintools.dynamicLinker", name)
    assert linker == f"{glibc}/{relative}", (linker, glibc)


@then("the image's environment has")
def step_image_environment(context: Context) -> None:
    environment = image_environment(context)
    for row in context.table:
        assert environment.get(row["name"]) == row["value"], (row["name"], environment)


@then("the image's labels are")
def step_labels(context: Context) -> None:
    labels = image_arguments(context)["config"]["Labels"]
    assert labels == {row["name"]: row["value"] for row in context.table}, labels


@then(
    "for both systems the image's CI_IMAGE_WHEEL_LIBRARY_PATH is the lib directory of each "
    "package of pythonManylinuxPackages.manylinux2014, then of zlib"
)
def step_wheel_library_path(context: Context) -> None:
    for name in SYSTEMS:
        packages = standins_eval(
            context,
            "map (p: p.outPath) (pkgs.pythonManylinuxPackages.manylinux2014 ++ [ pkgs.zlib ])",
            name,
        )
        expected = ":".join(dict.fromkeys(f"{package}/lib" for package in packages))
        environment = environment_of(system(context, name)["image"]["arguments"]["config"]["Env"])
        assert environment["CI_IMAGE_WHEEL_LIBRARY_PATH"] == expected, (name, environment)


@then('for both systems the directories of CI_IMAGE_WHEEL_LIBRARY_PATH provide "{sonames}"')
def step_wheel_libraries(context: Context, sonames: str) -> None:
    wanted = [soname.strip() for soname in sonames.split(",")]
    for name in SYSTEMS:
        provided = standins_eval(context, f'standins.sonamesFor "{name}"', name)
        environment = environment_of(system(context, name)["image"]["arguments"]["config"]["Env"])
        found = {
            soname
            for directory in environment["CI_IMAGE_WHEEL_LIBRARY_PATH"].split(":")
            for soname in provided.get(directory, [])
        }
        missing = [soname for soname in wanted if soname not in found]
        assert not missing, (name, missing)


@then('the image\'s environment has no "{name}"')
def step_environment_lacks(context: Context, name: str) -> None:
    for system_name in SYSTEMS:
        environment = environment_of(
            system(context, system_name)["image"]["arguments"]["config"]["Env"]
        )
        assert name not in environment, (system_name, environment[name])


# What this repository's image hashes: its flake sets no `python`, so .python-version is
# read, and named (as missing) while the repository has none.
HASHED_HERE = (*INPUT_FILES, ".python-version")


@then("the image's CI_IMAGE_INPUTS is the digest the helper computes for the copy")
def step_inputs_digest(context: Context) -> None:
    expected = inputs_digest(file_hashes(context.project_copy, HASHED_HERE))
    assert image_environment(context)["CI_IMAGE_INPUTS"] == expected


@then("the image's CI_IMAGE_INPUT_FILES is the per-file list the helper computes for the copy")
def step_inputs_per_file(context: Context) -> None:
    expected = format_per_file(file_hashes(context.project_copy, HASHED_HERE))
    assert image_environment(context)["CI_IMAGE_INPUT_FILES"] == expected


@then(
    "the image's venv holds every dependency, extra and dependency group of the project in uv.lock"
)
def step_venv_dependencies(context: Context) -> None:
    package = lock_package(context.project_copy, project_name(context.project_copy))
    wanted = {dependency["name"] for dependency in package.get("dependencies", [])}
    for table in ("optional-dependencies", "dev-dependencies"):
        for dependencies in package.get(table, {}).values():
            wanted |= {dependency["name"] for dependency in dependencies}
    venv = system(context)["venv"]
    assert wanted and wanted <= set(venv["packages"]), wanted - set(venv["packages"])
    assert set(venv["spec"]) == wanted, venv["spec"]
    assert {"nox", "behave", "pyyaml", "ruff", "mypy"} <= set(venv["packages"])


@then("the image's venv does not hold the project")
def step_venv_without_project(context: Context) -> None:
    venv = system(context)["venv"]
    assert project_name(context.project_copy) not in venv["packages"], venv["packages"]
    assert venv["sources"] == [], venv


@then("the image's venv comes from a workspace of exactly pyproject.toml and uv.lock, with wheels")
def step_venv_workspace(context: Context) -> None:
    venv = system(context)["venv"]
    assert venv["workspace"].startswith("/nix/store/"), venv["workspace"]
    assert venv["workspaceFiles"] == ["pyproject.toml", "uv.lock"], venv["workspaceFiles"]
    assert venv["buildSystems"] == "wheel", venv["buildSystems"]
    for name in venv["workspaceFiles"]:
        copied = Path(venv["workspace"]) / name
        assert copied.read_bytes() == (context.project_copy / name).read_bytes(), name


@then("no argument of the image is a path or carries a store path as context")
def step_no_source_reference(context: Context) -> None:
    described = image(context)
    assert described["pathValues"] == [], described["pathValues"]
    assert described["context"] == [], described["context"]
    text = json.dumps(described["arguments"])
    assert str(context.project_copy) not in text
    assert "/src/" not in text and "-source" not in text, text


@then("the image, its tag and its workspace are unchanged")
def step_image_unchanged(context: Context) -> None:
    before, after = context.previous_probe["perSystem"], probe(context)["perSystem"]
    for name in SYSTEMS:
        assert before[name]["image"] == after[name]["image"], name
        assert before[name]["venv"] == after[name]["venv"], name


@then("the helper application changed, so the stand-ins do see source changes")
def step_application_changed(context: Context) -> None:
    before, after = context.previous_probe["perSystem"], probe(context)["perSystem"]
    assert before[SYSTEM]["app"]["venv"]["sources"] != after[SYSTEM]["app"]["venv"]["sources"]
    assert before[SYSTEM]["app"]["text"] != after[SYSTEM]["app"]["text"]


@then("the image's tag and its workspace changed")
def step_image_changed(context: Context) -> None:
    before, after = context.previous_probe["perSystem"], probe(context)["perSystem"]
    for name in SYSTEMS:
        assert before[name]["image"]["imageTag"] != after[name]["image"]["imageTag"], name
        assert before[name]["venv"]["workspace"] != after[name]["venv"]["workspace"], name


@then('the flake\'s lib.imageInputs is "{paths}"')
def step_image_inputs_list(context: Context, paths: str) -> None:
    listed = probe(context)["imageInputs"]
    assert listed == [path.strip() for path in paths.split(",")], listed


@then("the image's workspace holds the files the image hashes, which env-check hashes too")
def step_workspace_files(context: Context) -> None:
    venv = system(context)["venv"]
    per_file = image_environment(context)["CI_IMAGE_INPUT_FILES"]
    entries = [entry.partition("=")[::2] for entry in per_file.split()]
    hashed = [name for name, _ in entries]
    present = [name for name, digest in entries if digest != MISSING]
    assert sorted(venv["workspaceFiles"]) == sorted(present), (venv["workspaceFiles"], present)
    # This repository has no workspace members and no .python-version: the two files every
    # image hashes (which env-check outside the image hashes by itself), and .python-version
    # as missing, which the flake would read if a pull request added it.
    assert hashed == list(HASHED_HERE), hashed
    assert present == list(INPUT_FILES), present
    assert set(hashed) <= set(probe(context)["imageInputs"])


# --- the dev shell ---------------------------------------------------------------------


@then("the dev shell's packages are the packages on the image's PATH, in the same order")
def step_shell_tools(context: Context) -> None:
    image_entries = [
        entry.removesuffix("/bin") for entry in image_path(context) if entry.startswith("/nix/")
    ]
    assert shell(context)["packageOutPaths"] == image_entries, (
        shell(context)["packages"],
        image_entries,
    )


@then("the dev shell's first package is the image's venv")
def step_shell_venv_first(context: Context) -> None:
    assert shell(context)["packageOutPaths"][0] == system(context)["venv"]["storePath"]


@then("the dev shell's hook exports CI_IMAGE_CHECKOUT as the directory it was entered in")
def step_shell_hook(context: Context) -> None:
    hook = shell(context)["shellHook"]
    assert 'export CI_IMAGE_CHECKOUT="$PWD"' in hook and "unset PYTHONPATH" in hook, hook
    # The real hook runs under bash: check that it parses.
    subprocess.run(["bash", "-n", "-c", hook], check=True, timeout=30)


@then("the dev shell and its venv are unchanged")
def step_shell_unchanged(context: Context) -> None:
    before, after = context.previous_probe["perSystem"], probe(context)["perSystem"]
    for name in SYSTEMS:
        assert before[name]["shell"] == after[name]["shell"], name
        assert before[name]["venv"] == after[name]["venv"], name


@then("the dev shell's environment is")
def step_shell_environment(context: Context) -> None:
    environment = shell(context)["env"]
    image = image_environment(context)
    meanings = {
        "the Nix interpreter of python": image["UV_PYTHON"],
        "the image's venv": system(context)["venv"]["storePath"],
    }
    expected = {row["name"]: meanings.get(row["value"], row["value"]) for row in context.table}
    assert environment == expected, environment
    for name in expected:
        assert image[name] == environment[name], name
    assert re.fullmatch(
        r"/nix/store/[0-9a-z]{32}-python3-3\.[0-9]+\.[0-9]+/bin/python3\.[0-9]+",
        image["UV_PYTHON"],
    ), image["UV_PYTHON"]


# --- the flake's outputs ---------------------------------------------------------------


@then('for "{first}" and "{second}" the flake has packages "{names}"')
def step_packages(context: Context, first: str, second: str, names: str) -> None:
    wanted = sorted(name.strip() for name in names.split(","))
    assert (first, second) == SYSTEMS
    for section in ("packages", "apps", "devShells", "checks", "formatter"):
        assert sorted(probe(context)["systems"][section]) == sorted(SYSTEMS), section
    for name in SYSTEMS:
        assert sorted(system(context, name)["packages"]) == wanted, name


@then("for both systems packages.default is packages.ciImage")
def step_default_image(context: Context) -> None:
    for name in SYSTEMS:
        assert system(context, name)["defaultIsImage"], name


@then("for both systems apps.ci-image runs bin/ci-image of packages.ci-image")
def step_apps(context: Context) -> None:
    for name in SYSTEMS:
        apps = system(context, name)["apps"]
        assert apps["ci-image"]["type"] == "app"
        assert re.fullmatch(
            r"/nix/store/[0-9a-z]{32}-ci-image/bin/ci-image", apps["ci-image"]["program"]
        )
        assert apps["default"] == apps["ci-image"]
        assert apps["ci-image"]["meta"]["description"]
    first, second = (system(context, name)["apps"]["ci-image"]["program"] for name in SYSTEMS)
    assert first != second, "both systems got the same application"


@then('for both systems devShells has "{name}"')
def step_dev_shells(context: Context, name: str) -> None:
    for system_name in SYSTEMS:
        assert system(context, system_name)["devShells"] == [name]


@then('for both systems the checks are "{names}"')
def step_check_names(context: Context, names: str) -> None:
    for name in SYSTEMS:
        checks = sorted(system(context, name)["checks"])
        assert checks == [check.strip() for check in names.split(",")], checks


@then('the flake\'s lib has "{names}"')
def step_library(context: Context, names: str) -> None:
    assert probe(context)["libraryFunctions"] == [name.strip() for name in names.split(",")]


@then(
    'the flake\'s default template is the directory "{directory}", with a description and a '
    "welcome text"
)
def step_template(context: Context, directory: str) -> None:
    template = probe(context)["templates"]["default"]
    assert template["path"] == str(context.project_copy / directory), template
    assert (context.project_copy / directory / "flake.nix").is_file()
    assert template["description"] and "git add flake.nix" in template["welcomeText"], template


@then('for both systems the formatter is "{name}"')
def step_formatter(context: Context, name: str) -> None:
    for system_name in SYSTEMS:
        assert system(context, system_name)["formatter"] == name


@then('the application "{name}" execs bin/ci-image of its venv')
def step_application(context: Context, name: str) -> None:
    app = system(context)["app"]
    assert app["name"] == name and app["meta"]["mainProgram"] == name
    assert app["text"].strip() == f'exec {app["venv"]["storePath"]}/bin/ci-image "$@"'


@then('the application\'s runtime inputs are "{names}"')
def step_runtime_inputs(context: Context, names: str) -> None:
    expected = [name.strip() for name in names.split(",")]
    assert system(context)["app"]["runtimeInputs"] == expected


@then("the application's venv holds the project and its runtime dependencies only")
def step_application_venv(context: Context) -> None:
    venv = system(context)["app"]["venv"]
    name = project_name(context.project_copy)
    package = lock_package(context.project_copy, name)
    runtime = {dependency["name"] for dependency in package.get("dependencies", [])}
    assert venv["spec"] == {name: []}, venv["spec"]
    assert set(venv["packages"]) >= runtime | {name}
    assert "nox" not in venv["packages"] and "behave" not in venv["packages"]


def check(context: Context, name: str) -> dict[str, Any]:
    described: dict[str, Any] = system(context)["checks"][name]
    return described


@then("the image-tag check is given the image's tag")
def step_tag_check(context: Context) -> None:
    assert check(context, "image-tag")["env"] == {"tag": image(context)["imageTag"]}
    assert "[0-9a-z]{32}" in check(context, "image-tag")["buildCommand"]


@then("the venv check runs in packages.venv and looks for every name of the venv's spec")
def step_venv_check(context: Context) -> None:
    venv_check = check(context, "venv")
    venv = system(context)["venv"]
    assert venv_check["env"]["nativeBuildInputs"] == [venv["storePath"]]
    command = venv_check["buildCommand"]
    assert f"python - {' '.join(sorted(venv['spec']))} <<'PYTHON'" in command, command
    assert "importlib.metadata.distributions()" in command, command
    context.check_command = command


@then("the venv check fails if the venv's hook finds a checkout in the build sandbox")
def step_venv_check_project(context: Context) -> None:
    command = context.check_command
    assert "_ci_image_checkout.checkout_root() is not None" in command, command


@then("the app-runs check runs ci-image from packages.ci-image and finds skopeo on its PATH")
def step_app_check(context: Context) -> None:
    app_check = check(context, "app-runs")
    program = system(context)["apps"]["ci-image"]["program"]
    assert app_check["env"]["nativeBuildInputs"] == [program.removesuffix("/bin/ci-image")]
    assert "ci-image --version" in app_check["buildCommand"]
    skopeo = next(
        entry.removesuffix("/bin") for entry in image_path(context) if entry.endswith("-skopeo/bin")
    )
    assert f"grep -qF '{skopeo}/bin'" in app_check["buildCommand"], app_check["buildCommand"]


# Each argument of the stand-in image, and another value for it.
_IMAGE_ARGUMENT_CHANGES = {
    "name": '"other"',
    "contents": "[ pkgs.git pkgs.nodejs ]",
    "config": '{ Env = [ "A=2" ]; }',
    "extraCommands": '"mkdir other"',
    "fakeRootCommands": '"chown 1:1 tmp"',
    "created": '"1970-01-01T00:00:02Z"',
    "maxLayers": "99",
}


@when('the stand-in buildLayeredImage is evaluated again with each of "{names}" changed')
def step_image_argument_changes(context: Context, names: str) -> None:
    wanted = [name.strip() for name in names.split(",")]
    changes = " ".join(f"{name} = {_IMAGE_ARGUMENT_CHANGES[name]};" for name in wanted)
    context.tag_changes = standins_eval(
        context,
        "let base = {"
        ' name = "image"; tag = null; contents = [ pkgs.git ]; config = { Env = [ "A=1" ]; };'
        ' extraCommands = "mkdir tmp"; fakeRootCommands = ""; created = "1970-01-01T00:00:01Z";'
        " maxLayers = 100; };"
        " tag = arguments: (pkgs.dockerTools.buildLayeredImage arguments).imageTag;"
        " changed = name: value: base // { ${name} = value; };"
        " in builtins.mapAttrs (name: value: [ (tag base) (tag (changed name value)) ])"
        f" {{ {changes} }}",
    )
    assert sorted(context.tag_changes) == sorted(wanted), context.tag_changes


@then("each change gives the image another tag")
def step_each_change_moves_tag(context: Context) -> None:
    for name, (before, after) in context.tag_changes.items():
        assert re.fullmatch(r"[0-9a-z]{32}", before), before
        assert before != after, f"changing {name} kept the tag {before}"


@when('the Nix expression "{expression}" is evaluated with the stand-ins')
def step_evaluate_expression(context: Context, expression: str) -> None:
    program = (
        f"let standins = import {nix_string(SUPPORT / 'standins.nix')};"
        ' pkgs = standins.pkgsFor "x86_64-linux";'
        " inherit (standins) lib; inherit (standins.inputs) uv2nix pyproject-nix;"
        f" root = {nix_string(context.project_copy)};"
        f" in {expression}"
    )
    context.evaluation = subprocess.run(
        ["nix-instantiate", "--eval", "--strict", "--read-write-mode", "-E", program],
        cwd=context.project_copy,
        env=context.env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@then('the evaluation fails with "{message}"')
def step_evaluation_fails(context: Context, message: str) -> None:
    evaluation = context.evaluation
    assert evaluation.returncode != 0, evaluation.stdout
    assert message in evaluation.stderr, evaluation.stderr
