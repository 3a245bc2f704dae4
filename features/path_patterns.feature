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
      | *                 | ^[^/]*$                | false    |
      | **                | ^.*$                   | false    |
      | **/README.md      | ^(.+/)?README\.md$     | false    |
      | docs/**/*.md      | ^docs/(.+/)?[^/]*\.md$ | false    |
      | **.js             | ^.*\.js$               | false    |
      | *.jsx?            | ^[^/]*\.jsx?$          | false    |
      | v[12].[0-9]+      | ^v[12]\.[0-9]+$        | false    |
      | ?x                | ^\?x$                  | false    |
      | +x                | ^\+x$                  | false    |
      | a??               | ^a??$                  | false    |
      | (a){1}$^          | ^\(a\)\{1\}\$\^$       | false    |
      | \*literal         | ^\*literal$            | false    |
      | \!file            | ^!file$                | false    |
      | escape\\backslash | ^escape\\backslash$    | false    |
      | [A-z_]            | ^[A-z_]$               | false    |
      | !README.md        | ^README\.md$           | true     |
      | !*.md             | ^[^/]*\.md$            | true     |

  # The cases of TestMatchPattern in workflow_pattern_test.go, each run through both
  # filters: "skipResult" there is "does not trigger" for paths here, and "filterResult"
  # is "does not trigger" for paths-ignore.
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
      | ['path/a', 'path/b', 'path/c']        | meta path/b otherfile       | triggers         | triggers         |
      | ['path/a', 'path/b', 'path/c']        | path/b                      | triggers         | does not trigger |
      | ['path/a', 'path/b', 'path/c']        | path/c path/b               | triggers         | does not trigger |
      | ['path/a', 'path/b', 'path/c']        | path/c path/b path/a        | triggers         | does not trigger |
      | ['path/a', 'path/b', 'path/c']        | path/c path/b path/d path/a | triggers         | triggers         |
      | []                                    |                             | triggers         | triggers         |
      | ['\!file']                            | '!file'                     | triggers         | does not trigger |
      | ['escape\\backslash']                 | 'escape\backslash'          | triggers         | does not trigger |
      | ['.yml']                              | fyml                        | does not trigger | triggers         |
      | ['feature/*']                         | feature/my-branch           | triggers         | does not trigger |
      | ['feature/*']                         | feature/your-branch         | triggers         | does not trigger |
      | ['feature/**']                        | feature/beta-a/my-branch    | triggers         | does not trigger |
      | ['feature/**']                        | feature/mona/the/octocat    | triggers         | does not trigger |
      | ['main', 'releases/mona-the-octocat'] | main                        | triggers         | does not trigger |
      | ['main', 'releases/mona-the-octocat'] | releases/mona-the-octocat   | triggers         | does not trigger |
      | ['*']                                 | main                        | triggers         | does not trigger |
      | ['*']                                 | releases                    | triggers         | does not trigger |
      | ['**']                                | all/the/branches            | triggers         | does not trigger |
      | ['**']                                | every/tag                   | triggers         | does not trigger |
      | ['*feature']                          | mona-feature                | triggers         | does not trigger |
      | ['*feature']                          | feature                     | triggers         | does not trigger |
      | ['*feature']                          | ver-10-feature              | triggers         | does not trigger |
      | ['v2*']                               | v2                          | triggers         | does not trigger |
      | ['v2*']                               | v2.0                        | triggers         | does not trigger |
      | ['v2*']                               | v2.9                        | triggers         | does not trigger |
      | ['v[12].[0-9]+.[0-9]+']               | v1.10.1                     | triggers         | does not trigger |
      | ['v[12].[0-9]+.[0-9]+']               | v2.0.0                      | triggers         | does not trigger |
      | ['*']                                 | README.md                   | triggers         | does not trigger |
      | ['*']                                 | server.rb                   | triggers         | does not trigger |
      | ['*.jsx?']                            | page.js                     | triggers         | does not trigger |
      | ['*.jsx?']                            | page.jsx                    | triggers         | does not trigger |
      | ['**']                                | all/the/files.md            | triggers         | does not trigger |
      | ['*.js']                              | app.js                      | triggers         | does not trigger |
      | ['*.js']                              | index.js                    | triggers         | does not trigger |
      | ['**.js']                             | index.js                    | triggers         | does not trigger |
      | ['**.js']                             | js/index.js                 | triggers         | does not trigger |
      | ['**.js']                             | src/js/app.js               | triggers         | does not trigger |
      | ['docs/*']                            | docs/README.md              | triggers         | does not trigger |
      | ['docs/*']                            | docs/file.txt               | triggers         | does not trigger |
      | ['docs/**']                           | docs/README.md              | triggers         | does not trigger |
      | ['docs/**']                           | docs/mona/octocat.txt       | triggers         | does not trigger |
      | ['docs/**/*.md']                      | docs/README.md              | triggers         | does not trigger |
      | ['docs/**/*.md']                      | docs/mona/hello-world.md    | triggers         | does not trigger |
      | ['docs/**/*.md']                      | docs/a/markdown/file.md     | triggers         | does not trigger |
      | ['**/docs/**']                        | docs/hello.md               | triggers         | does not trigger |
      | ['**/docs/**']                        | dir/docs/my-file.txt        | triggers         | does not trigger |
      | ['**/docs/**']                        | space/docs/plan/space.doc   | triggers         | does not trigger |
      | ['**/README.md']                      | README.md                   | triggers         | does not trigger |
      | ['**/README.md']                      | js/README.md                | triggers         | does not trigger |
      | ['**/*src/**']                        | a/src/app.js                | triggers         | does not trigger |
      | ['**/*src/**']                        | my-src/code/js/app.js       | triggers         | does not trigger |
      | ['**/*-post.md']                      | my-post.md                  | triggers         | does not trigger |
      | ['**/*-post.md']                      | path/their-post.md          | triggers         | does not trigger |
      | ['**/migrate-*.sql']                  | migrate-10909.sql           | triggers         | does not trigger |
      | ['**/migrate-*.sql']                  | db/migrate-v1.0.sql         | triggers         | does not trigger |
      | ['**/migrate-*.sql']                  | db/sept/migrate-v1.sql      | triggers         | does not trigger |
      | ['*.md', '!README.md']                | hello.md                    | triggers         | does not trigger |
      | ['*.md', '!README.md']                | README.md                   | does not trigger | does not trigger |
      | ['*.md', '!README.md']                | docs/hello.md               | does not trigger | does not trigger |
      | ['*.md', '!README.md', 'README*']     | hello.md                    | triggers         | does not trigger |
      | ['*.md', '!README.md', 'README*']     | README.md                   | triggers         | does not trigger |
      | ['*.md', '!README.md', 'README*']     | README.doc                  | triggers         | does not trigger |

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
      | []      | invalid Pattern '[]': Position: 1 Error: Unexpected empty brackets '[]'                    |
      | [-a]    | invalid Pattern '[-a]': Position: 1 Error: Invalid range                                   |
      | [z-a]   | invalid Pattern '[z-a]': Position: 2 Error: Ranges can only include a-z, A-Z, A-z, and 0-9 |
      | [a.]    | invalid Pattern '[a.]': Position: 2 Error: Ranges can only include a-z, A-Z and 0-9        |
      | tail\   | invalid Pattern 'tail\': Position: 4 Error: Missing symbol after \                         |
      | *+      | error parsing regexp: invalid nested repetition operator: `*+`                             |
      | a++     | error parsing regexp: invalid nested repetition operator: `++`                             |
      | a???    | error parsing regexp: invalid nested repetition operator: `???`                            |
      | **/+    | error parsing regexp: invalid nested repetition operator: `?+`                             |
      | [A-\]   | error parsing regexp: missing closing ]: `[A-\]$`                                          |

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
