"""Retrying what may go away by itself: refused connections, timeouts, 5xx, 429.

Authentication failures, refused tags and bad input are never retried: the same
request would fail the same way, and retrying a wrong password can lock an account.
Nor are HTTP 501 (Not Implemented) and 505 (HTTP Version Not Supported): they describe
the server, not its load, and never succeed on a second try.

A registry that answered 429 with ``Retry-After`` gets the wait it asked for before the
next attempt, when that is longer than the backoff, up to
:data:`RETRY_AFTER_CAP_SECONDS` (a longer one stops the command at once, saying so).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from ci_image.errors import CiImageError
from ci_image.trace import Trace

T = TypeVar("T")
FIRST_DELAY_SECONDS = 1.0
# containers/image's own cap on one 429 wait (docker/docker_client.go, backoffMaxDelay):
# ci-image waits no longer between its attempts either.
RETRY_AFTER_CAP_SECONDS = 60
PERMANENT_5XX = frozenset({501, 505})


class TransientError(CiImageError):
    """A failure worth another attempt after a pause; ``retry_after`` is the wait the
    registry asked for (HTTP 429), if it named one."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def transient_status(status: int) -> bool:
    """Is an HTTP status worth another attempt? 429 and 5xx, except 501 and 505."""
    return status == 429 or (500 <= status <= 599 and status not in PERMANENT_5XX)


def with_retries(
    operation: Callable[[], T],
    *,
    retries: int,
    what: str,
    trace: Trace,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``operation``; on a :class:`TransientError` wait 1 s, 2 s, 4 s, ... (or what the
    registry asked for, if longer) and retry.

    After ``retries`` retries the last error is raised, saying how often it was tried.
    """
    attempt = 0
    while True:
        try:
            return operation()
        except TransientError as error:
            if attempt >= retries:
                attempts = attempt + 1
                suffix = "attempt" if attempts == 1 else "attempts"
                raise CiImageError(f"{error.message} (gave up after {attempts} {suffix})") from None
            delay = FIRST_DELAY_SECONDS * 2**attempt
            if error.retry_after is not None:
                delay = min(max(delay, error.retry_after), RETRY_AFTER_CAP_SECONDS)
            attempt += 1
            trace(f"{what}: {error.message}; retry {attempt} of {retries} in {delay:g} s")
            sleep(delay)
