Feature: ci-image init adopts the CI image in an existing uv project
  Run in the root of a uv project (pyproject.toml and uv.lock), `ci-image init` writes
  what adopting takes, and explains each change:

  | file                                   | what init does                                                         |
  | flake.nix                              | written from ci-image's template (`templates.default` of its flake)    |
  | pyproject.toml                         | `image` in `[tool.ci-image]`, every other byte kept                     |
  | the workflows                          | jobs that run Python on a docker runner get the bootstrap pin `IMAGE:unreleased` as their container; the install steps it recognises (`pip install uv`, `pipx install uv`, `uv sync`, `astral-sh/setup-uv`, `actions/setup-python`) are removed, the first replaced by `ci-image env-check --fallback` (else that step is added after the checkout) |
  | .forgejo/workflows/build-ci-image.yml  | the build workflow, whose push `paths:` are exactly the image's inputs |
  | ci/actionlint.yaml                     | actionlint's runner labels, `nix` among them                           |

  The image name is `--image`, else `image` already in `[tool.ci-image]`, else
  `HOST/OWNER/REPO` of the git remote (`origin`), lower-cased as registries require. A
  file that differs from what init writes (a flake.nix, a build workflow someone changed)
  is kept unless `--force`. All files are written or none; `--dry-run` prints the
  unified diff (which `git apply` takes) and writes nothing; a second run changes
  nothing and says so. Then it prints the next steps.

  Scenario Outline: init adopts <kind> on Python <python>
    Given a sample uv project: <kind>, Python <python>
    When I run "ci-image init"
    Then it succeeds
    And flake.nix is ci-image's template, byte for byte
    And pyproject.toml is its old bytes followed by exactly "<LF>[tool.ci-image]<LF>image = "codeberg.org/acme/<name>"<LF>"
    And job "test" of the CI workflow runs in "codeberg.org/acme/<name>:unreleased" with the steps
      | step                                                                |
      | Check out                                                           |
      | Image built from this checkout? (if not, build the checkout's venv) |
      | Test                                                                |
    And job "lint" of the CI workflow runs in "codeberg.org/acme/<name>:unreleased" with the steps
      | step                                                                |
      | Check out                                                           |
      | Image built from this checkout? (if not, build the checkout's venv) |
      | Lint                                                                |
    And job "notify" of the CI workflow is as it was
    And the build workflow's push paths are
      | path                                  |
      | pyproject.toml                        |
      | uv.lock                               |
      | flake.nix                             |
      | flake.lock                            |
      | .python-version                       |
      | .forgejo/workflows/build-ci-image.yml |
    And only these files changed
      | file                                  |
      | flake.nix                             |
      | pyproject.toml                        |
      | .forgejo/workflows/ci.yml             |
      | .forgejo/workflows/build-ci-image.yml |
      | ci/actionlint.yaml                    |
    And the flake evaluates with the real Nix against the stand-ins
    And Nix's lib.imageInputs of the flake are the build workflow's paths but the workflow itself
    And the project passes ci-image check --allow-unreleased, zizmor and check-jsonschema
    And the build workflow runs for a push to main that changes each of its paths, and not for
      | path              |
      | src/app/module.py |
      | README.md         |
      | tests/test_app.py |

    Examples:
      | kind                          | python | name      |
      | hatchling with a src layout   | 3.12   | hatch-app |
      | uv_build                      | 3.13   | uvb-app   |
      | setuptools with a flat layout | 3.12   | flat-app  |
      | a virtual project             | 3.13   | scripts   |

  Scenario: In a workspace, each member's pyproject.toml is an input of the image
    uv2nix reads the pyproject.toml of every local package of the lock.
    Given a sample uv project: a workspace with two members, Python 3.13
    When I run "ci-image init"
    Then it succeeds
    And the build workflow's push paths are
      | path                                  |
      | pyproject.toml                        |
      | uv.lock                               |
      | flake.nix                             |
      | flake.lock                            |
      | packages/alpha/pyproject.toml         |
      | packages/beta/pyproject.toml          |
      | .python-version                       |
      | .forgejo/workflows/build-ci-image.yml |
    And the flake evaluates with the real Nix against the stand-ins
    And Nix's lib.imageInputs of the flake are the build workflow's paths but the workflow itself
    And the project passes ci-image check --allow-unreleased, zizmor and check-jsonschema

  Scenario: Each change is explained, and so is each job left alone, then the next steps
    Given a sample uv project
    When I run "ci-image init"
    Then it succeeds
    And stdout is
      """
      image: codeberg.org/acme/uvb-app (from git remote origin (https://codeberg.org/Acme/uvb-app.git))
      update pyproject.toml:
        added [tool.ci-image] with image = 'codeberg.org/acme/uvb-app' (read by the flake and the helper)
      create flake.nix:
        the flake from ci-image's template
      update .forgejo/workflows/ci.yml:
        job test: runs in codeberg.org/acme/uvb-app:unreleased (a job container on its docker runner)
        job test: step 2 (Install uv) replaced by `ci-image env-check --fallback`: it installs uv, which the image has
        job test: step 3 (Install the project) removed: it installs the locked environment, which the image holds
        job lint: runs in codeberg.org/acme/uvb-app:unreleased instead of python:3.12-slim
        job lint: step 2 (Set up uv) replaced by `ci-image env-check --fallback`: it installs uv, which the image has
      create .forgejo/workflows/build-ci-image.yml:
        the build workflow
      create ci/actionlint.yaml:
        actionlint's runner labels: docker, nix
      left alone: .forgejo/workflows/ci.yml job notify: runs no Python step
      wrote 5 files
      next steps:
        1. git add flake.nix, then `nix flake lock` (a flake sees only files git knows) and commit flake.nix, flake.lock and the changes above
        2. register a Forgejo runner with the label `nix` on a host with Nix (flakes enabled) for the build workflow
        3. add the repository secrets CI_IMAGE_REGISTRY_USER and CI_IMAGE_REGISTRY_TOKEN (a token with write:package) and CI_IMAGE_BOT_USER and CI_IMAGE_BOT_TOKEN (a bot account that may push to the repository)
        4. run the build-ci-image workflow once by hand (workflow_dispatch on main)
        5. merge the pull request it opens ('ci: pin the CI image TAG'): the jobs then run in the pinned image; until then `ci-image check --allow-unreleased` passes
      """

  Scenario: A second run changes nothing and says so
    Given a sample uv project
    When I run "ci-image init"
    And I run "ci-image init" again
    Then it succeeds
    And nothing was written
    And stdout contains "nothing to change: the project is already set up for the CI image"
    And stdout contains "unchanged .forgejo/workflows/ci.yml: no job to change"

  Scenario: --dry-run writes nothing and prints the diff, which git apply turns into what init writes
    Given a sample uv project
    When I run "ci-image init --dry-run"
    Then it succeeds
    And nothing was written
    And stdout contains "+++ b/flake.nix"
    And stderr contains "would create .forgejo/workflows/build-ci-image.yml:"
    When I apply the diff printed by "ci-image init --dry-run" with git apply
    Then it succeeds
    When I run "ci-image init" again
    Then it succeeds
    And nothing was written
    And stdout contains "nothing to change"

  Scenario: A flake.nix the maintainer changed is kept; --force replaces it
    Given a sample uv project
    And the file "flake.nix" of the sample project is replaced by
      """
      { outputs = _: { }; }
      """
    When I run "ci-image init"
    Then it succeeds
    And stdout contains "kept flake.nix: it differs from the flake from ci-image's template; --force replaces it"
    And stdout contains "wrote 4 files"
    And flake.nix is as it was
    When I run "ci-image init --force" again
    Then it succeeds
    And stdout contains "update flake.nix:"
    And stdout contains "replaced by the flake from ci-image's template (--force)"
    And flake.nix is ci-image's template, byte for byte

  Scenario Outline: pyproject.toml keeps every byte: <variant>
    Given a sample uv project
    And the sample project's pyproject.toml is written byte for byte as
      """
      <before>
      """
    When I run "ci-image init"
    Then it succeeds
    And pyproject.toml is byte for byte
      """
      <after>
      """

    Examples:
      | variant                     | before                                                                                  | after                                                                                                                                    |
      | CRLF line endings           | [project]<CRLF>name = "uvb-app" # the name<CRLF>version = "0.1.0"<CRLF><EOF>      | [project]<CRLF>name = "uvb-app" # the name<CRLF>version = "0.1.0"<CRLF><CRLF>[tool.ci-image]<CRLF>image = "codeberg.org/acme/uvb-app"<CRLF><EOF> |
      | no final newline            | [project]<LF>name = "uvb-app"<LF>version = "0.1.0"<EOF>                                | [project]<LF>name = "uvb-app"<LF>version = "0.1.0"<LF><LF>[tool.ci-image]<LF>image = "codeberg.org/acme/uvb-app"<LF><EOF>   |
      | a table without the image   | [project]<LF>name = "uvb-app"<LF><LF>[tool.ci-image]   # ours<LF>workflows = ".forgejo/workflows"<LF><LF>[tool.ruff]<LF>line-length = 99<LF><EOF> | [project]<LF>name = "uvb-app"<LF><LF>[tool.ci-image]   # ours<LF>image = "codeberg.org/acme/uvb-app"<LF>workflows = ".forgejo/workflows"<LF><LF>[tool.ruff]<LF>line-length = 99<LF><EOF> |

  Scenario Outline: The image name comes from the git remote: <remote>
    Given a sample uv project
    And the sample project's remote is "<remote>"
    When I run "ci-image init --json"
    Then it succeeds
    And the JSON document says
      | key          | value      |
      | image        | "<image>"  |
      | bootstrap_pin | "<image>:unreleased" |

    Examples:
      | remote                                        | image                              |
      | git@codeberg.org:Acme/UVB-App.git             | codeberg.org/acme/uvb-app          |
      | ssh://git@git.example.org:2222/team/tool.git  | git.example.org/team/tool          |
      | https://forge.example.org:3000/team/tool      | forge.example.org:3000/team/tool   |

  Scenario: --image wins over the remote, and the document is versioned
    Given a sample uv project
    When I run "ci-image init --image registry.example.org/team/app --dry-run --json"
    Then it succeeds
    And nothing was written
    And the JSON document says
      | key           | value                                     |
      | version       | 1                                         |
      | image         | "registry.example.org/team/app"           |
      | image_source  | "--image"                                 |
      | dry_run       | true                                      |
      | changed       | true                                      |
      | files.1.path  | "flake.nix"                               |
      | files.1.action | "create"                                 |
      | jobs.2.job    | "notify"                                  |
      | jobs.2.left_alone | "runs no Python step"                 |

  Scenario Outline: Bad input is one line naming the file and the fix, exit status 2, nothing written
    Given a sample uv project
    And <setup>
    When I run "ci-image init <options>"
    Then the exit status is 2
    And stderr is one line containing "<message>"
    And nothing was written

    Examples:
      | setup                                                           | options | message                                                                                       |
      | the file "pyproject.toml" of the sample project is removed      |         | : not a uv project: there is no pyproject.toml here; run ci-image init in the project's root |
      | the file "uv.lock" of the sample project is removed             |         | uv.lock: there is no uv.lock: the image is built from the lock; run uv lock and commit it    |
      | the sample project has no git remote                            |         | cannot derive the image name: no git remote (origin) to read HOST/OWNER/REPO from; pass --image REGISTRY/OWNER/IMAGE |
      | the sample project's remote is "https://github.com/acme/app.git" |        | cannot derive the image name from git remote origin: github.com is not a Forgejo host (its registry is ghcr.io); pass --image REGISTRY/OWNER/IMAGE |
      | the sample project's remote is "/srv/git/app.git"               |         | is not a remote on a forge (a local path or bundle); pass --image                             |
      | the sample project has no git remote                            | --image acme/app | --image 'acme/app': 'acme/app' names no registry host                                  |
      | the sample project has no git remote                            | --image x.org/a/b --branch "a b" | --branch 'a b' is not a plain branch name                              |

  Scenario Outline: A file that does not parse is named, with its line: <file>
    Given a sample uv project
    And the file "<file>" of the sample project is replaced by
      """
      <text>
      """
    When I run "ci-image init"
    Then the exit status is 2
    And stderr is one line containing "<message>"
    And nothing was written

    Examples:
      | file                      | text                          | message                                                                 |
      | pyproject.toml            | [project<LF>name = "x"        | pyproject.toml:1: not valid TOML (Expected ']' at the end of a table declaration); fix the file |
      | uv.lock                   | version = = 1                 | uv.lock:1: not valid TOML (Invalid value); run uv lock to write it again |
      | .forgejo/workflows/ci.yml | jobs: [a                      | .forgejo/workflows/ci.yml:2:                                             |
      | pyproject.toml            | [tool.uv]<LF>dev = 1          | pyproject.toml: not a uv project: no [project] table (nor [tool.uv.workspace]) |
      | pyproject.toml            | [project]<LF>name = "x"<LF>[tool.ci-image]<LF>imag = "x" | pyproject.toml:4: unknown key 'imag' in [tool.ci-image]           |

  Scenario: A configured image is kept; another --image needs --force
    Given a sample uv project
    And the sample project's pyproject.toml is written byte for byte as
      """
      [project]<LF>
      name = "uvb-app"<LF>
      [tool.ci-image]<LF>
      image = "codeberg.org/acme/old"<LF>
      <EOF>
      """
    When I run "ci-image init --image codeberg.org/acme/new"
    Then the exit status is 2
    And stderr is one line containing "pyproject.toml: [tool.ci-image] already sets image = 'codeberg.org/acme/old', not 'codeberg.org/acme/new'; drop --image to keep it, or add --force to replace it"
    And nothing was written
    When I run "ci-image init --image codeberg.org/acme/new --force" again
    Then it succeeds
    And pyproject.toml is byte for byte
      """
      [project]<LF>
      name = "uvb-app"<LF>
      [tool.ci-image]<LF>
      image = "codeberg.org/acme/new"<LF>
      <EOF>
      """

  Scenario: An actionlint configuration of the project's own gets the nix label, every other byte kept
    Given a sample uv project
    And the file ".github/actionlint.yaml" of the sample project is replaced by
      """
      # ours
      self-hosted-runner:
        labels:
          - docker   # the runner in the basement
      config-variables: null
      """
    When I run "ci-image init"
    Then it succeeds
    And stdout contains "runner labels nix added"
    And the file ".github/actionlint.yaml" is
      """
      # ours
      self-hosted-runner:
        labels:
          - docker   # the runner in the basement
          - nix
      config-variables: null
      """

  Scenario: This repository's build workflow is the one init writes for it
    The generated workflow is this repository's own, reviewed and run here; init
    writes it byte for byte for this repository (its `nix/**` is an input because the
    repository has a nix directory, as any adopter with one would).
    When init plans this repository with --force
    Then the build workflow it would write is this repository's .forgejo/workflows/build-ci-image.yml, byte for byte
