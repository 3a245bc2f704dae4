"""Allows ``python -m ci_image``."""

from __future__ import annotations

import sys

from ci_image.cli import main

if __name__ == "__main__":
    sys.exit(main())
