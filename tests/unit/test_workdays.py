"""提前三天 counted in working days by the official holiday calendar (issue 15, item 7)."""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd
import pytest
from builders import D, row_of, to_rows, valid

from annex_tools.usecases.check import check_workbook
from annex_tools.workbook.reader import workbook_from_rows
from annex_tools.workdays import covered_years, workday_due, workdays_between

CODES = ("meeting.notice-late", "meeting.workdays-unknown")


def found(data: dict, today: dt.date, count: str) -> list:
    rows = to_rows(data)
    for row in rows["设置"][1:]:
        if row[0] == "报备天数计法":
            row[1] = count
    return [f for f in check_workbook(workbook_from_rows(rows), today).findings if f.code in CODES]


def with_meeting(meeting: dt.date, reported: dt.date | None) -> dict:
    data = valid()
    row_of(data, "meetings", "会议编号", "M1").update(会议日期=meeting, 报备日期=reported or "")
    return data


def test_the_calendar_knows_national_day_and_its_make_up_weekend() -> None:
    start = pd.Series(pd.to_datetime(["2023-09-28", "2023-09-29", "2023-10-07", "2023-10-08"]))
    end = pd.Series(pd.to_datetime(["2023-10-09", "2023-10-09", "2023-10-10", "2023-10-10"]))
    # 9-29..10-06 are holidays; Saturday 10-07 and Sunday 10-08 are make-up working days
    assert workdays_between(start, end).tolist() == [3, 2, 3, 2]


@pytest.mark.parametrize(
    ("reported", "late"),
    [
        (D(2023, 9, 28), False),  # 9-28, 10-07, 10-08: three working days
        (D(2023, 9, 29), True),  # the holiday starts: only 10-07 and 10-08
        (D(2023, 10, 6), True),  # a holiday, 3 calendar days ahead
    ],
)
def test_across_national_day_in_working_days(reported: dt.date, late: bool) -> None:
    data = with_meeting(D(2023, 10, 9), reported)
    got = found(data, D(2024, 6, 1), "工作日")
    assert [(f.code, f.row, f.column) for f in got] == (
        [("meeting.notice-late", 3, "报备日期")] if late else []
    )
    if late:
        assert "只提前了2个工作日" in got[0].message
        assert "提前3个工作日报党委组织部" in got[0].message


def test_the_same_holiday_report_is_in_time_in_calendar_days() -> None:
    data = with_meeting(D(2023, 10, 9), D(2023, 10, 6))
    assert found(data, D(2024, 6, 1), "自然日") == []


@pytest.mark.parametrize(("reported", "late"), [(D(2023, 10, 7), False), (D(2023, 10, 8), True)])
def test_a_make_up_saturday_is_a_working_day(reported: dt.date, late: bool) -> None:
    data = with_meeting(D(2023, 10, 10), reported)  # Tuesday after the make-up weekend
    got = found(data, D(2024, 6, 1), "工作日")
    assert [f.code for f in got] == (["meeting.notice-late"] if late else [])


@pytest.mark.parametrize(("today", "late"), [(D(2023, 9, 27), False), (D(2023, 9, 28), True)])
def test_unreported_meeting_is_due_three_working_days_ahead(today: dt.date, late: bool) -> None:
    data = with_meeting(D(2023, 10, 9), None)
    got = found(data, today, "工作日")
    assert [f.code for f in got] == (["meeting.notice-late"] if late else [])
    assert found(data, D(2023, 9, 28), "自然日") == []  # calendar: due on 10-06


def test_a_year_outside_the_calendar_is_counted_in_calendar_days_and_said() -> None:
    year = covered_years()[1] + 1
    data = with_meeting(D(year, 3, 10), D(year, 3, 8))
    got = found(data, D(year, 6, 1), "工作日")
    codes = sorted((f.code, f.column) for f in got)
    assert codes == [
        ("meeting.notice-late", "报备日期"),
        ("meeting.workdays-unknown", "会议日期"),
        ("meeting.workdays-unknown", "报备日期"),
    ]
    late = next(f for f in got if f.code == "meeting.notice-late")
    assert "只提前了2天" in late.message
    unknown = next(f for f in got if f.code == "meeting.workdays-unknown")
    assert f"{covered_years()[1]}年" in unknown.message and "按自然日计算" in unknown.message


