Feature: Does a push run the workflow? (ci-image triggers)
  Forgejo decides on every push which workflows run. ci-image triggers gives the same
  answer, with the reasons, by following Forgejo's code: matchPushEvent in Forgejo's
  modules/actions/workflows.go, and the Forgejo runner's act/jobparser (how "on" is read)
  and act/workflowpattern (the patterns, see path_patterns.feature). Quirks included.

    ci-image triggers [--workflow FILE | --workflows DIR] [--ref REF]
                      [--changed PATH... | --git BASE HEAD] [--json]

  - Workflows: one file, or every *.yml and *.yaml below DIR; by default the directory
    named by [tool.ci-image] workflows, else Forgejo's discovery rule.
  - --ref is the pushed ref: refs/heads/NAME or refs/tags/NAME, as in Forgejo's push
    payload (default refs/heads/main). A bare name is refused: it could be either.
  - The changed files come from --changed (paths as git prints them, relative to the
    repository root) or from --git BASE HEAD, which runs the server's own command,
    "git diff-tree --name-only --root --no-commit-id -r -z BASE HEAD", in the current
    directory. BASE all zeros is the push of a new branch: then Forgejo, and so we, list
    the files of HEAD's own commit. The files are needed only when a path filter decides;
    if one does and none are given, that is an error.
  - Output: one line per workflow, "FILE: triggers: REASON" or "FILE: does not trigger:
    REASON". REASON is each filter's part, "FILTER: EXPLANATION", joined by "; ".
  - Exit status: 0 when the push runs the workflow (with several workflows: at least
    one), 1 when it runs none, 2 for bad input: a workflow Forgejo rejects, an unknown
    filter or an invalid pattern (Forgejo would silently never run the workflow), a bad
    ref, path or commit.
  - --json prints one document {"ref", "changes", "triggers", "workflows"}. "changes" is
    null, {"source": "changed", "files"} or {"source": "git", "base", "head",
    "new_branch", "files"}. Each workflow has "file", "triggers", "listens_to_push",
    "reason", "conditions" (filters under push), "matched" (how many Forgejo counts as
    matching, the branch-and-tag extra included), "branch_and_tag", and "filters": each
    {"filter", "line", "patterns": [{"pattern", "negative", "regex"}], "evaluated",
    "matched", "explanation", "verdicts": [{"value", "outcome", "pattern"}]}; an outcome
    is included, excluded or unmatched (branches, tags, paths), ignored or kept (the
    -ignore filters).

  Scenario Outline: A push filter-free trigger runs on every push: <form>
    Given a file ".forgejo/workflows/ci.yml" with
      """
      <on>
      jobs: {}
      """
    When I run "ci-image triggers --ref refs/heads/any/branch"
    Then it succeeds
    And stdout is
      """
      .forgejo/workflows/ci.yml: triggers: push has no filters, so every push runs it
      """

    Examples:
      | form                 | on                           |
      | a string             | on: push                     |
      | a list               | on: [pull_request, push]     |
      | a mapping to null    | on: {push: null}             |
      | a mapping to nothing | on: {push: , pull_request: } |
      | an empty mapping     | on: {push: {}}               |
      | a quoted key         | "on": push                   |

  Scenario: "push:" with nothing after it, in block style, listens to every push
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on:
        push:
        workflow_dispatch:
      jobs: {}
      """
    When I run "ci-image triggers --ref refs/tags/v1"
    Then it succeeds

  Scenario Outline: A workflow that does not listen to push does not run: <form>
    Given a file ".forgejo/workflows/other.yml" with
      """
      <on>
      jobs: {}
      """
    When I run "ci-image triggers"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/other.yml: does not trigger: <reason>
      """

    Examples:
      | form                  | on                                                         | reason                                             |
      | another event         | on: pull_request                                           | on is 'pull_request', not push                     |
      | event names are exact | on: Push                                                   | on is 'Push', not push                             |
      | a list                | on: [pull_request, workflow_dispatch]                      | on lists pull_request, workflow_dispatch, not push |
      | a mapping             | on: {schedule: [{cron: '0 3 * * *'}], workflow_dispatch: } | on has schedule, workflow_dispatch, not push       |
      | nothing               | on:                                                        | on is empty, not push                              |

  Scenario Outline: branches: the branch must end included by the patterns (<ref>)
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on:
        push:
          branches: <patterns>
      jobs: {}
      """
    When I run "ci-image triggers --ref <ref>"
    Then the exit status is <status>
    And stdout is
      """
      .forgejo/workflows/ci.yml: <answer>
      """

    Examples:
      | patterns                       | ref                    | status | answer                                                                         |
      | [main]                         | refs/heads/main        | 0      | triggers: branches: branch 'main' matches 'main'                               |
      | main                           | refs/heads/main        | 0      | triggers: branches: branch 'main' matches 'main'                               |
      | [main]                         | refs/heads/develop     | 1      | does not trigger: branches: branch 'develop' matches no pattern                |
      | ['release/**', '!release/old'] | refs/heads/release/1.0 | 0      | triggers: branches: branch 'release/1.0' matches 'release/**'                  |
      | ['release/**', '!release/old'] | refs/heads/release/old | 1      | does not trigger: branches: branch 'release/old' is excluded by '!release/old' |
      | [main]                         | refs/tags/v1.0         | 1      | does not trigger: branches: does not apply to a tag push, so it does not match |
      | []                             | refs/heads/anything    | 0      | triggers: branches: an empty list matches every branch                         |

  Scenario Outline: branches-ignore: the branch must not be ignored (<ref>)
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on:
        push:
          branches-ignore: <patterns>
      jobs: {}
      """
    When I run "ci-image triggers --ref <ref>"
    Then the exit status is <status>
    And stdout is
      """
      .forgejo/workflows/ci.yml: <answer>
      """

    Examples:
      | patterns  | ref                | status | answer                                                                                                                                            |
      | [main]    | refs/heads/develop | 0      | triggers: branches-ignore: branch 'develop' is not ignored                                                                                        |
      | [main]    | refs/heads/main    | 1      | does not trigger: branches-ignore: branch 'main' is ignored by 'main'                                                                             |
      | ['!main'] | refs/heads/main    | 0      | triggers: branches-ignore: branch 'main' is not ignored                                                                                           |
      | ['!main'] | refs/heads/develop | 1      | does not trigger: branches-ignore: branch 'develop' is ignored by '!main' (a '!' pattern in an -ignore list ignores everything it does not match) |
      | []        | refs/heads/main    | 0      | triggers: branches-ignore: an empty list ignores no branch                                                                                        |
      | [main]    | refs/tags/v1.0     | 1      | does not trigger: branches-ignore: does not apply to a tag push, so it does not match                                                             |

  Scenario Outline: branches and branches-ignore together: GitHub refuses them, Forgejo checks both (<ref>)
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on:
        push:
          branches: ['release/**']
          branches-ignore: ['release/old-*']
      jobs: {}
      """
    When I run "ci-image triggers --ref <ref>"
    Then the exit status is <status>
    And stdout is
      """
      .forgejo/workflows/ci.yml: <answer>
      """

    Examples:
      | ref                      | status | answer                                                                                                                                         |
      | refs/heads/release/2     | 0      | triggers: branches: branch 'release/2' matches 'release/**'; branches-ignore: branch 'release/2' is not ignored                                |
      | refs/heads/release/old-1 | 1      | does not trigger: branches: branch 'release/old-1' matches 'release/**'; branches-ignore: branch 'release/old-1' is ignored by 'release/old-*' |
      | refs/heads/main          | 1      | does not trigger: branches: branch 'main' matches no pattern; branches-ignore: branch 'main' is not ignored                                    |

  Scenario Outline: tags and tags-ignore judge tag pushes only (<filter> <ref>)
    Given a file ".forgejo/workflows/release.yml" with
      """
      on:
        push:
          <filter>: ['v*']
      jobs: {}
      """
    When I run "ci-image triggers --ref <ref>"
    Then the exit status is <status>
    And stdout is
      """
      .forgejo/workflows/release.yml: <answer>
      """

    Examples:
      | filter      | ref               | status | answer                                                                               |
      | tags        | refs/tags/v1.0    | 0      | triggers: tags: tag 'v1.0' matches 'v*'                                              |
      | tags        | refs/tags/release | 1      | does not trigger: tags: tag 'release' matches no pattern                             |
      | tags        | refs/heads/main   | 1      | does not trigger: tags: does not apply to a branch push, so it does not match        |
      | tags-ignore | refs/tags/release | 0      | triggers: tags-ignore: tag 'release' is not ignored                                  |
      | tags-ignore | refs/tags/v1.0    | 1      | does not trigger: tags-ignore: tag 'v1.0' is ignored by 'v*'                         |
      | tags-ignore | refs/heads/main   | 1      | does not trigger: tags-ignore: does not apply to a branch push, so it does not match |

  Scenario: With branch and tag filters, either kind may match: Forgejo adds one match
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on:
        push:
          branches: [main]
          tags: ['v*']
      jobs: {}
      """
    When I run "ci-image triggers --ref refs/tags/v2.0"
    Then it succeeds
    And stdout is
      """
      .forgejo/workflows/ci.yml: triggers: branches: does not apply to a tag push, so it does not match; tags: tag 'v2.0' matches 'v*'; branch and tag filters together: Forgejo adds one match so that either kind may match (2 of 2 conditions)
      """

  Scenario: Quirk: with two branch filters and a tag filter, a tag push never runs the workflow
    Forgejo counts one match per filter and adds one when both kinds are present: a tag
    push reaches 2 of 3 conditions, never 3.

    Given a file ".forgejo/workflows/ci.yml" with
      """
      on:
        push:
          branches: [main]
          branches-ignore: [wip]
          tags: ['v*']
      jobs: {}
      """
    When I run "ci-image triggers --ref refs/tags/v1"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/ci.yml: does not trigger: branches: does not apply to a tag push, so it does not match; branches-ignore: does not apply to a tag push, so it does not match; tags: tag 'v1' matches 'v*'; branch and tag filters together: Forgejo adds one match so that either kind may match (2 of 3 conditions)
      """

  # Cases of TestMatchPushEvent in Forgejo's modules/actions/workflows_test.go; all of
  # them, one row per case, run in-process in tests/test_decision.py (CONTRIBUTING.md,
  # "Re-porting upstream semantics": how to compare them with a newer Forgejo). Its repository has three commits:
  # README.md, then src/file.go, then docs/file.md; "initial to src" changes src/file.go
  # and "src to doc" changes docs/file.md.
  Scenario Outline: Forgejo's own cases: <case>
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: <on>
      jobs: {}
      """
    When I run "ci-image triggers --ref <ref> <changes>"
    Then the exit status is <status>

    Examples:
      | case                                                     | on                                                          | ref                | changes                | status |
      | no filter matches any push                               | push                                                        | refs/heads/main    |                        | 0      |
      | branches filter does not match tag push                  | {push: {branches: [main]}}                                  | refs/tags/v1.0     |                        | 1      |
      | paths is ignored for tag push                            | {push: {paths: ['src/**']}}                                 | refs/tags/v1.0     |                        | 0      |
      | paths-ignore does not match when path in ignore list     | {push: {paths-ignore: ['docs/**']}}                         | refs/heads/main    | --changed docs/file.md | 1      |
      | branches and tags match tag                              | {push: {branches: [main], tags: ['v*']}}                    | refs/tags/v1.0     |                        | 0      |
      | branches, tags and paths: path does not match            | {push: {branches: [main], tags: ['v*'], paths: ['src/**']}} | refs/heads/main    | --changed docs/file.md | 1      |

  Scenario: paths: each file is decided by the last pattern that matches it
    Given a file ".forgejo/workflows/build.yml" with
      """
      on:
        push:
          paths:
            - 'src/**'
            - '!src/**/*.md'
            - 'src/important.md'
      jobs: {}
      """
    When I run "ci-image triggers --changed README.md src/notes.md src/important.md"
    Then it succeeds
    And stdout is
      """
      .forgejo/workflows/build.yml: triggers: paths: 'src/important.md' matches 'src/important.md'
      """
    When I run "ci-image triggers --changed README.md src/notes.md src/a/b.md docs/x docs/y"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/build.yml: does not trigger: paths: no changed file matches: 'README.md' matches no pattern, 'src/notes.md' is excluded by '!src/**/*.md', 'src/a/b.md' is excluded by '!src/**/*.md' and 2 more
      """

  Scenario: paths-ignore: the workflow runs when one changed file is not ignored
    Given a file ".forgejo/workflows/build.yml" with
      """
      on:
        push:
          paths-ignore: ['docs/**', '*.md']
      jobs: {}
      """
    When I run "ci-image triggers --changed README.md docs/guide.md"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/build.yml: does not trigger: paths-ignore: every changed file is ignored: 'README.md' by '*.md', 'docs/guide.md' by 'docs/**'
      """
    When I run "ci-image triggers --changed README.md src/app.py"
    Then it succeeds
    And stdout is
      """
      .forgejo/workflows/build.yml: triggers: paths-ignore: 'src/app.py' is not ignored
      """

  Scenario: Quirk: a '!' pattern in paths-ignore ignores every file it does not match
    On GitHub "!docs/api/**" would re-include docs/api; in Forgejo it ignores everything
    outside docs/api, so this workflow never runs on a branch push.

    Given a file ".forgejo/workflows/docs.yml" with
      """
      on:
        push:
          paths-ignore: ['docs/**', '!docs/api/**']
      jobs: {}
      """
    When I run "ci-image triggers --changed src/app.py docs/api/index.md"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/docs.yml: does not trigger: paths-ignore: every changed file is ignored: 'src/app.py' by '!docs/api/**', 'docs/api/index.md' by 'docs/**' (a '!' pattern in an -ignore list ignores everything it does not match)
      """

  Scenario: A push that changed no file runs neither a paths nor a paths-ignore workflow
    Given a file ".forgejo/workflows/paths.yml" with
      """
      on:
        push:
          paths: ['**']
      jobs: {}
      """
    And a file ".forgejo/workflows/paths-ignore.yml" with
      """
      on:
        push:
          paths-ignore: ['docs/**']
      jobs: {}
      """
    When I run "ci-image triggers --changed"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/paths-ignore.yml: does not trigger: paths-ignore: no file changed, so none is left
      .forgejo/workflows/paths.yml: does not trigger: paths: no file changed, so none matches
      """

  Scenario: Path filters always match on a tag push, so no changed files are needed
    Given a file ".forgejo/workflows/release.yml" with
      """
      on:
        push:
          tags: ['v*']
          paths: ['src/**']
          paths-ignore: ['**']
      jobs: {}
      """
    When I run "ci-image triggers --ref refs/tags/v3"
    Then it succeeds
    And stdout is
      """
      .forgejo/workflows/release.yml: triggers: tags: tag 'v3' matches 'v*'; paths: always matches on a tag push; paths-ignore: always matches on a tag push
      """
    When I run "ci-image triggers --ref refs/tags/v3 --json"
    Then it succeeds
    And the triggers report at "changes" is
      """
      null
      """
    And the triggers report at "workflows.0.filters.1.evaluated" is
      """
      false
      """

  Scenario: The changed files are needed when a path filter decides, and only then
    Given a file ".forgejo/workflows/build.yml" with
      """
      on:
        push:
          branches: [main]
          paths: ['uv.lock']
      jobs: {}
      """
    When I run "ci-image triggers --ref refs/heads/main"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/build.yml:4: on.push.paths decides whether a push of refs/heads/main runs this workflow; pass the changed files with --changed PATH... or --git BASE HEAD"
    When I run "ci-image triggers --ref refs/heads/feature"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/build.yml: does not trigger: branches: branch 'feature' matches no pattern; paths: not checked: no changed files given, and the other filters already rule this push out
      """

  Scenario: Several workflows: one line each, exit 0 when at least one runs
    Given a file ".forgejo/workflows/build-ci-image.yml" with
      """
      on:
        push:
          branches: [main]
          paths: ['uv.lock', 'pyproject.toml', 'flake.*', 'nix/**']
      jobs: {}
      """
    And a file ".forgejo/workflows/ci.yml" with
      """
      on: [push, pull_request]
      jobs: {}
      """
    And a file ".forgejo/workflows/nested/docs.yaml" with
      """
      on:
        push:
          paths: ['docs/**']
      jobs: {}
      """
    When I run "ci-image triggers --changed nix/image.nix"
    Then it succeeds
    And stdout is
      """
      .forgejo/workflows/build-ci-image.yml: triggers: branches: branch 'main' matches 'main'; paths: 'nix/image.nix' matches 'nix/**'
      .forgejo/workflows/ci.yml: triggers: push has no filters, so every push runs it
      .forgejo/workflows/nested/docs.yaml: does not trigger: paths: no changed file matches: 'nix/image.nix' matches no pattern
      """
    When I run "ci-image triggers --workflows .forgejo/workflows/nested --changed nix/image.nix"
    Then the exit status is 1

  Scenario: The JSON report, documented by example
    Given a file ".forgejo/workflows/build.yml" with
      """
      on:
        push:
          branches: [main]
          paths: ['uv.lock', '!docs/**']
      jobs: {}
      """
    And a file ".forgejo/workflows/review.yml" with
      """
      on: pull_request
      jobs: {}
      """
    When I run "ci-image triggers --changed README.md uv.lock --json"
    Then it succeeds
    And stdout is
      """
      {
        "changes": {
          "files": [
            "README.md",
            "uv.lock"
          ],
          "source": "changed"
        },
        "ref": "refs/heads/main",
        "triggers": true,
        "version": 1,
        "workflows": [
          {
            "branch_and_tag": false,
            "conditions": 2,
            "file": ".forgejo/workflows/build.yml",
            "filters": [
              {
                "evaluated": true,
                "explanation": "branch 'main' matches 'main'",
                "filter": "branches",
                "line": 3,
                "matched": true,
                "patterns": [
                  {
                    "negative": false,
                    "pattern": "main",
                    "regex": "^main$"
                  }
                ],
                "verdicts": [
                  {
                    "outcome": "included",
                    "pattern": "main",
                    "value": "main"
                  }
                ]
              },
              {
                "evaluated": true,
                "explanation": "'uv.lock' matches 'uv.lock'",
                "filter": "paths",
                "line": 4,
                "matched": true,
                "patterns": [
                  {
                    "negative": false,
                    "pattern": "uv.lock",
                    "regex": "^uv\\.lock$"
                  },
                  {
                    "negative": true,
                    "pattern": "!docs/**",
                    "regex": "^docs/.*$"
                  }
                ],
                "verdicts": [
                  {
                    "outcome": "unmatched",
                    "pattern": null,
                    "value": "README.md"
                  },
                  {
                    "outcome": "included",
                    "pattern": "uv.lock",
                    "value": "uv.lock"
                  }
                ]
              }
            ],
            "listens_to_push": true,
            "matched": 2,
            "reason": "branches: branch 'main' matches 'main'; paths: 'uv.lock' matches 'uv.lock'",
            "triggers": true
          },
          {
            "branch_and_tag": false,
            "conditions": 0,
            "file": ".forgejo/workflows/review.yml",
            "filters": [],
            "listens_to_push": false,
            "matched": 0,
            "reason": "on is 'pull_request', not push",
            "triggers": false
          }
        ]
      }
      """

  Scenario: One workflow file, from the settings' directory by default
    Given a file "pyproject.toml" with
      """
      [tool.ci-image]
      workflows = "ci/workflows"
      """
    And a file "ci/workflows/only.yml" with
      """
      on: push
      jobs: {}
      """
    And a file "elsewhere/tag.yml" with
      """
      on:
        push:
          tags: ['*']
      jobs: {}
      """
    When I run "ci-image triggers"
    Then stdout is
      """
      ci/workflows/only.yml: triggers: push has no filters, so every push runs it
      """
    When I run "ci-image triggers --workflow elsewhere/tag.yml"
    Then the exit status is 1
    And stdout contains "elsewhere/tag.yml: does not trigger: tags: does not apply to a branch push"

  Scenario Outline: Pattern lists hold strings as Forgejo's YAML 1.2 decoder reads them: <value>
    Forgejo decodes "on" with Go's yaml.v3 and wants strings: on, yes and off are strings
    there (not booleans as in YAML 1.1), and so are a wrong date or a number too large.
    (More of both kinds, in-process: tests/test_goyaml.py.)

    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: {push: {tags: [<value>]}}
      jobs: {}
      """
    When I run "ci-image triggers --ref refs/tags/x --json"
    Then the triggers report at "workflows.0.filters.0.patterns.0.pattern" is the text "<pattern>"

    Examples:
      | value                | pattern              |
      | on                   | on                   |
      | '1.0'                | 1.0                  |
      | !!str 1.0            | 1.0                  |
      | 2024-02-30           | 2024-02-30           |
      | <<                   | <<                   |

  Scenario Outline: What Forgejo's decoder reads as <what> is not a pattern: <value>
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: {push: {tags: [<value>]}}
      jobs: {}
      """
    When I run "ci-image triggers --ref refs/tags/x"
    Then the exit status is 2
    And stderr is one line containing "on.push.tags: item 0 is <what> in YAML 1.2"

    Examples:
      | value                       | what        |
      | 1.0                         | a number    |
      | 42                          | an integer  |
      | True                        | a boolean   |
      | ~                           | null        |
      | 2024-01-31                  | a timestamp |
      | {a: b}                      | a mapping   |

  Scenario: Merge keys and anchors are read as Forgejo's YAML decoder reads them
    Given a file ".forgejo/workflows/ci.yml" with
      """
      x-filters: &filters
        branches: [main]
        paths: ['src/**']
      on:
        push:
          <<: *filters
          branches: [release]
      jobs: {}
      """
    When I run "ci-image triggers --ref refs/heads/release --changed src/a.py"
    Then it succeeds
    And stdout is
      """
      .forgejo/workflows/ci.yml: triggers: branches: branch 'release' matches 'release'; paths: 'src/a.py' matches 'src/**'
      """

  Scenario: Several merged mappings: the mapping's own keys win, then the earlier merge
    Given a file ".forgejo/workflows/ci.yml" with
      """
      x-base: &base
        paths: ['base/**']
        tags: ['base-*']
      x-more: &more
        <<: *base
        paths: ['more/**']
        branches: ['more']
      on:
        push:
          <<: [*more, {tags: ['late-*'], branches-ignore: [nope]}]
          branches: [own]
      jobs: {}
      """
    When I run "ci-image triggers --ref refs/heads/own --changed more/x --json"
    Then it succeeds
    And the triggers report at "workflows.0.reason" is the text "branches: branch 'own' matches 'own'; paths: 'more/x' matches 'more/**'; tags: does not apply to a branch push, so it does not match; branches-ignore: branch 'own' is not ignored; branch and tag filters together: Forgejo adds one match so that either kind may match (4 of 4 conditions)"

  Scenario: A merged mapping whose key is not a string is refused like Forgejo does
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on:
        push:
          <<: {? [a] : b}
      jobs: {}
      """
    When I run "ci-image triggers"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/ci.yml:3: has a mapping key that is itself a list or a mapping"

  Scenario: --git lists added, modified, deleted and renamed files as the server does
    A rename is two paths, the old and the new: Forgejo's diff-tree has no rename
    detection, and git's diff.renames setting does not apply to it.

    Given a git repository in the project
    And the repository has git config "diff.renames" set to "copies"
    And a commit "first" on the current branch with these changes
      | change | path        | to |
      | add    | README.md   |    |
      | add    | src/app.py  |    |
      | add    | docs/old.md |    |
    And a commit "second" on the current branch with these changes
      | change | path        | to         |
      | add    | src/new.py  |            |
      | modify | README.md   |            |
      | delete | docs/old.md |            |
      | rename | src/app.py  | lib/app.py |
    And a file ".forgejo/workflows/ci.yml" with
      """
      on:
        push:
          paths: ['src/app.py']
      jobs: {}
      """
    When I run "ci-image triggers --git first second --json"
    Then it succeeds
    And the triggers report at "changes.files" is
      """
      ["README.md", "docs/old.md", "lib/app.py", "src/app.py", "src/new.py"]
      """
    And the triggers report at "changes.source" is the text "git"
    And the triggers report at "changes.new_branch" is
      """
      false
      """
    And the triggers report at "changes.base" is the id of commit "first"
    And the triggers report at "changes.head" is the id of commit "second"
    And the triggers report at "workflows.0.reason" is the text "paths: 'src/app.py' matches 'src/app.py'"

  Scenario: --git with an all-zeros BASE is the push of a new branch: HEAD's own commit counts
    Given a git repository in the project
    And a commit "first" on the current branch with these changes
      | change | path       | to |
      | add    | README.md  |    |
      | add    | src/app.py |    |
    And a commit "feature" whose parent is "first" with these changes
      | change | path           | to |
      | add    | src/feature.py |    |
    And a file ".forgejo/workflows/ci.yml" with
      """
      on:
        push:
          paths: ['README.md']
      jobs: {}
      """
    When I run "ci-image triggers --ref refs/heads/feature --git 0000000000000000000000000000000000000000 feature --json"
    Then the exit status is 1
    And the triggers report at "changes.files" is
      """
      ["src/feature.py"]
      """
    And the triggers report at "changes.new_branch" is
      """
      true
      """
    When I run "ci-image triggers --ref refs/heads/main --git 0000000000000000000000000000000000000000 first --json"
    Then it succeeds
    And the triggers report at "changes.files" is
      """
      ["README.md", "src/app.py"]
      """

  Scenario: A new branch whose head is a merge commit changed no file for Forgejo
    Given a git repository in the project
    And a commit "first" on the current branch with these changes
      | change | path      | to |
      | add    | README.md |    |
    And a commit "left" whose parent is "first" with these changes
      | change | path        | to |
      | add    | src/left.py |    |
    And a commit "right" whose parent is "first" with these changes
      | change | path         | to |
      | add    | src/right.py |    |
    And the merge commit "merged" of "left" and "right"
    And a file ".forgejo/workflows/ci.yml" with
      """
      on:
        push:
          paths: ['src/**']
      jobs: {}
      """
    When I run "ci-image triggers --ref refs/heads/topic --git 0000000000000000000000000000000000000000 merged"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/ci.yml: does not trigger: paths: no file changed, so none matches
      """
    When I run "ci-image triggers --ref refs/heads/topic --git first merged"
    Then it succeeds

  Scenario Outline: --git refuses what is not a commit: <case>
    Given a git repository in the project
    And a commit "first" on the current branch with these changes
      | change | path      | to |
      | add    | README.md |    |
    And a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs: {}
      """
    When I run "ci-image triggers --git <base> first"
    Then the exit status is 2
    And stderr is one line containing "<message>"

    Examples:
      | case                                   | base                                                             | message                                                                  |
      | an unknown commit id                   | 1234567890abcdef1234567890abcdef12345678                         | --git BASE '1234567890abcdef1234567890abcdef12345678' is not a commit in |
      | zeros of the wrong length              | 0000000000000000000000000000000000000000000000000000000000000000 | is not a commit in                                                       |
      | something git would take for an option | -1                                                               | --git BASE '-1' is not a commit; give a commit id                        |

  Scenario: --git needs git
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs: {}
      """
    And git cannot be found on the PATH
    When I run "ci-image triggers --git HEAD~1 HEAD"
    Then the exit status is 2
    And stderr is one line containing "git is not installed or not on PATH; install git, or pass --changed PATH... instead of --git"

  Scenario: --git outside a git repository is an error
    Given the project is not inside a git repository
    And a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs: {}
      """
    When I run "ci-image triggers --git HEAD~1 HEAD"
    Then the exit status is 2
    And stderr is one line containing "is not in a git repository"
    And stderr contains "run the command in the repository the push goes to, or pass --changed PATH..."

  Scenario Outline: A ref must be a full branch or tag ref: <ref>
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs: {}
      """
    When I run "ci-image triggers --ref <ref>"
    Then the exit status is 2
    And stderr is one line containing "<message>"

    Examples:
      | ref              | message                                                                                                                                 |
      | main             | --ref 'main' is not a full ref (a bare name could be a branch or a tag); write refs/heads/main for a branch or refs/tags/main for a tag |
      | refs/pull/1/head | --ref 'refs/pull/1/head' is not a branch or a tag: push workflows run for refs/heads/NAME and refs/tags/NAME                            |
      | refs/heads/      | --ref 'refs/heads/' is not a branch or a tag                                                                                            |

  Scenario Outline: Changed paths are given as git prints them: <path>
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs: {}
      """
    When I run "ci-image triggers --changed <path>"
    Then the exit status is 2
    And stderr is one line containing "give paths as git lists them, relative to the repository root"

    Examples:
      | path       |
      | ./src/a.py |
      | /src/a.py  |
      | ''         |

  Scenario Outline: What makes Forgejo reject the workflow is an error: <case>
    Given a file ".forgejo/workflows/ci.yml" with
      """
      <workflow>
      """
    When I run "ci-image triggers --changed x"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/ci.yml:<line>: <message>"
    And no file in the project changed

    Examples:
      | case                      | workflow                                               | line | message                                                                                                                                                                                             |
      | an unknown filter         | on: {push: {branch: [main]}}                           | 1    | on.push: unknown filter 'branch'; Forgejo ignores it with a log warning and silently never runs this workflow on push; use one of branches, branches-ignore, tags, tags-ignore, paths, paths-ignore |
      | a number as a tag pattern | on: {push: {tags: [v1, 1.0]}}                          | 1    | on.push.tags: item 1 is a number in YAML 1.2 (1.0), not a string; Forgejo rejects the workflow; quote it                                                                                            |
      | an empty filter           | on: {push: {branches: }}                               | 1    | on.push.branches is null; Forgejo expects a string or a list of strings and rejects the workflow                                                                                                    |
      | push as a list            | on: {push: [main]}                                     | 1    | on.push is a list; Forgejo only accepts a list for schedule and rejects the workflow                                                                                                                |
      | a complex event key       | on: {? [a] : b}                                        | 1    | has a mapping key that is itself a list or a mapping                                                                                                                                                |
      | a bad merge               | on: {push: {<<: [x]}}                                  | 1    | on.push: map merge requires map or sequence of maps as the value; Forgejo rejects the workflow                                                                                                      |

  Scenario: workflow_dispatch inputs and workflow_call mappings are fine
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on:
        push:
          branches: [main]
        workflow_dispatch:
          inputs:
            level: {type: string}
        workflow_call:
          outputs:
            result: {value: x}
      jobs: {}
      """
    When I run "ci-image triggers"
    Then it succeeds

  Scenario: A workflow without "on" is rejected by Forgejo
    Given a file ".forgejo/workflows/ci.yml" with
      """
      name: no triggers
      jobs: {}
      """
    When I run "ci-image triggers"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/ci.yml: has no 'on' key: Forgejo rejects a workflow without triggers and never runs it"

  Scenario: The key "true" that YAML 1.1 tools write for "on" is not "on" for Forgejo
    PyYAML and other YAML 1.1 readers load the key on as the boolean true, and write it
    back as true. Forgejo reads YAML 1.2: for it that workflow has no triggers at all.

    Given a file ".forgejo/workflows/ci.yml" with
      """
      name: rewritten by a YAML 1.1 tool
      true:
        push:
      jobs: {}
      """
    When I run "ci-image triggers"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/ci.yml:2: the key 'true' is not 'on' for Forgejo"
    And stderr contains "rename the key to on"

  Scenario: Errors in reading the workflows are one line
    Given a file ".forgejo/workflows/broken.yml" with
      """
      on: [push
      """
    When I run "ci-image triggers"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/broken.yml:"
    When I run "ci-image triggers --workflow missing.yml"
    Then the exit status is 2
    And stderr is one line containing "missing.yml: cannot read"

  Scenario: A workflow directory without workflows is an error
    Given a file ".forgejo/workflows/README.md" with
      """
      Workflows live here.
      """
    When I run "ci-image triggers"
    Then the exit status is 2
    And stderr is one line containing "no *.yml or *.yaml workflow in .forgejo/workflows"

  Scenario: Conflicting options are usage errors
    When I run "ci-image triggers --workflow a.yml --workflows dir"
    Then the exit status is 2
    And stderr is one line containing "not allowed with argument"
    When I run "ci-image triggers --changed a --git b c"
    Then the exit status is 2
    And stderr is one line containing "not allowed with argument"
