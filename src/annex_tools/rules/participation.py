"""Who takes part and who approves: the meeting's participants, 列席, 一述一评, the approver.

Notice, 一(二): the 党委组织部 组织相关人员列席 the branch secretaries' meetings. 三、3: a 二级党组织书记's
report is approved by a 院领导, a 在职党支部书记's by the 二级党组织 it belongs to (never by the
reporter). 三、4: 学院党建工作领导小组成员、“两代表一委员”和党员干部群众代表 take part in the
二级党组织书记 meeting, which goes 一述一评 (one speaks, one is reviewed).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from annex_tools.contract import schema as S
from annex_tools.contract.findings import Finding
from annex_tools.contract.text import normalize
from annex_tools.institute import normal, pick
from annex_tools.rules.base import Coded, Context, blank, emit, lookup, rule

SUB = S.SUBMISSIONS.name
MEET = S.MEETINGS.name
LEADER_WORD = "院领导"


def _held_meetings(ctx: Context) -> pd.DataFrame:
    m = ctx.meetings
    frame = m.assign(
        host_type=lookup(m["主办组织编号"], ctx.org_type),
        host_name=lookup(m["主办组织编号"], ctx.org_name),
    )
    return frame[frame["会议日期"].notna() & (frame["会议日期"] <= ctx.as_of_ts)]


@rule("meeting.participants", ("meetings", "会议编号", "会议日期", "参会人员", "主办组织编号"))
def participants_recorded(ctx: Context) -> list[Finding]:
    """三、4: who takes part is recorded; the 党委's meeting has every group the notice names."""
    held = _held_meetings(ctx)
    empty = blank(held["参会人员"])
    out = emit(
        "meeting.participants",
        held,
        empty,
        MEET,
        "参会人员",
        lambda r: {"variant": "none", "meeting": r["会议编号"], "host": r["host_name"]},
    )
    groups = ctx.settings.second_participants
    at_root = held[(held["主办组织编号"] == ctx.root) & ~empty]
    text = at_root["参会人员"].map(normalize)
    missing = text.map(lambda t: "、".join(g for g in groups if normalize(g) not in t))
    out += emit(
        "meeting.participants",
        at_root.assign(missing=missing),
        missing != "",
        MEET,
        "参会人员",
        lambda r: {
            "variant": "groups-missing",
            "meeting": r["会议编号"],
            "host": r["host_name"],
            "missing": r["missing"],
        },
    )
    return out


@rule("meeting.observer-missing", ("meetings", "会议编号", "会议日期", "列席人员", "主办组织编号"))
def organization_department_attends(ctx: Context) -> list[Finding]:
    """一(二): 党委组织部组织相关人员列席 every branch secretaries' meeting (hosted by a 党总支)."""
    held = _held_meetings(ctx)
    branch = held["host_type"] == S.ORG_GENERAL_BRANCH
    return emit(
        "meeting.observer-missing",
        held,
        branch & blank(held["列席人员"]),
        MEET,
        "列席人员",
        lambda r: {"meeting": r["会议编号"], "host": r["host_name"]},
    )


@rule("meeting.written-share", ("subs", "述职方式", "会议编号"), ("meetings", "会议编号"))
def one_speaks_one_reviewed(ctx: Context) -> list[Finding]:
    """三、4: 一述一评. Most secretaries report in person; a meeting where the 书面述职 share is
    above 设置 书面述职比例上限 is flagged (meetings with fewer than 比例适用最少人数 reporters are not)."""
    subs = ctx.subs[~blank(ctx.subs["会议编号"])]
    written = (subs["述职方式"] == "书面述职").groupby(subs["会议编号"])
    per = pd.DataFrame({"n": written.size(), "written": written.sum().astype(int)})
    per = per.assign(share=per["written"] / per["n"])
    cap, least = ctx.settings.written_max, ctx.settings.min_body
    flagged = per[(per["n"] >= least) & (per["share"] > cap)]
    m = ctx.meetings
    frame = m[m["会议编号"].isin(flagged.index)].join(flagged, on="会议编号")
    return emit(
        "meeting.written-share",
        frame,
        pd.Series(True, index=frame.index),
        MEET,
        "会议编号",
        lambda r: {
            "meeting": r["会议编号"],
            "written": int(r["written"]),
            "n": int(r["n"]),
            "share": float(r["share"]),
            "cap": cap,
        },
    )


