Feature: Settings in [tool.ci-image] of pyproject.toml
  The helper's settings live in `[tool.ci-image]` of the nearest pyproject.toml at or
  above the working directory: `image` (the CI image's repository, REGISTRY/OWNER/IMAGE),
  `workflows` (the workflow directory, relative to pyproject.toml, inside the
  repository), `ignore` (suppressions for check, see check_suppressions.feature) and
  `insecure-registries` (registry hosts pin and check reach without TLS verification).
  Flags override them. A broken table is one clear line naming the file and line, exit
  status 2.

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
      | an unknown key        | [tool.ci-image]<LF>imag = "codeberg.org/acme/ci"       | :2    | unknown key 'imag' in [tool.ci-image]; known keys: ignore, image, insecure-registries, workflows |
      | image not a string    | [tool.ci-image]<LF>image = 3                           | :2    | image in [tool.ci-image] must be a string like "codeberg.org/OWNER/IMAGE" |
      | image with a tag      | [tool.ci-image]<LF>image = "codeberg.org/acme/ci:1"    | :2    | image in [tool.ci-image] is not REGISTRY/OWNER/IMAGE: 'codeberg.org/acme/ci:1' is a pinned reference; give the repository alone |
      | image without a host  | [tool.ci-image]<LF>image = "acme/ci"                   | :2    | image in [tool.ci-image] is not REGISTRY/OWNER/IMAGE: 'acme/ci' names no registry host |
      | empty workflows       | [tool.ci-image]<LF>workflows = ""                      | :2    | workflows in [tool.ci-image] must be a directory path relative to |
      | a dotted key          | [tool]<LF>ci-image.workflows = 1                       |       | workflows in [tool.ci-image] must be a directory path relative to |
      | not UTF-8             | [tool.ci-image]<LF>image = "caf<xE9>"                  |       | cannot read settings: 'utf-8' codec can't decode byte 0xe9 |
      | ignore not a list     | [tool.ci-image]<LF>ignore = "CI001"                    | :2    | ignore in [tool.ci-image]: must be a list; write rule ids ("CI001") or tables |
      | ignore an unknown rule | [tool.ci-image]<LF>ignore = ["CI0O1"]                 | :2    | ignore in [tool.ci-image]: 'CI0O1' names no rule (see docs/rules.md) |
      | ignore an unknown key | [tool.ci-image]<LF>ignore = [{rules = "CI001"}]        | :2    | ignore in [tool.ci-image]: unknown key 'rules' in {'rules': 'CI001'} |
      | ignore a bad image    | [tool.ci-image]<LF>ignore = [{image = "Postgres"}]     | :2    | ignore in [tool.ci-image]: image 'Postgres' is not an image reference |
      | ignore a pinned image | [tool.ci-image]<LF>ignore = [{image = "postgres@sha256:2222222222222222222222222222222222222222222222222222222222222222"}] | :2 | ignore in [tool.ci-image]: image 'postgres@sha256:2222222222222222222222222222222222222222222222222222222222222222' has a digest; name the repository[:TAG] |
      | ignore a number       | [tool.ci-image]<LF>ignore = [1]                        | :2    | ignore in [tool.ci-image]: 1 is neither a rule id nor a table |
      | ignore a rule number  | [tool.ci-image]<LF>ignore = [{rule = 1}]               | :2    | ignore in [tool.ci-image]: rule in {'rule': 1} must be a rule id or a list of them |
      | ignore an image number | [tool.ci-image]<LF>ignore = [{image = 1}]             | :2    | ignore in [tool.ci-image]: image in {'image': 1} must be a string |
      | ignore no rule at all | [tool.ci-image]<LF>ignore = [{rule = []}]              | :2    | ignore in [tool.ci-image]: rule in {'rule': []} must be a rule id or a list of them |
      | insecure hosts not a list | [tool.ci-image]<LF>insecure-registries = "h:5000"  | :2    | insecure-registries in [tool.ci-image] must be a list of hosts like "HOST:PORT" |
      | insecure host not a host | [tool.ci-image]<LF>insecure-registries = ["h/x"]    | :2    | insecure-registries in [tool.ci-image]: 'h/x' is not a registry host[:port] |

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
      | pin      | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 --workflows ci/workflows --image codeberg.org/acme/ci | pinned codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 in 1 of 1 file |
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
    check always reads the table: its `ignore` setting has no flag to replace it.
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
      | check    | --workflows ci/workflows --image codeberg.org/acme/ci --allow-unreleased                                                |
      | pin      | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222                        |
      | triggers | --changed README.md                                                                                                     |
      | push     | missing.tar                                                                                                             |
      | release  | missing.tar --workflows ci/workflows                                                                                    |

  Scenario Outline: A workflows setting that leads out of the repository is refused by <command>
    A checkout's pyproject.toml must not make pin write, or check read, another tree:
    the setting gets the same repository boundary as a symbolic link.
    Given the directory "repo" is the root of a git repository
    And a file "repo/pyproject.toml" with
      """
      [tool.ci-image]
      image = "codeberg.org/acme/ci"
      workflows = "<setting>"
      """
    And a file "outside2/x.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    When in "repo" I run "ci-image <command>"
    Then the exit status is 2
    And stderr is one line containing "pyproject.toml:3: workflows in [tool.ci-image] leads to /"
    And stderr contains "outside the repository"
    And no file in the project changed

    Examples:
      | command                                                                                         | setting          |
      | pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 | ../outside2      |
      | check                                                                                           | ../outside2      |
      | check                                                                                           | ../../../../etc  |

  Scenario: A workflows setting may lead up and back into the repository
    Given the directory "." is the root of a git repository
    And a file "tools/pyproject.toml" with
      """
      [tool.ci-image]
      workflows = "../.forgejo/workflows"
      """
    And a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: alpine}
      """
    When in "tools" I run "ci-image check"
    Then the exit status is 1
    And stdout contains "../.forgejo/workflows/ci.yml:3:35: CI001 floating-reference alpine"
