Feature: nix develop
  devShells.default is the CI image's environment outside a container: the image's tools,
  the image's own venv (every locked dependency, not the project), and uv pointed at that
  venv, so `uv run`, nox, pytest and the project's console scripts behave as in a CI job.
  The project's code comes from the checkout: the venv's hook finds it at run time
  (features/checkout.feature), so an edit applies at once and rebuilds nothing. Evaluated
  with the real Nix against the stand-ins, like the image.

  Background:
    Given a copy of the project
    When the flake's outputs are evaluated with the stand-in inputs

  Scenario: The dev shell has the image's venv and every tool of the image, in the image's order
    Then the dev shell's first package is the image's venv
    And the dev shell's packages are the packages on the image's PATH, in the same order

  Scenario: The hook tells the venv where the checkout is, for processes that run elsewhere
    Then the dev shell's hook exports CI_IMAGE_CHECKOUT as the directory it was entered in

  Scenario: A change to the code under src/ rebuilds nothing in the dev shell
    When a line is added to "src/ci_image/cli.py" in the copy
    And the flake's outputs are evaluated again
    Then the dev shell and its venv are unchanged

  Scenario: uv uses the image's venv as it is, as in the image
    Then the dev shell's environment is
      | name                   | value                         |
      | UV_NO_SYNC             | 1                             |
      | UV_PYTHON_DOWNLOADS    | never                         |
      | UV_PYTHON              | the Nix interpreter of python |
      | UV_PROJECT_ENVIRONMENT | the image's venv              |
      | VIRTUAL_ENV            | the image's venv              |
