"""Property-based tests of the rules engine (hypothesis): valid institutes give no errors, one
mutation gives its rule's code at its row, and no input makes the engine raise."""

from __future__ import annotations

import datetime as dt
from typing import Any

from builders import TODAY, check_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annex_tools.demo.valid import Shape, institute

D = dt.date
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def institutes(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """A valid institute from the one generator (annex_tools.demo.valid): 1-3 党总支 with 1-6
    branches each, 0-2 直属党支部, and every choice inside it drawn by hypothesis."""
    shape = Shape(
        tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=3))), draw(st.integers(0, 2))
    )
    return institute(shape, lambda lo, hi: draw(st.integers(lo, hi)))


def errors(data: dict[str, list[dict[str, Any]]]) -> list[tuple]:
    return [f.place for f in check_data(data, TODAY) if f.severity.value == "error"]


@FAST
@given(institutes())
def test_valid_institutes_have_no_errors(data: dict[str, list[dict[str, Any]]]) -> None:
    assert errors(data) == []


MUTATIONS = {
    # code: (sheet key, mutation of the record, expected sheet, expected column)
    "grade.linkage-excellent": (
        "grades",
        lambda r: r.update(综合评价等次="较好", 年度考核等次="优秀", 约谈提醒日期=None),
        "评议",
        "年度考核等次",
    ),
    "grade.interview-missing": (
        "grades",
        lambda r: r.update(综合评价等次="一般", 年度考核等次="合格", 约谈提醒日期=None),
        "评议",
        "约谈提醒日期",
    ),
    "grade.opinion-incomplete": ("grades", lambda r: r.update(不足之处=""), "评议", "不足之处"),
    "approval.order": (
        "subs",
        lambda r: r.update(审定日期=r["讨论日期"] - dt.timedelta(days=1)),
        "述职",
        "审定日期",
    ),
    "report.too-long": ("subs", lambda r: r.update(字数=1501), "述职", "字数"),
    "report.share-problems": ("subs", lambda r: r.update(存在问题占比=0.1), "述职", "存在问题占比"),
    "rect.done-without-date": ("rects", lambda r: r.update(完成日期=None), "整改", "完成日期"),
    "rect.measure-missing": ("rects", lambda r: r.update(整改措施=""), "整改", "整改措施"),
    "schema.bad-date": ("rects", lambda r: r.update(整改时限="明年春天"), "整改", "整改时限"),
    "schema.duplicate-id": ("rects", lambda r: r.update(整改编号="R0-0"), "整改", "整改编号"),
}


@FAST
@given(institutes(), st.sampled_from(sorted(MUTATIONS)), st.data())
def test_one_mutation_gives_its_code_at_its_row(
    data: dict[str, list[dict[str, Any]]], code: str, pick: st.DataObject
) -> None:
    key, mutate, sheet, column = MUTATIONS[code]
    rows = data[key]
    index = (
        pick.draw(st.integers(1 if code == "schema.duplicate-id" else 0, len(rows) - 1))
        if len(rows) > 1
        else 0
    )
    if code == "schema.duplicate-id" and len(rows) < 2:
        return
    mutate(rows[index])
    found = {f.place for f in check_data(data, TODAY)}
    assert (code, sheet, index + 2, column) in found


cell_values = st.one_of(
    st.none(), st.text(max_size=12), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(D(1900, 1, 1), D(2100, 1, 1)), st.sampled_from(["好", "优秀", "#N/A", "2024年13月1日", "=1+1", "　", "P", "M0", "S0"]),
)  # fmt: skip


@FAST
@given(
    institutes(),
    st.lists(
        st.tuples(
            st.sampled_from(["orgs", "subs", "meetings", "grades", "rects"]),
            st.integers(0, 50),
            st.integers(0, 20),
            cell_values,
        ),
        max_size=12,
    ),
)
def test_engine_never_raises(data: dict[str, list[dict[str, Any]]], edits: list[tuple]) -> None:
    from annex_tools.contract import schema as S

    for key, row, col, value in edits:
        rows = data[key]
        if not rows:
            continue
        sheet = S.SHEETS_BY_KEY[key]
        rows[row % len(rows)][sheet.headers[col % len(sheet.headers)]] = value
    check_data(data, TODAY)  # any finding is fine; an exception is not
