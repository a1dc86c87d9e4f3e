"""字数 exactly as Word counts it (definition: shared/notes/toolchain-facts.md)."""

import pytest

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
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_word_count_matches_word(text: str, expected: int) -> None:
    assert word_count(text) == expected


def test_count_is_additive_over_paragraphs() -> None:
    paragraphs = [t for t, _ in CASES]
    assert sum(word_count(p) for p in paragraphs) == sum(n for _, n in CASES)
