"""What each generator reads of the master (issue 19: each command needs only its own inputs).

A generator refuses (or, from a button, makes a 草稿) only for the errors in what it reads: an
error placed on a sheet and column it reads, on a row of the people it writes to, or on a
setting it reads. The columns a form collects (附件2's grades and problems, the ballots' counts:
blank where the 党总支 or the 组织部 fills in) count only for data that cannot be read (a bad
value, date or number, a duplicate id, a reference to nothing), never for being empty or not yet
right: collecting them is what the form is for. Every other error is left to `check` and to the
commands that read it, and the run says how many there are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from annex_tools.contract import schema as S
from annex_tools.contract import settings as K
from annex_tools.contract.findings import Finding
from annex_tools.institute import Institute, Submission

Columns = frozenset[str] | None  # None: every column of the sheet

ORGS, SUBS, MEETINGS = S.ORGS.name, S.SUBMISSIONS.name, S.MEETINGS.name
GRADES, RECTS, SETTINGS = S.GRADES_SHEET.name, S.RECTIFICATIONS.name, S.SETTINGS.name

ORG_IDENTITY = frozenset(
    {"组织编号", "组织名称", "组织类型", "上级组织编号", "书记姓名", "书记工号", "书记空缺原因"}
)
SUB_IDENTITY = frozenset({"述职编号", "组织编号", "书记姓名", "书记工号", "述职类别"})
PROBLEMS = frozenset({"整改编号", "述职编号", "存在问题", "整改措施", "整改时限"})

# Findings placed on the person's id for want of a cell, by what they are about: no grade (a
# 述职 row without 等次), no problem listed (a graded person without 整改 rows), no 述职 row.
ABOUT: dict[str, tuple[str, str]] = {
    "grade.missing": (GRADES, "综合评价等次"),
    "rect.none": (RECTS, "存在问题"),
    "submission.missing": (SUBS, "述职编号"),
}

# What a form may collect and still be made: only data that cannot be read refuses.
_DATA_CODES = ("schema.", "cell.")

_SETTING = re.compile(r"设置“(.+?)”")


def setting_of(f: Finding) -> str:
    """The setting a finding on the 设置 sheet is about ('' when it does not say)."""
    params = dict(f.params)
    key = params.get("key")
    if isinstance(key, str) and key:
        return key
    found = _SETTING.search(str(params.get("who") or ""))
    return found.group(1) if found else ""


@dataclass(frozen=True)
class Inputs:
    """What one command reads: sheets and their columns, the settings (None: all), the columns
    its forms collect, the codes it deals with itself, and (`who`) the people it writes to when
    it writes to some only (their rows and evaluating bodies; None: everyone)."""

    what: str  # the command as staff know it (述职报告模板 …)
    reads: Mapping[str, Columns] | None  # None: the whole master
    settings: frozenset[str] | None = frozenset()
    collects: Mapping[str, frozenset[str]] = field(default_factory=dict)
    handles: frozenset[str] = frozenset()
    who: Callable[[Institute], list[Submission]] | None = None

    def select(self, findings: Iterable[Finding], inst: Institute) -> list[Finding]:
        """The findings about what this command reads."""
        rows, bodies = (None, None) if self.who is None else _rows_of(self.who(inst), inst)
        return [f for f in findings if self._uses(f, rows, bodies)]

    def _uses(self, f: Finding, rows: dict[str, set[int]] | None, bodies: set[str] | None) -> bool:
        if f.code in self.handles:
            return False
        if f.sheet is None or self.reads is None:  # a run-level finding; a command reading all
            return True
        if f.sheet == SETTINGS:
            return self.settings is None or setting_of(f) in self.settings
        if rows is not None and f.sheet in rows:
            if f.row is None:
                body = dict(f.params).get("body")
                if bodies is not None and isinstance(body, str) and body not in bodies:
                    return False
            elif f.row != 1 and f.row not in rows[f.sheet]:  # row 1: the headers
                return False
        sheet, column = ABOUT.get(f.code, (f.sheet, f.column))
        if column is not None and column in self.collects.get(sheet, frozenset()):
            return f.code.startswith(_DATA_CODES)
        if sheet not in self.reads:
            return False
        columns = self.reads[sheet]
        return columns is None or column is None or column in columns


def _rows_of(secs: list[Submission], inst: Institute) -> tuple[dict[str, set[int]], set[str]]:
    """The rows that are these people's on each sheet, and the names of their evaluating bodies."""
    rows: dict[str, set[int]] = {ORGS: set(), SUBS: set(), GRADES: set(), RECTS: set()}
    rows[MEETINGS] = {s.meeting.row for s in secs if s.meeting is not None and s.meeting.row}
    bodies: set[str] = set()
    for s in secs:
        rows[SUBS].add(s.sub_row)
        if s.grade_row is not None:
            rows[GRADES].add(s.grade_row)
        rows[RECTS].update(p.row for p in s.rectifications)
        for oid in (s.org_id, s.body_id):
            org = inst.orgs.get(oid)
            if org is not None:
                rows[ORGS].add(org.row)
        body = inst.orgs.get(s.body_id)
        if body is not None:
            bodies.add(body.name)
    return rows, bodies


def graded(inst: Institute) -> list[Submission]:
    return [s for s in inst.submissions if s.grade]


