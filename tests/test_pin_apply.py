from __future__ import annotations

from pathlib import Path

from ci_image.pinning.apply import pin_workflows
from ci_image.reference import Reference, parse_reference

DIGESTS = {"16": "sha256:" + "1" * 64, "15": "sha256:" + "5" * 64}


def test_each_tag_is_asked_once_and_each_reference_keeps_its_own(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    directory = tmp_path / ".forgejo" / "workflows"
    directory.mkdir(parents=True)
    (directory / "a.yml").write_text(
        "on: push\njobs:\n  a: {container: postgres:16}\n  b: {container: postgres:15}\n",
        encoding="utf-8",
    )
    (directory / "b.yml").write_text(
        "on: push\njobs:\n  c: {container: 'docker.io/library/postgres:16'}\n", encoding="utf-8"
    )
    asked: list[str] = []

    def resolve(reference: Reference) -> str:
        asked.append(str(reference))
        return DIGESTS[str(reference.tag)]

    result = pin_workflows(parse_reference("postgres"), directory, dry_run=True, resolve=resolve)
    assert asked == ["postgres:16", "postgres:15"]
    assert [str(pin) for pin in result.pins] == [f"postgres:{t}@{d}" for t, d in DIGESTS.items()]
    assert [item.new for item in result.replacements] == [
        f"postgres:16@{DIGESTS['16']}",
        f"postgres:15@{DIGESTS['15']}",
        f"docker.io/library/postgres:16@{DIGESTS['16']}",
    ]
