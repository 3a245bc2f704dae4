Feature: The image's inputs have one rule, which Nix and the helper apply alike
  The flake library's `lib.imageInputs` (nix/inputs.nix `paths`) lists the repository
  paths the image is built from; `ci-image init` writes them as the build workflow's push
  `paths:`, and `ci-image check` (CI011) compares that filter with them, without Nix (an
  adopter's jobs may have none: src/ci_image/image/input_paths.py). Here the real Nix
  evaluates the adopted flake against the stand-ins, and the helper's list must be the
  same, in the same order, for every shape of project.

  Scenario Outline: Nix and the helper agree: <variant>
    Given a sample uv project: <kind>, Python 3.12
    When I run "ci-image init"
    Then it succeeds
    Given <change>
    Then Nix's lib.imageInputs of the flake are what ci-image computes without Nix

    Examples:
      | variant                               | kind                          | change                                                               |
      | a single project                      | uv_build                      | a file "README.md" is added to the sample project                    |
      | a workspace                           | a workspace with two members  | a file "README.md" is added to the sample project                    |
      | a nix directory of the project's own  | uv_build                      | a file "nix/overlay.nix" is added to the sample project              |
      | a flake that sets python              | uv_build                      | the flake of the sample project sets python = "3.12"                 |
      | a path dependency inside the root     | uv_build                      | the lock of the sample project gains the local package "libs/shared" |
      | a path dependency outside the root    | uv_build                      | the lock of the sample project gains the local package "../shared"   |
      | a member written ./dir/               | uv_build                      | the lock of the sample project gains the local package "./tools/x/"  |
