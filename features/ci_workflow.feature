Feature: CI jobs run in the pinned image and install nothing
  .forgejo/workflows/ci.yml runs nox's default sessions (lint, typecheck,
  coverage_report, security) as jobs in the CI image, pinned as
  REGISTRY/OWNER/IMAGE:TAG@sha256:DIGEST by `ci-image pin`. The tests run once:
  coverage_report runs the unit tests and the behave features under coverage (`nox -s
  tests` is the same run unmeasured, for local use). The image already holds the
  locked dependencies and the tools, so no job installs anything: a job starts, checks
  out, and runs nox.

  Background:
    Given this repository's workflows in the project

  Scenario: No job of ci.yml installs packages
    When the steps of every job in ".forgejo/workflows/ci.yml" are read
    Then no step installs packages

  Scenario Outline: A job that installs packages would be caught: <command>
    Given the workflow ".forgejo/workflows/ci.yml" in the project gains a step that runs "<command>"
    When the steps of every job in ".forgejo/workflows/ci.yml" are read
    Then a step that installs packages is found in job "nox"

    Examples:
      | command                              |
      | pip install -r requirements.txt      |
      | python -m pip install nox            |
      | uv sync --frozen                     |
      | uv pip install behave                |
      | apt-get update                       |
      | apt install -y git                   |
      | apk add git                          |
      | nix profile install nixpkgs#hello    |

  Scenario: The jobs run nox's default sessions, each once, so the tests run once
    Then the matrix of job "nox" in ".forgejo/workflows/ci.yml" is nox's default sessions

  Scenario: Every job of ci.yml runs in the CI image
    When the steps of every job in ".forgejo/workflows/ci.yml" are read
    Then every job in it runs in a container that is the CI image of [tool.ci-image]

  Scenario: The repository's own pins pass ci-image check, bootstrap pin allowed
    Before the first release, the pin is the marked bootstrap reference
    ":unreleased", which check reports as a note (CI006) when told to allow it.
    Given this repository's "pyproject.toml" in the project
    When I run "ci-image check --allow-unreleased"
    Then it succeeds

  Scenario: zizmor finds nothing in the workflows
    When I run "zizmor --offline" on this repository's workflows
    Then it succeeds

  Scenario: The workflows are valid by the GitHub workflow schema
    When I run "check-jsonschema --builtin-schema vendor.github-workflows" on this repository's workflows
    Then it succeeds
