"""The pure logic of ``ci-image init``: remote URLs, install steps, the settings edit,
the jobs' bootstrap pin, the image's inputs and actionlint's labels."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ci_image.adopt.actionlint import add_labels, needed_labels
from ci_image.adopt.jobs import adopt_workflow
from ci_image.adopt.remote import image_from_remote
from ci_image.adopt.settings_edit import set_image
from ci_image.adopt.steps import recognise_action, recognise_command, recognise_script
from ci_image.errors import CiImageError
from ci_image.image.input_paths import local_package_paths, reads_python_version
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
        ("https://codeberg.org/acme/my..app", "is not a valid image name part"),
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
    ],
)
def test_more_jobs_left_alone(job: str, reason: str) -> None:
    edit = adopt_workflow(_workflow("jobs:\n  t:\n" + job), IMAGE)
    assert edit.new_text is None
    assert edit.jobs[0].left_alone is not None and reason in edit.jobs[0].left_alone


def test_a_container_mapping_keeps_its_other_keys() -> None:
    text = (
        "jobs:\n  t:\n    runs-on: docker\n    container:\n      image: 'python:3.12'\n"
        "      options: --init\n    steps:\n      - uses: actions/setup-python@v5\n"
        "        with:\n          python-version: '3.12'\n      - run: pytest\n"
    )
    edit = adopt_workflow(_workflow(text), IMAGE)
    assert edit.new_text == (
        "jobs:\n  t:\n    runs-on: docker\n    container:\n"
        "      image: codeberg.org/acme/app:unreleased\n"
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
