"""The plain functions behind the UDFs, called directly."""

from __future__ import annotations

from pathlib import Path

from docx_builders import BASIC, make_docx

from annex_tools.workbook import formulas as F


def test_words_and_shares_for_a_column_of_paths(tmp_path: Path) -> None:
    make_docx(tmp_path / "a.docx", BASIC)
    column = [["a.docx"], [""], ["missing.docx"]]
    words = F.report_words(column, tmp_path)
    assert words[0] == [77] and words[1] == [""] and str(words[2][0]).startswith("无法读取")
    assert F.report_share([["a.docx"]], "存在的问题", tmp_path) == [[round(8 / 27, 4)]]
    assert F.report_share("a.docx", "问题", tmp_path) == round(8 / 27, 4)
    assert "部分名称" in F.report_share("a.docx", "其他", tmp_path)


def test_minimum_count() -> None:
    assert F.min_at_most_fair([[5], [10], [7], [0]], "15%") == [[1], [2], [2], [0]]
    assert F.min_at_most_fair(10, 0.15, "四舍五入") == 2
    assert F.min_at_most_fair(3, 0.15, "四舍五入") == 0
    assert F.min_at_most_fair(3, 0.15) == 1


def test_share_of_fair_grades() -> None:
    assert F.share_at_most_fair([["好"], ["较好"], [None], ["一般"], ["好"]]) == 0.5
    assert F.share_at_most_fair([[None]]) == ""


def test_linkage_verdicts() -> None:
    assert F.linkage("好", "优秀") == "符合"
    assert F.linkage("较好", "优秀").startswith("不符合")
    assert F.linkage([["好"], ["一般"]], [["合格"], ["优秀"]]) == [
        ["符合"],
        [F.linkage("一般", "优秀")],
    ]
