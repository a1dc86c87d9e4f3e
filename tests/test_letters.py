"""Feedback letters follow the notice and the facts: wording by level, 约谈 dated truthfully,
追责问责 where problems are serious, no empty table and no placeholder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from builders import valid
from cli_helpers import annex
from docx import Document

from annex_tools.workbook.builder import new_workbook

D = dt.date


def letters(tmp_path: Path, data: dict[str, Any], *extra: str) -> dict[str, tuple[str, int]]:
    master = new_workbook(tmp_path / "m.xlsx", data)
    proc = annex("feedback", master, "--out", tmp_path / "fb", *extra)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = {}
    for f in (tmp_path / "fb").glob("*.docx"):
        doc = Document(str(f))
        out[f.name.split("-")[1]] = ("\n".join(p.text for p in doc.paragraphs), len(doc.tables))
    return out


def grade(data: dict[str, Any], sid: str, **values: Any) -> None:
    next(g for g in data["grades"] if g["述职编号"] == sid).update(values)


def test_wording_by_level(tmp_path: Path) -> None:
    got = letters(tmp_path, valid())
    # 二级党组织书记: the decision that fixed the grade is quoted (会议 定等次会议日期, 纪要)
    assert (
        "经党委常委会2024年1月18日会议研究（党委常委会会议纪要〔2024〕2号），综合平时掌握"
        in got["乙二"][0]
    )
    assert got["乙二"][0].rstrip().endswith("2024年1月20日")
    assert "中共示例学院委员会" in got["乙二"][0]
    assert (
        "经示例党总支委员会2024年1月12日会议研究（示例党总支委员会会议纪要〔2024〕1号），综合平时掌握"
        in got["丁四"][0]
    )  # branch secretary
    assert "党委常委会" not in got["丁四"][0]


def test_poor_grade_names_accountability_and_a_future_interview_is_announced(
    tmp_path: Path,
) -> None:
    data = valid()
    grade(data, "S3", 综合评价等次="差", 约谈提醒日期=D(2024, 1, 25))  # letter dated 1月20日
    text = letters(tmp_path, data)["丁四"][0]
    assert "定于2024年1月25日对你进行约谈提醒" in text and "已于" not in text
    assert "严肃追责问责" in text


def test_average_grade_mentions_accountability_only_for_serious_problems(tmp_path: Path) -> None:
    data = valid()
    grade(data, "S3", 综合评价等次="一般", 约谈提醒日期=D(2024, 1, 15))
    text = letters(tmp_path / "a", data)["丁四"][0]
    assert "示例党总支已于2024年1月15日对你进行约谈提醒" in text
    assert "追责问责" not in text
    next(r for r in data["rects"] if r["述职编号"] == "S3")["存在问题"] = "【严重】问题"
    text = letters(tmp_path / "b", data)["丁四"][0]
    assert "整改清单中第1项" in text and "严肃追责问责" in text


def test_no_empty_table_and_no_placeholder(tmp_path: Path) -> None:
    data = valid()
    grade(data, "S3", 综合评价等次="一般", 约谈提醒日期=D(2024, 1, 15), 不足之处=None)
    data["rects"] = [r for r in data["rects"] if r["述职编号"] != "S3"]
    text, tables = letters(tmp_path, data, "--draft")["丁四"]  # no list: an error, so a draft
    assert tables == 0
    assert "对照下列整改清单" not in text and "请对照上述整改清单" not in text
    assert "尚未列出你的整改清单" in text
    assert "（未填写）" not in text and "不足之处" not in text  # none written: none said
    assert "一、主要成绩" in text and "二、问题整改清单" in text and "三、约谈提醒" in text


def test_an_invalid_feedback_date_is_an_error_not_today(tmp_path: Path) -> None:
    data = valid()
    grade(data, "S3", 反馈日期="2024年1月32日")
    master = new_workbook(tmp_path / "m.xlsx", data)
    proc = annex("feedback", master, "--out", tmp_path / "fb")
    assert proc.returncode == 1 and "反馈日期" in proc.stderr
    assert not (tmp_path / "fb").exists()


def test_feedback_with_no_one_graded_says_why_nothing_was_written(tmp_path: Path) -> None:
    """A new year's master before the meetings: 反馈意见 has no one to write to and says so."""
    data = valid()
    for g in data["grades"]:
        g["综合评价等次"] = None
    master = new_workbook(tmp_path / "master.xlsx", data)
    proc = annex("feedback", master, "--out", tmp_path / "letters", "--draft")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "还没有评定综合评价等次的书记" in proc.stdout and "（0 个）" in proc.stdout, proc.stdout
    assert not list((tmp_path / "letters").glob("*.docx"))


def test_ballots_and_interviews_with_nothing_to_make_say_why(tmp_path: Path) -> None:
    """November of a new year: no meeting yet, no one graded 一般/差; the run says so."""
    data = valid()
    for s in data["subs"]:
        s["会议编号"] = None
    data["meetings"] = []
    master = new_workbook(tmp_path / "master.xlsx", data)
    proc = annex("ballots", master, "--out", tmp_path / "b", "--draft")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "还没有安排有书记述职的述职会议" in proc.stdout and "（0 个）" in proc.stdout, proc.stdout
    proc = annex("interviews", master, "--out", tmp_path / "i", "--draft")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "没有综合评价等次为“一般”或“差”的书记" in proc.stdout, proc.stdout


def test_the_as_of_date_and_the_signature_date_are_two_options(tmp_path: Path) -> None:
    """`--as-of` decides what the master is checked against, `--signed` dates a letter whose
    反馈日期 is empty (default: the as-of date); a 反馈日期 in the master wins over both."""
    data = valid()
    grade(data, "S1", 反馈日期=None)  # 乙二
    got = letters(tmp_path / "a", data, "--as-of", "2024-06-01", "--signed", "2024-02-05")
    assert got["乙二"][0].rstrip().endswith("2024年2月5日")
    assert got["丁四"][0].rstrip().endswith("2024年1月20日")  # its own 反馈日期
    got = letters(tmp_path / "b", data, "--as-of", "2024-06-01")
    assert got["乙二"][0].rstrip().endswith("2024年6月1日")
    # as of a day before the recorded 反馈日期 the master has an error: no final letters
    master = new_workbook(tmp_path / "c.xlsx", data)
    proc = annex("feedback", master, "--out", tmp_path / "fb", "--as-of", "2024-01-19",
                 "--signed", "2024-01-19")  # fmt: skip
    assert proc.returncode != 0 and "2024年1月20日" in proc.stdout + proc.stderr
