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

SOURCES = ("自身查摆", "领导点评", "考核反馈", "上年度问题", "巡视巡察")
STATUS_DONE = "已完成"
STATUSES = ("未开始", "整改中", "已完成")

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
        Column("备注", Kind.TEXT, False, width=30),
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
        Column("问题来源", Kind.CHOICE, False, SOURCES, width=12),
        Column("存在问题", Kind.TEXT, True, width=40),
        Column("整改措施", Kind.TEXT, False, width=40),
        Column("整改时限", Kind.DATE, False, width=12),
        Column("责任人", Kind.NAME, False, width=10),
        Column("整改状态", Kind.CHOICE, False, STATUSES, width=10),
        Column("完成日期", Kind.DATE, False, width=12),
        Column("核验情况", Kind.TEXT, False, width=24),
    ),
)

DATA_SHEETS: tuple[Sheet, ...] = (ORGS, SUBMISSIONS, MEETINGS, GRADES_SHEET, RECTIFICATIONS)
ALL_SHEETS: tuple[Sheet, ...] = (SETTINGS, *DATA_SHEETS)
SHEETS_BY_KEY = {s.key: s for s in ALL_SHEETS}
SHEETS_BY_NAME = {s.name: s for s in ALL_SHEETS}

RESULTS_SHEET = "校验结果"
BUILD_NAME = (
    "ANNEX_BUILD"  # defined name set by build-workbook: "annex-tools version|xlwings version"
)
GUIDE_SHEET = "说明"
LISTS_SHEET = "列表"

# ---- settings ----------------------------------------------------------------------------

K_YEAR = "年度"
K_INSTITUTE = "单位名称"
K_MIN_SHARE = "较好及以下最低比例"
K_ROUNDING = "比例计算取整"
K_MIN_BODY = "比例适用最少人数"
K_LIMIT_SECOND = "二级党组织书记报告字数上限"
K_LIMIT_BRANCH = "党支部书记报告字数上限"
K_DUTIES_MAX = "履职情况占比上限"
K_PROBLEMS_MIN = "存在问题占比下限"
K_NOTICE_DAYS = "会议报备提前天数"
K_BRANCH_DEADLINE = "党支部述职完成截止日期"
K_REPORT_DEADLINE = "党委审议上报截止日期"
K_EXEMPT = "免填附件2组织"
# 公文 elements of the summary report (GB/T 9704-2012); empty ones are left out of the document
K_REPORT_DATE = "报告日期"
K_ISSUER_MARK = "发文机关标志"
K_DOC_NUMBER = "发文字号"
K_SIGNER = "签发人"
K_ADDRESSEE = "主送机关"
K_COPY_TO = "抄送机关"
K_PRINTER = "印发机关"
K_PRINT_DATE = "印发日期"

ROUND_UP = "向上取整"
ROUND_HALF_UP = "四舍五入"
ROUNDINGS = (ROUND_UP, ROUND_HALF_UP)

# (key, default as typed on the sheet, explanation)
SETTING_ROWS: tuple[tuple[str, str, str], ...] = (
    (K_YEAR, "2023", "考核年度；标题和文件名都使用它"),
    (K_INSTITUTE, "中共示例学院委员会", "学院党委全称"),
    (
        K_MIN_SHARE,
        "15%",
        "同一评议主体评定的书记中，“较好”及以下等次的最低占比（通知：应占一定比例）",
    ),
    (K_ROUNDING, ROUND_UP, "最低人数的取整方式：向上取整 或 四舍五入"),
    (K_MIN_BODY, "5", "评议人数少于此数的评议主体，比例不足只作提醒（警告），不作错误"),
    (K_LIMIT_SECOND, "1500", "通知：二级党组织书记述职报告严格控制在1500字以内"),
    (K_LIMIT_BRANCH, "1000", "通知：在职党支部书记述职报告字数控制在1000字以内"),
    (K_DUTIES_MAX, "50%", "通知：履职主要情况部分不超过50%"),
    (K_PROBLEMS_MIN, "30%", "通知：问题部分不少于30%"),
    (K_NOTICE_DAYS, "3", "通知：党支部书记述职相关安排需提前三天报党委组织部"),
    (K_BRANCH_DEADLINE, "2024-01-22", "通知：在职党支部书记述职评议考核于此日前基本完成"),
    (K_REPORT_DEADLINE, "2024-01-31", "通知：党委审议并向市委教育工委上报的截止日期"),
    (K_EXEMPT, "安保后勤直属党支部；学术资源部直属党支部", "不需填写附件2的组织，用“；”或“,”分隔"),
    (K_REPORT_DATE, "", "汇总报告的成文日期（落款）；整改完成数等按此日期统计。空着时用生成当天"),
    (K_ISSUER_MARK, "", "汇总报告的发文机关标志（红色），如“中共示例学院委员会文件”；空着不印"),
    (K_DOC_NUMBER, "", "发文字号，如“示院党〔2024〕3号”；空着不印"),
    (K_SIGNER, "", "签发人姓名（上行文标注）；空着不印"),
    (K_ADDRESSEE, "市委教育工委", "汇总报告的主送机关"),
    (K_COPY_TO, "", "版记中的抄送机关，如“市委组织部”；空着不印"),
    (K_PRINTER, "", "版记中的印发机关，如“中共示例学院委员会办公室”；与印发日期都空着时不印版记"),
    (K_PRINT_DATE, "", "版记中的印发日期"),
)
SETTING_DEFAULTS = {k: v for k, v, _ in SETTING_ROWS}

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
