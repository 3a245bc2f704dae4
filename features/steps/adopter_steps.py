"""Steps for adopting projects: sample uv projects with the template's flake.nix.

The sample projects come from features/support/sample_projects.py; their flake.nix is
the template file itself. Evaluation is the real Nix: ``probe.nix`` against the
stand-ins (with a clean copy of this repository as the ci-image input), or the real flake
machinery with ci-image's inputs overridden by stand-in flakes.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from behave import given, then, when
from behave.runner import Context

from support.flake_probe import (
    NOT_COPIED,
    SUPPORT,
    SYSTEMS,
    TEMPLATE,
    copy_repository,
    environment_of,
    image_tags,
    probe,
)
from support.git import run_git
from support.run_cache import shared_directory
from support.sample_projects import (
    SampleProject,
    create_with_shared_lock,
    local_python,
    lock_project,
)

SYSTEM = "x86_64-linux"
# The helper venv's packages: this repository's runtime closure (pyproject.toml, uv.lock).
HELPER_PACKAGES = ["ci-image", "pyyaml"]


def ci_image_copy(context: Context) -> Path:
    """A clean copy of this repository, once per run: what a flake of it holds."""
    return copy_repository(shared_directory(context, "ci-image") / "source")


def sample(context: Context) -> SampleProject:
    project: SampleProject = context.sample
    return project


def described(context: Context, name: str = SYSTEM) -> dict[str, Any]:
    value: dict[str, Any] = context.sample_probe["perSystem"][name]
    return value


def image_env(context: Context, name: str = SYSTEM) -> dict[str, str]:
    return environment_of(described(context, name)["image"]["arguments"]["config"]["Env"])


def names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def unescape(text: str) -> str:
    return text.replace('\\"', '"')


# --- the sample project ------------------------------------------------------------------


@given('the sample project "{kind}" with the template\'s flake.nix')
def step_sample(context: Context, kind: str) -> None:
    root = context.workdir / "sample"
    context.sample = create_with_shared_lock(
        kind, root, shared_directory(context, "locked-samples"), context.env
    )
    shutil.copy2(TEMPLATE, root / "flake.nix")


@given('the sample\'s flake.nix sets "{setting}"')
def step_flake_setting(context: Context, setting: str) -> None:
    flake = sample(context).root / "flake.nix"
    text = flake.read_text(encoding="utf-8")
    anchor = "      root = ./.;\n"
    assert anchor in text, text
    flake.write_text(text.replace(anchor, f"{anchor}      {unescape(setting)}\n"), "utf-8")


_CLAUSES = re.compile(
    r'requires "requires-python" to be "(?P<requires>[^"]*)"'
    r'|has the \.python-version "(?P<version>[^"]*)"'
    r'|flake\.nix "(?P<setting>(?:[^"\\]|\\.)*)"'
    r'|depends on "(?P<dependency>[^"]*)"'
)


@given("the sample also {settings}")
def step_sample_settings(context: Context, settings: str) -> None:
    """Clauses joined by "and": what requires-python is, a .python-version, a setting in
    flake.nix, a dependency. The project is locked again after a change to pyproject.toml."""
    root = sample(context).root
    pyproject = root / "pyproject.toml"
    requires = None
    relock = False
    clauses = list(_CLAUSES.finditer(settings))
    assert len(clauses) == settings.count(" and ") + 1, f"unknown clause in: {settings}"
    for clause in clauses:
        text = pyproject.read_text(encoding="utf-8")
        if clause["requires"] is not None:
            requires = clause["requires"]
            text = _set_requires_python(text, requires)
            relock = True
        elif clause["dependency"] is not None:
            dependency = clause["dependency"]
            text = text.replace("dependencies = []", f'dependencies = ["{dependency}"]', 1)
            relock = True
        elif clause["version"] is not None:
            (root / ".python-version").write_text(clause["version"] + "\n", encoding="utf-8")
        else:
            step_flake_setting(context, clause["setting"])
        pyproject.write_text(text, encoding="utf-8")
    if not relock:
        return
    if requires is None or local_python(requires) is not None:
        lock_project(root, context.env, local_python(requires) if requires else None)
    else:
        # No interpreter here satisfies it (">=3.16"): the lock as uv would write it on a
        # machine that has one, which is all the image's evaluation reads of it.
        lock = root / "uv.lock"
        lock.write_text(_set_requires_python(lock.read_text(encoding="utf-8"), requires))


def _set_requires_python(text: str, requires: str) -> str:
    changed, count = re.subn(
        r'^requires-python = ".*"$', f'requires-python = "{requires}"', text, count=1, flags=re.M
    )
    assert count == 1, text
    return changed


# --- evaluating it ------------------------------------------------------------------------


@when("the sample's flake is evaluated with this repository as its ci-image input")
@when("the sample's flake is evaluated again")
def step_evaluate_sample(context: Context) -> None:
    previous = getattr(context, "sample_probe", None)
    if previous is not None:
        context.previous_sample_probe = previous
    context.sample_probe = probe(sample(context).root, context.env, ci_image_copy(context))


@when("the sample's image tag is evaluated")
def step_evaluate_sample_tag(context: Context) -> None:
    context.evaluation = image_tags(sample(context).root, context.env, ci_image_copy(context))


@when('these files of the sample change: "{files}"')
def step_change_sample_files(context: Context, files: str) -> None:
    for name in names(files):
        path = sample(context).root / name
        assert path.is_file(), name
        with path.open("a", encoding="utf-8") as stream:
            stream.write("\n# changed by a scenario\n")


@when('a file "{name}" is added to the sample')
def step_add_sample_file(context: Context, name: str) -> None:
    path = sample(context).root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# A new file\n", encoding="utf-8")


# --- what the evaluation gives ---------------------------------------------------------


@then(
    'for both systems the sample has packages "{packages}", apps "{apps}", a dev shell and the '
    'checks "{checks}"'
)
def step_sample_outputs(context: Context, packages: str, apps: str, checks: str) -> None:
    for section in ("packages", "apps", "devShells", "checks", "formatter"):
        assert sorted(context.sample_probe["systems"][section]) == sorted(SYSTEMS), section
    for name in SYSTEMS:
        system = described(context, name)
        assert sorted(system["packages"]) == sorted(names(packages)), system["packages"]
        assert sorted(system["apps"]) == sorted(names(apps)), system["apps"]
        assert system["devShells"] == ["default"]
        assert sorted(system["checks"]) == sorted(names(checks)), system["checks"]
        assert system["defaultIsImage"]
        assert system["apps"]["ci-image"]["program"] == f"{system['app']['storePath']}/bin/ci-image"


@then("the image is tagged with a Nix hash and named after the sample's [tool.ci-image] image")
def step_sample_image(context: Context) -> None:
    for name in SYSTEMS:
        image = described(context, name)["image"]
        assert re.fullmatch(r"[0-9a-z]{32}", image["imageTag"]), image["imageTag"]
        assert image["arguments"]["tag"] is None
        assert image["arguments"]["name"] == sample(context).image
    first, second = (described(context, name)["image"]["imageTag"] for name in SYSTEMS)
    assert first != second, "both systems got the same image"


@then("the image's venv holds pytest and nox, and none of the sample's own projects")
def step_sample_venv(context: Context) -> None:
    project = sample(context)
    local = {project.name, *project.member_modules.values()}
    for name in SYSTEMS:
        venv = described(context, name)["venv"]
        assert {"pytest", "nox"} <= set(venv["packages"]), venv["packages"]
        assert sorted(venv["spec"]) == ["nox", "pytest"], venv["spec"]
        assert not local & set(venv["packages"]), local & set(venv["packages"])
        assert venv["sources"] == [], venv["sources"]
        # The checkout hook is installed from this repository's nix/checkout.
        assert "/install.py " in (venv["postInstall"] or ""), venv["postInstall"]


@then('the image\'s venv comes from a workspace of exactly "{files}", with wheels')
def step_sample_workspace(context: Context, files: str) -> None:
    for name in SYSTEMS:
        venv = described(context, name)["venv"]
        assert sorted(venv["workspaceFiles"]) == sorted(names(files)), venv["workspaceFiles"]
        assert venv["buildSystems"] == "wheel"
        for file in venv["workspaceFiles"]:
            copied = Path(venv["workspace"]) / file
            assert copied.read_bytes() == (sample(context).root / file).read_bytes(), file


@then("no argument of the sample's image is a path or carries a store path as context")
def step_sample_no_source(context: Context) -> None:
    for name in SYSTEMS:
        image = described(context, name)["image"]
        assert image["pathValues"] == [] and image["context"] == [], image
        assert str(sample(context).root) not in json.dumps(image["arguments"])


@then('the image hashes "{files}" into CI_IMAGE_INPUT_FILES')
def step_sample_hashed(context: Context, files: str) -> None:
    per_file = image_env(context)["CI_IMAGE_INPUT_FILES"]
    hashed = [entry.partition("=")[0] for entry in per_file.split()]
    assert hashed == names(files), hashed


@then('the sample\'s lib.imageInputs is "{paths}"')
def step_sample_image_inputs(context: Context, paths: str) -> None:
    assert context.sample_probe["imageInputs"] == names(paths), context.sample_probe["imageInputs"]


@then(
    'for both systems the helper "{name}" is on the image\'s PATH, linked into its root, and in '
    "the dev shell"
)
def step_helper_everywhere(context: Context, name: str) -> None:
    for system_name in SYSTEMS:
        system = described(context, system_name)
        helper = system["app"]["storePath"]
        path = image_env(context, system_name)["PATH"].split(":")
        assert f"{helper}/bin" in path, path
        assert helper in system["image"]["contentPaths"]
        assert helper in system["shell"]["packageOutPaths"]
        assert system["app"]["name"] == name


@then(
    'the helper runs this repository\'s ci-image from a venv of "{packages}", with skopeo, '
    "zstd and git first on its PATH"
)
def step_helper_venv(context: Context, packages: str) -> None:
    app = described(context)["app"]
    assert app["text"].strip() == f'exec {app["venv"]["storePath"]}/bin/ci-image "$@"'
    assert app["runtimeInputs"] == ["skopeo", "zstd", "git"]
    assert app["venv"]["packages"] == names(packages), app["venv"]["packages"]
    assert app["venv"]["spec"] == {"ci-image": []}
    # Built from this repository's source (its copy in the store), not from the sample's.
    workspace = Path(app["venv"]["workspace"])
    for name in ("pyproject.toml", "uv.lock", "src/ci_image/cli.py"):
        assert (workspace / name).read_bytes() == (ci_image_copy(context) / name).read_bytes()


@then("the helper uses the image's interpreter")
def step_helper_python(context: Context) -> None:
    for name in SYSTEMS:
        system = described(context, name)
        assert system["app"]["venv"]["python"] == system["venv"]["python"]


@then("the image's PATH and root have exactly, after the venv and the interpreter")
def step_default_tools(context: Context) -> None:
    wanted = [row["package"] for row in context.table]
    system = described(context)
    path = [entry for entry in image_env(context)["PATH"].split(":") if entry.startswith("/nix/")]
    on_path = [re.sub(r"^/nix/store/[0-9a-z]{32}-([^/]+)/bin$", r"\1", entry) for entry in path]
    assert on_path[0].endswith("-env") and on_path[1].startswith("python3-"), on_path
    # The CA bundle is data, after the programs.
    assert on_path[2:] == [*wanted, "nss-cacert"], on_path
    helpers = ["bin-sh", "usr-bin-env", "ca-certificates", "fake-nss"]
    assert system["image"]["arguments"]["contents"] == [*helpers, *wanted]


@then("the image's environment has the CA bundle, uv's settings and CI_IMAGE_INPUTS")
def step_default_environment(context: Context) -> None:
    environment = image_env(context)
    venv = described(context)["venv"]["storePath"]
    for name in ("SSL_CERT_FILE", "NIX_SSL_CERT_FILE", "GIT_SSL_CAINFO"):
        assert environment[name] == "/etc/ssl/certs/ca-bundle.crt", name
    assert environment["UV_PROJECT_ENVIRONMENT"] == environment["VIRTUAL_ENV"] == venv
    assert environment["UV_NO_SYNC"] == "1" and environment["UV_PYTHON_DOWNLOADS"] == "never"
    assert re.fullmatch(r"[0-9a-f]{64}", environment["CI_IMAGE_INPUTS"])


@then('the image\'s PATH, its root and the dev shell have "{packages}" after the default tools')
def step_extra_tools(context: Context, packages: str) -> None:
    system = described(context)
    contents = system["image"]["arguments"]["contents"]
    assert contents[-len(names(packages)) :] == names(packages), contents
    assert system["shell"]["packages"][-len(names(packages)) - 1 : -1] == names(packages)
    path = image_env(context)["PATH"]
    for package in names(packages):
        assert f"-{package}/bin" in path, (package, path)


@then(
    'the image\'s environment and the dev shell\'s have "{first}" = "{first_value}" and '
    '"{second}" = "{second_value}"'
)
def step_extra_env(
    context: Context, first: str, first_value: str, second: str, second_value: str
) -> None:
    shell = described(context)["shell"]["env"]
    for name, value in ((first, first_value), (second, second_value)):
        assert image_env(context)[name] == value, name
        assert shell[name] == value, name


@then("the image, its tag, its venv and the dev shell are unchanged")
def step_sample_unchanged(context: Context) -> None:
    before = context.previous_sample_probe["perSystem"]
    after = context.sample_probe["perSystem"]
    for name in SYSTEMS:
        for part in ("image", "venv", "shell"):
            assert before[name][part] == after[name][part], (name, part)


@then("the image's tag and its venv changed")
def step_sample_changed(context: Context) -> None:
    before = context.previous_sample_probe["perSystem"]
    after = context.sample_probe["perSystem"]
    for name in SYSTEMS:
        assert before[name]["image"]["imageTag"] != after[name]["image"]["imageTag"], name
        assert before[name]["venv"]["storePath"] != after[name]["venv"]["storePath"], name


@then(
    "for both systems the image's interpreter is Python {version} from nixpkgs' python3{minor}, "
    "and UV_PYTHON names it"
)
def step_interpreter(context: Context, version: str, minor: str) -> None:
    for name in SYSTEMS:
        venv = described(context, name)["venv"]
        assert venv["python"]["version"] == version, venv["python"]
        assert venv["python"]["pythonVersion"] == f"3.{minor}"
        interpreter = image_env(context, name)["UV_PYTHON"]
        assert re.fullmatch(
            rf"/nix/store/[0-9a-z]{{32}}-python3-{re.escape(version)}/bin/python3\.{minor}",
            interpreter,
        ), interpreter


@then("the dev shell and the venv use that interpreter")
def step_shell_interpreter(context: Context) -> None:
    for name in SYSTEMS:
        shell = described(context, name)["shell"]
        assert shell["env"]["UV_PYTHON"] == image_env(context, name)["UV_PYTHON"]
        python = described(context, name)["venv"]["python"]["name"]
        assert python in shell["packages"], (python, shell["packages"])


# --- the real flake machinery -------------------------------------------------------------

_STANDIN_FLAKES = {
    "nixpkgs": "inputs.nixpkgs",
    "pyproject-nix": "inputs.pyproject-nix",
    "uv2nix": "inputs.uv2nix",
    "pyproject-build-systems": "inputs.pyproject-build-systems",
}


def standin_flakes(context: Context) -> dict[str, Path]:
    """A flake per input of ci-image, whose outputs are the stand-ins' (copied in: a flake
    may only import its own files)."""
    flakes: dict[str, Path] = {}
    for name, attribute in _STANDIN_FLAKES.items():
        directory = context.run_root / "standin-flakes" / name
        if not directory.exists():
            shutil.copytree(SUPPORT, directory, ignore=shutil.ignore_patterns(*NOT_COPIED))
            (directory / "flake.nix").write_text(
                f'{{\n  description = "stand-in for {name}";\n'
                f"  outputs = _: (import ./standins.nix).{attribute};\n}}\n",
                encoding="utf-8",
            )
        flakes[name] = directory
    return flakes


@given(
    'the sample project "{kind}" with the template\'s flake.nix, as a git repository with '
    "every file added"
)
def step_sample_git(context: Context, kind: str) -> None:
    step_sample(context, kind)
    _git_add(context, except_for=None)


@given(
    'the sample project "{kind}" with the template\'s flake.nix, as a git repository with '
    'every file added but "{name}"'
)
def step_sample_git_but(context: Context, kind: str, name: str) -> None:
    step_sample(context, kind)
    _git_add(context, except_for=name)


def _git_add(context: Context, except_for: str | None) -> None:
    root = sample(context).root
    run_git(root, context.env, "init", "--quiet")
    run_git(root, context.env, "add", "--all")
    if except_for:
        run_git(root, context.env, "rm", "--cached", "--quiet", except_for)


@when('Nix evaluates "{attribute}" of the sample with ci-image\'s inputs stood in')
def step_real_flake(context: Context, attribute: str) -> None:
    """``nix flake lock`` with ci-image and its inputs overridden (so nothing is fetched),
    then a plain ``nix eval`` of the sample, which reads that lock."""
    overrides = ["--override-input", "ci-image", f"path:{ci_image_copy(context)}"]
    for name, directory in standin_flakes(context).items():
        overrides += ["--override-input", f"ci-image/{name}", f"path:{directory}"]
    for command in (["nix", "flake", "lock", *overrides], ["nix", "eval", "--json", attribute]):
        context.evaluation = subprocess.run(
            command,
            cwd=sample(context).root,
            env=context.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if context.evaluation.returncode != 0:
            return


@then("it prints the image tag the stand-in evaluation gives")
def step_real_tag(context: Context) -> None:
    evaluation = context.evaluation
    assert evaluation.returncode == 0, evaluation.stderr
    tags = image_tags(sample(context).root, context.env, ci_image_copy(context))
    assert tags.returncode == 0, tags.stderr
    assert json.loads(evaluation.stdout) == json.loads(tags.stdout)[SYSTEM], (
        evaluation.stdout,
        tags.stdout,
    )


@then("the sample's flake.lock has the inputs \"{inputs}\", the last four following ci-image's")
def step_real_lock(context: Context, inputs: str) -> None:
    lock = json.loads((sample(context).root / "flake.lock").read_text(encoding="utf-8"))
    root = lock["nodes"][lock["root"]]["inputs"]
    wanted = names(inputs)
    assert sorted(root) == sorted(wanted), root
    assert root["ci-image"] == "ci-image"
    for name in wanted[1:]:
        assert root[name] == ["ci-image", name], (name, root[name])


@then("Nix fails, naming flake.nix")
def step_real_flake_fails(context: Context) -> None:
    evaluation = context.evaluation
    assert evaluation.returncode != 0, evaluation.stdout
    assert "flake.nix" in evaluation.stderr, evaluation.stderr


# --- the template itself ----------------------------------------------------------------


@then("the template's flake.nix has at most {count:d} lines")
def step_template_length(context: Context, count: int) -> None:
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= count, len(lines)


@then('the template\'s inputs are "{own}" and "{following}" following ci-image\'s')
def step_template_inputs(context: Context, own: str, following: str) -> None:
    completed = subprocess.run(
        ["nix-instantiate", "--eval", "--strict", "--json", "-E", f"(import {TEMPLATE}).inputs"],
        env=context.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    inputs = json.loads(completed.stdout)
    assert sorted(inputs) == sorted([own, *names(following)]), inputs
    assert inputs[own]["url"].startswith("git+https://"), inputs[own]
    for name in names(following):
        assert inputs[name] == {"follows": f"{own}/{name}"}, inputs[name]
