"""Shared settings of the unit tests.

Hypothesis: no deadline per example (the machine is shared and coverage slows every
call), and a fixed seed under CI so a failure there can be replayed; locally the seed
varies and failing examples are kept in .hypothesis/ to be tried first next time.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, database=None)
settings.load_profile("ci" if os.environ.get("CI") else "default")
