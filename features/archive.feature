Feature: Reading docker-archives
  `tag`, `push` and `release` read the archive dockerTools builds (the `docker save`
  format): `manifest.json` with one image's Config, RepoTags and Layers, the config
  with its `rootfs.diff_ids`, and one tar per layer. Whatever is wrong with an
  archive is one line naming the archive and the problem, exit 2.

  Scenario Outline: A malformed archive is refused, saying what is wrong
    Given a tar "bad.tar" with these members
      | name          | content    |
      | c.json        | <config>   |
      | l1.tar        | layer      |
      | manifest.json | <manifest> |
    When I run "ci-image tag bad.tar"
    Then the exit status is 2
    And stderr is one line containing "bad.tar: <problem>"

    Examples:
      | manifest                                                          | config                                  | problem                                                             |
      | not json                                                          | {}                                      | manifest.json is not valid JSON                                     |
      | {}                                                                | {}                                      | manifest.json must be a non-empty list of images                    |
      | [1]                                                               | {}                                      | manifest.json: each image must be an object                         |
      | [{"Config": "c.json"}, {"Config": "c.json"}]                      | {}                                      | holds 2 images; push one image per archive                          |
      | [{"Config": 7}]                                                   | {}                                      | manifest.json: Config must be a file name                           |
      | [{"Config": "c.json", "RepoTags": "x:1"}]                         | {}                                      | manifest.json: RepoTags must be a list of strings                   |
      | [{"Config": "c.json", "RepoTags": ["x:1"], "Layers": "l1.tar"}]   | {}                                      | manifest.json: Layers must be a list of file names                  |
      | [{"Config": "gone.json", "RepoTags": ["x:1"], "Layers": []}]      | {}                                      | manifest.json names the config 'gone.json', which is not            |
      | [{"Config": "c.json", "RepoTags": ["x:1"], "Layers": []}]         | not json                                | config c.json is not valid JSON                                     |
      | [{"Config": "c.json", "RepoTags": ["x:1"], "Layers": []}]         | {"rootfs": {}}                          | config c.json has no rootfs.diff_ids list                           |
      | [{"Config": "c.json", "RepoTags": ["x:1"], "Layers": ["l1.tar"]}] | {"rootfs": {"diff_ids": []}}            | manifest.json has 1 entries in Layers but the config has 0 diff_ids |
      | [{"Config": "c.json", "RepoTags": ["x:1"], "Layers": ["l2.tar"]}] | {"rootfs": {"diff_ids": ["sha256:00"]}} | manifest.json names the layer 'l2.tar', which is not in             |
      | [{"Config": "c.json", "RepoTags": ["x"], "Layers": []}]           | {"rootfs": {"diff_ids": []}}            | RepoTags entry 'x' has no ':TAG'                                    |
      | [{"Config": "c.json", "RepoTags": ["x:-no"], "Layers": []}]       | {"rootfs": {"diff_ids": []}}            | RepoTags entry 'x:-no': tag '-no' is not a valid tag                |

  Scenario: Member names written as ./NAME are the same members
    Given a tar "dotted.tar" with these members
      | name            | content                                                                 |
      | ./c.json        | {"rootfs": {"diff_ids": []}}                                            |
      | ./manifest.json | [{"Config": "./c.json", "RepoTags": ["ci-image:dotted"], "Layers": []}] |
    When I run "ci-image tag dotted.tar"
    Then it succeeds
    And stdout is
      """
      dotted
      """

  Scenario Outline: A named pipe given as the archive is refused without being opened
    Opening a FIFO for reading waits for a writer; an archive is read more than once.
    Given a named pipe "image.tar"
    When I run "ci-image <command>"
    Then the exit status is 2
    And stderr is one line containing "image.tar: is a named pipe (FIFO), not a file: the archive is read more than once; write it to a file first"
    And it ended within 10 s

    Examples:
      | command                                           |
      | tag image.tar                                     |
      | push image.tar --to 127.0.0.1:9/ci/image --insecure |
      | release image.tar --to 127.0.0.1:9/ci/image --insecure --workflows . |

  Scenario: A zstd archive without the zstd program says what it is and what to do
    Given an image archive "image.tar" tagged "ci-image:v1"
    And "image.tar.zst" is "image.tar" compressed with zstd
    And zstd is not on the PATH
    When I run "ci-image tag image.tar.zst"
    Then the exit status is 2
    And stderr is one line containing "image.tar.zst: zstd archive: reading it needs the zstd program: zstd is not installed or not on PATH; install it (apt install zstd, or use nix develop), or build the image with compressor = "gzip""

  Scenario Outline: The tag of every dockerTools output, told apart by content
    Given an image archive "image.tar" tagged "ci-image:4k6x0n1v7p2wvn1q1k2f0bq3bvmq1h3x"
    And "<name>" is "image.tar" compressed with <compressor>
    When I run "ci-image tag <name>"
    Then it succeeds
    And stdout is
      """
      4k6x0n1v7p2wvn1q1k2f0bq3bvmq1h3x
      """

    Examples:
      | name          | compressor |
      | image.tar.gz  | gzip       |
      | image.tar.zst | zstd       |
      | image.bin     | zstd       |

  Scenario Outline: Formats dockerTools does not write are named, not called corrupt
    Given a file "image.tar.xz" holding the bytes "<magic>" and then some
    When I run "ci-image tag image.tar.xz"
    Then the exit status is 2
    And stderr is one line containing "image.tar.xz: <name> archive: dockerTools writes .tar, .tar.gz (gzip) and .tar.zst (zstd); decompress it to a .tar first"

    Examples:
      | magic              | name  |
      | fd 37 7a 58 5a 00  | xz    |
      | 42 5a 68           | bzip2 |

  Scenario: A truncated zstd archive is named as one
    Given an image archive "image.tar" tagged "ci-image:v1"
    And "image.tar.zst" is "image.tar" compressed with zstd
    And "half.tar.zst" is "image.tar.zst" cut off after half its bytes
    When I run "ci-image tag half.tar.zst"
    Then the exit status is 2
    And stderr is one line containing "half.tar.zst: zstd archive: "
    And stderr contains "(corrupt or truncated"

  Scenario: A zstd archive with garbage after its frame is refused, in zstd's words
    The tar inside is whole, so only zstd's exit status tells.
    Given an image archive "image.tar" tagged "ci-image:v1"
    And "image.tar.zst" is "image.tar" compressed with zstd
    And "bad.tar.zst" is "image.tar.zst" followed by garbage
    When I run "ci-image tag bad.tar.zst"
    Then the exit status is 2
    And stderr is one line containing "bad.tar.zst: zstd archive: cannot decompress (corrupt or truncated: zstd failed: "
    And stderr contains "; rebuild it"

  Scenario Outline: A device given as the archive is refused without being read
    When I run "ci-image <command>"
    Then the exit status is 2
    And stderr is one line containing "/dev/null: is not a regular file (a device or socket); give the archive file"

    Examples:
      | command                                            |
      | tag /dev/null                                      |
      | push /dev/null --to 127.0.0.1:9/ci/image --insecure |
