"""The deadline ledger and 公布 (issue 15, items 2 and 3): each date on both sides of its
boundary; the same day is on time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from builders import SETTINGS, TODAY, D, row_of, to_rows, valid

from annex_tools.usecases.check import check_workbook
from annex_tools.workbook.reader import workbook_from_rows

CODES = {
    "deadline.report-sent",
    "deadline.committee-meeting",
    "deadline.annex2-received",
    "deadline.committee-review",
    "meeting.unpublished",
}


def found(data: dict, today: dt.date = TODAY, **settings: str) -> list[tuple[Any, ...]]:
    rows = to_rows(data)
    for row in rows["设置"][1:]:
        if row[0] in settings:
            row[1] = settings[row[0]]
    result = check_workbook(workbook_from_rows(rows), today)
    return sorted((f.code, f.sheet, f.row, f.column) for f in result.findings if f.code in CODES)


def found_messages(data: dict, today: dt.date = TODAY, **settings: str) -> list[str]:
    rows = to_rows(data)
    for row in rows["设置"][1:]:
        if row[0] in settings:
            row[1] = settings[row[0]]
    result = check_workbook(workbook_from_rows(rows), today)
    return [f.message for f in result.findings if f.code in CODES]


def test_the_valid_institute_keeps_every_deadline() -> None:
    assert found(valid()) == []


# ---- 二级 report sent to the 组织部 before the 党委's meeting (2024-01-16) ------------------


@pytest.mark.parametrize(
    ("sent", "days", "late"),
    [
        (D(2024, 1, 15), "1", False),  # the day before: on time
        (D(2024, 1, 16), "1", True),  # the meeting day itself
        (D(2024, 1, 13), "3", False),
        (D(2024, 1, 14), "3", True),
    ],
)
def test_report_sent_ahead_of_the_committee_meeting(sent: dt.date, days: str, late: bool) -> None:
    data = valid()
    row_of(data, "subs", "述职编号", "S1")["报送组织部日期"] = sent
    got = found(data, 述职报告报送提前天数=days)
    assert got == ([("deadline.report-sent", "述职", 2, "报送组织部日期")] if late else [])


@pytest.mark.parametrize(("today", "flagged"), [(D(2024, 1, 14), False), (D(2024, 1, 15), True)])
def test_report_not_sent_is_flagged_from_its_due_day(today: dt.date, flagged: bool) -> None:
    data = valid()
    row_of(data, "subs", "述职编号", "S2")["报送组织部日期"] = ""
    got = [g for g in found(data, today) if g[0] == "deadline.report-sent"]
    assert got == ([("deadline.report-sent", "述职", 3, "报送组织部日期")] if flagged else [])


def test_branch_reports_need_no_sent_date() -> None:
    data = valid()
    assert "报送组织部日期" not in row_of(data, "subs", "述职编号", "S3")
    assert found(data) == []


# ---- the 党委's meeting by the year-end setting -------------------------------------------


@pytest.mark.parametrize(("deadline", "late"), [("2024-01-16", False), ("2024-01-15", True)])
def test_committee_meeting_by_the_year_end_setting(deadline: str, late: bool) -> None:
    got = found(valid(), 党委述职会截止日期=deadline)
    assert got == ([("deadline.committee-meeting", "会议", 2, "会议日期")] if late else [])


def test_the_notice_year_end_is_said_and_an_empty_setting_is_not_checked() -> None:
    messages = found_messages(valid(), 党委述职会截止日期="2023-12-31")
    assert len(messages) == 1 and "晚于2023年12月31日" in messages[0]
    assert "拟于2023年底召开" in messages[0]
    assert SETTINGS  # the builder sets the date; the table's default is empty (会议通知另发)
    assert found(valid(), 党委述职会截止日期="") == []


# ---- Annex 2 received by 1月22日 ------------------------------------------------------------


@pytest.mark.parametrize(("received", "late"), [(D(2024, 1, 22), False), (D(2024, 1, 23), True)])
def test_annex2_received_by_the_branch_deadline(received: dt.date, late: bool) -> None:
    data = valid()
    row_of(data, "orgs", "组织编号", "G1")["附件2收到日期"] = received
    got = found(data)
    assert got == ([("deadline.annex2-received", "组织", 3, "附件2收到日期")] if late else [])


@pytest.mark.parametrize(("today", "flagged"), [(D(2024, 1, 22), False), (D(2024, 1, 23), True)])
def test_annex2_missing_after_the_deadline(today: dt.date, flagged: bool) -> None:
    data = valid()
    row_of(data, "orgs", "组织编号", "G1")["附件2收到日期"] = ""
    got = [g for g in found(data, today) if g[0] == "deadline.annex2-received"]
    assert got == ([("deadline.annex2-received", "组织", 3, "附件2收到日期")] if flagged else [])


def test_exempt_and_branchless_organizations_send_no_annex2() -> None:
    data = valid()  # G2 is a 直属党支部 without 在职党支部 and named in 免填附件2组织
    assert "附件2收到日期" not in row_of(data, "orgs", "组织编号", "G2")
    assert found(data) == []


# ---- the 党委's deliberation by 1月底 -------------------------------------------------------


@pytest.mark.parametrize(("review", "late"), [("2024-01-31", False), ("2024-02-01", True)])
def test_committee_review_by_the_month_end_setting(review: str, late: bool) -> None:
    got = found(valid(), 党委审议日期=review)
    assert [g[0:2] + g[3:] for g in got] == (
        [("deadline.committee-review", "设置", "值")] if late else []
    )
    if late:
        assert got[0][2] is not None  # the 设置 row of 党委审议日期


# ---- 公布 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("published", "late"), [(D(2024, 2, 15), False), (D(2024, 2, 16), True)])
def test_reports_published_within_the_setting(published: dt.date, late: bool) -> None:
    data = valid()
    row_of(data, "meetings", "会议编号", "M0")["公布日期"] = published  # meeting 2024-01-16
    got = found(data)
    assert got == ([("meeting.unpublished", "会议", 2, "公布日期")] if late else [])


@pytest.mark.parametrize(("today", "flagged"), [(D(2024, 2, 15), False), (D(2024, 2, 16), True)])
def test_unpublished_meeting_is_flagged_after_the_setting(today: dt.date, flagged: bool) -> None:
    data = valid()
    row_of(data, "meetings", "会议编号", "M0").update(公布日期="", 公布范围="")
    got = [g for g in found(data, today) if g[0] == "meeting.unpublished"]
    assert got == ([("meeting.unpublished", "会议", 2, "公布日期")] if flagged else [])


def test_published_without_a_scope_or_before_the_meeting() -> None:
    data = valid()
    row_of(data, "meetings", "会议编号", "M1").update(公布范围="", 公布日期=D(2024, 1, 9))
    assert found(data) == [
        ("meeting.unpublished", "会议", 3, "公布日期"),
        ("meeting.unpublished", "会议", 3, "公布范围"),
    ]


def test_a_master_without_the_new_columns_is_not_flagged() -> None:
    data = valid()
    rows = to_rows(data, drop={"orgs": "附件2收到日期"})
    result = check_workbook(workbook_from_rows(rows), TODAY)
    assert not [f for f in result.findings if f.code == "deadline.annex2-received"]
