"""A person is one person. Notice, 三、5:

综合评价等次未达到“好”的，其年度考核不得评定为“优秀”等次。

One secretary may report twice (a 党总支书记 who also leads a 党支部). The 述职 rows are tied to a
person by 书记工号; the lowest 综合评价等次 across the person's rows decides whether any row may
carry 优秀, and the person has one 年度考核等次. Rows without a 工号 are judged on their own
(grade.linkage-excellent).
"""

from __future__ import annotations

import pandas as pd

from annex_tools.contract import schema as S
from annex_tools.contract.findings import Finding
from annex_tools.rules.base import Context, emit, rule

GRADE = S.GRADES_SHEET.name
RANK = {g: i for i, g in enumerate(S.GRADES)}  # 好 = 0 … 差 = 3


def _staff(ctx: Context) -> pd.Series:
    """Each 评议 row's 工号, trimmed (made once per check: three rules key on it)."""
    return ctx.once("staff", lambda: ctx.grades["书记工号"].fillna("").astype(str).str.strip())


def lowest_grades(ctx: Context) -> pd.DataFrame:
    """Per 工号: the lowest grade given and the 述职编号 that carries it."""
    g = ctx.grades
    staff = _staff(ctx)
    keyed = g["graded"].to_numpy() & (staff != "").to_numpy()
    graded = g.loc[keyed, ["综合评价等次", "述职编号", "who"]].assign(  # (not the 25 columns)
        staff=staff[keyed], rank=lambda f: f["综合评价等次"].map(RANK)
    )
    worst = graded.sort_values("rank", kind="stable").drop_duplicates("staff", keep="last")
    return worst.set_index("staff")[["综合评价等次", "述职编号", "who"]]


@rule("grade.person-excellent", ("grades", "综合评价等次", "年度考核等次"), ("subs", "书记工号"))
def excellent_by_lowest_grade(ctx: Context) -> list[Finding]:
    """The lowest grade across a person's rows decides 优秀; a row graded 好 is not enough
    when the same 工号 has a lower grade elsewhere (the row itself below 好 is
    grade.linkage-excellent)."""
    g = ctx.grades
    # only a row graded 好 with 优秀 can break the rule: the rest is looked up for those rows
    rows = (g["年度考核等次"].to_numpy() == S.APPRAISAL_EXCELLENT) & (
        g["综合评价等次"].to_numpy() == S.GRADE_GOOD
    )
    if not rows.any():
        return []
    g = g[rows]
    worst = lowest_grades(ctx)
    staff = _staff(ctx)[rows]
    low = staff.map(worst["综合评价等次"]).astype(object).fillna(S.GRADE_GOOD)
    frame = g.assign(staff=staff, low=low, low_who=staff.map(worst["who"]).astype(object))
    return emit(
        "grade.person-excellent",
        frame,
        low != S.GRADE_GOOD,
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
    value = g["年度考核等次"].fillna("").astype(str)
    filled = (staff != "") & (value != "")
    repeated = filled & staff.duplicated(keep=False)  # only a 工号 on two rows can differ
    pairs = pd.DataFrame({"staff": staff[repeated], "value": value[repeated]}).drop_duplicates()
    kinds = pairs["staff"].value_counts()
    mask = repeated & staff.map(kinds).gt(1)
    if not mask.any():
        return []
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
