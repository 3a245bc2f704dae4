"""``init`` as a plan: every file it would create or change, and why, before any write.

Reading and planning are separate from writing so that ``--dry-run`` shows exactly what a
real run writes, a second run finds nothing to do, and a refusal leaves everything as it
was. Writing is :func:`apply_plan`: all files or none (:mod:`ci_image.pinning.atomic`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ci_image.adopt import actionlint
from ci_image.adopt.build_workflow import (
    BRANCH_NAME,
    BUILD_WORKFLOW_NAME,
    render_build_workflow,
)
from ci_image.adopt.gitinfo import default_branch, push_remote, repository_root
from ci_image.adopt.jobs import BOOTSTRAP_TAG, JobChange, WorkflowEdit, adopt_workflow
from ci_image.adopt.project import UvProject, read_optional, read_project
from ci_image.adopt.remote import image_from_remote
from ci_image.adopt.settings_edit import configured_image, set_image
from ci_image.errors import CiImageError
from ci_image.image.input_paths import image_input_paths
from ci_image.output import display_path
from ci_image.pinning.atomic import FileWrite, write_files
from ci_image.pinning.diff import unified_diff
from ci_image.reference import MalformedReferenceError, Reference, parse_repository
from ci_image.settings import TABLE, Settings, load_settings
from ci_image.workflows.discovery import DISCOVERY_DIRS, discovered_workflow_dir
from ci_image.workflows.loader import Workflow, load_workflows

FLAKE = "flake.nix"
FLAKE_LOCK = "flake.lock"
FLAKE_TEMPLATE = Path(__file__).parent / "template" / FLAKE


@dataclass(frozen=True)
class InitOptions:
    image: str | None = None
    branch: str | None = None
    force: bool = False


@dataclass(frozen=True)
class FilePlan:
    """One file: ``old`` None means it does not exist; ``new`` None means it stays."""

    path: Path
    old: bytes | None
    new: bytes | None
    reasons: tuple[str, ...]
    kept: bool = False

    @property
    def action(self) -> str:
        """create, update, unchanged, or kept (it differs, and only --force replaces it)."""
        if self.kept:
            return "kept"
        if self.new is None:
            return "unchanged"
        return "create" if self.old is None else "update"

    def diff(self, base: Path) -> str:
        """A unified diff that ``git apply`` applies (``/dev/null`` for a new file); empty
        for a file that stays."""
        if self.new is None:
            return ""
        name = display_path(self.path, base)
        old_text = "" if self.old is None else self.old.decode("utf-8")
        old_name = "/dev/null" if self.old is None else f"a/{name}"
        return unified_diff(old_text, self.new.decode("utf-8"), old_name, f"b/{name}")


@dataclass(frozen=True)
class AdoptionPlan:
    """Every file init would write, each job's story, and what the next steps depend on:
    whether flake.lock exists, and which tags of the image the jobs run in afterwards."""

    root: Path
    image: str
    image_source: str
    branch: str
    inputs: tuple[str, ...]
    files: tuple[FilePlan, ...]
    jobs: tuple[tuple[Path, JobChange], ...]
    notes: tuple[str, ...] = field(default=())
    flake_locked: bool = False

    @property
    def changes(self) -> list[FilePlan]:
        return [item for item in self.files if item.new is not None]

    @property
    def bootstrap_pin(self) -> str:
        return f"{self.image}:{BOOTSTRAP_TAG}"

    @property
    def released(self) -> bool:
        """Some job runs in an image ``release`` pinned: the build workflow ran, so the
        runner and the secrets it needs exist."""
        return any(_released(reference) for reference in self._references())

    @property
    def awaiting_release(self) -> bool:
        """Some job runs in the bootstrap pin, which the next release replaces."""
        return any(_bootstrap(reference) for reference in self._references())

    def _references(self) -> list[Reference]:
        return [job.runs_in for _path, job in self.jobs if job.runs_in is not None]

    def diff(self, base: Path) -> str:
        return "".join(item.diff(base) for item in self.files)


def _bootstrap(reference: Reference) -> bool:
    return reference.digest is None and reference.tag == BOOTSTRAP_TAG


def _released(reference: Reference) -> bool:
    return reference.digest is not None or reference.tag not in (None, BOOTSTRAP_TAG)


def plan_adoption(root: Path, options: InitOptions) -> AdoptionPlan:
    """Read the project and decide every change; raises :class:`CiImageError` on bad input."""
    root = root.resolve()
    project = read_project(root)
    repository = repository_root(root)
    if repository is not None and repository != root:
        # Forgejo reads the workflows, and matches push paths, from the repository's root.
        raise CiImageError(
            f"is a subdirectory of the git repository {repository}; Forgejo reads the "
            "workflows and matches their push paths at the repository's root, so ci-image "
            f"init adopts a project there only: run it in {repository}, or set a project "
            "in a subdirectory up by hand",
            path=root,
        )
    settings = load_settings(root)  # validates [tool.ci-image] as every command reads it
    image, source = _image(project, options)
    branch = options.branch or default_branch(root)
    if not BRANCH_NAME.match(branch):
        raise CiImageError(f"--branch {branch!r} is not a plain branch name; give one like main")
    workflow_dir = _workflow_dir(root, settings)
    notes: list[str] = []
    files: list[FilePlan] = [_settings_file(project, image, options.force)]
    flake = _template_file(
        root / FLAKE, _flake_template(), "the flake from ci-image's template", options.force
    )
    files.append(flake)
    workflows = load_workflows(workflow_dir) if workflow_dir.is_dir() else []
    # The flake as it will be: the template, or the maintainer's own, when kept.
    flake_text = (flake.new or flake.old or b"").decode("utf-8", "replace")
    inputs = tuple(image_input_paths(root, project.lock, flake_text))
    build_path = _build_workflow_path(workflow_dir, workflows)
    jobs: list[tuple[Path, JobChange]] = []
    labels: set[str] = set()
    for workflow in workflows:
        if workflow.path == build_path:
            continue
        edit = adopt_workflow(workflow, image)
        labels.update(edit.labels)
        files.append(_workflow_file(workflow, edit))
        jobs.extend((workflow.path, job) for job in edit.jobs)
    pin = f"{image}:{BOOTSTRAP_TAG}"
    if not workflows:
        notes.append(
            f"no workflow in {display_path(workflow_dir, root)} yet: in each job that should "
            f"run in the image, write `container: {pin}`"
        )
    elif not any(job.runs_in is not None for _path, job in jobs):
        notes.append(
            f"no job runs in the image (see why above): in each job that should, write "
            f"`container: {pin}`; until one does, ci-image check reports CI012"
        )
    relative_build = build_path.relative_to(root).as_posix()
    build_text = render_build_workflow(inputs, relative_build, branch)
    files.append(
        _template_file(build_path, build_text.encode("utf-8"), "the build workflow", options.force)
    )
    files.append(_actionlint_file(root, labels | {"nix"}))
    return AdoptionPlan(
        root,
        image,
        source,
        branch,
        inputs,
        tuple(files),
        tuple(jobs),
        tuple(notes),
        flake_locked=(root / FLAKE_LOCK).is_file(),
    )


def _workflow_dir(root: Path, settings: Settings) -> Path:
    """``workflows`` of the settings, else the directory Forgejo reads, else where init
    creates it; inside the project, as the build workflow's ``paths:`` are relative to it."""
    found = settings.workflows or discovered_workflow_dir(root) or root / DISCOVERY_DIRS[0]
    directory = Path(os.path.normpath(found))  # lexical: `ci/../x` is `x`, links stay
    if not directory.resolve().is_relative_to(root):
        where = f"workflows in [tool.{TABLE}]" if settings.workflows else "the workflow directory"
        raise CiImageError(
            f"{where} leads to {directory.resolve()}, outside the project {root}; name a "
            f"directory inside it",
            path=settings.pyproject if settings.workflows else directory,
            line=settings.key_line("workflows") if settings.workflows else None,
        )
    return directory


