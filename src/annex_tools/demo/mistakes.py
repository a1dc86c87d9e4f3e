"""The mistakes the demo plants in its valid institute: a table, one row each (the sheet and row it
is at, what it changes there, the finding it plants), applied by one function."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annex_tools.contract import schema as S
from annex_tools.contract import settings as ST
from annex_tools.demo.institute import D
from annex_tools.demo.mail import _mail_report


@dataclass
class Planted:
    code: str
    sheet: str | None
    row: int | None
    column: str | None
    what: str


Edit = Callable[["_Tables", Any], None]  # (the tables, the row the mistake is at) -> None


@dataclass
class _Tables:
    """The demo's rows and settings while mistakes are planted in them, and what was planted."""

    subs: list[dict[str, Any]]
    grades: list[dict[str, Any]]
    rects: list[dict[str, Any]]
    meetings: list[dict[str, Any]]
    orgs: list[dict[str, Any]]
    settings: dict[str, str]
    leaders: list[str]
    inbox: Path | None = None  # the mail inbox (述职报告/) of the demo folder
    planted: list[Planted] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sid_of = {s["组织编号"]: s["述职编号"] for s in self.subs}

    def rows(self, sheet: S.Sheet) -> list[dict[str, Any]]:
        return {
            S.SUBMISSIONS.name: self.subs,
            S.GRADES_SHEET.name: self.grades,
            S.RECTIFICATIONS.name: self.rects,
            S.MEETINGS.name: self.meetings,
            S.ORGS.name: self.orgs,
        }[sheet.name]

    def find(self, sheet: S.Sheet, at: str | None) -> dict[str, Any] | None:
        """The row `at` names: an org's 述职 (or 评议) row by 组织编号; a rectification by
        整改编号 (R…), else the first of an org's 述职, of one 问题来源 when given
        ("G08-1 领导点评"); a meeting by 会议编号; an org by 组织编号."""
        if at is None or sheet is S.SETTINGS:
            return None
        if sheet in (S.SUBMISSIONS, S.GRADES_SHEET):
            return next(x for x in self.rows(sheet) if x["述职编号"] == self.sid_of[at])
        if sheet is S.RECTIFICATIONS:
            if at.startswith("R"):
                return next((x for x in self.rects if x["整改编号"] == at), None)
            org, _, source = at.partition(" ")
            return next(
                x
                for x in self.rects
                if x["述职编号"] == self.sid_of[org] and source in ("", x["问题来源"])
            )
        key = "会议编号" if sheet is S.MEETINGS else "组织编号"
        return next((x for x in self.rows(sheet) if x[key] == at), None)  # None: not added yet

    def excel_row(self, sheet: S.Sheet, at: str | None) -> int | None:
        if at is None:
            return None
        if sheet is S.SETTINGS:
            return 2 + [k for k, _, _ in ST.SETTING_ROWS].index(at)
        row = self.find(sheet, at)
        return next(i + 2 for i, x in enumerate(self.rows(sheet)) if x is row)


def put(**values: Any) -> Edit:
    """An edit that sets cells of the mistake's row."""
    return lambda t, row: row.update(values)


@dataclass(frozen=True)
class Mistake:
    """One planted mistake: the sheet and row it is at (`at`, see `_Tables.find`), what it changes
    there (`edit`, none when the institute is made that way), and the finding it plants."""

    code: str
    sheet: S.Sheet
    at: str | None
    column: str
    what: str
    edit: Edit | None = None
    after_reports: bool = False  # planted once the report files are written and analysed


def _filing_in_working_days(t: _Tables, m: dict[str, Any]) -> None:
    # the demo counts 提前三天 in working days (the official holiday calendar), as an institute
    # that sets 报备天数计法 to 工作日 does
    t.settings[ST.K_FILING_COUNT] = S.DAYS_WORKING
    m["报备日期"] = m["会议日期"] - dt.timedelta(days=2)


