"""Working days by the official Chinese holiday calendar (国务院办公厅 节假日安排), with its
make-up working days (调休上班的周六、周日), from the maintained `chinesecalendar` package.

The package covers a fixed range of years (it is updated each year when the State Council
publishes the next year's arrangement). A date outside that range has no answer here: the
caller gets NaN (or NaT) for it and says so in a finding, never a traceback.

The calendar is read once, as data: one table of every covered day (Monday to Friday, minus
the official holidays, plus the make-up working days), and its running count. Every question
after that is array arithmetic on whole columns (`numpy.busday_count`-style, but with the
make-up weekends numpy's weekmask cannot express); the library is never asked day by day.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class _Table:
    first: np.datetime64  # 1 January of the first covered year
    end: np.datetime64  # 1 January after the last covered year
    before: np.ndarray  # before[i] = working days in [first, first + i), i = 0 .. days


@lru_cache(maxsize=1)
def covered_years() -> tuple[int, int]:
    """The first and last year the installed holiday calendar knows."""
    from chinese_calendar import constants

    years = {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
    return min(years), max(years)


@lru_cache(maxsize=1)
def _table() -> _Table:
    """The covered years as one array of working days, built with one vectorised pass over the
    library's own holiday and make-up-day lists (what `chinese_calendar.is_workday` reads)."""
    from chinese_calendar import constants

    first_year, last_year = covered_years()
    first = np.datetime64(f"{first_year:04d}-01-01", "D")
    end = np.datetime64(f"{last_year + 1:04d}-01-01", "D")
    days = np.arange(first, end, _DAY)
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    holidays = np.array(sorted(constants.holidays), dtype="datetime64[D]")
    make_up = np.array(sorted(constants.workdays), dtype="datetime64[D]")
    work = ((weekday < 5) & ~np.isin(days, holidays)) | np.isin(days, make_up)
    before = np.concatenate(([0], np.cumsum(work, dtype=np.int64)))
    return _Table(first, end, before)


def _days(day: pd.Series) -> np.ndarray:
    """The dates as day numbers (datetime64[D]); NaT stays NaT."""
    return pd.to_datetime(day).to_numpy(dtype="datetime64[D]")


def is_covered(day: pd.Series) -> pd.Series:
    """Which dates the holiday calendar covers (NaT counts as covered: nothing to count)."""
    first, last = covered_years()
    year = day.dt.year
    return day.isna() | ((year >= first) & (year <= last))


def _position(days: np.ndarray, t: _Table) -> tuple[np.ndarray, np.ndarray]:
    """Index of each day in the table, and whether it is a covered day (not NaT, in range)."""
    ok = ~np.isnat(days) & (days >= t.first) & (days < t.end)
    index = np.where(ok, (days - t.first).astype("timedelta64[D]").astype(np.int64), 0)
    return index, ok


def workdays_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Working days in [start, end) (negative when end is before start); NaN where a date is
    missing or outside the covered years."""
    t = _table()
    a, ok_a = _position(_days(start), t)
    b, ok_b = _position(_days(end), t)
    counted = (t.before[b] - t.before[a]).astype(float)
    return pd.Series(np.where(ok_a & ok_b, counted, np.nan), index=start.index)


def workday_due(end: pd.Series, days: int, window: int = 60) -> pd.Series:
    """For each date, the latest day that still leaves `days` working days before it (that day
    counted, the date itself not): the last day to report a meeting `days` working days ahead.

    The answer is looked for among the `window` days up to `days` calendar days before the
    date, latest first; when none of them will do, the day before the earliest of them. Where
    the date, or a day reached before the answer, is outside the covered years: `days` calendar
    days before (the caller says it counted in calendar days). NaT stays NaT."""
    t = _table()
    e = _days(end)
    latest = e - np.timedelta64(days, "D")  # no later day can leave `days` working days
    floor = latest - np.timedelta64(window, "D")
    e_index, e_ok = _position(e, t)
    # the latest table day d with before[d] <= before[end] - days (before never decreases),
    # no later than `latest`: every later day leaves fewer than `days`
    found = np.searchsorted(t.before, t.before[e_index] - days, side="right") - 1
    found_day = np.minimum(t.first + found.astype("timedelta64[D]"), latest)
    ok = (found_day >= t.first) & (found_day > floor)
    # walking down from `latest` without an answer reaches the days before the calendar
    result = np.where(ok, found_day, np.where(floor + _DAY < t.first, latest, floor))
    result = np.where(e_ok, result, latest)
    return pd.Series(pd.to_datetime(result), index=end.index).where(end.notna())
