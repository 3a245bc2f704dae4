"""The port of act's workflowpattern: pattern to regex, compile errors, Skip and Filter.

The tables are those of features/path_patterns.feature before it kept only a few
examples, which in turn port ``TestMatchPattern`` of nektos/act v0.2.87
``pkg/workflowpattern/workflow_pattern_test.go``. Each case is checked against the plain
port (:mod:`ci_image.triggers.patterns`), the fast evaluation
(:mod:`ci_image.triggers.matching`) and the decision ``ci-image triggers`` makes.
"""

from __future__ import annotations

import pytest

from ci_image.errors import CiImageError
from ci_image.triggers import matching
from ci_image.triggers.patterns import (
    InvalidPatternError,
    compile_pattern,
    filter_,
    ignore_verdict,
    include_verdict,
    pattern_to_regex,
    skip,
)
from workflow_helpers import decide_text

REGEXES = [
    ("*", "^[^/]*$", False),
    ("**", "^.*$", False),
    ("**/README.md", r"^(.+/)?README\.md$", False),
    ("docs/**/*.md", r"^docs/(.+/)?[^/]*\.md$", False),
    ("**.js", r"^.*\.js$", False),
    ("*.jsx?", r"^[^/]*\.jsx?$", False),
    ("v[12].[0-9]+", r"^v[12]\.[0-9]+$", False),
    ("?x", r"^\?x$", False),
    ("+x", r"^\+x$", False),
    ("a??", "^a??$", False),
    ("(a){1}$^", r"^\(a\)\{1\}\$\^$", False),
    (r"\*literal", r"^\*literal$", False),
    (r"\!file", "^!file$", False),
    (r"escape\\backslash", r"^escape\\backslash$", False),
    ("[A-z_]", "^[A-z_]$", False),
    ("!README.md", r"^README\.md$", True),
    ("!*.md", r"^[^/]*\.md$", True),
]


@pytest.mark.parametrize(("raw", "regex", "negative"), REGEXES)
def test_a_pattern_becomes_the_regex_forgejo_builds(raw: str, regex: str, negative: bool) -> None:
    pattern = compile_pattern(raw)
    assert (pattern.regex, pattern.negative, pattern.text) == (regex, negative, raw)
    assert pattern.body == raw.removeprefix("!")


