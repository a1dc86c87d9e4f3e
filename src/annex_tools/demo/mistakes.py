"""The mistakes the demo plants in its valid institute, each recorded with the finding `check`
should give."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from annex_tools.contract import schema as S
from annex_tools.contract import settings as ST
from annex_tools.demo.institute import D


@dataclass
class Planted:
    code: str
    sheet: str | None
    row: int | None
    column: str | None
    what: str


@dataclass
class _Tables:
    """The demo's rows, their Excel rows and the settings, while mistakes are planted in them."""

    subs: list[dict[str, Any]]
    grades: list[dict[str, Any]]
    rects: list[dict[str, Any]]
    meetings: list[dict[str, Any]]
    orgs: list[dict[str, Any]]
    settings: dict[str, str]
    leaders: list[str]
    planted: list[Planted] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sub_row = {s["述职编号"]: i + 2 for i, s in enumerate(self.subs)}
        self.grade_row = {g["述职编号"]: i + 2 for i, g in enumerate(self.grades)}
        self.rect_row = {r["整改编号"]: i + 2 for i, r in enumerate(self.rects)}
        self.meeting_row = {m["会议编号"]: i + 2 for i, m in enumerate(self.meetings)}
        self.sid_of = {s["组织编号"]: s["述职编号"] for s in self.subs}

    def plant(
        self, code: str, sheet: S.Sheet, row: int | None, column: str | None, what: str
    ) -> None:
        self.planted.append(Planted(code, sheet.name, row, column, what))


