"""The decision that fixed the grades (issue 20, item 3): 会议 定等次会议日期 and 定等次会议纪要.
The feedback letters, the 等次通报 and the archived opinions quote it; without it a final
letter or 通报 is refused (a draft names what is missing) and the archive files no one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from builders import row_of, valid
from cli_helpers import annex
from docx import Document

from annex_tools.contract import settings as ST
from annex_tools.workbook.builder import new_workbook

NOTICE = {ST.K_BULLETIN_DATE: "2024-01-25"}


def undecided(mid: str) -> dict:
    data = valid()
    row_of(data, "meetings", "会议编号", mid).update({"定等次会议日期": "", "定等次会议纪要": ""})
    return data


def text_of(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_feedback_without_the_decision_is_refused_and_the_draft_says_why(tmp_path: Path) -> None:
    master = new_workbook(tmp_path / "m.xlsx", undecided("M1"))
    out = tmp_path / "fb"
    proc = annex("feedback", master, "--out", out, "--as-of", "2024-06-01")
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    said = proc.stdout + proc.stderr
    assert "会议M1" in said and "定等次会议日期" in said and "定等次会议纪要" in said, said
    assert not out.exists() or not list(out.glob("*.docx"))
    proc = annex("feedback", master, "--out", out, "--as-of", "2024-06-01", "--draft")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    letter = text_of(out / "示例第一党支部-丁四-评价意见反馈.docx")
    assert letter.startswith("草稿说明") and "会议M1" in letter.split("\n")[1]
    assert "经示例党总支委员会综合平时掌握" in letter  # nothing invented
    second = text_of(out / "示例党总支-乙二-评价意见反馈.docx")  # M0 is recorded: quoted
    assert "经党委常委会2024年1月18日会议研究（党委常委会会议纪要〔2024〕2号）" in second


def test_a_decision_before_the_meeting_is_not_quoted(tmp_path: Path) -> None:
    data = valid()
    row_of(data, "meetings", "会议编号", "M0")["定等次会议日期"] = dt.date(2024, 1, 10)
    master = new_workbook(tmp_path / "m.xlsx", data)
    proc = annex("feedback", master, "--out", tmp_path / "fb", "--as-of", "2024-06-01")
    assert proc.returncode != 0
    assert "早于述职评议会" in proc.stdout + proc.stderr


def test_the_grade_notice_quotes_each_decision_and_refuses_without_one(tmp_path: Path) -> None:
    master = new_workbook(tmp_path / "m.xlsx", valid(), settings=NOTICE)
    target = tmp_path / "通报.docx"
    proc = annex("notice-grades", master, "--out", target, "--as-of", "2024-06-01")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = text_of(target)
    assert "等次经党委常委会2024年1月18日会议（党委常委会会议纪要〔2024〕2号）研究确定。" in text
    assert (
        "等次经示例党总支委员会2024年1月12日会议（示例党总支委员会会议纪要〔2024〕1号）研究确定。"
        in text
    )
    master = new_workbook(tmp_path / "u.xlsx", undecided("M0"), settings=NOTICE)
    proc = annex("notice-grades", master, "--out", tmp_path / "u.docx", "--as-of", "2024-06-01")
    assert proc.returncode != 0 and "会议M0" in proc.stdout + proc.stderr
    assert not (tmp_path / "u.docx").exists()


@pytest.mark.parametrize("recorded", [True, False])
def test_the_archive_quotes_the_decision_or_files_no_one(tmp_path: Path, recorded: bool) -> None:
    data = valid() if recorded else undecided("M0")
    master = new_workbook(tmp_path / "m.xlsx", data)
    out = tmp_path / "arch"
    proc = annex("archive", master, "--out", out, "--as-of", "2024-06-01", "--no-pdf")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    opinions = sorted(out.rglob("评价意见.docx"))
    if recorded:
        assert len(opinions) == 2  # the two 二级党组织书记
        text = text_of(opinions[0])
        assert (
            "综合评价等次经党委常委会2024年1月18日会议（党委常委会会议纪要〔2024〕2号）研究确定。"
            in text
        )
    else:
        assert opinions == []
        assert proc.stdout.count("未填写“定等次会议日期”和“定等次会议纪要”") == 2, proc.stdout


def test_the_grade_notice_takes_its_date_from_signed_when_the_setting_is_empty(
    tmp_path: Path,
) -> None:
    master = new_workbook(tmp_path / "m.xlsx", valid())  # 设置 通报日期 empty
    undated = annex("notice-grades", master, "--out", tmp_path / "a.docx", "--as-of", "2024-06-01")
    assert undated.returncode != 0 and "通报日期" in undated.stdout + undated.stderr
    target = tmp_path / "b.docx"
    proc = annex(
        "notice-grades", master, "--out", target, "--as-of", "2024-06-01", "--signed", "2024-05-05"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = text_of(target)
    assert "2024年5月5日" in text and not text.startswith("草稿说明")


def test_a_signature_date_before_the_meeting_or_after_the_as_of_day_is_refused(
    tmp_path: Path,
) -> None:
    data = valid()
    row_of(data, "grades", "述职编号", "S1")["反馈日期"] = ""  # dated by --signed
    master = new_workbook(tmp_path / "m.xlsx", data)
    out = tmp_path / "fb"
    early = annex("feedback", master, "--out", out, "--as-of", "2024-06-01", "--signed", "2023-01-01")
    said = early.stdout + early.stderr
    assert early.returncode != 0 and "Traceback" not in said
    assert "落款日期2023年1月1日早于其述职评议会（2024年1月16日）" in said, said
    assert not out.exists() or not list(out.glob("*.docx"))
    late = annex("feedback", master, "--out", out, "--as-of", "2024-06-01", "--signed", "2024-06-02")
    assert late.returncode == 2 and "晚于判断日期2024-06-01" in late.stdout + late.stderr
    arch = annex(
        "archive", master, "--out", tmp_path / "arch", "--as-of", "2024-06-01", "--signed",
        "2024-01-17", "--no-pdf",
    )  # fmt: skip
    said = arch.stdout + arch.stderr
    assert arch.returncode != 0 and "早于其定等次会议（2024年1月18日）" in said, said
    assert not (tmp_path / "arch").exists() or not any((tmp_path / "arch").rglob("*.docx"))
    fine = annex("feedback", master, "--out", out, "--as-of", "2024-06-01", "--signed", "2024-05-20")
    assert fine.returncode == 0, fine.stdout + fine.stderr