TRIGGERS, SKIPPED = True, False
MATCHES = [
    (["*"], ["path/with/slash"], SKIPPED, TRIGGERS),
    (["path/a", "path/b", "path/c"], ["meta", "path/b", "otherfile"], TRIGGERS, TRIGGERS),
    (["path/a", "path/b", "path/c"], ["path/b"], TRIGGERS, SKIPPED),
    (["path/a", "path/b", "path/c"], ["path/c", "path/b"], TRIGGERS, SKIPPED),
    (["path/a", "path/b", "path/c"], ["path/c", "path/b", "path/a"], TRIGGERS, SKIPPED),
    (["path/a", "path/b", "path/c"], ["path/c", "path/b", "path/d", "path/a"], TRIGGERS, TRIGGERS),
    ([], [], TRIGGERS, TRIGGERS),
    ([r"\!file"], ["!file"], TRIGGERS, SKIPPED),
    ([r"escape\\backslash"], [r"escape\backslash"], TRIGGERS, SKIPPED),
    ([".yml"], ["fyml"], SKIPPED, TRIGGERS),
    (["feature/*"], ["feature/my-branch"], TRIGGERS, SKIPPED),
    (["feature/*"], ["feature/your-branch"], TRIGGERS, SKIPPED),
    (["feature/**"], ["feature/beta-a/my-branch"], TRIGGERS, SKIPPED),
    (["feature/**"], ["feature/mona/the/octocat"], TRIGGERS, SKIPPED),
    (["main", "releases/mona-the-octocat"], ["main"], TRIGGERS, SKIPPED),
    (["main", "releases/mona-the-octocat"], ["releases/mona-the-octocat"], TRIGGERS, SKIPPED),
    (["*"], ["main"], TRIGGERS, SKIPPED),
    (["*"], ["releases"], TRIGGERS, SKIPPED),
    (["**"], ["all/the/branches"], TRIGGERS, SKIPPED),
    (["**"], ["every/tag"], TRIGGERS, SKIPPED),
    (["*feature"], ["mona-feature"], TRIGGERS, SKIPPED),
    (["*feature"], ["feature"], TRIGGERS, SKIPPED),
    (["*feature"], ["ver-10-feature"], TRIGGERS, SKIPPED),
    (["v2*"], ["v2"], TRIGGERS, SKIPPED),
    (["v2*"], ["v2.0"], TRIGGERS, SKIPPED),
    (["v2*"], ["v2.9"], TRIGGERS, SKIPPED),
    (["v[12].[0-9]+.[0-9]+"], ["v1.10.1"], TRIGGERS, SKIPPED),
    (["v[12].[0-9]+.[0-9]+"], ["v2.0.0"], TRIGGERS, SKIPPED),
    (["*"], ["README.md"], TRIGGERS, SKIPPED),
    (["*"], ["server.rb"], TRIGGERS, SKIPPED),
    (["*.jsx?"], ["page.js"], TRIGGERS, SKIPPED),
    (["*.jsx?"], ["page.jsx"], TRIGGERS, SKIPPED),
    (["**"], ["all/the/files.md"], TRIGGERS, SKIPPED),
    (["*.js"], ["app.js"], TRIGGERS, SKIPPED),
    (["*.js"], ["index.js"], TRIGGERS, SKIPPED),
    (["**.js"], ["index.js"], TRIGGERS, SKIPPED),
    (["**.js"], ["js/index.js"], TRIGGERS, SKIPPED),
    (["**.js"], ["src/js/app.js"], TRIGGERS, SKIPPED),
    (["docs/*"], ["docs/README.md"], TRIGGERS, SKIPPED),
    (["docs/*"], ["docs/file.txt"], TRIGGERS, SKIPPED),
    (["docs/**"], ["docs/README.md"], TRIGGERS, SKIPPED),
    (["docs/**"], ["docs/mona/octocat.txt"], TRIGGERS, SKIPPED),
    (["docs/**/*.md"], ["docs/README.md"], TRIGGERS, SKIPPED),
    (["docs/**/*.md"], ["docs/mona/hello-world.md"], TRIGGERS, SKIPPED),
    (["docs/**/*.md"], ["docs/a/markdown/file.md"], TRIGGERS, SKIPPED),
    (["**/docs/**"], ["docs/hello.md"], TRIGGERS, SKIPPED),
    (["**/docs/**"], ["dir/docs/my-file.txt"], TRIGGERS, SKIPPED),
    (["**/docs/**"], ["space/docs/plan/space.doc"], TRIGGERS, SKIPPED),
    (["**/README.md"], ["README.md"], TRIGGERS, SKIPPED),
    (["**/README.md"], ["js/README.md"], TRIGGERS, SKIPPED),
    (["**/*src/**"], ["a/src/app.js"], TRIGGERS, SKIPPED),
    (["**/*src/**"], ["my-src/code/js/app.js"], TRIGGERS, SKIPPED),
    (["**/*-post.md"], ["my-post.md"], TRIGGERS, SKIPPED),
    (["**/*-post.md"], ["path/their-post.md"], TRIGGERS, SKIPPED),
    (["**/migrate-*.sql"], ["migrate-10909.sql"], TRIGGERS, SKIPPED),
    (["**/migrate-*.sql"], ["db/migrate-v1.0.sql"], TRIGGERS, SKIPPED),
    (["**/migrate-*.sql"], ["db/sept/migrate-v1.sql"], TRIGGERS, SKIPPED),
    (["*.md", "!README.md"], ["hello.md"], TRIGGERS, SKIPPED),
    (["*.md", "!README.md"], ["README.md"], SKIPPED, SKIPPED),
    (["*.md", "!README.md"], ["docs/hello.md"], SKIPPED, SKIPPED),
    (["*.md", "!README.md", "README*"], ["hello.md"], TRIGGERS, SKIPPED),
    (["*.md", "!README.md", "README*"], ["README.md"], TRIGGERS, SKIPPED),
    (["*.md", "!README.md", "README*"], ["README.doc"], TRIGGERS, SKIPPED),
]


