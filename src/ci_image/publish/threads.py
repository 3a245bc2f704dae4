"""Work on plain threads, its outcome taken back in the caller's thread.

Layers are hashed on every core and the pinned images asked about at once; not through
concurrent.futures, whose import (logging among it) costs a push ~5 ms.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar, cast

T = TypeVar("T")


def in_parallel(work: Sequence[Callable[[], T]], workers: int) -> list[T]:
    """The results of ``work`` in its order, run on at most ``workers`` daemon threads;
    if any failed, the first failure in that order is raised here."""
    results: list[T | None] = [None] * len(work)
    failures: dict[int, BaseException] = {}
    pending = iter(range(len(work)))
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                index = next(pending, None)
            if index is None:
                return
            try:
                results[index] = work[index]()
            except BaseException as error:  # raised in the caller's thread, never a traceback
                failures[index] = error

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(workers, len(work)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[min(failures)]
    return cast("list[T]", results)