_WORDS = frozenset({K.K_YEAR, K.K_LIMIT_SECOND, K.K_LIMIT_BRANCH, K.K_DUTIES_MAX, K.K_PROBLEMS_MIN})

TEMPLATES = Inputs(
    "述职报告模板",
    {
        ORGS: ORG_IDENTITY,
        SUBS: SUB_IDENTITY,
        RECTS: frozenset({"整改编号", "述职编号", "原整改编号", "存在问题"}),
    },
    _WORDS | {K.K_MANDATORY, K.K_REPORT_DEADLINE},
    handles=frozenset({"submission.missing"}),  # a template from the 组织 sheet instead
)

ANNEX2 = Inputs(
    "附件2",
    {
        ORGS: ORG_IDENTITY,
        SUBS: SUB_IDENTITY | {"述职方式"},
        MEETINGS: frozenset({"会议编号", "主办组织编号"}),
    },
    frozenset({K.K_YEAR, K.K_EXEMPT}),
    collects={
        GRADES: frozenset({"述职编号", "综合评价等次"}),
        RECTS: PROBLEMS,
        MEETINGS: frozenset({"会议日期", "会议地点", "参会人员"}),
    },
)

# the decision that fixed the grades, quoted by the letters, the 通报 and the 约谈记录
DECISION = frozenset({"会议编号", "定等次会议日期", "定等次会议纪要"})

FEEDBACK = Inputs(
    "评价意见反馈",
    {
        ORGS: frozenset({"组织编号", "组织名称", "组织类型", "上级组织编号"}),
        SUBS: SUB_IDENTITY | {"会议编号"},
        MEETINGS: DECISION,
        GRADES: frozenset(
            {"述职编号", "综合评价等次", "主要成绩", "不足之处", "反馈日期", "约谈提醒日期"}
        ),  # the letter to a 一般/差 secretary names the day of the 约谈提醒
        RECTS: PROBLEMS,
    },
    frozenset({K.K_YEAR, K.K_INSTITUTE}),
    who=graded,
)

BULLETIN = Inputs(
    "等次通报",
    {
        ORGS: ORG_IDENTITY,
        SUBS: SUB_IDENTITY | {"会议编号"},
        MEETINGS: DECISION,
        GRADES: frozenset({"述职编号", "综合评价等次"}),
    },
    frozenset(
        {
            K.K_YEAR,
            K.K_INSTITUTE,
            K.K_BULLETIN_SCOPE,
            K.K_BULLETIN_DATE,
            K.K_BULLETIN_NUMBER,
            K.K_ISSUER_MARK,
            K.K_PRINTER,
        }
    ),  # fmt: skip
)

SUMMARY = Inputs("工作情况报告", None, None)  # the year: everything

BALLOTS = Inputs(
    "现场测评表",
    {
        ORGS: ORG_IDENTITY,
        SUBS: SUB_IDENTITY | {"会议编号", "述职方式"},
        MEETINGS: frozenset({"会议编号", "主办组织编号", "会议日期", "会议地点"}),
    },
    frozenset({K.K_YEAR, K.K_INSTITUTE}),
    collects={
        MEETINGS: frozenset({"实到人数"}),
        GRADES: frozenset({"述职编号", "测评好票", "测评较好票", "测评一般票", "测评差票"}),
    },
)


def weak(inst: Institute) -> list[Submission]:
    return [s for s in inst.submissions if s.grade in S.GRADES_INTERVIEW]


INTERVIEWS = Inputs(
    "约谈记录",
    {
        ORGS: frozenset({"组织编号", "组织名称", "组织类型", "上级组织编号"}),
        SUBS: SUB_IDENTITY | {"会议编号"},
        MEETINGS: DECISION,
        GRADES: frozenset({"述职编号", "综合评价等次", "不足之处", "约谈提醒日期", "约谈人"}),
        RECTS: PROBLEMS,
    },
    frozenset({K.K_YEAR}),
    who=weak,
)

RECT_FORMS = Inputs(
    "整改进展表",
    {ORGS: ORG_IDENTITY, SUBS: SUB_IDENTITY, RECTS: PROBLEMS | {"整改状态"}},
    frozenset({K.K_YEAR}),
    collects={RECTS: frozenset({"完成日期", "进展说明"})},
)

RECT_LEDGER = Inputs(
    "整改跟踪台账",
    {
        ORGS: ORG_IDENTITY,
        SUBS: SUB_IDENTITY | {"会议编号"},
        MEETINGS: frozenset({"会议编号", "会议日期"}),
        RECTS: None,
    },
    frozenset({K.K_YEAR, K.K_INSTITUTE, K.K_VERIFY_DAYS}),
)

HR = Inputs(
    "年度考核联动名单",
    {
        ORGS: ORG_IDENTITY,
        SUBS: SUB_IDENTITY,
        GRADES: frozenset({"述职编号", "综合评价等次", "年度考核等次"}),
    },
    frozenset({K.K_YEAR, K.K_INSTITUTE}),
)

BY_KIND: dict[str, Inputs] = {
    "templates": TEMPLATES,
    "annex2": ANNEX2,
    "feedback": FEEDBACK,
    "bulletin": BULLETIN,
    "summary": SUMMARY,
    "ballots": BALLOTS,
    "interviews": INTERVIEWS,
    "rect-forms": RECT_FORMS,
    "rect-ledger": RECT_LEDGER,
    "hr": HR,
}
