Feature: The project's own code and commands, in the image and in nix develop
  The image's venv holds the project's locked dependencies but not the project: the
  image's tag must not move with every commit to the source. At the end of the venv's
  build, nix/checkout/install.py reads the image's inputs only (uv.lock and each local
  project's pyproject.toml) and writes into the venv:
  - a .pth hook (nix/checkout/_ci_image_checkout.py) that, when an interpreter starts,
    finds the checkout ($GITHUB_WORKSPACE, else the nearest directory at or above the
    working directory whose pyproject.toml names a project of the workspace, else the
    same from $CI_IMAGE_CHECKOUT, which `nix develop` sets) and appends each project's
    package root to sys.path, as an editable install's .pth does: `src` or the project
    directory, from the build backend's settings where they say it, else found there;
  - the console scripts of [project.scripts], and a .dist-info per project (name,
    version, entry points), so importlib.metadata and plugin discovery see the project.
  uv is told to use that venv as the project's environment (UV_PROJECT_ENVIRONMENT,
  UV_NO_SYNC). So `uv run CMD`, `python -m PKG`, the console scripts, pytest and nox work
  as after `uv sync`, with nothing built or downloaded in the job.

  These scenarios reproduce the image's environment on this machine
  (features/support/image_environment.py): a venv that uv builds from the sample's lock
  without its local projects (as uv2nix does from the same lock), completed by the same
  install.py on the files the image's evaluation copied; the variables the library gives
  the image (its evaluated config), with the Nix venv and interpreter swapped for these;
  an empty HOME; and every command in a mount and network namespace of its own, the venv
  mounted read-only and no network at all (where namespaces cannot be made, the venv is
  compared before and after, and uv is offline by its settings).

  Scenario Outline: In a <kind> project, the project's commands work as after uv sync
    Given the sample project "<kind>" with the template's flake.nix
    And a venv like the image's, built from the sample's lock without the project and completed by nix/checkout/install.py
    When these commands run in the image's environment, the venv read-only and no network
      | directory | command                                                                     | prints              |
      | .         | uv run python -c "import {module}; print({module}.NAME)"                    | {module}            |
      | .         | python -m {module}                                                          | {module} runs       |
      | .         | {script}                                                                    | {module} script runs |
      | .         | uv run {script}                                                             | {module} script runs |
      | tests     | python -c "import {module}; print({module}.__file__)"                       | {module}            |
      | .         | pytest -q -p no:cacheprovider                                               | 1 passed            |
      | .         | uv run pytest -q -p no:cacheprovider                                        | 1 passed            |
      | .         | nox -l                                                                      | * tests             |
      | .         | uv run nox -s tests                                                         | 1 passed            |
      | .         | python -c "import importlib.metadata as m; print(m.version('{name}'))"      | 0.1.0               |
    Then each prints what it should and exits as it should
    And the checkout has no .venv, and the venv is as install.py left it

    Examples:
      | kind                    |
      | hatchling, src layout   |
      | uv_build                |
      | setuptools, flat layout |
      | flit-core               |
      | pdm-backend             |

  Scenario: In a workspace, every member's code is found, from the root or a member
    Given the sample project "workspace" with the template's flake.nix
    And a venv like the image's, built from the sample's lock without the project and completed by nix/checkout/install.py
    When these commands run in the image's environment, the venv read-only and no network
      | directory          | command                                                              | prints           |
      | .                  | uv run python -c "import alpha, beta; print(alpha.NAME, beta.NAME)" | alpha beta       |
      | .                  | python -m alpha                                                      | alpha runs       |
      | .                  | alpha                                                                | alpha script runs |
      | .                  | uv run beta                                                          | beta script runs |
      | packages/beta      | python -c "import alpha; print(alpha.NAME)"                          | alpha            |
      | packages/alpha/src | python -m beta                                                       | beta runs        |
      | .                  | pytest -q -p no:cacheprovider                                        | 2 passed         |
      | .                  | nox -l                                                               | * tests          |
    Then each prints what it should and exits as it should
    And the checkout has no .venv, and the venv is as install.py left it

  Scenario: In a virtual project, uv installs nothing of the project, and neither does the image
    Given the sample project "virtual" with the template's flake.nix
    And a venv like the image's, built from the sample's lock without the project and completed by nix/checkout/install.py
    When these commands run in the image's environment, the venv read-only and no network
      | directory | command                                                           | prints            |
      | .         | uv run python -c "import virtual_app; print(virtual_app.NAME)"   | virtual_app       |
      | .         | python -m virtual_app                                             | virtual_app runs  |
      | .         | python -m pytest -q -p no:cacheprovider                           | 1 passed          |
      | .         | nox -l                                                            | * tests           |
    Then each prints what it should and exits as it should
    And install.py wrote nothing into the venv

  Scenario: Outside the checkout, GITHUB_WORKSPACE says where it is; without it a script says so
    Given the sample project "uv_build" with the template's flake.nix
    And a venv like the image's, built from the sample's lock without the project and completed by nix/checkout/install.py
    When these commands run in the image's environment, the venv read-only and no network
      | directory | GITHUB_WORKSPACE | command                                             | prints                                              | status |
      | elsewhere | the checkout     | {script}                                            | {module} script runs                                | 0      |
      | elsewhere | the checkout     | python -c "import {module}; print({module}.NAME)"   | {module}                                            | 0      |
      | elsewhere |                  | {script}                                            | {script}: the checkout of {name} was not found      | 2      |
      | elsewhere |                  | python -c "import {module}"                         | ModuleNotFoundError: No module named '{module}'     | 1      |
    Then each prints what it should and exits as it should

  Scenario: In nix develop, a process started outside the checkout finds it through CI_IMAGE_CHECKOUT
    The dev shell's hook exports CI_IMAGE_CHECKOUT as the directory `nix develop` was
    entered in (features/nix_shell.feature): a test suite's subprocess that runs in a
    temporary directory still imports the project.
    Given the sample project "hatchling, src layout" with the template's flake.nix
    And a venv like the image's, built from the sample's lock without the project and completed by nix/checkout/install.py
    When these commands run in the dev shell's environment, the venv read-only and no network
      | directory | command                                             | prints               |
      | elsewhere | python -c "import {module}; print({module}.NAME)"   | {module}             |
      | elsewhere | {script}                                            | {module} script runs |
      | .         | uv run pytest -q -p no:cacheprovider                | 1 passed             |
    Then each prints what it should and exits as it should

  Scenario: What install.py writes, from the image's inputs only, the same every time
    Given the sample project "hatchling, src layout" with the template's flake.nix
    And a venv like the image's, built from the sample's lock without the project and completed by nix/checkout/install.py
    Then install.py wrote into the venv "_ci_image_checkout.pth, _ci_image_checkout.py, __pycache__/_ci_image_checkout.cpython-X.pyc, bin/{script}, hatch_app-0.1.0.dist-info/INSTALLER, hatch_app-0.1.0.dist-info/METADATA, hatch_app-0.1.0.dist-info/RECORD, hatch_app-0.1.0.dist-info/entry_points.txt"
    And a second build of that venv writes the same files, byte for byte
