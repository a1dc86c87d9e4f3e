"""A person is one person. Notice, 三、5:

综合评价等次未达到“好”的，其年度考核不得评定为“优秀”等次。

One secretary may report twice (a 党总支书记 who also leads a 党支部). The 述职 rows are tied to a
person by 书记工号; the lowest 综合评价等次 across the person's rows decides whether any row may
carry 优秀, and the person has one 年度考核等次. Rows without a 工号 are judged on their own
(grade.linkage-excellent).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from annex_tools.contract import schema as S
from annex_tools.contract.findings import Finding
from annex_tools.rules.base import Coded, Context, emit, rule

GRADE = S.GRADES_SHEET.name
RANK = {g: i for i, g in enumerate(S.GRADES)}  # 好 = 0 … 差 = 3


def _staff(ctx: Context) -> pd.Series:
    """Each 评议 row's 工号, trimmed (made once per check: three rules key on it). A column
    normal already (text, no spaces: what the reader gives) is the column itself."""

    def make() -> pd.Series:
        if ctx.is_normal("grades", "书记工号"):
            return ctx.grades["书记工号"]
        return ctx.grades["书记工号"].fillna("").astype(str).str.strip().astype(object)

    return ctx.once("staff", make)


def _staff_codes(ctx: Context) -> Coded:
    """`_staff` as codes (the column's own when it is normal)."""
    if ctx.is_normal("grades", "书记工号"):
        return ctx.coded("grades", "书记工号")
    return ctx.once("staff codes", lambda: Coded.of(_staff(ctx)))


def _lowest_rows(ctx: Context) -> np.ndarray:
    """Per 工号 (by its code in `_staff_codes`): the 评议 row of the lowest grade given, the
    last of equal grades; -1 for a 工号 without a graded row."""
    g = ctx.grades
    staff = _staff_codes(ctx)
    grade = ctx.coded("grades", "综合评价等次")
    rank = np.fromiter((RANK.get(u, -1) for u in grade.uniques), np.intp, len(grade.uniques))
    keyed = np.flatnonzero(g["graded"].to_numpy() & staff.ne("").to_numpy())
    ordered = keyed[np.lexsort((keyed, rank[grade.codes[keyed]]))]  # by grade, then row
    codes = staff.codes[ordered]
    found, from_end = np.unique(codes[::-1], return_index=True)  # each 工号's last row so
    lowest = np.full(len(staff.uniques), -1, dtype=np.intp)
    lowest[found] = ordered[len(codes) - 1 - from_end]
    return lowest


@rule("grade.person-excellent", ("grades", "综合评价等次", "年度考核等次"), ("subs", "书记工号"))
def excellent_by_lowest_grade(ctx: Context) -> list[Finding]:
    """The lowest grade across a person's rows decides 优秀; a row graded 好 is not enough
    when the same 工号 has a lower grade elsewhere (the row itself below 好 is
    grade.linkage-excellent)."""
    g = ctx.grades
    # only a row graded 好 with 优秀 can break the rule: the rest is looked up for those rows
    rows = (
        ctx.coded("grades", "年度考核等次").eq(S.APPRAISAL_EXCELLENT).to_numpy()
        & ctx.coded("grades", "综合评价等次").eq(S.GRADE_GOOD).to_numpy()
    )
    if not rows.any():
        return []
    at = _lowest_rows(ctx)[_staff_codes(ctx).codes[rows]]  # each row's person's lowest row
    grades = g["综合评价等次"].to_numpy(dtype=object)
    low = np.where(at >= 0, grades[at], S.GRADE_GOOD)
    broken = low != S.GRADE_GOOD
    if not broken.any():
        return []
    rows[rows] = broken
    at = at[broken]
    frame = g[rows].assign(
        staff=_staff(ctx)[rows], low=low[broken], low_who=g["who"].to_numpy(dtype=object)[at]
    )
    return emit(
        "grade.person-excellent",
        frame,
        np.ones(len(frame), dtype=bool),
        GRADE,
        "年度考核等次",
        lambda r: {"who": r["who"], "staff": r["staff"], "grade": r["low"], "other": r["low_who"]},
    )


def _appraisal_order(value: str) -> tuple[int, str]:
    """The list's order; a value outside it (reported by schema.bad-value) after, by text."""
    listed = value in S.APPRAISALS
    return (S.APPRAISALS.index(value) if listed else len(S.APPRAISALS), value)


@rule("grade.person-appraisal-differs", ("grades", "年度考核等次"), ("subs", "书记工号"))
def one_appraisal_per_person(ctx: Context) -> list[Finding]:
    """A person has one 年度考核等次: different entries on the rows of one 工号 contradict."""
    g = ctx.grades
    staff = _staff(ctx)
    value = g["年度考核等次"]
    if infer_dtype(value, skipna=False) != "string":  # (text already: kept as it is)
        value = value.fillna("").astype(str).astype(object)
    people = _staff_codes(ctx)
    values = Coded.of(value)
    filled = people.ne("").to_numpy() & values.ne("").to_numpy()
    # a 工号 on two filled rows with two different values: the distinct (工号, value) pairs
    # of the filled rows counted per 工号
    pair = people.codes[filled].astype(np.int64) * len(values.uniques) + values.codes[filled]
    kinds = np.bincount(np.unique(pair) // len(values.uniques), minlength=len(people.uniques))
    mask = pd.Series(filled, index=g.index)
    mask[filled] = kinds[people.codes[filled]] > 1
    if not mask.any():
        return []
    repeated = filled & staff.duplicated(keep=False).to_numpy()
    pairs = pd.DataFrame({"staff": staff[repeated], "value": value[repeated]}).drop_duplicates()
    seen = (
        pairs[pairs["staff"].isin(set(staff[mask]))]
        .groupby("staff")["value"]
        .agg(lambda v: "、".join(sorted(v, key=_appraisal_order)))
    )
    frame = g.assign(staff=staff, values=staff.map(seen).astype(object).fillna(""))
    return emit(
        "grade.person-appraisal-differs",
        frame,
        mask,
        GRADE,
        "年度考核等次",
        lambda r: {"who": r["who"], "staff": r["staff"], "values": r["values"]},
    )
