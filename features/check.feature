Feature: ci-image check
  `ci-image check` reads every image reference in the workflows (job containers,
  services, `docker://` steps; the CI image's and every other image) and reports each
  problem as `FILE:LINE:COL: RULE NAME MESSAGE`, the position being that of the
  reference itself. Exit status: 0 clean, 1 findings, 2 bad input.

  | rule  | name                   | what it means                                                   |
  | CI001 | floating-reference     | no tag, the tag `latest`, or no digest: the image can change    |
  | CI002 | malformed-reference    | not an image reference; the parser says why                     |
  | CI003 | unresolvable-reference | a `${{ }}` expression: only the runner knows the image          |
  | CI004 | inconsistent-pins      | pins of the CI image that disagree across jobs and files        |
  | CI005 | stale-pin              | with `--flake REF`: a tag that is not `REF.imageTag`            |
  | CI006 | unreleased-pin         | the bootstrap pin `IMAGE:unreleased`: the image is not built yet |
  | CI007 | missing-digest         | reserved for the registry verification (`--registry`)           |
  | CI008 | moved-tag              | reserved for the registry verification (`--registry`)           |

  The CI image is `image` in `[tool.ci-image]` of pyproject.toml, or `--image REPO`.

  Background:
    Given a file "pyproject.toml" with
      """
      [tool.ci-image]
      image = "codeberg.org/acme/ci"
      """

  Scenario: Workflows whose images are all pinned by tag and digest are clean
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:0aaa@sha256:1111111111111111111111111111111111111111111111111111111111111111
          services:
            db: {image: "postgres:16.4@sha256:5555555555555555555555555555555555555555555555555555555555555555"}
          steps:
            - uses: docker://alpine:3.20@sha256:6666666666666666666666666666666666666666666666666666666666666666
      """
    When I run "ci-image check"
    Then it succeeds
    And stdout is
      """
      3 image references in 1 workflow file: all pinned by tag and digest
      """

  Scenario: Floating references: no tag, latest, no digest; a digest without a tag is a note
    A digest alone (what ratchet writes) is immutable, so it fails nothing, but nobody can
    tell which version it is: a note (CI009) suggests the tag form. A reference with a
    version tag can be pinned by `check --fix`; one without needs a version chosen first.
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: node
          services:
            db:
              image: postgres:latest
            cache:
              image: redis:7
          steps:
            - uses: docker://alpine@sha256:6666666666666666666666666666666666666666666666666666666666666666
            - uses: docker://alpine:latest@sha256:6666666666666666666666666666666666666666666666666666666666666666
      """
    When I run "ci-image check"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/ci.yml:5:16: CI001 floating-reference node has no tag and no digest: it follows whatever the registry serves; choose a version tag, then run ci-image pin node:TAG
      .forgejo/workflows/ci.yml:8:16: CI001 floating-reference postgres:latest uses the tag 'latest' without a digest: it follows every push; choose a version tag, then run ci-image pin postgres:TAG
      .forgejo/workflows/ci.yml:10:16: CI001 floating-reference redis:7 has no digest: a tag can be moved to another image; run ci-image check --fix, or ci-image pin redis:7
      .forgejo/workflows/ci.yml:12:24: CI009 digest-only-pin note: alpine@sha256:6666666666666666666666666666666666666666666666666666666666666666 is pinned by digest alone: immutable, but nobody can tell which version it is; write alpine:TAG@sha256:6666666666666666666666666666666666666666666666666666666666666666 with the tag it was pulled as
      .forgejo/workflows/ci.yml:13:24: CI001 floating-reference alpine:latest@sha256:6666666666666666666666666666666666666666666666666666666666666666 uses the tag 'latest', which names no version: use the version's own tag; choose a version tag, then run ci-image pin alpine:TAG
      5 image references in 1 workflow file: 4 problems, 1 note
      """

  Scenario: A floating CI image says to pin it with ci-image pin
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container:
            image: codeberg.org/acme/ci:0aaa
      """
    When I run "ci-image check"
    Then the exit status is 1
    And stdout contains ".forgejo/workflows/ci.yml:6:14: CI001 floating-reference codeberg.org/acme/ci:0aaa has no digest: a tag can be moved to another image; run ci-image pin codeberg.org/acme/ci:0aaa"

  Scenario: Malformed references and expressions
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: 'Codeberg.org/Acme/CI:1'
          services:
            db:
              image: postgres:16@sha256:1234
            cache:
              image: ""
            other:
              image: {name: redis}
            folded:
              image: >
                redis
                7
            plain:
              image: redis
                7
          steps:
            - uses: docker://${{ vars.IMAGE }}
      """
    When I run "ci-image check"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/ci.yml:5:17: CI002 malformed-reference jobs.test.container is 'Codeberg.org/Acme/CI:1': path component 'Acme' is invalid: uppercase letters are not allowed; write REGISTRY/OWNER/IMAGE:TAG@sha256:DIGEST
      .forgejo/workflows/ci.yml:8:16: CI002 malformed-reference jobs.test.services.db.image is 'postgres:16@sha256:1234': digest 'sha256:1234' must be 'sha256:' followed by 64 lowercase hex digits; write REGISTRY/OWNER/IMAGE:TAG@sha256:DIGEST
      .forgejo/workflows/ci.yml:10:17: CI002 malformed-reference jobs.test.services.cache.image is '': empty image reference; write REGISTRY/OWNER/IMAGE:TAG@sha256:DIGEST
      .forgejo/workflows/ci.yml:12:16: CI002 malformed-reference jobs.test.services.other.image is a mapping, not an image reference; write REGISTRY/OWNER/IMAGE:TAG@sha256:DIGEST
      .forgejo/workflows/ci.yml:14:16: CI002 malformed-reference jobs.test.services.folded.image is 'redis 7\n': image reference has leading or trailing whitespace; write REGISTRY/OWNER/IMAGE:TAG@sha256:DIGEST
      .forgejo/workflows/ci.yml:18:16: CI002 malformed-reference jobs.test.services.plain.image is 'redis 7': image reference contains whitespace; write REGISTRY/OWNER/IMAGE:TAG@sha256:DIGEST
      .forgejo/workflows/ci.yml:21:24: CI003 unresolvable-reference jobs.test.steps[0].uses is '${{ vars.IMAGE }}': a ${{ }} expression only the runner resolves, so its image cannot be verified; write the pinned reference itself (a matrix can list pinned references)
      7 image references in 1 workflow file: 7 problems
      """

  Scenario Outline: A malformed reference is reported with the reason: <reason>
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: '<reference>'}
      """
    When I run "ci-image check"
    Then the exit status is 1
    And stdout contains ".forgejo/workflows/ci.yml:3:36: CI002 malformed-reference jobs.a.container is '<reference>': <reason>"

    Examples:
      | reference                                       | reason                                                                                   |
      | alpine@sha256:1@sha256:2                        | more than one '@' in image reference                                                     |
      | alpine@md5:d41d8cd98f00b204e9800998ecf8427e     | digest 'md5:d41d8cd98f00b204e9800998ecf8427e' is not a sha256 digest ('sha256:' + 64 hex) |
      | @sha256:6666666666666666666666666666666666666666666666666666666666666666 | digest without a repository name                 |
      | alpine:-rc1                                     | tag '-rc1' is not a valid tag: a tag is 1 to 128 of [A-Za-z0-9_.-], not starting with '.' or '-' |
      | :3.20                                           | empty repository name                                                                    |
      | my_registry.example/acme/ci:1                   | registry host 'my_registry.example' is not a valid host[:port]                           |
      | codeberg.org/                                   | no repository path after registry host 'codeberg.org'                                    |
      | codeberg.org/acme//ci                           | empty path component in 'acme//ci'                                                       |
      | codeberg.org/acme/ci__-x                        | path component 'ci__-x' is invalid: use lowercase letters, digits and single separators . _ __ - |
      | codeberg.org/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:1 | repository name is 256 characters long, over the limit of 255 |

  Scenario: Pins of the CI image that disagree: each site off the majority is reported
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a:
          runs-on: docker
          container: codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222
        b:
          runs-on: docker
          container: codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222
      """
    And a file ".forgejo/workflows/nightly.yml" with
      """
      on: push
      jobs:
        c:
          runs-on: docker
          container: codeberg.org/acme/ci:0aaa@sha256:1111111111111111111111111111111111111111111111111111111111111111
      """
    When I run "ci-image check"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/nightly.yml:5:16: CI004 inconsistent-pins codeberg.org/acme/ci:0aaa@sha256:1111111111111111111111111111111111111111111111111111111111111111 disagrees with the other pins of codeberg.org/acme/ci: 2 of 3 references pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222, the majority; make them agree with ci-image pin codeberg.org/acme/ci:TAG@sha256:DIGEST
      3 image references in 2 workflow files: 1 problem
      """

  Scenario: Without a majority every disagreeing pin is reported, naming the others
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a:
          runs-on: docker
          container: codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222
        b:
          runs-on: docker
          container: codeberg.org/acme/ci:0aaa@sha256:1111111111111111111111111111111111111111111111111111111111111111
      """
    When I run "ci-image check --json"
    Then the exit status is 1
    And the JSON on stdout has
      | path             | value                 |
      | counts.errors    | 2                     |
      | counts.rules     | {"CI004": 2}          |
      | findings.0.line  | 5                     |
      | findings.1.line  | 8                     |
      | findings.0.rule  | "CI004"               |
    And stdout contains "other references pin codeberg.org/acme/ci:0aaa@sha256:1111"
    And stdout contains "other references pin codeberg.org/acme/ci:1bbb@sha256:2222"

  Scenario: An image reached through a YAML alias is one reference, reported once
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      x-image: &image codeberg.org/acme/ci
      jobs:
        a: {runs-on: docker, container: *image}
        b: {runs-on: docker, container: *image}
      """
    When I run "ci-image check"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/ci.yml:2:17: CI001 floating-reference codeberg.org/acme/ci has no tag and no digest: it follows whatever the registry serves; choose a version tag, then run ci-image pin codeberg.org/acme/ci:TAG
      1 image reference in 1 workflow file: 1 problem
      """

  Scenario: Before the first release the bootstrap pin fails the check, and says what to do
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:unreleased
      """
    When I run "ci-image check"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/ci.yml:5:16: CI006 unreleased-pin codeberg.org/acme/ci:unreleased is not yet released: run the build workflow (build-ci-image.yml) once to publish the image and pin it (or pass --allow-unreleased while bootstrapping)
      1 image reference in 1 workflow file: 1 problem
      """

  Scenario: --allow-unreleased turns the bootstrap pin into a note
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:unreleased
        other:
          runs-on: docker
          container: alpine:unreleased
      """
    When I run "ci-image check --allow-unreleased"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/ci.yml:5:16: CI006 unreleased-pin note: codeberg.org/acme/ci:unreleased is not yet released: run the build workflow (build-ci-image.yml) once to publish the image and pin it
      .forgejo/workflows/ci.yml:8:16: CI001 floating-reference alpine:unreleased has no digest: a tag can be moved to another image; run ci-image check --fix, or ci-image pin alpine:unreleased
      2 image references in 1 workflow file: 1 problem, 1 note
      """

  Scenario: --allow-unreleased passes when the bootstrap pin is the only thing to say
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:unreleased
      """
    When I run "ci-image check --allow-unreleased --json"
    Then it succeeds
    And the JSON on stdout has
      | path                 | value                      |
      | ok                   | true                       |
      | files                | 1                          |
      | references           | 1                          |
      | counts               | {"errors": 0, "notes": 1, "rules": {"CI006": 1}, "suppressed": 0} |
      | findings.0.path      | ".forgejo/workflows/ci.yml" |
      | findings.0.line      | 5                          |
      | findings.0.col       | 16                         |
      | findings.0.rule      | "CI006"                    |
      | findings.0.name      | "unreleased-pin"           |
      | findings.0.severity  | "note"                     |

  Scenario: --flake reports a pin whose tag is not the flake's current image tag
    Given a Nix flake without inputs in "fixture" whose ciImage.imageTag is "9d3x5dcvqzqc07jh1qf5fsrbblhqxm0q"
    And a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:1bbbvqzqc07jh1qf5fsrbblhqxm0qa2f@sha256:2222222222222222222222222222222222222222222222222222222222222222
      """
    When I run "ci-image check --flake ./fixture#ciImage"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/ci.yml:5:16: CI005 stale-pin codeberg.org/acme/ci:1bbbvqzqc07jh1qf5fsrbblhqxm0qa2f@sha256:2222222222222222222222222222222222222222222222222222222222222222 pins tag 1bbbvqzqc07jh1qf5fsrbblhqxm0qa2f, but the current image tag (./fixture#ciImage.imageTag) is 9d3x5dcvqzqc07jh1qf5fsrbblhqxm0q: the inputs changed; run the build workflow (build-ci-image.yml) or ci-image release to publish and pin the current image
      1 image reference in 1 workflow file: 1 problem
      """

  Scenario: --flake is clean when the pin carries the current image tag
    Given a Nix flake without inputs in "fixture" whose ciImage.imageTag is "9d3x5dcvqzqc07jh1qf5fsrbblhqxm0q"
    And a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:9d3x5dcvqzqc07jh1qf5fsrbblhqxm0q@sha256:2222222222222222222222222222222222222222222222222222222222222222
      """
    When I run "ci-image check --flake ./fixture#ciImage"
    Then it succeeds

  Scenario: --flake with an attribute the flake does not have is one clear error
    Given a Nix flake without inputs in "fixture" whose ciImage.imageTag is "9d3x5dcvqzqc07jh1qf5fsrbblhqxm0q"
    And a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:9d3x5dcvqzqc07jh1qf5fsrbblhqxm0q@sha256:2222222222222222222222222222222222222222222222222222222222222222
      """
    When I run "ci-image check --flake ./fixture#ciImag"
    Then the exit status is 2
    And stderr is one line containing "nix eval ./fixture#ciImag.imageTag failed: error:"

  Scenario Outline: --flake with an imageTag that is not a tag is one clear error, not a finding: <case>
    `tag --flake` refuses such a tag; check does too, instead of calling every pin stale.
    Given a file "fixture/flake.nix" with
      """
      { outputs = { self }: { ciImage.imageTag = "<tag>"; }; }
      """
    And a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:9d3x5dcvqzqc07jh1qf5fsrbblhqxm0q@sha256:2222222222222222222222222222222222222222222222222222222222222222
      """
    When I run "ci-image check --flake ./fixture#ciImage"
    Then the exit status is 2
    And stderr is one line containing "<message>"
    And stdout does not contain "CI005"

    Examples:
      | case      | tag        | message                                                                                                                                        |
      | not a tag | not a tag! | ./fixture#ciImage.imageTag 'not a tag!' is not a valid tag: a tag is 1 to 128 of [A-Za-z0-9_.-], not starting with '.' or '-'; fix imageTag in the flake |
      | empty     |            | nix eval ./fixture#ciImage.imageTag gave an empty tag; is it a dockerTools image?                                                              |

  Scenario: An empty workflow directory is an error, not a clean check
    Checking nothing would pass while the workflows are elsewhere (a mistyped
    --workflows, a wrong checkout); pin and triggers refuse it as well.
    Given an empty directory ".forgejo/workflows"
    When I run "ci-image check"
    Then the exit status is 2
    And stderr is one line containing "no *.yml or *.yaml workflow in .forgejo/workflows; pass --workflows DIR naming the directory that holds the workflows"

  Scenario: --image names the CI image when pyproject.toml does not
    Given a file "elsewhere/.gitea/workflows/ci.yaml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: "codeberg.org/other/ci:unreleased"}
      """
    When in "elsewhere" I run "ci-image check --image codeberg.org/other/ci --workflows .gitea/workflows"
    Then the exit status is 1
    And stdout contains ".gitea/workflows/ci.yaml:3:36: CI006 unreleased-pin"

  Scenario Outline: Bad options are one clear line and exit status 2
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    When in "<dir>" I run "ci-image check <options>"
    Then the exit status is 2
    And stderr is one line containing "<message>"

    Examples:
      | dir                  | options                          | message                                          |
      | .                    | --image codeberg.org/acme/ci:1   | --image 'codeberg.org/acme/ci:1': 'codeberg.org/acme/ci:1' is a pinned reference; give the repository alone |
      | .                    | --image acme/ci                  | --image 'acme/ci': 'acme/ci' names no registry host |
      | .                    | --insecure-registry a/b          | argument --insecure-registry: 'a/b' is not a registry host[:port] |
      | .                    | --format xml                     | argument --format: invalid choice: 'xml'         |

  Scenario: --flake needs to know which image is the CI image
    Given a file "bare/pyproject.toml" with
      """
      [project]
      name = "bare"
      """
    And a file "bare/.forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    When in "bare" I run "ci-image check --flake .#ciImage"
    Then the exit status is 2
    And stderr is one line containing "no image repository: pass --image REGISTRY/OWNER/IMAGE or set image = "

  Scenario: Jobs without an image, and actions that are not docker://, have nothing to check
    check looks at images only (a job still being written has none). Without an image
    in [tool.ci-image] (and no --image) there is no CI image: its bootstrap tag is then
    an ordinary floating tag, and pins are not compared.
    Given a file "plain/pyproject.toml" with
      """
      [project]
      name = "plain"
      """
    And a file "plain/.forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        draft:
        host:
          runs-on: docker
          steps:
            - uses: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5
            - run: echo hi
        empty:
          runs-on: docker
          container: ~
        options-only:
          runs-on: docker
          container:
            options: --init
          services:
            sidecar: {options: --init}
        bootstrap:
          runs-on: docker
          container: codeberg.org/acme/ci:unreleased
        other:
          runs-on: docker
          container: codeberg.org/acme/ci:0aaa@sha256:1111111111111111111111111111111111111111111111111111111111111111
      """
    When in "plain" I run "ci-image check"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/ci.yml:20:16: CI001 floating-reference codeberg.org/acme/ci:unreleased has no digest: a tag can be moved to another image; run ci-image check --fix, or ci-image pin codeberg.org/acme/ci:unreleased
      2 image references in 1 workflow file: 1 problem
      """

  Scenario: Workflows outside the working directory are named by their relative path
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: alpine}
      """
    And a file "sub/README.md" with
      """
      a subdirectory
      """
    When in "sub" I run "ci-image check --workflows ../.forgejo/workflows"
    Then the exit status is 1
    And stdout contains "../.forgejo/workflows/ci.yml:3:35: CI001 floating-reference alpine"

  Scenario: Literal matrix values are checked one by one, where the matrix lists them
    `${{ matrix.NAME }}` as the whole image is expanded, as the runner expands it: every
    value of the list and of `include`. What the workflow cannot tell (a matrix made by
    an expression, an image assembled from parts) stays CI003.
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: ${{ matrix.image }}
          strategy:
            matrix:
              image: ["python:3.12@sha256:6666666666666666666666666666666666666666666666666666666666666666", "python:3.13"]
              include:
                - image: node:20@sha256:6666666666666666666666666666666666666666666666666666666666666666
        built:
          runs-on: docker
          container: ${{ matrix.image }}
          strategy:
            matrix: ${{ fromJSON(vars.IMAGES) }}
        parts:
          runs-on: docker
          container: python:${{ matrix.version }}
          strategy:
            matrix: {version: ["3.12"]}
      """
    When I run "ci-image check"
    Then the exit status is 1
    And stdout contains ".forgejo/workflows/ci.yml:8:105: CI001 floating-reference python:3.13 has no digest"
    And stdout contains ".forgejo/workflows/ci.yml:13:16: CI003 unresolvable-reference jobs.built.container is '${{ matrix.image }}'"
    And stdout contains ".forgejo/workflows/ci.yml:18:16: CI003 unresolvable-reference jobs.parts.container is 'python:${{ matrix.version }}'"
    And stdout contains "5 image references in 1 workflow file: 3 problems"

  Scenario: check FILE... checks the files given, wherever they are
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: alpine}
      """
    And a file "other/a.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: "alpine:3.20@sha256:6666666666666666666666666666666666666666666666666666666666666666"}
      """
    And a file "other/more/b.yaml" with
      """
      on: push
      jobs:
        b: {runs-on: docker, container: redis:7}
      """
    When I run "ci-image check other/a.yml"
    Then it succeeds
    And stdout is
      """
      1 image reference in 1 workflow file: all pinned by tag and digest
      """
    When I run "ci-image check other/a.yml other/more other/a.yml"
    Then the exit status is 1
    And stdout contains "other/more/b.yaml:3:35: CI001 floating-reference redis:7"
    And stdout contains "2 image references in 2 workflow files: 1 problem"

  Scenario Outline: Options that do not go together: <case>
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: alpine}
      """
    When I run "ci-image check <arguments>"
    Then the exit status is 2
    And stderr is one line containing "<message>"

    Examples:
      | case                  | arguments                                        | message                                                 |
      | files and --workflows | .forgejo/workflows/ci.yml --workflows .forgejo   | give FILEs or --workflows DIR, not both                 |
      | --dry-run alone       | --dry-run                                        | --dry-run only goes with --fix: a check alone changes nothing |
      | a missing file        | nothere.yml                                      | nothere.yml: cannot read: No such file or directory     |
