Feature: A registry that misbehaves never hangs a command, nor leaves anything behind
  Every registry question has a deadline for the whole of it (`--timeout`, default 60 s:
  connecting, the token, the answer, and skopeo's own waits), and an upload that moves
  no data for `--stall-timeout` seconds (default 300) is stopped. A registry that asks to
  wait (HTTP 429 with `Retry-After`) gets the wait up to 60 s, the cap of skopeo's own
  backoff; a longer one ends the command at once, saying so. Each failure is one line and
  exit status 2. The servers here are small HTTP servers on 127.0.0.1 that misbehave on
  purpose. (How long a wait is taken, per retry, is checked in-process:
  tests/test_registry_answers.py.)

  Scenario: A registry that trickles its answer, a byte every 2 s, does not hang a push
    Given a registry on $REGISTRY that trickles every answer, a byte every 2 s
    And an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --timeout 3 --retries 0"
    Then the exit status is 2
    And stderr is one line containing "asking 127.0.0.1:"
    And stderr contains "about ci/image:v1: no answer within 3 s (--timeout); check that the registry is up (gave up after 1 attempt)"
    And it ended within 15 s
    And no temporary file is left

  Scenario: A registry that trickles its answer does not hang check --registry
    Given a registry on $REGISTRY that trickles every answer, a byte every 2 s
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
    When I run "ci-image check --registry --insecure-registry $REGISTRY --timeout 3 --retries 1"
    Then the exit status is 2
    And stderr is one line containing "no answer within 3 s (--timeout); check that the registry is up (gave up after 2 attempts)"
    And it ended within 25 s

  Scenario: A registry that stops reading a blob upload fails the push after --stall-timeout
    Given a registry on $REGISTRY that never reads a blob upload
    And an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --stall-timeout 3 --retries 0"
    Then the exit status is 2
    And stderr is one line containing "the upload to 127.0.0.1:"
    And stderr contains "made no progress for 3 s (less than 64 KiB sent or received): the registry stopped taking data; check it, or raise --stall-timeout (gave up after 1 attempt)"
    And it ended within 20 s
    And no temporary file is left

  Scenario: A registry that asks to wait an hour (HTTP 429, Retry-After 3600) is not waited for, and says so
    Without the cap, skopeo alone would wait 60 s eight times over for one question.
    Given a registry on $REGISTRY that answers every request with 429 and Retry-After "3600"
    And an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "127.0.0.1:"
    And stderr contains "answered 429 Too Many Requests and asks to wait 3600 s before trying again (Retry-After), longer than the 60 s ci-image and skopeo wait at most: run the command again later"
    And it ended within 15 s
    And no temporary file is left

  Scenario: A skopeo that never ends, ignoring its own --command-timeout, is stopped at ci-image's deadline
    Given a skopeo first on the PATH that never ends
    And an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to 127.0.0.1:9/ci/image --insecure --timeout 1 --retries 0"
    Then the exit status is 2
    And stderr is one line containing "asking 127.0.0.1:9 about ci/image:v1 did not finish in 6 s: no answer in time; check the registry (gave up after 1 attempt)"
    And it ended within 15 s
    And the hanging skopeo was stopped
    And no temporary file is left

  Scenario: A registry that keeps answering 429 with a short Retry-After is waited for, then reported
    skopeo itself waits as asked, five times per request; then ci-image says what the
    registry asked for.
    Given a registry on $REGISTRY that answers every request with 429 and Retry-After "1"
    And an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --retries 0"
    Then the exit status is 2
    And stderr is one line containing "answered 429 Too Many Requests (it asked to wait 1 s, Retry-After); run again later (gave up after 1 attempt)"
    And it ended within 30 s
    And it took at least 5 s
    And the faulty registry was asked 2 to 10 times
