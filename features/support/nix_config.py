"""The Nix settings every test and benchmark runs Nix with."""

from __future__ import annotations

# Nix must never wait for DNS on a machine without network (no substituters), nor need
# build users or a sandbox; flakes are used by the features and benchmarks.
NIX_CONFIG = "\n".join(
    [
        "substituters =",
        "build-users-group =",
        "sandbox = false",
        "experimental-features = nix-command flakes",
    ]
)
