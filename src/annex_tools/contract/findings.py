"""Findings and the one catalog of their codes, severities and Chinese messages.

A rule gives a finding its parameters as data (who, the limit, the actual value, dates);
the catalog's template renders them. Format specs beyond Python's own: `{x:pct}` shows a
share as 45% or 45.5%, `{x:date}` a date as 2024年1月22日, `{x:by}` a deadline in the notice's
words (2023年底, 2024年1月底; contract.text.format_by); an empty value shows as （空）. Words that
change with the year (the notice's dates) come from the parameters (设置), never the templates.
`--json` carries the parameters under "params" (dates as YYYY-MM-DD, shares as fractions).
"""

from __future__ import annotations

import datetime as dt
import json
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from annex_tools.contract.text import format_by, format_date


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


Param = str | int | float | bool | None


def _empty(value: object) -> bool:
    try:
        return value is None or bool(value != value)  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):
        return False


def _as_date(value: object) -> dt.date | None:
    if _empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def pct(value: float) -> str:
    """A share as people write it: 45%, 45.5%."""
    return f"{value * 100:.1f}%".replace(".0%", "%")


def show_date(value: object) -> str:
    """A date (or pandas Timestamp / NaT) as 2024年1月22日; an empty cell as （空）."""
    day = _as_date(value)
    return format_date(day) if day else "（空）"


def _show_by(value: object) -> str:
    day = _as_date(value)
    return format_by(day) if day else "（空）"


_CUSTOM_SPECS: dict[str, Callable[[Any], str]] = {
    "pct": lambda value: "（空）" if _empty(value) else pct(float(value)),
    "date": show_date,
    "by": _show_by,
}


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        shown = _CUSTOM_SPECS.get(format_spec)
        if shown is not None:
            return shown(value)
        return str(super().format_field(value, format_spec))


_FORMATTER = _Formatter()


