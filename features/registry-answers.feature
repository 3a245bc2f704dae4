Feature: What registries and skopeo answer, read defensively
  The pure logic under `push`, `release` and `check --registry`: how a manifest, a
  config, a `Retry-After` and skopeo's log are read, and which secrets are hidden from
  every message. Checked in-process, without a registry.

  Scenario Outline: A manifest is read for its digest, config and layers, whatever else it holds
    When the registry answers the manifest <manifest>
    Then it reads as <reading>

    Examples:
      | manifest                                                                                                   | reading                            |
      | {"config": {"digest": "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, "layers": []} | an image of 0 layers               |
      | {"manifests": []}                                                                                          | an index                           |
      | {"config": {"digest": "md5:00"}}                                                                           | an index                           |
      | {"config": {"digest": "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, "layers": [7, {"digest": "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "size": "big"}, {"digest": "x", "size": 1}, {"digest": "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "size": 9}]} | an image of 1 layers |
      | [1]                                                                                                        | an error: returned a manifest that is not a JSON object |

  Scenario Outline: A config's diff_ids are read, or none
    When a pinned image's config is <config>
    Then its diff_ids are <diff_ids>

    Examples:
      | config                                    | diff_ids    |
      | {"rootfs": {"diff_ids": ["sha256:aa"]}}   | sha256:aa   |
      | not json                                  | none        |
      | {"rootfs": {"diff_ids": [1]}}             | none        |
      | []                                        | none        |

  Scenario Outline: Retry-After is read as seconds or as an HTTP date
    When "Retry-After: <value>" is read at "Wed, 21 Oct 2026 07:28:00 GMT"
    Then it means <meaning>

    Examples:
      | value                         | meaning  |
      | 120                           | 120 s    |
      | Wed, 21 Oct 2026 07:28:30 GMT | 30 s     |
      | Wed, 21 Oct 2026 07:00:00 GMT | 0 s      |
      | soon                          | nothing  |

  Scenario: An unreadable Retry-After in skopeo's log is noted, and nothing waits on it
    When skopeo logs "level=debug msg=\"Detected 'Retry-After' header \\\"soon\\\"\""
    Then no wait was asked for

  Scenario Outline: The query API refuses questions it cannot ask, before asking anything
    Given a registry session that has asked nothing
    When it is asked for <question> of "<reference>"
    Then it says "<message>"

    Examples:
      | question       | reference                      | message                                         |
      | the tag digest | example.org/ci/image           | example.org/ci/image has no tag to resolve      |
      | the digest     | example.org/ci/image:v1        | example.org/ci/image:v1 has no digest to look up |
      | the manifest   | example.org/ci/image           | example.org/ci/image names neither a tag nor a digest |

  Scenario: Every secret skopeo could use is hidden from messages, whatever the auth files hold
    Given a file ".home/.docker/config.json" with
      """
      {"auths": {"a.example": {"auth": "dXNlcjpzM2NyZXQtZmlsZQ=="}, "b.example": {"identitytoken": "s3cret-identity"},
                 "c.example": "not an object", "d.example": {"auth": "abc"}},
       "credHelpers": {"h.example": "citest", "x.example": "missing"}}
      """
    And a file ".home/.config/containers/auth.json" with
      """
      not json
      """
    And a file ".home/.config/containers/registries.conf" with
      """
      credential-helpers = ["containers-auth.json", "badjson", "empty", "missing"]
      """
    And credential helpers on the PATH: "citest" answers the secret "s3cret-helper", "badjson" answers "not json", "empty" answers no secret
    When the secrets for "h.example" are collected
    Then "user:s3cret-file s3cret-file s3cret-identity s3cret-helper ci:s3cret-helper Basic Y2k6czNjcmV0LWhlbHBlcg== eyJhbGciOi.eyJzdWIi.c2ln https://u:p@x.example/?token=abc" is shown as "*** *** *** *** *** Basic *** *** https://***@x.example/?token=***"

  Scenario: A registries.conf that is not TOML names no helper
    Given a file ".home/.config/containers/registries.conf" with
      """
      credential-helpers = [
      """
    When the secrets for "h.example" are collected
    Then no secret was found
