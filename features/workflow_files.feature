Feature: Reading workflow files, and refusing bad ones
  `check` and `pin` read the workflows as Forgejo does: the first existing directory of
  `.forgejo/workflows`, `.gitea/workflows`, `.github/workflows` (or `--workflows DIR`,
  or `workflows` in `[tool.ci-image]`), recursively, every `*.yml` and `*.yaml`.
  A file they cannot read safely is bad input: one line on stderr naming the file (and
  the line, where there is one) and what to do, exit status 2, and no file changes.

  Background:
    Given a file "pyproject.toml" with
      """
      [tool.ci-image]
      image = "codeberg.org/acme/ci"
      """

  Scenario: The first existing workflow directory is read, recursively, .yml and .yaml
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a: {runs-on: docker, container: alpine}
      """
    And a file ".forgejo/workflows/nested/deep/release.yaml" with
      """
      on: push
      jobs:
        b: {runs-on: docker, container: debian}
      """
    And a file ".forgejo/workflows/notes.txt" with
      """
      container: ignored
      """
    And a file ".github/workflows/ignored.yml" with
      """
      on: push
      jobs:
        c: {runs-on: docker, container: ignored}
      """
    When I run "ci-image check"
    Then the exit status is 1
    And stdout contains ".forgejo/workflows/ci.yml:3:35: CI001"
    And stdout contains ".forgejo/workflows/nested/deep/release.yaml:3:35: CI001"
    And stdout contains "2 image references in 2 workflow files: 2 problems"
    And stdout does not contain "ignored"

  Scenario: YAML merge keys are applied, as Forgejo's YAML reader applies them
    An explicit key wins over a merged one.
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      x-defaults: &defaults
        runs-on: docker
        container:
          image: codeberg.org/acme/ci:unreleased
      jobs:
        a:
          <<: *defaults
        b:
          <<: [*defaults]
          container: alpine:3.20@sha256:6666666666666666666666666666666666666666666666666666666666666666
      """
    When I run "ci-image check"
    Then the exit status is 1
    And stdout is
      """
      .forgejo/workflows/ci.yml:5:12: CI006 unreleased-pin codeberg.org/acme/ci:unreleased is not yet released: run the build workflow (build-ci-image.yml) once to publish the image and pin it (or pass --allow-unreleased while bootstrapping)
      2 image references in 1 workflow file: 1 problem
      """

  Scenario Outline: A merge Forgejo's YAML reader refuses is refused by <command>
    Forgejo rejects the whole workflow, so no image in it is used.
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        a:
          <<: [just, text]
          runs-on: docker
      """
    When I run "ci-image <command> <arguments>"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/ci.yml:4: map merge requires map or sequence of maps as the value; Forgejo rejects the workflow"
    And no file in the project changed

    Examples:
      | command | arguments                                                                                          |
      | check   |                                                                                                    |
      | pin     | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 |

  Scenario Outline: No workflow directory: <case>
    Given a file "<file>" with
      """
      <content>
      """
    When I run "ci-image <command>"
    Then the exit status is 2
    And stderr is one line containing "<message>"
    And no file in the project changed

    Examples:
      | case                       | file           | content                                                               | command                | message                                                                                   |
      | none of the three exists   | README.md      | hello                                                                 | check                  | none of .forgejo/workflows, .gitea/workflows, .github/workflows exists; create one or pass --workflows DIR |
      | --workflows names nothing  | README.md      | hello                                                                 | check --workflows ci/  | ci: workflow directory does not exist; pass an existing --workflows DIR                    |
      | an absolute path elsewhere | README.md      | hello                                                                 | check --workflows /nonexistent/ci | /nonexistent/ci: workflow directory does not exist; pass an existing --workflows DIR |

  Scenario: The directory named in [tool.ci-image] does not exist
    Given a file "pyproject.toml" with
      """
      [tool.ci-image]
      image = "codeberg.org/acme/ci"
      workflows = "ci/workflows"
      """
    And a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    When I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    Then the exit status is 2
    And stderr is one line containing "ci/workflows: workflow directory does not exist; pass an existing --workflows DIR or fix workflows in [tool.ci-image]"
    And no file in the project changed

  Scenario Outline: <case> is refused by <command>
    Given a file ".forgejo/workflows/a-good.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And a file ".forgejo/workflows/bad.yml" written byte for byte as
      """
      <bytes>
      """
    When I run "ci-image <command> <arguments>"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/bad.yml<where>: <message>"
    And no file in the project changed

    Examples: pin
      | case                | command | arguments                                                                                | bytes                                                     | where | message |
      | Invalid YAML        | pin     | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 | on: push<CR><LF>jobs:<CR><LF>  a: {runs-on: docker}}<CR> | :3    | not valid YAML at column 23: did not find expected key; fix the syntax |
      | A list              | pin     | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 | - on: push<LF>- jobs: {}                                  | :1    | is a list, not a mapping; a workflow is a mapping with 'on' and 'jobs' |
      | A scalar            | pin     | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 | just some text                                            | :1    | is a scalar, not a mapping; a workflow is a mapping with 'on' and 'jobs' |
      | An empty file       | pin     | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 | # nothing here                                            |       | is empty; a workflow is a mapping with 'on' and 'jobs' |
      | A duplicate key     | pin     | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 | on: push<LF>jobs:<LF>  a: {runs-on: x}<LF>  a: {runs-on: y} | :4  | duplicate key 'a' (first on line 3); YAML readers disagree on which wins: keep one |
      | Non-UTF-8 bytes     | pin     | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 | on: push<LF># caf<xE9><LF>jobs: {}                        | :2    | is not valid UTF-8 (byte 0xe9 at offset 14); save the file as UTF-8 |
      | A control character | pin     | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 | on: push<LF><LF>jobs: {a: <x07>}                          | :3    | contains U+0007, which YAML does not allow (control characters are not allowed); remove it |
      | Two documents       | pin     | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 | on: push<LF>---<LF>jobs: {}                               | :2    | holds more than one YAML document ('---'); a workflow is one document: split it into several files |
      | A recursive alias   | pin     | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 | on: push<LF>jobs: &j {a: *j}                              | :2    | contains an alias to a node that contains it (a recursive anchor); no workflow reader can expand it: remove the alias |
      | A key that is a list | pin    | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 | on: push<LF>jobs:<LF>  ? [a, b]<LF>  : {runs-on: x}          | :3    | has a mapping key that is itself a list or a mapping ('? ...'); workflow keys are strings: write a plain key |

    Examples: check
      | case                | command | arguments | bytes                                                 | where | message |
      | Invalid YAML        | check   |           | on: push<LF>jobs:<LF>  a: {runs-on: docker            | :4    | not valid YAML at column 1: did not find expected ',' or '}'; fix the syntax |
      | A duplicate key     | check   |           | on: push<LF>on: pull_request<LF>jobs: {}              | :2    | duplicate key 'on' (first on line 1) |
      | UTF-16, not UTF-8   | check   |           | <xFF><xFE>o<x00>n<x00>:<x00>                          | :1    | is not valid UTF-8 (byte 0xff at offset 0); save the file as UTF-8 |
      | A list              | check   |           | []                                                    | :1    | is a list, not a mapping |

  Scenario Outline: A symlinked workflow pointing outside the repository is refused by <command>
    Forgejo reads workflows from git, not through links; writing through such a link
    would change a file outside the repository.
    Given a file "repo/pyproject.toml" with
      """
      [tool.ci-image]
      image = "codeberg.org/acme/ci"
      """
    And a file "repo/.forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And a file "elsewhere.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And a symbolic link "repo/.forgejo/workflows/linked.yml" pointing to "../../../elsewhere.yml"
    When in "repo" I run "ci-image <command> <arguments>"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/linked.yml: is a symlink to "
    And stderr contains "outside the repository"
    And stderr contains "replace it with the file itself"
    And no file in the project changed
    And "repo/.forgejo/workflows/linked.yml" is still a symbolic link to "../../../elsewhere.yml"

    Examples:
      | command | arguments                                                                                          |
      | check   |                                                                                                    |
      | pin     | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 |

  Scenario Outline: A YAML alias bomb is refused by <command> before it expands
    Nine levels of nine aliases are a billion nodes in a few hundred bytes.
    Given a file ".forgejo/workflows/bomb.yml" with
      """
      on: push
      a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
      b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
      c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
      d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
      e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
      f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
      g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
      h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
      i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    When I run "ci-image <command> <arguments>"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/bomb.yml:7: expands to more than 200000 YAML nodes through aliases (an alias bomb?); refusing to read it"
    And no file in the project changed

    Examples:
      | command | arguments                                                                                          |
      | check   |                                                                                                    |
      | pin     | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 |

  Scenario: A file larger than any workflow is refused
    Given a file ".forgejo/workflows/huge.yml" of 5 MiB of comments
    When I run "ci-image check"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/huge.yml: is larger than 4 MiB; not a workflow"

  Scenario Outline: A file the user cannot read is refused by <command>
    Given a file ".forgejo/workflows/a.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And a file ".forgejo/workflows/secret.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And the project belongs to an unprivileged user
    And the file ".forgejo/workflows/secret.yml" cannot be read by anyone but root
    When I run "ci-image <command> <arguments>" as the unprivileged user
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/secret.yml: cannot read: Permission denied; check its permissions"
    And no file in the project changed

    Examples:
      | command | arguments                                                                                          |
      | check   |                                                                                                    |
      | pin     | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 |

  Scenario: A read-only file stops pin before any file changes
    Given a file ".forgejo/workflows/a.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And a file ".forgejo/workflows/b.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And a file ".forgejo/workflows/c.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And the project belongs to an unprivileged user
    And the file ".forgejo/workflows/b.yml" has the mode 0444
    When I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222" as the unprivileged user
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/b.yml: is read-only; make it writable (chmod u+w) and run again. Nothing was changed"
    And no file in the project changed
    And no temporary file is left in the project
    When I run "ci-image check --allow-unreleased" as the unprivileged user
    Then it succeeds

  Scenario Outline: A broken symlink is refused by <command>: <case>
    Given a file ".forgejo/workflows/a.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And a symbolic link ".forgejo/workflows/<link>" pointing to "<target>"
    When I run "ci-image <command> <arguments>"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/<link>: <message>; replace it with the file itself or remove it"
    And no file in the project changed

    Examples:
      | case       | link     | target    | command  | arguments                                                                                          | message                                                             |
      | a loop     | loop.yml | loop.yml  | check    |                                                                                                    | is a symlink that leads back to itself (a loop), not a workflow file |
      | a loop     | loop.yml | loop.yml  | pin      | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 | is a symlink that leads back to itself (a loop), not a workflow file |
      | a loop     | loop.yml | loop.yml  | triggers | --workflow .forgejo/workflows/loop.yml                                                             | is a symlink that leads back to itself (a loop), not a workflow file |
      | a dangling | gone.yml | gone/x.yml | check   |                                                                                                    | is a symlink to gone/x.yml, which does not exist                     |

  Scenario Outline: A workflow directory that is a symlink out of the repository is refused by <command>
    The repository is found from the path as written, not from where the link leads:
    otherwise the other tree would become the repository, and pin would write into it.
    Given the directory "repo" is the root of a git repository
    And a file "repo/pyproject.toml" with
      """
      [tool.ci-image]
      image = "codeberg.org/acme/ci"
      """
    And a file "elsewhere/workflows/ci.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And a symbolic link "repo/.forgejo/workflows" pointing to "../../elsewhere/workflows"
    When in "repo" I run "ci-image <command> <arguments>"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows: leads through a symlink to "
    And stderr contains "outside the repository"
    And stderr contains "replace the link with the directory itself, or pass --workflows DIR inside the repository"
    And no file in the project changed
    And "repo/.forgejo/workflows" is still a symbolic link to "../../elsewhere/workflows"

    Examples:
      | command  | arguments                                                                                          |
      | check    |                                                                                                    |
      | pin      | codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 |
      | triggers | --changed README.md                                                                                |

  Scenario: A link higher up, into another repository, is refused as well
    Here .forgejo is the link, and the workflow directory it leads to is a repository of
    its own: the repository around the workflows is still the one the path is written in.
    Given the directory "repo" is the root of a git repository
    And a file "repo/pyproject.toml" with
      """
      [tool.ci-image]
      image = "codeberg.org/acme/ci"
      """
    And the directory "elsewhere/.forgejo/workflows" is the root of a git repository
    And a file "elsewhere/.forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And a symbolic link "repo/.forgejo" pointing to "../elsewhere/.forgejo"
    When in "repo" I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows: leads through a symlink to "
    And no file in the project changed

  Scenario: A workflow directory linked to another place inside the repository is read and written through
    Given the directory "." is the root of a git repository
    And a file "ci/workflows/ci.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And a symbolic link ".forgejo/workflows" pointing to "../ci/workflows"
    When I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    Then it succeeds
    And stdout contains "changed .forgejo/workflows/ci.yml (1 reference)"
    And the file "ci/workflows/ci.yml" changed only in these places
      | line | before     | after                                                                     |
      | 3    | unreleased | 1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 |
    And ".forgejo/workflows" is still a symbolic link to "../ci/workflows"

  Scenario: A read-only file stops pin also for root, whom permissions do not stop
    CI jobs run as root, who may write any file: the mode bits decide, as for any user.
    Given a file ".forgejo/workflows/a.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And a file ".forgejo/workflows/b.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And the file ".forgejo/workflows/b.yml" has the mode 0444
    When I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/b.yml: is read-only; make it writable (chmod u+w) and run again. Nothing was changed"
    And no file in the project changed
    And the file ".forgejo/workflows/b.yml" still has the mode 0444
    And no temporary file is left in the project

  Scenario: When a file cannot be replaced, the files already replaced get their content back
    Every new content is written next to its file first, then the files are replaced one
    by one. A directory with the sticky bit, like /tmp, lets anyone write a new file in
    it but only the owner replace one: the second replacement fails after the first
    succeeded, and the first file is restored.
    Given a file ".forgejo/workflows/a.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And a file ".forgejo/workflows/z/b.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And the project belongs to an unprivileged user
    And the directory ".forgejo/workflows/z" belongs to root, with the sticky bit, and anyone may write in it
    And the file ".forgejo/workflows/z/b.yml" belongs to root, and anyone may write it
    And the file ".forgejo/workflows/a.yml" is noted as it is now
    When I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222" as the unprivileged user
    Then the exit status is 2
    And stderr is one line containing ".forgejo/workflows/z/b.yml: cannot replace it: Operation not permitted; the files already replaced were restored: check the file system and run again"
    And no file in the project changed
    And the file ".forgejo/workflows/a.yml" was replaced and restored: another file than the one noted
    And no temporary file is left in the project

  Scenario Outline: A FIFO named like a workflow is skipped by <command>, never opened
    Opening a FIFO waits for a writer that never comes. git stores no FIFO, so Forgejo
    never reads one: it is skipped, with a note, without being opened.
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And a FIFO ".forgejo/workflows/x.yml"
    When I run "ci-image <command>"
    Then the exit status is <status>
    And stderr contains "ci-image: note: .forgejo/workflows/x.yml: skipped: a FIFO (named pipe), not a workflow file"
    And ".forgejo/workflows/x.yml" is still a FIFO

    Examples:
      | command                                                                                               | status |
      | check --allow-unreleased                                                                              | 0      |
      | pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 | 0      |

  Scenario: A FIFO named on the command line is refused, never opened
    Given a FIFO "x.yml"
    When I run "ci-image check x.yml"
    Then the exit status is 2
    And stderr is one line containing "x.yml: is not a regular file (a FIFO?), not a workflow file"

  Scenario: SIGTERM while pin replaces 200 workflows: every file is put back, one line, exit 143
    A cancelled job or `timeout` sends SIGTERM. It takes Ctrl-C's path: the files already
    replaced get their old content back, the temporary files are removed.
    Given 200 workflow files in ".forgejo/workflows" whose job runs in "codeberg.org/acme/ci:unreleased"
    When I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222" and send it SIGTERM right after it replaces its first workflow
    Then the exit status is 143
    And stderr is one line containing "ci-image pin: terminated by SIGTERM"
    And no file in the project changed
    And a workflow was replaced and then put back while the command was stopping
    And no temporary file is left in the project

  Scenario: SIGTERM while pin writes its temporary files leaves none of them
    Each temporary file is registered for removal before a byte is written to it.
    Given 200 workflow files in ".forgejo/workflows" whose job runs in "codeberg.org/acme/ci:unreleased"
    When I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222" and send it SIGTERM right after it creates its first temporary file
    Then the exit status is 143
    And stderr is one line containing "ci-image pin: terminated by SIGTERM"
    And no file in the project changed
    And no temporary file is left in the project

  Scenario: Ctrl-C while pin writes its temporary files leaves none of them
    Given 200 workflow files in ".forgejo/workflows" whose job runs in "codeberg.org/acme/ci:unreleased"
    When I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222" and send it SIGINT right after it creates its first temporary file
    Then the exit status is 130
    And stderr is one line containing "ci-image pin: interrupted"
    And no file in the project changed
    And no temporary file is left in the project

  Scenario: After SIGKILL, the next pin removes the leftovers, says so, and repairs the half-pinned files
    Nothing runs after SIGKILL: the files renamed so far are pinned, the rest are not;
    the temporary files stay behind. Running pin again finishes the job.
    Given 200 workflow files in ".forgejo/workflows" whose job runs in "codeberg.org/acme/ci:unreleased"
    When I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222" and send it SIGKILL right after it replaces its first workflow
    Then the exit status is -9
    And some workflow files in ".forgejo/workflows" run in "codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222", the others still in "codeberg.org/acme/ci:unreleased"
    And temporary files of the killed run are left in ".forgejo/workflows"
    When I run "ci-image pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    Then it succeeds
    And stderr contains "ci-image: note: removed .forgejo/workflows/."
    And stderr contains "temporary files an interrupted (killed) ci-image run left behind"
    And every workflow file in ".forgejo/workflows" runs in "codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    And no temporary file is left in the project

  Scenario Outline: <command> removes what a killed run left, and says so
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"}
      """
    And a temporary file ".forgejo/workflows/.ci.yml.k3x9_a0q.ci-image.tmp" left by a killed run
    And a temporary file "ci/.shared.yml.abcdefgh.ci-image.tmp" left by a killed run
    And a file "ci/shared.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"}
      """
    And the directory "." is the root of a git repository
    And a symbolic link ".forgejo/workflows/shared.yml" pointing to "../../ci/shared.yml"
    When I run "ci-image <command>"
    Then it succeeds
    And stderr contains "ci-image: note: removed .forgejo/workflows/.ci.yml.k3x9_a0q.ci-image.tmp and 1 other: temporary files an interrupted (killed) ci-image run left behind"
    And ".forgejo/workflows/.ci.yml.k3x9_a0q.ci-image.tmp" no longer exists
    And "ci/.shared.yml.abcdefgh.ci-image.tmp" no longer exists

    Examples:
      | command                                                                                               |
      | check                                                                                                 |
      | pin codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222 |

  Scenario: A dry run removes nothing
    Given a file ".forgejo/workflows/ci.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "codeberg.org/acme/ci:unreleased"}
      """
    And a temporary file ".forgejo/workflows/.ci.yml.k3x9_a0q.ci-image.tmp" left by a killed run
    When I run "ci-image pin --dry-run codeberg.org/acme/ci:1bbb@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    Then it succeeds
    And ".forgejo/workflows/.ci.yml.k3x9_a0q.ci-image.tmp" still exists

  Scenario: A leftover that cannot be removed is named, and the check goes on
    Given a file ".forgejo/workflows/z/ci.yml" with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "alpine:3.20@sha256:2222222222222222222222222222222222222222222222222222222222222222"}
      """
    And a temporary file ".forgejo/workflows/z/.ci.yml.k3x9_a0q.ci-image.tmp" left by a killed run
    And the project belongs to an unprivileged user
    And the directory ".forgejo/workflows/z" is not writable
    When I run "ci-image check" as the unprivileged user
    Then it succeeds
    And stderr contains "ci-image: note: .forgejo/workflows/z/.ci.yml.k3x9_a0q.ci-image.tmp: a temporary file an interrupted ci-image run left behind; cannot remove it (Permission denied): remove it by hand"

  @registry
  Scenario: release removes what a killed run left, before it pushes
    Given a pyproject.toml whose image is "$REGISTRY/ci/image"
    And a file ".forgejo/workflows/ci.yml" naming the registry, with
      """
      on: push
      jobs:
        test: {runs-on: docker, container: "$REGISTRY/ci/image:unreleased"}
      """
    And a temporary file ".forgejo/workflows/.ci.yml.k3x9_a0q.ci-image.tmp" left by a killed run
    And an image archive "result.tar" tagged "ci-image:v1"
    When I run "ci-image release result.tar --insecure"
    Then it succeeds
    And stderr contains "ci-image: note: removed .forgejo/workflows/.ci.yml.k3x9_a0q.ci-image.tmp: a temporary file an interrupted (killed) ci-image run left behind"
    And ".forgejo/workflows/.ci.yml.k3x9_a0q.ci-image.tmp" no longer exists
