"""The notice as data: the one declared table of settings.

Each row says the key staff see on the 设置 sheet, the `Settings` attribute it fills, its
default as typed on the sheet, the notice sentence it comes from, and how it is parsed. The
设置 sheet the builder writes, the defaults, the reader's parsing and the `Settings` object
are all derived from `TABLE`; next year's notice is a new 设置 sheet, not a code change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from annex_tools.contract import schema as S
from annex_tools.contract.text import BadValue, normalize, parse_count, parse_date, parse_share

# ---- how a value typed on the sheet is parsed ---------------------------------------------


def parse_whole(text: str) -> int:
    number = parse_count(text)
    if number is None or number < 0 or not float(number).is_integer():
        raise BadValue(text)
    return int(number)


def parse_fraction(text: str) -> float:
    number = parse_share(text)
    if number is None or not 0 <= number <= 1:
        raise BadValue(text)
    return number


def parse_rounding(text: str) -> str:
    if normalize(text) not in S.ROUNDINGS:
        raise BadValue(text)
    return normalize(text)


def parse_day(text: str) -> dt.date:
    day = parse_date(text)
    if day is None:
        raise BadValue(text)
    return day


def parse_optional_day(text: str) -> dt.date | None:
    """A date, or None for an empty cell (the element is left out)."""
    return parse_day(text) if text else None


def parse_optional_text(text: str) -> str:
    return text


def parse_day_count(text: str) -> str:
    if normalize(text) not in S.DAY_COUNTS:
        raise BadValue(text)
    return normalize(text)


def parse_text(text: str) -> str:
    if not text:
        raise BadValue(text)
    return text


def parse_list(text: str) -> tuple[str, ...]:
    """Items separated by ；;，, (full- or half-width), each normalized; empty items dropped."""
    parts = text.replace("；", ";").replace("，", ",").replace(",", ";").split(";")
    return tuple(p for p in (normalize(x) for x in parts) if p)


@dataclass(frozen=True)
class Kind:
    parse: Callable[[str], Any]
    hint: str  # what a valid value looks like, for the message about a bad one
    date: bool = False
    empty_ok: bool = False  # an empty cell is a value (an empty list), not "keep the default"


WHOLE = Kind(parse_whole, "不小于 0 的整数")
FRACTION = Kind(parse_fraction, "0%～100% 的比例，如 {default}")
ROUNDING = Kind(parse_rounding, "、".join(S.ROUNDINGS))
DAY_COUNT = Kind(parse_day_count, "、".join(S.DAY_COUNTS))
DATE = Kind(parse_day, "", date=True)
TEXT = Kind(parse_text, "")
LIST = Kind(parse_list, "", empty_ok=True)
YEAR = Kind(parse_whole, "四位年份")
OPTIONAL_DATE = Kind(parse_optional_day, "", date=True)
OPTIONAL_TEXT = Kind(parse_optional_text, "")


@dataclass(frozen=True)
class Setting:
    key: str  # the 项目 on the 设置 sheet
    attr: str  # the Settings attribute
    default: str  # as typed on the sheet
    note: str  # the 说明 column: the notice sentence the value comes from
    kind: Kind

    def parse(self, text: str) -> Any:
        return self.kind.parse(text)


# ---- the table --------------------------------------------------------------------------

K_YEAR = "年度"
K_INSTITUTE = "单位名称"
K_MIN_SHARE = "较好及以下最低比例"
K_ROUNDING = "比例计算取整"
K_MIN_BODY = "比例适用最少人数"
K_LIMIT_SECOND = "二级党组织书记报告字数上限"
K_LIMIT_BRANCH = "党支部书记报告字数上限"
K_DUTIES_MAX = "履职情况占比上限"
K_PROBLEMS_MIN = "存在问题占比下限"
K_FILING_DAYS = "会议报备提前天数"
K_FILING_COUNT = "报备天数计法"
K_BRANCH_DEADLINE = "党支部述职完成截止日期"
K_REPORT_DEADLINE = "党委审议上报截止日期"
K_EXEMPT = "免填附件2组织"
K_MANDATORY = "必答事项"
K_MANDATORY_KEYS = "必答事项关键词"
K_LEADERS = "院领导名单"
K_WRITTEN_MAX = "书面述职比例上限"
K_SECOND_PARTICIPANTS = "二级述职会参会人员类别"
K_GOOD_VOTES_MIN = "好等次最低好票率"
K_WEAK_VOTES_MAX = "一般差等次最高好票率"
# 公文 elements of the summary report (GB/T 9704-2012); empty ones are left out of the document
K_REPORT_DATE = "报告日期"
K_ISSUER_MARK = "发文机关标志"
K_DOC_NUMBER = "发文字号"
K_SIGNER = "签发人"
K_ADDRESSEE = "主送机关"
K_COPY_TO = "抄送机关"
K_PRINTER = "印发机关"
K_PRINT_DATE = "印发日期"
K_VERIFY_DAYS = "整改核验宽限天数"
K_COMMITTEE_DEADLINE = "党委述职会截止日期"
K_SEND_DAYS = "述职报告报送提前天数"
K_BRANCH_SEND_DEADLINE = "党支部书记报告报送截止日期"
K_REVIEW_DATE = "党委审议日期"
K_PUBLISH_DAYS = "述职报告公布期限天数"
K_FEEDBACK_DAYS = "反馈约谈期限天数"
K_URGE_DAYS = "催报补报天数"
K_BULLETIN_SCOPE = "通报范围"
K_BULLETIN_DATE = "通报日期"
K_BULLETIN_NUMBER = "通报发文字号"
K_NOTE_CAP = "校验批注上限"

TABLE: tuple[Setting, ...] = (
    Setting(K_YEAR, "year", "2023", "考核年度；标题和文件名都使用它", YEAR),
    Setting(K_INSTITUTE, "institute", "中共示例学院委员会", "学院党委全称", TEXT),
    Setting(
        K_MIN_SHARE,
        "min_share",
        "15%",
        "同一评议主体评定的书记中，“较好”及以下等次的最低占比（通知：应占一定比例）",
        FRACTION,
    ),
    Setting(
        K_ROUNDING, "rounding", S.ROUND_UP, "最低人数的取整方式：向上取整 或 四舍五入", ROUNDING
    ),
    Setting(
        K_MIN_BODY,
        "min_body",
        "5",
        "评议人数少于此数的评议主体，比例不足只作提醒（警告），不作错误",
        WHOLE,
    ),
    Setting(
        K_LIMIT_SECOND,
        "limit_second",
        "1500",
        "通知：二级党组织书记述职报告严格控制在1500字以内",
        WHOLE,
    ),
    Setting(
        K_LIMIT_BRANCH,
        "limit_branch",
        "1000",
        "通知：在职党支部书记述职报告字数控制在1000字以内",
        WHOLE,
    ),
    Setting(K_DUTIES_MAX, "duties_max", "50%", "通知：履职主要情况部分不超过50%", FRACTION),
    Setting(K_PROBLEMS_MIN, "problems_min", "30%", "通知：问题部分不少于30%", FRACTION),
    Setting(
        K_FILING_DAYS,
        "filing_days",
        "3",
        "通知：党支部书记述职相关安排需提前三天报党委组织部",
        WHOLE,
    ),
    Setting(
        K_FILING_COUNT,
        "filing_count",
        S.DAYS_CALENDAR,
        "“提前三天”按自然日 或 工作日计算。工作日按国务院办公厅公布的节假日安排（含调休上班日），"
        "从报备当天数到会议前一天",
        DAY_COUNT,
    ),
    Setting(
        K_BRANCH_DEADLINE,
        "branch_deadline",
        "2024-01-22",
        "通知：在职党支部书记述职评议考核于此日前基本完成",
        DATE,
    ),
    Setting(
        K_REPORT_DEADLINE,
        "report_deadline",
        "2024-01-31",
        "通知：党委审议并向市委教育工委上报的截止日期；附件1的落款年月取自此日期",
        DATE,
    ),
    Setting(
        K_COMMITTEE_DEADLINE,
        "committee_deadline",
        "",
        "通知：学院拟于本年度年底召开二级党组织书记抓基层党建述职评议考核会，会议通知另发。"
        "填党委确定的最晚日期（如本年度的12月31日）；空着不校验",
        OPTIONAL_DATE,
    ),
    Setting(
        K_SEND_DAYS,
        "send_days",
        "1",
        "通知：二级党组织书记需提前将述职报告发送至党委组织部邮箱。“报送组织部日期”须至少早于党委述职会此天数",
        WHOLE,
    ),
    Setting(
        K_BRANCH_SEND_DEADLINE,
        "branch_send_deadline",
        "",
        "在职党支部书记的述职报告（经所在二级党组织审定）发送至党委组织部的最晚日期，通知未写明，由党委组织部确定；"
        "填写后，“报送组织部日期”晚于此日、或此日已过仍为空的报错。空着时不查报送日期，只在本人述职会当天仍没有报告时报错",
        OPTIONAL_DATE,
    ),
    Setting(
        K_REVIEW_DATE,
        "review_date",
        "",
        "通知：党委审议上报截止日期前，学院党委审议述职评议考核工作开展情况的相关议题。填党委实际审议的日期，"
        "须不晚于该截止日期",
        OPTIONAL_DATE,
    ),
    Setting(
        K_EXEMPT,
        "exempt",
        "安保后勤直属党支部；学术资源部直属党支部",
        "不需填写附件2的组织，用“；”或“,”分隔",
        LIST,
    ),
    Setting(
        K_MANDATORY,
        "mandatory_item",
        "以高质量党建引领高质量发展",
        "通知：二级党组织书记述职的必答内容（提示和校验信息中引用）",
        TEXT,
    ),
    Setting(
        K_MANDATORY_KEYS,
        "mandatory_keys",
        "高质量党建；高质量发展",
        "报告中须全部出现的关键词，用“；”分隔；都出现才算答了必答内容",
        LIST,
    ),
    Setting(
        K_LEADERS,
        "leaders",
        "",
        "通知：二级党组织书记的述职报告报院领导审定。审定人须是其中一位，用“；”分隔；"
        "空着时只要求审定人写明“院领导”",
        LIST,
    ),
    Setting(
        K_GOOD_VOTES_MIN,
        "good_votes_min",
        "50%",
        "通知：现场测评。评为“好”的书记，好票占测评票的比例低于此值时提醒核对等次或票数",
        FRACTION,
    ),
    Setting(
        K_WEAK_VOTES_MAX,
        "weak_votes_max",
        "50%",
        "通知：现场测评。评为“一般”或“差”的书记，好票占测评票的比例高于此值（多数票为好）时提醒",
        FRACTION,
    ),
    Setting(
        K_WRITTEN_MAX,
        "written_max",
        "30%",
        "通知：采取“一述一评”的方式。一次述职会上书面述职的人数占比超过此值时提醒"
        "（人数少于“比例适用最少人数”的会议不提醒）",
        FRACTION,
    ),
    Setting(
        K_SECOND_PARTICIPANTS,
        "second_participants",
        "领导小组；两代表一委员；群众代表",
        "通知：学院党建工作领导小组成员、“两代表一委员”和党员干部群众代表参加二级党组织书记述职会。"
        "党委述职会的参会人员须写到每一类（按这些词查找），用“；”分隔",
        LIST,
    ),
    Setting(
        K_PUBLISH_DAYS,
        "publish_days",
        "30",
        "通知：述职评议后，应将述职报告在一定范围内公布。会议开过此天数后仍未填“公布日期”时提醒（警告）",
        WHOLE,
    ),
    Setting(
        K_FEEDBACK_DAYS,
        "feedback_days",
        "30",
        "通知：评价意见及等次要向本人反馈；对“一般”和“差”的要约谈提醒。述职会开过此天数后仍未填写"
        "反馈日期（或约谈提醒日期）时提示；此前只列为待办",
        WHOLE,
    ),
    Setting(
        K_URGE_DAYS,
        "urge_days",
        "3",
        "工作进度的催报通知要求逾期事项在此天数内完成并报送党委组织部（从生成当天算起）",
        WHOLE,
    ),
    Setting(
        K_BULLETIN_SCOPE,
        "bulletin_scope",
        "各党总支、直属党支部",
        "通知：评价意见及等次要……在一定范围内通报。等次通报的发送范围（主送）",
        TEXT,
    ),
    Setting(
        K_BULLETIN_DATE,
        "bulletin_date",
        "",
        "等次通报的成文日期；空着时不能生成正式通报（只能生成草稿）",
        OPTIONAL_DATE,
    ),
    Setting(
        K_BULLETIN_NUMBER,
        "bulletin_number",
        "",
        "等次通报的发文字号，如“示院党〔2024〕4号”；空着不印",
        OPTIONAL_TEXT,
    ),
    Setting(
        K_REPORT_DATE,
        "report_date",
        "",
        "汇总报告的成文日期（落款）；整改完成数等按此日期统计。空着时不能生成正式报告（只能生成草稿）",
        OPTIONAL_DATE,
    ),
    Setting(
        K_ISSUER_MARK,
        "issuer_mark",
        "",
        "汇总报告的发文机关标志（红色），如“中共示例学院委员会文件”；空着不印",
        OPTIONAL_TEXT,
    ),
    Setting(
        K_DOC_NUMBER, "doc_number", "", "发文字号，如“示院党〔2024〕3号”；空着不印", OPTIONAL_TEXT
    ),
    Setting(K_SIGNER, "signer", "", "签发人姓名（上行文标注）；空着不印", OPTIONAL_TEXT),
    Setting(K_ADDRESSEE, "addressee", "市委教育工委", "汇总报告的主送机关", TEXT),
    Setting(K_COPY_TO, "copy_to", "", "版记中的抄送机关，如“市委组织部”；空着不印", OPTIONAL_TEXT),
    Setting(
        K_PRINTER,
        "printer",
        "",
        "版记中的印发机关，如“中共示例学院委员会办公室”；与印发日期都空着时不印版记",
        OPTIONAL_TEXT,
    ),
    Setting(K_PRINT_DATE, "print_date", "", "版记中的印发日期", OPTIONAL_DATE),
    Setting(
        K_VERIFY_DAYS,
        "verify_days",
        "30",
        "整改标为“已完成”后，须在此天数内由党委巡察办公室填写核验情况，否则提示（警告）",
        WHOLE,
    ),
    Setting(
        K_NOTE_CAP,
        "note_cap",
        "100",
        "全面校验最多给多少个出错单元格加批注（错误优先；每个批注要 Excel 单独处理一次，"
        "问题很多时会慢）。其余单元格只标色；全部问题都列在“校验结果”表",
        WHOLE,
    ),
)
BY_KEY: dict[str, Setting] = {s.key: s for s in TABLE}
BY_ATTR: dict[str, Setting] = {s.attr: s for s in TABLE}

# (key, default as typed on the sheet, explanation): the 设置 sheet's rows
SETTING_ROWS: tuple[tuple[str, str, str], ...] = tuple((s.key, s.default, s.note) for s in TABLE)
SETTING_DEFAULTS = {s.key: s.default for s in TABLE}


def default(attr: str) -> Any:
    """The parsed default of one setting, from the table."""
    return BY_ATTR[attr].parse(BY_ATTR[attr].default)


def _default(attr: str) -> Any:
    return field(default_factory=lambda: default(attr))


@dataclass
class Settings:
    """The values in force, typed. Defaults come from TABLE (no second copy here)."""

    year: int = _default("year")
    institute: str = _default("institute")
    min_share: float = _default("min_share")
    rounding: str = _default("rounding")
    min_body: int = _default("min_body")
    leaders: tuple[str, ...] = _default("leaders")
    written_max: float = _default("written_max")
    good_votes_min: float = _default("good_votes_min")
    weak_votes_max: float = _default("weak_votes_max")
    second_participants: tuple[str, ...] = _default("second_participants")
    limit_second: int = _default("limit_second")
    limit_branch: int = _default("limit_branch")
    duties_max: float = _default("duties_max")
    problems_min: float = _default("problems_min")
    filing_days: int = _default("filing_days")
    filing_count: str = _default("filing_count")
    branch_deadline: dt.date = _default("branch_deadline")
    report_deadline: dt.date = _default("report_deadline")
    exempt: tuple[str, ...] = _default("exempt")
    mandatory_item: str = _default("mandatory_item")
    mandatory_keys: tuple[str, ...] = _default("mandatory_keys")
    report_date: dt.date | None = _default("report_date")
    issuer_mark: str = _default("issuer_mark")
    doc_number: str = _default("doc_number")
    signer: str = _default("signer")
    addressee: str = _default("addressee")
    copy_to: str = _default("copy_to")
    printer: str = _default("printer")
    print_date: dt.date | None = _default("print_date")
    verify_days: int = _default("verify_days")
    committee_deadline: dt.date | None = _default("committee_deadline")
    send_days: int = _default("send_days")
    branch_send_deadline: dt.date | None = _default("branch_send_deadline")
    review_date: dt.date | None = _default("review_date")
    publish_days: int = _default("publish_days")
    feedback_days: int = _default("feedback_days")
    urge_days: int = _default("urge_days")
    bulletin_scope: str = _default("bulletin_scope")
    bulletin_date: dt.date | None = _default("bulletin_date")
    bulletin_number: str = _default("bulletin_number")
    note_cap: int = _default("note_cap")

    def word_limit(self, category: str) -> int:
        return self.limit_second if category == S.CAT_SECOND_LEVEL else self.limit_branch


assert {f.name for f in fields(Settings)} == set(BY_ATTR), "Settings and TABLE disagree"


@dataclass(frozen=True)
class BadSetting:
    key: str
    row: int
    text: str
    hint: str
    date: bool


def parse_settings(values: Mapping[str, tuple[str, int]]) -> tuple[Settings, list[BadSetting]]:
    """Settings from the sheet's (key -> (text, Excel row)); a missing or empty value keeps its
    default (an empty list is a value), a bad one is reported and keeps its default."""
    st = Settings()
    bad: list[BadSetting] = []
    for s in TABLE:
        if s.key not in values:
            continue
        text, row = values[s.key]
        if text == "" and not s.kind.empty_ok:
            continue
        try:
            setattr(st, s.attr, s.parse(text))
        except (BadValue, ValueError):
            hint = s.kind.hint.format(default=s.default)
            bad.append(BadSetting(s.key, row, text, hint, s.kind.date))
    return st, bad
