Feature: The CI image's Nix expression
  nix/image.nix builds the image with dockerTools.buildLayeredImage from the venv of
  nix/python.nix and the tools of nix/tools.nix. The real Nix evaluates the flake against
  stand-ins for nixpkgs, pyproject.nix, uv2nix and build-system-pkgs that refuse any
  argument or attribute the real ones do not have (features/support/nix/standins.nix says
  where each was read). The same holds for both systems; these scenarios read x86_64-linux.

  Background:
    Given a copy of the project
    When the flake's outputs are evaluated with the stand-in inputs

  Scenario: The tag is the Nix hash, and no timestamp varies
    Then the image is built with tag null, so its tag is the hash Nix gives it
    And the image's created and mtime are both "1970-01-01T00:00:01Z"
    And the image is named after the image of [tool.ci-image] in pyproject.toml

  Scenario: Every tool of the shared list is on the image's PATH, the venv first
    Then the image's PATH holds every tool of nix/tools.nix in the list's order
    And the first entry of the image's PATH is the bin directory of the image's venv
    And the image's root has the programs of nix/tools.nix, /bin/sh, /usr/bin/env, the CA bundle and /etc/passwd

  Scenario: What a Forgejo job container needs
    Then the image runs as user "0:0"
    And the image's extra commands create /tmp with mode 1777 and the home directory /root
    And the image's environment has
      | name                | value                        |
      | HOME                | /root                        |
      | SSL_CERT_FILE       | /etc/ssl/certs/ca-bundle.crt |
      | NIX_SSL_CERT_FILE   | /etc/ssl/certs/ca-bundle.crt |
      | GIT_SSL_CAINFO      | /etc/ssl/certs/ca-bundle.crt |
      | UV_NO_SYNC          | 1                            |
      | UV_PYTHON_DOWNLOADS | never                        |
    And the image's labels are
      | name                                 | value                                                                                   |
      | org.opencontainers.image.title       | ci-image                                                                                |
      | org.opencontainers.image.description | Publish a Nix-built, bit-reproducible CI image and pin it by digest in Forgejo workflows |
      | org.opencontainers.image.licenses    | MIT                                                                                     |
      | org.opencontainers.image.source      | https://codeberg.org/ci-image/ci-image                                                  |

  Scenario: The image bakes the digest of its dependency files, as the helper computes it
    Then the image's CI_IMAGE_INPUTS is the digest ci_image.inputs computes for the copy
    And the image's CI_IMAGE_INPUT_FILES is the per-file list ci_image.inputs computes for the copy

  Scenario: The image's venv has every dependency and group of the project, but not the project
    Then the image's venv holds every dependency, extra and dependency group of the project in uv.lock
    And the image's venv does not hold the project
    And the image's venv comes from a workspace of exactly pyproject.toml and uv.lock, with wheels
    And no argument of the image is a path or carries a store path as context

  Scenario: A change under src/ leaves the image alone, a change to uv.lock does not
    When a line is added to "src/ci_image/cli.py" in the copy
    And the flake's outputs are evaluated again
    Then the image, its tag and its workspace are unchanged
    And the helper application changed, so the stand-ins do see source changes
    When a comment line is added to "uv.lock" in the copy
    And the flake's outputs are evaluated again
    Then the image's tag and its workspace changed

  Scenario: The list of the image's inputs is in one place
    Then nix/image-inputs.nix lists the paths "pyproject.toml, uv.lock, flake.nix, flake.lock, nix/**"
    And the flake exposes the same list as lib.imageInputs
    And the image's workspace files are the files nix/inputs.nix and ci_image.inputs hash
