Feature: check's rules for an adopting project: the build workflow and the image fit it
  Once a project has a build workflow (`build-ci-image.yml` in its workflow directory, as
  `ci-image init` writes it), `ci-image check` also reports:

  | rule  | name         | what it means                                                                      |
  | CI011 | build-paths  | the build workflow's push `paths:` are not exactly the image's inputs and itself   |
  | CI012 | unused-image | the image of `[tool.ci-image]` is used by no job                                   |

  The image's inputs are those of the flake library's `lib.imageInputs`, computed without
  Nix (an adopter's jobs may have none): pyproject.toml, uv.lock, flake.nix, flake.lock,
  `nix/**` when there is a nix directory, the pyproject.toml of each local package of the
  lock, and `.python-version` unless flake.nix sets `python`.

  Background:
    Given a sample uv project
    When I run "ci-image init"
    Then it succeeds

  Scenario: What init writes passes both rules
    When I run "ci-image check --allow-unreleased"
    Then it succeeds
    And stdout does not contain "CI011"
    And stdout does not contain "CI012"

  Scenario: A path missing from the filter, and one that is no input, are both named
    Given in ".forgejo/workflows/build-ci-image.yml" the line "      - uv.lock" is replaced by "      - docs/**"
    When I run "ci-image check --allow-unreleased"
    Then the exit status is 1
    And stdout contains ".forgejo/workflows/build-ci-image.yml:14:7: CI011 build-paths the build workflow's push paths are not the image's inputs: missing uv.lock (a change there leaves the image stale); not inputs: docs/** (a change there rebuilds for nothing); they must be exactly pyproject.toml, uv.lock, flake.nix, flake.lock, .python-version, .forgejo/workflows/build-ci-image.yml; run ci-image init --force to write it again, or edit its paths:"

  Scenario: A new workspace member's pyproject.toml must join the filter
    Given the lock of the sample project gains the local package "tools/lint"
    When I run "ci-image check --allow-unreleased"
    Then the exit status is 1
    And stdout contains "CI011 build-paths the build workflow's push paths are not the image's inputs: missing tools/lint/pyproject.toml"
    When I run "ci-image init --force"
    And I run "ci-image check --allow-unreleased"
    Then it succeeds

  Scenario: A flake that sets python does not read .python-version
    Given the flake of the sample project sets python = "3.12"
    When I run "ci-image check --allow-unreleased"
    Then the exit status is 1
    And stdout contains "not inputs: .python-version"

  Scenario: A build workflow without a paths filter rebuilds on every push
    Given in ".forgejo/workflows/build-ci-image.yml" the line "    paths:" is replaced by "    paths-ignore:"
    When I run "ci-image check --allow-unreleased"
    Then the exit status is 1
    And stdout contains ".forgejo/workflows/build-ci-image.yml:10:5: CI011 build-paths the build workflow has no push paths: list"

  Scenario: An image that no job uses is reported where it is configured
    Given in ".forgejo/workflows/ci.yml" every "codeberg.org/acme/uvb-app:unreleased" is replaced by "python:3.12@sha256:1111111111111111111111111111111111111111111111111111111111111111"
    When I run "ci-image check --allow-unreleased"
    Then the exit status is 1
    And stdout contains "pyproject.toml:12:10: CI012 unused-image the CI image codeberg.org/acme/uvb-app is used by no job: the build workflow builds it for nothing; in each job that should run in it write `container: codeberg.org/acme/uvb-app:unreleased` (ci-image init does), or fix the image name"
    And stdout does not contain "CI011"

  Scenario: --json carries the adopter findings like every other
    Given in ".forgejo/workflows/build-ci-image.yml" the line "      - flake.lock" is replaced by "      - flake.lck"
    When I run "ci-image check --allow-unreleased --json"
    Then the exit status is 1
    And stdout contains ""rule": "CI011""
    And stdout contains ""name": "build-paths""

  Scenario: Without a build workflow the rules do not apply
    Given the file ".forgejo/workflows/build-ci-image.yml" of the sample project is removed
    And in ".forgejo/workflows/ci.yml" every "codeberg.org/acme/uvb-app:unreleased" is replaced by "python:3.12@sha256:1111111111111111111111111111111111111111111111111111111111111111"
    When I run "ci-image check"
    Then it succeeds
