"""A deflate stream whose output fills the last piece asked for exactly as its compressed bytes
run out (contract.unzip._stream): zlib still holds the stream's end, and a reader that stops
feeding there takes a sound part for an incomplete one. Found by the session's review: with
256 KB pieces any part a multiple of 256 KB long, ending inside a repeat, could be refused."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import pytest

from annex_tools.contract.unzip import STEP, check_archive, pieces, read_part

ROW = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>' * 10


def edge_body() -> bytes:
    """A part of STEP + 2 bytes, a long repeat of a row at its end (level 6)."""
    size = STEP - 200 + 202
    return (b"<x>202</x>" + ROW * (size // len(ROW) + 1))[:size]


def stops_early(raw: bytes) -> bool:
    """Whether feeding the raw bytes 64 KB at a time, each call giving at most STEP bytes, leaves
    the stream unended: the case under test, so the test cannot pass on an ordinary part."""
    inflater = zlib.decompressobj(-15)
    for i in range(0, len(raw), 1 << 16):
        data = raw[i : i + (1 << 16)]
        while data:
            inflater.decompress(data, STEP)
            data = inflater.unconsumed_tail
    return not inflater.eof


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, bytes]:
    body = edge_body()
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert stops_early(packer.compress(body) + packer.flush())
    path = tmp_path / "报告.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("word/document.xml", body)
    with zipfile.ZipFile(path) as zf:
        assert zf.read("word/document.xml") == body  # zipfile reads it: a sound part
    return path, body


def test_a_part_ending_as_a_piece_fills_is_read_whole(archive: tuple[Path, bytes]) -> None:
    path, body = archive
    check_archive(path, 100 << 20, 100 << 20)
    assert read_part(path, "word/document.xml", 100 << 20) == body


def test_the_as_claimed_reader_gets_every_byte_too(archive: tuple[Path, bytes]) -> None:
    path, body = archive
    with zipfile.ZipFile(path) as zf, path.open("rb") as fh:
        info = zf.getinfo("word/document.xml")
        assert b"".join(pieces(fh, info, 100 << 20, as_claimed=True)) == body


def test_the_limit_still_holds_at_that_edge(archive: tuple[Path, bytes]) -> None:
    from annex_tools.contract.unzip import ZipRefused

    path, body = archive
    with pytest.raises(ZipRefused) as refused:
        read_part(path, "word/document.xml", len(body) - 1)
    assert refused.value.over_limit
