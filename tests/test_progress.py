"""How a watched program's progress is measured: often enough to see a stall, no more."""

from __future__ import annotations

import os

import pytest

from ci_image import process
from ci_image.process import _POLL_SECONDS, PROGRESS_BYTES, _Progress


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Each read of ``/proc/PID/io`` (answered with no bytes moved)."""
    calls: list[float] = []

    def read(self: _Progress) -> int:
        calls.append(self.checked)
        return 0

    monkeypatch.setattr(process._Progress, "_moved", read)
    return calls


def test_the_counter_is_read_at_most_once_per_poll_interval(reads: list[float]) -> None:
    progress = _Progress(os.getpid(), stall=10.0, now=100.0)
    assert len(reads) == 1  # the starting mark
    for step in range(50):  # a program that writes a log line every millisecond
        assert not progress.stalled(100.0 + step / 1000, waiting=False)
    assert len(reads) == 1
    assert not progress.stalled(100.0 + _POLL_SECONDS, waiting=False)
    assert len(reads) == 2


def test_no_stall_bound_never_reads_the_counter(reads: list[float]) -> None:
    progress = _Progress(os.getpid(), stall=None, now=0.0)
    assert not progress.stalled(1000.0, waiting=False)
    assert reads == []


def test_a_stall_is_still_seen_within_one_poll_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    moved = [0]
    monkeypatch.setattr(process._Progress, "_moved", lambda self: moved[0])
    progress = _Progress(os.getpid(), stall=2.0, now=0.0)
    moved[0] = PROGRESS_BYTES  # enough moved at first: the window restarts
    assert not progress.stalled(1.0, waiting=False)
    assert not progress.stalled(3.0, waiting=False)  # 2 s since the last progress: not more
    assert progress.stalled(3.0 + _POLL_SECONDS, waiting=False)


def test_without_a_readable_counter_only_the_deadline_applies() -> None:
    """No procfs (or ``hidepid``): no stall is ever reported."""
    progress = _Progress(-1, stall=1.0, now=0.0)  # /proc/-1/io never exists
    assert progress.mark is None
    assert not progress.stalled(10.0, waiting=False)
    assert not progress.stalled(20.0, waiting=False)
