Feature: ci-image release pushes the image, then pins what the registry confirmed
  `ci-image release ARCHIVE` is `push` followed by `pin` with the reference the registry
  reported: every workflow that uses the image repository is rewritten to
  `REPO:TAG@sha256:DIGEST`, all files or none. The workflows are read before anything is
  pushed, and when the push fails no workflow changes. `--dry-run` pushes nothing and
  shows what would change, given what the registry holds now.

  Background:
    Given a pyproject.toml whose image is "$REGISTRY/ci/image"
    And a file ".forgejo/workflows/ci.yml" naming the registry, with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: $REGISTRY/ci/image:unreleased  # the CI image
          steps:
            - run: nox
        lint:
          runs-on: docker
          container:
            image: "$REGISTRY/ci/image:unreleased"
          steps:
            - run: nox -s lint
      """
    And a file ".forgejo/workflows/nightly.yaml" naming the registry, with
      """
      on:
        schedule:
          - cron: "0 3 * * *"
      jobs:
        nightly:
          runs-on: docker
          container: '$REGISTRY/ci/image:unreleased'
          steps:
            - run: nox -s tests
      """

  @registry
  Scenario: Release pins every workflow, and the pinned image is the one that was built
    Given a runnable image archive "result.tar" tagged "ci-image:0vfv8ys7sxmxqzxzl4qb9sd3kbpfmi4x" with "/etc/motd" containing "hello from the image"
    When I run "ci-image release result.tar --insecure"
    Then it succeeds
    And stdout contains "changed .forgejo/workflows/ci.yml (2 references)"
    And stdout contains "changed .forgejo/workflows/nightly.yaml (1 reference)"
    And ".forgejo/workflows/ci.yml" pins the reference printed on the first line
    And ".forgejo/workflows/nightly.yaml" pins the reference printed on the first line
    And stdout is "$REGISTRY/ci/image:0vfv8ys7sxmxqzxzl4qb9sd3kbpfmi4x" pinned to the digest skopeo inspect reports, then the changed files
    And skopeo inspect of the reference pinned in ".forgejo/workflows/ci.yml" finds the image of "result.tar"
    And no temporary file is left
    When I run "ci-image check"
    Then it succeeds

  @registry @podman
  Scenario: After a release, a container runtime runs the image the workflows pin
    Given a runnable image archive "result.tar" tagged "ci-image:0vfv8ys7sxmxqzxzl4qb9sd3kbpfmi4x" with "/etc/motd" containing "hello from the image"
    When I run "ci-image release result.tar --insecure"
    Then it succeeds
    And podman runs the image pinned in ".forgejo/workflows/ci.yml", and "cat /etc/motd" in it prints "hello from the image"

  @registry
  Scenario: An image chosen by an expression is left alone, and said so
    Given an image archive "result.tar" tagged "ci-image:v2"
    And a file ".forgejo/workflows/matrix.yml" with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          strategy:
            matrix:
              image: ${{ fromJSON(vars.IMAGES) }}
          container: ${{ matrix.image }}
          steps:
            - run: nox
      """
    When I run "ci-image release result.tar --insecure"
    Then it succeeds
    And stderr contains "ci-image release: note: .forgejo/workflows/matrix.yml:8:16: left alone: jobs.test.container is a ${{ }} expression"
    And stdout contains "changed .forgejo/workflows/ci.yml (2 references)"

  @registry
  Scenario: Only the characters of each reference change
    Given an image archive "result.tar" tagged "ci-image:v2"
    When I run "ci-image release result.tar --insecure"
    Then it succeeds
    And ".forgejo/workflows/ci.yml" differs from before only in its references to the image

  @registry
  Scenario: Releasing again uploads nothing and changes nothing
    Given an image archive "result.tar" tagged "ci-image:v2"
    When I run "ci-image release result.tar --insecure"
    Then it succeeds
    And I keep stdout as "the first release"
    When I run "ci-image release result.tar --insecure"
    Then it succeeds
    And stdout contains "already pinned in 2 files; nothing to change"
    And no file in the project changed
    And the last command uploaded no blob

  @registry
  Scenario: A release from a gzip archive through a result link, as the build workflow runs it
    Given a gzipped image archive "built.tar.gz" tagged "ci-image:0vfv8ys7sxmxqzxzl4qb9sd3kbpfmi4x"
    And "result" is the Nix build result of the archive "built.tar.gz" stored as "ci-image.tar.gz"
    When I run "ci-image release result --insecure"
    Then it succeeds
    And ".forgejo/workflows/ci.yml" pins the reference printed on the first line
    And skopeo inspect of the reference pinned in ".forgejo/workflows/ci.yml" finds the image of "built.tar.gz"
    And no temporary file is left

  @registry
  Scenario: --dry-run before the image is in the registry pushes nothing and lists what would change
    Given an image archive "result.tar" tagged "ci-image:v2"
    When I run "ci-image release result.tar --insecure --dry-run"
    Then it succeeds
    And stdout contains "would push result.tar to 127.0.0.1:"
    And stdout contains "/ci/image:v2 (not in the registry yet: its digest is known only after the push), then pin it at:"
    And stdout contains ".forgejo/workflows/ci.yml:5:16 jobs.test.container: 127.0.0.1:"
    And stdout contains ".forgejo/workflows/nightly.yaml:7:17 jobs.nightly.container"
    And no file in the project changed
    And the last command uploaded no blob
    And the registry has no tag "$REGISTRY/ci/image:v2"

  @registry
  Scenario: --dry-run once the registry holds the image shows the exact diff
    Given an image archive "result.tar" tagged "ci-image:v2"
    When I run "ci-image push result.tar --insecure"
    Then it succeeds
    And I keep stdout as "the push"
    When I run "ci-image release result.tar --insecure --dry-run"
    Then it succeeds
    And stdout starts with what was kept as "the push"
    And stdout contains "--- a/.forgejo/workflows/ci.yml"
    And stdout contains "+    container: 127.0.0.1:"
    And stdout contains "/ci/image:v2@sha256:"
    And no file in the project changed
    And the last command uploaded no blob

  @registry
  Scenario: --json gives the push and the pin
    Given an image archive "result.tar" tagged "ci-image:v2"
    When I run "ci-image release result.tar --insecure --json"
    Then it succeeds
    And stdout contains ""dry_run": false"
    And stdout contains ""skipped": false"
    And stdout contains ""changed": ["
    And stdout contains the config digest of "result.tar"
    When I run "ci-image release result.tar --insecure --dry-run --json"
    Then it succeeds
    And stdout contains ""dry_run": true"
    And stdout contains ""already_pinned": true"

  @registry
  Scenario: --json of a dry run before the push lists the references it would pin
    Given an image archive "result.tar" tagged "ci-image:v2"
    When I run "ci-image release result.tar --insecure --dry-run --json"
    Then it succeeds
    And stdout contains ""reference": null"
    And stdout contains ""would_pin": ["
    And stdout contains ""where": "jobs.lint.container.image""

  @registry
  Scenario: The tag already holds another image: refused, nothing pinned
    Given an image archive "first.tar" tagged "ci-image:v2"
    And a different image archive "second.tar", built from "something else", tagged "ci-image:v2"
    When I run "ci-image push first.tar --insecure"
    Then it succeeds
    When I run "ci-image release second.tar --insecure"
    Then the exit status is 2
    And stderr is one line containing "refusing to move the tag"
    And no file in the project changed
    And the registry holds the image of "first.tar" under "$REGISTRY/ci/image:v2"

  @registry
  Scenario: Another image pushed under the tag while a release of the image it held plans its pins: nothing pinned
    The tag held this image, so nothing is uploaded; the tag is read again right before
    the pins are written, and now holds another image.
    Given an image archive "first.tar" tagged "ci-image:v2"
    And a different image archive "second.tar", built from "something else", tagged "ci-image:v2"
    When I run "ci-image push first.tar --insecure"
    Then it succeeds
    Given a skopeo first on the PATH that pushes "second.tar" to "$REGISTRY/ci/image:v2" right after its first inspect
    When I run "ci-image release first.tar --insecure"
    Then the exit status is 2
    And stderr is one line containing "was written by someone else"
    And stderr contains the config digest of "second.tar"
    And no file in the project changed

  @registry
  Scenario: A broken workflow stops the release before anything is pushed
    Given an image archive "result.tar" tagged "ci-image:v2"
    And a file ".forgejo/workflows/broken.yml" with
      """
      jobs: [unclosed
      """
    When I run "ci-image release result.tar --insecure"
    Then the exit status is 2
    And stderr is one line containing "broken.yml:2: not valid YAML"
    And no file in the project changed
    And the last command uploaded no blob
    And the registry has no tag "$REGISTRY/ci/image:v2"

  @registry
  Scenario: Workflows that never use the image stop the release before anything is pushed
    Given an image archive "result.tar" tagged "ci-image:v2"
    When I run "ci-image release result.tar --insecure --to $REGISTRY/other/image"
    Then the exit status is 2
    And stderr is one line containing "/other/image: nothing to pin"
    And no file in the project changed
    And the registry has no tag "$REGISTRY/other/image:v2"

  @registry
  Scenario: The registry dies during the upload: no workflow changes
    Given a large gzipped image archive "big.tar.gz" tagged "ci-image:big"
    When I run "ci-image release big.tar.gz --insecure --retries 1" and the registry is killed during the upload
    Then the exit status is 2
    And stderr is one line containing "(gave up after 2 attempts)"
    And no file in the project changed
    And no temporary file is left

  @registry
  Scenario: No registry listening: no workflow changes
    Given the registry is stopped
    And an image archive "result.tar" tagged "ci-image:v2"
    When I run "ci-image release result.tar --insecure --retries 0"
    Then the exit status is 2
    And stderr is one line containing "connection refused; is the registry running? (gave up after 1 attempt)"
    And no file in the project changed
    And no temporary file is left

  @registry
  Scenario: A corrupt archive: no workflow changes
    Given an image archive "result.tar" tagged "ci-image:v2"
    And "corrupt.tar" is "result.tar" with one byte of its last layer flipped
    When I run "ci-image release corrupt.tar --insecure"
    Then the exit status is 2
    And stderr is one line containing "is corrupt: its sha256 is"
    And no file in the project changed
    And the registry has no tag "$REGISTRY/ci/image:v2"

  @registry
  Scenario: An archive without a tag: no workflow changes
    Given an image archive "result.tar" without RepoTags
    When I run "ci-image release result.tar --insecure"
    Then the exit status is 2
    And stderr is one line containing "has no RepoTags"
    And no file in the project changed

  @registry-auth
  Scenario: Wrong credentials: no workflow changes, and the password is shown nowhere
    Given the environment holds the registry user with a wrong password
    And an image archive "result.tar" tagged "ci-image:v2"
    When I run "ci-image release result.tar --insecure"
    Then the exit status is 2
    And stderr is one line containing "unauthorized: authentication required; check the credentials (from CI_IMAGE_REGISTRY_USER/CI_IMAGE_REGISTRY_PASSWORD)"
    And no file in the project changed
    And no output shows the password
    And no temporary file is left

  @registry-auth
  Scenario: With the credentials in the environment the release goes through
    Given the registry credentials are in the environment
    And an image archive "result.tar" tagged "ci-image:v2"
    When I run "ci-image release result.tar --insecure --verbose"
    Then it succeeds
    And ".forgejo/workflows/ci.yml" pins the reference printed on the first line
    And no output shows the password
    And no temporary file is left

  @registry-tls
  Scenario: A TLS registry whose CA is unknown: no workflow changes
    Given an image archive "result.tar" tagged "ci-image:v2"
    When I run "ci-image release result.tar"
    Then the exit status is 2
    And stderr is one line containing "is not trusted"
    And no file in the project changed

  @registry-tls
  Scenario: A TLS registry with its CA in --cert-dir
    Given an image archive "result.tar" tagged "ci-image:v2"
    When I run "ci-image release result.tar --cert-dir $CERTS"
    Then it succeeds
    And skopeo inspect of the reference pinned in ".forgejo/workflows/ci.yml" finds the image of "result.tar"

  @registry
  Scenario: Pinning fails after the push: the image is pushed, no workflow changes, and a rerun finishes
    Given an image archive "result.tar" tagged "ci-image:v2"
    And the project belongs to an unprivileged user
    And the directory ".forgejo/workflows" is not writable
    When I run "ci-image release result.tar --insecure" as the unprivileged user
    Then the exit status is 2
    And stderr is one line containing "pushed 127.0.0.1:"
    And stderr contains "but no workflow was changed: cannot create a temporary file in .forgejo/workflows"
    And stderr contains "fix that, then finish with: ci-image pin 127.0.0.1:"
    And stderr contains " --workflows .forgejo/workflows (or run the release again: it uploads nothing)"
    And no file in the project changed
    And the registry holds the image of "result.tar" under "$REGISTRY/ci/image:v2"
