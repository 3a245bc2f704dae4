Feature: Any uv project builds its CI image with the library (the template's flake.nix)
  An adopting project's flake.nix is the template, src/ci_image/adopt/template/flake.nix
  (`nix flake init -t` of this flake, or `ci-image init`): its inputs follow this flake's
  nixpkgs, pyproject.nix, uv2nix and build-system-pkgs, and its outputs are one call of
  `ci-image.lib.mkFlake`. Here sample uv projects (features/support/sample_projects.py,
  locked by the real uv) get that file verbatim, and the real Nix evaluates it with this
  repository as its ci-image input, both against the stand-ins (features/support/nix/)
  that refuse what the real nixpkgs, pyproject.nix and uv2nix do not take.

  Scenario Outline: The template evaluates for a <kind> project
    Given the sample project "<kind>" with the template's flake.nix
    When the sample's flake is evaluated with this repository as its ci-image input
    Then for both systems the sample has packages "ciImage, default, venv, ci-image", apps "ci-image, default", a dev shell and the checks "app-runs, image-tag, venv"
    And the image is tagged with a Nix hash and named after the sample's [tool.ci-image] image
    And the image's venv holds pytest and nox, and none of the sample's own projects
    And the image's venv comes from a workspace of exactly "<workspace>", with wheels
    And the image hashes "<workspace>, .python-version" into CI_IMAGE_INPUT_FILES
    And the sample's lib.imageInputs is "pyproject.toml, uv.lock, flake.nix, flake.lock, <members>.python-version"
    And no argument of the sample's image is a path or carries a store path as context

    Examples:
      | kind                    | workspace                                                                   | members                                                       |
      | hatchling, src layout   | pyproject.toml, uv.lock                                                     |                                                               |
      | uv_build                | pyproject.toml, uv.lock                                                     |                                                               |
      | setuptools, flat layout | pyproject.toml, uv.lock                                                     |                                                               |
      | flit-core               | pyproject.toml, uv.lock                                                     |                                                               |
      | pdm-backend             | pyproject.toml, uv.lock                                                     |                                                               |
      | virtual                 | pyproject.toml, uv.lock                                                     |                                                               |
      | workspace               | pyproject.toml, uv.lock, packages/alpha/pyproject.toml, packages/beta/pyproject.toml | packages/alpha/pyproject.toml, packages/beta/pyproject.toml, |

  Scenario: The helper is this flake's, in the image and the dev shell, not the adopter's
    The adopter's lock does not hold ci-image: the helper is built from this repository's
    source and lock, so `ci-image env-check` and `check` run in every job of the image.
    Given the sample project "uv_build" with the template's flake.nix
    When the sample's flake is evaluated with this repository as its ci-image input
    Then for both systems the helper "ci-image" is on the image's PATH, linked into its root, and in the dev shell
    And the helper runs this repository's ci-image from a venv of "ci-image, pyyaml", with skopeo, zstd and git first on its PATH
    And the helper uses the image's interpreter

  Scenario: The default tools are what a Forgejo job needs; this repository's test tools are not there
    Given the sample project "hatchling, src layout" with the template's flake.nix
    When the sample's flake is evaluated with this repository as its ci-image input
    Then the image's PATH and root have exactly, after the venv and the interpreter
      | package          | needed by                                                  |
      | bash-interactive | the job's shell, and scripts that hard-code /bin/bash      |
      | coreutils        | tail: the runner keeps the job container alive with it     |
      | findutils        | find and xargs in scripts                                  |
      | gnugrep          | grep in scripts                                            |
      | gnused           | sed in scripts                                             |
      | gnutar           | actions that pack or unpack archives                       |
      | gzip             | the same                                                   |
      | git              | actions/checkout                                           |
      | nodejs           | JavaScript actions such as actions/checkout                |
      | uv               | uv run, and ci-image env-check --fallback                  |
      | ci-image         | ci-image env-check and check in every job                  |
    And the image's environment has the CA bundle, uv's settings and CI_IMAGE_INPUTS

  Scenario: extraTools and extraEnv reach the image and the dev shell
    Given the sample project "uv_build" with the template's flake.nix
    And the sample's flake.nix sets "extraTools = pkgs: [ pkgs.postgresql pkgs.redis ];"
    And the sample's flake.nix sets "extraEnv = { TZ = \"UTC\"; PGHOST = \"postgres\"; };"
    When the sample's flake is evaluated with this repository as its ci-image input
    Then the image's PATH, its root and the dev shell have "postgresql-18, redis" after the default tools
    And the image's environment and the dev shell's have "TZ" = "UTC" and "PGHOST" = "postgres"

  Scenario Outline: extraEnv may not take over a variable the image sets: <variable>
    Given the sample project "uv_build" with the template's flake.nix
    And the sample's flake.nix sets "extraEnv = { <variable> = \"x\"; };"
    When the sample's image tag is evaluated
    Then the evaluation fails with "flake.nix: extraEnv sets <variable>, which the image sets itself; choose other names"

    Examples:
      | variable               |
      | UV_PROJECT_ENVIRONMENT |
      | CI_IMAGE_INPUTS        |
      | PATH                   |

  Scenario: A source-only change keeps the image's tag; uv.lock and a member's pyproject.toml move it
    Given the sample project "workspace" with the template's flake.nix
    When the sample's flake is evaluated with this repository as its ci-image input
    And these files of the sample change: "packages/alpha/src/alpha/cli.py, packages/beta/tests/test_beta.py, noxfile.py"
    And a file "docs/index.md" is added to the sample
    And the sample's flake is evaluated again
    Then the image, its tag, its venv and the dev shell are unchanged
    When these files of the sample change: "uv.lock"
    And the sample's flake is evaluated again
    Then the image's tag and its venv changed
    When these files of the sample change: "packages/beta/pyproject.toml"
    And the sample's flake is evaluated again
    Then the image's tag and its venv changed

  Scenario Outline: The interpreter follows <source>
    Given the sample project "hatchling, src layout" with the template's flake.nix
    And the sample also <setting>
    When the sample's flake is evaluated with this repository as its ci-image input
    Then for both systems the image's interpreter is Python <python> from nixpkgs' python3<minor>, and UV_PYTHON names it
    And the dev shell and the venv use that interpreter

    Examples:
      | source                                          | setting                                                  | python  | minor |
      | requires-python, newest allowed                 | requires "requires-python" to be ">=3.11"                | 3.14.6  | 14    |
      | requires-python's upper bound                   | requires "requires-python" to be ">=3.11,<3.13"          | 3.12.13 | 12    |
      | requires-python's exact minor                   | requires "requires-python" to be "==3.11.*"              | 3.11.15 | 11    |
      | .python-version (minor)                         | has the .python-version "3.13"                           | 3.13.14 | 13    |
      | .python-version (patch, uv's request syntax)    | has the .python-version "cpython@3.12.4"                 | 3.12.13 | 12    |
      | the flake's python setting over .python-version | has the .python-version "3.12" and flake.nix "python = \"3.13\";" | 3.13.14 | 13    |

  Scenario: The interpreter is the newest that has a wheel of every locked package
    PyYAML 6.0.1 ships compiled wheels for CPython 3.6 to 3.12 only: with it locked,
    CPython 3.13 or 3.14 would build it from its sdist, so the library picks 3.12.
    Given the sample project "uv_build" with the template's flake.nix
    And the sample also depends on "pyyaml==6.0.1"
    When the sample's flake is evaluated with this repository as its ci-image input
    Then for both systems the image's interpreter is Python 3.12.13 from nixpkgs' python312, and UV_PYTHON names it

  Scenario: With a python setting, .python-version is not an input of the image
    Given the sample project "uv_build" with the template's flake.nix
    And the sample also has the .python-version "3.12" and flake.nix "python = \"3.13\";"
    When the sample's flake is evaluated with this repository as its ci-image input
    Then the sample's lib.imageInputs is "pyproject.toml, uv.lock, flake.nix, flake.lock"
    And the image hashes "pyproject.toml, uv.lock" into CI_IMAGE_INPUT_FILES

  Scenario: .python-version is hashed into the image when it decides the interpreter
    Given the sample project "uv_build" with the template's flake.nix
    And the sample also has the .python-version "3.13"
    When the sample's flake is evaluated with this repository as its ci-image input
    Then the image hashes "pyproject.toml, uv.lock, .python-version" into CI_IMAGE_INPUT_FILES

  Scenario Outline: An interpreter that cannot be had is one clear error: <case>
    Given the sample project "uv_build" with the template's flake.nix
    And the sample also <setting>
    When the sample's image tag is evaluated
    Then the evaluation fails with "<message>"

    Examples:
      | case                               | setting                                           | message                                                                            |
      | not CPython                        | has the .python-version "pypy@3.10"               | .python-version: "pypy@3.10" is not a CPython version as 3.X or 3.X.Y              |
      | not in nixpkgs                     | has the .python-version "3.9"                     | .python-version: Python 3.9 is not in this nixpkgs (no pkgs.python39)              |
      | excluded by requires-python        | has the .python-version "3.11" and flake.nix "python = \"3.11\";" and requires "requires-python" to be ">=3.12" | uv.lock: requires-python excludes Python 3.11.15, the version asked for |
      | no CPython allowed                 | requires "requires-python" to be ">=3.16"         | uv.lock: no CPython of this nixpkgs satisfies requires-python                      |

  Scenario: The template's inputs follow this flake's, and real Nix locks and evaluates it offline
    The real flake machinery, not the probe: the sample is a git repository, ci-image is
    this repository's copy (`--override-input ci-image path:...`), and ci-image's own
    inputs are the stand-ins as flakes. Nix writes the sample's flake.lock: one nixpkgs,
    pyproject.nix, uv2nix and build-system-pkgs, each following ci-image's.
    Given the sample project "uv_build" with the template's flake.nix, as a git repository with every file added
    When Nix evaluates ".#packages.x86_64-linux.ciImage.imageTag" of the sample with ci-image's inputs stood in
    Then it prints the image tag the stand-in evaluation gives
    And the sample's flake.lock has the inputs "ci-image, nixpkgs, pyproject-nix, uv2nix, pyproject-build-systems", the last four following ci-image's

  Scenario: A flake sees only the files git tracks
    Given the sample project "uv_build" with the template's flake.nix, as a git repository with every file added but "flake.nix"
    When Nix evaluates ".#packages.x86_64-linux.ciImage.imageTag" of the sample with ci-image's inputs stood in
    Then Nix fails, naming flake.nix

  Scenario: The template is one short file, whose inputs follow ci-image's
    Then the template's flake.nix has at most 30 lines
    And the template's inputs are "ci-image" and "nixpkgs, pyproject-nix, uv2nix, pyproject-build-systems" following ci-image's
