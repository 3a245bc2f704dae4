Feature: ci-image push publishes an image archive, idempotently
  `ci-image push ARCHIVE --to REGISTRY/OWNER/IMAGE` pushes a docker-archive with skopeo
  under the tag in its manifest and prints `REGISTRY/OWNER/IMAGE:TAG@sha256:DIGEST`,
  the digest as the registry reports it. Images are compared by their config digest
  (the image ID), the one digest that does not depend on how skopeo compresses: when
  the tag already holds the same image nothing is uploaded; when it holds another image
  the push is refused, because a tag is immutable. Every failure is one line and exit
  status 2, and leaves no temporary file behind.

  These scenarios run against a real registry (Debian's docker-registry) on 127.0.0.1,
  started for each scenario; `$REGISTRY` is its address.

  @registry
  Scenario: The first push prints the reference with the digest the registry reports
    Given an image archive "image.tar" tagged "ci-image:1rz4g4znpzjwh1xymhjpm42vipw92pr7"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then it succeeds
    And stdout is "$REGISTRY/ci/image:1rz4g4znpzjwh1xymhjpm42vipw92pr7" pinned to the digest skopeo inspect reports
    And the registry holds the image of "image.tar" under "$REGISTRY/ci/image:1rz4g4znpzjwh1xymhjpm42vipw92pr7"
    And the last command uploaded blobs
    And the pinned reference printed can be inspected with skopeo
    And no temporary file is left

  @registry @podman
  Scenario: The pushed image runs: podman pulls the printed reference and runs a command in it
    Given a runnable image archive "run.tar" tagged "ci-image:runnable" with "/etc/motd" containing "hello from the image"
    When I run "ci-image push run.tar --to $REGISTRY/ci/image --insecure"
    Then it succeeds
    And podman runs the reference printed, and "cat /etc/motd" in it prints "hello from the image"

  @registry
  Scenario: Pushing the same archive again uploads nothing and prints the same reference
    Given an image archive "image.tar" tagged "ci-image:1rz4g4znpzjwh1xymhjpm42vipw92pr7"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then it succeeds
    And I keep stdout as "the first push"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then it succeeds
    And stdout is the same as "the first push"
    And the last command uploaded no blob
    And the last command made at most 3 requests to the registry

  @registry
  Scenario: The same image as a gzip archive is the same image: nothing is uploaded
    Given an image archive "image.tar" tagged "ci-image:v1"
    And "image.tar.gz" is "image.tar" compressed with gzip
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then it succeeds
    And I keep stdout as "the plain archive"
    When I run "ci-image push image.tar.gz --to $REGISTRY/ci/image --insecure"
    Then it succeeds
    And stdout is the same as "the plain archive"
    And the last command uploaded no blob

  @registry
  Scenario: The layers of a gzip archive are decompressed in --tmpdir, and removed
    Given a gzipped image archive "image.tar.gz" tagged "ci-image:v1"
    And an empty directory "scratch"
    When I run "ci-image push image.tar.gz --to $REGISTRY/ci/image --insecure --tmpdir scratch --verbose"
    Then it succeeds
    And stderr contains "/scratch/ci-image-"
    And "scratch" is empty
    And the registry holds the image of "image.tar.gz" under "$REGISTRY/ci/image:v1"

  @registry
  Scenario: The same tag with a different image is refused, and the registry keeps the original
    Given an image archive "first.tar" tagged "ci-image:v1"
    And a different image archive "second.tar", built from "something else", tagged "ci-image:v1"
    When I run "ci-image push first.tar --to $REGISTRY/ci/image --insecure"
    Then it succeeds
    When I run "ci-image push second.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "refusing to move the tag: 127.0.0.1:"
    And stderr contains the config digest of "first.tar"
    And stderr contains the config digest of "second.tar"
    And the last command uploaded no blob
    And the last command made at most 5 requests to the registry
    And the registry holds the image of "first.tar" under "$REGISTRY/ci/image:v1"
    And no temporary file is left

  @registry
  Scenario: A tag that holds a multi-platform image index is not overwritten
    Given an image archive "image.tar" tagged "ci-image:v1"
    And "$REGISTRY/ci/image:v1" holds a multi-platform image index
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "already holds an index or config-less manifest (application/vnd.oci.image.index.v1+json, manifest sha256:"
    And the last command uploaded no blob

  @registry-readonly
  Scenario: A registry that refuses pushes (read-only mode) is not retried
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose"
    Then the exit status is 2
    And stderr contains "ci-image push: error: pushing to 127.0.0.1:"
    And stderr does not mention a retry
    And no temporary file is left

  Scenario: A server that hangs up without answering is retried, then reported
    Given a server on $REGISTRY that hangs up on every request
    And an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --retries 1"
    Then the exit status is 2
    And stderr is one line containing "pinging container registry 127.0.0.1:"
    And stderr contains "/v2/": EOF; check that the registry is up, then run again (gave up after 2 attempts)"

  Scenario Outline: Something that is not a working registry answers
    Given a server on $REGISTRY that answers every request with HTTP <status> and "<body>"
    And an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --retries 1"
    Then the exit status is 2
    And stderr is one line containing "<message>"

    Examples:
      | status | body                                                      | message                                                                                                                            |
      | 503    | {"errors": [{"code": "UNAVAILABLE", "message": "later"}]} | invalid status code from registry 503 (Service Unavailable); check that the registry is up, then run again (gave up after 2 attempts) |
      | 403    | {"errors": [{"code": "DENIED", "message": "no"}]}         | invalid status code from registry 403 (Forbidden); skopeo found no credentials for it                                              |
      | 418    | I am a teapot                                             | invalid status code from registry 418 (I'm a teapot)                                                                               |
      | 200    | not a manifest                                            | returned a manifest that is not a JSON object                                                                                      |

  Scenario Outline: HTTP 501 and 505 describe the server, not its load: they are not retried
    Given a server on $REGISTRY that answers every request with HTTP <status> and "<body>"
    And an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose"
    Then the exit status is 2
    And stderr contains "ci-image push: error: asking 127.0.0.1:"
    And stderr contains "invalid status code from registry <status> (<body>)"
    And stderr does not mention a retry

    Examples:
      | status | body                       |
      | 501    | Not Implemented            |
      | 505    | HTTP Version Not Supported |

  @registry
  Scenario Outline: Redirects are followed as skopeo follows them, and their secrets never shown
    Every registry request goes through skopeo, which follows redirects as Go's HTTP
    client does (dropping the credentials when the host changes). A front that
    redirects every request, uploads too, does not make a working registry; whatever
    the error, a secret in the redirect's address is not printed, not even in --verbose.
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a server on $FRONT that answers every request with a redirect to "<target>"
    When I run "ci-image push image.tar --to $FRONT/ci/image --insecure --verbose"
    Then the exit status is 2
    And stderr contains "<error>"
    And "s3cret" appears in no output

    Examples:
      | target                                                             | error                                              |
      | http://$REGISTRY{path}                                             | failed: writing blob: initiating layer upload      |
      | http://robot:s3cret@$REGISTRY/blobs{path}?X-Amz-Signature=s3cret   | about ci/image:v1 failed: pinging container registry |

  Scenario Outline: A registry address no request can reach is refused before any request
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to <registry>/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "cannot contact the registry"
    And stderr contains "<problem>; fix the registry part of the reference"

    Examples:
      | registry                                                                   | problem                                                  |
      | aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example   | the host name has a label of 64 characters (aaaaaaaaaaaa...); DNS allows 63 |
      | 127.0.0.1:99999                                                            | the port 99999 is not a number in 1..65535               |
      | [::1::2]:5000                                                              | [::1::2] is not an IPv6 address                          |

  @registry
  Scenario: --json says what was done
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --json"
    Then it succeeds
    And stdout contains ""skipped": false"
    And stdout contains ""layers_uploaded": 3"
    And stdout contains ""layers_reused": 0"
    And stdout contains ""tag": "v1""
    And stdout contains the config digest of "image.tar"
    And the bytes_uploaded in stdout are the compressed sizes the registry holds for "$REGISTRY/ci/image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --json"
    Then it succeeds
    And stdout contains ""skipped": true"
    And stdout contains ""bytes_uploaded": 0"
    And stdout contains ""layers_reused": 3"

  @registry
  Scenario: --tag names the tag, also for an archive that has none
    Given an image archive "image.tar" without RepoTags
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --tag manual-1"
    Then it succeeds
    And stdout is "$REGISTRY/ci/image:manual-1" pinned to the digest skopeo inspect reports

  @registry
  Scenario: The archive's own name may differ from the repository: only its tag is used
    Given an image archive "image.tar" tagged "local/built-name:7"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose"
    Then it succeeds
    And stdout is "$REGISTRY/ci/image:7" pinned to the digest skopeo inspect reports
    And stderr contains "the archive calls itself local/built-name"

  @registry
  Scenario: The repository comes from [tool.ci-image] when --to is not given
    Given a pyproject.toml whose image is "$REGISTRY/ci/image"
    And an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --insecure"
    Then it succeeds
    And stdout is "$REGISTRY/ci/image:v1" pinned to the digest skopeo inspect reports

  @registry
  Scenario: An archive without a tag is refused before the registry is asked
    Given an image archive "image.tar" without RepoTags
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "image.tar: the archive's manifest.json has no RepoTags"
    And stderr contains "; or pass --tag TAG"
    And the last command did not reach the registry

  @registry
  Scenario: An archive with several tags needs --tag
    Given an image archive "image.tar" with the RepoTags "ci-image:one" and "ci-image:two"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "has 2 RepoTags (ci-image:one, ci-image:two): which one is meant is ambiguous"
    And stderr contains "; or pass --tag TAG"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --tag two"
    Then it succeeds

  @registry
  Scenario Outline: The movable tag latest is never pushed: a pin must name an immutable tag
    Given an image archive "image.tar" tagged "<archive tag>"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure <option>"
    Then the exit status is 2
    And stderr is one line containing "refusing to push <what>: 'latest' moves with every push"
    And stderr contains "push under the tag Nix gave the image"
    And the last command did not reach the registry

    Examples:
      | archive tag     | option       | what                        |
      | ci-image:v1     | --tag latest | --tag latest                |
      | ci-image:latest |              | the archive's tag 'latest'  |

  @registry
  Scenario Outline: A truncated archive is refused before the registry is asked
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a gzipped image archive "image.tar.gz" tagged "ci-image:v1"
    And "<broken>" is "<source>" cut off after half its bytes
    When I run "ci-image push <broken> --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "<broken>: is not a readable docker-archive (corrupt or truncated"
    And the last command did not reach the registry
    And no temporary file is left

    Examples:
      | source       | broken      |
      | image.tar    | half.tar    |
      | image.tar.gz | half.tar.gz |

  @registry
  Scenario: A gzip archive whose end is missing is caught before the registry is asked
    The tar inside ends before the gzip stream does, so the tag could still be read;
    the archive is read to the end of the stream, which finds the damage.
    Given a gzipped image archive "image.tar.gz" tagged "ci-image:v1"
    And "cut.tar.gz" is "image.tar.gz" without its last 8 bytes
    When I run "ci-image push cut.tar.gz --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "cut.tar.gz: is not a readable docker-archive (corrupt or truncated: Compressed file ended before the end-of-stream marker was reached)"
    And the last command did not reach the registry
    And no temporary file is left

  @registry
  Scenario: A layer that is not a file in the archive
    Given a tar "odd.tar" with these members
      | name          | content                                                                 |
      | c.json        | {"rootfs": {"diff_ids": ["sha256:00"]}}                                 |
      | dir/file      | x                                                                       |
      | manifest.json | [{"Config": "c.json", "RepoTags": ["ci-image:odd"], "Layers": ["dir"]}] |
    When I run "ci-image push odd.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "odd.tar: layer 'dir' is not a file in the archive"

  @registry
  Scenario: A layer that does not match the config is caught before anything is uploaded
    skopeo itself would push it, and the image would fail only when a runner pulls it.
    Given an image archive "image.tar" tagged "ci-image:v1"
    And "corrupt.tar" is "image.tar" with one byte of its last layer flipped
    When I run "ci-image push corrupt.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "corrupt.tar: layer 3 ("
    And stderr contains "is corrupt: its sha256 is"
    And the last command uploaded no blob
    And the registry has no tag "$REGISTRY/ci/image:v1"
    And no temporary file is left

  @registry
  Scenario: A plain-HTTP registry needs --insecure
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image"
    Then the exit status is 2
    And stderr is one line containing "it answers in plain HTTP; for a plain-HTTP registry pass --insecure"

  @registry
  Scenario: The registry is down for a moment: the push is retried with backoff
    Given an image archive "image.tar" tagged "ci-image:v1"
    And the registry is stopped
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose" and the registry comes back once it announces a retry
    Then it succeeds
    And stderr contains "connection refused; is the registry running?; retry 1 of 3 in 1 s"
    And the registry holds the image of "image.tar" under "$REGISTRY/ci/image:v1"

  Scenario: No registry listening is a clear error after the retries
    Given no registry is listening
    And an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing ": connection refused; is the registry running? (gave up after 4 attempts)"
    And no temporary file is left

  @registry
  Scenario: The registry dies during the upload
    Given a large gzipped image archive "big.tar.gz" tagged "ci-image:big"
    When I run "ci-image push big.tar.gz --to $REGISTRY/ci/image --insecure --retries 1" and the registry is killed during the upload
    Then the exit status is 2
    And stderr is one line containing "(gave up after 2 attempts)"
    And stderr contains "cannot reach the registry 127.0.0.1:"
    And stderr contains "connection refused; is the registry running?"
    And no temporary file is left

  @registry
  Scenario: skopeo killed during the upload (as by the out-of-memory killer) is said so
    Given a large gzipped image archive "big.tar.gz" tagged "ci-image:big"
    When I run "ci-image push big.tar.gz --to $REGISTRY/ci/image --insecure" and skopeo is killed during the upload
    Then the exit status is 2
    And stderr is one line containing "pushing to 127.0.0.1:"
    And stderr contains "failed: skopeo was killed by SIGKILL (out of memory, or stopped by someone)"
    And no temporary file is left

  @registry
  Scenario: Stopping ci-image during the upload removes its temporary files
    Given a large gzipped image archive "big.tar.gz" tagged "ci-image:big"
    When I run "ci-image push big.tar.gz --to $REGISTRY/ci/image --insecure" and stop it with SIGTERM during the upload
    Then the exit status is 143
    And stderr is one line containing "terminated by SIGTERM"
    And no temporary file is left

  Scenario Outline: --insecure towards a loopback address is not warned about
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to <registry>/ci/image --insecure --retries 0"
    Then the exit status is 2
    And stderr is one line containing "<message>"

    Examples:
      | registry    | message                                                          |
      | [::1]:9     | skopeo cannot use the IPv6 address [::1]:9 in an image reference |
      | localhost:9 | cannot reach the registry localhost:9: connection refused        |

  Scenario: --insecure towards a registry that is not on this machine is warned about
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to registry.invalid/ci/image --insecure --retries 0"
    Then the exit status is 2
    And stderr contains "ci-image: warning: --insecure: talking to registry.invalid without TLS verification"
    And stderr contains "cannot reach the registry registry.invalid: cannot resolve the host name"

  @registry
  Scenario: The signature policy is always given to skopeo explicitly
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a file "reject.json" with
      """
      {"default": [{"type": "reject"}]}
      """
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose"
    Then it succeeds
    And stderr contains "skopeo --debug --policy "
    And stderr contains "/policy.json copy"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --tag other --insecure --policy reject.json"
    Then the exit status is 2
    And stderr is one line containing "skopeo refused by the signature policy reject.json"
    And stderr contains "leave out --policy to use the policy ci-image writes for its own 127.0.0.1 source"

  @registry-readonly
  Scenario Outline: skopeo's errors are judged by its own phrases, not by words in a name
    The repository's name appears in skopeo's messages: "policy", "denied" or "eof" in it
    must not turn a refused upload into a policy refusal, a credentials problem, or a
    network failure worth retrying.
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/<repository> --insecure --verbose"
    Then the exit status is 2
    And stderr contains "ci-image push: error: pushing to 127.0.0.1:"
    And stderr contains "/v2/<repository>/blobs/uploads/"
    And stderr does not mention a retry
    And "signature policy" appears in no output
    And "check the credentials" appears in no output

    Examples:
      | repository           |
      | policy/image         |
      | denied/image         |
      | geof/timeout-image   |

  @registry
  Scenario: Without skopeo the push says what to install
    Given an image archive "image.tar" tagged "ci-image:v1"
    And skopeo is not on the PATH
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "skopeo is not installed or not on PATH"
    And no temporary file is left

  Scenario Outline: Wrong arguments are one clear line
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push <arguments>"
    Then the exit status is 2
    And stderr is one line containing "<message>"

    Examples:
      | arguments                                            | message                                                                   |
      | image.tar                                            | no image repository: pass --to REGISTRY/OWNER/IMAGE                       |
      | image.tar --to ci/image                              | --to 'ci/image': 'ci/image' names no registry host                        |
      | image.tar --to example.org/ci/image:v1               | is a pinned reference; give the repository alone                          |
      | image.tar --to example.org/ci/image --tag=-bad       | --tag '-bad' is not a valid tag                                           |
      | image.tar --to example.org/ci/image --retries many   | argument --retries: 'many' is not a whole number                          |
      | image.tar --to example.org/ci/image --retries 99     | argument --retries: 99 is outside 0..20                                   |
      | image.tar --to example.org/ci/image --timeout soon   | argument --timeout: 'soon' is not a number of seconds                     |
      | image.tar --to example.org/ci/image --stall-timeout 0 | argument --stall-timeout: 0 is outside 1..86400 seconds                  |
      | missing.tar --to example.org/ci/image                | missing.tar: no such file; build the image first                          |
      | .home --to example.org/ci/image                      | .home: is a directory, not a docker-archive                               |
      | image.tar/inner --to example.org/ci/image            | image.tar/inner: cannot read: Not a directory                             |
      | image.tar --to example.org/ci/image --authfile .home | .home: cannot read the auth file: Is a directory                          |
      | image.tar --to example.org/ci/image --tmpdir missing | cannot create a temporary directory in missing: No such file or directory |

  @registry
  Scenario Outline: On a runner without skopeo's cache, a one-layer change uploads that layer and no other
    An ephemeral runner starts without skopeo's blob-info cache, so skopeo alone would
    compress and send every layer again. ci-image learns the layers the repository holds
    from the image the workflows pin, and names them to skopeo by their registry digests:
    only the changed layer (and the small config) is sent, counted on the wire.
    Given a counting relay in front of the registry, as $COUNTED
    And a pyproject.toml whose image is "$COUNTED/ci/image"
    And a file ".forgejo/workflows/ci.yml" naming the registry, with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: $COUNTED/ci/image:unreleased
          steps:
            - run: nox
      """
    And a 8-layer image archive "old.tar" of 512 KiB layers tagged "ci-image:old"
    And "<new>" is "old.tar" with layer 5 replaced, tagged "ci-image:new"
    When I run "ci-image release old.tar --insecure"
    Then it succeeds
    Given a fresh runner: a new HOME, without skopeo's blob-info cache
    When I run "ci-image push <new> --insecure"
    Then it succeeds
    And the last command uploaded 2 blobs
    And the last command sent at most 1.1 times the compressed size of layer 5 of "$COUNTED/ci/image:new"
    And stderr is one line containing ": uploaded 1 of 8 layers (0.5 MB), reused 7 already in the repository (3.7 MB)"
    And the registry holds the image of "<new>" under "$REGISTRY/ci/image:new"

    Examples:
      | new        |
      | new.tar    |
      | new.tar.gz |

  @registry
  Scenario: A zstd archive (dockerTools' compressor = "zstd") is the same image
    Given an image archive "image.tar" tagged "ci-image:v1"
    And "image.tar.zst" is "image.tar" compressed with zstd
    When I run "ci-image push image.tar.zst --to $REGISTRY/ci/image --insecure"
    Then it succeeds
    And the registry holds the image of "image.tar" under "$REGISTRY/ci/image:v1"
    And I keep stdout as "the zstd archive"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then it succeeds
    And stdout is the same as "the zstd archive"
    And the last command uploaded no blob

  @registry
  Scenario: The tag holds this build with its config re-encoded (copied as OCI): the advice says so
    Rebuilding would give the same tag again, so that advice would not help: the tag
    holds the same layers and the same config, written in another encoding.
    Given an image archive "image.tar" tagged "ci-image:v1"
    And "$REGISTRY/ci/image:v1" holds the image of "image.tar" copied by skopeo as OCI
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "refusing to move the tag: 127.0.0.1:"
    And stderr contains "it has the same layers and the same config, encoded differently (another tool re-wrote it, e.g. copied as application/vnd.oci.image.manifest.v1+json)"
    And stderr contains "pin it as it is (ci-image pin 127.0.0.1:"
    And stderr contains "rebuilding gives the same tag"
    And the last command uploaded no blob

  @registry
  Scenario: Two pushes of different images under one tag at the same time: the loser finds out
    A registry has no compare-and-swap on tags. Each push re-reads the tag right before
    skopeo writes the manifest and again after the upload; the push whose image the tag
    does not hold exits 2 and names the image it holds.
    Given an image archive "first.tar" tagged "ci-image:v1"
    And a different image archive "second.tar", built from "something else", tagged "ci-image:v1"
    When I run "ci-image push first.tar --to $REGISTRY/ci/image --insecure" and "ci-image push second.tar --to $REGISTRY/ci/image --insecure" at the same time
    Then one of them succeeded, holding the tag "$REGISTRY/ci/image:v1", and the other exited 2 naming that image

  @registry
  Scenario: The tag holds an image with the same layers but another config: the advice says so
    Given an image archive "image.tar" tagged "ci-image:v1"
    And an image archive "other.tar" with the layers of "image.tar" and the command "/bin/bash", tagged "ci-image:v1"
    And the tag "$REGISTRY/ci/image:v1" was moved to the image of "other.tar" with a plain skopeo copy
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "it has the same layers but another config (created, labels or settings differ): pin it as it is (ci-image pin 127.0.0.1:"
    And stderr contains "rebuilding gives the same tag"

  @registry
  Scenario: A layer the registry lost, though the pinned image names it, is uploaded after all
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
      """
    And a 4-layer image archive "old.tar" of 64 KiB layers tagged "ci-image:old"
    And "new.tar" is "old.tar" with layer 1 replaced, tagged "ci-image:new"
    When I run "ci-image release old.tar --insecure"
    Then it succeeds
    Given the registry loses layer 3 of "$REGISTRY/ci/image:old"
    When I run "ci-image push new.tar --insecure --verbose"
    Then it succeeds
    And stderr contains "the registry lost the layer sha256:"
    And stderr contains "; uploading it after all"
    And stderr contains ": uploaded 2 of 4 layers"
    And the registry holds the image of "new.tar" under "$REGISTRY/ci/image:new"
    And the pinned reference printed can be inspected with skopeo

  @registry
  Scenario: The images the workflows pin are only a hint: an unreadable workflow or a pin that is gone stops no push
    The workflows are read as text: a pin counts wherever it stands, also in a comment
    or in a file that is not valid YAML; a file that cannot be read at all (here: not
    UTF-8) only means that nothing is learned.
    Given a digest that was never pushed, as $UNPUSHED
    And a file "gone/ci.yml" naming the registry, with
      """
      on: push
      jobs:
        test:
          runs-on: docker
          container: $REGISTRY/ci/image:old@$UNPUSHED
          steps:
            - run: nox
      """
    And a file "broken/ci.yml" holding the bytes "ff" and then some
    And an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --insecure --verbose --workflows gone"
    Then it succeeds
    And stderr contains "not learning layers from 127.0.0.1:"
    And stderr contains ": no image manifest there"
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --tag v2 --insecure --verbose --workflows broken"
    Then it succeeds
    And stderr contains "not learning layers from the workflows: "
    When I run "ci-image push image.tar --to $REGISTRY/ci/image --tag v3 --insecure --verbose"
    Then it succeeds
    And stderr contains "not learning layers from pinned images: no workflow directory"

  @registry
  Scenario Outline: Another push writes the tag at the worst moment: the push exits 2 naming what the tag holds
    Which moment is chosen exactly here: a skopeo wrapper runs the other push right
    before ci-image's copy starts (ci-image re-reads the tag when skopeo asks for the
    config, right before it would write the manifest) or right after it ended (ci-image
    re-reads the tag after the upload).
    Given an image archive "mine.tar" tagged "ci-image:v1"
    And a different image archive "theirs.tar", built from "another build", tagged "ci-image:v1"
    And a skopeo first on the PATH that <moment> its copy pushes "theirs.tar" to "$REGISTRY/ci/image:v1"
    When I run "ci-image push mine.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "mine.tar: 127.0.0.1:"
    And stderr contains "/ci/image:v1 was written by someone else <when>: it now holds image"
    And stderr contains the config digest of "theirs.tar"
    And stderr contains "two pushes raced for one tag (a registry cannot refuse the second)"
    And the registry holds the image of "theirs.tar" under "$REGISTRY/ci/image:v1"

    Examples:
      | moment       | when                           |
      | right before | while this push uploaded       |
      | right after  | right after this push wrote it |

  @registry
  Scenario: The tag deleted right after the push is said so
    Given an image archive "mine.tar" tagged "ci-image:v1"
    And a skopeo first on the PATH that deletes "$REGISTRY/ci/image:v1" right after its copy
    When I run "ci-image push mine.tar --to $REGISTRY/ci/image --insecure"
    Then the exit status is 2
    And stderr is one line containing "was written by someone else right after this push wrote it: it now holds no image (the tag was deleted)"

  Scenario: An IPv6 registry address is refused with a way out, with or without --insecure
    Given an image archive "image.tar" tagged "ci-image:v1"
    When I run "ci-image push image.tar --to [::1]:9/ci/image --retries 0"
    Then the exit status is 2
    And stderr is one line containing "skopeo cannot use the IPv6 address [::1]:9 in an image reference"
