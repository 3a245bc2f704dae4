Feature: ci-image pin IMAGE[:TAG] asks the registry for the digest
  Without a digest in REF, `pin` asks REF's registry which digest the tag resolves to now,
  and pins that: for a multi-platform image, the digest of its index (the manifest
  list), as `docker pull` and Renovate pin it, so runners of every platform pull the
  same image. The CI image is pinned at REF's tag everywhere; any other image keeps each
  reference's own tag: `pin postgres:16` pins the references to postgres:16 only, and
  `pin postgres` pins each reference at the tag it names. Registry options as for
  `check --registry`: `--authfile`, `--cert-dir`, `--insecure-registry HOST`
  (repeatable; or `insecure-registries` in [tool.ci-image]), `--retries`, `--verbose`.

  Background:
    Given a pyproject.toml whose image is "$REGISTRY/ci/image"
    And a file ".forgejo/workflows/ci.yml" naming the registry, with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: $REGISTRY/ci/image:unreleased
          services:
            db: {image: "$REGISTRY/library/postgres:16"}  # the database
            old: {image: "$REGISTRY/library/postgres:15"}
            bare: {image: "$REGISTRY/library/postgres"}
      """

  @registry
  Scenario: A tag is pinned at the digest it resolves to now; other tags are left alone
    Given the registry holds "$REGISTRY/library/postgres:16" built from "postgres 16"
    And the digest "$REGISTRY/library/postgres:16" resolves to is $PG16
    When I run "ci-image pin $REGISTRY/library/postgres:16 --insecure-registry $REGISTRY"
    Then it succeeds
    And stdout contains "pinned $REGISTRY/library/postgres:16@$PG16 in 1 of 1 file", naming the registry
    And stderr contains ".forgejo/workflows/ci.yml:8:21: left alone: $REGISTRY/library/postgres:15 names another tag than 16, another image", naming the registry
    And stderr contains ".forgejo/workflows/ci.yml:9:22: left alone: $REGISTRY/library/postgres names no tag (so 'latest'), another image", naming the registry
    And the file ".forgejo/workflows/ci.yml" is now, naming the registry, byte for byte
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: $REGISTRY/ci/image:unreleased
          services:
            db: {image: "$REGISTRY/library/postgres:16@$PG16"}  # the database
            old: {image: "$REGISTRY/library/postgres:15"}
            bare: {image: "$REGISTRY/library/postgres"}
      """
    When I run "ci-image pin $REGISTRY/library/postgres:16 --insecure-registry $REGISTRY"
    Then it succeeds
    And stdout contains "already pinned: 1 reference in 1 file is $REGISTRY/library/postgres:16@$PG16", naming the registry

  @registry
  Scenario: A multi-platform image is pinned at the digest of its index
    Given the registry holds "$REGISTRY/tools/multi:1.0" as an index of two platforms, built from "multi"
    And the digest "$REGISTRY/tools/multi:1.0" resolves to is $INDEX
    And a file ".forgejo/workflows/tools.yml" naming the registry, with
      """
      on: push
      jobs:
        build:
          runs-on: docker
          steps:
            - uses: docker://$REGISTRY/tools/multi:1.0
      """
    When I run "ci-image pin $REGISTRY/tools/multi:1.0 --insecure-registry $REGISTRY"
    Then it succeeds
    And $INDEX is the digest of an image index of 2 platforms, not of one platform's image
    And stdout contains "pinned $REGISTRY/tools/multi:1.0@$INDEX in 1 of 2 files", naming the registry

  @registry
  Scenario: Without a tag, each reference is pinned at its own tag; one without a version is left alone
    Given the registry holds "$REGISTRY/library/postgres:16" built from "postgres 16"
    And the registry holds "$REGISTRY/library/postgres:15" built from "postgres 15"
    And the digest "$REGISTRY/library/postgres:16" resolves to is $PG16
    And the digest "$REGISTRY/library/postgres:15" resolves to is $PG15
    When I run "ci-image pin $REGISTRY/library/postgres --insecure-registry $REGISTRY"
    Then it succeeds
    And stdout contains "changed .forgejo/workflows/ci.yml (2 references)"
    And stderr contains "ci.yml:9:22: left alone: $REGISTRY/library/postgres names no version tag (none, or 'latest'): write one in the workflow, then pin", naming the registry
    And the file ".forgejo/workflows/ci.yml" is now, naming the registry, byte for byte
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: $REGISTRY/ci/image:unreleased
          services:
            db: {image: "$REGISTRY/library/postgres:16@$PG16"}  # the database
            old: {image: "$REGISTRY/library/postgres:15@$PG15"}
            bare: {image: "$REGISTRY/library/postgres"}
      """

  @registry
  Scenario: The CI image is pinned at the tag's digest everywhere
    Given the registry holds "$REGISTRY/ci/image:v1" built from "ci image v1"
    And the digest "$REGISTRY/ci/image:v1" resolves to is $CI
    When I run "ci-image pin $REGISTRY/ci/image:v1 --insecure-registry $REGISTRY"
    Then it succeeds
    And stdout contains "pinned $REGISTRY/ci/image:v1@$CI in 1 of 1 file", naming the registry

  @registry
  Scenario: A tag the registry does not have pins nothing
    When I run "ci-image pin $REGISTRY/library/postgres:16 --insecure-registry $REGISTRY"
    Then the exit status is 2
    And stderr is one line containing "has no tag 16 in library/postgres: nothing to pin"
    And no file in the project changed

  @registry
  Scenario: The insecure-registries setting names the hosts reached without TLS verification
    Given the registry holds "$REGISTRY/library/postgres:16" built from "postgres 16"
    And a file "pyproject.toml" naming the registry, with
      """
      [tool.ci-image]
      image = "$REGISTRY/ci/image"
      insecure-registries = ["$REGISTRY"]
      """
    When I run "ci-image pin $REGISTRY/library/postgres:16"
    Then it succeeds
    And stdout contains "changed .forgejo/workflows/ci.yml (1 reference)"

  @registry
  Scenario: A plain-HTTP registry not named insecure is not spoken to without TLS
    When I run "ci-image pin $REGISTRY/library/postgres:16 --insecure-registry other.example:5000 --retries 0"
    Then the exit status is 2
    And stderr is one line containing "ci-image pin: error:"
    And no file in the project changed

  @registry
  Scenario: --insecure still works for pin, deprecated: it applies to every registry
    Given the registry holds "$REGISTRY/library/postgres:16" built from "postgres 16"
    When I run "ci-image pin $REGISTRY/library/postgres:16 --insecure"
    Then it succeeds
    And stderr contains "ci-image: warning: --insecure is deprecated here: it turns TLS verification off for every registry the workflows name; name the hosts with --insecure-registry HOST"

  @registry-tls
  Scenario: A TLS registry, its CA given with --cert-dir
    Given the registry holds "$REGISTRY/library/postgres:16" built from "postgres 16"
    And the digest "$REGISTRY/library/postgres:16" resolves to is $PG16
    When I run "ci-image pin $REGISTRY/library/postgres:16 --cert-dir $CERTS"
    Then it succeeds
    And stdout contains "pinned $REGISTRY/library/postgres:16@$PG16 in 1 of 1 file", naming the registry

  @registry-auth
  Scenario: A registry that wants credentials gets them as push does
    Given the registry holds "$REGISTRY/library/postgres:16" built from "postgres 16"
    And the digest "$REGISTRY/library/postgres:16" resolves to is $PG16
    And the registry credentials are in the environment
    When I run "ci-image pin $REGISTRY/library/postgres:16 --insecure-registry $REGISTRY --verbose"
    Then it succeeds
    And stdout contains "pinned $REGISTRY/library/postgres:16@$PG16 in 1 of 1 file", naming the registry
    And no output shows the password

  @registry
  Scenario: A Docker Hub short name is asked for where a runner pulls it from
    `python:3.12` is docker.io/library/python:3.12, served by registry-1.docker.io; the
    reference keeps its short spelling when it is pinned.
    Given a file ".forgejo/workflows/py.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: "python:3.12"}
      """
    When I run "ci-image pin python:3.12 --dry-run --verbose --retries 0"
    Then stderr contains "inspect --raw docker://docker.io/library/python:3.12"
    And stderr contains "GET https://registry-1.docker.io/v2/"
    And no file in the project changed
