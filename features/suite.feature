Feature: The test suite runs wherever the project is checked out, and says what it skipped
  `bash .ci/run` and `uv run nox` pass from any checkout location. The suite runs as
  root; the scenarios about files a user cannot read or replace run the CLI as the
  unprivileged user "nobody" (setpriv). That user cannot enter a checkout under a
  private directory (a mktemp -d directory or /root, mode 0700), so once per run the
  suite gives it a copy of the helper and its interpreter environment in a directory
  every user can enter (features/support/unprivileged.py); the files under test keep
  the modes the scenario gives them. Where that cannot work (not root, no setpriv, no
  user "nobody"), those scenarios are skipped with the reason, never failed.

  The behave features run in parallel processes (features/support/parallel.py, used by
  `nox -s tests` and `nox -s coverage_report`), and one report ends the run: every
  failed and every skipped scenario with its reason, the ten slowest scenarios, and the
  summary line "N scenarios passed, M failed, K skipped".

  Scenario: The unprivileged user's copy of the helper works from a checkout under a 0700 directory
    Given a checkout of the helper inside a directory only root can enter
    When the unprivileged user runs the checkout's own ci-image
    Then it fails, unable to open what it needs
    When the suite's unprivileged-user set-up is made from that checkout
    Then everything the unprivileged user runs is outside the private directory
    Given a file "project/.forgejo/workflows/ci.yml" with
      """
      on:
        push:
          paths: ['src/**']
      jobs: {}
      """
    When the unprivileged user runs "ci-image triggers --changed src/app.py" with that copy, in a project it owns
    Then it succeeds
    And stdout is
      """
      .forgejo/workflows/ci.yml: triggers: paths: 'src/app.py' matches 'src/**'
      """

  Scenario: The runner's report names every failure and every skip with its reason
    Given a file "suite/features/a.feature" with
      """
      Feature: a
        Scenario: passes
          Then it works
        Scenario: fails
          Then it breaks
      """
    And a file "suite/features/b.feature" with
      """
      Feature: b
        Scenario: cannot run here
          Given it cannot run here: no frobnicator on this machine
          Then it works
        Scenario: skipped silently
          Given it is skipped without a word
      """
    And a suite with a passing, a failing and a skipped scenario in "suite/features"
    When I run the suite runner with "--jobs 2 suite/features"
    Then the exit status is 1
    And stdout contains "4 scenarios in "
    And stdout contains "Failing scenarios (1):"
    And stdout contains "suite/features/a.feature:4  fails"
    And stdout contains "broken on purpose"
    And stdout contains "Skipped scenarios (2):"
    And stdout contains "because: no frobnicator on this machine"
    And stdout contains "because: skipped without a reason (a defect of the suite)"
    And stdout contains "Slowest 4 scenarios:"
    And stdout contains "1 scenarios passed, 1 failed, 2 skipped"

  Scenario: A feature file the runner cannot read is one clear error
    Given a file "suite/features/broken.feature" with
      """
      Some notes before the feature
      Feature: broken
      """
    When I run the suite runner with "suite/features"
    Then the exit status is 2
    And stderr is one line containing "suite/features/broken.feature"
