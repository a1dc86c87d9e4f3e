"""Issue 20's rules at their boundaries: a report that never came (report.absent) is pending
until its due day and an error from that day; 党支部书记 reports have their own deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from builders import TODAY, D, row_of, to_rows, valid

from annex_tools.contract import settings as ST
from annex_tools.usecases.check import check_workbook
from annex_tools.workbook.reader import workbook_from_rows


def found(data: dict, codes: set[str], today: dt.date = TODAY, **settings: str) -> list[Any]:
    rows = to_rows(data)
    for row in rows["设置"][1:]:
        if row[0] in settings:
            row[1] = settings[row[0]]
    result = check_workbook(workbook_from_rows(rows), today)
    return sorted((f.code, f.row, f.column, f.message) for f in result.findings if f.code in codes)


ABSENT = {"report.absent"}


def no_report(data: dict, sid: str) -> None:
    sub = row_of(data, "subs", "述职编号", sid)
    sub["字数"] = sub["履职情况占比"] = sub["存在问题占比"] = sub["工作思路占比"] = ""
    sub["报告文件"] = ""


def test_a_valid_institute_has_every_report() -> None:
    assert found(valid(), ABSENT | {"deadline.branch-report-sent"}) == []


@pytest.mark.parametrize(
    ("sid", "today", "absent"),
    [
        ("S1", D(2024, 1, 14), False),  # 二级: due the day before the 党委 meeting (01-16)
        ("S1", D(2024, 1, 15), True),
        ("S3", D(2024, 1, 9), False),  # 党支部: due on its own meeting day (01-10)
        ("S3", D(2024, 1, 10), True),
    ],
)
def test_a_missing_report_is_pending_until_its_day(sid: str, today: dt.date, absent: bool) -> None:
    data = valid()
    no_report(data, sid)
    got = found(data, ABSENT, today)
    assert bool(got) is absent, got
    if absent:
        code, row, column, message = got[0]
        assert (row, column) == (int(sid[1]) + 1, "报告文件")
        assert "仍没有述职报告" in message


def test_a_report_file_alone_is_a_report() -> None:
    data = valid()
    no_report(data, "S3")
    row_of(data, "subs", "述职编号", "S3")["报告文件"] = "reports/丁四.docx"
    assert found(data, ABSENT) == []


def test_the_branch_deadline_setting_moves_the_day_and_checks_the_sent_date() -> None:
    data = valid()
    no_report(data, "S4")
    key = ST.K_BRANCH_SEND_DEADLINE
    # before the setting's day: pending, though the meeting (01-10) is past
    assert found(data, ABSENT, D(2024, 1, 11), **{key: "2024-01-12"}) == []
    got = found(data, ABSENT, D(2024, 1, 12), **{key: "2024-01-12"})
    assert len(got) == 1 and "设置“党支部书记报告报送截止日期”" in got[0][3]
    data = valid()
    row_of(data, "subs", "述职编号", "S3")["报送组织部日期"] = D(2024, 1, 13)
    row_of(data, "subs", "述职编号", "S4")["报送组织部日期"] = D(2024, 1, 12)
    got = found(data, {"deadline.branch-report-sent"}, D(2024, 2, 1), **{key: "2024-01-12"})
    assert [(r, c) for _, r, c, _ in got] == [(4, "报送组织部日期")], got
    assert "2024年1月13日报送" in got[0][3]
    row_of(data, "subs", "述职编号", "S4")["报送组织部日期"] = ""
    got = found(data, {"deadline.branch-report-sent"}, D(2024, 2, 1), **{key: "2024-01-12"})
    assert [(r, c) for _, r, c, _ in got] == [(4, "报送组织部日期"), (5, "报送组织部日期")]
    assert found(data, {"deadline.branch-report-sent"}, D(2024, 1, 12), **{key: "2024-01-12"}) == [
        (
            "deadline.branch-report-sent",
            4,
            "报送组织部日期",
            "示例第一党支部书记丁四（述职S3）：述职报告于2024年1月13日报送，晚于设置“党支部书记报告报送截止日期”2024年1月12日。",
        )
    ]
