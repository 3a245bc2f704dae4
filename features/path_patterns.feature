Feature: Forgejo's filter patterns
  The patterns of branches, tags, paths and their -ignore twins are not shell globs nor
  gitignore patterns: Forgejo turns each into an anchored regular expression with the
  workflowpattern code of its act fork (forgejo/runner act/workflowpattern, the same as
  nektos/act pkg/workflowpattern), and ci-image triggers does exactly the same:

  - "**/" matches any number of leading directories, "**" anything, "*" anything but "/";
  - "?" and "+" are quantifiers on the previous character ("*.jsx?" matches page.js and
    page.jsx), and are literal only at the very start;
  - "[...]" holds letters, digits and ranges of them; "\" makes the next character literal;
    everything else is literal, "." included;
  - a leading "!" negates the pattern.

  In "paths" (and branches, tags) the last pattern that matches a file decides: included
  if it is a plain pattern, excluded if it is a "!" pattern; the workflow runs when any
  changed file ends included. In "paths-ignore" a file is ignored by the first pattern
  that matches it, or by the first "!" pattern that does NOT match it; the workflow runs
  when any changed file is not ignored.

  The JSON report shows the regular expression of each pattern.

  The examples below are a few of each kind; tests/test_patterns.py holds the full
  tables (act's own test cases among them) and checks them in-process, against the port
  of act's code and against what ci-image triggers decides.

  Scenario Outline: How the pattern <pattern> becomes a regular expression
    Given a file ".forgejo/workflows/p.yml" with
      """
      on:
        push:
          paths: ['<pattern>']
      jobs: {}
      """
    When I run "ci-image triggers --changed x --json"
    Then the triggers report at "workflows.0.filters.0.patterns.0.regex" is the text "<regex>"
    And the triggers report at "workflows.0.filters.0.patterns.0.negative" is
      """
      <negative>
      """

    Examples:
      | pattern           | regex                  | negative |
      | **/README.md      | ^(.+/)?README\.md$     | false    |
      | *.jsx?            | ^[^/]*\.jsx?$          | false    |
      | v[12].[0-9]+      | ^v[12]\.[0-9]+$        | false    |
      | !*.md             | ^[^/]*\.md$            | true     |

  # Cases of TestMatchPattern in act's workflow_pattern_test.go, each run through both
  # filters: "skipResult" there is "does not trigger" for paths here, and "filterResult"
  # is "does not trigger" for paths-ignore (all of them: tests/test_patterns.py).
  Scenario Outline: Changed files <changed> against <patterns>
    Given a file ".forgejo/workflows/paths.yml" with
      """
      on:
        push:
          paths: <patterns>
      jobs: {}
      """
    And a file ".forgejo/workflows/paths-ignore.yml" with
      """
      on:
        push:
          paths-ignore: <patterns>
      jobs: {}
      """
    When I run "ci-image triggers --changed <changed>"
    Then stdout contains ".forgejo/workflows/paths.yml: <paths>:"
    And stdout contains ".forgejo/workflows/paths-ignore.yml: <paths-ignore>:"

    Examples:
      | patterns                              | changed                     | paths            | paths-ignore     |
      | ['*']                                 | path/with/slash             | does not trigger | triggers         |
      | ['path/a', 'path/b', 'path/c']        | path/c path/b path/d path/a | triggers         | triggers         |
      | ['**/docs/**']                        | dir/docs/my-file.txt        | triggers         | does not trigger |
      | ['*.md', '!README.md']                | README.md                   | does not trigger | does not trigger |
      | ['*.md', '!README.md', 'README*']     | README.md                   | triggers         | does not trigger |

  Scenario: The answer names the file and the pattern that decided
    Given a file ".forgejo/workflows/docs.yml" with
      """
      on:
        push:
          paths:
            - 'docs/**'
            - '!docs/drafts/**'
      jobs: {}
      """
    When I run "ci-image triggers --changed README.md docs/drafts/idea.md docs/guide.md"
    Then it succeeds
    And stdout is
      """
      .forgejo/workflows/docs.yml: triggers: paths: 'docs/guide.md' matches 'docs/**'
      """

  Scenario Outline: An invalid pattern <pattern> is an error: Forgejo would silently never run the workflow
    Given a file ".forgejo/workflows/p.yml" with
      """
      on:
        push:
          paths: ['<pattern>']
      jobs: {}
      """
    When I run "ci-image triggers --changed x"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/p.yml:3: on.push.paths: <problem>"
    And stderr contains "Forgejo treats the filter as not matching and silently never runs the workflow"

    Examples:
      | pattern | problem                                                                                    |
      | src/[ab | invalid Pattern 'src/[ab': Position: 7 Error: Missing closing bracket ']' after '['        |
      | [a.]    | invalid Pattern '[a.]': Position: 2 Error: Ranges can only include a-z, A-Z and 0-9        |
      | tail\   | invalid Pattern 'tail\': Position: 4 Error: Missing symbol after \                         |
      | *+      | error parsing regexp: invalid nested repetition operator: `*+`                             |

  Scenario: Every pattern of a filter is checked, in branch filters too
    Given a file ".forgejo/workflows/b.yml" with
      """
      on:
        push:
          branches:
            - main
            - 'release/[0-9'
      jobs: {}
      """
    When I run "ci-image triggers --ref refs/heads/main"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/b.yml:5: on.push.branches: invalid Pattern 'release/[0-9'"
