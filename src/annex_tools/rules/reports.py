"""Report rules, over the report facts: one row per report with its words, shares and traits.

Notice, 三、2 (撰写述职报告初稿): word limits, the three parts and their shares, first person,
具体事例和数据; 二(一)2: the 必答 item. The facts come from the .docx when the row names one
(`source == "file"`), otherwise from the figures typed on the 述职 sheet (`source == "sheet"`).
The same functions serve `check` (placed on the 述职 sheet) and `analyze` (placed on the file).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from annex_tools.analysis import PART_ZH
from annex_tools.contract import schema as S
from annex_tools.contract.findings import Finding
from annex_tools.contract.settings import Settings
from annex_tools.rules.base import emit, rule

ReportRule = Callable[[pd.DataFrame, Settings], list[Finding]]
REPORT_RULES: list[tuple[str, ReportRule]] = []
SUB = S.SUBMISSIONS.name


def report_rule(code: str) -> Callable[[ReportRule], ReportRule]:
    def register(fn: ReportRule) -> ReportRule:
        REPORT_RULES.append((code, fn))
        rule(code)(lambda ctx: fn(ctx.reports, ctx.settings))
        return fn

    return register


def _from_file(facts: pd.DataFrame) -> pd.Series:
    return facts["source"] == "file"


@report_rule("report.missing-file")
def file_opens(facts: pd.DataFrame, st: Settings) -> list[Finding]:
    """A named report file must open as a .docx."""
    return emit(
        "report.missing-file",
        facts,
        facts["error"] != "",
        SUB,
        "报告文件",
        lambda r: {"who": r["who"], "value": r["file"], "reason": r["error"]},
    )


@report_rule("report.too-long")
def within_word_limit(facts: pd.DataFrame, st: Settings) -> list[Finding]:
    """Word limits per category (设置: 二级党组织书记/党支部书记报告字数上限)."""
    # each category's limit asked once (a column of two categories, 30,000 rows)
    codes, categories = pd.factorize(
        facts["category"].to_numpy(dtype=object), use_na_sentinel=False
    )
    limits = pd.Series(categories, dtype=object).map(st.word_limit)
    limit = pd.Series(limits.to_numpy()[codes], index=facts.index, dtype=limits.dtype)
    mask = facts["words"].notna() & (facts["words"] > limit)
    if not mask.any():
        return []
    return emit(
        "report.too-long",
        facts.assign(limit=limit),
        mask,
        SUB,
        "字数",
        lambda r: {
            "who": r["who"],
            "words": int(r["words"]),
            "category": r["category"] or "该类别",
            "limit": int(r["limit"]),
        },
    )


@report_rule("report.sections")
def three_parts(facts: pd.DataFrame, st: Settings) -> list[Finding]:
    """The report falls into 履职主要情况, 存在的问题 and 下一步工作思路."""
    mask = _from_file(facts) & (facts["missing"] != "")
    return emit(
        "report.sections",
        facts,
        mask,
        SUB,
        "报告文件",
        lambda r: {"who": r["who"], "missing": r["missing"]},
    )


@report_rule("report.share-duties")
def duties_share(facts: pd.DataFrame, st: Settings) -> list[Finding]:
    """履职主要情况部分不超过 the limit (设置: 履职情况占比上限)."""
    mask = facts["duties"].notna() & (facts["duties"] > st.duties_max + 1e-9)
    return emit(
        "report.share-duties",
        facts,
        mask,
        SUB,
        "履职情况占比",
        lambda r: {"who": r["who"], "share": r["duties"], "limit": st.duties_max},
    )


@report_rule("report.share-problems")
def problems_share(facts: pd.DataFrame, st: Settings) -> list[Finding]:
    """问题部分不少于 the minimum (设置: 存在问题占比下限)."""
    mask = facts["problems"].notna() & (facts["problems"] < st.problems_min - 1e-9)
    return emit(
        "report.share-problems",
        facts,
        mask,
        SUB,
        "存在问题占比",
        lambda r: {"who": r["who"], "share": r["problems"], "limit": st.problems_min},
    )


@report_rule("report.first-person")
def speaks_as_me(facts: pd.DataFrame, st: Settings) -> list[Finding]:
    """以第一人称写，突出述“我”."""
    mask = _from_file(facts) & (facts["first_person"] == False)  # noqa: E712 (NaN is not False)
    return emit("report.first-person", facts, mask, SUB, "报告文件", lambda r: {"who": r["who"]})


@report_rule("report.no-figures")
def has_figures(facts: pd.DataFrame, st: Settings) -> list[Finding]:
    """注重用具体事例和数据说话: a report without a single figure."""
    mask = _from_file(facts) & (facts["figures"] == False)  # noqa: E712
    return emit("report.no-figures", facts, mask, SUB, "报告文件", lambda r: {"who": r["who"]})


@report_rule("report.mandatory-item")
def mandatory_item(facts: pd.DataFrame, st: Settings) -> list[Finding]:
    """二(一)2 is 必答 for 二级党组织书记 (设置: 必答事项, 必答事项关键词)."""
    mask = (
        _from_file(facts)
        & (facts["category"] == S.CAT_SECOND_LEVEL)
        & (facts["mandatory"] == False)  # noqa: E712
    )
    return emit(
        "report.mandatory-item",
        facts,
        mask,
        SUB,
        "报告文件",
        lambda r: {"who": r["who"], "item": st.mandatory_item},
    )


_STALE = (
    ("字数", "words", "sheet_words"),
    *(
        (header, part, f"sheet_{part}")
        for header, part in (
            ("履职情况占比", "duties"),
            ("存在问题占比", "problems"),
            ("工作思路占比", "plans"),
        )
    ),
)


@report_rule("report.stale-figures")
def figures_current(facts: pd.DataFrame, st: Settings) -> list[Finding]:
    """字数 and shares typed on the sheet must be what the file gives now (empty cells are not
    stale: import-reports fills them)."""
    out: list[Finding] = []
    for header, fresh, typed in _STALE:
        if typed not in facts:
            continue
        tolerance = 0.5 if header == "字数" else 0.001
        mask = (
            _from_file(facts)
            & facts[typed].notna()
            & facts[fresh].notna()
            & ((facts[typed] - facts[fresh]).abs() > tolerance)
        )
        out += emit(
            "report.stale-figures",
            facts,
            mask,
            SUB,
            header,
            lambda r, h=header, f=fresh, t=typed: {
                "variant": "words" if h == "字数" else "share",
                "who": r["who"],
                "column": h,
                "sheet_value": int(r[t]) if h == "字数" else float(r[t]),
                "file_value": int(r[f]) if h == "字数" else float(r[f]),
            },
        )
    return out


def missing_parts_text(missing: list[str]) -> str:
    return "、".join(f"“{PART_ZH[p]}”" for p in missing)


def report_findings(facts: pd.DataFrame, st: Settings) -> list[Finding]:
    out: list[Finding] = []
    for _, fn in REPORT_RULES:
        out += fn(facts, st)
    return out
