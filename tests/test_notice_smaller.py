"""The smaller misreadings of the notice (issue: the rest of the notice, item 7)."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import D, check_data, row_of, valid

from annex_tools.contract.text import BadValue, parse_deadline


def findings_for(data: dict, code: str) -> list:
    return [f for f in check_data(data) if f.code == code]


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        (D(2024, 1, 8), "只提前了2天"),
        (D(2024, 1, 10), "会议当天才报备"),
        (D(2024, 1, 11), "会议开过1天后才报备"),
    ],
)
def test_late_report_is_said_as_a_person_would(reported: dt.date, expected: str) -> None:
    data = valid()
    row_of(data, "meetings", "会议编号", "M1")["报备日期"] = reported  # meeting on 2024-01-10
    found = findings_for(data, "meeting.notice-late")
    assert [(f.sheet, f.row, f.column) for f in found] == [("会议", 3, "报备日期")]
    assert expected in found[0].message
    assert "-" not in found[0].message.split("报备")[-1]


def test_reported_three_days_ahead_is_in_time() -> None:
    data = valid()
    row_of(data, "meetings", "会议编号", "M1")["报备日期"] = D(2024, 1, 7)
    assert findings_for(data, "meeting.notice-late") == []


@pytest.mark.parametrize("grade", ["一般", "差"])
def test_weak_grade_without_a_list_is_one_finding_not_two(grade: str) -> None:
    data = valid()
    row_of(data, "grades", "述职编号", "S4").update(综合评价等次=grade, 约谈提醒日期=D(2024, 1, 25))
    data["rects"] = [r for r in data["rects"] if r["述职编号"] != "S4"]
    codes = [(f.code, f.row) for f in check_data(data) if f.sheet == "评议"]
    assert ("grade.rectification-missing", 5) in codes
    assert ("rect.none", 5) not in codes


def test_good_grade_without_a_list_is_still_rect_none() -> None:
    data = valid()
    data["rects"] = [r for r in data["rects"] if r["述职编号"] != "S1"]
    assert [(f.code, f.row) for f in findings_for(data, "rect.none")] == [("rect.none", 2)]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2024年3月底", dt.date(2024, 3, 31)),
        ("2024年2月底前", dt.date(2024, 2, 29)),
        ("2024年12月末", dt.date(2024, 12, 31)),
        ("2024年底", dt.date(2024, 12, 31)),
        ("2024年3月31日前", dt.date(2024, 3, 31)),
        ("2024-03-31", dt.date(2024, 3, 31)),
    ],
)
def test_deadline_forms(typed: str, expected: dt.date) -> None:
    assert parse_deadline(typed) == expected


@pytest.mark.parametrize("typed", ["尽快", "2024年13月底", "3月底", "年底前"])
def test_deadline_forms_that_are_not_dates(typed: str) -> None:
    with pytest.raises(BadValue):
        parse_deadline(typed)


def test_master_accepts_a_month_end_deadline_like_a_return_does() -> None:
    data = valid()
    rid = data["rects"][0]["整改编号"]
    row_of(data, "rects", "整改编号", rid)["整改时限"] = "2024年4月底"  # done 2024-04-20
    assert [f for f in check_data(data) if f.sheet == "整改"] == []
    # a meeting date is not a deadline: a month in words is still a bad date there
    row_of(data, "meetings", "会议编号", "M1")["会议日期"] = "2024年1月底"
    assert ("schema.bad-date", "会议", 3, "会议日期") in {f.place for f in check_data(data)}


def _settings_rows(data: dict, **values: str) -> list:
    from builders import to_rows

    from annex_tools.usecases.check import check_workbook
    from annex_tools.workbook.reader import workbook_from_rows

    rows = to_rows(data)
    for row in rows["设置"][1:]:
        if row[0] in values:
            row[1] = values[row[0]]
    key_row = next(i for i, r in enumerate(rows["设置"]) if r[0] == "免填附件2组织") + 1
    findings = check_workbook(workbook_from_rows(rows), D(2026, 11, 26)).findings
    return [
        (f.place, f.severity.value, key_row, f.message)
        for f in findings
        if f.code == "settings.exempt"
    ]


@pytest.mark.parametrize(
    ("exempt", "flagged"),
    [
        (
            "安保后勤直属党支部；学术资源部直属党支部",
            None,
        ),  # a 直属党支部, and a name this institute lacks
        ("安保后勤直属党支部；示例党总支", "它是党总支"),
        ("示例第一党支部", "它是在职党支部"),
    ],
)
def test_exempt_list_names_direct_branches(exempt: str, flagged: str | None) -> None:
    found = _settings_rows(valid(), 免填附件2组织=exempt)
    if flagged is None:
        assert found == []
        return
    [(place, severity, key_row, message)] = found
    assert place == ("settings.exempt", "设置", key_row, "值") and severity == "warning"
    assert flagged in message


@pytest.mark.slow
def test_annex2_shows_every_meeting_of_a_body(tmp_path) -> None:
    """A 党总支 that held two meetings: its Annex 2 names both, on the file and the printed page."""
    import openpyxl
    import pdfplumber
    from cli_helpers import annex
    from test_pages import page_lines, to_pdf

    from annex_tools.workbook.builder import new_workbook

    data = valid()
    data["meetings"].append(
        {
            "会议编号": "M2",
            "主办组织编号": "G1",
            "会议日期": D(2024, 1, 12),
            "会议地点": "第二会议室",
            "参会人员": "全体支部委员",
            "报备日期": D(2024, 1, 8),
            "列席人员": "组织部 某某",
        }
    )
    row_of(data, "subs", "述职编号", "S4")["会议编号"] = "M2"
    master = new_workbook(tmp_path / "master.xlsx", data)
    proc = annex("annex2", master, "--out", tmp_path / "a2", "--draft")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (sheet,) = [p for p in (tmp_path / "a2").glob("*.xlsx") if "示例党总支" in p.name]
    ws = openpyxl.load_workbook(sheet).active
    assert ws["A4"].value == "考核时间、地点：2024年1月10日，会议室；2024年1月12日，第二会议室"
    assert ws["A5"].value == "参会人员：2024年1月10日：党员代表；2024年1月12日：全体支部委员"
    pdf = to_pdf([sheet], tmp_path / "pdf")[sheet]
    with pdfplumber.open(pdf) as doc:
        text = "".join(page_lines(doc.pages[0]))
    assert "2024年1月10日，会议室；2024年1月12日，第二会议室" in text
    assert "2024年1月12日：全体支部委员" in text
