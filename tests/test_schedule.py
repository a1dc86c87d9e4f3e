"""Every requirement has its day (issue 19, item 1): the schedule's verdicts, pending before the
day and late after it, on small builders and on a new year made from the demo."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from builders import D, row_of, to_rows, valid

from annex_tools.contract import schema as S
from annex_tools.demo import report_count
from annex_tools.schedule import DONE, DONE_LATE, LATE, PENDING, verdicts
from annex_tools.usecases.check import check_workbook
from annex_tools.workbook.reader import workbook_from_rows


def _check(data: dict, today: dt.date):
    return check_workbook(workbook_from_rows(to_rows(data)), today)


def test_verdicts_at_the_boundaries() -> None:
    t = pd.Timestamp
    frame = pd.DataFrame(
        {
            "due": [t("2024-01-22")] * 5 + [pd.NaT],
            "overdue_from": [t("2024-01-23")] * 5 + [pd.NaT],
            "done": [t("2024-01-22"), t("2024-01-23"), pd.NaT, pd.NaT, t("2024-02-01"), pd.NaT],
        }
    )
    assert list(verdicts(frame, D(2024, 1, 23))) == [DONE, DONE_LATE, LATE, LATE, LATE, PENDING]
    # on the due day itself, a missing item is not yet late; a date after today is not done
    assert list(verdicts(frame, D(2024, 1, 22))) == [
        DONE, PENDING, PENDING, PENDING, PENDING, PENDING,
    ]  # fmt: skip


def _unscheduled() -> dict:
    """The miniature institute in November: nothing held, nothing graded, nothing sent."""
    data = valid()
    data["meetings"] = []
    data["grades"] = []
    for s in data["subs"]:
        for c in ("会议编号", "讨论日期", "审定日期", "审定人", "报送组织部日期"):
            s.pop(c, None)
    for r in data["rects"]:
        for c in ("整改时限", "整改措施", "完成日期", "整改状态", "核验情况"):
            r.pop(c, None)
    for o in data["orgs"]:
        o.pop("附件2收到日期", None)
    return data


def test_nothing_is_an_error_before_its_day_and_everything_is_listed() -> None:
    result = _check(_unscheduled(), D(2023, 11, 15))
    assert [f for f in result.findings if f.severity == "error"] == []
    steps = Counter(p["step"] for p in result.pending)
    assert steps["meeting-held"] == 4  # every secretary's 述职评议 is still to be held
    assert steps["annex2"] == 1
    due = {p["step"]: p["due"] for p in result.pending}
    assert due["annex2"] == "2024-01-22" and due["meeting-held"] is not None
    assert result.as_json()["pending"] == result.pending


def test_the_same_items_are_late_once_their_day_has_passed() -> None:
    result = _check(_unscheduled(), D(2024, 2, 1))
    codes = Counter(f.code for f in result.findings)
    assert codes["meeting.missing"] == 4
    assert codes["deadline.annex2-received"] == 1
    assert codes["rect.deadline-missing"] == len(valid()["rects"])
    assert not [p for p in result.pending if p["step"] in ("meeting-held", "annex2")]


def test_an_empty_approver_waits_for_the_meeting() -> None:
    data = valid()
    row_of(data, "meetings", "会议编号", "M0")["会议日期"] = D(2024, 1, 16)
    for sid in ("S1", "S2"):
        row = row_of(data, "subs", "述职编号", sid)
        row["审定人"], row["审定日期"] = "", None
    before = _check(data, D(2024, 1, 10))
    assert not [f for f in before.findings if f.code == "approval.approver"]
    after = _check(data, D(2024, 1, 16))
    assert {f.row for f in after.findings if f.code == "approval.approver"} == {2, 3}


@pytest.mark.parametrize(("today", "flagged"), [(D(2024, 2, 15), False), (D(2024, 2, 17), True)])
def test_feedback_and_interview_are_due_after_their_days(today: dt.date, flagged: bool) -> None:
    data = valid()  # the 党委 met on 2024-01-16: 30 days later is 2024-02-15
    sid = "S2"
    g = row_of(data, "grades", "述职编号", sid)
    g["反馈日期"] = None
    g["综合评价等次"], g["约谈提醒日期"] = "一般", None
    codes = {f.code for f in _check(data, today).findings if f.row == 3 and f.sheet == "评议"}
    assert ("grade.feedback-missing" in codes) is flagged
    assert ("grade.interview-missing" in codes) is flagged


# ---- a new year from the demo -------------------------------------------------------------


@pytest.fixture(scope="module")
def new_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from builders import demo_copy

    from annex_tools.usecases.start import new_master

    root = tmp_path_factory.mktemp("year")
    made = demo_copy(root / "demo")
    new_master(root / "2024.xlsx", last_year=made.workbook)
    return root / "2024.xlsx"


@pytest.mark.parametrize("today", [D(2024, 11, 15), D(2024, 12, 31)])
def test_a_fresh_new_year_has_no_errors_before_the_first_deadline(
    new_year: Path, today: dt.date
) -> None:
    from annex_tools.usecases.check import check

    result = check(new_year, today)
    assert result.errors == 0, [f.message for f in result.findings if f.severity == "error"]
    assert len([p for p in result.pending if p["step"] == "meeting-held"]) == report_count()


def test_a_new_year_carries_no_event_and_no_vacant_branch(new_year: Path) -> None:
    from annex_tools.workbook.reader import read_workbook

    wb = read_workbook(new_year)
    assert wb.settings.review_date is None  # last year's 审议 did not happen again
    assert wb.settings.committee_deadline == D(2024, 12, 31)  # a plan, rolled to confirm
    vacant = wb.frames["orgs"].loc[wb.frames["orgs"]["书记空缺原因"] != "", "组织编号"]
    assert len(vacant) == 1
    assert not wb.frames["subs"]["组织编号"].isin(set(vacant)).any()
    assert (wb.frames["subs"]["书记姓名"] != "").all()


def test_the_same_secretary_is_never_handed_over_to_himself() -> None:
    from annex_tools.usecases.yearly import roll_forward

    data = valid()
    data["subs"][0]["书记工号"] = ""  # last year's row without 工号, the 组织 row with it
    data["rects"][0].update({"整改状态": "整改中", "完成日期": None, "核验情况": ""})
    rows = to_rows(data)
    plan = roll_forward(workbook_from_rows(rows))
    assert plan.carried, "the miniature institute has open rectifications"
    assert not [c for c in plan.carried if c.handover], [c.handover for c in plan.carried]
    assert plan.data["rects"][0]["问题来源"] == S.SOURCE_LAST_YEAR


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024.3", D(2024, 3, 31)), ("2024-3", D(2024, 3, 31)), ("2024年3月底", D(2024, 3, 31)),
        ("2024年3月31日前", D(2024, 3, 31)), ("2024.3.31", D(2024, 3, 31)),
        ("2024年底", D(2024, 12, 31)), ("2024年13月底", None), ("2024.13", None),
    ],
)  # fmt: skip
def test_one_deadline_parser_for_the_master_and_the_returns(text: str, day: object) -> None:
    """2024.3 is read the same in a returned Annex 2 and in the master; 2024年13月底 in neither."""
    from annex_tools.contract.text import BadValue, parse_deadline
    from annex_tools.documents.annex2 import parse_deadline as in_return

    try:
        master = parse_deadline(text)
    except BadValue:
        master = None
    assert master == day
    assert in_return(f"落实措施（{text}）") == day