@rule(
    "approval.approver",
    ("subs", "审定人", "书记姓名", "组织编号", "述职类别"),
    ("orgs", "组织名称"),
)
def approved_by_the_right_level(ctx: Context) -> list[Finding]:
    """三、3: 院领导 approve 二级党组织书记 reports; the 二级党组织 approves its branches'; nobody
    approves their own report."""
    subs = ctx.subs
    approver = ctx.normal("subs", "审定人")
    approvers = (
        ctx.coded("subs", "审定人") if ctx.is_normal("subs", "审定人") else Coded.of(approver)
    )
    text = approver.to_numpy(dtype=object)  # compared as arrays: Series operators cost 3-5x

    def picked(values: pd.Series, source: tuple[str, str]) -> np.ndarray:
        """Values taken from `source` (a column of 组织): normal already when it is."""
        column = values if ctx.is_normal(*source) else normal(values)
        array: np.ndarray = column.to_numpy(dtype=object)
        return array

    given = text != ""
    leaders = {normalize(x) for x in ctx.settings.leaders}
    named_leader = _contains_any(approvers, {LEADER_WORD} | {x for x in leaders if x}).to_numpy()
    self_approved = given & (text == ctx.normal("subs", "书记姓名").to_numpy(dtype=object))
    own_org = given & (text == ctx.normal("subs", "org_name").to_numpy(dtype=object))
    org_type = ctx.coded("subs", "org_type")
    second = org_type.isin(S.SECOND_LEVEL_TYPES).to_numpy()
    branch = org_type.eq(S.ORG_STAFF_BRANCH).to_numpy()
    parent = ctx.coded("subs", "parent")
    parent_name = picked(parent.lookup(ctx.org_name), ("orgs", "组织名称"))
    parent_at = ctx.coded("orgs", "组织编号").rows_of(parent, last=True)
    parent_sec = picked(pick(ctx.orgs["书记姓名"], parent_at, subs.index), ("orgs", "书记姓名"))
    # the 二级党组织 approves: its name (示例党总支, 示例党总支委员会) or its secretary signing for it
    by_parent = given & ((text == parent_sec) | (text == parent_name))
    rest = given & ~by_parent & (parent_name != "")  # a longer form of the name: one by one
    by_parent[rest] = [p in a for a, p in zip(text[rest], parent_name[rest], strict=True)]
    listed = (
        np.ones(len(subs), dtype=bool)
        if "" in leaders
        else _contains_any(approvers, leaders).to_numpy()
    )
    not_leader = ~listed if leaders else ~named_leader
    held = subs["held"].to_numpy(dtype=bool)
    reasons = [
        (self_approved, "self"),
        (second & own_org & ~self_approved, "own-organization"),
        (  # an empty 审定人 is pending until the meeting (the branch variant waits for it too)
            second & ~own_org & ~self_approved & not_leader & (given | held),
            "not-leader-listed" if leaders else "not-leader",
        ),
        (branch & ~self_approved & given & named_leader, "branch-by-leader"),
        (branch & ~self_approved & given & ~named_leader & ~by_parent, "branch-not-parent"),
    ]
    out: list[Finding] = []
    taken = np.zeros(len(subs), dtype=bool)
    for mask, reason in reasons:
        mask = mask & ~taken
        taken |= mask
        out += emit(
            "approval.approver",
            subs,
            mask,
            SUB,
            "审定人",
            lambda r, v=reason: {"variant": v, "who": r["who"], "approver": r["审定人"]},
        )
    return out


def _contains_any(text: Coded, words: set[str]) -> pd.Series:
    """Whether each text contains any of the words (no words: none does)."""
    if not words:
        return pd.Series(False, index=text.index)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    return text.per_value(lambda t: isinstance(t, str) and pattern.search(t) is not None)
