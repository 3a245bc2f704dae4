from __future__ import annotations

from ci_image.workflows.sites import SiteStatus, find_image_sites
from workflow_helpers import workflow

PIN = "@sha256:" + "6" * 64


def sites(text: str) -> list[tuple[str, str, SiteStatus]]:
    return [(site.where, site.text, site.status) for site in find_image_sites(workflow(text))]


def test_list_and_include_values_are_sites_where_the_matrix_writes_them() -> None:
    text = f"""on: push
jobs:
  t:
    runs-on: docker
    container: ${{{{ Matrix.IMAGE }}}}
    strategy:
      matrix:
        image: ["a:1{PIN}", b:2]
        include:
          - image: c:3
          - other: x
"""
    assert sites(text) == [
        ("jobs.t.strategy.matrix.image[0]", f"a:1{PIN}", SiteStatus.REFERENCE),
        ("jobs.t.strategy.matrix.image[1]", "b:2", SiteStatus.REFERENCE),
        ("jobs.t.strategy.matrix.include[0].image", "c:3", SiteStatus.REFERENCE),
    ]
    found = find_image_sites(workflow(text))
    assert (found[1].line, found[1].col) == (8, 96)  # after the 64-digit digest
    assert text[found[1].span.start : found[1].span.end] == "b:2"  # type: ignore[union-attr]


def test_a_service_and_a_docker_step_read_the_matrix_too() -> None:
    text = """on: push
jobs:
  t:
    runs-on: docker
    strategy: {matrix: {db: [postgres:16], tool: [alpine:3]}}
    services:
      db: {image: "${{ matrix.db }}"}
    steps:
      - uses: docker://${{ matrix.tool }}
"""
    assert [(where, text) for where, text, _status in sites(text)] == [
        ("jobs.t.strategy.matrix.db[0]", "postgres:16"),
        ("jobs.t.strategy.matrix.tool[0]", "alpine:3"),
    ]


def test_what_cannot_be_read_stays_one_unresolvable_site() -> None:
    cases = {
        "matrix: '${{ fromJSON(vars.M) }}'": "${{ matrix.image }}",
        "matrix: {image: '${{ fromJSON(vars.M) }}'}": "${{ matrix.image }}",
        "matrix: {image: [a:1], include: '${{ fromJSON(vars.I) }}'}": "${{ matrix.image }}",
        "matrix: {other: [a:1]}": "${{ matrix.image }}",
        "matrix: {version: ['1']}": "python:${{ matrix.version }}",
    }
    for matrix, container in cases.items():
        text = f"on: push\njobs:\n  t:\n    container: '{container}'\n    strategy: {{{matrix}}}\n"
        assert [status for _where, _text, status in sites(text)] == [SiteStatus.UNRESOLVABLE], (
            matrix
        )


def test_an_expression_value_in_the_list_is_unresolvable_and_the_others_are_read() -> None:
    text = (
        "on: push\njobs:\n  t:\n    container: ${{ matrix.i }}\n"
        "    strategy: {matrix: {i: ['${{ vars.X }}', a:1, {k: v}]}}\n"
    )
    assert [status for _where, _text, status in sites(text)] == [
        SiteStatus.UNRESOLVABLE,
        SiteStatus.REFERENCE,
        SiteStatus.MALFORMED,
    ]


def test_include_entries_that_are_not_mappings_add_nothing() -> None:
    text = (
        "on: push\njobs:\n  t:\n    container: ${{ matrix.i }}\n"
        "    strategy: {matrix: {i: [a:1], include: [b:2, {i: c:3}]}}\n"
    )
    assert [value for _where, value, _status in sites(text)] == ["a:1", "c:3"]
