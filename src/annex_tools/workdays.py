"""Working days by the official Chinese holiday calendar (国务院办公厅 节假日安排), with its
make-up working days (调休上班的周六、周日), from the maintained `chinesecalendar` package.

The package covers a fixed range of years (it is updated each year when the State Council
publishes the next year's arrangement). A date outside that range has no answer here: the
caller gets NaN for it and says so in a finding, never a traceback.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar
import numpy as np
import pandas as pd


@lru_cache(maxsize=1)
def covered_years() -> tuple[int, int]:
    """The first and last year the installed holiday calendar knows."""
    years = {d.year for d in chinese_calendar.holidays} | {
        d.year for d in chinese_calendar.workdays
    }
    return min(years), max(years)


@lru_cache(maxsize=1)
def _workdays_before() -> pd.Series:
    """Day -> number of working days strictly before it, over the covered years (+1 day)."""
    first, last = covered_years()
    days = pd.date_range(dt.date(first, 1, 1), dt.date(last, 12, 31))
    work = np.array([chinese_calendar.is_workday(d.date()) for d in days], dtype=np.int64)
    before = np.concatenate(([0], np.cumsum(work)))
    index = days.append(pd.DatetimeIndex([days[-1] + pd.Timedelta(days=1)]))
    return pd.Series(before, index=index)


def is_covered(day: pd.Series) -> pd.Series:
    """Which dates the holiday calendar covers (NaT counts as covered: nothing to count)."""
    first, last = covered_years()
    year = day.dt.year
    return day.isna() | ((year >= first) & (year <= last))


def workdays_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Working days in [start, end) (negative when end is before start); NaN where a date is
    missing or outside the covered years."""
    before = _workdays_before()
    ok = is_covered(start) & is_covered(end) & start.notna() & end.notna()
    a = before.reindex(start.where(ok)).to_numpy(dtype=float)
    b = before.reindex(end.where(ok)).to_numpy(dtype=float)
    return pd.Series(b - a, index=start.index)