def _image(project: UvProject, options: InitOptions) -> tuple[str, str]:
    configured = configured_image(project.pyproject)
    if options.image is not None:
        try:
            image = parse_repository(options.image).repository
        except MalformedReferenceError as error:
            raise CiImageError(f"--image {options.image!r}: {error}") from None
        if configured is not None and configured != image and not options.force:
            raise CiImageError(
                f"[tool.ci-image] already sets image = {configured!r}, not {image!r}; "
                "drop --image to keep it, or add --force to replace it",
                path=project.pyproject_path,
            )
        return image, "--image"
    if configured is not None:
        return configured, "[tool.ci-image] of pyproject.toml"
    remote = push_remote(project.root)
    if remote is None:
        raise CiImageError(
            "cannot derive the image name: no git remote (origin) to read HOST/OWNER/REPO "
            "from; pass --image REGISTRY/OWNER/IMAGE",
            path=project.root,
        )
    derived = image_from_remote(remote.url)
    if derived.name is None:
        raise CiImageError(
            f"cannot derive the image name from git remote {remote.name}: {derived.problem}; "
            "pass --image REGISTRY/OWNER/IMAGE",
            path=project.root,
        )
    return derived.name, f"git remote {remote.name} ({remote.url})"


def _settings_file(project: UvProject, image: str, force: bool) -> FilePlan:
    edit = set_image(
        project.pyproject_text, project.pyproject, image, project.pyproject_path, replace=force
    )
    old = project.pyproject_text.encode("utf-8")
    new = None if edit.text is None else edit.text.encode("utf-8")
    return FilePlan(project.pyproject_path, old, new, (edit.reason,))


