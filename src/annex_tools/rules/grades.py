"""Grade rules. Notice, 三、5 (严格考核并强化结果运用):

评价意见应肯定成绩，指出不足，按“好、较好、一般、差”确定等次，评价为“较好”或以下等次的应占一定比例。
评价意见及等次要向本人反馈 … 综合评价等次未达到“好”的，其年度考核不得评定为“优秀”等次；
对综合评价等次为“一般”和“差”的，要约谈提醒、限期整改，问题严重的要依照有关规定严肃追责问责。
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from annex_tools.contract import schema as S
from annex_tools.contract.findings import Finding, Severity, make
from annex_tools.contract.master import ROW
from annex_tools.rules.base import Coded, Context, emit, rule
from annex_tools.schedule import STEP_FEEDBACK, STEP_INTERVIEW

GRADE = S.GRADES_SHEET.name
MEET = S.MEETINGS.name
BALLOTS = ("测评好票", "测评较好票", "测评一般票", "测评差票")


def minimum_at_most_fair(n: int, ratio: float, rounding: str) -> int:
    """The least number of 较好-or-below grades among n graded secretaries."""
    exact = n * ratio
    if rounding == S.ROUND_HALF_UP:
        return int(math.floor(exact + 0.5 + 1e-9))
    return int(math.ceil(exact - 1e-9))


def _waiting(ctx: Context, step: str) -> np.ndarray:
    """述职编号 whose `step` is not yet due (设置 反馈约谈期限天数 after the meeting)."""
    return ctx.pending(step)


@rule("grade.missing", ("subs", "会议编号"), ("meetings", "会议日期"), ("grades", "综合评价等次"))
def graded_after_meeting(ctx: Context) -> list[Finding]:
    """A secretary whose meeting has been held has a grade."""
    subs = ctx.subs
    grades = ctx.grades
    # with a 评议 row: point at its empty 等次 cell
    row_mask = grades["held"].fillna(False).astype(bool) & ctx.blank("grades", "综合评价等次")
    out = emit(
        "grade.missing",
        grades,
        row_mask,
        GRADE,
        "综合评价等次",
        lambda r: {"who": r["who"], "meeting_date": r["meeting_date"]},
    )
    # without one: point at the submission
    sid = ctx.coded("subs", "述职编号")
    sub_mask = subs["held"] & ~sid.among(ctx.coded("grades", "述职编号")) & sid.ne("")
    sub_mask &= ctx.coded("subs", "org_type").isin((*S.SECOND_LEVEL_TYPES, S.ORG_STAFF_BRANCH))
    out += emit(
        "grade.missing",
        subs,
        sub_mask & ~sid.duplicated(),
        S.SUBMISSIONS.name,
        "述职编号",
        lambda r: {"who": r["who"], "meeting_date": r["meeting_date"]},
    )
    return out


@rule(
    "grade.distribution",
    ("grades", "综合评价等次", "述职编号"),
    ("subs", "组织编号"),
    ("orgs", "组织类型"),
)
def share_at_most_fair(ctx: Context) -> list[Finding]:
    """评价为“较好”或以下等次的应占一定比例, per evaluating body (the 党委 for 二级党组织书记,
    the parent 党总支 for 在职党支部书记); a body below 比例适用最少人数 gets a warning."""
    st = ctx.settings
    bodies = ctx.once("grade bodies", lambda: Coded.of(ctx.grades["body"]))
    rows = np.flatnonzero(ctx.grades["graded"].to_numpy() & ~bodies.blank().to_numpy())
    sid = ctx.coded("grades", "述职编号").codes[rows]
    rows = rows[np.sort(np.unique(sid, return_index=True)[1])]  # each 述职编号 once (its first)
    out: list[Finding] = []
    if not len(rows):
        return out
    # per body, in the bodies' order: how many graded, how many 较好 or below
    fair = ctx.coded("grades", "综合评价等次").isin(S.GRADES_AT_MOST_FAIR).to_numpy()[rows]
    used, at = np.unique(bodies.codes[rows], return_inverse=True)
    names = bodies.uniques[used]
    order = np.argsort(names, kind="stable")
    counts = np.bincount(at, minlength=len(used))[order]
    fairs = np.bincount(at, weights=fair, minlength=len(used)).astype(np.int64)[order]
    summary = pd.DataFrame({"n": counts, "k": fairs}, index=pd.Index(names[order], dtype=object))
    exact = summary["n"] * st.min_share
    rounded = (
        (exact + 0.5 + 1e-9).map(math.floor)
        if st.rounding == S.ROUND_HALF_UP
        else (exact - 1e-9).map(math.ceil)
    )
    short = summary[summary["k"] < rounded]
    for body, rec in short.iterrows():
        n, k = int(rec["n"]), int(rec["k"])
        minimum = minimum_at_most_fair(n, st.min_share, st.rounding)
        severity = Severity.ERROR if n >= st.min_body else Severity.WARNING
        category = S.CAT_SECOND_LEVEL if body == ctx.root else S.CAT_BRANCH
        out.append(
            make(
                "grade.distribution",
                GRADE,
                None,
                "综合评价等次",
                severity,
                body=ctx.body_name(str(body)),
                n=n,
                category=category,
                k=k,
                share=k / n,
                ratio=st.min_share,
                rounding=st.rounding,
                minimum=minimum,
            )
        )
    return out


@rule("grade.linkage-excellent", ("grades", "综合评价等次", "年度考核等次"))
def no_excellent_without_good(ctx: Context) -> list[Finding]:
    """综合评价等次未达到“好”的，其年度考核不得评定为“优秀”."""
    g = ctx.grades
    mask = ctx.coded("grades", "年度考核等次").eq(S.APPRAISAL_EXCELLENT)
    mask &= ctx.coded("grades", "综合评价等次").ne(S.GRADE_GOOD)
    return emit(
        "grade.linkage-excellent",
        g,
        mask,
        GRADE,
        "年度考核等次",
        lambda r: {"who": r["who"], "grade": r["综合评价等次"] or "未评定"},
    )


@rule("grade.interview-missing", ("grades", "综合评价等次", "约谈提醒日期"))
def interview_for_weak(ctx: Context) -> list[Finding]:
    """一般、差：要约谈提醒."""
    g = ctx.grades
    mask = ctx.coded("grades", "综合评价等次").isin(S.GRADES_INTERVIEW) & g["约谈提醒日期"].isna()
    mask &= ctx.not_bad(g, S.GRADES_SHEET, "约谈提醒日期")
    mask &= ~ctx.waiting("grades", STEP_INTERVIEW)
    return emit(
        "grade.interview-missing",
        g,
        mask,
        GRADE,
        "约谈提醒日期",
        lambda r: {"who": r["who"], "grade": r["综合评价等次"]},
    )


@rule(
    "grade.rectification-missing",
    ("grades", "综合评价等次", "述职编号"),
    ("rects", "述职编号", "整改措施", "整改时限"),
)
def rectification_for_weak(ctx: Context) -> list[Finding]:
    """一般、差：要限期整改 — at least one 整改 row with a measure and a deadline."""
    g = ctx.grades
    weak = ctx.coded("grades", "综合评价等次").isin(S.GRADES_INTERVIEW)
    if not weak.any():  # (the rectifications are looked at only for a 一般 or 差)
        return []
    r = ctx.rects
    complete = ~ctx.blank("rects", "整改措施") & r["整改时限"].notna()
    mask = weak & ~ctx.coded("grades", "述职编号").among(ctx.coded("rects", "述职编号"), complete)
    return emit(
        "grade.rectification-missing",
        g,
        mask,
        GRADE,
        "综合评价等次",
        lambda rec: {"who": rec["who"], "grade": rec["综合评价等次"]},
    )


@rule("grade.accountability", ("grades", "综合评价等次"))
def accountability_review(ctx: Context) -> list[Finding]:
    """差：问题严重的要严肃追责问责 — flagged for a person to judge."""
    g = ctx.grades
    return emit(
        "grade.accountability",
        g,
        ctx.coded("grades", "综合评价等次").eq("差"),
        GRADE,
        "综合评价等次",
        lambda r: {"who": r["who"]},
    )


@rule("grade.opinion-incomplete", ("grades", "综合评价等次", "主要成绩", "不足之处"))
def opinion_complete(ctx: Context) -> list[Finding]:
    """评价意见应肯定成绩，指出不足: both 主要成绩 and 不足之处 are written."""
    g = ctx.grades
    out: list[Finding] = []
    for column in ("主要成绩", "不足之处"):
        out += emit(
            "grade.opinion-incomplete",
            g,
            g["graded"] & ctx.blank("grades", column),
            GRADE,
            column,
            lambda r, c=column: {"who": r["who"], "column": c},
        )
    return out


@rule("grade.feedback-missing", ("grades", "综合评价等次", "反馈日期"))
def fed_back(ctx: Context) -> list[Finding]:
    """评价意见及等次要向本人反馈."""
    g = ctx.grades
    mask = g["graded"] & g["反馈日期"].isna() & ctx.not_bad(g, S.GRADES_SHEET, "反馈日期")
    mask &= ~ctx.waiting("grades", STEP_FEEDBACK)
    return emit("grade.feedback-missing", g, mask, GRADE, "反馈日期", lambda r: {"who": r["who"]})


@rule(
    "grade.decision-missing",
    ("grades", "综合评价等次"),
    ("subs", "会议编号"),
    ("meetings", "会议编号", "定等次会议日期"),
)
def decision_recorded(ctx: Context) -> list[Finding]:
    """按“好、较好、一般、差”确定等次 … 评价意见及等次要向本人反馈: the grades a meeting gave were
    fixed by a decision (会议 定等次会议日期), which the letters, the 通报 and the 约谈记录 quote.
    Once feedback is due for a graded reporter, their meeting must record it (pending before)."""
    m = ctx.meetings
    undecided = ctx.coded("meetings", "会议编号").ne("") & m["定等次会议日期"].isna()
    undecided &= ctx.not_bad(m, S.MEETINGS, "定等次会议日期")
    if not undecided.any():  # (the grades are looked at only for a meeting without the date)
        return []
    g = ctx.grades
    due = g["graded"] & ~g["述职编号"].isin(_waiting(ctx, STEP_FEEDBACK))
    graded = set(g.loc[due, "述职编号"])
    subs = ctx.subs
    meetings_graded = set(subs.loc[subs["述职编号"].isin(graded), "会议编号"])
    mask = undecided & m["会议编号"].isin(meetings_graded)
    return emit(
        "grade.decision-missing",
        m,
        mask,
        MEET,
        "定等次会议日期",
        lambda r: {"meeting": r["会议编号"], "host": ctx.body_name(r["主办组织编号"])},
    )


@rule("grade.ballots", ("grades", *BALLOTS))
def ballots_consistent(ctx: Context) -> list[Finding]:
    """现场测评 ballots: whole numbers, not negative, all four given or none."""
    g = ctx.grades
    out: list[Finding] = []
    bad_any = pd.Series(False, index=g.index)
    for column in BALLOTS:
        bad = g[column].notna() & ((g[column] < 0) | (g[column] % 1 != 0))
        out += emit(
            "grade.ballots",
            g,
            bad,
            GRADE,
            column,
            lambda r, c=column: {
                "variant": "not-whole",
                "who": r["who"],
                "column": c,
                "value": int(r[c]) if float(r[c]).is_integer() else float(r[c]),
            },
        )
        bad_any |= bad
    empties = pd.concat(
        [g[c].isna() & ctx.not_bad(g, S.GRADES_SHEET, c) for c in BALLOTS],
        axis=1,
        keys=list(BALLOTS),
    )
    partial = empties.any(axis=1) & ~empties.all(axis=1) & ~bad_any
    if not partial.any():
        return out
    first_empty = empties[partial].idxmax(axis=1)
    for rec, column in zip(g[partial].to_dict("records"), first_empty, strict=True):
        out.append(
            make(
                "grade.ballots",
                GRADE,
                int(rec[ROW]),
                str(column),
                variant="partial",
                who=rec["who"],
                column=str(column),
            )
        )
    return out


def _ballots(ctx: Context) -> pd.DataFrame:
    """Grades with all four ballot counts given as whole numbers, with their total and 好票率
    (made once per check: three rules read it)."""
    return ctx.once("ballots", lambda: _ballots_of(ctx.grades))


def _ballots_at_meetings(ctx: Context) -> pd.DataFrame:
    """`_ballots` with each row's 会议编号 as `meeting` (made once: two rules read it)."""

    def make() -> pd.DataFrame:
        b = _ballots(ctx)
        at = _ballot_subs(ctx)
        meeting = _take(ctx.subs["会议编号"].to_numpy(dtype=object), at, np.nan)
        return b.assign(meeting=pd.Series(meeting, index=b.index, dtype=object))

    return ctx.once("ballots at meetings", make)


