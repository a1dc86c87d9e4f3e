"""Every rule code in rules.md: a workbook that breaks it and one that does not.

The valid miniature institute gives no finding at all; each case mutates it once and expects
its code at its place (code, sheet, Excel row, column). The same cases run in memory here and
through real .xlsx files in test_rules_files.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from builders import D, check_data, places, row_of, valid

from annex_tools.contract.findings import CATALOG

Data = dict[str, list[dict[str, Any]]]


def set_(key: str, id_col: str, id_val: str, **changes: Any) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        row_of(data, key, id_col, id_val).update(changes)

    return mutate


def chain(*fns: Callable[[Data], None]) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        for fn in fns:
            fn(data)

    return mutate


def drop_row(key: str, id_col: str, id_val: str) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        data[key] = [r for r in data[key] if r.get(id_col) != id_val]

    return mutate


def drop_sheet(key: str) -> Callable[[Data], None]:
    return lambda data: data.pop(key)


sub = lambda sid, **kw: set_("subs", "述职编号", sid, **kw)  # noqa: E731
grade = lambda sid, **kw: set_("grades", "述职编号", sid, **kw)  # noqa: E731
rect = lambda rid, **kw: set_("rects", "整改编号", rid, **kw)  # noqa: E731
org = lambda oid, **kw: set_("orgs", "组织编号", oid, **kw)  # noqa: E731
meeting = lambda mid, **kw: set_("meetings", "会议编号", mid, **kw)  # noqa: E731
weak = lambda g: grade("S4", 综合评价等次=g, 约谈提醒日期=D(2024, 1, 25))  # noqa: E731

# (code, mutation, expected place). Rows: 组织 P=2 G1=3 G2=4 B1=5 B2=6; 述职/评议 S1..S4 = 2..5;
# 会议 M0=2 M1=3; 整改 R1..R4 = 2..5.
CASES: list[tuple[str, Callable[[Data], None], tuple[str, str | None, int | None, str | None]]] = [
    ("schema.missing-sheet", drop_sheet("meetings"), ("schema.missing-sheet", "会议", None, None)),
    ("schema.required", org("G1", 组织名称=""), ("schema.required", "组织", 3, "组织名称")),
    ("schema.required", org("B1", 上级组织编号=""), ("schema.required", "组织", 5, "上级组织编号")),
    ("schema.required", sub("S1", 审定人=""), ("schema.required", "述职", 2, "审定人")),
    (
        "cell.control-char",
        sub("S1", 审定人="院\x01领导"),
        ("cell.control-char", "述职", 2, "审定人"),
    ),
    (
        "meeting.participants",
        meeting("M1", 参会人员=""),
        ("meeting.participants", "会议", 3, "参会人员"),
    ),
    (
        "meeting.observer-missing",
        meeting("M1", 列席人员=""),
        ("meeting.observer-missing", "会议", 3, "列席人员"),
    ),
    (
        "approval.approver",
        sub("S3", 审定人="院领导 某某"),
        ("approval.approver", "述职", 4, "审定人"),
    ),
    (
        "schema.bad-value",
        grade("S1", 综合评价等次="优"),
        ("schema.bad-value", "评议", 2, "综合评价等次"),
    ),
    (
        "schema.bad-value",
        rect("R2", 整改状态="完成了"),
        ("schema.bad-value", "整改", 3, "整改状态"),
    ),
    ("schema.bad-date", sub("S1", 讨论日期="上周五"), ("schema.bad-date", "述职", 2, "讨论日期")),
    (
        "schema.bad-date",
        rect("R1", 整改时限="2024-02-30"),
        ("schema.bad-date", "整改", 2, "整改时限"),
    ),
    ("schema.bad-number", sub("S1", 字数="一千二"), ("schema.bad-number", "述职", 2, "字数")),
    ("schema.bad-number", sub("S2", 字数=-5), ("schema.bad-number", "述职", 3, "字数")),
    (
        "schema.duplicate-id",
        rect("R2", 整改编号="R1"),
        ("schema.duplicate-id", "整改", 3, "整改编号"),
    ),
    (
        "schema.unknown-reference",
        sub("S1", 会议编号="M9"),
        ("schema.unknown-reference", "述职", 2, "会议编号"),
    ),
    (
        "schema.unknown-reference",
        org("B1", 上级组织编号="G9"),
        ("schema.unknown-reference", "组织", 5, "上级组织编号"),
    ),
    ("org.structure", org("B1", 上级组织编号="G2"), ("org.structure", "组织", 5, "上级组织编号")),
    (
        "org.structure",
        org("P", 组织类型="党总支", 上级组织编号="G1"),
        ("org.structure", "组织", None, "组织类型"),
    ),
    (
        "submission.missing",
        drop_row("subs", "述职编号", "S4"),
        ("submission.missing", "组织", 6, "组织编号"),
    ),
    (
        "submission.category",
        sub("S3", 述职类别="二级党组织书记"),
        ("submission.category", "述职", 4, "述职类别"),
    ),
    (
        "submission.identity",
        sub("S1", 书记工号="T2"),  # 丙三's 工号 on 乙二's row
        ("submission.identity", "述职", 2, "书记工号"),
    ),
    (
        "submission.identity",
        sub("S1", 书记工号="T9"),  # the secretary's name with another 工号
        ("submission.identity", "述职", 2, "书记工号"),
    ),
    (
        "submission.identity",
        sub("S3", 书记姓名="张三", 书记工号=""),  # someone else, no 工号 to tell who
        ("submission.identity", "述职", 4, "书记工号"),
    ),
    (
        "report.missing-file",
        sub("S1", 报告文件="/nonexistent/report.docx"),
        ("report.missing-file", "述职", 2, "报告文件"),
    ),
    ("report.too-long", sub("S1", 字数=1600), ("report.too-long", "述职", 2, "字数")),
    ("report.too-long", sub("S3", 字数=1001), ("report.too-long", "述职", 4, "字数")),
    (
        "report.share-duties",
        sub("S1", 履职情况占比="55%"),
        ("report.share-duties", "述职", 2, "履职情况占比"),
    ),
    (
        "report.share-problems",
        sub("S2", 存在问题占比=0.29),
        ("report.share-problems", "述职", 3, "存在问题占比"),
    ),
    (
        "approval.missing",
        sub("S1", 审定日期=None, 审定人=""),
        ("approval.missing", "述职", 2, "审定日期"),
    ),
    ("approval.missing", sub("S3", 讨论日期=None), ("approval.missing", "述职", 4, "讨论日期")),
    (
        "approval.order",
        sub("S1", 审定日期=D(2023, 12, 30)),
        ("approval.order", "述职", 2, "审定日期"),
    ),
    (
        "approval.order",
        sub("S3", 审定日期=D(2024, 1, 11)),
        ("approval.order", "述职", 4, "审定日期"),
    ),
    ("meeting.missing", sub("S3", 会议编号=""), ("meeting.missing", "述职", 4, "会议编号")),
    ("meeting.missing", sub("S3", 会议编号="M0"), ("meeting.missing", "述职", 4, "会议编号")),
    ("meeting.missing", sub("S1", 会议编号="M1"), ("meeting.missing", "述职", 2, "会议编号")),
    (
        "meeting.notice-late",
        meeting("M1", 报备日期=D(2024, 1, 8)),
        ("meeting.notice-late", "会议", 3, "报备日期"),
    ),
    (
        "meeting.notice-late",
        meeting("M1", 报备日期=None),
        ("meeting.notice-late", "会议", 3, "报备日期"),
    ),
    (
        "meeting.after-deadline",
        meeting("M1", 会议日期=D(2024, 1, 23)),
        ("meeting.after-deadline", "会议", 3, "会议日期"),
    ),
    ("grade.missing", grade("S1", 综合评价等次=""), ("grade.missing", "评议", 2, "综合评价等次")),
    (
        "grade.missing",
        drop_row("grades", "述职编号", "S2"),
        ("grade.missing", "述职", 3, "述职编号"),
    ),
    (
        "grade.distribution",
        grade("S3", 综合评价等次="好"),
        ("grade.distribution", "评议", None, "综合评价等次"),
    ),
    (
        "grade.linkage-excellent",
        grade("S2", 年度考核等次="优秀"),
        ("grade.linkage-excellent", "评议", 3, "年度考核等次"),
    ),
    (
        "grade.interview-missing",
        grade("S4", 综合评价等次="一般"),
        ("grade.interview-missing", "评议", 5, "约谈提醒日期"),
    ),
    (
        "grade.rectification-missing",
        chain(weak("一般"), rect("R4", 整改时限=None)),
        ("grade.rectification-missing", "评议", 5, "综合评价等次"),
    ),
    (
        "grade.rectification-missing",
        chain(weak("差"), drop_row("rects", "整改编号", "R4")),
        ("grade.rectification-missing", "评议", 5, "综合评价等次"),
    ),
    ("grade.accountability", weak("差"), ("grade.accountability", "评议", 5, "综合评价等次")),
    (
        "grade.opinion-incomplete",
        grade("S1", 不足之处=""),
        ("grade.opinion-incomplete", "评议", 2, "不足之处"),
    ),
    (
        "grade.opinion-incomplete",
        grade("S3", 主要成绩=""),
        ("grade.opinion-incomplete", "评议", 4, "主要成绩"),
    ),
    (
        "grade.feedback-missing",
        grade("S1", 反馈日期=None),
        ("grade.feedback-missing", "评议", 2, "反馈日期"),
    ),
    (
        "grade.decision-missing",
        meeting("M1", 定等次会议日期=None),
        ("grade.decision-missing", "会议", 3, "定等次会议日期"),
    ),
    ("grade.ballots", grade("S1", 测评差票=None), ("grade.ballots", "评议", 2, "测评差票")),
    ("grade.ballots", grade("S2", 测评好票=-1), ("grade.ballots", "评议", 3, "测评好票")),
    ("rect.none", drop_row("rects", "整改编号", "R1"), ("rect.none", "评议", 2, "述职编号")),
    (
        "rect.measure-missing",
        rect("R1", 整改措施=""),
        ("rect.measure-missing", "整改", 2, "整改措施"),
    ),
    (
        "rect.deadline-missing",
        rect("R2", 整改时限=None),
        ("rect.deadline-missing", "整改", 3, "整改时限"),
    ),
    (
        "rect.deadline-before-meeting",
        rect("R1", 整改时限=D(2024, 1, 16)),
        ("rect.deadline-before-meeting", "整改", 2, "整改时限"),
    ),
    (
        "rect.overdue",
        rect("R1", 整改状态="整改中", 完成日期=None),
        ("rect.overdue", "整改", 2, "整改时限"),
    ),
    (
        "rect.done-without-date",
        rect("R3", 完成日期=None),
        ("rect.done-without-date", "整改", 4, "完成日期"),
    ),
]
IDS = [f"{code}-{i}" for i, (code, _, _) in enumerate(CASES)]


def test_valid_institute_has_no_findings() -> None:
    assert check_data(valid()) == []


@pytest.mark.parametrize(("code", "mutate", "expected"), CASES, ids=IDS)
def test_each_rule_fires_at_its_place(
    code: str, mutate: Callable[[Data], None], expected: tuple
) -> None:
    data = valid()
    mutate(data)
    found = check_data(data)
    assert expected in places(found), [f.place for f in found]
    message = next(f.message for f in found if f.place == expected)
    assert message and all(ord(c) < 0x10000 for c in message)


def test_missing_column_is_reported_once_and_rules_needing_it_are_skipped() -> None:
    found = check_data(valid(), drop={"subs": "审定日期"})
    assert places(found) == {("schema.missing-column", "述职", 1, "审定日期")}


def test_every_catalog_code_has_a_case_or_a_dedicated_test() -> None:
    covered = {code for code, _, _ in CASES} | {"schema.missing-column"}
    # report rules that need a real .docx are in test_report_rules.py; run-level codes in test_cli.py
    elsewhere = {
        "report.sections", "report.first-person", "report.no-figures", "report.mandatory-item",
        "report.stale-figures", "file.unreadable", "file.locked",
        "meeting.written-share",  # needs a meeting of six: test_participation.py
        "settings.exempt",  # a 设置 value: test_notice_smaller.py
        "meeting.workdays-unknown",  # 工作日 outside the holiday calendar: test_workdays.py
        "org.vacant",
        "grade.ballots-exceed", "grade.ballots-diverge",  # both sides: test_ballots.py  # a vacant post, with and without its reason: test_vacancy.py
    }  # fmt: skip
    # date-order rules are tested on both sides of each boundary in test_date_order.py
    elsewhere |= {
        "date.before-meeting", "date.after-today", "grade.meeting-not-held",
        "rect.done-in-future", "rect.done-late", "rect.unverified",
    }  # fmt: skip
    # per-person linkage cases are in test_person.py
    elsewhere |= {"grade.person-excellent", "grade.person-appraisal-differs"}
    # the carried-problem rule is tested through a two-year run in test_yearly.py
    elsewhere |= {"rect.carried-untouched"}
    # the deadline ledger and 公布, both sides of each boundary: test_deadlines.py
    elsewhere |= {
        "deadline.report-sent", "deadline.committee-meeting", "deadline.annex2-received",
        "deadline.committee-review", "meeting.unpublished",
    }  # fmt: skip
    # issue 20's intake rules, pending before their day and due on it: test_intake_rules.py
    elsewhere |= {"report.absent", "deadline.branch-report-sent"}
    elsewhere |= {"meeting.attendance-missing", "meeting.attendance-diverge"}  # test_ballots.py
    assert set(CATALOG) == covered | elsewhere


def test_overdue_depends_on_the_run_date() -> None:
    data = valid()
    rect("R1", 整改状态="整改中", 完成日期=None)(data)
    assert ("rect.overdue", "整改", 2, "整改时限") not in places(
        check_data(data, today=D(2024, 4, 30))
    )
    assert ("rect.overdue", "整改", 2, "整改时限") in places(check_data(data, today=D(2024, 5, 1)))


def test_meeting_not_yet_held_needs_no_grade_or_approval() -> None:
    data = valid()
    grade("S3", 综合评价等次="")(data)
    sub("S3", 审定日期=None, 审定人="")(data)
    found = {f.code for f in check_data(data, today=D(2024, 1, 9))}
    assert "grade.missing" not in found and "approval.missing" not in found


def test_grade_decision_is_pending_until_feedback_is_due_and_needs_a_grade() -> None:
    place = ("grade.decision-missing", "会议", 3, "定等次会议日期")
    data = valid()
    meeting("M1", 定等次会议日期=None)(data)
    assert place not in places(check_data(data, today=D(2024, 1, 11)))  # the day after
    assert place in places(check_data(data))
    for sid in ("S3", "S4"):  # M1's reporters not graded: nothing was decided
        grade(sid, 综合评价等次="")(data)
    assert place not in places(check_data(data))


def test_names_compare_after_nfkc_and_space_removal() -> None:
    data = valid()
    org("G1", 组织编号="Ｇ１")(data)  # full-width id still matches G1 everywhere
    sub("S1", 书记姓名="乙　二")(data)
    assert check_data(data) == []


def test_bad_date_is_not_reported_again_as_missing() -> None:
    data = valid()
    grade("S1", 反馈日期="2024年1月32日")(data)
    found = places(check_data(data))
    assert ("schema.bad-date", "评议", 2, "反馈日期") in found
    assert ("grade.feedback-missing", "评议", 2, "反馈日期") not in found


@pytest.mark.parametrize(
    "value",
    [
        132321,
        "2262-04-12",
        dt.date(9999, 12, 31),
        dt.datetime(1800, 1, 1),
    ],
)
def test_a_date_no_master_holds_is_a_bad_date_not_a_crash(value: object) -> None:
    """A serial past 2262-04-11 once crashed the schedule (pandas' nanosecond range; found by
    test_properties): dates outside 1900-2199 are reported where they are typed."""
    data = valid()
    sub("S1", 审定日期=value)(data)
    assert ("schema.bad-date", "述职", 2, "审定日期") in places(check_data(data))


@pytest.mark.parametrize("typed", ["2024-01-22", "2024/1/22", "2024.1.22", "2024年1月22日"])
def test_dates_typed_as_text_are_read(typed: str) -> None:
    data = valid()
    grade("S1", 反馈日期=typed)(data)
    assert check_data(data) == []


def test_distribution_below_minimum_body_size_is_a_warning_and_at_five_an_error() -> None:
    data = valid()
    grade("S3", 综合评价等次="好")(data)
    f = next(f for f in check_data(data) if f.code == "grade.distribution")
    assert f.severity.value == "warning" and "示例党总支" in f.message and "2名" in f.message
    for i in range(3, 6):  # three more branches under G1, all graded 好 -> n = 5
        data["orgs"].append(
            {
                "组织编号": f"B{i}",
                "组织名称": f"示例第{i}党支部",
                "组织类型": "在职党支部",
                "上级组织编号": "G1",
                "书记姓名": f"人{i}",
            }
        )
        data["subs"].append(
            dict(
                row_of(data, "subs", "述职编号", "S4"),
                述职编号=f"S{i + 2}",
                组织编号=f"B{i}",
                书记姓名=f"人{i}",
            )
        )
        data["grades"].append(dict(row_of(data, "grades", "述职编号", "S4"), 述职编号=f"S{i + 2}"))
        data["rects"].append(
            dict(
                row_of(data, "rects", "整改编号", "R4"), 整改编号=f"R{i + 2}", 述职编号=f"S{i + 2}"
            )
        )
    f = next(f for f in check_data(data) if f.code == "grade.distribution")
    assert f.severity.value == "error" and "5名" in f.message


def test_bad_settings_are_findings_and_defaults_stand() -> None:
    from builders import to_rows

    from annex_tools.workbook.reader import workbook_from_rows

    rows = to_rows(valid())
    keys = [r[0] for r in rows["设置"]]
    rows["设置"][keys.index("比例适用最少人数")][1] = "五个"
    rows["设置"][keys.index("党支部述职完成截止日期")][1] = "明年"
    rows["设置"][keys.index("较好及以下最低比例")][1] = "20%"
    wb = workbook_from_rows(rows)
    assert {f.place for f in wb.findings} == {
        ("schema.bad-value", "设置", keys.index("比例适用最少人数") + 1, "值"),
        ("schema.bad-date", "设置", keys.index("党支部述职完成截止日期") + 1, "值"),
    }
    assert wb.settings.min_body == 5 and wb.settings.min_share == 0.2


def test_identity_errors_and_a_changed_secretary_warns() -> None:
    from annex_tools.contract.findings import Severity

    def identity(mutate: Callable[[Data], None]) -> list[tuple[str, int | None, Severity]]:
        data = valid()
        mutate(data)
        return [
            (f.sheet or "", f.row, f.severity)
            for f in check_data(data)
            if f.code == "submission.identity"
        ]

    # the secretary changed during the year: the reporter named with their own 工号 is a warning
    assert identity(sub("S3", 书记姓名="张三", 书记工号="T8")) == [("述职", 4, Severity.WARNING)]
    # one 工号 for two different people: both rows are errors
    found = identity(
        chain(sub("S3", 书记姓名="张三", 书记工号="T8"), sub("S4", 书记姓名="李四", 书记工号="T8"))
    )
    assert found == [("述职", 4, Severity.ERROR), ("述职", 5, Severity.ERROR)]
    # the 工号 left empty for the organization's own secretary is filled from 组织: no finding
    assert identity(sub("S1", 书记工号="")) == []


def test_master_from_before_the_staff_number_column_still_checks_clean() -> None:
    found = check_data(valid(), drop={"subs": "书记工号"})
    assert found == []
