"""Bounded reading of untrusted .docx/.xlsx archives.

A zip's directory states each part's unpacked size, but nothing forces it to be true, and
Python's `zipfile` inflates a whole part at once when asked for all of it. Here a part is
inflated from its raw compressed bytes in small steps with a running byte count that stops at the
limit, whatever the directory claims; a part whose real size differs from its claimed size, or
whose compressed stream does not end where it should, is refused as damaged. Memory stays at a
few megabytes for the check, and at the limit for a part that is kept.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# inflate at most this much at a time: a piece searched while it is in cache (the far-cell scan
# of a city master takes ~20% less CPU than with 1 MB pieces)
STEP = 1 << 18
_RAW_STEP = 1 << 16


class ZipRefused(Exception):
    """A part too large, or a directory that does not tell the truth; `reason` is Chinese."""

    def __init__(self, reason: str, over_limit: bool = False) -> None:
        self.reason = reason
        self.over_limit = over_limit  # the part unpacked past the limit it was given
        super().__init__(reason)


def _raw(fh: object, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The compressed bytes of one part, read from its local header on."""
    f = fh  # a binary file object
    f.seek(info.header_offset)  # type: ignore[attr-defined]
    header = f.read(30)  # type: ignore[attr-defined]
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise ZipRefused("压缩包结构已损坏")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    f.seek(name_len + extra_len, 1)  # type: ignore[attr-defined]
    left = info.compress_size
    while left > 0:
        chunk = f.read(min(_RAW_STEP, left))  # type: ignore[attr-defined]
        if not chunk:
            raise ZipRefused("压缩包不完整")
        left -= len(chunk)
        yield chunk


def pieces(
    fh: object, info: zipfile.ZipInfo, limit: int, *, as_claimed: bool = False
) -> Iterator[bytes]:
    """The content of one part, inflated from its raw bytes at most STEP at a time with a running
    count: never more than `limit` bytes (and one) are inflated, whatever the directory claims.

    Strict (the default): ZipRefused when the part would pass `limit`, when its compression
    method is neither stored nor deflated, and at its end unless it is exactly what the directory
    says (its size, its CRC, a deflate stream that ends).
    `as_claimed`: what a reader that stops at the claimed size reads (python-calamine's zip
    crate): the bytes up to that size (or `limit`), ending quietly where the data or the deflate
    stream ends, nothing for another method, nothing checked: that reader meets any damage itself."""
    if as_claimed:
        limit = min(limit, info.file_size)
    inflater = None
    if info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
    elif info.compress_type != zipfile.ZIP_STORED:
        if as_claimed:
            return
        raise ZipRefused(f"其中“{info.filename}”使用了不支持的压缩方式")
    size = crc = 0

    def room() -> int:  # never more inflated than one byte past the limit
        return limit - size + 1

    for piece in _stream(fh, info, inflater, room, flush=as_claimed):
        if size + len(piece) > limit:
            if not as_claimed:
                reason = f"其中“{info.filename}”解压后超过 {limit // 1024 // 1024} MB"
                suffix = "，疑似异常文件" if inflater else ""
                raise ZipRefused(reason + suffix, over_limit=True)
            if size < limit:
                yield piece[: limit - size]
            return
        size += len(piece)
        if not as_claimed:
            crc = zlib.crc32(piece, crc)
        if piece:
            yield piece
    if not as_claimed:
        _as_claimed_or_refused(info, inflater, size, crc)


def _stream(
    fh: object, info: zipfile.ZipInfo, inflater: Any, room: Callable[[], int], flush: bool
) -> Iterator[bytes]:
    """A part's bytes as they come: its raw bytes when stored, else inflated by `inflater`, each
    piece at most `room()` bytes; `flush`: also what zlib still holds of input it has taken when
    the deflate stream has not ended (a strict reader refuses that stream as it is)."""
    for chunk in _raw(fh, info):
        if inflater is None:
            yield chunk
            continue
        data = chunk
        while data:  # zlib lets go of the GIL while it inflates
            yield inflater.decompress(data, min(STEP, room()))
            data = inflater.unconsumed_tail
        if inflater.eof:
            return
    if inflater is None:
        return
    # the input has run out, but a last call that filled its piece just then leaves the stream's
    # end inside zlib: taken out a piece at a time (not by flush(), which has no bound)
    while not inflater.eof:
        piece = inflater.decompress(b"", min(STEP, room()))
        if not piece:
            break
        yield piece
    if flush and not inflater.eof:
        yield inflater.flush()


def _as_claimed_or_refused(info: zipfile.ZipInfo, inflater: Any, size: int, crc: int) -> None:
    """ZipRefused unless the part inflated to the end of its stream is what the directory says."""
    if inflater is not None and not inflater.eof:
        raise ZipRefused(f"其中“{info.filename}”的压缩数据不完整")
    if size != info.file_size:
        raise ZipRefused(f"其中“{info.filename}”的实际大小与压缩包目录所写不符（疑似被篡改或损坏）")
    if crc != info.CRC:
        raise ZipRefused(f"其中“{info.filename}”校验失败（文件已损坏）")


def inflate(fh: object, info: zipfile.ZipInfo, limit: int, keep: bool = True) -> tuple[bytes, int]:
    """The real content of one part (or b"" when not `keep`) and its real size; ZipRefused when it
    would pass `limit` bytes or is not what the directory says (`pieces`, strict)."""
    out: list[bytes] = []
    size = 0
    for piece in pieces(fh, info, limit):
        size += len(piece)
        if keep:
            out.append(piece)
    return b"".join(out), size


def read_part(path: Path, name: str, limit: int) -> bytes:
    """One part of an archive, inflated with a running count (KeyError when absent)."""
    with zipfile.ZipFile(path) as zf, path.open("rb") as fh:
        return inflate(fh, zf.getinfo(name), limit)[0]


def check_archive(path: Path, part_limit: int, total_limit: int) -> None:
    """Inflate every part, counting, keeping nothing: the whole archive is what it says and
    within the limits, before any parser sees it."""
    total = 0
    with zipfile.ZipFile(path) as zf, path.open("rb") as fh:
        for info in zf.infolist():
            if info.is_dir():
                continue
            room = total_limit - total
            try:
                _, size = inflate(fh, info, min(part_limit, room), keep=False)
            except ZipRefused as exc:
                if (
                    exc.over_limit and room < part_limit
                ):  # the whole archive's limit, not the part's
                    raise ZipRefused(
                        f"解压后总计超过 {total_limit // 1024 // 1024} MB，疑似异常文件"
                    ) from None
                raise
            total += size
