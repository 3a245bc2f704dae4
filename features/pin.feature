Feature: ci-image pin REF
  `ci-image pin REGISTRY/OWNER/IMAGE:TAG@sha256:DIGEST` rewrites every reference to that
  image's repository in the workflows, whatever tag or digest it had, wherever Forgejo
  reads an image: `jobs.<id>.container` (a string, or its `image`),
  `jobs.<id>.services.<name>.image`, and `docker://IMAGE` in a step's `uses`.
  Only the characters of each reference change: quotes, comments, line endings, anchors
  and every other byte stay as they were. It writes all files or none, and a second run
  changes nothing. `${{ }}` expressions are left alone.

  Background:
    Given a file "pyproject.toml" with
      """
      [tool.ci-image]
      image = "codeberg.org/acme/ci"
      """

  Scenario: Every reference to the repository is pinned, other images are left alone
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:unreleased
          services:
            db:
              image: postgres:16
        lint:
          runs-on: docker
          container:
            image: codeberg.org/acme/ci:0aaa@sha256:1111111111111111111111111111111111111111111111111111111111111111
      """
    And a file ".forgejo/workflows/release.yaml" with
      """
      on: push
      jobs:
        publish:
          runs-on: docker
          steps:
            - uses: docker://codeberg.org/acme/ci
      """
    And a file ".forgejo/workflows/docs.yml" with
      """
      on: push
      jobs:
        docs:
          runs-on: docker
          container: alpine:3.20
      """
    When I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    Then it succeeds
    And stdout is
      """
      changed .forgejo/workflows/ci.yml (2 references)
      changed .forgejo/workflows/release.yaml (1 reference)
      pinned codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 in 2 of 3 files
      """
    And the file ".forgejo/workflows/ci.yml" changed only in these places
      | line | before                                                                                   | after                                                                                    |
      | 5    | codeberg.org/acme/ci:unreleased                                                          | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 |
      | 12   | 0aaa@sha256:1111111111111111111111111111111111111111111111111111111111111111             | 1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222             |
    And the file ".forgejo/workflows/release.yaml" changed only in these places
      | line | before                        | after                                                                                                     |
      | 6    | docker://codeberg.org/acme/ci | docker://codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 |
    And the file ".forgejo/workflows/docs.yml" is byte for byte as before

  Scenario: Every other byte of a tricky file stays exactly as it was
    The file has a byte-order mark, CRLF line endings, tabs in comments, the old
    reference repeated in a comment, quotes of each kind, flow mappings, an anchor with
    an alias and a merge key, a folded block scalar, a service, a docker:// step, an
    image chosen from a literal matrix (pinned where the matrix lists it), and no
    newline at the end.
    Given a file ".forgejo/workflows/tricky.yml" written byte for byte as
      """
      <BOM># pinned by ci-image<TAB>(do not edit)<CR>
      on: {push: {branches: [main]}}<CR>
      x-job: &job<CR>
        runs-on: docker<CR>
        container: &ci codeberg.org/acme/ci:old  # was codeberg.org/acme/ci:old<TAB>!<CR>
      jobs:<CR>
        a:<CR>
          <<: *job<CR>
        b: {runs-on: docker, container: {image: 'codeberg.org/acme/ci:old', options: --init}}<CR>
        c:<CR>
          runs-on: docker<CR>
          container: *ci<CR>
          services:<CR>
            cache: {image: "codeberg.org/acme/ci:old"}  # "quoted" too<CR>
            redis:<CR>
              image: >-<CR>
                codeberg.org/acme/ci:old<CR>
          steps:<CR>
            - uses: "docker://codeberg.org/acme/ci:old"<CR>
            - uses: docker://alpine:3.20<TAB># not ours<CR>
        d:<CR>
          runs-on: docker<CR>
          container: ${{ matrix.image }}<CR>
          strategy: {matrix: {image: [codeberg.org/acme/ci:old]}}<EOF>
      """
    When I run "ci-image pin codeberg.org/acme/ci:new@sha256:3333333333333333333333333333333333333333333333333333333333333333"
    Then it succeeds
    And stdout contains "changed .forgejo/workflows/tricky.yml (6 references)"
    And stderr does not contain "left alone"
    And the file ".forgejo/workflows/tricky.yml" changed only in these places
      | line | before                   | after                                                                                    |
      | 5    | codeberg.org/acme/ci:old | codeberg.org/acme/ci:new@sha256:3333333333333333333333333333333333333333333333333333333333333333 |
      | 9    | codeberg.org/acme/ci:old | codeberg.org/acme/ci:new@sha256:3333333333333333333333333333333333333333333333333333333333333333 |
      | 14   | codeberg.org/acme/ci:old | codeberg.org/acme/ci:new@sha256:3333333333333333333333333333333333333333333333333333333333333333 |
      | 17   | codeberg.org/acme/ci:old | codeberg.org/acme/ci:new@sha256:3333333333333333333333333333333333333333333333333333333333333333 |
      | 19   | codeberg.org/acme/ci:old | codeberg.org/acme/ci:new@sha256:3333333333333333333333333333333333333333333333333333333333333333 |
      | 24   | codeberg.org/acme/ci:old | codeberg.org/acme/ci:new@sha256:3333333333333333333333333333333333333333333333333333333333333333 |
    When I run "ci-image pin codeberg.org/acme/ci:new@sha256:3333333333333333333333333333333333333333333333333333333333333333"
    Then it succeeds
    And stdout contains "already pinned: 6 references in 1 file are codeberg.org/acme/ci:new@sha256:3333"
    And no file in the project changed

  Scenario: A second run changes nothing
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:0aaa@sha256:1111111111111111111111111111111111111111111111111111111111111111
      """
    When I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    Then it succeeds
    When I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    Then it succeeds
    And stdout is
      """
      already pinned: 1 reference in 1 file is codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222
      """
    And no file in the project changed

  Scenario: --dry-run prints the unified diff and changes nothing
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:unreleased
      """
    When I run "ci-image pin --dry-run codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    Then it succeeds
    And stdout is
      """
      --- a/.forgejo/workflows/ci.yml
      +++ b/.forgejo/workflows/ci.yml
      @@ -2,4 +2,4 @@
       jobs:
         test:
           runs-on: docker
      -    container: codeberg.org/acme/ci:unreleased
      +    container: codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222
      """
    And no file in the project changed

  Scenario: --dry-run --json carries the diff; a file without a final newline says so
    Given a file ".forgejo/workflows/ci.yml" written byte for byte as
      """
      on: push
      jobs:
        test: {runs-on: docker, container: codeberg.org/acme/ci:unreleased}<EOF>
      """
    When I run "ci-image pin --dry-run --json codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    Then it succeeds
    And the JSON on stdout has
      | path    | value                                                                                                                                                                                                                                                                                                                              |
      | dry_run | true                                                                                                                                                                                                                                                                                                                               |
      | changed | [".forgejo/workflows/ci.yml"]                                                                                                                                                                                                                                                                                                      |
      | diff    | "--- a/.forgejo/workflows/ci.yml\n+++ b/.forgejo/workflows/ci.yml\n@@ -1,3 +1,3 @@\n on: push\n jobs:\n-  test: {runs-on: docker, container: codeberg.org/acme/ci:unreleased}\n\\ No newline at end of file\n+  test: {runs-on: docker, container: codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222}\n\\ No newline at end of file\n" |
    And no file in the project changed

  Scenario: The dry-run diff applies with git apply, CR bytes and all
    Changes far apart get their own hunk, close ones share one, and a workflow written
    on one line is a one-line hunk.
    Given a file ".forgejo/workflows/ci.yml" written byte for byte as
      """
      on: push<CR>
      jobs:<CR>
        a: {runs-on: docker, container: codeberg.org/acme/ci:unreleased}<CR>
        b: {runs-on: docker, container: codeberg.org/acme/ci:unreleased}<CR>
        c: {runs-on: docker, container: alpine:3.20}<CR>
        d: {runs-on: docker, container: alpine:3.20}<CR>
        e: {runs-on: docker, container: alpine:3.20}<CR>
        f: {runs-on: docker, container: alpine:3.20}<CR>
        g: {runs-on: docker, container: alpine:3.20}<CR>
        h: {runs-on: docker, container: alpine:3.20}<CR>
        i: {runs-on: docker, container: alpine:3.20}<CR>
        j: {runs-on: docker, container: codeberg.org/acme/ci:unreleased}<CR>
      """
    And a file ".forgejo/workflows/one-line.yml" written byte for byte as
      """
      {on: push, jobs: {a: {runs-on: docker, container: codeberg.org/acme/ci}}}<EOF>
      """
    When I run "ci-image pin --dry-run codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    Then it succeeds
    And stdout contains "@@ -1,7 +1,7 @@"
    And stdout contains "@@ -9,4 +9,4 @@"
    And stdout contains "@@ -1 +1 @@"
    When I apply the diff printed by "ci-image pin --dry-run codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222" with git apply
    Then it succeeds
    And the file ".forgejo/workflows/ci.yml" changed only in these places
      | line | before     | after                                                                     |
      | 3    | unreleased | 1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 |
      | 4    | unreleased | 1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 |
      | 12   | unreleased | 1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 |
    And the file ".forgejo/workflows/one-line.yml" changed only in these places
      | line | before               | after                                                                                          |
      | 1    | codeberg.org/acme/ci | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 |

  Scenario: Another image keeps each reference's own tag: only those with REF's tag change
    For any image but the project's CI image, a reference's tag says which image it
    means: pinning alpine:3.20 pins the references to alpine:3.20, however the repository
    is spelled (`alpine`, `docker.io/library/alpine`, `index.docker.io/library/alpine`
    all name Docker Hub's official image), and never turns another tag, or none, into
    3.20. Each reference keeps its spelling; a note names those left alone.
    Given a file ".github/workflows/ci.yml" with
      """
      on: push
      jobs:
        a:
          runs-on: docker
          container: alpine:3.19
        b:
          runs-on: docker
          container: docker.io/library/alpine:3.20
        c:
          runs-on: docker
          container: index.docker.io/library/alpine:3.20@sha256:1111111111111111111111111111111111111111111111111111111111111111
        d:
          runs-on: docker
          container: alpine
        e:
          runs-on: docker
          container: alpine:3.20
      """
    When I run "ci-image pin alpine:3.20@sha256:4444444444444444444444444444444444444444444444444444444444444444"
    Then it succeeds
    And stdout contains "changed .github/workflows/ci.yml (3 references)"
    And stderr contains ".github/workflows/ci.yml:5:16: left alone: alpine:3.19 names another tag than 3.20, another image"
    And stderr contains ".github/workflows/ci.yml:14:16: left alone: alpine names no tag (so 'latest'), another image"
    And the file ".github/workflows/ci.yml" changed only in these places
      | line | before                                    | after                                                                                                         |
      | 8    | docker.io/library/alpine:3.20             | docker.io/library/alpine:3.20@sha256:4444444444444444444444444444444444444444444444444444444444444444        |
      | 11   | index.docker.io/library/alpine:3.20@sha256:1111111111111111111111111111111111111111111111111111111111111111 | index.docker.io/library/alpine:3.20@sha256:4444444444444444444444444444444444444444444444444444444444444444 |
      | 17   | alpine:3.20                               | alpine:3.20@sha256:4444444444444444444444444444444444444444444444444444444444444444                          |

  Scenario: A tag no reference names pins nothing, and says which tags there are
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: "python:3.11"}
        b: {runs-on: docker, container: "index.docker.io/python:3.12"}
      """
    When I run "ci-image pin python:3.13@sha256:4444444444444444444444444444444444444444444444444444444444444444"
    Then the exit status is 2
    And stderr is one line containing "names python:3.13@sha256:4444444444444444444444444444444444444444444444444444444444444444; index.docker.io/python:3.12, python:3.11 name another tag, another image, which pin never changes to this one"
    And no file in the project changed

  Scenario: --json describes every reference and what changed
    Given a file "ci/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:unreleased
          services:
            db: {image: "${{ matrix.db }}"}
      """
    When I run "ci-image pin --json --workflows ci/workflows codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    Then it succeeds
    And the JSON on stdout has
      | path                   | value                                                                                             |
      | reference              | "codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222" |
      | dry_run                | false                                                                                             |
      | already_pinned         | false                                                                                             |
      | files                  | 1                                                                                                 |
      | changed                | ["ci/workflows/ci.yml"]                                                                           |
      | replacements.0.line    | 5                                                                                                 |
      | replacements.0.col     | 16                                                                                                |
      | replacements.0.where   | "jobs.test.container"                                                                             |
      | replacements.0.old     | "codeberg.org/acme/ci:unreleased"                                                                 |
      | replacements.0.changed | true                                                                                              |
      | left_alone.0.where     | "jobs.test.services.db.image"                                                                     |
      | left_alone.0.text      | "${{ matrix.db }}"                                                                                |

  Scenario: A symlinked workflow inside the repository is written through its link
    Given the directory "." is the root of a git repository
    And a file "ci/shared.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:unreleased
      """
    And the file "ci/shared.yml" has the mode 0640
    And a symbolic link ".forgejo/workflows/shared.yml" pointing to "../../ci/shared.yml"
    When I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    Then it succeeds
    And ".forgejo/workflows/shared.yml" is still a symbolic link to "../../ci/shared.yml"
    And the file "ci/shared.yml" changed only in these places
      | line | before     | after                                                                     |
      | 5    | unreleased | 1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 |
    And the file "ci/shared.yml" still has the mode 0640
    And no temporary file is left in the project

  Scenario: Two links to one file write it once
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:unreleased
      """
    And a symbolic link ".forgejo/workflows/same.yml" pointing to "ci.yml"
    When I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    Then it succeeds
    And ".forgejo/workflows/same.yml" is still a symbolic link to "ci.yml"
    And stdout contains "changed .forgejo/workflows/ci.yml (1 reference)"

  Scenario: Without a tag, only references with a version tag are pinned; none is an error
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: alpine}
        b: {runs-on: docker, container: "alpine:latest"}
      """
    When I run "ci-image pin alpine"
    Then the exit status is 2
    And stderr is one line containing "names alpine with a version tag (alpine, alpine:latest name none, or 'latest'): write the version's tag in the workflow, then pin"
    And no file in the project changed

  Scenario Outline: REF must name a version tag: <case>
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:unreleased
      """
    When I run "ci-image pin <ref>"
    Then the exit status is 2
    And stderr is one line containing "<message>"
    And no file in the project changed

    Examples:
      | case                     | ref                                                                                   | message                                                              |
      | latest, as push refuses  | codeberg.org/acme/ci:latest@sha256:2222222222222222222222222222222222222222222222222222222222222222 | codeberg.org/acme/ci:latest@sha256:2222222222222222222222222222222222222222222222222222222222222222 uses the tag 'latest', which names no version and which check rejects (CI001); pin the version's own tag |
      | latest, for any image    | postgres:latest                                                                       | postgres:latest uses the tag 'latest'                                |
      | a digest without its tag | codeberg.org/acme/ci@sha256:2222222222222222222222222222222222222222222222222222222222222222 | has no tag; pin needs REGISTRY/OWNER/IMAGE:TAG[@sha256:DIGEST]          |
      | the CI image without tag | codeberg.org/acme/ci                                                                  | codeberg.org/acme/ci has no tag; the CI image is pinned at one tag everywhere |
      | an uppercase owner       | codeberg.org/Acme/ci:1@sha256:2222222222222222222222222222222222222222222222222222222222222222 | REF 'codeberg.org/Acme/ci:1@sha256:2222222222222222222222222222222222222222222222222222222222222222' is not an image reference: path component 'Acme' is invalid |
      | an expression            | '${{ vars.IMAGE }}'                                                                   | REF '${{ vars.IMAGE }}' is not an image reference: contains a ${{ }} expression, which only the runner resolves |

  Scenario: A pin that pins nothing is a mistake
    A typo in the repository would otherwise "succeed" and leave the old pins in place.
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:unreleased
      """
    When I run "ci-image pin codeberg.org/acme/cl:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    Then the exit status is 2
    And stderr is one line containing "names codeberg.org/acme/cl: nothing to pin. Check the repository name"
    And no file in the project changed

  Scenario: A reference that cannot be rewritten byte for byte stops the whole pin
    A double-quoted YAML string with an escape reads as the reference, but writing the
    new one there would change how the rest is written: pin refuses and changes nothing.
    Given a file ".forgejo/workflows/a.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:unreleased
      """
    And a file ".forgejo/workflows/b.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: "codeberg.org/acme/ci\x3aunreleased"
      """
    When I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    Then the exit status is 2
    And stderr is one line containing "b.yml:5: cannot rewrite jobs.test.container (codeberg.org/acme/ci:unreleased) byte for byte: the double-quoted scalar is written with escapes"
    And no file in the project changed

  Scenario: With one file that cannot be replaced, no file changes
    The new contents are written next to each file first; only if every one of them
    could be written are the files replaced.
    Given a file ".forgejo/workflows/a.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:unreleased
      """
    And a file ".forgejo/workflows/z/b.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: codeberg.org/acme/ci:unreleased
      """
    And the project belongs to an unprivileged user
    And the directory ".forgejo/workflows/z" is not writable
    When I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222" as the unprivileged user
    Then the exit status is 2
    And stderr is one line containing "z/b.yml: cannot create a temporary file in .forgejo/workflows/z: Permission denied"
    And no file in the project changed
    And no temporary file is left in the project