def _take(values: np.ndarray, at: np.ndarray, none: Any) -> np.ndarray:
    """values[at], `none` where `at` is -1."""
    out = np.full(len(at), none, dtype=values.dtype)
    found = at >= 0
    out[found] = values[at[found]]
    return out


def _ballot_subs(ctx: Context) -> np.ndarray:
    """Each `_ballots` row's 述职 row (the last of its 述职编号, as a dict of them gave; -1: none),
    found by the codes of the ids."""

    def make() -> np.ndarray:
        at = ctx.coded("subs", "述职编号").rows_of(ctx.coded("grades", "述职编号"), last=True)
        found: np.ndarray = at[ctx.grades.index.get_indexer(_ballots(ctx).index)]
        return found

    return ctx.once("ballot subs", make)


def _ballots_of(g: pd.DataFrame) -> pd.DataFrame:
    given = np.ones(len(g), dtype=bool)
    for c in BALLOTS:
        given &= (g[c].notna() & (g[c] >= 0) & (g[c] % 1 == 0)).to_numpy()
    b = g[given]  # (a new frame: the columns added below stay off ctx.grades)
    ballots = b[list(BALLOTS)].sum(axis=1)
    return b.assign(ballots=ballots, good_share=b["测评好票"] / ballots.where(ballots > 0))


