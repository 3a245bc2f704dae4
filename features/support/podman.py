"""Running a pushed image with podman, entirely inside the scenario's directory.

Debian's podman 4.3 runs images here as root with the vfs storage driver and runc, and
with explicit ulimits (the defaults exceed what this kind of machine allows). Storage,
signature policy, registry settings and libpod's own state (``--tmpdir``: the exit
files and locks that default to ``/run/libpod``) live in the scenario directory; the run
state (``--runroot``) lives in a short directory of its own that the caller removes,
because podman refuses a runroot path longer than 50 characters. ``--network none``
keeps podman from creating networks on the host, and ``--events-backend none`` from
appending to ``/run/libpod/events/events.log``: nothing outside the scenario is touched.
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
    # Only the scenario's skopeo is told it is rootless (see support/registry.py); podman,
    # told so, would try to set up a user namespace.
    environment.pop(ROOTLESS_UID_VARIABLE, None)
    global_options = [
        "--root", str(base / "root"), "--runroot", str(runroot),
        "--tmpdir", str(base / "libpod"),
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
