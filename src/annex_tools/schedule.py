"""The year's schedule: the one computation of every deadline fact. Pure: frames in, frames out.

For each body (organization) or secretary and each step the notice sets (四、2 严格遵守时间节点要求,
一(二) 报备, 三、3 审定, 三、4 公布, 三、5 反馈、约谈, 三、6 整改), `steps` gives the day it is due
(from the settings and the master's own meeting dates), the day it was done (from the master),
and `verdicts` says, at a given day, whether it is done on time, done late, pending (its day has
not come: listed, never an error) or late (its day has passed and it is not done). The rules turn
the late ones into findings, the summary's deadline ledger and `progress` render the same frame,
so the three can never disagree.

Each step also carries `overdue_from`, the first day a missing item counts as late: the day after
a "by D" deadline (附件2 于1月22日前: the 22nd is on time), the meeting day itself for what the
meeting needs (审定, 等次), the due day itself for what must reach the 组织部 ahead of a meeting
(报送, 报备: on the due day, it is still not there a day ahead).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype, is_scalar

from annex_tools.contract import schema as S
from annex_tools.contract.master import ROW
from annex_tools.contract.settings import Settings
from annex_tools.contract.text import all_normal, normalize
from annex_tools.institute import code_count, first_rows

if TYPE_CHECKING:
    from annex_tools.institute import Joined

DAY = pd.Timedelta(days=1)

# step key -> what staff call it (progress, 催报, ledger)
STEP_REPORT_SENT = "report-sent"
STEP_MEETING = "meeting-held"
STEP_REPORTED = "meeting-reported"
STEP_APPROVED = "approved"
STEP_GRADED = "graded"
STEP_ANNEX2 = "annex2"
STEP_PUBLISHED = "published"
STEP_FEEDBACK = "feedback"
STEP_INTERVIEW = "interview"
STEP_RECTIFIED = "rectified"
STEP_REVIEW = "review"

STEP_LABELS: dict[str, str] = {
    STEP_REPORT_SENT: "述职报告报送党委组织部",
    STEP_MEETING: "召开述职评议会",
    STEP_REPORTED: "述职会提前报备党委组织部",
    STEP_APPROVED: "述职报告讨论审定",
    STEP_GRADED: "评定综合评价等次",
    STEP_ANNEX2: "报送附件2（评议结果和问题整改清单）",
    STEP_PUBLISHED: "述职报告在一定范围内公布",
    STEP_FEEDBACK: "评价意见及等次反馈本人",
    STEP_INTERVIEW: "约谈提醒（一般、差）",
    STEP_RECTIFIED: "整改完成",
    STEP_REVIEW: "党委审议并向上级报送",
}
STEP_ORDER = list(STEP_LABELS)

DONE, DONE_LATE, PENDING, LATE = "done", "done-late", "pending", "late"
VERDICT_ZH = {DONE: "按时完成", DONE_LATE: "逾期完成", PENDING: "未到期", LATE: "逾期未完成"}

COLUMNS = [
    "step", "actor", "sid", "who", "sheet", ROW, "column", "due", "overdue_from", "done", "ref",
]  # fmt: skip


def annex2_filers(orgs: pd.DataFrame, exempt: tuple[str, ...]) -> pd.Series:
    """Who files Annex 2 (the one definition): 二级党组织 with at least one 在职党支部, less
    设置 免填附件2组织 (by name). A mask over the 组织 frame."""
    types, ids = orgs["组织类型"].to_numpy(dtype=object), orgs["组织编号"].to_numpy(dtype=object)
    staff_parents = orgs["上级组织编号"].to_numpy(dtype=object)[types == S.ORG_STAFF_BRANCH]
    exempt_keys = {normalize(e) for e in exempt}
    # `ids.isin(staff_parents)` asked of the second-level ids only, the parents looked up among
    # them (a small table: ~30,000 parents probe ~3,000 ids, not the other way)
    second = np.flatnonzero(orgs["组织类型"].isin(S.SECOND_LEVEL_TYPES).to_numpy() & (ids != ""))
    candidates = pd.Series(ids[second], dtype=object)
    parents = staff_parents[pd.Series(staff_parents, dtype=object).isin(candidates).to_numpy()]
    filing = np.zeros(len(orgs), dtype=bool)
    filing[second] = candidates.isin(parents).to_numpy()
    files = pd.Series(filing, index=orgs.index)
    if not exempt_keys:
        return files
    at = np.flatnonzero(files.to_numpy())  # only the filers' names can be exempt: those checked
    names = orgs["组织名称"].iloc[at]  # normal already as read, mostly: one check, not one a name
    keys = names if all_normal(names.to_numpy(dtype=object)) else names.map(normalize)
    exempted = np.zeros(len(orgs), dtype=bool)
    exempted[at[keys.isin(exempt_keys).to_numpy()]] = True
    return files & ~exempted


def meeting_deadline(category: pd.Series, st: Settings) -> pd.Series:
    """By when each secretary's 述职评议 is to be held: a 党支部书记's by 党支部述职完成截止日期,
    a 二级党组织书记's by 党委述职会截止日期 (or, while the 党委 has set none, 党委审议上报截止日期)."""
    second = pd.Timestamp(st.committee_deadline or st.report_deadline)
    branch = pd.Timestamp(st.branch_deadline)
    kind = category.to_numpy(dtype=object)  # (on arrays: a Series' masked set costs more)
    out = np.full(len(kind), np.datetime64("NaT"), dtype="datetime64[ns]")
    out[kind == S.CAT_SECOND_LEVEL] = second.to_datetime64()
    out[kind == S.CAT_BRANCH] = branch.to_datetime64()
    return pd.Series(out, index=category.index)


