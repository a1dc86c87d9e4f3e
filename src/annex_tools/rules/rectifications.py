"""Rectification rules. Notice, 三、4 and 三、6:

要真点问题，点真问题 … 党组织书记要认真梳理自己查摆、领导点评、考核反馈指出的问题，列出整改清单，
认真抓好整改落实。党委巡察办公室要把述职评议考核整改落实情况作为院内巡察的重要内容，加强跟踪问效。
"""

from __future__ import annotations

import pandas as pd

from annex_tools.contract import schema as S
from annex_tools.contract.findings import Finding
from annex_tools.rules.base import Context, blank, emit, rule
from annex_tools.schedule import STEP_MEETING

RECT = S.RECTIFICATIONS.name


def _short(text: object, limit: int = 20) -> str:
    s = str(text or "")
    return s if len(s) <= limit else s[:limit] + "…"


def _base(r: dict[str, object]) -> dict[str, object]:
    return {"rid": r["整改编号"], "who": r["who"], "problem": _short(r["存在问题"])}


@rule("rect.none", ("grades", "综合评价等次", "述职编号"), ("rects", "述职编号"))
def problems_listed(ctx: Context) -> list[Finding]:
    """Every graded secretary has at least one problem on the list (真点问题，点真问题).

    A 一般/差 secretary with no list is told once, by grade.rectification-missing (限期整改)."""
    g = ctx.grades
    mask = g["graded"] & ~ctx.coded("grades", "述职编号").among(ctx.coded("rects", "述职编号"))
    mask &= ~ctx.coded("grades", "综合评价等次").isin(S.GRADES_INTERVIEW)
    return emit("rect.none", g, mask, S.GRADES_SHEET.name, "述职编号", lambda r: {"who": r["who"]})


def _decided(ctx: Context) -> pd.Series:
    """Rectifications whose measures and deadlines are due: those of a secretary whose 述职评议
    has been held (or is late); before it, a carried or new problem is pending."""
    return ~ctx.waiting("rects", STEP_MEETING)


@rule("rect.measure-missing", ("rects", "整改措施"))
def measure_given(ctx: Context) -> list[Finding]:
    r = ctx.rects
    mask = blank(r["整改措施"]) & _decided(ctx)
    return emit("rect.measure-missing", r, mask, RECT, "整改措施", _base)


@rule("rect.deadline-missing", ("rects", "整改时限"))
def deadline_given(ctx: Context) -> list[Finding]:
    r = ctx.rects
    mask = r["整改时限"].isna() & ctx.not_bad(r, S.RECTIFICATIONS, "整改时限") & _decided(ctx)
    return emit("rect.deadline-missing", r, mask, RECT, "整改时限", _base)


@rule(
    "rect.deadline-before-meeting",
    ("rects", "整改时限", "述职编号"),
    ("subs", "会议编号"),
    ("meetings", "会议日期"),
)
def deadline_after_meeting(ctx: Context) -> list[Finding]:
    """A deadline set at the meeting lies after it."""
    r = ctx.rects
    mask = r["整改时限"].notna() & r["meeting_date"].notna() & (r["整改时限"] <= r["meeting_date"])
    return emit(
        "rect.deadline-before-meeting",
        r,
        mask,
        RECT,
        "整改时限",
        lambda rec: _base(rec) | {"deadline": rec["整改时限"], "meeting_date": rec["meeting_date"]},
    )


@rule("rect.overdue", ("rects", "整改时限", "整改状态"))
def not_overdue(ctx: Context) -> list[Finding]:
    """加强跟踪问效: a deadline passed (against the run's date) and the item not 已完成."""
    r = ctx.rects
    mask = (
        r["整改时限"].notna()
        & (r["整改时限"] < ctx.as_of_ts)
        & ctx.coded("rects", "整改状态").ne(S.STATUS_DONE)
    )
    return emit(
        "rect.overdue",
        r,
        mask,
        RECT,
        "整改时限",
        lambda rec: (
            _base(rec) | {"deadline": rec["整改时限"], "status": rec["整改状态"] or "未填写"}
        ),
    )


@rule("rect.done-without-date", ("rects", "整改状态", "完成日期"))
def done_has_date(ctx: Context) -> list[Finding]:
    r = ctx.rects
    mask = (
        ctx.coded("rects", "整改状态").eq(S.STATUS_DONE)
        & r["完成日期"].isna()
        & ctx.not_bad(r, S.RECTIFICATIONS, "完成日期")
    )
    return emit("rect.done-without-date", r, mask, RECT, "完成日期", _base)


@rule("rect.carried-untouched", ("rects", "整改状态", "原整改编号"), ("meetings", "会议日期"))
def carried_addressed(ctx: Context) -> list[Finding]:
    """梳理上年度查摆问题整改情况: a problem carried from last year (原整改编号) is taken up this
    year - by the meeting its status is no longer 未开始 (or empty)."""
    r = ctx.rects
    carried = ~blank(r["原整改编号"])
    status = ctx.coded("rects", "整改状态")
    untouched = status.blank() | status.eq(S.STATUS_NOT_STARTED)
    mask = carried & untouched & r["held"].fillna(False).astype(bool)
    return emit(
        "rect.carried-untouched",
        r,
        mask,
        RECT,
        "整改状态",
        lambda rec: _base(rec) | {"old": rec["原整改编号"], "meeting_date": rec["meeting_date"]},
    )
