"""Process rules: approval before the meeting, the right host, meetings reported in time.

Notice, 三、3 (述职报告审定): a report is discussed by its own organization, then approved
(院领导 for 二级党组织书记, the 二级党组织 for 党支部书记). 一(二): branch-level meetings are
organized by the 党总支 and reported to the 党委组织部 设置 days ahead. 四、2(2): branch-level
述职评议 is done by the deadline (设置: 党支部述职完成截止日期).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from annex_tools.contract import schema as S
from annex_tools.contract.findings import Finding
from annex_tools.contract.master import ROW
from annex_tools.rules.base import Context, emit, lookup, rule
from annex_tools.schedule import LATE, STEP_MEETING, STEP_REPORTED
from annex_tools.workdays import covered_years, is_covered, workdays_between

SUB = S.SUBMISSIONS.name
MEET = S.MEETINGS.name


@rule("approval.missing", ("subs", "讨论日期", "审定日期", "会议编号"), ("meetings", "会议日期"))
def approved_before_meeting(ctx: Context) -> list[Finding]:
    """Once the meeting has been held, the report must have been discussed and approved."""
    subs = ctx.subs
    out: list[Finding] = []
    for column in ("讨论日期", "审定日期"):
        mask = subs["held"] & subs[column].isna() & ctx.not_bad(subs, S.SUBMISSIONS, column)
        out += emit(
            "approval.missing",
            subs,
            mask,
            SUB,
            column,
            lambda r, c=column: {
                "who": r["who"],
                "meeting_date": r["meeting_date"],
                "column": c,
            },
        )
    return out


@rule("approval.order", ("subs", "讨论日期", "审定日期", "会议编号"), ("meetings", "会议日期"))
def approval_order(ctx: Context) -> list[Finding]:
    """审定 comes after 讨论 and no later than the meeting."""
    subs = ctx.subs
    before_discussion = subs["审定日期"] < subs["讨论日期"]
    after_meeting = subs["审定日期"] > subs["meeting_date"]
    out = emit(
        "approval.order",
        subs,
        before_discussion,
        SUB,
        "审定日期",
        lambda r: {
            "variant": "before-discussion",
            "who": r["who"],
            "approved": r["审定日期"],
            "discussed": r["讨论日期"],
        },
    )
    out += emit(
        "approval.order",
        subs,
        after_meeting & ~before_discussion,
        SUB,
        "审定日期",
        lambda r: {
            "variant": "after-meeting",
            "who": r["who"],
            "approved": r["审定日期"],
            "meeting_date": r["meeting_date"],
        },
    )
    return out


@rule(
    "meeting.missing",
    ("subs", "会议编号"),
    ("meetings", "会议编号", "主办组织编号"),
    ("orgs", "上级组织编号"),
)
def meeting_by_right_body(ctx: Context) -> list[Finding]:
    """二级党组织书记 report at the 党委's meeting; 在职党支部书记 at their own 党总支's."""
    subs = ctx.subs
    expected = subs["body"]  # the evaluating body hosts the meeting
    # before the day its 述职评议 is due, a meeting not yet scheduled is pending, not missing
    no_meeting = ctx.blank("subs", "会议编号") & ~ctx.waiting("subs", STEP_MEETING)
    known = ctx.coded("subs", "会议编号").among(ctx.coded("meetings", "会议编号"))
    evaluated = ctx.coded("subs", "org_type").isin((*S.SECOND_LEVEL_TYPES, S.ORG_STAFF_BRANCH))
    wrong_host = known & evaluated & (expected != "") & (subs["host"] != expected)
    frame = subs.assign(expected=expected)
    out = emit(
        "meeting.missing",
        frame,
        no_meeting,
        SUB,
        "会议编号",
        lambda r: {"variant": "none", "who": r["who"]},
    )
    out += emit(
        "meeting.missing",
        frame,
        wrong_host,
        SUB,
        "会议编号",
        lambda r: {
            "variant": "wrong-host",
            "who": r["who"],
            "meeting": r["会议编号"],
            "host": ctx.org_name.get(r["host"], r["host"]),
            "category": r["述职类别"] or "该书记",
            "expected": ctx.body_name(r["expected"]),
        },
    )
    return out


def _branch_meetings(ctx: Context) -> pd.DataFrame:
    meetings = ctx.meetings
    host_type = lookup(meetings["主办组织编号"], ctx.org_type)
    frame = meetings.assign(host_name=lookup(meetings["主办组织编号"], ctx.org_name))
    return frame[host_type == S.ORG_GENERAL_BRANCH]


@rule(
    "meeting.notice-late",
    ("meetings", "会议日期", "报备日期", "主办组织编号"),
    ("orgs", "组织类型"),
)
def reported_ahead(ctx: Context) -> list[Finding]:
    """相关安排需提前三天报党委组织部 (设置: 会议报备提前天数, counted in 自然日 or 工作日 by
    报备天数计法; working days are those from the 报备 day up to the day before the meeting)."""
    days = ctx.settings.filing_days
    working = ctx.settings.filing_count == S.DAYS_WORKING
    meetings = _branch_meetings(ctx)
    calendar = (meetings["会议日期"] - meetings["报备日期"]).dt.days
    lead = calendar
    unit = pd.Series("天", index=meetings.index)
    if working:
        counted = workdays_between(meetings["报备日期"], meetings["会议日期"])
        lead = counted.where(counted.notna() & (calendar > 0), calendar)
        covered = is_covered(meetings["会议日期"]) & is_covered(meetings["报备日期"])
        unit = unit.where(~covered, "个工作日")
    # the last day to report and whether it has passed unreported: the schedule's one verdict
    late_rows = set(ctx.schedule.where(STEP_REPORTED, LATE)[ROW])
    unreported = meetings[ROW].isin(late_rows)
    unreported &= ctx.not_bad(meetings, S.MEETINGS, "报备日期")
    late = lead.notna() & (lead < days)
    frame = meetings.assign(lead=lead, calendar=calendar, unit=unit)

    def common(r: dict[str, Any]) -> dict[str, Any]:
        return {
            "meeting": r["会议编号"],
            "host": r["host_name"],
            "meeting_date": r["会议日期"],
            "days": days,
            "unit": r["unit"],
        }

    out = emit(
        "meeting.notice-late",
        frame,
        late,
        MEET,
        "报备日期",
        lambda r: common(r) | _lead(r),
    )
    out += emit(
        "meeting.notice-late",
        frame,
        unreported,
        MEET,
        "报备日期",
        lambda r: common(r) | {"variant": "unreported"},
    )
    return out


@rule(
    "meeting.workdays-unknown",
    ("meetings", "会议日期", "报备日期", "主办组织编号"),
    ("orgs", "组织类型"),
)
def workdays_known(ctx: Context) -> list[Finding]:
    """提前三天 in working days needs the official holiday calendar of the meeting's year; a
    year the installed calendar does not cover is counted in calendar days, and said so."""
    if ctx.settings.filing_count != S.DAYS_WORKING:
        return []
    meetings = _branch_meetings(ctx)
    out: list[Finding] = []
    first, last = covered_years()
    for column in ("会议日期", "报备日期"):
        mask = ~is_covered(meetings[column])
        out += emit(
            "meeting.workdays-unknown",
            meetings,
            mask,
            MEET,
            column,
            lambda r, c=column: {
                "meeting": r["会议编号"],
                "host": r["host_name"],
                "day": r[c],
                "first": first,
                "last": last,
            },
        )
    return out


def _lead(r: dict[str, Any]) -> dict[str, Any]:
    """How far ahead a meeting was reported, as a person says it: never "提前了-1天"; a report
    on or after the meeting day is said in calendar days."""
    calendar = int(r["calendar"])
    base = {"reported": r["报备日期"]}
    if calendar > 0:
        return base | {"variant": "short", "lead": int(r["lead"])}
    if calendar == 0:
        return base | {"variant": "same-day"}
    return base | {"variant": "after", "after": -calendar}


@rule("meeting.after-deadline", ("meetings", "会议日期", "主办组织编号"), ("orgs", "组织类型"))
def branch_meetings_in_time(ctx: Context) -> list[Finding]:
    """四、2(2): 在职党支部书记述职评议考核 by 党支部述职完成截止日期."""
    deadline = ctx.settings.branch_deadline
    meetings = _branch_meetings(ctx)
    mask = meetings["会议日期"] > pd.Timestamp(deadline)
    return emit(
        "meeting.after-deadline",
        meetings,
        mask,
        MEET,
        "会议日期",
        lambda r: {
            "meeting": r["会议编号"],
            "host": r["host_name"],
            "meeting_date": r["会议日期"],
            "deadline": deadline,
        },
    )
