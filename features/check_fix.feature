Feature: ci-image check --fix pins every floating reference in place
  `check --fix` pins each reference that check reports floating (CI001) and that has a
  version tag: it becomes `name:tag@sha256:...`, the tag kept, the digest the tag
  resolves to now in its registry (an index's digest for a multi-platform image), in
  the user's spelling. Only those characters change (CRLF, byte-order mark, quotes,
  comments and anchors stay), in all files or none, and each pinned reference is
  printed. Then the rewritten workflows are checked again: the exit status is that of
  what remains. A reference without a tag or on `latest`, and a suppressed one, is left
  for a person. `--dry-run` prints the diff instead and changes nothing. Registry
  options as for `pin`.

  Background:
    Given a pyproject.toml whose image is "$REGISTRY/ci/image"

  @registry
  Scenario: Every floating reference is pinned at its own tag, every other byte kept
    A YAML anchor is one reference wherever it is aliased: it is pinned once, where it
    is written. Values of a literal matrix are pinned where the matrix lists them.
    Given the registry holds "$REGISTRY/library/postgres:16" built from "postgres 16"
    And the registry holds "$REGISTRY/library/postgres:15" built from "postgres 15"
    And the registry holds "$REGISTRY/library/redis:7" built from "redis 7"
    And the registry holds "$REGISTRY/tools/multi:1.0" as an index of two platforms, built from "multi"
    And the digest "$REGISTRY/library/postgres:16" resolves to is $PG16
    And the digest "$REGISTRY/library/postgres:15" resolves to is $PG15
    And the digest "$REGISTRY/library/redis:7" resolves to is $REDIS
    And the digest "$REGISTRY/tools/multi:1.0" resolves to is $MULTI
    And a file ".forgejo/workflows/ci.yml" naming the registry, written byte for byte as
      """
      <BOM># services<TAB>(keep this)<CR>
      on: push<CR>
      x-db: &db '$REGISTRY/library/postgres:16'  # shared<CR>
      jobs:<CR>
        test:<CR>
          runs-on: docker<CR>
          container: "$REGISTRY/ci/image:unreleased"<CR>
          services:<CR>
            db: {image: *db}<CR>
            cache:<CR>
              image: $REGISTRY/library/redis:7   # cache<CR>
          steps:<CR>
            - uses: "docker://$REGISTRY/tools/multi:1.0"<CR>
        matrix:<CR>
          runs-on: docker<CR>
          container: ${{ matrix.image }}<CR>
          strategy:<CR>
            matrix:<CR>
              image: ['$REGISTRY/library/postgres:15', "$REGISTRY/library/postgres:16"]<EOF>
      """
    When I run "ci-image check --fix --allow-unreleased --insecure-registry $REGISTRY"
    Then it succeeds
    And stdout contains ".forgejo/workflows/ci.yml:3:12: $REGISTRY/library/postgres:16 -> $REGISTRY/library/postgres:16@$PG16", naming the registry
    And stdout contains "pinned 5 references in 1 file"
    And stdout contains "CI006 unreleased-pin note"
    And stdout contains "image references in 1 workflow file: no problems, 1 note"
    And the file ".forgejo/workflows/ci.yml" is now, naming the registry, byte for byte
      """
      <BOM># services<TAB>(keep this)<CR>
      on: push<CR>
      x-db: &db '$REGISTRY/library/postgres:16@$PG16'  # shared<CR>
      jobs:<CR>
        test:<CR>
          runs-on: docker<CR>
          container: "$REGISTRY/ci/image:unreleased"<CR>
          services:<CR>
            db: {image: *db}<CR>
            cache:<CR>
              image: $REGISTRY/library/redis:7@$REDIS   # cache<CR>
          steps:<CR>
            - uses: "docker://$REGISTRY/tools/multi:1.0@$MULTI"<CR>
        matrix:<CR>
          runs-on: docker<CR>
          container: ${{ matrix.image }}<CR>
          strategy:<CR>
            matrix:<CR>
              image: ['$REGISTRY/library/postgres:15@$PG15', "$REGISTRY/library/postgres:16@$PG16"]<EOF>
      """
    When I run "ci-image check --allow-unreleased"
    Then it succeeds

  @registry
  Scenario: What names no version, and what is suppressed, is left for a person
    Given the registry holds "$REGISTRY/library/redis:7" built from "redis 7"
    And a file ".forgejo/workflows/ci.yml" naming the registry, with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: $REGISTRY/library/alpine
          services:
            a: {image: "$REGISTRY/library/alpine:latest"}
            b: {image: "$REGISTRY/library/redis:7"}  # ci-image: ignore[CI001]
      """
    When I run "ci-image check --fix --insecure-registry $REGISTRY"
    Then the exit status is 1
    And stdout contains "ci.yml:5:16: CI001 floating-reference $REGISTRY/library/alpine has no tag and no digest", naming the registry
    And stdout contains "ci.yml:7:19: CI001 floating-reference $REGISTRY/library/alpine:latest uses the tag 'latest'", naming the registry
    And stdout contains "2 problems, 1 suppressed"
    And stdout does not contain "pinned"
    And no file in the project changed
    And the last command did not reach the registry

  @registry
  Scenario: A tag the registry does not have is said so, and the others are pinned
    Given the registry holds "$REGISTRY/library/redis:7" built from "redis 7"
    And a file ".forgejo/workflows/ci.yml" naming the registry, with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: $REGISTRY/library/redis:7
          services:
            db: {image: "$REGISTRY/library/postgres:99"}
      """
    When I run "ci-image check --fix --insecure-registry $REGISTRY"
    Then the exit status is 1
    And stderr contains "ci-image check: note: .forgejo/workflows/ci.yml:7:20: cannot pin $REGISTRY/library/postgres:99: $REGISTRY has no tag 99 in $REGISTRY/library/postgres", naming the registry
    And stdout contains "pinned 1 reference in 1 file"
    And stdout contains "ci.yml:7:20: CI001 floating-reference $REGISTRY/library/postgres:99 has no digest", naming the registry

  @registry
  Scenario: --fix with --registry pins, then verifies the pins, in one session with the registries
    Given the registry holds "$REGISTRY/library/redis:7" built from "redis 7"
    And a file ".forgejo/workflows/ci.yml" naming the registry, with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: $REGISTRY/library/redis:7
      """
    When I run "ci-image check --fix --registry --insecure"
    Then it succeeds
    And stdout contains "pinned 1 reference in 1 file"
    And stderr is one line containing "ci-image: warning: --insecure is deprecated here"

  @registry
  Scenario: --dry-run prints the diff and what would remain, and changes nothing
    Given the registry holds "$REGISTRY/library/redis:7" built from "redis 7"
    And the digest "$REGISTRY/library/redis:7" resolves to is $REDIS
    And a file ".forgejo/workflows/ci.yml" naming the registry, with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "$REGISTRY/library/redis:7"}
      """
    When I run "ci-image check --fix --dry-run --insecure-registry $REGISTRY"
    Then it succeeds
    And stdout contains "--- a/.forgejo/workflows/ci.yml"
    And stdout contains "+  test: {runs-on: docker, container: "$REGISTRY/library/redis:7@$REDIS"}", naming the registry
    And stdout contains "1 image reference in 1 workflow file: all pinned by tag and digest"
    And no file in the project changed

  @registry
  Scenario: --fix --json carries what was pinned
    Given the registry holds "$REGISTRY/library/redis:7" built from "redis 7"
    And a file ".forgejo/workflows/ci.yml" naming the registry, with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "$REGISTRY/library/redis:7"}
      """
    When I run "ci-image check --fix --json --insecure-registry $REGISTRY"
    Then it succeeds
    And the JSON on stdout has
      | path               | value                          |
      | ok                 | true                           |
      | fix.dry_run        | false                          |
      | fix.changed        | [".forgejo/workflows/ci.yml"]  |
      | fix.pinned.0.line  | 3                              |
      | fix.pinned.0.col   | 39                             |

  @registry
  Scenario: A registry that cannot be asked stops the fix before any file changes
    Given the registry holds "$REGISTRY/library/redis:7" built from "redis 7"
    And a port where no registry listens, as $DEAD
    And a file ".forgejo/workflows/ci.yml" naming the registry, with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: $REGISTRY/library/redis:7
          services:
            a: {image: "$DEAD/library/postgres:16"}
            b: {image: "$DEAD/library/postgres:15"}
      """
    When I run "ci-image check --fix --insecure-registry $REGISTRY --insecure-registry $DEAD --retries 0"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/ci.yml:7: "
    And stderr contains "connection refused"
    And stderr contains "; nothing was pinned"
    And no file in the project changed
