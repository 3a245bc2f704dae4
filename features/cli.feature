Feature: The ci-image command line
  One tool with one subcommand per job. Mistakes in how it is called get one line
  that says what is wrong and where to look, and exit status 2.

  Scenario: Asking for the version
    When I run "ci-image --version"
    Then it succeeds
    And stdout contains "ci-image "

  Scenario: An unknown command is one clear line
    When I run "ci-image frobnicate"
    Then the exit status is 2
    And stderr is one line containing "invalid choice: 'frobnicate'"

  Scenario: Running as a module works too
    When I run the module with "--help"
    Then it succeeds
    And stdout contains "usage: ci-image"

  Scenario: A failure nobody foresaw is one line asking for a report, exit status 2
    Expected failures name the file and what to do; anything else is a bug in the
    helper, reported as such on one line: never a traceback, and never exit status 1,
    which would read as findings. Merge keys nested nearly a thousand deep, which
    exhaust Python's recursion limit, are one such input nobody foresaw.
    Given a workflow ".forgejo/workflows/ci.yml" whose job merges 995 mappings nested in each other
    When I run "ci-image check"
    Then the exit status is 2
    And stderr is one line containing "ci-image check: internal error: RecursionError: maximum recursion depth exceeded"
    And stderr contains "; please report this"

  Scenario: A working directory deleted under the command is an internal error too
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: alpine}
      """
    When I run "ci-image check" in a working directory that was deleted
    Then the exit status is 2
    And stderr is one line containing "ci-image check: internal error: FileNotFoundError: [Errno 2] No such file or directory; please report this"

  Scenario: Without a working directory, an expected error still names its file
    Given a file "ci/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: alpine}
      """
    When I run "ci-image check --workflows $WORKDIR/missing --image codeberg.org/acme/ci" in a working directory that was deleted
    Then the exit status is 2
    And stderr is one line containing "/missing: workflow directory does not exist"

  Scenario Outline: A reader that stops early ends `ci-image <arguments>` quietly
    `ci-image check | head -1` must not end in a traceback. The status is the one a
    tool killed by SIGPIPE has, so that `set -o pipefail` still sees the cut.
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: alpine}
      """
    When I run "ci-image <arguments>" with a stdout that nobody reads
    Then the exit status is 141
    And nothing at all was written to stderr

    Examples:
      | arguments    |
      | check        |
      | check --json |
      | --version    |

  Scenario Outline: Every --json document says which version of the format it is
    A script reading `--json` checks `version` first: it changes only when a key is
    removed or changes meaning (adding a key keeps it).
    Given a file "pyproject.toml" with
      """
      [project]
      name = "demo"
      version = "1"
      """
    And a file "uv.lock" with
      """
      version = 1
      """
    And a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: alpine}
      """
    When I run "ci-image <arguments> --json"
    Then the JSON on stdout has
      | path    | value |
      | version | 1     |

    Examples:
      | arguments                                                              |
      | check                                                                  |
      | triggers --changed README.md                                           |
      | env-check --print-inputs                                               |
      | tag /nix/store/0c0bqgh0p3dmm3zjvzlmr2gdcxwfnylr-ci-image.tar.gz        |