def feedback_due(meeting_date: pd.Series, st: Settings) -> pd.Series:
    """反馈 and 约谈 are due 设置 反馈约谈期限天数 after the meeting that gave the grade."""
    return meeting_date + pd.Timedelta(days=st.feedback_days)


def report_due(category: str, meeting: dt.date | None, st: Settings) -> dt.date | None:
    """The day a secretary's report is due at the 组织部 (the one definition; `report_dues`
    is the same on frames): a 二级党组织书记's 述职报告报送提前天数 before the meeting; a
    党支部书记's 设置 党支部书记报告报送截止日期, or the meeting day when that is empty."""
    if category == S.CAT_SECOND_LEVEL:
        return meeting - dt.timedelta(days=st.send_days) if meeting else None
    return st.branch_send_deadline or meeting


def report_dues(subs: pd.DataFrame, st: Settings) -> pd.Series:
    """`report_due` for every 述职 row (meeting_date joined), as Timestamps (NaT: none)."""
    second = subs["述职类别"] == S.CAT_SECOND_LEVEL
    before = subs["meeting_date"] - pd.Timedelta(days=st.send_days)
    if st.branch_send_deadline is not None:
        branch = pd.Series(pd.Timestamp(st.branch_send_deadline), index=subs.index)
    else:
        branch = subs["meeting_date"]
    return before.where(second, branch)


def report_by(meeting_dates: pd.Series, st: Settings) -> pd.Series:
    """The last day a 党总支 meeting can be reported (报备) to the 组织部: 设置 会议报备提前天数
    before it, in calendar days or, by 报备天数计法, working days (the official holiday calendar;
    calendar days outside the years it covers)."""
    from annex_tools.workdays import workday_due

    days = st.filing_days
    if st.filing_count != S.DAYS_WORKING:
        return meeting_dates - pd.Timedelta(days=days)
    return workday_due(meeting_dates, days)


_DATES = ("due", "overdue_from", "done")
_TEXT = pd.Series([""], dtype=object).astype(str).dtype  # what `astype(str)` makes of text


def _frame(**cols: object) -> dict[str, np.ndarray]:
    """One step's rows, as columns (COLUMNS): a Series gives its values, a scalar is repeated.
    Arrays, not a DataFrame: `_concat` builds the one frame (eleven frames and their concat cost
    more than the steps' own arithmetic). Text columns are given as text, '' where missing:
    `_with`'s columns, literals, or made so where a value may be missing."""
    if "row" in cols:
        cols[ROW] = cols.pop("row")
    n = next(len(v) for v in cols.values() if isinstance(v, pd.Series | list))
    out: dict[str, np.ndarray] = {}
    for c in COLUMNS:
        v = cols[c]
        if c in _DATES and isinstance(v, pd.Series) and v.dtype.kind == "M":
            out[c] = v.to_numpy()  # (dates already: as they are)
        elif c in _DATES:  # as a frame's column would be (a scalar Timestamp keeps its unit)
            v = pd.to_datetime(v if isinstance(v, pd.Series) else pd.Series(v, index=range(n)))
            out[c] = v.to_numpy()
        elif isinstance(v, pd.Series):
            out[c] = v.to_numpy(dtype=object) if c != ROW else v.to_numpy()
        elif isinstance(v, list):
            out[c] = np.array(v, dtype=object)
        else:
            out[c] = np.empty(n, dtype=object)
            out[c][:] = v  # the one object n times (np.full would make n copies of a text)
    return out


