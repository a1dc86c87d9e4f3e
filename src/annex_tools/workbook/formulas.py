"""Plain functions behind the workbook's UDFs (annex_tools.excel wraps them for Excel).

Array-friendly: given a column or block of cells (a list, or a list of lists, as xlwings passes
a range) they return the same shape, so one formula fills a whole column.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from annex_tools.analysis import PART_ZH, PARTS, ReportError, analyze_file
from annex_tools.contract import schema as S
from annex_tools.contract.master import report_path
from annex_tools.contract.settings import Settings
from annex_tools.contract.text import normalize, parse_share
from annex_tools.rules.grades import minimum_at_most_fair

PART_BY_NAME = {
    **{p: p for p in PARTS},
    **{v: k for k, v in PART_ZH.items()},
    "履职": "duties",
    "问题": "problems",
    "思路": "plans",
}


def elementwise(fn: Callable[..., Any], value: Any, *args: Any) -> Any:
    """Apply fn to a scalar, or to every cell of a list / list of lists, keeping the shape."""
    if isinstance(value, list | tuple):
        return [elementwise(fn, v, *args) for v in value]
    return fn(value, *args)


def report_words(path: Any, folder: Path | None = None) -> Any:
    """字数 of the report at `path` (relative to the workbook's folder), or a Chinese reason."""

    def one(p: Any) -> Any:
        if p in (None, ""):
            return ""
        try:
            return analyze_file(report_path(p, folder)).words
        except ReportError as exc:
            return f"无法读取：{exc}"

    return elementwise(one, path)


def report_share(path: Any, part: str = "履职主要情况", folder: Path | None = None) -> Any:
    """The share of one part (履职主要情况 / 存在的问题 / 下一步工作思路) of the report's 字数."""
    key = PART_BY_NAME.get(normalize(part))
    if key is None:
        return f"部分名称应为：{'、'.join(PART_ZH.values())}"

    def one(p: Any) -> Any:
        if p in (None, ""):
            return ""
        try:
            share = analyze_file(report_path(p, folder)).shares[key]
        except ReportError as exc:
            return f"无法读取：{exc}"
        return "" if share is None else share

    return elementwise(one, path)


def min_at_most_fair(
    n: Any, ratio: Any = None, rounding: Any = None, st: Settings | None = None
) -> Any:
    """The least number of 较好-or-below grades among n graded secretaries. An omitted ratio or
    rounding is the one in force (the workbook's 设置, else the settings table's default)."""
    st = st or Settings()
    share = parse_share(ratio) if ratio not in (None, "") else st.min_share
    mode = normalize(rounding) or st.rounding

    def one(count: Any) -> Any:
        if count in (None, ""):
            return ""
        return minimum_at_most_fair(int(float(count)), share or 0.0, mode)

    return elementwise(one, n)


def share_at_most_fair(grades: Any) -> Any:
    """The share of 较好/一般/差 among the graded cells of a range (empty cells ignored)."""
    flat: list[str] = []

    def collect(v: Any) -> None:
        if isinstance(v, list | tuple):
            for x in v:
                collect(x)
        elif normalize(v) in S.GRADES:
            flat.append(normalize(v))

    collect(grades)
    if not flat:
        return ""
    return sum(g in S.GRADES_AT_MOST_FAIR for g in flat) / len(flat)


def linkage(grade: Any, appraisal: Any) -> Any:
    """未达到“好”不得评为“优秀”: '符合' or the reason it is not."""

    def one(g: Any, a: Any) -> str:
        if normalize(a) == S.APPRAISAL_EXCELLENT and normalize(g) != S.GRADE_GOOD:
            return "不符合：综合评价未达到“好”，不得评为优秀"
        return "符合"

    if isinstance(grade, list | tuple):
        return [linkage(g, a) for g, a in zip(grade, appraisal, strict=False)]
    return one(grade, appraisal)