def _figures(r: dict[str, object]) -> dict[str, object]:
    return {
        "who": r["who"],
        "ballots": int(r["ballots"]),  # type: ignore[call-overload]
        "good": int(r["测评好票"]),  # type: ignore[call-overload]
        "fair": int(r["测评较好票"]),  # type: ignore[call-overload]
        "average": int(r["测评一般票"]),  # type: ignore[call-overload]
        "poor": int(r["测评差票"]),  # type: ignore[call-overload]
    }


@rule("grade.ballots-exceed", ("grades", *BALLOTS), ("subs", "会议编号"), ("meetings", "实到人数"))
def ballots_within_attendance(ctx: Context) -> list[Finding]:
    """Notice, 三、5: 综合平时掌握、调研了解和现场测评等情况 … 形成评价意见; 现场测评 is by those at the meeting. More ballots than the meeting's 实到人数
    (会议 sheet) cannot have been cast."""
    b = _ballots_at_meetings(ctx)
    # each row's meeting (the first row of its 会议编号), by the codes of the ids
    meeting_of_sub = ctx.coded("meetings", "会议编号").rows_of(ctx.coded("subs", "会议编号"))
    at = _take(meeting_of_sub, _ballot_subs(ctx), -1)
    present = pd.to_numeric(ctx.meetings["实到人数"], errors="coerce").to_numpy(dtype=float)
    attendance = _take(present, at, np.nan)
    mask = ~np.isnan(attendance) & (b["ballots"].to_numpy() > attendance)
    if not mask.any():
        return []
    b = b.assign(attendance=attendance)
    return emit(
        "grade.ballots-exceed",
        b,
        mask,
        GRADE,
        "测评好票",
        lambda r: _figures(r) | {"meeting": r["meeting"], "attendance": int(r["attendance"])},
    )


