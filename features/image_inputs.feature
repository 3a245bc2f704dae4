Feature: The image-inputs digest has one definition, in Nix and in Python
  The image build bakes CI_IMAGE_INPUTS and CI_IMAGE_INPUT_FILES from nix/inputs.nix;
  `ci-image env-check` recomputes them in Python (src/ci_image/image/inputs.py). If the two
  sides disagreed on any file, every job would call a current image stale, or a stale
  one current. The definition: the sha256 of the listing "<sha256 hex>  <name>\n" of
  pyproject.toml and uv.lock, in that order, over the files' raw bytes (nothing is
  normalised). The Nix side here is this repository's nix/inputs.nix evaluated by the
  real nix-instantiate; the Python side is the real CLI.

  Scenario Outline: Nix and Python agree on files with <variant>
    Given pyproject.toml and uv.lock with <variant>
    When I run "ci-image env-check --print-inputs --json"
    Then it succeeds
    And the printed inputs equal what nix-instantiate evaluates from nix/inputs.nix

    Examples:
      | variant                                  |
      | LF line endings                          |
      | CRLF line endings                        |
      | no trailing newline                      |
      | non-ASCII text                           |
      | no content at all                        |
      | bytes that are not UTF-8                 |
      | this repository's own contents           |

  Scenario: The same text with other line endings is another input
    Given pyproject.toml and uv.lock with LF line endings
    When I run "ci-image env-check --print-inputs --json"
    Then the printed inputs differ from those of pyproject.toml and uv.lock with CRLF line endings

  Scenario: In a uv workspace the image also hashes each member's pyproject.toml and .python-version
    Given the sample project "workspace" as the project
    And a file ".python-version" with
      """
      3.13
      """
    When Nix evaluates the image's inputs for the project
    Then the image hashes "pyproject.toml, uv.lock, packages/alpha/pyproject.toml, packages/beta/pyproject.toml, .python-version"
    Given the job runs in an image built from these files
    When I run "ci-image env-check --print-inputs --json"
    Then it succeeds
    And the printed inputs equal what nix-instantiate evaluates from nix/inputs.nix
    When I run "ci-image env-check"
    Then it succeeds
    And stdout is one line containing "image is current: built from this checkout's pyproject.toml, uv.lock, packages/alpha/pyproject.toml, packages/beta/pyproject.toml and .python-version"

  Scenario: A change to a member's pyproject.toml makes the image stale, and says which file
    Given the sample project "workspace" as the project
    And the job runs in an image built from these files
    And the pull request appends to "packages/alpha/pyproject.toml"
      """
      # a comment
      """
    When I run "ci-image env-check"
    Then the exit status is 1
    And stdout is one line containing "image is stale: packages/alpha/pyproject.toml differs from the one the image was built from"

  Scenario: A member the image hashed that the checkout no longer has is a difference too
    Given the sample project "workspace" as the project
    And the job runs in an image built from these files
    And the file "packages/beta/pyproject.toml" is deleted
    When I run "ci-image env-check"
    Then the exit status is 1
    And stdout is one line containing "image is stale: packages/beta/pyproject.toml differs from the one the image was built from"

  Scenario: Outside the image env-check hashes pyproject.toml and uv.lock: only the image knows the rest
    Given the sample project "workspace" as the project
    When I run "ci-image env-check --print-inputs --json"
    Then it succeeds
    And the printed inputs are those of "pyproject.toml, uv.lock"

  Scenario Outline: An image that names a file outside the checkout is not believed: <name>
    Given the sample project "uv_build" as the project
    And the image names "<name>" among its inputs, hashed as "0000000000000000000000000000000000000000000000000000000000000000", adding up
    When I run "ci-image env-check --print-inputs --json"
    Then it succeeds
    And the printed inputs are those of "pyproject.toml, uv.lock"

    Examples:
      | name            |
      | ../elsewhere    |
      | /etc/hostname   |
      | a//b            |
