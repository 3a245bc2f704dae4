"""One exception type for every expected failure, so the CLI can print one line and exit 2."""

from __future__ import annotations

from pathlib import Path


class CiImageError(Exception):
    """An expected failure: bad input, or an environment that cannot do the job.

    ``where`` names the file (and line) the problem is in, when there is one, so the
    user can go straight to it. The message should also say what to do.
    """

    exit_code = 2

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"
