"""Each generator's inputs (issue 19, item 2): which of the master's errors are in what a
command reads (usecases.inputs), on the small valid master with one mistake at a time."""

from __future__ import annotations

from typing import Any

from builders import TODAY, row_of, to_rows, valid

from annex_tools.contract.findings import Finding, Severity
from annex_tools.institute import institute
from annex_tools.usecases import inputs as I
from annex_tools.usecases.check import check_workbook
from annex_tools.workbook.reader import workbook_from_rows


def errors_of(data: dict[str, Any]) -> tuple[list[Finding], Any]:
    wb = workbook_from_rows(to_rows(data))
    found = [f for f in check_workbook(wb, TODAY).findings if f.severity is Severity.ERROR]
    return found, institute(wb)


def codes(inputs: I.Inputs, found: list[Finding], inst: Any) -> set[str]:
    return {f.code for f in inputs.select(found, inst)}


def test_a_bad_feedback_date_is_the_letters_and_the_summarys_not_the_templates() -> None:
    data = valid()
    row_of(data, "grades", "述职编号", "S2")["反馈日期"] = "2024年1月32日"
    found, inst = errors_of(data)
    assert {f.code for f in found} == {"schema.bad-date"}
    for reads in (I.FEEDBACK, I.SUMMARY):
        assert codes(reads, found, inst) == {"schema.bad-date"}, reads.what
    for not_reads in (I.TEMPLATES, I.ANNEX2, I.BULLETIN, I.BALLOTS, I.RECT_LEDGER, I.HR):
        assert codes(not_reads, found, inst) == set(), not_reads.what


def test_feedback_reads_only_the_rows_of_those_it_writes_to() -> None:
    """An ungraded secretary's bad 反馈日期 is nobody's letter: feedback writes to the graded."""
    data = valid()
    g = row_of(data, "grades", "述职编号", "S2")
    g["综合评价等次"], g["主要成绩"], g["不足之处"] = None, None, None
    g["反馈日期"] = "2024年1月32日"
    found, inst = errors_of(data)
    assert "schema.bad-date" in {f.code for f in found}
    assert "schema.bad-date" not in codes(I.FEEDBACK, found, inst)
    assert "schema.bad-date" in codes(I.SUMMARY, found, inst)


def test_annex2_collects_grades_and_problems_a_blank_is_not_its_error_a_bad_value_is() -> None:
    data = valid()
    row_of(data, "grades", "述职编号", "S3")["综合评价等次"] = None  # grade.missing after the meeting
    row_of(data, "rects", "述职编号", "S4")["整改时限"] = None  # rect.deadline-missing
    found, inst = errors_of(data)
    assert {"grade.missing", "rect.deadline-missing"} <= {f.code for f in found}
    assert codes(I.ANNEX2, found, inst) == set()
    assert {"grade.missing", "rect.deadline-missing"} <= codes(I.SUMMARY, found, inst)
    assert "grade.missing" in codes(I.BULLETIN, found, inst)  # the 通报 lists every grade
    data = valid()
    row_of(data, "grades", "述职编号", "S3")["综合评价等次"] = "优"  # not one of the four
    found, inst = errors_of(data)
    assert "schema.bad-value" in codes(I.ANNEX2, found, inst)


def test_templates_read_who_reports_and_as_what() -> None:
    data = valid()
    row_of(data, "subs", "述职编号", "S1")["述职类别"] = "支部书记"
    found, inst = errors_of(data)
    assert "schema.bad-value" in codes(I.TEMPLATES, found, inst)


def test_a_setting_is_read_by_those_that_use_it() -> None:
    from annex_tools.contract import settings as ST

    rows = to_rows(valid())
    for row in rows["设置"]:
        if row[0] == ST.K_BULLETIN_DATE:
            row[1] = "下周一"  # not a date
    wb = workbook_from_rows(rows)
    found = [f for f in check_workbook(wb, TODAY).findings if f.severity is Severity.ERROR]
    inst = institute(wb)
    assert [(f.code, f.sheet) for f in found] == [("schema.bad-date", "设置")]
    assert I.setting_of(found[0]) == ST.K_BULLETIN_DATE
    assert codes(I.BULLETIN, found, inst) == codes(I.SUMMARY, found, inst) == {"schema.bad-date"}
    for not_reads in (I.TEMPLATES, I.ANNEX2, I.FEEDBACK):
        assert codes(not_reads, found, inst) == set(), not_reads.what
