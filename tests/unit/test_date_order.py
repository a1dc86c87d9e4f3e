"""Dates that must follow each other: each rule on both sides of its boundary (same day is fine)."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import TODAY, D, check_data, row_of, valid

# S1 is graded at M0 (2024-01-16); its grades row is Excel row 2, its rectification R1 row 2.
MEETING = D(2024, 1, 16)
DAY = dt.timedelta(days=1)


def _codes_at(findings, code, sheet, row, column):  # type: ignore[no-untyped-def]
    return [f for f in findings if f.place == (code, sheet, row, column)]


@pytest.mark.parametrize("column", ["约谈提醒日期", "反馈日期"])
@pytest.mark.parametrize(("day", "fires"), [(MEETING - DAY, True), (MEETING, False)])
def test_follow_up_not_before_meeting(column: str, day: dt.date, fires: bool) -> None:
    data = valid()
    row_of(data, "grades", "述职编号", "S1")[column] = day
    found = _codes_at(check_data(data), "date.before-meeting", "评议", 2, column)
    assert bool(found) is fires
    if fires:
        assert "2024年1月15日" in found[0].message and "2024年1月16日" in found[0].message


@pytest.mark.parametrize("column", ["约谈提醒日期", "反馈日期"])
@pytest.mark.parametrize(("day", "fires"), [(TODAY + DAY, True), (TODAY, False)])
def test_follow_up_not_after_check_day(column: str, day: dt.date, fires: bool) -> None:
    data = valid()
    row_of(data, "grades", "述职编号", "S1")[column] = day
    found = _codes_at(check_data(data), "date.after-today", "评议", 2, column)
    assert bool(found) is fires
    if fires:
        assert "2024年6月2日" in found[0].message and "2024年6月1日" in found[0].message


@pytest.mark.parametrize(("today", "fires"), [(MEETING - DAY, True), (MEETING, False)])
def test_grades_only_after_meeting(today: dt.date, fires: bool) -> None:
    data = valid()
    for g in data["grades"]:
        g["反馈日期"] = None
    found = _codes_at(
        check_data(data, today=today), "grade.meeting-not-held", "评议", 2, "综合评价等次"
    )
    assert bool(found) is fires
    if fires:
        assert "2024年1月16日" in found[0].message and "2024年1月15日" in found[0].message


@pytest.mark.parametrize(("day", "fires"), [(TODAY + DAY, True), (TODAY, False)])
def test_done_not_in_future(day: dt.date, fires: bool) -> None:
    data = valid()
    rec = row_of(data, "rects", "整改编号", "R1")
    rec["完成日期"], rec["整改时限"] = day, D(2024, 12, 31)
    found = _codes_at(check_data(data), "rect.done-in-future", "整改", 2, "完成日期")
    assert bool(found) is fires
    if fires:
        assert "2024年6月2日" in found[0].message and "2024年6月1日" in found[0].message


@pytest.mark.parametrize(("day", "fires"), [(D(2024, 5, 1), True), (D(2024, 4, 30), False)])
def test_done_after_deadline_is_late(day: dt.date, fires: bool) -> None:
    data = valid()
    row_of(data, "rects", "整改编号", "R1")["完成日期"] = day
    found = _codes_at(check_data(data), "rect.done-late", "整改", 2, "完成日期")
    assert bool(found) is fires
    if fires:
        assert found[0].severity == "warning"
        assert "2024年5月1日" in found[0].message and "2024年4月30日" in found[0].message


@pytest.mark.parametrize(
    ("today", "verified", "fires"),
    [
        (D(2024, 5, 21), "", True),  # done 4-20, 30 days of grace ended 5-20
        (D(2024, 5, 20), "", False),  # the last day of grace
        (D(2024, 5, 21), "已核验，材料齐全", False),
        (D(2024, 5, 21), "  ", True),  # spaces are not a check
    ],
)
def test_done_needs_verification_after_grace(today: dt.date, verified: str, fires: bool) -> None:
    data = valid()
    row_of(data, "rects", "整改编号", "R1")["核验情况"] = verified
    found = _codes_at(check_data(data, today=today), "rect.unverified", "整改", 2, "核验情况")
    assert bool(found) is fires
    if fires:
        assert "30天" in found[0].message and "2024年4月20日" in found[0].message


def test_valid_institute_has_no_date_order_findings() -> None:
    codes = {f.code for f in check_data(valid())}
    assert not codes & {
        "date.before-meeting",
        "date.after-today",
        "grade.meeting-not-held",
        "rect.done-in-future",
        "rect.done-late",
        "rect.unverified",
    }
