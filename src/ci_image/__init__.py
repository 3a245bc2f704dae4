"""ci-image: pin and publish a Nix-built CI image for a uv project."""

from __future__ import annotations


def package_version() -> str:
    """The installed version; looked up only when asked (importlib.metadata, ~30 ms)."""
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version("ci-image")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"
