Feature: Settings in [tool.ci-image] of pyproject.toml
  The helper's settings live in `[tool.ci-image]` of the nearest pyproject.toml at or
  above the working directory: `image` (the CI image's repository, REGISTRY/OWNER/IMAGE)
  and `workflows` (the workflow directory, relative to pyproject.toml). Flags override
  them. A broken table is one clear line naming the file and line, exit status 2.

  Scenario: Without any pyproject.toml, check reads Forgejo's directories from here
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: "alpine:3.20@sha256:6666666666666666666666666666666666666666666666666666666666666666"}
      """
    When I run "ci-image check"
    Then it succeeds
    And stdout is
      """
      1 image reference in 1 workflow file: all pinned by tag and digest
      """

  Scenario: The workflows setting is relative to pyproject.toml, wherever check runs
    Given a file "pyproject.toml" with
      """
      [tool.ci-image]
      workflows = "ci/workflows"
      """
    And a file "ci/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: alpine}
      """
    And a file "docs/README.md" with
      """
      docs
      """
    When in "docs" I run "ci-image check"
    Then the exit status is 1
    And stdout contains "../ci/workflows/ci.yml:3:35: CI001 floating-reference alpine"

  Scenario Outline: A broken setting: <case>
    Given a file "pyproject.toml" written byte for byte as
      """
      <toml>
      """
    And a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: alpine}
      """
    When I run "ci-image check"
    Then the exit status is 2
    And stderr is one line containing "pyproject.toml<where>: <message>"

    Examples:
      | case                  | toml                                                   | where | message |
      | not TOML              | [project]<LF>name = "x"<LF>[tool.ci-image<LF>          | :3    | not valid TOML (Expected ']' at the end of a table declaration (at line 3, column 15)); fix the file |
      | not a table           | [tool]<LF>ci-image = "codeberg.org/acme/ci"            | :2    | [tool.ci-image] must be a table |
      | an unknown key        | [tool.ci-image]<LF>imag = "codeberg.org/acme/ci"       | :2    | unknown key 'imag' in [tool.ci-image]; known keys: image, workflows |
      | image not a string    | [tool.ci-image]<LF>image = 3                           | :2    | image in [tool.ci-image] must be a string like "codeberg.org/OWNER/IMAGE" |
      | image with a tag      | [tool.ci-image]<LF>image = "codeberg.org/acme/ci:1"    | :2    | image in [tool.ci-image] is not REGISTRY/OWNER/IMAGE: 'codeberg.org/acme/ci:1' is a pinned reference; give the repository alone |
      | image without a host  | [tool.ci-image]<LF>image = "acme/ci"                   | :2    | image in [tool.ci-image] is not REGISTRY/OWNER/IMAGE: 'acme/ci' names no registry host |
      | empty workflows       | [tool.ci-image]<LF>workflows = ""                      | :2    | workflows in [tool.ci-image] must be a directory path relative to |
      | a dotted key          | [tool]<LF>ci-image.workflows = 1                       |       | workflows in [tool.ci-image] must be a directory path relative to |
      | not UTF-8             | [tool.ci-image]<LF>image = "caf<xE9>"                  |       | cannot read settings: 'utf-8' codec can't decode byte 0xe9 |

  Scenario Outline: Flags that give every value a command needs make a broken table no error: <command>
    A setting a flag replaces is never read, so a broken table stops only the commands
    that need a value from it.
    Given a file "pyproject.toml" with
      """
      [tool.ci-image]
      imag = "codeberg.org/acme/ci"
      """
    And a file "ci/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    When I run "ci-image <command> <arguments>"
    Then it succeeds
    And stdout contains "<output>"

    Examples:
      | command  | arguments                                                                                                               | output                                                                           |
      | check    | --workflows ci/workflows --image codeberg.org/acme/ci --allow-unreleased                                                | 1 image reference in 1 workflow file: no problems, 1 note                       |
      | pin      | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 --workflows ci/workflows | pinned codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 in 1 of 1 file |
      | triggers | --workflows ci/workflows --changed README.md                                                                            | ci/workflows/ci.yml: triggers                                                    |

  Scenario: release with --to and --workflows does not read a broken table either
    It goes on to the archive, which here does not exist.
    Given a file "pyproject.toml" with
      """
      [tool.ci-image]
      imag = "codeberg.org/acme/ci"
      """
    And a file "ci/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    When I run "ci-image release missing.tar --to codeberg.org/acme/ci --workflows ci/workflows"
    Then the exit status is 2
    And stderr is one line containing "missing.tar: no such file; build the image first"

  Scenario Outline: Without the flag that replaces it, the broken table is an error for <command>
    Given a file "pyproject.toml" with
      """
      [tool.ci-image]
      imag = "codeberg.org/acme/ci"
      """
    And a file "ci/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    When I run "ci-image <command> <arguments>"
    Then the exit status is 2
    And stderr is one line containing "pyproject.toml:2: unknown key 'imag' in [tool.ci-image]"

    Examples:
      | command  | arguments                                                                                                               |
      | check    | --workflows ci/workflows                                                                                                |
      | check    | --image codeberg.org/acme/ci                                                                                            |
      | pin      | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222                        |
      | triggers | --changed README.md                                                                                                     |
      | push     | missing.tar                                                                                                             |
      | release  | missing.tar --workflows ci/workflows                                                                                    |
