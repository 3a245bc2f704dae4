"""Running a pushed image with podman, entirely inside the scenario's directory.

Debian's podman 4.3 runs images here as root with the vfs storage driver and runc, and
with explicit ulimits (the defaults exceed what this kind of machine allows). In the
scenario directory: storage (``--root``), signature policy, registry settings, and
libpod's own state (``--tmpdir``: the exit files and locks that default to
``/run/libpod``). In a short directory of its own that the caller removes (podman
refuses a runroot path longer than 50 characters): the run state (``--runroot``) and
runc's container state (``--runtime-flag root=``, by default ``/run/runc``).
``--network none`` keeps podman from creating networks on the host, and
``--events-backend none`` from appending to ``/run/libpod/events/events.log``.

Checked with strace (every open, mkdir, unlink and rename of a run): what still lies
outside the scenario is machine state podman has no option for. The cgroups of the
container (``cgroupfs``, under ``libpod_parent``; runc cannot run without them, and
podman removes them with the container), the shared-memory lock segment
``/dev/shm/libpod_lock``, and, as for any root pull, the blob-info cache in
``/var/lib/containers/cache``. The trick that moves skopeo's cache into the scenario
(see support/registry.py) is withheld from podman: told it is rootless, podman also
creates ``/run/user/UID/libpod``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from support.registry import ROOTLESS_UID_VARIABLE

ACCEPT_ALL = '{"default": [{"type": "insecureAcceptAnything"}]}'


def podman_run(
    workdir: Path,
    runroot: Path,
    reference: str,
    command: list[str],
    env: dict[str, str],
    *,
    tls_verify: bool,
    cert_dir: Path | None = None,
    authfile: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    base = workdir / ".home" / "podman"
    for name in ("root", "tmp", "libpod"):
        (base / name).mkdir(parents=True, exist_ok=True)
    policy = base / "policy.json"
    policy.write_text(ACCEPT_ALL, encoding="utf-8")
    registries = base / "registries.conf"
    registries.write_text("unqualified-search-registries = []\n", encoding="utf-8")
    environment = dict(env, CONTAINERS_REGISTRIES_CONF=str(registries), TMPDIR=str(base / "tmp"))
    # Only the scenario's skopeo is told it is rootless (see the module docstring).
    environment.pop(ROOTLESS_UID_VARIABLE, None)
    global_options = [
        "--root", str(base / "root"), "--runroot", str(runroot),
        "--tmpdir", str(base / "libpod"), "--runtime-flag", f"root={runroot / 'runc'}",
        "--storage-driver", "vfs", "--runtime", "runc", "--events-backend", "none",
        "--cgroup-manager", "cgroupfs",
    ]  # fmt: skip
    run_options = [
        "--rm", "--network", "none", "--signature-policy", str(policy),
        "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
        f"--tls-verify={'true' if tls_verify else 'false'}",
    ]  # fmt: skip
    if cert_dir is not None:
        run_options += ["--cert-dir", str(cert_dir)]
    if authfile is not None:
        run_options += ["--authfile", str(authfile)]
    return subprocess.run(
        ["podman", *global_options, "run", *run_options, reference, *command],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )
