"""The pure logic of ``ci-image init``: remote URLs, install steps, the settings edit,
the jobs' bootstrap pin, the image's inputs and actionlint's labels."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml

from ci_image.adopt.actionlint import add_labels, needed_labels
from ci_image.adopt.build_workflow import render_build_workflow, yaml_item
from ci_image.adopt.jobs import adopt_workflow
from ci_image.adopt.remote import image_from_remote
from ci_image.adopt.settings_edit import set_image
from ci_image.adopt.steps import recognise_action, recognise_command, recognise_script
from ci_image.errors import CiImageError
from ci_image.image.input_paths import (
    image_input_paths,
    local_package_paths,
    reads_python_version,
)
from ci_image.workflows.loader import Workflow, parse_workflow_text

IMAGE = "codeberg.org/acme/app"


@pytest.mark.parametrize(
    ("url", "image"),
    [
        ("https://codeberg.org/Acme/App.git", "codeberg.org/acme/app"),
        ("https://codeberg.org/acme/app", "codeberg.org/acme/app"),
        ("https://user@forge.example.org:3000/team/tool.git", "forge.example.org:3000/team/tool"),
        ("git@codeberg.org:Acme/App.git", "codeberg.org/acme/app"),
        ("codeberg.org:acme/app", "codeberg.org/acme/app"),
        ("ssh://git@git.example.org:2222/team/tool.git", "git.example.org/team/tool"),
        ("https://codeberg.org/acme/app/", "codeberg.org/acme/app"),
    ],
)
def test_image_from_remote(url: str, image: str) -> None:
    assert image_from_remote(url).name == image


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://github.com/acme/app.git", "its registry is ghcr.io"),
        ("git@gitlab.com:acme/app.git", "its registry is registry.gitlab.com"),
        ("https://bitbucket.org/acme/app", "it has no registry"),
        ("/srv/git/app.git", "not a remote on a forge"),
        ("./app", "not a remote on a forge"),
        ("file:///srv/app.git", "not a remote on a forge"),
        ("https://codeberg.org/acme", "does not name OWNER/REPO"),
        ("https://codeberg.org/a/b/c", "does not name OWNER/REPO"),
        ("https://codeberg.org/acme/my..app", "is not an image name"),
        # An ssh alias from ~/.ssh/config: no registry host in it.
        ("gitserver:acme/app.git", "names no registry host"),
        ("my_host:acme/app", "is not an image name"),
        ("https:///acme/app", "not a remote on a forge"),
    ],
)
def test_image_from_remote_refuses(url: str, problem: str) -> None:
    derived = image_from_remote(url)
    assert derived.name is None
    assert derived.problem is not None and problem in derived.problem


@pytest.mark.parametrize(
    "command",
    [
        "pip install uv",
        "pip3 install -U uv",
        "python -m pip install --upgrade uv==0.8.3",
        "python3.12 -m pip install uv",
        "pipx install uv",
        "uv sync",
        "uv sync --frozen --all-groups",
        "uv python install 3.12",
    ],
)
def test_install_commands(command: str) -> None:
    assert recognise_command(command) is not None


@pytest.mark.parametrize(
    "command",
    [
        "pip install uv ruff",
        "pip install -r requirements.txt",
        "uv run pytest",
        "uv sync && uv run pytest",
        "pip install 'uv",
        "echo pip install uv",
    ],
)
def test_other_commands(command: str) -> None:
    assert recognise_command(command) is None


def test_script_of_installs_only() -> None:
    assert recognise_script("# tools\npip install uv\n\nuv sync --frozen\n") is not None
    assert recognise_script("pip install uv\nuv run pytest\n") is None
    assert recognise_script("# nothing\n") is None


def test_actions() -> None:
    assert recognise_action("astral-sh/setup-uv@v6") is not None
    assert recognise_action("https://github.com/actions/setup-python@v5") is not None
    assert recognise_action("actions/checkout@v4") is None
    assert recognise_action("setup-uv") is None


def _edit(text: str, *, replace: bool = False) -> str | None:
    return set_image(text, tomllib.loads(text), IMAGE, Path("pyproject.toml"), replace=replace).text


def test_settings_appended_with_the_file_s_line_ends() -> None:
    assert _edit('[project]\r\nname = "a"\r\n') == (
        '[project]\r\nname = "a"\r\n\r\n[tool.ci-image]\r\nimage = "codeberg.org/acme/app"\r\n'
    )
    assert _edit("") == '[tool.ci-image]\nimage = "codeberg.org/acme/app"\n'


def test_settings_key_added_under_an_existing_header() -> None:
    text = "[tool.'ci-image'] # ours\nworkflows = \"ci\"\n"
    assert (
        _edit(text)
        == '[tool.\'ci-image\'] # ours\nimage = "codeberg.org/acme/app"\nworkflows = "ci"\n'
    )


def test_settings_value_replaced_only_with_replace() -> None:
    text = '[tool.ci-image]\nimage = "codeberg.org/acme/old"  # keep\n[tool.x]\nimage = 1\n'
    assert _edit(text) is None
    assert _edit(text, replace=True) == (
        '[tool.ci-image]\nimage = "codeberg.org/acme/app"  # keep\n[tool.x]\nimage = 1\n'
    )
    assert _edit('[tool.ci-image]\nimage = "codeberg.org/acme/app"\n') is None
    assert _edit("[tool.ci-image]\nimage='codeberg.org/acme/old'\n", replace=True) == (
        "[tool.ci-image]\nimage='codeberg.org/acme/app'\n"
    )


def test_settings_forms_init_does_not_edit() -> None:
    with pytest.raises(CiImageError, match="does not edit"):
        _edit('[tool]\nci-image = { workflows = "ci" }\n')
    with pytest.raises(CiImageError, match="does not edit"):
        _edit('[tool.ci-image]\n"image" = "codeberg.org/acme/old"\n', replace=True)


def _workflow(text: str) -> Workflow:
    path = Path("ci.yml")
    return Workflow(path, text, parse_workflow_text(text, path))


def test_a_job_gets_the_container_and_the_env_check_after_its_checkout() -> None:
    text = (
        "jobs:\n  t:\n    runs-on: [docker]\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: uv run pytest\n"
    )
    edit = adopt_workflow(_workflow(text), IMAGE)
    assert edit.new_text == (
        "jobs:\n  t:\n    runs-on: [docker]\n    container:\n"
        "      image: codeberg.org/acme/app:unreleased\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - name: Image built from this checkout? (if not, build the checkout's venv)\n"
        "        run: ci-image env-check --fallback\n"
        "      - run: uv run pytest\n"
    )


def test_crlf_and_no_final_newline_are_kept() -> None:
    text = (
        "jobs:\r\n  t:\r\n    runs-on: docker\r\n    steps:\r\n"
        "      - run: |\r\n          pip install uv\r\n      - run: nox"
    )
    edit = adopt_workflow(_workflow(text), IMAGE)
    assert edit.new_text == (
        "jobs:\r\n  t:\r\n    runs-on: docker\r\n    container:\r\n"
        "      image: codeberg.org/acme/app:unreleased\r\n    steps:\r\n"
        "      - name: Image built from this checkout? (if not, build the checkout's venv)\r\n"
        "        run: ci-image env-check --fallback\r\n"
        "      - run: nox"
    )


@pytest.mark.parametrize(
    ("job", "reason"),
    [
        ("    runs-on: nix\n    steps:\n      - run: nox\n", "not a docker runner"),
        ("    runs-on: docker\n    steps:\n      - run: make\n", "runs no Python step"),
        ("    runs-on: ${{ matrix.os }}\n    steps:\n      - run: nox\n", "expression"),
        ("    uses: ./.forgejo/workflows/x.yml\n", "reusable workflow"),
        (
            "    runs-on: docker\n    container: ${{ matrix.image }}\n"
            "    steps:\n      - run: nox\n",
            "expression",
        ),
        (
            "    runs-on: docker\n    container: codeberg.org/acme/app:1@sha256:"
            + "1" * 64
            + "\n    steps:\n      - run: pip install uv\n",
            "already runs in the CI image",
        ),
    ],
)
def test_jobs_left_alone(job: str, reason: str) -> None:
    edit = adopt_workflow(_workflow("jobs:\n  t:\n" + job), IMAGE)
    assert edit.new_text is None
    assert edit.jobs[0].left_alone is not None and reason in edit.jobs[0].left_alone


def test_a_step_whose_outputs_are_read_stays() -> None:
    text = (
        "jobs:\n  t:\n    runs-on: docker\n    steps:\n"
        "      - id: uv\n        uses: astral-sh/setup-uv@v6\n      - run: uv run x\n"
    )
    edit = adopt_workflow(_workflow(text), IMAGE)
    assert edit.new_text is not None
    assert "astral-sh/setup-uv@v6" in edit.new_text
    assert "has no actions/checkout step" in " ".join(edit.jobs[0].changes)


def test_odd_line_breaks_leave_the_workflow_alone() -> None:
    text = "jobs:\n  t:\n    runs-on: docker\n    steps:\n      - run: uv sync\u2028\n"
    edit = adopt_workflow(_workflow(text), IMAGE)
    assert edit.new_text is None
    assert edit.jobs[0].left_alone == "it has line breaks other than LF and CRLF"


def test_local_package_paths_follow_nix_project_nix() -> None:
    lock = {
        "package": [
            {"name": "root", "source": {"editable": "."}},
            {"name": "a", "source": {"editable": "./packages/a/"}},
            {"name": "b", "source": {"virtual": "packages/b"}},
            {"name": "c", "source": {"directory": "../outside"}},
            {"name": "d", "source": {"directory": "/abs"}},
            {"name": "e", "source": {"registry": "https://pypi.org/simple"}},
            {"name": "f", "source": {"editable": "packages/a"}},
        ]
    }
    assert local_package_paths(lock) == ["packages/a", "packages/b"]


def test_image_input_paths_of_a_workspace_with_a_nix_directory(tmp_path: Path) -> None:
    (tmp_path / "nix").mkdir()
    lock = {"package": [{"name": "a", "source": {"editable": "packages/a"}}]}
    assert image_input_paths(tmp_path, lock, "{ }") == [
        "pyproject.toml",
        "uv.lock",
        "flake.nix",
        "flake.lock",
        "nix/**",
        "packages/a/pyproject.toml",
        ".python-version",
    ]
    assert "nix/**" not in image_input_paths(tmp_path / "elsewhere", lock, "{ }")


@pytest.mark.parametrize(
    ("pattern", "written"),
    [
        ("uv.lock", "uv.lock"),
        ("nix/**", '"nix/**"'),
        ("*.toml", '"*.toml"'),
        ('odd"name\\', '"odd\\"name\\\\"'),
    ],
)
def test_build_workflow_paths_read_back_as_themselves(pattern: str, written: str) -> None:
    assert yaml_item(pattern) == written
    assert yaml.safe_load(f"- {yaml_item(pattern)}") == [pattern]


@pytest.mark.parametrize("directory", [".forgejo/workflows", ".github/workflows", "ci/flows"])
def test_the_pin_pull_request_looks_for_changes_where_the_workflows_are(directory: str) -> None:
    text = render_build_workflow(["uv.lock"], f"{directory}/build-ci-image.yml", "main")
    (propose,) = [
        step["run"]
        for step in yaml.safe_load(text)["jobs"]["build"]["steps"]
        if step.get("name") == "Propose the new pins as a pull request"
    ]
    assert f"if git diff --quiet -- {directory}; then" in propose


def test_reads_python_version() -> None:
    assert reads_python_version('{ # python = "3.12";\n}')
    assert not reads_python_version('{\n  python = "3.12";\n}')
    assert reads_python_version(None)


def test_actionlint_labels() -> None:
    assert needed_labels(["docker", "ubuntu-latest", "self-hosted", "gpu"]) == [
        "docker",
        "gpu",
        "nix",
    ]
    text = "self-hosted-runner:\n  labels:\n    - docker\n"
    assert add_labels(text, ["docker", "nix"]).text == text + "    - nix\n"
    assert add_labels(text + "    - nix\n", ["nix"]).text is None
    assert add_labels("self-hosted-runner: {labels: [docker]}\n", ["nix"]).problem is not None
    assert add_labels(": :\n  - [", ["nix"]).problem is not None


@pytest.mark.parametrize(
    ("job", "reason"),
    [
        ("    {runs-on: docker, steps: [{run: nox}]}\n", "not a block mapping"),
        ("    <<: {runs-on: docker}\n    steps:\n      - run: nox\n", "merge key"),
        (
            "    runs-on: docker\n    container:\n      image: [a]\n    steps:\n      - run: nox\n",
            "no image written as a plain value",
        ),
        ("    runs-on: docker\n    container: node:20\n", "runs no Python step"),
        (
            "    runs-on: docker\n    container: Python:3\n    steps:\n      - run: make\n",
            "runs no Python step",
        ),
    ],
)
def test_more_jobs_left_alone(job: str, reason: str) -> None:
    edit = adopt_workflow(_workflow("jobs:\n  t:\n" + job), IMAGE)
    assert edit.new_text is None
    assert edit.jobs[0].left_alone is not None and reason in edit.jobs[0].left_alone


def test_a_container_mapping_keeps_its_other_keys_and_the_quotes() -> None:
    text = (
        "jobs:\n  t:\n    runs-on: docker\n    container:\n      image: 'python:3.12'\n"
        "      options: --init\n    steps:\n      - uses: actions/setup-python@v5\n"
        "        with:\n          python-version: '3.12'\n      - run: pytest\n"
    )
    edit = adopt_workflow(_workflow(text), IMAGE)
    assert edit.new_text == (
        "jobs:\n  t:\n    runs-on: docker\n    container:\n"
        "      image: 'codeberg.org/acme/app:unreleased'\n"
        "      options: --init\n    steps:\n"
        "      - name: Image built from this checkout? (if not, build the checkout's venv)\n"
        "        run: ci-image env-check --fallback\n      - run: pytest\n"
    )


def test_steps_init_cannot_edit_are_named() -> None:
    flow = "jobs:\n  t:\n    runs-on: docker\n    steps: [{run: pip install uv}]\n"
    edit = adopt_workflow(_workflow(flow), IMAGE)
    assert "no steps in block style" in " ".join(edit.jobs[0].changes)
    dash = (
        "jobs:\n  t:\n    runs-on: docker\n    steps:\n      -\n        run: pip install uv\n"
        "      - run: nox\n"
    )
    edit = adopt_workflow(_workflow(dash), IMAGE)
    assert "its '-' is on a line of its own" in " ".join(edit.jobs[0].changes)
    done = (
        "jobs:\n  t:\n    runs-on: docker\n    steps:\n      - run: ci-image env-check\n"
        "      - run: nox\n"
    )
    edit = adopt_workflow(_workflow(done), IMAGE)
    assert edit.jobs[0].changes == (
        "runs in codeberg.org/acme/app:unreleased (a job container on its docker runner)",
    )


def test_actionlint_labels_in_forms_init_does_not_edit_or_without_a_final_newline() -> None:
    spread = 'self-hosted-runner:\n  labels:\n    - docker\n    - "gpu\n      big"\n'
    edit = add_labels(spread, ["nix"])
    assert edit.text is None
    assert edit.problem == "lists its labels in a form ci-image init does not edit"
    assert add_labels("self-hosted-runner:\n  labels:\n    - docker", ["nix"]).text == (
        "self-hosted-runner:\n  labels:\n    - docker\n    - nix\n"
    )


def test_a_script_installing_uv_twice_gives_the_reason_once() -> None:
    recognised = recognise_script("pip install uv\npipx install uv\n")
    assert recognised is not None and recognised.reason == "installs uv, which the image has"


def test_a_workflow_without_jobs_changes_nothing() -> None:
    edit = adopt_workflow(_workflow("on: push\n"), IMAGE)
    assert edit.new_text is None
    assert edit.jobs == []


def test_a_container_that_is_no_reference_is_replaced_in_a_python_job() -> None:
    text = (
        "jobs:\n  t:\n    runs-on: docker\n    container: Python:3.12\n"
        "    steps:\n      - run: nox\n"
    )
    edit = adopt_workflow(_workflow(text), IMAGE)
    assert edit.new_text is not None
    assert "    container: codeberg.org/acme/app:unreleased\n" in edit.new_text
    assert (
        edit.jobs[0].changes[0] == "runs in codeberg.org/acme/app:unreleased instead of Python:3.12"
    )


@pytest.mark.parametrize(
    ("container", "after"),
    [
        ('"python:3.12"  # the image', '"codeberg.org/acme/app:unreleased"  # the image'),
        (">-\n      python:3.12", ">-\n      codeberg.org/acme/app:unreleased"),
        ("!!str python:3.12", "!!str codeberg.org/acme/app:unreleased"),
    ],
)
def test_the_container_keeps_how_it_is_written(container: str, after: str) -> None:
    job = "jobs:\n  t:\n    runs-on: docker\n    container: {}\n    steps:\n      - run: nox\n"
    edit = adopt_workflow(_workflow(job.format(container)), IMAGE)
    assert edit.new_text is not None
    assert edit.new_text.startswith(
        job.format(after).removesuffix("    steps:\n      - run: nox\n")
    )


ANCHORED = "a YAML anchor, which aliases may repeat elsewhere; change it by hand"
ALIAS = "a YAML alias of a value written elsewhere; change it by hand"
NOX = "    steps:\n      - run: nox\n"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "jobs:\n  t:\n    runs-on: docker\n    container: &py python:3.12\n" + NOX,
            f"its container is {ANCHORED}",
        ),
        (
            "x: &py python:3.12\njobs:\n  t:\n    runs-on: docker\n    container: *py\n" + NOX,
            f"its container is {ALIAS}",
        ),
        (
            "x: &c {image: python:3.12}\njobs:\n  t:\n    runs-on: docker\n    container: *c\n"
            + NOX,
            f"its container is {ALIAS}",
        ),
        (
            "jobs:\n  t:\n    runs-on: docker\n    container:\n      image: !!str &i python\n"
            + NOX,
            f"its container image is {ANCHORED}",
        ),
        ("x: &d docker\njobs:\n  t:\n    runs-on: *d\n" + NOX, "its runs-on is a YAML alias"),
        ("jobs:\n  t: &t\n    runs-on: docker\n" + NOX, f"it is {ANCHORED}"),
    ],
)
def test_a_container_or_job_shared_through_anchors_is_left_alone(text: str, reason: str) -> None:
    edit = adopt_workflow(_workflow(text), IMAGE)
    assert edit.new_text is None
    assert edit.jobs[0].left_alone is not None and edit.jobs[0].left_alone.startswith(reason)


def test_an_alias_of_a_job_is_left_alone_and_the_job_is_changed_once() -> None:
    text = "jobs:\n  a:\n    runs-on: docker\n" + NOX + "  b: *a\n"
    shared = "x: &a\n  runs-on: docker\n  steps:\n    - run: nox\n"
    edit = adopt_workflow(_workflow(shared + text), IMAGE)
    assert [job.left_alone for job in edit.jobs] == [None, f"it is {ALIAS}"]
    assert edit.new_text is not None and edit.new_text.count("container:") == 1


def test_steps_shared_through_anchors_stay() -> None:
    shared = (
        "jobs:\n  a:\n    runs-on: docker\n    steps: &s\n      - run: pip install uv\n"
        "      - run: nox\n  b:\n    runs-on: docker\n    steps: *s\n"
    )
    edit = adopt_workflow(_workflow(shared), IMAGE)
    for job in edit.jobs:
        assert job.changes[1].startswith("its steps are a YAML ")
        assert job.changes[1].endswith(": no step changed, no env-check step added")
    assert edit.new_text is not None and "pip install uv" in edit.new_text
    checkout = (
        "jobs:\n  a:\n    runs-on: docker\n    steps:\n      - &co\n"
        "        uses: actions/checkout@v4\n      - run: nox\n"
    )
    edit = adopt_workflow(_workflow(checkout), IMAGE)
    assert edit.jobs[0].changes[-1] == (
        "no env-check step added after the checkout: it is a YAML anchor, which aliases may "
        "repeat elsewhere"
    )
    step = (
        "jobs:\n  a:\n    runs-on: docker\n    steps:\n      - &uv\n"
        "        uses: astral-sh/setup-uv@v6\n      - *uv\n      - run: nox\n"
    )
    edit = adopt_workflow(_workflow(step), IMAGE)
    assert edit.jobs[0].changes[1:] == (
        "step 1 (astral-sh/setup-uv@v6) left alone, though it installs uv, which the image "
        "has: it is a YAML anchor, which aliases may repeat elsewhere",
        "step 2 (astral-sh/setup-uv@v6) left alone, though it installs uv, which the image "
        "has: it is a YAML alias of a value written elsewhere",
        "has no actions/checkout step: no env-check step added",
    )


def test_a_container_written_with_escapes_is_left_alone() -> None:
    text = (
        'jobs:\n  t:\n    runs-on: docker\n    container: "python\\u003a3.12"\n'
        "    steps:\n      - run: nox\n"
    )
    edit = adopt_workflow(_workflow(text), IMAGE)
    assert edit.new_text is None
    assert edit.jobs[0].left_alone == (
        "its container image cannot be rewritten exactly: the double-quoted scalar is written "
        "with escapes or line folding; write it as a plain one-line string"
    )


def test_runs_on_as_a_block_list_gets_the_container_after_it() -> None:
    text = (
        "jobs:\n  t:\n    runs-on:\n      - docker\n      - ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - just a string\n      - run: uv run pytest\n"
    )
    edit = adopt_workflow(_workflow(text), IMAGE)
    assert edit.new_text is not None
    assert edit.new_text.startswith(
        "jobs:\n  t:\n    runs-on:\n      - docker\n      - ubuntu-latest\n    container:\n"
        "      image: codeberg.org/acme/app:unreleased\n    steps:\n"
    )
    assert edit.labels == {"docker", "ubuntu-latest"}


def test_a_checkout_whose_dash_is_alone_gets_no_env_check_after_it() -> None:
    text = (
        "jobs:\n  t:\n    runs-on: docker\n    steps:\n      -\n        uses: actions/checkout@v4\n"
        "      - run: nox\n"
    )
    edit = adopt_workflow(_workflow(text), IMAGE)
    assert edit.jobs[0].changes[-1] == (
        "no env-check step added after the checkout: its '-' is on a line of its own"
    )


def test_what_each_job_runs_in_afterwards() -> None:
    released = f"{IMAGE}:1.2@sha256:{'1' * 64}"
    text = (
        "jobs:\n  a:\n    runs-on: docker\n    steps:\n      - run: nox\n"
        f"  b:\n    runs-on: docker\n    container: {released}\n    steps:\n      - run: nox\n"
        "  c:\n    runs-on: docker\n    steps:\n      - run: make\n"
    )
    runs_in = [job.runs_in for job in adopt_workflow(_workflow(text), IMAGE).jobs]
    assert [None if ref is None else (ref.tag, ref.digest) for ref in runs_in] == [
        ("unreleased", None),
        ("1.2", "sha256:" + "1" * 64),
        None,
    ]


def test_settings_key_added_under_a_header_at_the_end_of_the_file() -> None:
    assert _edit('[project]\nname = "a"\n[tool.ci-image]') == (
        '[project]\nname = "a"\n[tool.ci-image]\nimage = "codeberg.org/acme/app"\n'
    )


@pytest.mark.parametrize(
    "text",
    [
        '[tool.ci-image]\n"image" = "codeberg.org/acme/old"\n[tool.x]\nimage = "y"\n',
        '[tool.ci-image]\nimage = """codeberg.org/acme/old"""\n',
        "[tool.ci-image]\nimage = '''codeberg.org/acme/old'''\n",
    ],
)
def test_settings_values_init_does_not_replace(text: str) -> None:
    with pytest.raises(CiImageError, match=r'does not edit; set image = "codeberg.org/acme/app"'):
        _edit(text, replace=True)


def test_settings_edit_that_would_change_something_else_is_refused() -> None:
    # A header-like line inside a string is no header: writing under it would change the
    # string, and the parsed result shows it.
    text = (
        '[project]\ndescription = """\n[tool.ci-image]\n"""\n\n[tool.ci-image]\nworkflows = "ci"\n'
    )
    with pytest.raises(CiImageError, match="without changing something else; add it by hand"):
        _edit(text)
    # A value that is no string is no image, and a second key would not parse.
    with pytest.raises(CiImageError, match="without changing something else; add it by hand"):
        _edit("[tool.ci-image]\nimage = 1\n")


def test_local_packages_without_a_source_table_are_no_inputs() -> None:
    lock = {"package": [{"name": "a"}, {"name": "b", "source": "."}, "c"]}
    assert local_package_paths(lock) == []
