"""One generator of a valid institute: the rows every valid master has, and an institute of any
size made of them. The demo, the unit tests' miniature (tests/builders.py `valid()`), the property
tests and the benchmarks all build their rows here, so a rule that asks for a new column (实到人数,
定等次会议日期, 附件2收到日期, ...) is met in one place.

Pure: no files, no randomness of its own. A row builder takes what varies (ids, names, days) and
fills in the rest so that the row is valid beside its meeting: 讨论 and 审定 before the meeting, a
二级 report sent before the 党委's, 报备 a week ahead with the 组织部 列席, 公布 and 定等次 after, 反馈
and (for 一般/差) 约谈 after, every rectification done by its deadline. `institute` draws the rest
from the caller's `draw` (random.Random.randint, a hypothesis draw, or `lowest`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from annex_tools.contract import schema as S

Row = dict[str, Any]
Tables = dict[str, list[Row]]  # sheet key (contract/schema.py) -> rows
Draw = Callable[[int, int], int]  # an integer from lo to hi, both included

D = dt.date
DAY = dt.timedelta(days=1)
COMMITTEE_DAY = D(2024, 1, 16)  # the 党委's 述职会
ANNEX2_BY = D(2024, 1, 22)  # 附件2 reaches the 组织部 by then
COMMITTEE_MINUTES = "党委常委会会议纪要〔2024〕2号"
LEADER = "院领导 某某"  # who approves a 二级党组织书记's report
# ballots for each grade at a meeting of 36 or more (the benchmarks' 40, the miniature gives its own)
BALLOTS = {
    "好": (30, 5, 1, 0),
    "较好": (12, 20, 4, 0),
    "一般": (5, 10, 20, 1),
    "差": (2, 6, 10, 12),
}


def lowest(lo: int, hi: int) -> int:
    """The draw that always takes the first choice (a fixed institute)."""
    return lo


def _row(**cells: Any) -> Row:
    """The cells given, in order, leaving out the empty ones (None)."""
    return {k: v for k, v in cells.items() if v is not None}


def organization(
    oid: str,
    name: str,
    kind: str,
    parent: str | None = None,
    secretary: str | None = None,
    staff_no: str | None = None,
    **more: Any,
) -> Row:
    """One row of 组织; a 党总支's `附件2收到日期` (by ANNEX2_BY) goes in `more`."""
    return _row(
        组织编号=oid, 组织名称=name, 组织类型=kind, 上级组织编号=parent, 书记姓名=secretary,
        书记工号=staff_no, **more,
    )  # fmt: skip


def meeting(
    mid: str,
    host: str,
    day: dt.date,
    *,
    present: int,
    attendees: str,
    place: str = "会议室",
    filed: dt.date | None = None,
    observer: str | None = None,
    published_to: str | None = None,
    published: dt.date | None = None,
    decided: dt.date | None = None,
    minutes: str | None = None,
    **more: Any,
) -> Row:
    """One 述职会: those present (实到人数, never fewer than ballots), 报备 and 列席 for a 党总支's
    meeting, 公布 after it, and the meeting that fixed the grades (two days later by default)."""
    return _row(
        会议编号=mid, 主办组织编号=host, 会议日期=day, 会议地点=place, 参会人员=attendees, 报备日期=filed,
        列席人员=observer, 公布范围=published_to, 公布日期=published, 实到人数=present,
        定等次会议日期=decided or day + 2 * DAY, 定等次会议纪要=minutes, **more,
    )  # fmt: skip


def submission(
    sid: str,
    org: Row,
    category: str,
    meeting_row: Row,
    *,
    mode: str = "现场述职",
    words: int | None = None,
    shares: tuple[float, float, float | None] | None = (0.45, 0.35, 0.2),
    discussed: dt.date | None = None,
    approved: dt.date | None = None,
    approver: str | None = None,
    sent: dt.date | None = None,
    staff_no: str | None = None,
    report: str | None = None,
    **more: Any,
) -> Row:
    """One 述职 of `org`'s secretary at `meeting_row`: discussed 12 days and approved 6 days before
    it (by default), by a 院领导 for a 二级党组织书记, else by the 党总支 (`approver`)."""
    day = meeting_row["会议日期"]
    duties, problems, plans = shares if words is not None and shares else (None, None, None)
    return _row(
        述职编号=sid, 组织编号=org["组织编号"], 书记姓名=org.get("书记姓名"), 书记工号=staff_no or org.get("书记工号"),
        述职类别=category, 述职方式=mode, 报告文件=report, 字数=words,
        履职情况占比=duties, 存在问题占比=problems, 工作思路占比=plans,
        讨论日期=discussed or day - 12 * DAY, 审定日期=approved or day - 6 * DAY,
        审定人=approver or (LEADER if category == S.CAT_SECOND_LEVEL else None),
        会议编号=meeting_row["会议编号"], 报送组织部日期=sent, **more,
    )  # fmt: skip


