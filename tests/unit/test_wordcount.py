"""字数 exactly as Word counts it (definition: shared/notes/toolchain-facts.md)."""

from pathlib import Path

import pytest
from docx_builders import BASIC, make_docx

from annex_tools.analysis import analyze_file
from annex_tools.contract.text import word_count

CASES = [
    ("Hello、World。", 4),
    ("2023年，我支部共开展“三会一课”12次，覆盖率达95%。", 23),
    ("", 0),
    ("   \n\t\u3000", 0),
    ("我们", 2),
    ("Hello world", 2),
    ("Hello,world", 1),
    ("Hello, world", 2),
    ("ＡＢＣ", 3),
    ("１２３", 3),
    ("3.14", 1),
    ("e-mail", 1),
    ("党建—引领", 5),
    ("……", 1),
    ("（一）", 3),
    ("(一)", 3),
    ("我😀你", 3),
    ("A股", 2),
    ("第1次", 3),
    ("张\u3000三", 2),
    ("한국어", 3),
    ("カタカナ", 4),
    ("《党章》", 4),
    ("【通知】", 4),
    ("COVID-19疫情", 3),
    ("“好”", 3),
    ("don't stop", 2),
    ("50%以上", 3),
    ("５０％", 3),
    ("一是加强学习；二是狠抓落实：", 14),
    ("“三会一课” 12 次", 8),
    ("𠀀𠀁", 2),  # CJK extension B
    ("Party-building 工作 100%", 4),
    # U+2028/U+2029: each one word of its own, separating the words around it (issue 21)
    ("a\u2028b", 3),
    ("Hello\u2028World\u2029Test", 5),
    ("\u2028", 1),
    ("学习\u2029", 3),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_word_count_matches_word(text: str, expected: int) -> None:
    assert word_count(text) == expected


def test_count_is_additive_over_paragraphs() -> None:
    paragraphs = [t for t, _ in CASES]
    assert sum(word_count(p) for p in paragraphs) == sum(n for _, n in CASES)


def test_analyze_counts_line_and_paragraph_separators_as_word(tmp_path: Path) -> None:
    """A real .docx whose text carries U+2028/U+2029 (pasted from a web page): `analyze`
    gives Word's count, and the separators still end a heading's line."""
    paragraphs = list(BASIC)
    paragraphs[4] = "Hello\u2028World\u2029Test"  # part 一's body: 5 words, not 3
    paragraphs[6] = (
        "二、存在的问题\u2028我学习不够深入。"  # heading, separator, body on one paragraph
    )
    del paragraphs[5]
    path = make_docx(tmp_path / "r.docx", paragraphs)
    result = analyze_file(path)
    # BASIC is 77; part 一's body 9 -> 5; the separator between heading and body adds 1
    assert result.words == 77 - 9 + 5 + 1
    assert result.parts["problems"] == 8


def test_word_count_is_the_one_pattern_definition() -> None:
    """`word_count` counts in a faster way than the one-pattern definition (`_WORD`): the two
    agree on random text made mostly of the characters at the edges of the East Asian ranges,
    the whitespace (U+2028/U+2029, U+3000, U+0085 ...) and surrogates."""
    import random

    from annex_tools.contract.text import _WORD

    edges = [
        *(0x10FF, 0x1100, 0x11FF, 0x1200, 0x2E7F, 0x2E80, 0x2FFF, 0x3000, 0x3001, 0x303F),
        *(0x3040, 0x31FF, 0x3200, 0x4DBF, 0x4DC0, 0x4E00, 0x9FFF, 0xA000, 0xA95F, 0xA960),
        *(0xA97F, 0xA980, 0xABFF, 0xAC00, 0xD7FF, 0xD800, 0xDFFF, 0xE000, 0xF8FF, 0xF900),
        *(0xFAFF, 0xFB00, 0xFE0F, 0xFE10, 0xFE1F, 0xFE20, 0xFE2F, 0xFE30, 0xFE4F, 0xFE50),
        *(0xFF00, 0xFF01, 0xFFEF, 0xFFF0, 0x1FFFF, 0x20000, 0x3134F, 0x31350, 0x10FFFF),
        *(0x2028, 0x2029, 0x85, 0xA0, 0x1680, 0x180E, 0x2000, 0x200A, 0x200B, 0x202F, 0x205F),
        *(0xFEFF, 0x1C, 0x1D, 0x1E, 0x1F, 0x9, 0xA, 0xB, 0xC, 0xD, 0x20, 0x61, 0x31, 0xFF0C),
    ]
    rng = random.Random(25)
    for _ in range(20000):
        text = "".join(
            chr(rng.choice(edges) if rng.random() < 0.8 else rng.randrange(0x110000))
            for _ in range(rng.randrange(12))
        )
        assert word_count(text) == len(_WORD.findall(text)), repr(text)