def _concat(parts: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """The steps' rows in one frame, columns typed as a concat of the steps' frames gives them
    (numpy's concatenate widens dates to the finest unit and mixed rows to objects, as pandas).
    The text columns' values are text already (`_frame`): made the text dtype `astype(str)`
    gives in one pass over them (the ids and names are scattered in memory: each pass costs)."""
    parts = [p for p in parts if len(p["step"])]
    out: dict[str, object] = {}
    for c in COLUMNS:
        values = np.concatenate([p[c] for p in parts])
        if c in _DATES or c == ROW:
            out[c] = values
            continue
        out[c] = pd.Series(values, dtype=_TEXT, copy=False)  # (= .astype(str), without a copy)
    return pd.DataFrame(out, copy=False)  # (the arrays are new: a frame of a dict copies them)


def _with(
    frame: pd.DataFrame, dates: tuple[str, ...], texts: tuple[str, ...], known: tuple[str, ...] = ()
) -> pd.DataFrame:
    """`frame` with each named column present: dates as datetimes (unreadable = NaT, already
    reported by the reader), texts as text. A sheet or column the master lacks gives empties.
    `known`: text columns made text in every row (join's `who`), taken as they are."""
    # the columns themselves, not copies (frame[list] copies them; these are only read)
    out = pd.DataFrame(
        {c: frame[c] for c in (ROW, *dates, *texts) if c in frame}, index=frame.index, copy=False
    )
    for c in dates:
        if c not in out:
            out[c] = pd.NaT
        elif out[c].dtype.kind != "M":
            out[c] = pd.to_datetime(out[c], errors="coerce")
    for c in texts:
        if c not in out:
            out[c] = ""
        elif c in known:
            continue
        elif out[c].dtype != object or infer_dtype(out[c], skipna=False) != "string":
            out[c] = out[c].fillna("").astype(str)  # (text already, as read: kept as it is)
    return out


def _taken(values: pd.Series, at: np.ndarray, index: pd.Index) -> pd.Series:
    """values[at], NaN where at is -1: what `keys.map(values keyed)` gives, the keys found once."""
    if values.empty:
        return pd.Series(np.nan, index=index)
    out = values.iloc[np.maximum(at, 0)].set_axis(index)  # (a take; NaN set where not found)
    return out.where(at >= 0) if (at < 0).any() else out


def _kept(frame: pd.DataFrame, mask: pd.Series | np.ndarray) -> pd.DataFrame:
    """`frame[mask]` (a mask of its rows, in order); the frame itself when every row is kept (the
    steps only read it: its text columns not copied, a pass over their scattered values)."""
    keep = np.asarray(mask, dtype=bool)
    return frame if keep.all() else frame[keep]


def _found(values: pd.Series, at: np.ndarray) -> np.ndarray:
    """values[at] (text), '' where at is -1 (not found)."""
    return np.append(values.to_numpy(dtype=object), "")[at]  # (-1 takes the appended '')


def _text(value: object) -> object:
    """A text value of a step, '' when missing."""
    return "" if is_scalar(value) and pd.isna(value) else value


def _evaluated(subs: pd.DataFrame, codes: np.ndarray, n: int) -> np.ndarray:
    """The rows (positions) of `subs.drop_duplicates("述职编号")` among the rows with an id and a
    category: each id's first such row, by its code."""
    valid = (subs["述职编号"] != "").to_numpy() & subs["述职类别"].isin(S.CATEGORIES).to_numpy()
    first = first_rows(codes, n, np.flatnonzero(valid))
    return np.sort(first[first >= 0])


def steps(
    j: Joined,
    orgs: pd.DataFrame,
    meetings: pd.DataFrame,
    st: Settings,
) -> pd.DataFrame:
    """Every step of the year with its due day, first late day and done day (free of the as-of date).

    `actor` is the organization that must act (and is reminded): the 二级党组织 for its own
    report and Annex 2, the evaluating body for the meeting, grades, feedback and 约谈, the
    host for 报备 and 公布, the secretary's organization for 审定 and 整改; the 党委 for 审议."""
    # join's columns that are text in every row, taken as they are (not looked through again)
    known = ("who",) if j.who_text else ()
    subs = _with(
        j.subs, ("meeting_date", "报送组织部日期", "审定日期"),
        ("述职编号", "述职类别", "组织编号", "会议编号", "body", "who"),
        ("who", "body") if isinstance(j.root, str) else ("who",),
    )  # fmt: skip
    # rows are found by their 述职编号's code (join's): each code's evaluated 述职 row
    sub_codes, grade_codes, rect_codes = j.sid_codes
    n = code_count(j.sid_codes)
    evaluated = _evaluated(subs, sub_codes, n)
    subs = subs if len(evaluated) == len(subs) else subs.iloc[evaluated]
    sub_at = np.full(n, -1, dtype=np.intp)
    sub_at[sub_codes[evaluated]] = np.arange(len(evaluated))
    orgs = _with(orgs, ("附件2收到日期",), ("组织编号", "组织名称", "组织类型", "上级组织编号"))
    meetings = _with(meetings, ("会议日期", "报备日期", "公布日期"), ("会议编号", "主办组织编号"))
    grades = _with(
        j.grades, ("meeting_date", "反馈日期", "约谈提醒日期"),
        ("述职编号", "综合评价等次", "body", "who"), known,
    )  # fmt: skip
    rects = _with(
        j.rects, ("整改时限", "完成日期"), ("述职编号", "整改编号", "整改状态", "who"), known
    )
    sub_sheet, grade_sheet = S.SUBMISSIONS.name, S.GRADES_SHEET.name
    parts: list[dict[str, np.ndarray]] = []

    # 二级 reports ahead of their meeting; 党支部 reports by 党支部书记报告报送截止日期 when set
    sending = (subs["述职类别"] == S.CAT_SECOND_LEVEL) | (st.branch_send_deadline is not None)
    second = _kept(subs, sending)
    due = report_dues(second, st)
    overdue = due.where(second["述职类别"] == S.CAT_SECOND_LEVEL, due + DAY)
    parts.append(
        _frame(
            step=STEP_REPORT_SENT, actor=second["组织编号"], sid=second["述职编号"],
            who=second["who"], sheet=sub_sheet, row=second[ROW], column="报送组织部日期",
            due=due, overdue_from=overdue, done=second["报送组织部日期"], ref="",
        )
    )  # fmt: skip
    deadline = meeting_deadline(subs["述职类别"], st)
    parts.append(
        _frame(
            step=STEP_MEETING, actor=subs["body"], sid=subs["述职编号"], who=subs["who"],
            sheet=sub_sheet, row=subs[ROW], column="会议编号", due=deadline,
            overdue_from=deadline + DAY, done=subs["meeting_date"], ref=subs["会议编号"],
        )
    )  # fmt: skip
    parts.append(
        _frame(
            step=STEP_APPROVED, actor=subs["组织编号"], sid=subs["述职编号"], who=subs["who"],
            sheet=sub_sheet, row=subs[ROW], column="审定日期", due=subs["meeting_date"],
            overdue_from=subs["meeting_date"], done=subs["审定日期"], ref="",
        )
    )  # fmt: skip
    # each 述职 row's first 评议 row, and each 评议 and 整改 row's 述职 row, found once
    grade_ok = grades["综合评价等次"].isin(S.GRADES).to_numpy()
    at_grade = first_rows(grade_codes, n)[sub_codes[evaluated]]  # each 述职 row's first 评议 row
    graded = np.append(grade_ok, False)[at_grade]  # (-1, not found, takes the appended False)
    parts.append(
        _frame(
            step=STEP_GRADED, actor=subs["body"], sid=subs["述职编号"], who=subs["who"],
            sheet=grade_sheet, row=_taken(grades[ROW], at_grade, subs.index),
            column="综合评价等次", due=subs["meeting_date"],
            overdue_from=subs["meeting_date"], done=subs["meeting_date"].where(graded), ref="",
        )
    )  # fmt: skip
    g = _kept(grades, (sub_at[grade_codes] >= 0) & grade_ok)
    for step, column, rows in (
        (STEP_FEEDBACK, "反馈日期", g),
        (STEP_INTERVIEW, "约谈提醒日期", g[g["综合评价等次"].isin(S.GRADES_INTERVIEW)]),
    ):
        fdue = feedback_due(rows["meeting_date"], st)
        parts.append(
            _frame(
                step=step, actor=rows["body"], sid=rows["述职编号"], who=rows["who"],
                sheet=grade_sheet, row=rows[ROW], column=column, due=fdue,
                overdue_from=fdue + DAY, done=rows[column], ref="",
            )
        )  # fmt: skip
    filers = orgs[annex2_filers(orgs, st.exempt)].drop_duplicates("组织编号")
    branch_deadline = pd.Timestamp(st.branch_deadline)
    parts.append(
        _frame(
            step=STEP_ANNEX2, actor=filers["组织编号"], sid="", who=filers["组织名称"],
            sheet=S.ORGS.name, row=filers[ROW], column="附件2收到日期", due=branch_deadline,
            overdue_from=branch_deadline + DAY, done=filers["附件2收到日期"], ref="",
        )
    )  # fmt: skip
    m = _kept(meetings, (meetings["会议编号"] != "") & meetings["会议日期"].notna())
    m = m.drop_duplicates("会议编号")
    hosts = m["主办组织编号"].tolist()  # (dict lookups: a map through a dict hashes all its keys)
    host_type = pd.Series([j.org_type.get(h) for h in hosts], index=m.index, dtype=object)
    host_name = pd.Series([j.org_name.get(h) for h in hosts], index=m.index, dtype=object)
    host_name = host_name.fillna(m["主办组织编号"])
    label = "会议" + m["会议编号"].astype(str) + "（" + host_name.astype(str) + "）"
    branch_m = m[host_type == S.ORG_GENERAL_BRANCH]
    rdue = report_by(branch_m["会议日期"], st)
    parts.append(
        _frame(
            step=STEP_REPORTED, actor=branch_m["主办组织编号"], sid="",
            who=label.loc[branch_m.index], sheet=S.MEETINGS.name, row=branch_m[ROW],
            column="报备日期", due=rdue, overdue_from=rdue, done=branch_m["报备日期"],
            ref=branch_m["会议编号"],
        )
    )  # fmt: skip
    pdue = m["会议日期"] + pd.Timedelta(days=st.publish_days)
    parts.append(
        _frame(
            step=STEP_PUBLISHED, actor=m["主办组织编号"], sid="", who=label,
            sheet=S.MEETINGS.name, row=m[ROW], column="公布日期", due=pdue,
            overdue_from=pdue + DAY, done=m["公布日期"], ref=m["会议编号"],
        )
    )  # fmt: skip
    dated = rects["整改时限"].notna().to_numpy()
    r = _kept(rects, dated)
    rids, whos = r["整改编号"].tolist(), r["who"].tolist()  # (lists: a Series yields one by one)
    labels = [f"整改{rid}（{who}）" for rid, who in zip(rids, whos, strict=True)]
    parts.append(
        _frame(
            step=STEP_RECTIFIED,
            actor=_found(subs["组织编号"], sub_at[rect_codes[dated]]),
            sid=r["述职编号"],
            who=labels,
            sheet=S.RECTIFICATIONS.name, row=r[ROW], column="完成日期", due=r["整改时限"],
            overdue_from=r["整改时限"] + DAY,
            done=r["完成日期"].where(r["整改状态"] == S.STATUS_DONE), ref=r["整改编号"],
        )
    )  # fmt: skip
    review = pd.Timestamp(st.report_deadline)
    parts.append(
        _frame(
            step=[STEP_REVIEW], actor=[_text(j.root)], sid=[""],
            who=[_text(j.org_name.get(j.root, "学院党委"))],
            sheet=[S.SETTINGS.name], row=[None], column=["值"], due=[review],
            overdue_from=[review + DAY], done=[st.review_date], ref=[""],
        )
    )  # fmt: skip
    return _concat(parts)


def _days(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy(dtype="datetime64[ns]")  # NaT compares False: no masks needed


def verdicts(frame: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Each step at `as_of`: done (on time), done-late, pending or late. A date after `as_of` is
    never done (it has not happened yet); a step without a due day yet (its meeting is not
    scheduled) is pending."""
    out, _, _ = _verdicts(frame, as_of)
    return pd.Series(out, index=frame.index, dtype=object)


def _verdicts(frame: pd.DataFrame, as_of: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`verdicts` as an array, with the masks of the done-late and the late rows."""
    t = np.datetime64(as_of, "ns")
    done, due, overdue = _days(frame, "done"), _days(frame, "due"), _days(frame, "overdue_from")
    is_done = done <= t
    out = np.empty(len(frame), dtype=object)
    out[:] = PENDING  # (np.full would copy the text into each row)
    out[is_done] = DONE
    done_late = is_done & (done > due)
    out[done_late] = DONE_LATE
    late = ~is_done & (overdue <= t)
    out[late] = LATE
    return out, done_late, late


@dataclass(frozen=True)
class Schedule:
    """The steps and their verdicts at one day."""

    frame: pd.DataFrame  # COLUMNS + verdict + days_late
    as_of: dt.date
    # each step's row positions, found once: the rules ask for steps often, of 10^5 rows
    _rows: dict[str, np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # the rows come in runs of one step (as `steps` makes them): the runs' ends, not a hash
        step = self.frame["step"].to_numpy(dtype=object)
        starts = np.flatnonzero(np.r_[True, step[1:] != step[:-1]]).tolist() if len(step) else []
        ends = [*starts[1:], len(step)] if starts else []
        runs: dict[str, list[np.ndarray]] = {}
        for start, end in zip(starts, ends, strict=True):
            runs.setdefault(str(step[start]), []).append(np.arange(start, end))
        object.__setattr__(self, "_rows", {k: np.concatenate(v) for k, v in runs.items()})

    def _at(self, step: str) -> np.ndarray:
        return self._rows.get(step, np.array([], dtype=np.intp))

    def of(self, step: str) -> pd.DataFrame:
        return self.frame.iloc[self._at(step)]

    def where(self, step: str, verdict: str) -> pd.DataFrame:
        rows = self._at(step)  # the verdicts of the step's rows compared, the frame taken once
        return self.frame.iloc[rows[self.frame["verdict"].to_numpy()[rows] == verdict]]


def _whole_days(later: np.ndarray | np.datetime64, earlier: np.ndarray) -> np.ndarray:
    """Whole days from `earlier` to `later`, floored (what .dt.days gives); NaN where a NaT."""
    elapsed: np.ndarray = later - earlier
    return np.floor(elapsed / np.timedelta64(1, "D"))


def at(frame: pd.DataFrame, as_of: dt.date) -> Schedule:
    """The schedule at `as_of`: each step's verdict and, for a late one, how many days late
    (counted from its due day)."""
    out = frame.copy(deep=False)  # columns are added, none changed: `frame` stays as it was
    verdict, done_late, late = _verdicts(frame, as_of)
    out["verdict"] = pd.Series(verdict, index=frame.index, dtype=object)
    due = _days(frame, "due")
    days = np.full(len(frame), np.nan)  # counted for the late rows only
    days[late] = _whole_days(np.datetime64(as_of, "ns"), due[late])
    days[done_late] = _whole_days(_days(frame, "done")[done_late], due[done_late])
    out["days_late"] = pd.Series(days, index=frame.index, dtype=float)
    return Schedule(out, as_of)


def pending_items(sched: Schedule) -> list[dict[str, object]]:
    """The steps not done whose day has not come, as `check --json` lists them (dates as
    YYYY-MM-DD; no due day yet: null). Column by column: an early check has a pending step for
    nearly every secretary (to_dict's rows cost seconds at city scale)."""
    frame = sched.frame
    keep = frame["verdict"].to_numpy() == PENDING
    keep[sched._at(STEP_RECTIFIED)] = False  # open rectifications are the 整改台账's, not a to-do
    at = np.flatnonzero(keep)
    if not len(at):
        return []

    def texts(column: str) -> list[str]:
        return [str(v) for v in frame[column].to_numpy(dtype=object)[at]]

    dues = frame["due"].to_numpy(dtype="datetime64[ns]")[at]
    days = np.datetime_as_string(dues, unit="D").tolist()
    no_due = np.isnat(dues).tolist()
    rows = frame[ROW].to_numpy(dtype=object)[at]
    no_row = pd.isna(rows).tolist()
    return [
        {
            "step": step,
            "label": STEP_LABELS[step],
            "who": who,
            "due": None if nat else day,
            "sheet": sheet,
            "row": None if norow else int(row),
            "column": column,
        }
        for step, who, day, nat, sheet, row, norow, column in zip(
            texts("step"), texts("who"), days, no_due, texts("sheet"), rows.tolist(), no_row,
            texts("column"), strict=True,
        )
    ]  # fmt: skip