@pytest.mark.parametrize(("raw", "changed", "paths", "paths_ignore"), MATCHES)
def test_skip_and_filter_answer_as_act_does(
    raw: list[str], changed: list[str], paths: bool, paths_ignore: bool
) -> None:
    patterns = tuple(compile_pattern(text) for text in raw)
    assert skip(patterns, changed) is not paths
    assert filter_(patterns, changed) is not paths_ignore
    assert matching.include(patterns, changed)[0] is paths
    assert matching.keep(patterns, changed)[0] is paths_ignore


@pytest.mark.parametrize(("raw", "changed", "paths", "paths_ignore"), MATCHES)
def test_the_decision_follows_skip_and_filter(
    raw: list[str], changed: list[str], paths: bool, paths_ignore: bool
) -> None:
    listed = ", ".join("'" + text.replace("'", "''") + "'" for text in raw)
    for key, expected in (("paths", paths), ("paths-ignore", paths_ignore)):
        text = f"on:\n  push:\n    {key}: [{listed}]\njobs: {{}}\n"
        assert decide_text(text, changed=changed).triggers is expected, key


def test_the_last_matching_pattern_decides_a_value_in_an_include_list() -> None:
    patterns = tuple(compile_pattern(text) for text in ["docs/**", "!docs/drafts/**"])
    assert include_verdict(patterns, "docs/guide.md") == ("docs/guide.md", "included", "docs/**")
    assert include_verdict(patterns, "docs/drafts/a.md") == (
        "docs/drafts/a.md",
        "excluded",
        "!docs/drafts/**",
    )
    assert include_verdict(patterns, "README.md") == ("README.md", "unmatched", None)


def test_a_negative_pattern_in_an_ignore_list_ignores_what_it_does_not_match() -> None:
    patterns = (compile_pattern("!docs/**"),)
    assert ignore_verdict(patterns, "src/app.py") == ("src/app.py", "ignored", "!docs/**")
    assert ignore_verdict(patterns, "docs/index.md") == ("docs/index.md", "kept", None)


INVALID = [
    ("src/[ab", "invalid Pattern 'src/[ab': Position: 7 Error: "
                "Missing closing bracket ']' after '['"),
    ("[]", "invalid Pattern '[]': Position: 1 Error: Unexpected empty brackets '[]'"),
    ("[-a]", "invalid Pattern '[-a]': Position: 1 Error: Invalid range"),
    ("[z-a]", "invalid Pattern '[z-a]': Position: 2 Error: "
              "Ranges can only include a-z, A-Z, A-z, and 0-9"),
    ("[a.]", "invalid Pattern '[a.]': Position: 2 Error: Ranges can only include a-z, A-Z and 0-9"),
    ("tail\\", "invalid Pattern 'tail\\': Position: 4 Error: Missing symbol after \\"),
    ("*+", "error parsing regexp: invalid nested repetition operator: `*+`"),
    ("a++", "error parsing regexp: invalid nested repetition operator: `++`"),
    ("a???", "error parsing regexp: invalid nested repetition operator: `???`"),
    ("**/+", "error parsing regexp: invalid nested repetition operator: `?+`"),
    ("[A-\\]", "error parsing regexp: missing closing ]: `[A-\\]$`"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "message"), INVALID)
def test_an_invalid_pattern_is_refused_as_go_refuses_it(raw: str, message: str) -> None:
    with pytest.raises(InvalidPatternError) as refused:
        compile_pattern(raw)
    assert str(refused.value) == message


@pytest.mark.parametrize(("raw", "message"), INVALID)
def test_an_invalid_pattern_is_an_error_of_the_workflow(raw: str, message: str) -> None:
    text = f"on:\n  push:\n    paths: ['{raw}']\njobs: {{}}\n"
    with pytest.raises(CiImageError) as refused:
        decide_text(text, changed=["x"])
    where = ".forgejo/workflows/ci.yml:3: on.push.paths"
    assert str(refused.value).startswith(f"{where}: {message}")


def test_every_problem_of_a_pattern_is_named_in_position_order() -> None:
    with pytest.raises(InvalidPatternError) as refused:
        pattern_to_regex("[]x[z-a")
    assert str(refused.value) == (
        "invalid Pattern '[]x[z-a': Position: 1 Error: Unexpected empty brackets '[]', "
        "Position: 5 Error: Ranges can only include a-z, A-Z, A-z, and 0-9, "
        "Position: 7 Error: Missing closing bracket ']' after '['"
    )
