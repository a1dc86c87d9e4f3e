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
