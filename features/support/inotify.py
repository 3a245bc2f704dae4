"""Watching a directory with Linux inotify (through libc, as the standard library has no
binding), so a step can act at the exact moment a process creates or renames a file:
e.g. send SIGTERM right after ``pin`` replaced its first workflow."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path

IN_CREATE = 0x100
IN_MOVED_TO = 0x80
_EVENT = struct.Struct("iIII")


@dataclass
class Watch:
    """Events in one directory, read as they come; ``seen`` holds ``(mask, name)``."""

    directory: Path
    mask: int
    descriptor: int = -1
    seen: list[tuple[int, str]] = field(default_factory=list)

    def __enter__(self) -> Watch:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self.descriptor = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        assert self.descriptor >= 0, os.strerror(ctypes.get_errno())
        added = libc.inotify_add_watch(self.descriptor, str(self.directory).encode(), self.mask)
        assert added >= 0, os.strerror(ctypes.get_errno())
        return self

    def __exit__(self, *_: object) -> None:
        os.close(self.descriptor)

    def read(self, timeout: float) -> list[tuple[int, str]]:
        """The events that arrive within ``timeout`` seconds (at least one, if any)."""
        ready, _, _ = select.select([self.descriptor], [], [], timeout)
        if not ready:
            return []
        try:
            data = os.read(self.descriptor, 1 << 16)
        except BlockingIOError:
            return []
        events = []
        offset = 0
        while offset < len(data):
            _wd, mask, _cookie, length = _EVENT.unpack_from(data, offset)
            raw = data[offset + _EVENT.size : offset + _EVENT.size + length]
            events.append((mask, raw.rstrip(b"\0").decode()))
            offset += _EVENT.size + length
        self.seen.extend(events)
        return events

    def wait_for(self, mask: int, suffix: str, timeout: float) -> bool:
        """Block until an event of ``mask`` for a name ending in ``suffix``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event_mask, name in self.read(deadline - time.monotonic()):
                if event_mask & mask and name.endswith(suffix):
                    return True
        return False

    def drain(self, seconds: float = 0.2) -> None:
        """Read what is still queued."""
        while self.read(seconds):
            pass

    def count(self, mask: int, suffix: str) -> int:
        return sum(
            1 for event_mask, name in self.seen if event_mask & mask and name.endswith(suffix)
        )
