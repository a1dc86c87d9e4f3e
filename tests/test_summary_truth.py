"""Every sentence of the summary is what the master shows: masters built with one exception
each, the summary generated from them, and its sentences compared with `check`'s view."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from builders import valid
from docx import Document

from annex_tools.usecases.check import check
from annex_tools.usecases.documents import make_summary
from annex_tools.workbook.builder import new_workbook

D = dt.date
INVENTED = ("已要求其重新研究", "已要求更正", "已要求")
INTERVIEWED = D(2024, 1, 25)


def text_of(path: Path) -> str:
    doc = Document(str(path))
    return "\n".join(p.text for p in doc.paragraphs)


def summary(tmp_path: Path, data: dict[str, Any], today: D, settings: dict[str, str] | None = None):
    master = new_workbook(tmp_path / "m.xlsx", data)
    if settings:
        wb = openpyxl.load_workbook(master)
        ws = wb["设置"]
        rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
        for key, value in settings.items():
            ws.cell(row=rows[key], column=2, value=value)
        wb.save(master)
    plan = make_summary(master, tmp_path / "s.docx", today, draft=True).plan
    codes = {f.code for f in check(master, today).findings}
    text = text_of(tmp_path / "s.docx")
    assert not any(word in text for word in INVENTED), text
    return plan, text, codes


def weak(data: dict[str, Any], interview: D | None = INTERVIEWED) -> dict[str, Any]:
    """S3 (示例第一党支部 丁四) graded 一般."""
    g = next(g for g in data["grades"] if g["述职编号"] == "S3")
    g["综合评价等次"] = "一般"
    g["约谈提醒日期"] = interview
    return data


def test_a_weak_secretary_without_a_list_is_named(tmp_path: Path) -> None:
    data = weak(valid())
    data["rects"] = [r for r in data["rects"] if r["述职编号"] != "S3"]
    plan, text, codes = summary(tmp_path, data, D(2024, 6, 1))
    assert codes & {"rect.none", "grade.rectification-missing"}
    assert "示例第一党支部丁四尚未列出有整改措施和时限的整改清单" in plan["interview_text"]
    assert "均已列出" not in text and "已列出整改清单" not in plan["interview_text"]
    assert "已约谈提醒" in plan["interview_text"]  # that part is true


def test_a_weak_secretary_not_interviewed_is_named(tmp_path: Path) -> None:
    plan, text, codes = summary(tmp_path, weak(valid(), None), D(2024, 6, 1))
    assert "grade.interview-missing" in codes
    assert "示例第一党支部丁四尚未安排约谈提醒" in plan["interview_text"]
    assert "已约谈提醒" not in plan["interview_text"] and "均已约谈" not in text


def test_an_interview_after_the_report_date_is_not_reported_as_done(tmp_path: Path) -> None:
    plan, _, _ = summary(
        tmp_path, weak(valid(), D(2024, 2, 5)), D(2024, 6, 1), {"报告日期": "2024-01-30"}
    )
    assert "定于2024年2月5日约谈提醒" in plan["interview_text"]
    assert "已约谈提醒" not in plan["interview_text"]
    assert plan["date"] == "2024年1月30日"


def test_all_interviewed_and_listed_says_so(tmp_path: Path) -> None:
    plan, _, codes = summary(tmp_path, weak(valid()), D(2024, 6, 1))
    assert not codes & {"grade.interview-missing", "rect.none", "grade.rectification-missing"}
    assert plan["interview_text"] == (
        "综合评价等次为“一般”的1人；已约谈提醒；已列出整改清单，明确整改措施和时限。"
    )


@pytest.mark.parametrize(("today", "done"), [(D(2024, 1, 30), 0), (D(2024, 6, 1), 4)])
def test_completed_problems_are_counted_by_the_report_date(
    tmp_path: Path, today: D, done: int
) -> None:
    plan, _, _ = summary(tmp_path, valid(), today)
    assert plan["counts"]["done"] == done
    assert f"已完成整改{done}个" in plan["problems_text"]
    if done < 4:
        assert f"其余{4 - done}个正在整改" in plan["problems_text"]


def test_report_date_from_settings_dates_the_report_and_the_counts(tmp_path: Path) -> None:
    plan, text, _ = summary(tmp_path, valid(), D(2024, 6, 1), {"报告日期": "2024-01-30"})
    assert plan["date"] == "2024年1月30日" and plan["counts"]["done"] == 0
    assert text.rstrip().endswith("2024年1月30日")


def test_excellent_below_good_is_named_and_no_action_invented(tmp_path: Path) -> None:
    data = valid()
    next(g for g in data["grades"] if g["述职编号"] == "S2")["年度考核等次"] = "优秀"
    plan, _, codes = summary(tmp_path, data, D(2024, 6, 1))
    assert "grade.linkage-excellent" in codes
    assert "安保后勤直属党支部丙三综合评价等次为“较好”" in plan["linkage_text"]
    assert "不符" in plan["linkage_text"] and "均为" not in plan["linkage_text"]


def test_a_body_short_of_the_share_is_named_with_its_figures(tmp_path: Path) -> None:
    data = valid()
    next(g for g in data["grades"] if g["述职编号"] == "S3")["综合评价等次"] = "好"
    plan, text, codes = summary(tmp_path, data, D(2024, 6, 1))
    assert "grade.distribution" in codes
    assert "示例党总支评定2人，“较好”或以下0人，少于应有的1人" in plan["grades_text"]
    assert "均达到" not in text


def test_an_annex2_file_gives_no_summary(tmp_path: Path) -> None:
    from cli_helpers import annex

    master = new_workbook(tmp_path / "m.xlsx", valid())
    assert annex("annex2", master, "--out", tmp_path / "a2").returncode == 0
    proc = annex("summary", next((tmp_path / "a2").glob("*.xlsx")), "--out", tmp_path / "s.docx")
    assert proc.returncode == 2 and "这是附件2回执" in proc.stderr
    assert not (tmp_path / "s.docx").exists()


@pytest.mark.parametrize(
    ("today", "actual", "verdict"),
    [(D(2024, 1, 31), "未记录", "尚未审议"), (D(2024, 2, 1), "未记录", "未记录"),
     (D(2024, 2, 2), "2024年2月2日", "逾期")],
)  # fmt: skip
def test_a_review_dated_after_the_report_date_is_not_reported_as_held(
    tmp_path: Path, today: D, actual: str, verdict: str
) -> None:
    """A 党委审议日期 after the summary's as-of date has not happened yet (a date in the future
    is never done): neither 按时 nor 逾期 until that day."""
    plan, _, _ = summary(tmp_path, valid(), today, {"党委审议日期": "2024-02-02"})
    row = next(r for r in plan["ledger"] if r["item"] == "党委审议并向上级报送")
    assert (row["actual"], row["verdict"]) == (actual, verdict), row
