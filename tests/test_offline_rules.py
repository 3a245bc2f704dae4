"""The offline rules of ``ci-image check`` (CI001-CI006), on sites read from text."""

from __future__ import annotations

import pytest

from ci_image.findings.model import Finding
from ci_image.findings.offline import CheckOptions, check_sites, check_workflows
from ci_image.findings.rules import Severity
from ci_image.reference import parse_reference
from ci_image.workflows.sites import find_image_sites
from workflow_helpers import workflow

D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64
IMAGE = parse_reference("codeberg.org/acme/ci")


def findings(containers: list[str], **options: object) -> list[Finding]:
    jobs = "".join(
        f"  j{number}: {{runs-on: docker, container: '{image}'}}\n"
        for number, image in enumerate(containers)
    )
    sites = find_image_sites(workflow(f"on: push\njobs:\n{jobs}"))
    return check_sites(sites, CheckOptions(**options))  # type: ignore[arg-type]


def rules(found: list[Finding]) -> list[str]:
    return [finding.rule for finding in found]


@pytest.mark.parametrize(
    ("reference", "reason", "how"),
    [
        (
            "alpine",
            "has no tag and no digest: it follows whatever the registry serves",
            "; choose a version tag, then run ci-image pin alpine:TAG",
        ),
        (
            "alpine:latest",
            "uses the tag 'latest' without a digest: it follows every push",
            "; choose a version tag, then run ci-image pin alpine:TAG",
        ),
        (
            f"alpine:latest@{D1}",
            "uses the tag 'latest', which names no version",
            "; choose a version tag, then run ci-image pin alpine:TAG",
        ),
        (
            "alpine:3.20",
            "has no digest: a tag can be moved to another image",
            "; run ci-image check --fix, or ci-image pin alpine:3.20",
        ),
    ],
)
def test_a_reference_that_can_change_under_the_workflow_floats(
    reference: str, reason: str, how: str
) -> None:
    (finding,) = findings([reference])
    assert (finding.rule, finding.name) == ("CI001", "floating-reference")
    assert finding.message.startswith(f"{reference} {reason}")
    assert finding.message.endswith(how)


def test_a_digest_without_a_tag_is_immutable_a_note_not_a_failure() -> None:
    (finding,) = findings([f"alpine@{D1}"])
    assert (finding.rule, finding.name, finding.severity) == (
        "CI009",
        "digest-only-pin",
        Severity.NOTE,
    )
    assert f"write alpine:TAG@{D1} with the tag it was pulled as" in finding.message


def test_a_pinned_reference_is_fine() -> None:
    assert findings([f"alpine:3.20@{D1}"]) == []


def test_the_ci_image_floating_is_fixed_with_ci_image_pin() -> None:
    (finding,) = findings(["codeberg.org/acme/ci:1"], image=IMAGE)
    assert finding.message.endswith("run ci-image pin codeberg.org/acme/ci:1")


def test_malformed_and_unresolvable_references() -> None:
    found = findings(["Alpine", "${{ vars.IMAGE }}"])
    assert rules(found) == ["CI002", "CI003"]
    assert "path component 'Alpine' is invalid" in found[0].message


def test_pins_of_the_ci_image_that_disagree_with_the_majority() -> None:
    majority = f"codeberg.org/acme/ci:1@{D1}"
    other = f"codeberg.org/acme/ci:2@{D2}"
    found = findings([majority, majority, other], image=IMAGE)
    assert rules(found) == ["CI004"]
    assert found[0].message.startswith(f"{other} disagrees with the other pins")
    assert f"2 of 3 references pin {majority}, the majority" in found[0].message


def test_without_a_majority_every_pin_is_reported() -> None:
    one, two = f"codeberg.org/acme/ci:1@{D1}", f"codeberg.org/acme/ci:2@{D2}"
    found = findings([one, two], image=IMAGE)
    assert rules(found) == ["CI004", "CI004"]
    assert found[0].message.endswith(
        f"other references pin {two}; make them agree with "
        "ci-image pin codeberg.org/acme/ci:TAG@sha256:DIGEST"
    )


def test_other_images_never_disagree() -> None:
    assert findings([f"alpine:1@{D1}", f"alpine:2@{D2}"], image=IMAGE) == []


def test_a_tag_other_than_the_current_image_tag_is_stale() -> None:
    found = findings(
        [f"codeberg.org/acme/ci:1@{D1}"], image=IMAGE, current_tag="2", flake=".#ciImage"
    )
    assert rules(found) == ["CI005"]
    assert "the current image tag (.#ciImage.imageTag) is 2" in found[0].message
    assert findings([f"codeberg.org/acme/ci:2@{D1}"], image=IMAGE, current_tag="2") == []


def test_the_bootstrap_pin_is_an_error_unless_allowed() -> None:
    (error,) = findings(["codeberg.org/acme/ci:unreleased"], image=IMAGE)
    (note,) = findings(["codeberg.org/acme/ci:unreleased"], image=IMAGE, allow_unreleased=True)
    assert (error.rule, error.severity, note.rule, note.severity) == (
        "CI006",
        Severity.ERROR,
        "CI006",
        Severity.NOTE,
    )
    assert error.message.endswith("(or pass --allow-unreleased while bootstrapping)")


def test_a_site_reached_through_an_alias_is_checked_once() -> None:
    text = (
        "on: push\njobs:\n  a: {runs-on: docker, container: &image 'alpine:3.20'}\n"
        "  b: {runs-on: docker, container: *image}\n"
    )
    result = check_workflows([workflow(text)], CheckOptions())
    assert rules(list(result.findings)) == ["CI001"]
