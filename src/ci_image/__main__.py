"""Allows ``python -m ci_image``."""

from __future__ import annotations

from ci_image.cli import run

if __name__ == "__main__":
    run()
