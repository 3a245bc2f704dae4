Feature: ci-image check --registry asks the registry about every pin
  Offline, `check` proves each pin is written immutably. With `--registry` it also asks
  the registry of every reference pinned by tag and digest whether that digest still
  exists (CI007 missing-digest) and whether the tag still resolves to it (CI008
  moved-tag). Registry options: `--authfile`, `--cert-dir`, `--insecure-registry HOST`
  (repeatable; or `insecure-registries` in [tool.ci-image]), `--retries`. A registry that
  cannot be asked is an error, not a finding: one line per such registry, after every
  other registry's pins were checked and reported; then the exit status is 2.

  Background:
    Given a pyproject.toml whose image is "$REGISTRY/ci/image"
    And a file ".forgejo/workflows/ci.yml" naming the registry, with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: $REGISTRY/ci/image:unreleased
          steps:
            - run: nox
        lint:
          runs-on: docker
          container: $REGISTRY/ci/image:unreleased
          steps:
            - run: nox -s lint
      """
    And an image archive "result.tar" tagged "ci-image:v1"

  @registry
  Scenario: After a release every pin is in the registry, asked once per reference
    When I run "ci-image release result.tar --insecure"
    Then it succeeds
    When I run "ci-image check --registry --insecure-registry $REGISTRY"
    Then it succeeds
    And stdout contains "2 image references in 1 workflow file: all pinned by tag and digest"
    And the last command made at most 2 requests to the registry

  @registry
  Scenario: Without --registry, check does not ask the registry
    When I run "ci-image release result.tar --insecure"
    Then it succeeds
    When I run "ci-image check"
    Then it succeeds
    And the last command did not reach the registry

  @registry
  Scenario: A tag moved to another image is reported where it is pinned
    Given a different image archive "other.tar", built from "something else", tagged "ci-image:v1"
    When I run "ci-image release result.tar --insecure"
    Then it succeeds
    Given the tag "$REGISTRY/ci/image:v1" was moved to the image of "other.tar" with a plain skopeo copy
    When I run "ci-image check --registry --insecure-registry $REGISTRY"
    Then the exit status is 1
    And stdout contains ".forgejo/workflows/ci.yml:5:16: CI008 moved-tag"
    And stdout contains ".forgejo/workflows/ci.yml:10:16: CI008 moved-tag"
    And stdout contains "the tag v1 now resolves to sha256:"
    And stdout contains "keep the pin (it names the image that was tested)"
    And stdout does not contain "CI007"

  @registry
  Scenario: A deleted image: the digest is gone, and so is the tag
    When I run "ci-image release result.tar --insecure"
    Then it succeeds
    Given the image pinned in ".forgejo/workflows/ci.yml" was deleted from the registry
    When I run "ci-image check --registry --insecure-registry $REGISTRY --json"
    Then the exit status is 1
    And stdout contains ""rule": "CI007""
    And stdout contains "(deleted, or never pushed); runners cannot pull it"
    And stdout contains ""rule": "CI008""
    And stdout contains "the tag v1 no longer exists in"
    And stdout contains "and neither does the pinned digest (CI007): replace the pin: re-run the build workflow (release) or pin another released image"
    And stdout does not contain "the pin still works"

  @registry
  Scenario: A pin to a digest that was never pushed; only pinned references are asked
    Given a digest that was never pushed, as $UNPUSHED
    When I run "ci-image push result.tar --insecure"
    Then it succeeds
    Given a file ".forgejo/workflows/ci.yml" naming the registry, with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: $REGISTRY/ci/image:v1@$UNPUSHED
          services:
            db:
              image: $REGISTRY/library/postgres:16
          steps:
            - run: nox
        lint:
          runs-on: docker
          container: $REGISTRY/ci/image:v0@$UNPUSHED
          steps:
            - run: nox -s lint
      """
    When I run "ci-image check --registry --insecure-registry $REGISTRY"
    Then the exit status is 1
    And stdout contains ".forgejo/workflows/ci.yml:5:16: CI007 missing-digest"
    And stdout contains ".forgejo/workflows/ci.yml:5:16: CI008 moved-tag"
    And stdout contains "the tag v1 now resolves to sha256:"
    And stdout contains "and the pinned digest is gone (CI007): replace the pin: re-run the build workflow (release) or pin another released image"
    And stdout does not contain "keep the pin"
    And stdout contains ".forgejo/workflows/ci.yml:13:16: CI008 moved-tag"
    And stdout contains "the tag v0 no longer exists"
    And stdout contains ".forgejo/workflows/ci.yml:8:16: CI001 floating-reference"
    And the last command made at most 6 requests to the registry

  @registry
  Scenario: A registry that cannot be asked is an error, not a finding
    When I run "ci-image release result.tar --insecure"
    Then it succeeds
    Given the registry is stopped
    When I run "ci-image check --registry --insecure-registry $REGISTRY --retries 0"
    Then the exit status is 2
    And stderr is one line containing "connection refused; is the registry running? (gave up after 1 attempt)"

  @registry-auth
  Scenario: A registry that wants credentials gets them as push does
    Given the registry credentials are in the environment
    When I run "ci-image release result.tar --insecure"
    Then it succeeds
    When I run "ci-image check --registry --insecure-registry $REGISTRY --verbose"
    Then it succeeds
    And no output shows the password
    Given the environment variable "CI_IMAGE_REGISTRY_USER" is empty
    When I run "ci-image check --registry --insecure-registry $REGISTRY"
    Then the exit status is 2
    And stderr is one line containing "CI_IMAGE_REGISTRY_USER is empty"

  @registry
  Scenario: A default auth file without credentials for the registry does not stop the check
    When I run "ci-image release result.tar --insecure"
    Then it succeeds
    Given a file ".home/.docker/config.json" naming the registry, with
      """
      {"auths": {"$REGISTRY": {}}, "credsStore": "desktop"}
      """
    When I run "ci-image check --registry --insecure-registry $REGISTRY"
    Then it succeeds

  Scenario: A registry error names the pinned reference asked about
    Given a server on $REGISTRY that answers every request with HTTP 418 and "I am a teapot"
    And a pyproject.toml whose image is "$REGISTRY/ci/image"
    And a digest that was never pushed, as $UNPUSHED
    And a file ".forgejo/workflows/ci.yml" naming the registry, with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: $REGISTRY/ci/image:v1@$UNPUSHED
          steps:
            - run: nox
      """
    When I run "ci-image check --registry --insecure-registry $REGISTRY --retries 0"
    Then the exit status is 2
    And stderr is one line containing "asking 127.0.0.1:"
    And stderr contains "about ci/image:v1 failed: pinging container registry 127.0.0.1:"
    And stderr contains "invalid status code from registry 418 (I'm a teapot)"

  Scenario: A pinned registry address no request can reach is named where it is pinned
    Given a digest that was never pushed, as $UNPUSHED
    And a file ".forgejo/workflows/ci.yml" naming the registry, with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example/ci/image:v1@$UNPUSHED
          steps:
            - run: nox
      """
    And a file "pyproject.toml" with
      """
      [project]
      name = "demo"
      version = "0"
      """
    When I run "ci-image check --registry --retries 0"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/ci.yml:5: cannot contact the registry aaaaaaaaaaaa"
    And stderr contains "the host name has a label of 64 characters"

  @registry
  Scenario: One registry down: the others' pins are checked and reported, then exit 2
    Given a port where no registry listens, as $DEAD
    When I run "ci-image release result.tar --insecure"
    Then it succeeds
    Given a file ".forgejo/workflows/more.yml" naming the registry, with
      """
      on: push
      jobs:
        a:
          runs-on: docker
          container: $DEAD/library/postgres:16@sha256:6666666666666666666666666666666666666666666666666666666666666666
          services:
            b: {image: "$DEAD/library/redis:7@sha256:6666666666666666666666666666666666666666666666666666666666666666"}
            c: {image: "$REGISTRY/ci/image:v0@sha256:6666666666666666666666666666666666666666666666666666666666666666"}
      """
    When I run "ci-image check --registry --insecure-registry $REGISTRY --insecure-registry $DEAD --retries 0"
    Then the exit status is 2
    And stdout contains ".forgejo/workflows/more.yml:8:19: CI007 missing-digest"
    And stdout contains ".forgejo/workflows/more.yml:8:19: CI008 moved-tag"
    And stdout contains "5 image references in 2 workflow files: 3 problems"
    And stderr is one line containing ".forgejo/workflows/more.yml:5: "
    And stderr contains "connection refused; is the registry running? (gave up after 1 attempt) (1 other pinned reference to it not verified)"

  @registry
  Scenario: --insecure-registry names only that host: another plain-HTTP registry is not trusted
    When I run "ci-image release result.tar --insecure"
    Then it succeeds
    When I run "ci-image check --registry --insecure-registry registry.example:5000 --retries 0"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/ci.yml:5: "
    And stderr does not contain "warning"

  @registry
  Scenario: --insecure is a deprecated alias here: it applies to every registry, and says so
    When I run "ci-image release result.tar --insecure"
    Then it succeeds
    When I run "ci-image check --registry --insecure"
    Then it succeeds
    And stderr is one line containing "ci-image: warning: --insecure is deprecated here"

  Scenario: A registry that answers a digest with another manifest is caught, not believed
    skopeo 1.9.3 does not check that a manifest asked for by digest has that digest;
    ci-image does, on the bytes received.
    Given a server on $REGISTRY that answers every request with HTTP 200 and "{"schemaVersion": 2, "config": {"digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111"}, "layers": []}"
    And a pyproject.toml whose image is "$REGISTRY/ci/image"
    And a digest that was never pushed, as $UNPUSHED
    And a file ".forgejo/workflows/ci.yml" naming the registry, with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: $REGISTRY/ci/image:v1@$UNPUSHED
          steps:
            - run: nox
      """
    When I run "ci-image check --registry --insecure-registry $REGISTRY --retries 0"
    Then the exit status is 2
    And stderr is one line containing "returned a manifest for 127.0.0.1:"
    And stderr contains "whose sha256 is sha256:"
    And stderr contains "; the registry or a proxy altered it"
