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
