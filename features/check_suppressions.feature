Feature: Suppressing a finding of ci-image check
  A finding a maintainer has decided to live with can be suppressed, as zizmor and ruff
  allow: a comment `# ci-image: ignore[CI001]` (rule ids or names, comma-separated) at
  the end of the reference's line or on a line of its own above it; or `ignore = [...]`
  in [tool.ci-image]: a rule id (`"CI003"`) for every file, `{ image = "postgres" }`
  for every finding about an image (any tag and spelling; `postgres:16` only that tag),
  `{ rule = "CI001", image = "postgres" }` for both. Suppressed findings decide nothing;
  the summary counts them, JSON and SARIF list them. A suppression that silences
  nothing is reported itself (CI010 unused-suppression), where that can be told: the
  rules it names all ran (CI005 needs --flake, CI007 and CI008 need --registry), or no
  workflow names its image.

  Scenario: A comment on the line, or on the line above, silences that line only
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: alpine:3.20  # ci-image: ignore[CI001]
          services:
            db:
              # the tests' database; ci-image: ignore[floating-reference]
              image: postgres:16
            cache:
              image: redis:7
      """
    When I run "ci-image check"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/ci.yml:11:16: CI001 floating-reference redis:7 has no digest: a tag can be moved to another image; run ci-image check --fix, or ci-image pin redis:7
      3 image references in 1 workflow file: 1 problem, 2 suppressed
      """

  Scenario: A comment above reaches past blank and comment lines to the next line with content
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          # ci-image: ignore[CI001, CI002]

          # (postgres is pinned by the platform team)
          container: postgres:16
      """
    When I run "ci-image check"
    Then it succeeds
    And stdout is
      """
      1 image reference in 1 workflow file: all pinned by tag and digest, 1 suppressed
      """

  Scenario: Text that looks like the comment inside a script is no comment
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          steps:
            - run: |
                echo "# ci-image: ignore[CI001]"
            - uses: docker://alpine:3.20
      """
    When I run "ci-image check"
    Then the exit status is 1
    And stdout contains "ci.yml:8:24: CI001 floating-reference alpine:3.20"
    And stdout does not contain "CI010"

  Scenario: The ignore setting, by rule, by image and by both
    Given a file "pyproject.toml" with
      """
      [tool.ci-image]
      ignore = [
        "CI009",
        { image = "docker.io/library/postgres" },
        { rule = ["CI001"], image = "redis:7" },
      ]
      """
    And a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: alpine@sha256:6666666666666666666666666666666666666666666666666666666666666666
          services:
            a: {image: postgres}
            b: {image: "index.docker.io/library/postgres:15"}
            c: {image: "redis:7"}
            d: {image: "redis:6"}
      """
    When I run "ci-image check --json"
    Then the exit status is 1
    And the JSON on stdout has
      | path                | value     |
      | findings.0.line     | 10        |
      | findings.0.rule     | "CI001"   |
      | counts.errors       | 1         |
      | counts.suppressed   | 4         |

  Scenario: A suppression that silences nothing is reported, with why
    Given a file "pyproject.toml" with
      """
      [tool.ci-image]
      ignore = [
        "CI003",
        { image = "mysql" },
        { rule = "CI008", image = "alpine" },
      ]
      """
    And a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: alpine:3.20@sha256:6666666666666666666666666666666666666666666666666666666666666666  # ci-image: ignore[CI001]
          services:
            # ci-image: ignore[CI0O1]
            db: {image: "postgres:16@sha256:6666666666666666666666666666666666666666666666666666666666666666"}
      """
    When I run "ci-image check"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/ci.yml:5:101: CI010 unused-suppression ci-image: ignore[CI001]: it matches no finding on line 5; remove the suppression or correct it
      .forgejo/workflows/ci.yml:7:7: CI010 unused-suppression ci-image: ignore[CI0O1]: CI0O1 names no rule; remove the suppression or correct it
      pyproject.toml:3:1: CI010 unused-suppression ignore entry 'CI003' in [tool.ci-image]: it matches no finding; remove the suppression or correct it
      pyproject.toml:4:1: CI010 unused-suppression ignore entry { image = 'mysql' } in [tool.ci-image]: no workflow names mysql; remove the suppression or correct it
      2 image references in 1 workflow file: 4 problems
      """