def test_a_covered_year_says_nothing_about_the_calendar() -> None:
    data = with_meeting(D(2023, 10, 9), D(2023, 9, 28))
    assert found(data, D(2024, 6, 1), "工作日") == []


def test_a_bad_count_setting_is_reported_not_a_traceback() -> None:
    rows = to_rows(valid())
    for row in rows["设置"][1:]:
        if row[0] == "报备天数计法":
            row[1] = "周"
    result = check_workbook(workbook_from_rows(rows), D(2024, 6, 1))
    bad = [f for f in result.findings if f.sheet == "设置"]
    assert bad and "自然日、工作日" in bad[0].message


# ---- the vectorised table against the library, day by day ---------------------------------


def _library_between(a: pd.Timestamp, b: pd.Timestamp) -> float:
    """Working days in [a, b) asked of chinese_calendar one day at a time (the reference)."""
    first, last = covered_years()
    if pd.isna(a) or pd.isna(b) or not all(first <= d.year <= last for d in (a, b)):
        return float("nan")
    lo, hi = min(a, b).date(), max(a, b).date()
    days = [lo + dt.timedelta(days=i) for i in range((hi - lo).days)]
    return float((1 if b >= a else -1) * sum(map(_is_workday, days)))


@functools.cache
def _is_workday(day: dt.date) -> bool:
    """chinese_calendar's answer for one day, asked once per day (the walk asks again and again)."""
    import chinese_calendar

    return bool(chinese_calendar.is_workday(day))


def _walked_due(meeting: pd.Timestamp, days: int) -> pd.Timestamp:
    """The last day to report, found as the rule used to: walking back one day at a time."""
    if pd.isna(meeting):
        return pd.NaT
    day = meeting - pd.Timedelta(days=days)
    while day > meeting - pd.Timedelta(days=days + 60):
        counted = _library_between(day, meeting)
        if pd.isna(counted):
            return meeting - pd.Timedelta(days=days)
        if counted >= days:
            return day
        day -= pd.Timedelta(days=1)
    return day


def _sample_dates() -> pd.Series:
    """Dates across the covered years, and at both of its edges (where the walk leaves it)."""
    import random

    first, last = covered_years()
    rng = random.Random(25)
    start = pd.Timestamp(first, 1, 1)
    span = (pd.Timestamp(last + 1, 1, 1) - start).days
    picks = [start + pd.Timedelta(days=rng.randint(-40, span + 40)) for _ in range(120)]
    edges = [pd.Timestamp(first, 1, d) for d in range(1, 8)] + [pd.Timestamp(first, 2, 20)]
    edges += [pd.Timestamp(last, 12, d) for d in (26, 30, 31)] + [pd.Timestamp(last + 1, 1, 2)]
    holidays = [pd.Timestamp(2023, 10, d) for d in range(1, 12)] + [pd.Timestamp(2024, 2, 18)]
    return pd.Series([*picks, *edges, *holidays, pd.NaT])


def test_working_days_agree_with_the_library_day_by_day() -> None:
    end = _sample_dates()
    start = pd.Series([d - pd.Timedelta(days=(i * 7) % 45 - 9) for i, d in enumerate(end)])
    want = [_library_between(a, b) for a, b in zip(start, end, strict=True)]
    got = workdays_between(start, end).tolist()
    assert [None if pd.isna(x) else x for x in got] == [None if pd.isna(x) else x for x in want]


@pytest.mark.parametrize("days", [0, 1, 3, 10, 70])
def test_the_last_day_to_report_agrees_with_walking_back(days: int) -> None:
    meetings = _sample_dates()
    want = [_walked_due(m, days) for m in meetings]
    got = workday_due(meetings, days).tolist()
    assert [None if pd.isna(x) else x for x in got] == [None if pd.isna(x) else x for x in want]