PEOPLE = r"共\s*(\d+)\s*人"  # how 参会人员 states a head count: 共22人 (the summary reads the same)


@rule(
    "meeting.attendance-missing",
    ("grades", *BALLOTS),
    ("subs", "会议编号"),
    ("meetings", "实到人数"),
)
def attendance_where_ballots(ctx: Context) -> list[Finding]:
    """A meeting at which ballots were cast (a secretary reporting there has ballots) must say
    how many were present: without 实到人数 the ballots cannot be checked (grade.ballots-exceed)
    and the summary's ballot figures cannot be trusted."""
    b = _ballots_at_meetings(ctx)
    b = b[b["ballots"] > 0]
    voted = b["meeting"]
    secretaries = voted.value_counts()
    most = b["ballots"].groupby(voted).max()
    m = ctx.meetings.drop_duplicates("会议编号")
    m = m.assign(secretaries=m["会议编号"].map(secretaries), most=m["会议编号"].map(most))
    mask = m["secretaries"].notna() & m["实到人数"].isna() & ctx.not_bad(m, S.MEETINGS, "实到人数")
    return emit(
        "meeting.attendance-missing",
        m,
        mask,
        MEET,
        "实到人数",
        lambda r: {
            "meeting": r["会议编号"],
            "host": ctx.org_name.get(r["主办组织编号"], r["主办组织编号"]),
            "secretaries": int(r["secretaries"]),
            "most": int(r["most"]),
        },
    )


