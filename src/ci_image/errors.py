"""One exception type for every expected failure, so the CLI can print one line and exit 2."""

from __future__ import annotations

from pathlib import Path

from ci_image.output import display_path


class CiImageError(Exception):
    """An expected failure: bad input, or an environment that cannot do the job.

    ``path`` and ``line`` name where the problem is, when there is one, so the user can go
    straight to it; it is shown as every report shows paths
    (:func:`ci_image.output.display_path`). The message should also say what to do.
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
        shown = display_path(self.path)
        where = shown if self.line is None else f"{shown}:{self.line}"
        return f"{where}: {self.message}"