def _plant_mistakes(t: _Tables) -> None:
    """The common mistakes the demo plants in its rows, each listed with where it is."""
    subs, grades, rects, meetings, orgs, settings = (
        t.subs, t.grades, t.rects, t.meetings, t.orgs, t.settings
    )  # fmt: skip
    leaders, plant, sid_of = t.leaders, t.plant, t.sid_of
    sub_row, grade_row, rect_row, meeting_row = t.sub_row, t.grade_row, t.rect_row, t.meeting_row
    # 1. a 二级党组织书记 report over 1500 字
    s = next(x for x in subs if x["述职编号"] == sid_of["G02"])
    s["_targets"] = {"duties": 700, "problems": 560, "plans": 380}
    plant(
        "report.too-long",
        S.SUBMISSIONS,
        sub_row[s["述职编号"]],
        "字数",
        "二级党组织书记报告超过1500字",
    )
    # 2. a branch report whose problems part is under 30 %
    s = next(x for x in subs if x["述职编号"] == sid_of["G03-2"])
    s["_targets"] = {"duties": 390, "problems": 150, "plans": 330}
    plant(
        "report.share-problems",
        S.SUBMISSIONS,
        sub_row[s["述职编号"]],
        "存在问题占比",
        "问题部分不足30%",
    )
    # 3. 较好 but 优秀
    g = next(x for x in grades if x["述职编号"] == sid_of["G01-1"])
    g["年度考核等次"] = "优秀"
    plant(
        "grade.linkage-excellent",
        S.GRADES_SHEET,
        grade_row[g["述职编号"]],
        "年度考核等次",
        "较好却评为优秀",
    )
    # 4. 一般 without 约谈提醒
    g = next(x for x in grades if x["述职编号"] == sid_of["G04-1"])
    g["约谈提醒日期"] = None
    plant(
        "grade.interview-missing",
        S.GRADES_SHEET,
        grade_row[g["述职编号"]],
        "约谈提醒日期",
        "一般未约谈提醒",
    )
    # 5. a branch meeting reported only two days ahead; the demo counts 提前三天 in working days
    # (the official holiday calendar), as an institute that sets 报备天数计法 to 工作日 does
    settings[ST.K_NOTICE_COUNT] = S.DAYS_WORKING
    m = next(x for x in meetings if x["会议编号"] == "M06")
    m["报备日期"] = m["会议日期"] - dt.timedelta(days=2)
    plant("meeting.notice-late", S.MEETINGS, meeting_row["M06"], "报备日期", "会议只提前2天报备")
    # 6. approved before it was discussed
    s = next(x for x in subs if x["述职编号"] == sid_of["G05-3"])
    s["审定日期"] = s["讨论日期"] - dt.timedelta(days=2)
    plant("approval.order", S.SUBMISSIONS, sub_row[s["述职编号"]], "审定日期", "审定早于讨论")
    # 7. 已完成 without 完成日期
    r = next(x for x in rects if x["述职编号"] == sid_of["G06-2"])
    r["完成日期"] = None
    plant(
        "rect.done-without-date",
        S.RECTIFICATIONS,
        rect_row[r["整改编号"]],
        "完成日期",
        "已完成但无完成日期",
    )
    # 8. a rectification without deadline (its secretary is graded 好)
    r = next(x for x in rects if x["述职编号"] == sid_of["G07-4"])
    r["整改时限"] = None
    plant(
        "rect.deadline-missing",
        S.RECTIFICATIONS,
        rect_row[r["整改编号"]],
        "整改时限",
        "没有整改时限",
    )
    # 9. one 党总支 graded all its branch secretaries 好
    plant(
        "grade.distribution",
        S.GRADES_SHEET,
        None,
        "综合评价等次",
        "教师发展中心党总支全部评为好",
    )
    # 10. a feedback date typed as text that is no date
    g = next(x for x in grades if x["述职编号"] == sid_of["G08-3"])
    g["反馈日期"] = "2024年1月32日"
    plant(
        "schema.bad-date",
        S.GRADES_SHEET,
        grade_row[g["述职编号"]],
        "反馈日期",
        "日期写错（1月32日）",
    )
    # 11. a rectification still under way after its deadline (a warning)
    r = next(x for x in rects if x["述职编号"] == sid_of["G08-1"] and x["问题来源"] == "领导点评")
    r["整改状态"], r["完成日期"] = "整改中", None
    plant("rect.overdue", S.RECTIFICATIONS, rect_row[r["整改编号"]], "整改时限", "整改逾期未完成")
    # 12. 差 is flagged for 追责问责 review (a warning the notice asks for)
    plant(
        "grade.accountability",
        S.GRADES_SHEET,
        grade_row[sid_of["G08-1"]],
        "综合评价等次",
        "评为差，需研判追责问责",
    )
    # 13. a branch meeting with nobody from the 党委组织部 列席
    m = next(x for x in meetings if x["会议编号"] == "M04")
    m["列席人员"] = ""
    plant(
        "meeting.observer-missing",
        S.MEETINGS,
        meeting_row["M04"],
        "列席人员",
        "党支部书记述职会无组织部人员列席",
    )
    # 14. a branch report approved by a 院领导 instead of its 党总支
    s = next(x for x in subs if x["述职编号"] == sid_of["G03-3"])
    s["审定人"] = "院领导 " + leaders[0]
    plant(
        "approval.approver",
        S.SUBMISSIONS,
        sub_row[s["述职编号"]],
        "审定人",
        "党支部书记报告由院领导审定",
    )
    # 15. a branch whose secretary post is vacant: recorded, one info, no errors
    orgs.append(
        {
            "组织编号": "G01-9",
            "组织名称": "教育管理学院实验中心党支部",
            "组织类型": S.ORG_STAFF_BRANCH,
            "上级组织编号": "G01",
            "书记空缺原因": "原书记2023年12月调离，待换届选举",
        }
    )
    plant("org.vacant", S.ORGS, len(orgs) + 1, "书记空缺原因", "党支部书记空缺（已注明原因）")
    # 16. more ballots than the 46 people at the 党委's meeting
    g = next(x for x in grades if x["述职编号"] == sid_of["G05"])
    g["测评好票"] = 46 - g["测评较好票"] - g["测评一般票"] - g["测评差票"] + 9
    plant(
        "grade.ballots-exceed",
        S.GRADES_SHEET,
        grade_row[g["述职编号"]],
        "测评好票",
        "测评票数多于述职会实到人数",
    )
    # 17. graded 一般 although most ballots are 好
    g = next(x for x in grades if x["述职编号"] == sid_of["G04-1"])
    g["测评好票"], g["测评较好票"], g["测评一般票"], g["测评差票"] = 18, 4, 2, 0
    plant(
        "grade.ballots-diverge",
        S.GRADES_SHEET,
        grade_row[g["述职编号"]],
        "综合评价等次",
        "评为一般，但多数测评票为好",
    )

    # 现场测评 on paper: a meeting with ballots but no 实到人数, and one whose 实到人数 is not
    # the 共N人 of its 参会人员
    m = next(x for x in meetings if x["会议编号"] == "M08")
    m["实到人数"] = None
    plant(
        "meeting.attendance-missing",
        S.MEETINGS,
        t.meeting_row["M08"],
        "实到人数",
        "有现场测评票的述职会没有填写实到人数",
    )
    m = next(x for x in meetings if x["会议编号"] == "M03")
    m["实到人数"] = int(m["实到人数"]) + 2
    plant(
        "meeting.attendance-diverge",
        S.MEETINGS,
        t.meeting_row["M03"],
        "实到人数",
        "实到人数与参会人员写的“共N人”不一致",
    )

    # 15.-19. the deadline ledger and 公布
    s = next(x for x in subs if x["述职编号"] == sid_of["G06"])
    s["报送组织部日期"] = D(2024, 1, 16)
    plant(
        "deadline.report-sent",
        S.SUBMISSIONS,
        sub_row[s["述职编号"]],
        "报送组织部日期",
        "二级党组织书记述职会当天才报送述职报告",
    )
    settings[ST.K_COMMITTEE_DEADLINE] = "2023-12-31"
    plant(
        "deadline.committee-meeting",
        S.MEETINGS,
        meeting_row["M00"],
        "会议日期",
        "党委述职会开在2024年1月，晚于拟定的2023年底",
    )
    o = next(x for x in orgs if x["组织编号"] == "G05")
    o["附件2收到日期"] = D(2024, 1, 24)
    plant(
        "deadline.annex2-received",
        S.ORGS,
        next(i + 2 for i, x in enumerate(orgs) if x["组织编号"] == "G05"),
        "附件2收到日期",
        "附件2晚于1月22日收到",
    )
    settings[ST.K_REVIEW_DATE] = "2024-02-02"
    plant(
        "deadline.committee-review",
        S.SETTINGS,
        2 + [k for k, _, _ in ST.SETTING_ROWS].index(ST.K_REVIEW_DATE),
        "值",
        "党委审议晚于1月底",
    )
    m = next(x for x in meetings if x["会议编号"] == "M07")
    m["公布日期"], m["公布范围"] = None, ""
    plant(
        "meeting.unpublished",
        S.MEETINGS,
        meeting_row["M07"],
        "公布日期",
        "党支部书记述职报告会后未公布",
    )
    # issue 19's rules on their day: a letter never sent back (反馈 due 反馈约谈期限天数 after
    # the meeting), and a problem carried from last year not yet taken up at the meeting
    g = next(x for x in grades if x["述职编号"] == sid_of["G07-2"])
    g["反馈日期"] = None
    plant(
        "grade.feedback-missing",
        S.GRADES_SHEET,
        grade_row[g["述职编号"]],
        "反馈日期",
        "评定等次后没有向本人反馈",
    )
    sid = sid_of["G07-3"]
    owner = next(x for x in subs if x["述职编号"] == sid)["书记姓名"]
    rects.append(
        {
            "整改编号": "R900-1",
            "述职编号": sid,
            "原整改编号": "R022-2",
            "问题来源": S.SOURCE_LAST_YEAR,
            "存在问题": "支部“三会一课”记录不完整，部分组织生活会会前谈心谈话未留记录",
            "整改措施": "逐月检查支部记录本，会前谈心谈话填写记录表",
            "整改时限": D(2024, 3, 31),
            "责任人": owner,
            "整改状态": S.STATUS_NOT_STARTED,
            "上年度情况": "上年度主表：整改中（未核验）",
        }
    )
    row = len(rects) + 1
    plant(
        "rect.carried-untouched",
        S.RECTIFICATIONS,
        row,
        "整改状态",
        "上年度问题到述职会时仍未开始整改",
    )
    plant("rect.overdue", S.RECTIFICATIONS, row, "整改时限", "转入的上年度问题逾期未完成")
