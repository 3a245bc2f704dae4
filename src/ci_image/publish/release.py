"""``release``: push, then pin the reference the registry confirmed. Nothing half-done.

Order matters:

1. The archive is read and the registry asked (``plan_push``): a moved tag or a broken
   archive stops here.
2. The workflows are read and the pin is planned with a placeholder digest, in memory
   only: a broken workflow, or workflows that never name the repository, stop the
   release *before* the registry changes.
3. The push (upload and verification by digest). If it fails, no workflow changes.
4. The tag is read once more before the pins are written: after an upload, by the push
   itself (its step 5); when the tag already held the image, here, since it was last read
   in step 1. A push of another image under the same tag meanwhile stops the release
   with no file changed (see :mod:`ci_image.publish.push` for the window that remains).
5. ``pin_workflows`` with the digest the registry reported: all files or none. If this
   fails the image is already pushed; the error says so and names the ``ci-image pin``
   command that finishes the job (running the release again also does: it uploads
   nothing).

``--dry-run`` stops after step 2: when the tag already holds the image the pinned
reference is known and the real diff is shown; otherwise the digest exists only after
the push, and the references that would change are listed instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ci_image.errors import CiImageError
from ci_image.output import display_path
from ci_image.pinning.apply import PinResult, pin_workflows
from ci_image.publish.push import (
    Plan,
    PushOptions,
    PushResult,
    confirm_tag,
    finish_push,
    plan_push,
    private_tmpdir,
)
from ci_image.publish.registry import registry_session
from ci_image.trace import Trace

# Only ever used in memory, to plan the pin before the real digest exists; never written.
PLACEHOLDER_DIGEST = "sha256:" + "0" * 64


@dataclass(frozen=True)
class ReleaseResult:
    plan: Plan
    push: PushResult | None  # None for a dry run
    pin: PinResult  # for a dry run whose digest is not known yet: planned with a placeholder

    @property
    def digest_known(self) -> bool:
        return self.push is not None or self.plan.reference is not None


def release(
    options: PushOptions,
    directory: Path,
    *,
    dry_run: bool,
    trace: Trace,
    environ: Mapping[str, str],
) -> ReleaseResult:
    with (
        private_tmpdir(options.tmpdir) as work,
        registry_session(options.registry, environ=environ, trace=trace, work=work) as registry,
    ):
        plan = plan_push(options, registry, trace)
        placeholder = options.repository.with_pin(plan.tag, PLACEHOLDER_DIGEST)
        ci_image = options.repository
        planned = pin_workflows(
            placeholder, directory, ci_image=ci_image, dry_run=True, remove_leftovers=not dry_run
        )
        if dry_run:
            if plan.reference is not None:
                planned = pin_workflows(plan.reference, directory, ci_image=ci_image, dry_run=True)
            return ReleaseResult(plan=plan, push=None, pin=planned)
        pushed = finish_push(plan, options, registry, work, trace)
        reference = pushed.reference
        if pushed.skipped:  # an upload ends with its own re-read (push's step 5)
            confirm_tag(registry, plan, str(reference.digest))
        try:
            pinned = pin_workflows(reference, directory, ci_image=options.repository)
        except CiImageError as error:
            raise CiImageError(
                f"pushed {reference}, but no workflow was changed: {error.message}; fix "
                f"that, then finish with: ci-image pin {reference} --workflows "
                f"{display_path(directory)} (or run the release again: it uploads nothing)",
                path=error.path,
                line=error.line,
            ) from None
    return ReleaseResult(plan=plan, push=pushed, pin=pinned)
