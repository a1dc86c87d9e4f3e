"""The deadline ledger and 公布. Notice, 四、2 (严格遵守时间节点要求):

(1) 学院拟于2023年底召开二级党组织书记抓基层党建述职评议考核会…二级党组织书记需提前将述职报告
（附件2）发送至党委组织部邮箱。(2) 各党总支…于2024年1月22日前基本完成，并将在职党支部书记述职
评议考核工作结果和问题整改清单发送至党委组织部邮箱。(3) 2024年1月底前，学院党委审议关于基层党建
述职评议考核工作开展情况的相关议题。And 三、4: 述职评议后，应将述职报告在一定范围内公布.

Each date has a home in the master: 述职 报送组织部日期, the 党委's own 会议 row, 组织 附件2收到日期
(written by import-returns), 设置 党委审议日期, 会议 公布日期. The same day is on time.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from annex_tools.contract import schema as S
from annex_tools.contract.findings import Finding, make
from annex_tools.contract.master import ROW
from annex_tools.contract.settings import K_REVIEW_DATE
from annex_tools.contract.text import normalize
from annex_tools.rules.base import Context, emit, lookup, rule
from annex_tools.schedule import LATE, STEP_ANNEX2, STEP_PUBLISHED, STEP_REPORT_SENT
from annex_tools.schedule import annex2_filers as filers_mask
from annex_tools.schedule import report_due as report_due  # the one definition
from annex_tools.schedule import report_dues as report_dues

SUB = S.SUBMISSIONS.name
MEET = S.MEETINGS.name
ORG = S.ORGS.name


@rule(
    "report.absent", ("subs", "报告文件", "字数", "述职类别", "会议编号"), ("meetings", "会议日期")
)
def report_on_file(ctx: Context) -> list[Finding]:
    """A secretary who must report and has no report at all (no 报告文件, no 字数) once the
    report is due (`report_due`); before that day it is pending, not a finding."""
    st = ctx.settings
    subs = ctx.subs
    due = report_dues(subs, st)
    no_file = subs["报告文件"].fillna("").astype(str).str.strip() == ""
    no_words = subs["字数"].isna() & ctx.not_bad(subs, S.SUBMISSIONS, "字数")
    mask = (
        no_file
        & no_words
        & due.notna()
        & (due <= ctx.as_of_ts)
        & subs["述职类别"].isin(S.CATEGORIES)
    )
    second = subs["述职类别"] == S.CAT_SECOND_LEVEL
    frame = subs.assign(due=due, second=second)

    def params(r: dict[str, Any]) -> dict[str, Any]:
        if r["second"]:
            variant = "second"
        elif st.branch_send_deadline is not None:
            variant = "branch-setting"
        else:
            variant = "branch-meeting"
        return {
            "variant": variant,
            "who": r["who"],
            "due": r["due"],
            "days": st.send_days,
            "category": r["述职类别"],
            "limit": st.word_limit(r["述职类别"]),
        }

    return emit("report.absent", frame, mask, SUB, "报告文件", params)


@rule("deadline.branch-report-sent", ("subs", "报送组织部日期", "述职类别"))
def branch_report_sent(ctx: Context) -> list[Finding]:
    """党支部书记 reports have a deadline too (设置 党支部书记报告报送截止日期, empty: not
    checked): 报送组织部日期 later than it, or still empty once it has passed."""
    deadline = ctx.settings.branch_send_deadline
    if deadline is None:
        return []
    day = pd.Timestamp(deadline)
    subs = ctx.subs[ctx.subs["述职类别"] == S.CAT_BRANCH]
    sent = subs["报送组织部日期"]
    late = sent.notna() & (sent > day)
    missing = (
        sent.isna() & (day < ctx.as_of_ts) & ctx.not_bad(subs, S.SUBMISSIONS, "报送组织部日期")
    )
    code, col = "deadline.branch-report-sent", "报送组织部日期"

    def params(r: dict[str, Any], variant: str) -> dict[str, Any]:
        return {"variant": variant, "who": r["who"], "due": day, "sent": r[col]}

    out = emit(code, subs, late, SUB, col, lambda r: params(r, "late"))
    out += emit(code, subs, missing, SUB, col, lambda r: params(r, "missing"))
    return out


@rule(
    "deadline.report-sent",
    ("subs", "报送组织部日期", "述职类别", "会议编号"),
    ("meetings", "会议日期"),
)
def report_sent_ahead(ctx: Context) -> list[Finding]:
    """二级党组织书记需提前将述职报告发送至党委组织部邮箱 (设置: 述职报告报送提前天数 before
    the 党委's meeting). Missing once that day has come; later than it is late."""
    days = ctx.settings.send_days
    sched = ctx.schedule
    frame = sched.of(STEP_REPORT_SENT)
    second = ctx.subs.loc[ctx.subs["述职类别"] == S.CAT_SECOND_LEVEL, "述职编号"]
    frame = frame[frame["sid"].isin(set(second))]
    frame = frame.assign(
        meeting_date=frame["due"] + pd.Timedelta(days=days), 报送组织部日期=frame["done"]
    )
    late = frame["done"].notna() & frame["due"].notna() & (frame["done"] > frame["due"])
    missing = (frame["verdict"] == LATE) & frame["done"].isna()
    missing &= ctx.not_bad(frame, S.SUBMISSIONS, "报送组织部日期")

    def params(r: dict[str, Any], variant: str) -> dict[str, Any]:
        return {
            "variant": variant,
            "who": r["who"],
            "meeting_date": r["meeting_date"],
            "days": days,
            "due": r["due"],
            "sent": r["报送组织部日期"],
        }

    out = emit(
        "deadline.report-sent", frame, late, SUB, "报送组织部日期", lambda r: params(r, "late")
    )
    out += emit(
        "deadline.report-sent",
        frame,
        missing,
        SUB,
        "报送组织部日期",
        lambda r: params(r, "missing"),
    )
    return out


@rule("deadline.committee-meeting", ("meetings", "会议日期", "主办组织编号"), ("orgs", "组织类型"))
def committee_meeting_by_year_end(ctx: Context) -> list[Finding]:
    """学院拟于2023年底召开二级党组织书记…述职评议考核会 (设置: 党委述职会截止日期); 拟 = a plan,
    so a later meeting is a warning; the meeting notice is sent separately (会议通知另发), so
    the date is the 党委's to set and an empty setting is not checked."""
    if ctx.settings.committee_deadline is None:
        return []
    deadline = pd.Timestamp(ctx.settings.committee_deadline)
    m = ctx.meetings
    host_type = lookup(m["主办组织编号"], ctx.org_type)
    mask = (host_type == S.ORG_PARTY_COMMITTEE) & m["会议日期"].notna() & (m["会议日期"] > deadline)
    return emit(
        "deadline.committee-meeting",
        m,
        mask,
        MEET,
        "会议日期",
        lambda r: {
            "meeting": r["会议编号"],
            "host": ctx.org_name.get(r["主办组织编号"], r["主办组织编号"]),
            "meeting_date": r["会议日期"],
            "deadline": deadline,
        },
    )


def annex2_filers(ctx: Context) -> pd.Series:
    """二级党组织 that send Annex 2 (schedule.annex2_filers, the one definition)."""
    return filers_mask(ctx.orgs, ctx.settings.exempt)


@rule("deadline.annex2-received", ("orgs", "附件2收到日期", "组织类型", "上级组织编号"))
def annex2_received_in_time(ctx: Context) -> list[Finding]:
    """各党总支…于2024年1月22日前基本完成，并将…结果和问题整改清单发送至党委组织部 (设置:
    党支部述职完成截止日期). 附件2收到日期 is written by import-returns."""
    deadline = pd.Timestamp(ctx.settings.branch_deadline)
    frame = ctx.schedule.of(STEP_ANNEX2)
    orgs = frame.assign(组织名称=frame["who"], 附件2收到日期=frame["done"])
    received = frame["done"]
    late = received.notna() & (received > deadline)
    missing = (frame["verdict"] == LATE) & received.isna()
    missing &= ctx.not_bad(frame, S.ORGS, "附件2收到日期")

    def params(r: dict[str, Any], variant: str) -> dict[str, Any]:
        return {
            "variant": variant,
            "org": r["组织名称"],
            "deadline": deadline,
            "received": r["附件2收到日期"],
        }

    column = "附件2收到日期"
    out = emit("deadline.annex2-received", orgs, late, ORG, column, lambda r: params(r, "late"))
    out += emit(
        "deadline.annex2-received", orgs, missing, ORG, column, lambda r: params(r, "missing")
    )
    return out


@rule("deadline.committee-review")
def committee_review_by_month_end(ctx: Context) -> list[Finding]:
    """2024年1月底前，学院党委审议…相关议题 (设置: 党委审议日期 against 党委审议上报截止日期).
    An empty 党委审议日期 is shown as 未记录 in the summary's ledger, not a finding."""
    review, deadline = ctx.settings.review_date, ctx.settings.report_deadline
    if review is None or review <= deadline:
        return []
    frame = ctx.wb.frames.get("settings")
    row = None
    if frame is not None and "项目" in frame:
        rows = frame.loc[frame["项目"].map(normalize) == normalize(K_REVIEW_DATE), ROW]
        row = int(rows.iloc[0]) if len(rows) else None
    return [
        make(
            "deadline.committee-review",
            S.SETTINGS.name,
            row,
            "值",
            key=K_REVIEW_DATE,
            review=review,
            deadline=deadline,
        )
    ]


@rule("meeting.unpublished", ("meetings", "会议日期", "公布日期"))
def reports_published(ctx: Context) -> list[Finding]:
    """述职评议后，应将述职报告在一定范围内公布 (设置: 述职报告公布期限天数 after the meeting).
    A 公布日期 before the meeting, or no 公布范围 beside a 公布日期, is said too."""
    days = ctx.settings.publish_days
    m = ctx.meetings
    published = m["公布日期"]
    due = m["会议日期"] + pd.Timedelta(days=days)
    ok = ctx.not_bad(m, S.MEETINGS, "公布日期")
    late_rows = set(ctx.schedule.where(STEP_PUBLISHED, LATE)[ROW])
    missing = published.isna() & m[ROW].isin(late_rows) & ok
    late = published.notna() & due.notna() & (published > due)
    early = published.notna() & m["会议日期"].notna() & (published < m["会议日期"])
    frame = m.assign(due=due)

    def params(r: dict[str, Any], variant: str) -> dict[str, Any]:
        return {
            "variant": variant,
            "meeting": r["会议编号"],
            "host": ctx.org_name.get(r["主办组织编号"], r["主办组织编号"]),
            "meeting_date": r["会议日期"],
            "days": days,
            "due": r["due"],
            "published": r["公布日期"],
        }

    code = "meeting.unpublished"
    out = emit(code, frame, missing, MEET, "公布日期", lambda r: params(r, "missing"))
    out += emit(code, frame, late, MEET, "公布日期", lambda r: params(r, "late"))
    out += emit(code, frame, early, MEET, "公布日期", lambda r: params(r, "early"))
    if "公布范围" in m:
        no_scope = published.notna() & (m["公布范围"].fillna("").astype(str).str.strip() == "")
        out += emit(code, frame, no_scope, MEET, "公布范围", lambda r: params(r, "no-scope"))
    return out