def _vacant_branch(t: _Tables, _: None) -> None:
    t.orgs.append(
        {
            "组织编号": "G01-9",
            "组织名称": "教育管理学院实验中心党支部",
            "组织类型": S.ORG_STAFF_BRANCH,
            "上级组织编号": "G01",
            "书记空缺原因": "原书记2023年12月调离，待换届选举",
        }
    )


def _carried_from_last_year(t: _Tables, _: None) -> None:
    sid = t.sid_of["G07-3"]
    owner = next(x for x in t.subs if x["述职编号"] == sid)["书记姓名"]
    t.rects.append(
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


def _only_mailed(t: _Tables, s: dict[str, Any]) -> None:
    # a report that came only by e-mail and has not been imported: 述职报告/ holds the mail
    assert t.inbox is not None
    org = next(o for o in t.orgs if o["组织编号"] == s["组织编号"])
    _mail_report(t.inbox, s, org["组织名称"])
    s["报告文件"] = ""
    s["字数"] = s["履职情况占比"] = s["存在问题占比"] = s["工作思路占比"] = None


def _setting(key: str, value: str) -> Edit:
    def edit(t: _Tables, _: object) -> None:
        t.settings[key] = value

    return edit


SUBS, GRADES, RECTS, MEETINGS = S.SUBMISSIONS, S.GRADES_SHEET, S.RECTIFICATIONS, S.MEETINGS
# fmt: off
MISTAKES: tuple[Mistake, ...] = (
    Mistake("report.too-long", SUBS, "G02", "字数", "二级党组织书记报告超过1500字",
            put(_targets={"duties": 700, "problems": 560, "plans": 380})),
    Mistake("report.share-problems", SUBS, "G03-2", "存在问题占比", "问题部分不足30%",
            put(_targets={"duties": 390, "problems": 150, "plans": 330})),
    Mistake("grade.linkage-excellent", GRADES, "G01-1", "年度考核等次", "较好却评为优秀",
            put(年度考核等次="优秀")),
    Mistake("grade.interview-missing", GRADES, "G04-1", "约谈提醒日期", "一般未约谈提醒",
            put(约谈提醒日期=None)),
    Mistake("meeting.notice-late", MEETINGS, "M06", "报备日期", "会议只提前2天报备",
            _filing_in_working_days),
    Mistake("approval.order", SUBS, "G05-3", "审定日期", "审定早于讨论",
            lambda t, s: s.update(审定日期=s["讨论日期"] - dt.timedelta(days=2))),
    Mistake("rect.done-without-date", RECTS, "G06-2", "完成日期", "已完成但无完成日期",
            put(完成日期=None)),
    # its secretary is graded 好
    Mistake("rect.deadline-missing", RECTS, "G07-4", "整改时限", "没有整改时限", put(整改时限=None)),
    # made so: the 党总支 graded all its branch secretaries 好
    Mistake("grade.distribution", GRADES, None, "综合评价等次", "教师发展中心党总支全部评为好"),
    Mistake("schema.bad-date", GRADES, "G08-3", "反馈日期", "日期写错（1月32日）",
            put(反馈日期="2024年1月32日")),
    Mistake("rect.overdue", RECTS, "G08-1 领导点评", "整改时限", "整改逾期未完成",
            put(整改状态="整改中", 完成日期=None)),
    # made so: 差 is flagged for 追责问责 review (a warning the notice asks for)
    Mistake("grade.accountability", GRADES, "G08-1", "综合评价等次", "评为差，需研判追责问责"),
    Mistake("meeting.observer-missing", MEETINGS, "M04", "列席人员", "党支部书记述职会无组织部人员列席",
            put(列席人员="")),
    Mistake("approval.approver", SUBS, "G03-3", "审定人", "党支部书记报告由院领导审定",
            lambda t, s: s.update(审定人="院领导 " + t.leaders[0])),
    # recorded, one info, no errors
    Mistake("org.vacant", S.ORGS, "G01-9", "书记空缺原因", "党支部书记空缺（已注明原因）",
            _vacant_branch),
    # more ballots than the 46 people at the 党委's meeting
    Mistake("grade.ballots-exceed", GRADES, "G05", "测评好票", "测评票数多于述职会实到人数",
            lambda t, g: g.update(测评好票=46 - g["测评较好票"] - g["测评一般票"] - g["测评差票"] + 9)),
    Mistake("grade.ballots-diverge", GRADES, "G04-1", "综合评价等次", "评为一般，但多数测评票为好",
            put(测评好票=18, 测评较好票=4, 测评一般票=2, 测评差票=0)),
    # 现场测评 on paper: a meeting with ballots but no 实到人数, one whose 实到人数 is not its 共N人
    Mistake("meeting.attendance-missing", MEETINGS, "M08", "实到人数",
            "有现场测评票的述职会没有填写实到人数", put(实到人数=None)),
    Mistake("meeting.attendance-diverge", MEETINGS, "M03", "实到人数",
            "实到人数与参会人员写的“共N人”不一致",
            lambda t, m: m.update(实到人数=int(m["实到人数"]) + 2)),
    # the deadline ledger and 公布
    Mistake("deadline.report-sent", SUBS, "G06", "报送组织部日期",
            "二级党组织书记述职会当天才报送述职报告", put(报送组织部日期=D(2024, 1, 16))),
    Mistake("deadline.committee-meeting", MEETINGS, "M00", "会议日期",
            "党委述职会开在2024年1月，晚于拟定的2023年底",
            _setting(ST.K_COMMITTEE_DEADLINE, "2023-12-31")),
    Mistake("deadline.annex2-received", S.ORGS, "G05", "附件2收到日期", "附件2晚于1月22日收到",
            put(附件2收到日期=D(2024, 1, 24))),
    Mistake("deadline.committee-review", S.SETTINGS, ST.K_REVIEW_DATE, "值", "党委审议晚于1月底",
            _setting(ST.K_REVIEW_DATE, "2024-02-02")),
    Mistake("meeting.unpublished", MEETINGS, "M07", "公布日期", "党支部书记述职报告会后未公布",
            put(公布日期=None, 公布范围="")),
    # issue 19's rules on their day: a letter never sent back (反馈 due 反馈约谈期限天数 after
    # the meeting), and a problem carried from last year not yet taken up at the meeting
    Mistake("grade.feedback-missing", GRADES, "G07-2", "反馈日期", "评定等次后没有向本人反馈",
            put(反馈日期=None)),
    Mistake("rect.carried-untouched", RECTS, "R900-1", "整改状态",
            "上年度问题到述职会时仍未开始整改", _carried_from_last_year),
    Mistake("rect.overdue", RECTS, "R900-1", "整改时限", "转入的上年度问题逾期未完成"),
    # in the figures import-reports typed, once the reports are written
    Mistake("report.stale-figures", SUBS, "G09", "字数", "表中字数与报告文件不一致",
            lambda t, s: s.update(字数=int(s["字数"]) - 120), after_reports=True),
    Mistake("report.absent", SUBS, "G02-3", "报告文件",
            "报告只在报送邮件中，尚未导入（import-reports 主表 述职报告/）", _only_mailed,
            after_reports=True),
    Mistake("deadline.branch-report-sent", SUBS, "G04-2", "报送组织部日期",
            "党支部书记报告晚于设置的报送截止日期", put(报送组织部日期=D(2024, 1, 24)),
            after_reports=True),
)
# fmt: on


def plant_mistakes(t: _Tables, after_reports: bool = False) -> None:
    """Plant the mistakes of MISTAKES due at this stage, each listed with where it is."""
    for m in MISTAKES:
        if m.after_reports != after_reports:
            continue
        if m.edit is not None:
            m.edit(t, t.find(m.sheet, m.at))
        t.planted.append(
            Planted(m.code, m.sheet.name, t.excel_row(m.sheet, m.at), m.column, m.what)
        )
