"""工作进度 and 催报 (issue 19, item 3): the schedule (schedule.py) at one day, as staff read it.

For each body and each step: done (on which date) / due on D / late by N days, and who has not
yet sent what; from it, one 催报 notice per body with late items, naming what is missing and by
when. Pure: a Schedule and names in, plain data out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from annex_tools.contract.text import format_date
from annex_tools.schedule import (
    DONE,
    DONE_LATE,
    LATE,
    PENDING,
    STEP_LABELS,
    STEP_ORDER,
    STEP_RECTIFIED,
    STEP_REVIEW,
    Schedule,
)

# the steps shown as columns of the overview (整改 is the 整改台账's, 审议 the 党委's own row)
OVERVIEW_STEPS = [s for s in STEP_ORDER if s != STEP_RECTIFIED]


def _md(day: object) -> str:
    """A date as 1月22日 (the year is the notice's; the full date is in the detail list)."""
    if day is None or pd.isna(day):
        return ""
    d = pd.Timestamp(day)
    return f"{d.month}月{d.day}日"


def cell_text(rows: pd.DataFrame) -> str:
    """One body's state of one step: 已完成（最晚1月8日） / 逾期2项（最多5天） / 3项未完成，
    1月22日到期 / 待定 (no due day yet) / — (nothing to do)."""
    if rows.empty:
        return "—"
    v = rows["verdict"]
    late = rows[v == LATE]
    if len(late):
        return f"逾期{len(late)}项（最多{int(late['days_late'].max())}天）"
    pending = rows[v == PENDING]
    if len(pending):
        due = pending["due"].dropna()
        when = f"，{_md(due.min())}到期" if len(due) else "，日期待定"
        return f"{len(pending)}项未完成{when}" if len(rows) > 1 else f"未完成{when}"
    last = rows["done"].max()
    late_done = int((v == DONE_LATE).sum())
    text = f"已完成（{_md(last)}）" if len(rows) == 1 else f"已完成{len(rows)}项（最晚{_md(last)}）"
    return text + (f"，其中逾期完成{late_done}项" if late_done else "")


def item_state(r: dict[str, Any]) -> str:
    """One item: 已完成（1月8日） / 逾期完成（1月24日，晚2天） / 1月22日到期 / 逾期3天 / 日期待定."""
    verdict = r["verdict"]
    if verdict == DONE:
        return f"已完成（{format_date(pd.Timestamp(r['done']).date())}）"
    if verdict == DONE_LATE:
        return (
            f"逾期完成（{format_date(pd.Timestamp(r['done']).date())}，晚{int(r['days_late'])}天）"
        )
    if verdict == LATE:
        return f"逾期{int(r['days_late'])}天（应于{format_date(pd.Timestamp(r['due']).date())}前）"
    if pd.isna(r["due"]):
        return "日期待定（会议尚未确定）"
    return f"{format_date(pd.Timestamp(r['due']).date())}到期"


@dataclass
class UrgeNotice:
    """One 催报通知: a body, what it has not sent or done, and by when."""

    body: str
    name: str
    items: list[dict[str, str]]
    reply_by: dt.date

    def context(self, year: int, institute: str, issuer: str, as_of: dt.date) -> dict[str, Any]:
        return {
            "year": year,
            "title": f"关于催报{year}年度基层党组织书记抓党建述职评议考核材料的通知",
            "addressee": self.name,
            "intro": (
                f"按照《{year}年度基层党组织书记抓党建述职评议考核工作方案》的时间节点要求，"
                f"截至{format_date(as_of)}，你单位以下事项已逾期，尚未完成或未报送党委组织部："
            ),
            "items": [{"seq": i, **item} for i, item in enumerate(self.items, start=1)],
            "ask": (
                f"请于{format_date(self.reply_by)}前完成并报送党委组织部；确有困难的，请及时说明情况。"
            ),
            "issuer": issuer,
            "date": format_date(as_of),
        }


@dataclass
class ProgressPlan:
    year: int
    as_of: dt.date
    steps: list[str]  # step keys of the overview's columns
    overview: list[dict[str, str]]  # body name + one text per step
    items: list[dict[str, str]]  # every item not done on time, late first
    notices: list[UrgeNotice] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def headers(self) -> list[str]:
        return ["组织", *(STEP_LABELS[s] for s in self.steps)]


def plan_progress(
    sched: Schedule,
    names: dict[str, str],
    order: list[str],
    root: str,
    year: int,
    reply_days: int,
) -> ProgressPlan:
    """The overview (a row per body that has steps, in the 组织 sheet's `order`), the items not
    done on time, and a 催报 notice per body (not the 党委 itself) with late items."""
    f = sched.frame
    bodies = [b for b in order if b in set(f["actor"])]
    bodies += sorted(set(f["actor"]) - set(bodies) - {""})
    overview: list[dict[str, str]] = []
    for body in bodies:
        mine = f[f["actor"] == body]
        row = {"组织": names.get(body, body)}
        for step in OVERVIEW_STEPS:
            row[STEP_LABELS[step]] = cell_text(mine[mine["step"] == step])
        overview.append(row)
    steps = [s for s in OVERVIEW_STEPS if any(r[STEP_LABELS[s]] != "—" for r in overview)]
    overview = [
        {"组织": r["组织"], **{STEP_LABELS[s]: r[STEP_LABELS[s]] for s in steps}} for r in overview
    ]
    rank = {LATE: 0, PENDING: 1, DONE_LATE: 2}
    open_items = f[f["verdict"].isin(list(rank))].copy()
    open_items["_rank"] = open_items["verdict"].map(rank)
    open_items["_step"] = open_items["step"].map({s: i for i, s in enumerate(STEP_ORDER)})
    open_items["_body"] = open_items["actor"].map({b: i for i, b in enumerate(bodies)})
    open_items = open_items.sort_values(["_rank", "_body", "_step", "due"], kind="stable")
    items = [
        {
            "组织": names.get(r["actor"], r["actor"]),
            "事项": STEP_LABELS[r["step"]],
            "对象": r["who"],
            "期限": format_date(pd.Timestamp(r["due"]).date()) if pd.notna(r["due"]) else "待定",
            "状态": item_state(r),
            "主表位置": f"“{r['sheet']}”表"
            + (f"第{int(r['_row'])}行" if pd.notna(r["_row"]) else "")
            + f"“{r['column']}”",
        }
        for r in open_items.to_dict("records")
    ]
    reply_by = sched.as_of + dt.timedelta(days=reply_days)
    notices = []
    late = f[(f["verdict"] == LATE) & (f["actor"] != root) & (f["step"] != STEP_REVIEW)]
    for body in bodies:
        mine = late[late["actor"] == body]
        if mine.empty:
            continue
        mine = mine.assign(_step=mine["step"].map({s: i for i, s in enumerate(STEP_ORDER)}))
        notices.append(
            UrgeNotice(
                body,
                names.get(body, body),
                [
                    {
                        "what": STEP_LABELS[r["step"]],
                        "who": r["who"],
                        "due": format_date(pd.Timestamp(r["due"]).date()),
                        "late": f"{int(r['days_late'])}天",
                    }
                    for r in mine.sort_values(["_step", "due"], kind="stable").to_dict("records")
                ],
                reply_by,
            )
        )
    counts = {
        "late": int((f["verdict"] == LATE).sum()),
        "pending": int((f["verdict"] == PENDING).sum()),
        "done": int(f["verdict"].isin([DONE, DONE_LATE]).sum()),
        "done_late": int((f["verdict"] == DONE_LATE).sum()),
    }
    return ProgressPlan(year, sched.as_of, steps, overview, items, notices, counts)