def _flake_template() -> bytes:
    try:
        return FLAKE_TEMPLATE.read_bytes()
    except OSError as error:  # pragma: no cover - the package ships it
        raise CiImageError(
            f"the flake template is missing from this installation of ci-image ({error}); "
            "reinstall it"
        ) from None


def _template_file(path: Path, content: bytes, what: str, force: bool) -> FilePlan:
    """A file ``init`` owns the content of: written when absent, kept when it differs
    (someone changed it) unless ``force``."""
    old = read_optional(path)
    if old is None:
        return FilePlan(path, None, content, (f"{what}",))
    if old == content:
        return FilePlan(path, old, None, (f"already {what}",))
    if not force:
        return FilePlan(path, old, None, (f"it differs from {what}; --force replaces it",), True)
    return FilePlan(path, old, content, (f"replaced by {what} (--force)",))


def _build_workflow_path(directory: Path, workflows: Sequence[Workflow]) -> Path:
    """An existing build-ci-image.yml or .yaml, else where to create it."""
    for workflow in workflows:
        if workflow.path.parent == directory and workflow.path.stem == "build-ci-image":
            return workflow.path
    return directory / BUILD_WORKFLOW_NAME


def _workflow_file(workflow: Workflow, edit: WorkflowEdit) -> FilePlan:
    old = workflow.text.encode("utf-8")
    if edit.new_text is None:
        return FilePlan(workflow.path, old, None, ("no job to change",))
    changed = [job for job in edit.jobs if job.changes]
    reasons = tuple(f"job {job.job}: {change}" for job in changed for change in job.changes)
    return FilePlan(workflow.path, old, edit.new_text.encode("utf-8"), reasons)


def _actionlint_file(root: Path, labels: set[str]) -> FilePlan:
    needed = actionlint.needed_labels(labels)
    for candidate in actionlint.CANDIDATES:
        path = root / candidate
        old = read_optional(path)
        if old is None:
            continue
        edit = actionlint.add_labels(old.decode("utf-8", errors="replace"), needed)
        if edit.problem is not None:
            return FilePlan(
                path,
                old,
                None,
                (f"it {edit.problem}; add the labels {', '.join(needed)} by hand",),
                True,
            )
        if edit.text is None:
            return FilePlan(path, old, None, ("already lists the runner labels",))
        return FilePlan(
            path, old, edit.text.encode("utf-8"), (f"runner labels {', '.join(edit.added)} added",)
        )
    path = root / actionlint.DEFAULT_PATH
    return FilePlan(
        path,
        None,
        actionlint.new_config(needed).encode("utf-8"),
        (f"actionlint's runner labels: {', '.join(needed)}",),
    )


def apply_plan(plan: AdoptionPlan) -> list[Path]:
    """Write every change, all files or none; returns the paths written."""
    writes = [
        FileWrite(item.path, item.new, item.old) for item in plan.changes if item.new is not None
    ]
    if not writes:
        return []
    return write_files(writes)
