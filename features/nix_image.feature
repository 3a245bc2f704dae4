Feature: The CI image's Nix expression
  nix/image.nix builds the image with dockerTools.buildLayeredImage from the venv of
  nix/python.nix, the tools of nix/tools.nix and the variables of nix/environment.nix;
  this repository's flake adds its test-suite tools through the library's extraTools, as
  any adopter adds its own. The real Nix evaluates the flake against
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

  Scenario: The image is an uncompressed docker-archive
    skopeo compresses each layer when it pushes; an archive compressed by the build
    would only be decompressed again by ci-image push.
    Then the image is built with compressor "none", as a store path ending in ".tar"

  Scenario: Every tool a job and the test suite need is in the image and in the dev shell
    The list is written here, not read from nix/tools.nix: dropping a tool from that file
    must fail this scenario. Packages go by the stand-ins' names. The interpreter is the
    newest CPython that uv.lock's requires-python allows and all of its wheels support.
    The helper, `ci-image`, is this project's own console script in the venv.
    Then the image's PATH and the dev shell's packages both have
      | package          | in the root | needed by                                                   |
      | bash-interactive | yes         | the job's shell, and scripts that hard-code /bin/bash       |
      | coreutils        | yes         | tail: the runner keeps the job container alive with it      |
      | findutils        | yes         | find and xargs in scripts                                   |
      | gnugrep          | yes         | grep in scripts                                             |
      | gnused           | yes         | sed in scripts                                              |
      | gnutar           | yes         | actions that pack or unpack archives                        |
      | gzip             | yes         | the same                                                    |
      | git              | yes         | actions/checkout                                            |
      | nodejs           | yes         | JavaScript actions such as actions/checkout                 |
      | nss-cacert       | no          | the CA bundle                                               |
      | uv               | yes         | uv run, and ci-image env-check --fallback                   |
      | skopeo           | yes         | the test suite: ci-image push against a real registry       |
      | actionlint       | yes         | nox -s lint                                                 |
      | python3-3.14.6   | no          | the venv's interpreter (UV_PYTHON)                          |
      | the venv         | no          | nox, behave, ruff, mypy and every other locked dependency   |
      | nix              | yes         | the test suite: the Nix code is evaluated for real          |
      | distribution     | yes         | the test suite: a real registry                             |
      | openssl          | yes         | the test suite: the registry's TLS certificates             |
      | util-linux       | yes         | the test suite: setpriv runs the CLI as another user        |
    And the image's PATH is its venv's bin directory, then the bin directories of its packages, then /bin and /usr/bin
    And the image's root has /bin/sh, /usr/bin/env, the CA bundle and /etc/passwd, then only packages on its PATH

  Scenario: What a Forgejo job container needs
    Then the image runs as user "0:0"
    When the image's extra commands for "x86_64-linux" are run in an empty root, as dockerTools runs them
    Then in that root "tmp" and "var/tmp" have mode 1777 and "root" has mode 0700
    And the image's extra commands write only relative paths
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

  Scenario Outline: Binaries from manylinux wheels find the ELF interpreter they name, on <system>
    PyPI's manylinux wheels (ruff, zizmor, compiled extensions), which the fallback of
    `ci-image env-check --fallback` installs, name the FHS path of the loader. nixpkgs'
    own loader, the one every Nix binary of the image uses, is linked there.
    When the image's extra commands for "<system>" are run in an empty root, as dockerTools runs them
    Then in that root "<link>" is a symbolic link to stdenv.cc.bintools.dynamicLinker of "<system>"
    And stdenv.cc.bintools.dynamicLinker of "<system>" is "lib/<loader>" in glibc

    Examples:
      | system        | link                       | loader                |
      | x86_64-linux  | lib64/ld-linux-x86-64.so.2 | ld-linux-x86-64.so.2  |
      | aarch64-linux | lib/ld-linux-aarch64.so.1  | ld-linux-aarch64.so.1 |

  Scenario: The libraries manylinux wheels link against are named in a variable, not on LD_LIBRARY_PATH
    A global LD_LIBRARY_PATH would reach every Nix binary of the image; the fallback hands
    CI_IMAGE_WHEEL_LIBRARY_PATH on as LD_LIBRARY_PATH to the steps that use its venv only.
    Then for both systems the image's CI_IMAGE_WHEEL_LIBRARY_PATH is the lib directory of each package of pythonManylinuxPackages.manylinux2014, then of zlib
    And for both systems the directories of CI_IMAGE_WHEEL_LIBRARY_PATH provide "libc.so.6, libm.so.6, libpthread.so.0, libdl.so.2, librt.so.1, libgcc_s.so.1, libstdc++.so.6, libz.so.1"
    And the image's environment has no "LD_LIBRARY_PATH"

  Scenario: The image bakes the digest of its dependency files, as the helper computes it
    Then the image's CI_IMAGE_INPUTS is the digest the helper computes for the copy
    And the image's CI_IMAGE_INPUT_FILES is the per-file list the helper computes for the copy

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

  Scenario: Only the image's inputs can change its tag
    Every file git tracks in this repository that lib.imageInputs does not list
    (README.md, LICENSE, ci/, src/, features/, benchmarks/, .forgejo/, noxfile.py, .ci/run,
    .gitignore, ...) is changed, then removed, in the copy: the image stays the same. A
    file the image read but the list missed would leave the build workflow asleep while
    the image's tag moved.
    When every file git tracks that is not an input of the image is changed in the copy
    And the flake's outputs are evaluated again
    Then the image, its tag and its workspace are unchanged
    When every file git tracks that is not an input of the image is removed from the copy
    And the flake's outputs are evaluated again
    Then the image, its tag and its workspace are unchanged

  Scenario: Each input of the image that its evaluation reads changes its tag
    A .nix file is replaced by one that throws; pyproject.toml and uv.lock get a comment.
    nix/** is listed whole, so it also holds files the image does not read, and Nix reads
    flake.lock itself (the stand-ins are not locked): those are named here.
    When each file git tracks that is an input of the image is changed in turn in the copy
    Then the image's tag changed or its evaluation failed for every one of them but "flake.lock, nix/checks.nix, nix/shell.nix"
    And the image's tag did not change for "nix/checks.nix, nix/shell.nix"

  Scenario: The list of the image's inputs is in one place
    nix/inputs.nix defines them: the build workflow's paths, the files uv2nix reads (the
    workspace), the files the image hashes. .python-version is an input because the
    interpreter would follow it; this repository has none.
    Then the flake's lib.imageInputs is "pyproject.toml, uv.lock, flake.nix, flake.lock, nix/**, .python-version"
    And the image's workspace holds the files the image hashes, which env-check hashes too
