"""A person is one person: 述职 rows tied by 书记工号, judged by the lowest grade and one 年度考核."""

from __future__ import annotations

from typing import Any

import pytest
from builders import check_data, row_of, valid

# S1 (评议 row 2) is 乙二, 工号 T1, 好 + 优秀. S3 (评议 row 4) is made the same person's second role.


def _same_person(grade: str, appraisal: str, staff: str = "T1") -> dict[str, list[dict[str, Any]]]:
    data = valid()
    org = row_of(data, "orgs", "组织编号", "B1")
    org["书记姓名"], org["书记工号"] = "乙二", staff
    sub = row_of(data, "subs", "述职编号", "S3")
    sub["书记姓名"], sub["书记工号"] = "乙二", staff
    g = row_of(data, "grades", "述职编号", "S3")
    g["综合评价等次"], g["年度考核等次"] = grade, appraisal
    return data


def _at(findings: list[Any], code: str) -> set[int | None]:
    return {f.row for f in findings if f.code == code and f.column == "年度考核等次"}


@pytest.mark.parametrize(
    ("grade", "appraisal", "excellent_rows", "differs_rows", "row_rule_rows"),
    [
        # 好 + 优秀 as 党总支书记, 较好 as 党支部书记: the lowest grade forbids 优秀; two entries differ
        ("较好", "合格", {2}, {2, 4}, set()),
        # 优秀 on both rows, but one is 较好: the row rule flags that row, the person rule the other
        ("较好", "优秀", {2}, set(), {4}),
        # 好 on both rows, 优秀 on one and 合格 on the other: no 优秀 problem, but two appraisals
        ("好", "合格", set(), {2, 4}, set()),
        # 好 on both rows and 优秀 on both: nothing
        ("好", "优秀", set(), set(), set()),
        # the person's second row not graded yet: nothing to compare
        ("", "", set(), set(), set()),
    ],
)
def test_linkage_is_judged_per_person(
    grade: str, appraisal: str, excellent_rows: set, differs_rows: set, row_rule_rows: set
) -> None:
    found = check_data(_same_person(grade, appraisal))
    assert _at(found, "grade.person-excellent") == excellent_rows
    assert _at(found, "grade.person-appraisal-differs") == differs_rows
    assert _at(found, "grade.linkage-excellent") == row_rule_rows


def test_messages_name_the_other_row_and_the_values() -> None:
    found = check_data(_same_person("较好", "合格"))
    excellent = next(f for f in found if f.code == "grade.person-excellent")
    assert "T1" in excellent.message and "较好" in excellent.message and "S3" in excellent.message
    differs = next(f for f in found if f.code == "grade.person-appraisal-differs")
    assert "优秀、合格" in differs.message


def test_same_name_with_another_staff_number_is_another_person() -> None:
    found = check_data(_same_person("较好", "合格", staff="T9"))
    assert not _at(found, "grade.person-excellent")
    assert not _at(found, "grade.person-appraisal-differs")


def test_rows_without_staff_number_are_judged_alone() -> None:
    data = _same_person("较好", "合格", staff="")
    row_of(data, "subs", "述职编号", "S1")["书记工号"] = ""
    row_of(data, "orgs", "组织编号", "G1")["书记工号"] = ""
    found = check_data(data)
    assert not _at(found, "grade.person-excellent")
    assert not _at(found, "grade.person-appraisal-differs")


def test_an_appraisal_outside_the_list_is_named_not_a_traceback() -> None:
    """A typed value that is no 年度考核等次 (schema.bad-value says so) still takes part in the
    comparison, after the listed ones, instead of stopping the check."""
    found = check_data(_same_person("好", "很优秀"))
    assert _at(found, "grade.person-appraisal-differs") == {2, 4}
    differs = next(f for f in found if f.code == "grade.person-appraisal-differs")
    assert "优秀、很优秀" in differs.message
    assert any(f.code == "schema.bad-value" and f.row == 4 for f in found)
