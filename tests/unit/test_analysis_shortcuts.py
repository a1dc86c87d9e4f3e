"""The report analyzer's shortcuts give what the plain definitions give, on random text made
of the characters where they could differ (compatibility characters next to combining marks,
line breaks, spaces, headings and their look-alikes)."""

from __future__ import annotations

import io
import random
import unicodedata
import warnings
import zipfile

from annex_tools.analysis import (
    _LINE_BREAKS,
    _heading_parts,
    _nfkc,
    _plain_entry,
    _squeezed,
    heading_part,
    split_lines,
)
from annex_tools.contract.text import _SPACES

PIECES = [
    *("一、", "二、", "三、", "（一）", "1.", "第一部分", "2023年", "本年度", "及整改", "：", "。"),
    *("履职主要情况", "存在的问题", "问题", "思路", "下一步工作思路", "工作情况", "不足", "措施"),
    *("我", "本人", "１２", "Ａ", "，", "（", "）", "！", "％", "…", "①", "Ⅻ", "㈠", "㍿", "ﬁ"),
    *("\u0301", "\u0308", "\u3099", "\u1100", "\u1161", "\u11a8", "e", "か", "⼀", "履職"),
    *(" ", "\u3000", "\xa0", "\t", "\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\v", "\x1c"),
    *("\x00", "正文" * 20, "x" * 31, "ｶ", "ﾞ", "￥", "\uff5f"),
]


def _random_lines(rng: random.Random) -> list[str]:
    return [
        "".join(rng.choice(PIECES) for _ in range(rng.randrange(6)))
        for _ in range(rng.randrange(10))
    ]


def test_nfkc_is_unicodedatas() -> None:
    for c in range(0xFF00, 0xFFF0):  # the full-width block, each character alone
        assert _nfkc(chr(c)) == unicodedata.normalize("NFKC", chr(c)), hex(c)
    rng = random.Random(25)
    for _ in range(5000):
        text = "".join(
            rng.choice(PIECES) if rng.random() < 0.9 else chr(rng.randrange(0x30000))
            for _ in range(rng.randrange(8))
        )
        assert _nfkc(text) == unicodedata.normalize("NFKC", text), repr(text)


def test_lines_headings_and_squeezing_at_once_are_one_at_a_time() -> None:
    rng = random.Random(26)
    for _ in range(3000):
        paragraphs = _random_lines(rng)
        lines = [line for p in paragraphs for line in _LINE_BREAKS.split(p)]
        assert split_lines(paragraphs) == lines, paragraphs
        assert _heading_parts(lines) == [heading_part(t) for t in lines], lines
        assert _squeezed(lines) == [_SPACES.sub("", t) for t in lines], lines


def _zip(entries: list[tuple[str, bytes]], comment: bytes = b"", stored: bool = False) -> bytes:
    out = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w", method) as zf, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the duplicate name is meant
        for name, data in entries:
            zf.writestr(name, data)
        zf.comment = comment
    return out.getvalue()


def test_plain_zip_entry_is_zipfiles() -> None:
    """Where `_plain_entry` reads the directory itself, zipfile reads the same entry (or none);
    on random damage to the directory and end record it either agrees or leaves it to zipfile."""
    doc = ("word/document.xml", b"<w:document/>" * 50)
    other = ("docProps/app.xml", b"<x/>")
    sources = [
        _zip([other, doc]),
        _zip([doc, other, ("word/document.xml", b"<second/>")]),  # the last one counts
        _zip([other, ("文档/名字.xml", b"")]),  # no document
        _zip([doc], comment=b"a comment"),
        _zip([doc, other], stored=True),
        b"prefix" + _zip([doc]),
    ]
    rng = random.Random(27)
    plain_seen = 0
    for n in range(3000):
        data = bytearray(sources[n % len(sources)])
        if n >= len(sources):
            for _ in range(rng.randrange(1, 3)):
                i = len(data) - 1 - min(int(rng.expovariate(1 / 150)), len(data) - 1)
                data[i] = rng.randrange(256)
        fh = io.BytesIO(bytes(data))
        plain, entry = _plain_entry(fh, len(data))
        if not plain:
            continue
        plain_seen += 1
        with zipfile.ZipFile(fh) as zf:  # a plain zip: zipfile reads it without a complaint
            theirs = zf.NameToInfo.get("word/document.xml")
        fields = ("compress_type", "CRC", "compress_size", "file_size", "header_offset")
        assert (entry is None) == (theirs is None), n
        if entry is not None and theirs is not None:
            assert [getattr(entry, f) for f in fields] == [getattr(theirs, f) for f in fields]
    assert plain_seen > 1000
