"""Report rules that need a real .docx, through check on a real workbook with a relative path."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import TODAY, check_data, places, row_of, valid
from docx_builders import BASIC, make_docx

# a 二级党组织书记 report that passes every report rule
GOOD = [
    *BASIC[:4],
    "我坚持以高质量党建引领高质量发展，开展了12次学习。",
    BASIC[5],
    "我学习不够深入，调研不够，问题不少，办法不多，一共有三个方面。",
    BASIC[7],
    "下一步我将加强学习。",
]


def run(tmp_path: Path, paragraphs: list[str], **typed: object) -> set:
    (tmp_path / "reports").mkdir(exist_ok=True)
    make_docx(tmp_path / "reports" / "s1.docx", paragraphs)
    data = valid()
    s1 = row_of(data, "subs", "述职编号", "S1")
    for key in ("字数", "履职情况占比", "存在问题占比", "工作思路占比"):
        s1.pop(key)
    s1.update({"报告文件": "reports\\s1.docx", **typed})  # a Windows-style relative path
    return places(check_data(data, TODAY, folder=tmp_path))


def test_good_report_gives_nothing(tmp_path: Path) -> None:
    assert run(tmp_path, GOOD) == set()


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        ([p for p in GOOD if not p.startswith("二")], ("report.sections", "述职", 2, "报告文件")),
        (
            [p.replace("本人", "该同志").replace("我", "该同志") for p in GOOD],
            ("report.first-person", "述职", 2, "报告文件"),
        ),
        ([p.replace("12", "十二") for p in GOOD], ("report.no-figures", "述职", 2, "报告文件")),
        ([p.replace("高质量", "") for p in GOOD], ("report.mandatory-item", "述职", 2, "报告文件")),
    ],
    ids=["sections", "first-person", "no-figures", "mandatory-item"],
)
def test_report_rule_from_file(tmp_path: Path, paragraphs: list[str], expected: tuple) -> None:
    assert expected in run(tmp_path, paragraphs)


def test_stale_figures_when_sheet_differs_from_file(tmp_path: Path) -> None:
    found = run(tmp_path, GOOD, 字数=10)
    assert found == {("report.stale-figures", "述职", 2, "字数")}


def test_current_figures_are_not_stale(tmp_path: Path) -> None:
    from annex_tools.analysis import analyze_file

    make_docx(tmp_path / "g.docx", GOOD)
    a = analyze_file(tmp_path / "g.docx")
    assert run(tmp_path, GOOD, 字数=a.words, 履职情况占比=a.shares["duties"]) == set()


def test_a_readable_report_is_never_reported_as_missing(tmp_path: Path) -> None:
    """Regression: facts of readable reports once carried a NaN error and looked unreadable."""
    found = run(tmp_path, GOOD, 字数=10)
    assert not any(code == "report.missing-file" for code, *_ in found)
