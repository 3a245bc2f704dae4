"""Reading a .tar.gz: what ``gzip -d`` accepts is read the same, the rest is an error."""

from __future__ import annotations

import gzip
import io
import os
import zlib
from collections.abc import Callable

import pytest

from ci_image.publish.archive import _Gunzip

DATA = os.urandom(300_000) + b"\0" * 3_000_000 + os.urandom(100_000)


def inflate(compressed: bytes, size: int = 65536) -> bytes:
    stream = _Gunzip(io.BytesIO(compressed))
    return b"".join(iter(lambda: stream.read(size), b""))


@pytest.mark.parametrize("size", [1, 4096, 1 << 20, -1])
def test_one_member_reads_back_whole_at_any_read_size(size: int) -> None:
    payload = DATA[:200_000] if size == 1 else DATA  # a byte at a time: a smaller one
    assert inflate(gzip.compress(payload), size) == payload


def test_members_follow_each_other_and_zero_bytes_between_them_are_skipped() -> None:
    compressed = gzip.compress(DATA[:1000]) + b"\0" * 700 + gzip.compress(DATA[1000:]) + b"\0"
    assert inflate(compressed) == DATA


def test_a_thousandfold_member_is_inflated_a_bounded_piece_at_a_time() -> None:
    stream = _Gunzip(io.BytesIO(gzip.compress(b"\0" * 50_000_000)))
    assert len(stream.read(1000)) == 1000
    assert len(stream.ready) <= 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("damage", "error"),
    [
        (lambda data: data[: len(data) // 2], EOFError),  # cut off
        (lambda data: data[:-8] + b"\0\0\0\0" + data[-4:], zlib.error),  # wrong CRC
        (lambda data: data + b"PK\x03\x04", gzip.BadGzipFile),  # not gzip after the end
    ],
)
def test_a_damaged_stream_is_an_error_gzip_would_report_too(
    damage: Callable[[bytes], bytes], error: type[Exception]
) -> None:
    compressed = damage(gzip.compress(DATA))
    with pytest.raises(error):
        inflate(compressed)
    with pytest.raises((EOFError, zlib.error, gzip.BadGzipFile)):
        gzip.decompress(compressed)
