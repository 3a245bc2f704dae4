Feature: Is the CI image current for this checkout? (ci-image env-check)
  The CI image bakes CI_IMAGE_INPUTS, the sha256 of its repository inputs
  (pyproject.toml and uv.lock, by the definition in nix/inputs.nix), and
  CI_IMAGE_INPUT_FILES, one hash per file. A pull request that changes uv.lock runs its
  CI in the image pinned on the target branch, built from the old lock. So every job
  runs `ci-image env-check` first, which recomputes both values from the checkout:

  - current: exit 0, one line saying so;
  - stale or not in the image: exit 1, one line naming the input that differs and the
    pinned tag;
  - `--strict` (the default branch): stale or not in the image is an error, exit 2;
  - `--fallback [DIR]` (pull requests): instead, `uv sync --frozen --all-groups` builds
    the checkout's environment in DIR (default: the project's .venv), prints the
    `VIRTUAL_ENV=`, `UV_PROJECT_ENVIRONMENT=` and `PATH=` lines on stdout, appends them
    to $GITHUB_ENV / $GITHUB_PATH when the runner sets those, and exits 0; exit 2 with
    one line when uv or the package index is not there. That venv holds PyPI's
    manylinux wheels, whose programs and extensions load libstdc++, libz... from the
    system's library path, which a Nix image has not got: the image names those
    libraries in CI_IMAGE_WHEEL_LIBRARY_PATH, and the fallback adds an
    `LD_LIBRARY_PATH=` line (that value, then the job's own LD_LIBRARY_PATH), so only the
    steps that use the fallback venv get it.

  Here the image's values come from the real nix-instantiate evaluating nix/inputs.nix
  on the scenario's files, exactly what the image build bakes; packages come from a
  real package index on 127.0.0.1 that the tests start and stop.

  Background:
    Given a package index on 127.0.0.1 serving these wheels
      | name     | version |
      | tinydep  | 1.0     |
      | tinytool | 1.0     |
      | tinylint | 1.0     |
    And a file "pyproject.toml" with
      """
      [project]
      name = "app"
      version = "0.1.0"
      requires-python = ">=3.11"
      dependencies = ["tinydep>=1.0"]

      [dependency-groups]
      dev = ["tinytool"]
      lint = ["tinylint"]

      [tool.ci-image]
      image = "registry.example.org/team/ci"
      """
    And uv has locked the project against that index
    And a file ".forgejo/workflows/ci.yml" with
      """
      on: [push, pull_request]
      jobs:
        tests:
          runs-on: docker
          container:
            # A fixture pin: the tag and digest name no published image.
            image: registry.example.org/team/ci:fixturetag0123@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
          steps:
            - run: ci-image env-check --fallback
            - run: nox
      """

  Scenario Outline: In an image built from this checkout, every mode says it is current
    Given the job runs in an image built from these files
    When I run "ci-image env-check <options>"
    Then it succeeds
    And <stream> is one line containing "image is current: built from this checkout's pyproject.toml and uv.lock"
    And no venv was left in ".venv"

    Examples:
      | options    | stream |
      |            | stdout |
      | --strict   | stdout |
      | --fallback | stderr |

  Scenario: A pull request that upgrades a dependency in uv.lock runs in a stale image
    Given the job runs in an image built from these files
    And the index now also serves "tinydep" "1.1"
    And the pull request upgrades "tinydep" in uv.lock
    When I run "ci-image env-check"
    Then the exit status is 1
    And stdout is one line containing "image is stale: uv.lock differs from the one the image was built from (pinned tag fixturetag0123)"
    And stdout does not contain "pyproject.toml"
    And no file in the project changed

  Scenario: A change to pyproject.toml alone makes the image stale too
    Given the job runs in an image built from these files
    And the pull request appends to "pyproject.toml"
      """

      [tool.ruff]
      line-length = 100
      """
    When I run "ci-image env-check"
    Then the exit status is 1
    And stdout is one line containing "image is stale: pyproject.toml differs from the one the image was built from (pinned tag fixturetag0123)"
    And stdout does not contain "uv.lock"

  Scenario: A pull request that changes both inputs
    Given the job runs in an image built from these files
    And the index now also serves "tinydep" "1.1"
    And the pull request upgrades "tinydep" in uv.lock
    And the pull request appends to "pyproject.toml"
      """

      [tool.ruff]
      line-length = 100
      """
    When I run "ci-image env-check"
    Then the exit status is 1
    And stdout is one line containing "image is stale: pyproject.toml and uv.lock differ from the ones the image was built from"

  Scenario: Outside the image there is no baked value
    When I run "ci-image env-check"
    Then the exit status is 1
    And stdout is one line containing "not running in the CI image: CI_IMAGE_INPUTS is not set (pinned tag fixturetag0123)"
    And stdout contains "ci-image env-check --fallback"

  Scenario: On the default branch a stale image is an error
    Given the job runs in an image built from these files
    And the index now also serves "tinydep" "1.1"
    And the pull request upgrades "tinydep" in uv.lock
    When I run "ci-image env-check --strict"
    Then the exit status is 2
    And stderr is one line containing "ci-image env-check: error: image is stale: uv.lock differs"
    And stderr contains "run the build-ci-image workflow and merge the pin it proposes"
    And stdout does not contain "stale"

  Scenario: --strict outside the image is an error too, and --json still reports
    When I run "ci-image env-check --strict --json"
    Then the exit status is 2
    And stderr is one line containing "error: not running in the CI image: CI_IMAGE_INPUTS is not set"
    And stderr contains "--strict expects the job to run in the pinned CI image"
    And the env-check report has these values
      | key         | value              |
      | outcome     | "not-in-image"     |
      | image       | null               |
      | pinned_tags | ["fixturetag0123"] |

  Scenario: --fallback builds the checkout's environment offline, from the uv cache
    Given the job runs in an image built from these files
    And the index now also serves "tinydep" "1.1"
    And the pull request upgrades "tinydep" in uv.lock
    And the uv cache holds every package of uv.lock
    And the package index is down
    And uv may not use the network
    When I run "ci-image env-check --fallback venv"
    Then it succeeds
    And stderr is one line containing "image is stale: uv.lock differs"
    And stderr contains "built the checkout's environment in"
    And stdout holds the environment lines for the venv "venv"
    And the python of "venv" imports "tinydep" at version "1.1"
    And the python of "venv" imports "tinytool" at version "1.0"
    And the python of "venv" imports "tinylint" at version "1.0"

  Scenario: In a Forgejo job, --fallback hands the environment to the next steps
    Given the uv cache holds every package of uv.lock
    And the package index is down
    And uv may not use the network
    And the runner's GITHUB_ENV and GITHUB_PATH files
    When I run "ci-image env-check --fallback"
    Then it succeeds
    And stderr contains "set for the next steps in $GITHUB_PATH and $GITHUB_ENV"
    And the next step's python is the one in ".venv" and imports "tinydep" at version "1.0"

  Scenario: In the image, the next steps also get the library path manylinux wheels need
    Given the uv cache holds every package of uv.lock
    And uv may not use the network
    And the runner's GITHUB_ENV and GITHUB_PATH files
    And the job's environment sets "LD_LIBRARY_PATH" to "/opt/job/lib"
    And the image baked "CI_IMAGE_WHEEL_LIBRARY_PATH" as "/fixture/gcc-lib/lib:/fixture/zlib/lib"
    When I run "ci-image env-check --fallback"
    Then it succeeds
    And the runner's GITHUB_ENV file sets exactly "VIRTUAL_ENV, UV_PROJECT_ENVIRONMENT, LD_LIBRARY_PATH"
    And the runner's GITHUB_ENV file sets "LD_LIBRARY_PATH" to "/fixture/gcc-lib/lib:/fixture/zlib/lib:/opt/job/lib"

  Scenario: Outside the image, the fallback leaves LD_LIBRARY_PATH alone
    Given the uv cache holds every package of uv.lock
    And uv may not use the network
    And the runner's GITHUB_ENV and GITHUB_PATH files
    And the job's environment sets "LD_LIBRARY_PATH" to "/opt/job/lib"
    When I run "ci-image env-check --fallback"
    Then it succeeds
    And the runner's GITHUB_ENV file sets exactly "VIRTUAL_ENV, UV_PROJECT_ENVIRONMENT"

  Scenario: Without the runner's files, the lines on stdout carry LD_LIBRARY_PATH too
    Given the uv cache holds every package of uv.lock
    And uv may not use the network
    And the image baked "CI_IMAGE_WHEEL_LIBRARY_PATH" as "/fixture/gcc-lib/lib"
    When I run "ci-image env-check --fallback venv"
    Then it succeeds
    And the lines on stdout are the venv "venv"'s and then "LD_LIBRARY_PATH=/fixture/gcc-lib/lib"

  @cc
  Scenario: A wheel's compiled program finds its library through the LD_LIBRARY_PATH handed on
    A real ELF program, installed from a wheel's scripts, that needs a library only the
    image's CI_IMAGE_WHEEL_LIBRARY_PATH names; the real dynamic loader looks for it. (Where
    no C compiler is installed, as in the CI image, this scenario is skipped.)
    Given the job runs in an image built from these files
    And a shared library "libciprobe.so.1" in "wheel-libs", a directory the image names in CI_IMAGE_WHEEL_LIBRARY_PATH
    And the index now also serves a wheel "tinybin" "1.0" whose compiled program "tinybin" needs "libciprobe.so.1"
    And the pull request adds "tinybin" to the project's dependencies
    And the runner's GITHUB_ENV and GITHUB_PATH files
    When I run "ci-image env-check --fallback"
    Then it succeeds
    And stderr contains "image is stale: pyproject.toml and uv.lock differ"
    And the next step runs "tinybin" from the venv, which prints "loaded its library"
    And without the LD_LIBRARY_PATH the fallback handed on, "tinybin" fails with "libciprobe.so.1: cannot open shared object file"

  Scenario Outline: A <variable> with a line break is refused before anything is built
    Given the image baked "CI_IMAGE_WHEEL_LIBRARY_PATH" as "/fixture/gcc-lib/lib"
    And <variable> is "/fixture/lib" + a line break + "PATH=/evil"
    When I run "ci-image env-check --fallback"
    Then the exit status is 2
    And stderr is one line containing "the fallback failed: <variable> contains a line break"
    And no venv was left in ".venv"

    Examples:
      | variable                    |
      | CI_IMAGE_WHEEL_LIBRARY_PATH |
      | LD_LIBRARY_PATH             |

  Scenario: --fallback without uv is one clear error
    Given uv is not on PATH
    When I run "ci-image env-check --fallback"
    Then the exit status is 2
    And stderr is one line containing "the fallback failed: uv is not installed or not on PATH"
    And no venv was left in ".venv"

  Scenario: --fallback never takes over a directory that is not a venv
    Given a file "venv/notes.txt" with
      """
      mine
      """
    When I run "ci-image env-check --fallback venv"
    Then the exit status is 2
    And stderr is one line containing "the fallback failed: uv sync --frozen failed: Project virtual environment directory"
    And stderr contains "is not a valid Python environment"
    And no file in the project changed

  Scenario: --fallback refuses a directory name with a line break
    When I run env-check with --fallback into a directory named "venv" + a line break + "PATH=/evil"
    Then the exit status is 2
    And stderr is one line containing "contains a line break; pick another"

  Scenario: When $GITHUB_ENV cannot be written, the job is told and nothing is left behind
    Given the uv cache holds every package of uv.lock
    And uv may not use the network
    And the runner's GITHUB_ENV and GITHUB_PATH files
    And GITHUB_ENV names a directory
    When I run "ci-image env-check --fallback"
    Then the exit status is 2
    And stderr is one line containing "cannot append the fallback environment: Is a directory"
    And no venv was left in ".venv"
    And the runner's GITHUB_PATH file is still empty

  Scenario: A venv that was there before is never deleted by a failed hand-over
    Given the uv cache holds every package of uv.lock
    And uv may not use the network
    And an earlier "ci-image env-check --fallback venv" built the venv "venv"
    And the runner's GITHUB_ENV and GITHUB_PATH files
    And GITHUB_ENV names a directory
    When I run "ci-image env-check --fallback venv"
    Then the exit status is 2
    And stderr is one line containing "cannot append the fallback environment"
    And the python of "venv" imports "tinydep" at version "1.0"

  Scenario: --fallback when the package index cannot be reached
    Given the package index is down
    When I run "ci-image env-check --fallback"
    Then the exit status is 2
    And stderr is one line containing "the fallback failed: uv sync --frozen failed: Failed to download"
    And stderr contains "Connection refused"
    And no venv was left in ".venv"

  Scenario: --fallback offline with nothing in the uv cache
    Given uv may not use the network
    When I run "ci-image env-check --fallback"
    Then the exit status is 2
    And stderr is one line containing "the requested data wasn't found in the cache"
    And no venv was left in ".venv"

  Scenario: --json reports what was compared
    Given the job runs in an image built from these files
    And the index now also serves "tinydep" "1.1"
    And the pull request upgrades "tinydep" in uv.lock
    When I run "ci-image env-check --json"
    Then the exit status is 1
    And the env-check report has these values
      | key         | value              |
      | outcome     | "stale"            |
      | differs     | ["uv.lock"]        |
      | pinned_tags | ["fixturetag0123"] |
      | fallback    | null               |
    And the env-check report's "image" values are what nix/inputs.nix gave before the change

  Scenario: --fallback --json puts the environment in the report
    Given the uv cache holds every package of uv.lock
    And uv may not use the network
    When I run "ci-image env-check --fallback .ci-venv --json"
    Then it succeeds
    And the env-check report has these values
      | key     | value          |
      | outcome | "not-in-image" |
      | image   | null           |
    And the env-check report's fallback names the venv ".ci-venv"

  Scenario: --print-inputs prints what the image would bake
    When I run "ci-image env-check --print-inputs"
    Then it succeeds
    And stdout is the two image variables that nix/inputs.nix gives for the project

  Scenario: An image that does not say which file differs
    Given the job runs in an image built from these files
    And the image baked no "CI_IMAGE_INPUT_FILES"
    And the pull request appends to "pyproject.toml"
      """
      # a comment
      """
    When I run "ci-image env-check"
    Then the exit status is 1
    And stdout is one line containing "image is stale: its inputs differ from this checkout's (CI_IMAGE_INPUT_FILES is missing or inconsistent"

  Scenario Outline: A per-file value that does not add up to the digest is not trusted
    Given the job runs in an image built from these files
    And the image baked "CI_IMAGE_INPUT_FILES" as "<per-file value>"
    And the pull request appends to "pyproject.toml"
      """
      # a comment
      """
    When I run "ci-image env-check"
    Then the exit status is 1
    And stdout is one line containing "(CI_IMAGE_INPUT_FILES is missing or inconsistent, so it cannot say which file)"

    Examples:
      | per-file value                 |
      | pyproject.toml uv.lock         |
      | pyproject.toml=00 uv.lock=00   |
      | flake.lock=00                  |

  Scenario: A baked value that is not a digest is an error
    Given the image baked "CI_IMAGE_INPUTS" as "latest"
    When I run "ci-image env-check --fallback"
    Then the exit status is 2
    And stderr is one line containing "CI_IMAGE_INPUTS='latest' is not a sha256 (64 lowercase hex digits)"
    And no venv was left in ".venv"

  Scenario: The pinned tag cannot always be named, and that does not hide the answer
    Given a file "pyproject.toml" with
      """
      [project]
      name = "app"
      version = "0.1.0"
      """
    When I run "ci-image env-check"
    Then the exit status is 1
    And stdout is one line containing "(pinned tag unknown: no image in [tool.ci-image])"

  Scenario: While a new pin rolls out, every pinned tag is named once
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        lint:
          runs-on: docker
          container: registry.example.org/team/ci:newtag456@sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc
          steps:
            - run: nox -s lint
        tests:
          runs-on: docker
          container: registry.example.org/team/ci:oldtag123@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
          steps:
            - run: nox -s tests
      """
    And a file ".forgejo/workflows/nightly.yml" with
      """
      on: push
      jobs:
        tests:
          runs-on: docker
          container:
            image: registry.example.org/team/ci:newtag456@sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc
          steps:
            - run: nox
      """
    When I run "ci-image env-check"
    Then the exit status is 1
    And stdout is one line containing "(pinned tags newtag456, oldtag123)"

  Scenario: Workflows that do not run the CI image
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        lint:
          runs-on: docker
          container: docker.io/library/python:3.12@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
          steps:
            - run: nox
        other:
          runs-on: docker
          container:
            image: ${{ matrix.image }}
          steps:
            - run: nox
        docs:
          runs-on: docker
          steps:
            - run: make docs
      """
    When I run "ci-image env-check"
    Then the exit status is 1
    And stdout is one line containing "(pinned tag unknown: no job runs in registry.example.org/team/ci in the workflows)"

  Scenario: Without uv.lock there is nothing to compare
    Given the job runs in an image built from these files
    And the file "uv.lock" is deleted
    When I run "ci-image env-check"
    Then the exit status is 2
    And stderr is one line containing "uv.lock: cannot read image input: No such file or directory"

  Scenario: Outside a project
    When in ".." I run "ci-image env-check"
    Then the exit status is 2
    And stderr is one line containing "no pyproject.toml in"

  Scenario: --strict and --fallback contradict each other
    When I run "ci-image env-check --strict --fallback"
    Then the exit status is 2
    And stderr is one line containing "not allowed with argument"
