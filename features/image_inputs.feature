Feature: The image-inputs digest has one definition, in Nix and in Python
  The image build bakes CI_IMAGE_INPUTS and CI_IMAGE_INPUT_FILES from nix/inputs.nix;
  `ci-image env-check` recomputes them in Python (src/ci_image/image/inputs.py). If the two
  sides disagreed on any file, every job would call a current image stale, or a stale
  one current. The definition: the sha256 of the listing "<sha256 hex>  <name>\n" of
  pyproject.toml, uv.lock, a workspace's members' pyproject.toml and .python-version
  (unless the flake sets `python`; "missing" when there is none), in that order, over
  the files' raw bytes (nothing is normalised). The Nix side here is this repository's nix/inputs.nix evaluated by the
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

  Scenario: A local package without a pyproject.toml is named as missing, and stale once it has one
    uv.lock lists each local package; one may have no pyproject.toml (a path dependency
    with a setup.py). The image names its pyproject.toml as missing, as it does an absent
    .python-version, so a pull request that adds one is a difference.
    Given the sample project "workspace" as the project
    And the file "packages/beta/pyproject.toml" is deleted
    When Nix evaluates the image's inputs for the project
    Then the image hashes "pyproject.toml, uv.lock, packages/alpha/pyproject.toml, packages/beta/pyproject.toml, .python-version"
    Given the job runs in an image built from these files
    When I run "ci-image env-check --print-inputs --json"
    Then it succeeds
    And the printed inputs equal what nix-instantiate evaluates from nix/inputs.nix
    When I run "ci-image env-check"
    Then it succeeds
    And stdout is one line containing ", without packages/beta/pyproject.toml and .python-version"
    Given a file "packages/beta/pyproject.toml" with
      """
      [project]
      name = "beta"
      version = "0.1.0"
      """
    When I run "ci-image env-check"
    Then the exit status is 1
    And stdout is one line containing "image is stale: the image was built without packages/beta/pyproject.toml, which this checkout has"

  Scenario: Outside the image env-check hashes the files an image built from the checkout would
    Given the sample project "workspace" as the project
    When I run "ci-image env-check --print-inputs --json"
    Then it succeeds
    And the printed inputs are those of "pyproject.toml, uv.lock, packages/alpha/pyproject.toml, packages/beta/pyproject.toml, .python-version"
    And the printed inputs equal what nix-instantiate evaluates from nix/inputs.nix

  Scenario: An image built without .python-version is stale once a pull request adds one
    The flake sets no `python`, so a .python-version decides the interpreter: the image
    names it among its inputs as missing, and a checkout that has one differs.
    Given the sample project "uv_build" as the project
    And the job runs in an image built from these files
    When I run "ci-image env-check"
    Then it succeeds
    And stdout is one line containing "image is current: built from this checkout's pyproject.toml and uv.lock, without .python-version"
    Given a file ".python-version" with
      """
      3.12
      """
    When I run "ci-image env-check"
    Then the exit status is 1
    And stdout is one line containing "image is stale: the image was built without .python-version, which this checkout has"

  Scenario: An image with a python setting ignores .python-version
    Given the sample project "uv_build" as the project
    And a file "flake.nix" with
      """
      {
        outputs = inputs: inputs.ci-image.lib.mkFlake {
          root = ./.;
          python = "3.12";
        };
      }
      """
    When I run "ci-image env-check --print-inputs --json"
    Then the printed inputs are those of "pyproject.toml, uv.lock"

  Scenario Outline: An image that names a file outside the checkout is not believed: <name>
    Given the sample project "uv_build" as the project
    And the image names "<name>" among its inputs, hashed as "0000000000000000000000000000000000000000000000000000000000000000", adding up
    When I run "ci-image env-check --print-inputs --json"
    Then it succeeds
    And the printed inputs are those of "pyproject.toml, uv.lock, .python-version"

    Examples:
      | name            |
      | ../elsewhere    |
      | /etc/hostname   |
      | a//b            |
