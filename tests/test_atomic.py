from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

from ci_image.pinning.atomic import interrupts_deferred
from ci_image.pinning.temporaries import TEMP_SUFFIX, leftover_of, temporary_prefix


class StopError(Exception):
    pass


@pytest.fixture
def raising_sigterm() -> Iterator[None]:
    def handler(_signum: int, _frame: FrameType | None) -> None:
        raise StopError

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@pytest.mark.usefixtures("raising_sigterm")
def test_a_real_sigterm_waits_for_the_end_of_the_block() -> None:
    done = []
    with pytest.raises(StopError), interrupts_deferred():
        os.kill(os.getpid(), signal.SIGTERM)
        done.append("the whole block ran")
    assert done == ["the whole block ran"]


def test_the_names_a_killed_run_leaves_are_recognised() -> None:
    with tempfile.TemporaryDirectory() as directory:
        descriptor, name = tempfile.mkstemp(
            prefix=temporary_prefix("ci.yml"), suffix=TEMP_SUFFIX, dir=directory
        )
        os.close(descriptor)
        assert leftover_of(Path(name).name) == "ci.yml"
    assert leftover_of(".a.b.yml.abcd_123.ci-image.tmp") == "a.b.yml"
    assert leftover_of("ci.yml") is None
    assert leftover_of(".ci.yml.short.ci-image.tmp") is None
    assert leftover_of(".ci.yml.ABCDEFGH.ci-image.tmp") is None
