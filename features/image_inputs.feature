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
