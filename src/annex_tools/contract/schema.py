"""The master workbook's contract in one place (shared/spec/workbook.md).

Sheet names, header texts, value lists and settings keys live here and nowhere else:
the builder, the reader, the rules and the documents all import them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    NAME = "name"  # a person's name: compared after NFKC and with all spaces removed
    ID = "id"  # an identifier: compared after NFKC, spaces stripped
    DATE = "date"
    COUNT = "count"  # a non-negative whole number
    SHARE = "share"  # a fraction 0..1, typed as 0.45, 45% or 45
    CHOICE = "choice"


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    width: int = 14
    # Added after masters were in use: a master without this column is read as if it were
    # empty, with no finding (the builder writes it into every new master).
    may_be_absent: bool = False
    # a DATE that may also be written as a month or year end in words (2024年3月底): 整改时限
    deadline: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    key: str  # English identifier used in code
    columns: tuple[Column, ...]
    id_column: str | None = None
    table_name: str = ""
    tab_color: str = "1F4E79"
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def column(self, header: str) -> Column:
        for c in self.columns:
            if c.header == header:
                return c
        raise KeyError(header)


# ---- value lists -------------------------------------------------------------------------

ORG_PARTY_COMMITTEE = "党委"
ORG_GENERAL_BRANCH = "党总支"
ORG_DIRECT_BRANCH = "直属党支部"
ORG_STAFF_BRANCH = "在职党支部"
ORG_RETIRED_BRANCH = "离退休党支部"
ORG_STUDENT_BRANCH = "学生党支部"
ORG_TYPES = (
    ORG_PARTY_COMMITTEE,
    ORG_GENERAL_BRANCH,
    ORG_DIRECT_BRANCH,
    ORG_STAFF_BRANCH,
    ORG_RETIRED_BRANCH,
    ORG_STUDENT_BRANCH,
)
SECOND_LEVEL_TYPES = (ORG_GENERAL_BRANCH, ORG_DIRECT_BRANCH)  # 二级党组织

CAT_SECOND_LEVEL = "二级党组织书记"
CAT_BRANCH = "党支部书记"
CATEGORIES = (CAT_SECOND_LEVEL, CAT_BRANCH)

MODES = ("现场述职", "书面述职")

GRADE_GOOD = "好"
GRADES = ("好", "较好", "一般", "差")
GRADES_AT_MOST_FAIR = ("较好", "一般", "差")  # 较好或以下
GRADES_INTERVIEW = ("一般", "差")  # 约谈提醒、限期整改

APPRAISAL_EXCELLENT = "优秀"
APPRAISALS = ("优秀", "合格", "基本合格", "不合格", "称职", "基本称职", "不称职")

SOURCE_LAST_YEAR = "上年度问题"
SOURCES = ("自身查摆", "领导点评", "考核反馈", SOURCE_LAST_YEAR, "巡视巡察")
STATUS_DONE = "已完成"
STATUS_NOT_STARTED = "未开始"
STATUSES = (STATUS_NOT_STARTED, "整改中", "已完成")

# ---- sheets ------------------------------------------------------------------------------

SETTINGS = Sheet(
    name="设置",
    key="settings",
    table_name="tblSettings",
    columns=(
        Column("项目", Kind.TEXT, True, width=26),
        Column("值", Kind.TEXT, False, width=40),
        Column("说明", Kind.TEXT, False, width=60),
    ),
)

ORGS = Sheet(
    name="组织",
    key="orgs",
    table_name="tblOrgs",
    id_column="组织编号",
    columns=(
        Column("组织编号", Kind.ID, True, width=12),
        Column("组织名称", Kind.TEXT, True, width=28),
        Column("组织类型", Kind.CHOICE, True, ORG_TYPES, width=14),
        Column("上级组织编号", Kind.ID, False, width=14),
        Column("书记姓名", Kind.NAME, False, width=12),
        Column("书记工号", Kind.ID, False, width=12),
        Column("书记空缺原因", Kind.TEXT, False, width=24, may_be_absent=True),
        Column("备注", Kind.TEXT, False, width=30),
        # the deadline ledger: the day the 组织部 received this 二级党组织's Annex 2 (import-returns)
        Column("附件2收到日期", Kind.DATE, False, width=14, may_be_absent=True),
    ),
)

SUBMISSIONS = Sheet(
    name="述职",
    key="subs",
    table_name="tblSubmissions",
    id_column="述职编号",
    columns=(
        Column("述职编号", Kind.ID, True, width=12),
        Column("组织编号", Kind.ID, True, width=12),
        Column("书记姓名", Kind.NAME, True, width=12),
        Column("书记工号", Kind.ID, False, width=12, may_be_absent=True),
        Column("述职类别", Kind.CHOICE, True, CATEGORIES, width=16),
        Column("述职方式", Kind.CHOICE, True, MODES, width=12),
        Column("报告文件", Kind.TEXT, False, width=36),
        Column("字数", Kind.COUNT, False, width=8),
        Column("履职情况占比", Kind.SHARE, False, width=13),
        Column("存在问题占比", Kind.SHARE, False, width=13),
        Column("工作思路占比", Kind.SHARE, False, width=13),
        Column("讨论日期", Kind.DATE, False, width=12),
        Column("审定日期", Kind.DATE, False, width=12),
        Column("审定人", Kind.TEXT, False, width=14),
        Column("会议编号", Kind.ID, False, width=12),
        # written by `new --from`: last year's grade and 年度考核 of the same person, for reference
        Column("上年度评价", Kind.TEXT, False, width=22, may_be_absent=True),
        # the deadline ledger: the day a 二级党组织书记's report reached the 党委组织部
        Column("报送组织部日期", Kind.DATE, False, width=14, may_be_absent=True),
    ),
)

MEETINGS = Sheet(
    name="会议",
    key="meetings",
    table_name="tblMeetings",
    id_column="会议编号",
    columns=(
        Column("会议编号", Kind.ID, True, width=12),
        Column("主办组织编号", Kind.ID, True, width=14),
        Column("会议日期", Kind.DATE, True, width=12),
        Column("会议地点", Kind.TEXT, False, width=20),
        Column("参会人员", Kind.TEXT, False, width=40),
        Column("报备日期", Kind.DATE, False, width=12),
        Column("列席人员", Kind.TEXT, False, width=20),
        # notice 三、4: 述职报告在一定范围内公布 — where and when
        Column("公布范围", Kind.TEXT, False, width=20, may_be_absent=True),
        Column("公布日期", Kind.DATE, False, width=12, may_be_absent=True),
        Column("实到人数", Kind.COUNT, False, width=10, may_be_absent=True),
        # the decision that fixed the grades of those who reported at this meeting (the 党委常委会
        # for the 党委's meeting, the host's 委员会 for a 党总支's): its day and its minutes
        Column("定等次会议日期", Kind.DATE, False, width=14, may_be_absent=True),
        Column("定等次会议纪要", Kind.TEXT, False, width=28, may_be_absent=True),
    ),
)

GRADES_SHEET = Sheet(
    name="评议",
    key="grades",
    table_name="tblGrades",
    id_column="述职编号",
    columns=(
        Column("述职编号", Kind.ID, True, width=12),
        Column("测评好票", Kind.COUNT, False, width=10),
        Column("测评较好票", Kind.COUNT, False, width=11),
        Column("测评一般票", Kind.COUNT, False, width=11),
        Column("测评差票", Kind.COUNT, False, width=10),
        Column("综合评价等次", Kind.CHOICE, False, GRADES, width=13),
        Column("主要成绩", Kind.TEXT, False, width=36),
        Column("不足之处", Kind.TEXT, False, width=36),
        Column("年度考核等次", Kind.CHOICE, False, APPRAISALS, width=13),
        Column("约谈提醒日期", Kind.DATE, False, width=13),
        Column("反馈日期", Kind.DATE, False, width=12),
        # who held the 约谈提醒 of a 一般/差 secretary (printed on the 约谈记录, `interviews`)
        Column("约谈人", Kind.TEXT, False, width=14, may_be_absent=True),
    ),
)

RECTIFICATIONS = Sheet(
    name="整改",
    key="rects",
    table_name="tblRectifications",
    id_column="整改编号",
    columns=(
        Column("整改编号", Kind.ID, True, width=12),
        Column("述职编号", Kind.ID, True, width=12),
        # a problem carried from last year by `new --from`: last year's 整改编号
        Column("原整改编号", Kind.ID, False, width=12, may_be_absent=True),
        Column("问题来源", Kind.CHOICE, False, SOURCES, width=12),
        Column("存在问题", Kind.TEXT, True, width=40),
        Column("整改措施", Kind.TEXT, False, width=40),
        Column("整改时限", Kind.DATE, False, width=12, deadline=True),
        Column("责任人", Kind.NAME, False, width=10),
        Column("整改状态", Kind.CHOICE, False, STATUSES, width=10),
        Column("完成日期", Kind.DATE, False, width=12),
        Column("核验情况", Kind.TEXT, False, width=24),
        # a problem carried from last year (问题来源 上年度问题): how it stood last year
        Column("上年度情况", Kind.TEXT, False, width=40, may_be_absent=True),
        # what the body reports on the item (整改进展表, `import-rectifications`): done, evidence
        Column("进展说明", Kind.TEXT, False, width=40, may_be_absent=True),
    ),
)

DATA_SHEETS: tuple[Sheet, ...] = (ORGS, SUBMISSIONS, MEETINGS, GRADES_SHEET, RECTIFICATIONS)
ALL_SHEETS: tuple[Sheet, ...] = (SETTINGS, *DATA_SHEETS)
SHEETS_BY_KEY = {s.key: s for s in ALL_SHEETS}
SHEETS_BY_NAME = {s.name: s for s in ALL_SHEETS}

RESULTS_SHEET = "校验结果"
# the summary report's own words, one row per part (部分, 内容); the build makes it, documents read it
NARRATIVE_SHEET = "报告正文"
NARRATIVE_KEYS = ("主要做法和成效", "存在的问题", "下一步工作")
BUILD_NAME = (
    "ANNEX_BUILD"  # defined name set by build-workbook: "annex-tools version|xlwings version"
)
# the 工作进度 workbook (progress): the headers of its list of open items, one row per item
PROGRESS_HEADERS = ("组织", "事项", "对象", "期限", "状态", "主表位置")

GUIDE_SHEET = "说明"
LISTS_SHEET = "列表"

# ---- settings ----------------------------------------------------------------------------
# The settings themselves (keys, defaults, parsing) are declared in contract/settings.py.

ROUND_UP = "向上取整"
ROUND_HALF_UP = "四舍五入"
ROUNDINGS = (ROUND_UP, ROUND_HALF_UP)
DAYS_CALENDAR = "自然日"
DAYS_WORKING = "工作日"
DAY_COUNTS = (DAYS_CALENDAR, DAYS_WORKING)

# Defined names that hold the value lists for data validation (ASCII names, Chinese values).
LISTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("lst_org_type", ORG_TYPES),
    ("lst_category", CATEGORIES),
    ("lst_mode", MODES),
    ("lst_grade", GRADES),
    ("lst_appraisal", APPRAISALS),
    ("lst_source", SOURCES),
    ("lst_status", STATUSES),
    ("lst_rounding", ROUNDINGS),
)
LIST_NAME_FOR_CHOICES = {values: name for name, values in LISTS}
