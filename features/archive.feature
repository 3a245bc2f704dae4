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
