"""Dates that must follow each other. Notice, 三、5 and 三、6:

评价意见及等次要向本人反馈 … 对综合评价等次为“一般”和“差”的，要约谈提醒、限期整改 …
党委巡察办公室要把述职评议考核整改落实情况作为院内巡察的重要内容，加强跟踪问效。

A 约谈 or 反馈 follows the meeting that graded the person and cannot lie after the day of the
check; a grade exists only for a meeting that took place; a rectification is not done in the
future, and done after its 时限 is late. The same day is on time at every boundary.
"""

from __future__ import annotations

import pandas as pd

from annex_tools.contract import schema as S
from annex_tools.contract.findings import Finding
from annex_tools.rules.base import Context, emit, per_value, rule

GRADE = S.GRADES_SHEET.name
RECT = S.RECTIFICATIONS.name
FOLLOW_UPS = ("约谈提醒日期", "反馈日期")


def _rid(r: dict[str, object]) -> dict[str, object]:
    return {"rid": r["整改编号"], "who": r["who"]}


@rule(
    "date.before-meeting",
    ("grades", "约谈提醒日期", "反馈日期", "述职编号"),
    ("subs", "会议编号"),
    ("meetings", "会议日期"),
)
def follow_up_after_meeting(ctx: Context) -> list[Finding]:
    """约谈提醒 and 反馈 report on a grade, so they come on or after the meeting that gave it."""
    g = ctx.grades
    out: list[Finding] = []
    for column in FOLLOW_UPS:
        mask = g[column].notna() & g["meeting_date"].notna() & (g[column] < g["meeting_date"])
        out += emit(
            "date.before-meeting",
            g,
            mask,
            GRADE,
            column,
            lambda r, c=column: {
                "who": r["who"],
                "column": c,
                "date": r[c],
                "meeting_date": r["meeting_date"],
            },
        )
    return out


@rule("date.after-today", ("grades", "约谈提醒日期", "反馈日期"))
def follow_up_not_future(ctx: Context) -> list[Finding]:
    """A 约谈 or 反馈 recorded as done cannot be dated after the day of the check."""
    g = ctx.grades
    out: list[Finding] = []
    for column in FOLLOW_UPS:
        mask = g[column].notna() & (g[column] > ctx.as_of_ts)
        out += emit(
            "date.after-today",
            g,
            mask,
            GRADE,
            column,
            lambda r, c=column: {
                "who": r["who"],
                "column": c,
                "date": r[c],
                "today": ctx.as_of,
            },
        )
    return out


@rule(
    "grade.meeting-not-held",
    ("grades", "综合评价等次", "述职编号"),
    ("subs", "会议编号"),
    ("meetings", "会议日期"),
)
def graded_after_meeting(ctx: Context) -> list[Finding]:
    """Grades are given at the 述职评议 meeting: none for a meeting still to come."""
    g = ctx.grades
    mask = g["graded"] & g["meeting_date"].notna() & (g["meeting_date"] > ctx.as_of_ts)
    return emit(
        "grade.meeting-not-held",
        g,
        mask,
        GRADE,
        "综合评价等次",
        lambda r: {
            "who": r["who"],
            "grade": r["综合评价等次"],
            "meeting_date": r["meeting_date"],
            "today": ctx.as_of,
        },
    )


@rule("rect.done-in-future", ("rects", "完成日期"))
def done_not_future(ctx: Context) -> list[Finding]:
    """A 完成日期 is a fact, so it is not after the day of the check."""
    r = ctx.rects
    mask = r["完成日期"].notna() & (r["完成日期"] > ctx.as_of_ts)
    return emit(
        "rect.done-in-future",
        r,
        mask,
        RECT,
        "完成日期",
        lambda rec: _rid(rec) | {"done": rec["完成日期"], "today": ctx.as_of},
    )


@rule("rect.done-late", ("rects", "完成日期", "整改时限"))
def done_in_time(ctx: Context) -> list[Finding]:
    """限期整改: done after the 时限 is late (a warning; the 巡察办 follows it up)."""
    r = ctx.rects
    mask = r["完成日期"].notna() & r["整改时限"].notna() & (r["完成日期"] > r["整改时限"])
    return emit(
        "rect.done-late",
        r,
        mask,
        RECT,
        "完成日期",
        lambda rec: _rid(rec) | {"done": rec["完成日期"], "deadline": rec["整改时限"]},
    )


def _no_text(value: object) -> bool:
    """An empty cell, or only spaces."""
    return bool(pd.isna(value)) or str(value).strip() == ""


@rule("rect.unverified", ("rects", "整改状态", "完成日期", "核验情况"))
def done_verified(ctx: Context) -> list[Finding]:
    """加强跟踪问效: a rectification marked 已完成 is checked (核验情况) within the grace period."""
    r = ctx.rects
    days = ctx.settings.verify_days
    due = r["完成日期"] + pd.Timedelta(days=days)
    unchecked = per_value(r["核验情况"], _no_text)  # (each distinct text stripped once)
    mask = ctx.coded("rects", "整改状态").eq(S.STATUS_DONE) & unchecked & r["完成日期"].notna()
    mask &= due < ctx.as_of_ts
    return emit(
        "rect.unverified",
        r,
        mask,
        RECT,
        "核验情况",
        lambda rec: _rid(rec) | {"done": rec["完成日期"], "days": days, "today": ctx.as_of},
    )
