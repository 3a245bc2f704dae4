"""``--verbose`` output that can never show a secret.

Every line goes through :meth:`Trace.redact`, which replaces each registered secret (a
password, its base64 form in an auth header) with ``***``; error messages built from
another program's output go through it too before they are printed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field


@dataclass
class Trace:
    enabled: bool = False
    secrets: list[str] = field(default_factory=list, repr=False)

    def add_secrets(self, *values: str) -> None:
        self.secrets.extend(value for value in values if value)

    def redact(self, text: str) -> str:
        # Longest first, so a secret that contains another is replaced whole.
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    def __call__(self, message: str) -> None:
        if self.enabled:
            sys.stderr.write(f"ci-image: {self.redact(message)}\n")
