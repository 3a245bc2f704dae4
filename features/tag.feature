Feature: ci-image tag prints an image's immutable tag
  The tag of the CI image is the Nix store hash dockerTools gives it, so it changes
  exactly when an input of the image changes. `ci-image tag` reads it from what you
  have: the docker-archive (or the `result` link to it), a store path, or the flake.
  An archive is recognised as gzip by its content, never by its name.

  Scenario: The tag of a docker-archive is the one in its manifest's RepoTags
    Given an image archive "image.tar" tagged "ci-image:9wbd1z7bqdxbz1jyq6ahxmbfq5ab50v9"
    When I run "ci-image tag image.tar"
    Then it succeeds
    And stdout is
      """
      9wbd1z7bqdxbz1jyq6ahxmbfq5ab50v9
      """

  Scenario: A gzip archive is read whatever its name
    Given a gzipped image archive "image.bin" tagged "ci-image:0c5jqnx2hh2bm1vvfz5p0n0hh9wvmf2l"
    When I run "ci-image tag image.bin"
    Then it succeeds
    And stdout is
      """
      0c5jqnx2hh2bm1vvfz5p0n0hh9wvmf2l
      """

  Scenario: The machine-readable answer says where the tag came from
    Given a gzipped image archive "image.tar.gz" tagged "ci-image:0c5jqnx2hh2bm1vvfz5p0n0hh9wvmf2l"
    When I run "ci-image tag image.tar.gz --json"
    Then it succeeds
    And stdout is
      """
      {
        "from": "image.tar.gz",
        "kind": "archive",
        "source": "image.tar.gz",
        "tag": "0c5jqnx2hh2bm1vvfz5p0n0hh9wvmf2l",
        "version": 1
      }
      """

  Scenario: A result link to an image archive gives the archive's tag, not the archive's store hash
    dockerTools' layered images are tagged with the hash of their config, which is
    not the hash of the archive's own store path: the archive must be read.
    Given a gzipped image archive "built.tar.gz" tagged "ci-image:0c5jqnx2hh2bm1vvfz5p0n0hh9wvmf2l"
    And "result" is the Nix build result of the archive "built.tar.gz" stored as "ci-image.tar.gz"
    When I run "ci-image tag result"
    Then it succeeds
    And stdout is
      """
      0c5jqnx2hh2bm1vvfz5p0n0hh9wvmf2l
      """
    And the store hash of "result" is not in stdout

  Scenario: A result link to a store directory gives its store hash
    Given "result" is the Nix build result of a store directory named "ci-image-fixture"
    When I run "ci-image tag result"
    Then it succeeds
    And stdout is the store hash of "result"

  Scenario: A store path given directly gives its hash part
    Given "result" is the Nix build result of a store directory named "ci-image-fixture"
    When I run "ci-image tag /nix/store/0123456789abcdfghijklmnpqrsvwxyz-not-built-here"
    Then it succeeds
    And stdout is
      """
      0123456789abcdfghijklmnpqrsvwxyz
      """

  Scenario Outline: A malformed store path is refused with the reason
    When I run "ci-image tag <path>"
    Then the exit status is 2
    And stderr is one line containing "<reason>"

    Examples:
      | path                                                  | reason                                  |
      | /nix/store/0123456789abcdefghijklmnpqrsvwxy-with-an-e | outside Nix's base-32 alphabet ('e')    |
      | /nix/store/0123456789-too-short                       | does not start with a 32-character hash |
      | /nix/store/0123456789abcdfghijklmnpqrsvwxyz-x/bin/sh  | give the store path itself              |
      | /nix/store/0123456789abcdfghijklmnpqrsvwxyz-bad@name  | is not a valid store path name          |
      | /nix/store/                                           | names the store itself                  |

  Scenario: The flake's imageTag is evaluated, not built
    Given a file "flake/flake.nix" with
      """
      {
        outputs = { self }: {
          ciImage = { imageTag = "4ky0xrrvg5cnsx6m1vsmy3cq7iwaqmv1"; };
        };
      }
      """
    When I run "ci-image tag --flake ./flake#ciImage"
    Then it succeeds
    And stdout is
      """
      4ky0xrrvg5cnsx6m1vsmy3cq7iwaqmv1
      """

  Scenario: The flake's tag is the store hash of the derivation it names, as dockerTools does it
    Given a file "flake/flake.nix" with
      """
      {
        outputs = { self }: let
          conf = derivation {
            name = "ci-image-fixture";
            system = "builtin";
            builder = "builtin:buildenv";
            derivations = [];
            manifest = builtins.toFile "manifest.nix" "[]";
          };
        in {
          ciImage.imageTag = builtins.head (builtins.split "-" (baseNameOf conf.outPath));
        };
      }
      """
    And "result" is the Nix build result of a store directory named "ci-image-fixture"
    When I run "ci-image tag --flake ./flake#ciImage"
    Then it succeeds
    And stdout is the store hash of "result"

  Scenario: A flake output without imageTag is an error with Nix's message, on one line
    Given a file "flake/flake.nix" with
      """
      { outputs = { self }: { ciImage = { }; }; }
      """
    When I run "ci-image tag --flake ./flake#ciImage"
    Then the exit status is 2
    And stderr is one line containing "nix eval ./flake#ciImage.imageTag failed: error: flake"
    And stderr contains "does not provide attribute"

  Scenario: A flake whose imageTag is not a valid tag is refused
    Given a file "flake/flake.nix" with
      """
      { outputs = { self }: { ciImage.imageTag = "not a tag"; }; }
      """
    When I run "ci-image tag --flake ./flake#ciImage"
    Then the exit status is 2
    And stderr is one line containing "./flake#ciImage.imageTag 'not a tag' is not a valid tag: a tag is 1 to 128 of [A-Za-z0-9_.-], not starting with '.' or '-'; fix imageTag in the flake"

  Scenario: Without Nix, --flake says what to do instead
    Given nix is not on the PATH
    When I run "ci-image tag --flake ./flake#ciImage"
    Then the exit status is 2
    And stderr is one line containing "nix is not installed or not on PATH"

  Scenario: An archive without RepoTags has no tag
    Given an image archive "image.tar" without RepoTags
    When I run "ci-image tag image.tar"
    Then the exit status is 2
    And stderr is one line containing "image.tar: the archive's manifest.json has no RepoTags"
    And "--tag" appears in no output

  Scenario: An archive with several RepoTags is ambiguous
    Given an image archive "image.tar" with the RepoTags "ci-image:one" and "ci-image:two"
    When I run "ci-image tag image.tar"
    Then the exit status is 2
    And stderr is one line containing "has 2 RepoTags (ci-image:one, ci-image:two)"
    And "--tag" appears in no output

  Scenario Outline: What is not a readable archive is a clear error
    Given an image archive "image.tar" tagged "ci-image:v1"
    And a gzipped image archive "image.tar.gz" tagged "ci-image:v1"
    And "<broken>" is "<source>" cut off after half its bytes
    When I run "ci-image tag <broken>"
    Then the exit status is 2
    And stderr is one line containing "<broken>: is not a readable docker-archive (corrupt or truncated"

    Examples:
      | source       | broken      |
      | image.tar    | half.tar    |
      | image.tar.gz | half.tar.gz |

  Scenario: A file that is not a docker-archive
    Given a file "notes.txt" with
      """
      not an archive
      """
    When I run "ci-image tag notes.txt"
    Then the exit status is 2
    And stderr is one line containing "notes.txt: is not a readable docker-archive"

  Scenario: A tar without manifest.json is not a docker-archive
    Given a tar "plain.tar" holding "hello.txt"
    When I run "ci-image tag plain.tar"
    Then the exit status is 2
    And stderr is one line containing "plain.tar: has no manifest.json: it is not a docker-archive"

  Scenario: A missing source, a directory and a dangling link
    Given "stale" is a link to "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-collected"
    When I run "ci-image tag missing.tar"
    Then the exit status is 2
    And stderr is one line containing "missing.tar: no such file, and not a /nix/store path"
    When I run "ci-image tag .home"
    Then the exit status is 2
    And stderr is one line containing ".home: is a directory outside the Nix store"
    When I run "ci-image tag stale"
    Then the exit status is 2
    And stderr is one line containing "stale: is a dangling link"

  Scenario: Exactly one of SOURCE and --flake
    When I run "ci-image tag"
    Then the exit status is 2
    And stderr is one line containing "give exactly one of SOURCE or --flake REF"
