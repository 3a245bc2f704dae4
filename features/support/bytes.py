"""Byte-exact file contents written in feature files.

In a docstring, ``<CR>``, ``<LF>``, ``<TAB>``, ``<BOM>`` and ``<xHH>`` stand for a carriage
return, a line feed (for one-line table cells), a tab, a UTF-8 byte-order mark and any
raw byte, and a final ``<EOF>`` means the file has no newline at the end.
"""

from __future__ import annotations

import re

_TOKENS = re.compile(rb"<CR>|<LF>|<TAB>|<BOM>|<x([0-9A-Fa-f]{2})>")


def decode_bytes(text: str) -> bytes:
    """The docstring with its tokens turned into the bytes they stand for."""
    data = text.encode("utf-8") + b"\n"
    if data.endswith(b"<EOF>\n"):
        data = data[: -len(b"<EOF>\n")]

    def replace(match: re.Match[bytes]) -> bytes:
        token = match.group(0)
        if match.group(1) is not None:
            return bytes([int(match.group(1), 16)])
        return {b"<CR>": b"\r", b"<LF>": b"\n", b"<TAB>": b"\t", b"<BOM>": b"\xef\xbb\xbf"}[token]

    return _TOKENS.sub(replace, data)
