Feature: The build workflow runs exactly when the image's inputs change
  .forgejo/workflows/build-ci-image.yml rebuilds, pushes and re-pins the CI image. It
  must run on every push to main that can change the image (pyproject.toml, uv.lock,
  flake.nix, flake.lock, nix/**, and the workflow itself), and on no other push: a
  commit that touches only src/ or the docs leaves the image, and its tag, as they are.
  These scenarios ask `ci-image triggers` (Forgejo's own semantics) about the real
  workflow file and real git history.

  Background:
    Given a git repository in the project
    And a commit "start" on the current branch with these changes
      | change | path           |
      | add    | pyproject.toml |
      | add    | uv.lock        |
      | add    | flake.nix      |
      | add    | flake.lock     |
      | add    | nix/image.nix  |
      | add    | src/ci_image/cli.py |
      | add    | features/cli.feature |
      | add    | README.md      |
      | add    | ci/README.md   |
    And this repository's workflows in the project
    And everything in the project is committed as "base"

  Scenario Outline: A push to main that changes <input> rebuilds the image
    Given a commit "change" on the current branch with these changes
      | change   | path    |
      | <change> | <input> |
    When I run "ci-image triggers --workflow .forgejo/workflows/build-ci-image.yml --ref refs/heads/main --git base change"
    Then it succeeds
    And stdout contains "build-ci-image.yml: triggers"

    Examples:
      | input                                 | change |
      | uv.lock                               | modify |
      | pyproject.toml                        | modify |
      | flake.nix                             | modify |
      | flake.lock                            | modify |
      | nix/image.nix                         | modify |
      | nix/overlays/extra.nix                | add    |

  Scenario: A push to main that changes the build workflow itself runs it
    Given a commit "change" that adds a comment to ".forgejo/workflows/build-ci-image.yml"
    When I run "ci-image triggers --workflow .forgejo/workflows/build-ci-image.yml --ref refs/heads/main --git base change"
    Then it succeeds

  Scenario: A push to main that changes only the CI workflow does not
    Given a commit "change" that adds a comment to ".forgejo/workflows/ci.yml"
    When I run "ci-image triggers --workflow .forgejo/workflows/build-ci-image.yml --ref refs/heads/main --git base change"
    Then the exit status is 1

  Scenario Outline: A push to main that changes only <input> does not
    Given a commit "change" on the current branch with these changes
      | change   | path    |
      | <change> | <input> |
    When I run "ci-image triggers --workflow .forgejo/workflows/build-ci-image.yml --ref refs/heads/main --git base change"
    Then the exit status is 1
    And stdout contains "build-ci-image.yml: does not trigger"

    Examples:
      | input                      | change |
      | src/ci_image/cli.py        | modify |
      | features/cli.feature       | modify |
      | README.md                  | modify |
      | ci/README.md               | modify |
      | docs/nix-notes.md          | add    |

  Scenario: A push to another branch does not rebuild, even when uv.lock changes
    Given a commit "change" on the current branch with these changes
      | change | path    |
      | modify | uv.lock |
    When I run "ci-image triggers --workflow .forgejo/workflows/build-ci-image.yml --ref refs/heads/feature --git base change"
    Then the exit status is 1
    And stdout contains "does not trigger"

  Scenario: A tag push does not rebuild
    When I run "ci-image triggers --workflow .forgejo/workflows/build-ci-image.yml --ref refs/tags/v1.0.0"
    Then the exit status is 1

  Scenario: The paths filter and the image's inputs cannot drift apart
    The Nix side lists the image's inputs once (nix/inputs.nix, the flake's lib.imageInputs). A file the image
    reads that the filter misses would leave a stale image (features/nix_image.feature
    proves that no other tracked file changes the image); a path the filter lists that
    cannot change the image would rebuild for nothing.
    Then the build workflow's paths filter is exactly the image's inputs and the workflow itself
    And the flake, the lock files and every file under nix/ are among the image's inputs
