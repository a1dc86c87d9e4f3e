"""The report analyzer's shortcuts give what the plain definitions give, on random text made
of the characters where they could differ (compatibility characters next to combining marks,
line breaks, spaces, headings and their look-alikes)."""

from __future__ import annotations

import random
import unicodedata

from annex_tools.analysis import (
    _LINE_BREAKS,
    _heading_parts,
    _nfkc,
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
