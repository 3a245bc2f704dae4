Feature: nix develop
  devShells.default gives the image's tools with the project installed editable, and
  points uv at the Nix interpreter so `uv run` and nox use that environment as it is.
  Evaluated with the real Nix against the stand-ins, like the image.

  Background:
    Given a copy of the project
    When the flake's outputs are evaluated with the stand-in inputs

  Scenario: The dev shell has every tool of the image, its own venv first
    Then the dev shell's first package is its venv
    And after its venv, the dev shell's packages are the packages on the image's PATH after the image's venv, in the same order

  Scenario: The project is installed editable, with every dependency group
    Then the dev shell's venv installs the project editable from "$REPO_ROOT"
    And the dev shell's venv holds every package of the image's venv, and the project
    And the dev shell's hook exports REPO_ROOT from git, falling back to the current directory
    And the dev shell's project is built from exactly "README.md, pyproject.toml, src/ci_image/__init__.py"

  Scenario: A change to the code under src/ rebuilds nothing in the dev shell
    When a line is added to "src/ci_image/cli.py" in the copy
    And the flake's outputs are evaluated again
    Then the dev shell and its venv are unchanged

  Scenario: uv uses the environment as it is
    Then the dev shell's environment is
      | name                | value                         |
      | UV_NO_SYNC          | 1                             |
      | UV_PYTHON_DOWNLOADS | never                         |
      | UV_PYTHON           | the Nix interpreter of python |
