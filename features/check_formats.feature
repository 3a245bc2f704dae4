Feature: ci-image check --format plain|json|sarif|github
  `plain` (the default) prints `FILE:LINE:COL: RULE name message` lines and a summary.
  `json` (also `--json`) prints one document with a `version`, described by the JSON
  Schema `schemas/check.schema.json`. `sarif` prints SARIF 2.1.0 for code scanning:
  every rule of the catalogue with its short description and documentation link, each
  finding as a result, suppressed findings as results with a suppression. `github`
  prints workflow commands (`::error file=...,line=...,col=...::`, `::notice` for
  notes) that GitHub's and Forgejo's runners turn into annotations. Each finding's
  `url` is its rule's section in docs/rules.md.

  Background:
    Given a file "pyproject.toml" with
      """
      [tool.ci-image]
      image = "codeberg.org/acme/ci"
      """
    And a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:unreleased
          services:
            db: {image: "postgres:16"}
            cache: {image: "redis:7"}  # ci-image: ignore[CI001]
            tool: {image: "alpine@sha256:6666666666666666666666666666666666666666666666666666666666666666"}
      """

  Scenario: JSON carries a version and follows its schema
    When I run "ci-image check --format json"
    Then the exit status is 1
    And stdout is valid against the schema "schemas/check.schema.json" of the repository
    And the JSON on stdout has
      | path                 | value                                                                                      |
      | version              | 1                                                                                          |
      | findings.0.rule      | "CI006"                                                                                    |
      | findings.0.url       | "https://codeberg.org/ci-image/ci-image/src/branch/main/docs/rules.md#ci006-unreleased-pin" |
      | findings.1.rule      | "CI001"                                                                                    |
      | findings.2.rule      | "CI009"                                                                                    |
      | findings.2.severity  | "note"                                                                                     |
      | suppressed.0.line    | 8                                                                                          |
      | counts.suppressed    | 1                                                                                          |
      | ok                   | false                                                                                      |

  Scenario: --json is --format json
    When I run "ci-image check --json"
    Then the exit status is 1
    And stdout is valid against the schema "schemas/check.schema.json" of the repository
    When I run "ci-image check --json --format sarif"
    Then the exit status is 2
    And stderr is one line containing "--json and --format sarif contradict each other; give one"

  Scenario: SARIF 2.1.0, valid against the OASIS schema, with the rule catalogue
    When I run "ci-image check --format sarif"
    Then the exit status is 1
    And stdout is valid SARIF 2.1.0
    And the JSON on stdout has
      | path                                                                | value                                 |
      | version                                                             | "2.1.0"                               |
      | runs.0.tool.driver.name                                             | "ci-image"                            |
      | runs.0.tool.driver.rules.0.id                                       | "CI001"                               |
      | runs.0.tool.driver.rules.0.name                                     | "floating-reference"                  |
      | runs.0.tool.driver.rules.0.helpUri                                  | "https://codeberg.org/ci-image/ci-image/src/branch/main/docs/rules.md#ci001-floating-reference" |
      | runs.0.tool.driver.rules.8.defaultConfiguration.level               | "note"                                |
      | runs.0.results.0.ruleId                                             | "CI006"                               |
      | runs.0.results.0.level                                              | "error"                               |
      | runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri  | ".forgejo/workflows/ci.yml"           |
      | runs.0.results.0.locations.0.physicalLocation.region.startLine      | 5                                     |
      | runs.0.results.0.locations.0.physicalLocation.region.startColumn    | 16                                    |
      | runs.0.results.2.level                                              | "note"                                |
      | runs.0.results.3.ruleId                                             | "CI001"                               |
      | runs.0.results.3.suppressions.0.kind                                | "inSource"                            |

  Scenario: Annotations as workflow commands
    When I run "ci-image check --format github"
    Then the exit status is 1
    And stdout is
      """
      ::error file=.forgejo/workflows/ci.yml,line=5,col=16,title=CI006 unreleased-pin::codeberg.org/acme/ci:unreleased is not yet released: run the build workflow (build-ci-image.yml) once to publish the image and pin it (or pass --allow-unreleased while bootstrapping)
      ::error file=.forgejo/workflows/ci.yml,line=7,col=20,title=CI001 floating-reference::postgres:16 has no digest: a tag can be moved to another image; run ci-image check --fix, or ci-image pin postgres:16
      ::notice file=.forgejo/workflows/ci.yml,line=9,col=22,title=CI009 digest-only-pin::alpine@sha256:6666666666666666666666666666666666666666666666666666666666666666 is pinned by digest alone: immutable, but nobody can tell which version it is; write alpine:TAG@sha256:6666666666666666666666666666666666666666666666666666666666666666 with the tag it was pulled as
      4 image references in 1 workflow file: 2 problems, 1 note, 1 suppressed
      """

  Scenario: A clean check in SARIF has no results, and is still valid
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "alpine:3.20@sha256:6666666666666666666666666666666666666666666666666666666666666666"}
      """
    When I run "ci-image check --format sarif"
    Then it succeeds
    And stdout is valid SARIF 2.1.0
    And the JSON on stdout has
      | path            | value |
      | runs.0.results  | []    |