def grade(
    sid: str,
    level: str,
    meeting_day: dt.date,
    *,
    ballots: tuple[int, int, int, int] | None = None,
    appraisal: str = "合格",
    achievements: str = "成绩",
    shortcomings: str = "不足",
    feedback: dt.date | None = None,
    interview: dt.date | None = None,
    **more: Any,
) -> Row:
    """One 评议 row: the ballots (BALLOTS for the grade by default), 反馈 three days after the
    meeting, and for 一般/差 the 约谈提醒 five days after."""
    good, fair, average, poor = ballots or BALLOTS[level]
    if level in S.GRADES_INTERVIEW:
        interview = interview or meeting_day + 5 * DAY
    return _row(
        述职编号=sid, 测评好票=good, 测评较好票=fair, 测评一般票=average, 测评差票=poor, 综合评价等次=level,
        主要成绩=achievements, 不足之处=shortcomings, 年度考核等次=appraisal, 约谈提醒日期=interview,
        反馈日期=feedback or meeting_day + 3 * DAY, **more,
    )  # fmt: skip


def rectification(
    rid: str,
    sid: str,
    deadline: dt.date,
    *,
    done: dt.date | None = None,
    source: str = "自身查摆",
    problem: str = "问题",
    measure: str = "措施",
    owner: str | None = None,
    verified: str | None = None,
    **more: Any,
) -> Row:
    """One rectification, done (完成日期 by its deadline: the deadline itself by default)."""
    return _row(
        整改编号=rid, 述职编号=sid, 问题来源=source, 存在问题=problem, 整改措施=measure, 整改时限=deadline,
        责任人=owner, 整改状态="已完成", 完成日期=done or deadline, 核验情况=verified, **more,
    )  # fmt: skip


def fair_share(bodies: int, draw: Draw) -> int:
    """How many of one evaluating body's secretaries are graded below 好: at least 15 % (the
    notice's minimum share of 较好 and below), rounded up."""
    return draw(math.ceil(bodies * 0.15 - 1e-9), bodies)


@dataclass(frozen=True)
class Shape:
    """How big: the 在职党支部 of each 党总支 (one number per 党总支), and the 直属党支部."""

    branches: tuple[int, ...] = (2,)
    direct: int = 0


def institute(shape: Shape, draw: Draw = lowest) -> Tables:
    """A valid institute of `shape`: each 党总支 with its meeting and branches, the 直属党支部, grades
    that meet the 15 % minimum in every evaluating body, 1-3 rectifications each; what varies is
    drawn from `draw`."""
    orgs = [organization("P", "党委", S.ORG_PARTY_COMMITTEE, secretary="书记")]
    committee = meeting(
        "M0", "P", COMMITTEE_DAY, present=20, minutes=COMMITTEE_MINUTES,
        attendees="领导小组成员、两代表一委员、党员干部群众代表",
    )  # fmt: skip
    meetings = [committee]
    reporters: list[tuple[Row, str, Row, str]] = []  # (org, category, meeting, evaluating body)
    for g, branches in enumerate(shape.branches):
        gid = f"G{g}"
        received = ANNEX2_BY - draw(0, 5) * DAY
        general = organization(
            gid, f"总支{g}", S.ORG_GENERAL_BRANCH, "P", f"总支书记{g}", 附件2收到日期=received
        )
        orgs.append(general)
        reporters.append((general, S.CAT_SECOND_LEVEL, committee, "P"))
        day = D(2024, 1, 8) + draw(0, 10) * DAY
        own = meeting(
            f"M{gid}", gid, day, present=20, attendees="支部党员代表",
            filed=day - draw(3, 10) * DAY, observer="组织部 某某", minutes=f"总支{g}委员会会议纪要〔2024〕1号",
        )  # fmt: skip
        meetings.append(own)
        for b in range(branches):
            branch = organization(
                f"{gid}B{b}", f"支部{gid}{b}", S.ORG_STAFF_BRANCH, gid, f"支部书记{gid}{b}"
            )
            orgs.append(branch)
            reporters.append((branch, S.CAT_BRANCH, own, gid))
    for k in range(shape.direct):
        direct = organization(f"Z{k}", f"直属{k}", S.ORG_DIRECT_BRANCH, "P", f"直属书记{k}")
        orgs.append(direct)
        reporters.append((direct, S.CAT_SECOND_LEVEL, committee, "P"))
    levels = _levels(reporters, draw)
    names = {o["组织编号"]: o["组织名称"] for o in orgs}
    subs, grades, rects = [], [], []
    for i, (org, category, at, body) in enumerate(reporters):
        sid, day = f"S{i}", at["会议日期"]
        second = category == S.CAT_SECOND_LEVEL
        discussed = day - draw(2, 20) * DAY
        duties = draw(20, 50) / 100
        problems = draw(30, 100 - round(duties * 100)) / 100
        subs.append(submission(
            sid, org, category, at, mode=(S.MODES[0], S.MODES[1])[draw(0, 1)],
            words=draw(300, 1500 if second else 1000),
            shares=(duties, problems + 0.001, None),  # above 30 % however it is rounded
            discussed=discussed, approved=discussed + draw(0, (day - discussed).days) * DAY,
            approver=None if second else names[body],
            sent=day - draw(1, 10) * DAY if second else None,
        ))  # fmt: skip
        level = levels[i]
        choices = ("优秀", "合格") if level == "好" else ("合格", "基本合格")
        grades.append(
            grade(sid, level, day, ballots=(10, 3, 1, 0), appraisal=choices[draw(0, 1)],
                  feedback=day + 2 * DAY, interview=day + 3 * DAY if level in S.GRADES_INTERVIEW else None)
        )  # fmt: skip
        for j in range(draw(1, 3)):
            rects.append(rectification(f"R{i}-{j}", sid, day + draw(1, 120) * DAY))
    return {"orgs": orgs, "meetings": meetings, "subs": subs, "grades": grades, "rects": rects}


