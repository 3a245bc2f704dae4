"""pytest: the pure logic of ci-image, in-process (the behave features run the CLI)."""

from __future__ import annotations

import sys
from pathlib import Path

# tests/helpers.py is imported as ``helpers``.
sys.path.insert(0, str(Path(__file__).parent))