def param(value: object) -> Param:
    """A parameter as JSON carries it: dates as YYYY-MM-DD, numbers as numbers, empty as null."""
    kind = type(value)
    if kind is str or kind is int or kind is bool:  # the common cases, first
        return value  # type: ignore[return-value]
    if _empty(value):
        return None
    if isinstance(value, dt.date):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    if isinstance(value, bool | int | float | str):
        return value
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        plain = item()
        if isinstance(plain, bool | int | float | str):
            return plain
    return str(value)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place. Its parameters are kept as the names (one tuple shared by every
    finding of a kind) and the values: a broken master has hundreds of thousands of findings."""

    code: str
    severity: Severity
    sheet: str | None
    row: int | None
    column: str | None
    message: str
    names: tuple[str, ...] = ()
    values: tuple[Param, ...] = ()

    @property
    def params(self) -> tuple[tuple[str, Param], ...]:
        """The parameters as (name, value) pairs, in the order the rule gave them."""
        return tuple(zip(self.names, self.values, strict=True))

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "params": dict(self.params),
        }

    @property
    def place(self) -> tuple[str, str | None, int | None, str | None]:
        return (self.code, self.sheet, self.row, self.column)

    def sort_key(self) -> tuple[int, str, int, str, str]:
        return (
            _ORDER[self.severity],
            self.sheet or "",
            self.row or 0,
            self.column or "",
            self.code,
        )


E, W = Severity.ERROR, Severity.WARNING

# code -> (default severity, message template). Templates take keyword arguments; each
# message names who or what, what is wrong, and what the rule says.
# Why a 述职 row's name and 工号 cannot be trusted together: the rule's message and the archive's
# reason for not filing both say it in these words.
IDENTITY_PROBLEMS = {
    "not-secretary-no-number": "述职人“{name}”不是“组织”表中的书记“{org_secretary}”，且“述职”表未填书记工号",
    "number-of-another": "书记工号“{staff_no}”在“组织”表中属于“{org_secretary}”，不是述职人“{name}”",
    "other-number": "述职人“{name}”在“组织”表中的书记工号是“{org_staff_no}”，“述职”表却填了“{staff_no}”",
    "shared-number": "书记工号“{staff_no}”在“述职”表中同时用于不同的人（{names}）",
}
_SEND_NOTE = "通知：二级党组织书记需提前将述职报告发送至党委组织部邮箱（至少在党委述职会{meeting_date:date}前{days}天）。"
_ANNEX2_NOTE = "通知：于{deadline:date}前基本完成，并将在职党支部书记述职评议考核工作结果和问题整改清单发送至党委组织部邮箱。"
_PUBLISH_NOTE = "通知：述职评议后，应将述职报告在一定范围内公布，接受基层党组织和党员群众监督。"
# The notice's words that several variants of one code end with.
_IDENTITY_ADVICE = "评价意见按书记工号归入本人干部人事档案，请核对“述职”表与“组织”表的书记姓名和书记工号；核对前不会归档。"
_NOTICE_DAYS = "。通知：在职党支部书记述职评议相关安排需提前{days}{unit}报党委组织部。"
_APPROVAL_ORDER = "通知：报告先经本级组织讨论，再报审定，审定须在述职会之前。"
_EXEMPT_NOTE = "通知附件2的注：指定的直属党支部不需填写附件2，其他二级党组织都要填写。"
_PARTICIPANTS_NOTE = "通知：学院党建工作领导小组成员、“两代表一委员”和党员干部群众代表参加二级党组织书记述职会；在职党支部书记述职会参加人员由二级党组织决定。"
_APPROVER_NOTE = "通知：二级党组织书记的述职报告通过本级党组织讨论后报院领导审定；在职党支部书记的述职报告报所在二级党组织审定。"

CATALOG: dict[str, tuple[Severity, str | dict[str, str]]] = {
    # data
    "schema.missing-sheet": (E, "缺少工作表“{sheet}”。主表必须包含：{expected}。"),
    "schema.missing-column": (
        E,
        "工作表“{sheet}”缺少列“{column}”（第1行为表头，按表头文字查找列）。",
    ),
    "schema.required": (E, "{who}：“{column}”不能为空。"),
    "schema.bad-value": (E, "{who}：“{column}”的值“{value}”不在可选范围内（可选：{choices}）。"),
    "schema.bad-date": (
        E,
        "{who}：“{column}”的值“{value}”不是日期。请输入日期，或按 2024-01-22、2024/1/22、2024.1.22、2024年1月22日 的形式填写。",
    ),
    "schema.bad-number": (E, "{who}：“{column}”的值“{value}”{problem}。"),
    "schema.duplicate-id": (E, "{column}“{value}”重复使用（第{first}行已使用）；编号必须唯一。"),
    "schema.unknown-reference": (E, "{who}：“{column}”填写的“{value}”在工作表“{target}”中不存在。"),
    "cell.control-char": (
        W,
        "{who}：“{column}”含有 Excel 无法保存的控制字符（{chars}），写出时已删除。请在单元格中删去这些不可见字符。",
    ),
    "org.structure": (
        E,
        {
            "no-root": "“组织”表中没有组织类型为“党委”的根组织（必须恰好一个）。",
            "two-roots": "{org}：“组织”表中有多个“党委”，根组织必须恰好一个（第{first}行已是党委）。",
            "second-level-parent": "{org}（{otype}）的上级组织是{parent}（{parent_type}）；二级党组织（党总支、直属党支部）应直属党委。",
            "branch-parent": "{org}（{otype}）的上级组织是{parent}（{parent_type}）；在职党支部应隶属于一个党总支。",
            "root-with-parent": "{org}是党委（根组织），不应填写上级组织编号。",
            "cycle": "{org}的上级组织链形成了循环（上级组织编号互相指向），请更正。",
        },
    ),
    "submission.missing": (
        E,
        "{org}（{otype}）没有述职记录。通知：二级党组织书记和在职党支部书记都要述职评议考核，请在“述职”表中添加书记{name}的述职。",
    ),
    "org.vacant": (
        Severity.INFO,
        "{org}（{otype}）书记空缺（{reason}），本年度不述职、不评议，不要求述职、会议和评议记录。书记到任后请删去“书记空缺原因”并填写书记姓名。",
    ),
    "submission.category": (
        E,
        "{who}：述职类别为“{value}”，但{org}的组织类型是“{otype}”，应为“{expected}”。",
    ),
    "submission.identity": (
        E,
        {
            **{k: f"{{who}}：{v}。{_IDENTITY_ADVICE}" for k, v in IDENTITY_PROBLEMS.items()},
            "changed": "{who}：述职人“{name}”不是“组织”表中的现任书记“{org_secretary}”。评价意见按书记工号归入本人干部人事档案，请核对“述职”表与“组织”表的书记姓名和书记工号（书记年内更换时如此填写是对的，请确认）。",
        },
    ),
    # reports
    "report.missing-file": (
        E,
        "{who}：报告文件“{value}”无法作为 Word 文档（.docx）打开：{reason}。",
    ),
    "report.absent": (
        E,
        {
            v: "{who}：到{due:date}（" + why + "）仍没有述职报告：“报告文件”和“字数”都是空的。"
            "请收齐报告后运行“导入述职报告”（import-reports，可直接读取保存的报送邮件）。"
            "通知：述职报告按附件1撰写，{category}不超过{limit}字。"
            for v, why in (
                ("second", "党委述职会前{days}天"),
                ("branch-setting", "设置“党支部书记报告报送截止日期”"),
                ("branch-meeting", "本人述职会当天"),
            )
        },
    ),
    "report.too-long": (E, "{who}：述职报告{words}字，超过{category}的字数上限{limit}字。"),
    "report.sections": (
        E,
        "{who}：述职报告中找不到{missing}部分。通知要求报告分为履职主要情况、问题、思路三部分（附件1：一、履职主要情况 二、存在的问题 三、下一步工作思路）。",
    ),
    "report.share-duties": (
        E,
        "{who}：履职主要情况部分占{share:pct}，超过上限{limit:pct}（通知：履职主要情况部分不超过{limit:pct}）。",
    ),
    "report.share-problems": (
        E,
        "{who}：存在的问题部分只占{share:pct}，低于下限{limit:pct}（通知：问题部分不少于{limit:pct}）。",
    ),
    "report.first-person": (W, "{who}：述职报告中没有出现“我”。通知要求以第一人称写，突出述“我”。"),
    "report.no-figures": (W, "{who}：述职报告中没有任何数字。通知要求注重用具体事例和数据说话。"),
    "report.mandatory-item": (
        W,
        "{who}：二级党组织书记述职报告未涉及必答内容“{item}”（通知第二部分第2项，必答）。",
    ),
    "report.stale-figures": (
        W,
        {
            "words": "{who}：表中“{column}”为{sheet_value}字，但报告文件现在给出{file_value}字；请重新导入述职报告。",
            "share": "{who}：表中“{column}”为{sheet_value:pct}，但报告文件现在给出{file_value:pct}；请重新导入述职报告。",
        },
    ),
    # process
    "approval.missing": (
        E,
        "{who}：述职会已于{meeting_date:date}召开，但“{column}”为空。通知：报告须先经讨论、再报审定。",
    ),
    "approval.order": (
        E,
        {
            "before-discussion": "{who}：审定日期{approved:date}早于讨论日期{discussed:date}。"
            + _APPROVAL_ORDER,
            "after-meeting": "{who}：审定日期{approved:date}晚于述职会日期{meeting_date:date}。"
            + _APPROVAL_ORDER,
        },
    ),
    "meeting.missing": (
        E,
        {
            "none": "{who}：没有填写述职会议编号，无法确认在哪次述职会上述职。",
            "wrong-host": "{who}：会议{meeting}由{host}主办，但{category}的述职会应由{expected}组织（通知：二级党组织书记述职由学院党委组织，在职党支部书记述职由所属党总支组织）。",
        },
    ),
    "meeting.notice-late": (
        E,
        {
            "short": "会议{meeting}（{host}，{meeting_date:date}）于{reported:date}报备，只提前了{lead}{unit}"
            + _NOTICE_DAYS,
            "same-day": "会议{meeting}（{host}，{meeting_date:date}）于{reported:date}报备，会议当天才报备"
            + _NOTICE_DAYS,
            "after": "会议{meeting}（{host}，{meeting_date:date}）于{reported:date}报备，会议开过{after}天后才报备"
            + _NOTICE_DAYS,
            "unreported": "会议{meeting}（{host}，{meeting_date:date}）没有报备日期（未报党委组织部）"
            + _NOTICE_DAYS,
        },
    ),
    "deadline.report-sent": (
        E,
        {
            "late": "{who}：述职报告于{sent:date}报送，应不晚于{due:date}。" + _SEND_NOTE,
            "missing": "{who}：没有报送组织部日期（应不晚于{due:date}报送）。" + _SEND_NOTE,
        },
    ),
    "deadline.branch-report-sent": (
        E,
        {
            "late": "{who}：述职报告于{sent:date}报送，晚于设置“党支部书记报告报送截止日期”{due:date}。",
            "missing": "{who}：没有报送组织部日期（设置“党支部书记报告报送截止日期”为{due:date}）。导入保存的报送邮件（import-reports）可自动填写。",
        },
    ),
    "deadline.committee-meeting": (
        W,
        "会议{meeting}（{host}）于{meeting_date:date}召开，晚于{deadline:date}。通知：学院拟于{deadline:by}召开二级党组织书记抓基层党建述职评议考核会。",
    ),
    "deadline.annex2-received": (
        E,
        {
            "late": "{org}：附件2于{received:date}收到，晚于{deadline:date}。" + _ANNEX2_NOTE,
            "missing": "{org}：已过{deadline:date}，还没有收到附件2的日期。" + _ANNEX2_NOTE,
        },
    ),
    "deadline.committee-review": (
        E,
        "设置“{key}”为{review:date}，晚于党委审议上报截止日期{deadline:date}。通知：{deadline:by}前，学院党委审议关于基层党建述职评议考核工作开展情况的相关议题。",
    ),
    "meeting.unpublished": (
        W,
        {
            "missing": "会议{meeting}（{host}，{meeting_date:date}）已开过{days}天以上，仍未填写述职报告的公布日期。"
            + _PUBLISH_NOTE,
            "late": "会议{meeting}（{host}，{meeting_date:date}）的述职报告于{published:date}公布，晚于会议后{days}天（{due:date}）。"
            + _PUBLISH_NOTE,
            "early": "会议{meeting}（{host}，{meeting_date:date}）的公布日期{published:date}早于会议日期。"
            + _PUBLISH_NOTE,
            "no-scope": "会议{meeting}（{host}，{meeting_date:date}）填了公布日期，但没有写公布范围。"
            + _PUBLISH_NOTE,
        },
    ),
    "meeting.workdays-unknown": (
        W,
        "会议{meeting}（{host}）的会议日期或报备日期{day:date}超出节假日日历覆盖的年份（{first}～{last}年），报备天数按自然日计算；请更新 chinesecalendar 或改用自然日。",
    ),
    "meeting.after-deadline": (
        E,
        "会议{meeting}（{host}）于{meeting_date:date}召开，晚于在职党支部书记述职评议考核的完成期限{deadline:date}。",
    ),
    "settings.exempt": (
        W,
        {
            "general-branch": "设置“{key}”中的“{name}”：它是党总支，不是直属党支部；列入后将不生成它的附件2。"
            + _EXEMPT_NOTE,
            "other-type": "设置“{key}”中的“{name}”：它是{otype}，不是直属党支部。" + _EXEMPT_NOTE,
        },
    ),
    "meeting.participants": (
        W,
        {
            "none": "会议{meeting}（{host}）没有填写参会人员。" + _PARTICIPANTS_NOTE,
            "groups-missing": "会议{meeting}（{host}）参会人员中没有写到：{missing}。"
            + _PARTICIPANTS_NOTE,
        },
    ),
    "meeting.observer-missing": (
        E,
        "会议{meeting}（{host}）没有填写列席人员。通知：在职党支部书记述职评议考核由所属二级党总支具体组织，党委组织部组织相关人员列席。",
    ),
    "meeting.written-share": (
        W,
        "会议{meeting}上{n}人述职，其中{written}人书面述职，占{share:pct}，超过设置的{cap:pct}。通知：采取“一述一评”的方式，逐一进行点评。",
    ),
    "approval.approver": (
        E,
        {
            "self": "{who}：审定人“{approver}”——审定人是述职人本人，不能自己审定自己的报告。"
            + _APPROVER_NOTE,
            "own-organization": "{who}：审定人“{approver}”——由本级党组织审定；通知要求报院领导审定。"
            + _APPROVER_NOTE,
            "not-leader-listed": "{who}：审定人“{approver}”——审定人不是院领导（设置“院领导名单”中没有此人）。"
            + _APPROVER_NOTE,
            "not-leader": "{who}：审定人“{approver}”——审定人不是院领导（请写明“院领导 姓名”）。"
            + _APPROVER_NOTE,
            "branch-by-leader": "{who}：审定人“{approver}”——由院领导审定；通知要求报所在二级党组织审定。"
            + _APPROVER_NOTE,
            "branch-not-parent": "{who}：审定人“{approver}”——审定人不是所在的二级党组织；通知要求报所在二级党组织审定。"
            + _APPROVER_NOTE,
        },
    ),
    # grades
    "grade.missing": (
        E,
        "{who}：述职会已于{meeting_date:date}召开，尚未评定综合评价等次（好、较好、一般、差）。",
    ),
    "grade.distribution": (
        E,
        "{body}评议{n}名{category}，“较好”及以下{k}名，占{share:pct}；按最低比例{ratio:pct}（{rounding}）至少应有{minimum}名。通知：评价为“较好”或以下等次的应占一定比例。",
    ),
    "grade.linkage-excellent": (
        E,
        "{who}：综合评价等次为“{grade}”，年度考核却为“优秀”。通知：综合评价等次未达到“好”的，其年度考核不得评定为“优秀”等次。",
    ),
    "grade.person-excellent": (
        E,
        "{who}：本行等次为“好”、年度考核为“优秀”，但同一人（工号{staff}）在{other}的综合评价等次为“{grade}”。按其最低等次，年度考核不得评定为“优秀”。",
    ),
    "grade.person-appraisal-differs": (
        E,
        "{who}：同一人（工号{staff}）的各行年度考核等次不一致（{values}）；一人只有一个年度考核等次。",
    ),
    "grade.interview-missing": (
        E,
        "{who}：综合评价等次为“{grade}”，但没有约谈提醒日期。通知：对“一般”和“差”的要约谈提醒、限期整改。",
    ),
    "grade.rectification-missing": (
        E,
        "{who}：综合评价等次为“{grade}”，但“整改”表中没有同时写明整改措施和整改时限的整改项。通知：要限期整改。",
    ),
    "grade.accountability": (
        W,
        "{who}：综合评价等次为“差”。通知：问题严重的要依照有关规定严肃追责问责，请研判。",
    ),
    "grade.opinion-incomplete": (
        E,
        "{who}：已评定等次，但“{column}”为空。通知：评价意见应肯定成绩，指出不足。",
    ),
    "grade.feedback-missing": (
        W,
        "{who}：已评定等次，但没有反馈日期。通知：评价意见及等次要向本人反馈。",
    ),
    "grade.decision-missing": (
        W,
        "{host}的会议{meeting}已评定等次，但没有记录确定等次的会议（定等次会议日期为空）；"
        "评价意见反馈、等次通报和约谈记录的正式稿要引用它，补上前只能生成草稿。",
    ),
    "grade.ballots": (
        E,
        {
            "not-whole": "{who}：“{column}”为{value}，票数应为不小于0的整数。",
            "partial": "{who}：测评票数只填了一部分，“{column}”为空；四项票数应全部填写或全部留空。",
        },
    ),
    "grade.ballots-exceed": (
        E,
        "{who}：测评票共{ballots}张（好{good}、较好{fair}、一般{average}、差{poor}），多于述职会{meeting}的实到人数{attendance}人。现场测评由到会人员投票，票数不能多于实到人数；请核对票数或“会议”表的实到人数。",
    ),
    "meeting.attendance-missing": (
        E,
        "会议{meeting}（{host}）有{secretaries}位书记的现场测评票（最多一位{most}张），但没有填写实到人数。票数是否多于到会人数、汇总报告中的测评票数是否可信都要靠它；请按签到表填写“会议”表的实到人数（或导入测评统计表：import-ballots）。",
    ),
    "meeting.attendance-diverge": (
        E,
        "会议{meeting}（{host}）的实到人数为{attendance}人，参会人员却写“共{stated}人”。汇总报告同时引用这两个数，请核对后改成一致。",
    ),
    "grade.ballots-diverge": (
        W,
        {
            "good-low": "{who}：综合评价等次为“好”，但好票率只有{share:pct}（好票{good}张，共{ballots}张），低于设置“好等次最低好票率”{limit:pct}。请核对等次或票数。",
            "weak-high": "{who}：综合评价等次为“{grade}”，但好票率为{share:pct}（好票{good}张，共{ballots}张），高于设置“一般差等次最高好票率”{limit:pct}。请核对等次或票数。",
        },
    ),
    # rectifications
    "rect.none": (
        E,
        "{who}：已评定等次，但“整改”表中没有列出任何问题。通知：要真点问题，点真问题，列出整改清单。",
    ),
    "rect.measure-missing": (E, "整改{rid}（{who}）：问题“{problem}”没有整改措施。"),
    "rect.deadline-missing": (E, "整改{rid}（{who}）：问题“{problem}”没有整改时限。"),
    "rect.deadline-before-meeting": (
        E,
        "整改{rid}（{who}）：整改时限{deadline:date}不在述职会（{meeting_date:date}）之后。",
    ),
    "rect.overdue": (W, "整改{rid}（{who}）：整改时限{deadline:date}已过，状态为“{status}”。"),
    "rect.done-without-date": (E, "整改{rid}（{who}）：状态为“已完成”，但没有完成日期。"),
    "rect.carried-untouched": (
        E,
        "整改{rid}（{who}）：上年度问题（原整改编号{old}）“{problem}”在述职会（{meeting_date:date}）时仍未开始整改。通知：要梳理上年度查摆问题整改情况。",
    ),
    # dates that must follow each other
    "date.before-meeting": (
        E,
        "{who}：“{column}”为{date:date}，早于述职会日期{meeting_date:date}。约谈提醒和反馈在评定等次的会议之后进行。",
    ),
    "date.after-today": (
        E,
        "{who}：“{column}”为{date:date}，晚于校验当天{today:date}；尚未发生的约谈或反馈不能登记。",
    ),
    "grade.meeting-not-held": (
        E,
        "{who}：述职会定于{meeting_date:date}，晚于校验当天{today:date}，却已登记综合评价等次“{grade}”。等次只能在会议召开后评定。",
    ),
    "rect.done-in-future": (
        E,
        "整改{rid}（{who}）：完成日期{done:date}晚于校验当天{today:date}。",
    ),
    "rect.done-late": (
        W,
        "整改{rid}（{who}）：完成日期{done:date}晚于整改时限{deadline:date}，属逾期完成。",
    ),
    "rect.unverified": (
        W,
        "整改{rid}（{who}）：{done:date}已完成，超过{days}天仍未填写核验情况（校验当天{today:date}）。通知：党委巡察办公室要加强跟踪问效。",
    ),
    # run-level
    "file.unreadable": (E, "无法打开“{file}”：{reason}。"),
    "file.locked": (
        E,
        "“{file}”正在被 Excel 打开（发现锁文件“{lock}”）。请先在 Excel 中保存并关闭它，再运行。",
    ),
}


def row_label(sheet: str, row: object, rid: object = "") -> str:
    """How a message names a row that has no person yet: “述职”第3行（S001）."""
    return f"“{sheet}”第{row}行" + (f"（{rid}）" if rid else "")


def make(
    code: str,
    sheet: str | None,
    row: int | None,
    column: str | None,
    severity: Severity | None = None,
    /,
    **kwargs: Any,
) -> Finding:
    default, templates = CATALOG[code]
    template = templates if isinstance(templates, str) else templates[kwargs["variant"]]
    message = render(template, kwargs)
    names = tuple(kwargs)
    names = _NAMES.setdefault(names, names)
    values = tuple([v if type(v) is str else param(v) for v in kwargs.values()])
    return Finding(code, severity or default, sheet, row, column, message, names, values)


_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}  # each set of parameter names, held once


_Compiled = tuple[str, tuple[tuple[str, str, str], ...]]  # str.format text, its custom fields
_COMPILED: dict[str, _Compiled | None] = {}


def _compile(template: str) -> _Compiled | None:
    """The template parsed once into what `str.format_map` renders in C: each `{x:date}` or
    `{x:pct}` becomes a field of its own, filled with the shown text (None when the template
    uses anything else, which the general formatter then renders). The other custom specs
    (`{x:by}`) likewise."""
    text: list[str] = []
    custom: list[tuple[str, str, str]] = []
    for literal, name, spec, conversion in _FORMATTER.parse(template):
        text.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is None:
            continue
        if conversion or not name.isidentifier() or "{" in (spec or ""):
            return None
        if spec in _CUSTOM_SPECS:
            key = f"{name}\x01{spec}"
            custom.append((key, name, spec))
            text.append("{" + key + "}")
        else:
            text.append("{" + name + (":" + spec if spec else "") + "}")
    return "".join(text), tuple(custom)


def render(template: str, kwargs: dict[str, Any]) -> str:
    """What `_FORMATTER.vformat(template, (), kwargs)` gives, from the template parsed once
    (a broken master can have hundreds of thousands of findings: parsing each message's template
    again in Python was most of their cost)."""
    try:
        compiled = _COMPILED[template]
    except KeyError:
        compiled = _COMPILED[template] = _compile(template)
    if compiled is None:
        return _FORMATTER.vformat(template, (), kwargs)
    text, custom = compiled
    if custom:
        kwargs = dict(kwargs)
        for key, name, spec in custom:
            kwargs[key] = _CUSTOM_SPECS[spec](kwargs[name])
    return text.format_map(kwargs)


_SCALAR = json.JSONEncoder(ensure_ascii=False).encode
_STRING = getattr(json.encoder, "c_encode_basestring", None) or json.encoder.py_encode_basestring


def _json(value: object) -> str:
    """One JSON scalar as `json.dumps(value, ensure_ascii=False)` writes it."""
    kind = type(value)
    if kind is str:
        return _STRING(value)  # type: ignore[arg-type]
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    return _SCALAR(value)


def finding_json(f: Finding, indent: str = "") -> str:
    """`json.dumps(f.as_dict(), ensure_ascii=False, indent=2)`, each line after the first
    prefixed with `indent`, built from the C encoder's strings (the indenting encoder is pure
    Python: half a minute for a broken master's findings)."""
    inner = ",\n" + indent + "  "
    text = (
        f'{{\n{indent}  "code": {_json(f.code)}{inner}"severity": {_json(f.severity.value)}'
        f'{inner}"sheet": {_json(f.sheet)}{inner}"row": {_json(f.row)}'
        f'{inner}"column": {_json(f.column)}{inner}"message": {_json(f.message)}{inner}"params": '
    )
    if not f.names:
        return text + "{}\n" + indent + "}"
    deeper = ",\n" + indent + "    "
    try:
        keys = _KEYS_JSON[f.names]
    except KeyError:  # (names are a rule's keyword arguments: never twice the same)
        keys = _KEYS_JSON[f.names] = tuple(_json(k) + ": " for k in f.names)
    params = deeper.join([k + _json(v) for k, v in zip(keys, f.values, strict=True)])
    return f"{text}{{\n{indent}    {params}\n{indent}  }}\n{indent}}}"


_KEYS_JSON: dict[tuple[str, ...], tuple[str, ...]] = {}  # each set of names, encoded once


def counts(findings: list[Finding]) -> tuple[int, int]:
    by_severity = Counter([f.severity for f in findings])
    return by_severity[Severity.ERROR], by_severity[Severity.WARNING]