@rule("meeting.attendance-diverge", ("meetings", "实到人数", "参会人员"))
def attendance_agrees_with_participants(ctx: Context) -> list[Finding]:
    """实到人数 and the “共N人” that 参会人员 states are the same number: documents quote both
    (the summary's 参会人次 from 共N人, its ballot figures against 实到人数)."""
    m = ctx.meetings.drop_duplicates("会议编号")
    stated = pd.to_numeric(
        m["参会人员"].fillna("").astype(str).str.extract(PEOPLE, expand=False), errors="coerce"
    )
    mask = m["实到人数"].notna() & stated.notna() & (stated != m["实到人数"])
    return emit(
        "meeting.attendance-diverge",
        m.assign(stated=stated),
        mask,
        MEET,
        "实到人数",
        lambda r: {
            "meeting": r["会议编号"],
            "host": ctx.org_name.get(r["主办组织编号"], r["主办组织编号"]),
            "attendance": int(r["实到人数"]),
            "stated": int(r["stated"]),
        },
    )


@rule("grade.ballots-diverge", ("grades", "综合评价等次", *BALLOTS))
def grade_follows_ballots(ctx: Context) -> list[Finding]:
    """Notice, 三、5: 综合…现场测评等情况 … 按“好、较好、一般、差”确定等次. A 好 with a 好票率 below 设置
    好等次最低好票率, or a 一般/差 with a 好票率 above 一般差等次最高好票率, is worth a second look."""
    b = _ballots(ctx)
    st = ctx.settings
    share = b["good_share"]
    low = (b["综合评价等次"] == S.GRADE_GOOD) & (share < st.good_votes_min - 1e-9)
    high = b["综合评价等次"].isin(S.GRADES_INTERVIEW) & (share > st.weak_votes_max + 1e-9)
    out = emit(
        "grade.ballots-diverge",
        b,
        low,
        GRADE,
        "综合评价等次",
        lambda r: (
            _figures(r)
            | {"variant": "good-low", "share": r["good_share"], "limit": st.good_votes_min}
        ),
    )
    out += emit(
        "grade.ballots-diverge",
        b,
        high,
        GRADE,
        "综合评价等次",
        lambda r: (
            _figures(r)
            | {
                "variant": "weak-high",
                "grade": r["综合评价等次"],
                "share": r["good_share"],
                "limit": st.weak_votes_max,
            }
        ),
    )
    return out