def _levels(reporters: list[tuple[Row, str, Row, str]], draw: Draw) -> dict[int, str]:
    """The grade of each reporter: in every evaluating body at least 15 % below 好."""
    by_body: dict[str, list[int]] = {}
    for i, (_, _, _, body) in enumerate(reporters):
        by_body.setdefault(body, []).append(i)
    levels: dict[int, str] = {}
    for members in by_body.values():
        below = set(_shuffled(members, draw)[: fair_share(len(members), draw)])
        for i in members:
            levels[i] = ("较好", "一般", "差")[draw(0, 2)] if i in below else "好"
    return levels


def _shuffled(items: list[int], draw: Draw) -> list[int]:
    out = list(items)
    for k in range(len(out) - 1, 0, -1):  # Fisher-Yates, from the caller's draws
        j = draw(0, k)
        out[k], out[j] = out[j], out[k]
    return out


def miniature() -> Tables:
    """The unit tests' institute (tests/builders.py `valid()`): one 党总支 (two 在职党支部 and a
    离退休 branch that does not report), one 直属党支部; four reporters, two graded 较好."""
    committee = meeting(
        "M0", "P", COMMITTEE_DAY, present=46, place="第一会议室", published_to="全院党员",
        attendees="领导小组成员、“两代表一委员”、党员干部群众代表", published=D(2024, 1, 26),
        minutes=COMMITTEE_MINUTES,
    )  # fmt: skip
    general = meeting(
        "M1", "G1", D(2024, 1, 10), present=30, attendees="党员代表", filed=D(2024, 1, 5),
        observer="组织部 某某", published_to="示例党总支党员", published=D(2024, 1, 15),
        minutes="示例党总支委员会会议纪要〔2024〕1号",
    )  # fmt: skip
    orgs = [
        organization("P", "中共示例学院委员会", S.ORG_PARTY_COMMITTEE, secretary="甲一"),
        organization("G1", "示例党总支", S.ORG_GENERAL_BRANCH, "P", "乙二", "T1", 附件2收到日期=D(2024, 1, 20)),
        organization("G2", "安保后勤直属党支部", S.ORG_DIRECT_BRANCH, "P", "丙三", "T2"),
        organization("B1", "示例第一党支部", S.ORG_STAFF_BRANCH, "G1", "丁四", "T3"),
        organization("B2", "示例第二党支部", S.ORG_STAFF_BRANCH, "G1", "戊五", "T4"),
        organization("R1", "示例离退休党支部", S.ORG_RETIRED_BRANCH, "G1", "己六"),
    ]  # fmt: skip
    by_id = {o["组织编号"]: o for o in orgs}
    subs = [
        submission(sid, by_id[oid], category, at, mode=mode, words=words, discussed=D(2024, 1, 1),
                   approved=D(2024, 1, 5), approver=approver, sent=sent)
        for sid, oid, category, at, mode, words, approver, sent in (
            ("S1", "G1", S.CAT_SECOND_LEVEL, committee, "现场述职", 1200, None, D(2024, 1, 8)),
            ("S2", "G2", S.CAT_SECOND_LEVEL, committee, "书面述职", 1100, None, D(2024, 1, 8)),
            ("S3", "B1", S.CAT_BRANCH, general, "现场述职", 800, "示例党总支", None),
            ("S4", "B2", S.CAT_BRANCH, general, "现场述职", 700, "示例党总支", None),
        )
    ]  # fmt: skip
    grades = [
        grade(sid, level, COMMITTEE_DAY, ballots=(20, 5, 1, 0), appraisal=appraisal, feedback=D(2024, 1, 20))
        for sid, level, appraisal in (("S1", "好", "优秀"), ("S2", "较好", "合格"), ("S3", "较好", "合格"), ("S4", "好", "合格"))
    ]  # fmt: skip
    rects = [
        rectification(f"R{i}", f"S{i}", D(2024, 4, 30), done=D(2024, 4, 20), owner="某某", verified="已核验")
        for i in range(1, 5)
    ]  # fmt: skip
    return {
        "orgs": orgs,
        "meetings": [committee, general],
        "subs": subs,
        "grades": grades,
        "rects": rects,
    }
