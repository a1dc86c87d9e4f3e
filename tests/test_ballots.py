"""现场测评 ballots (issue 15, item 1): against the meeting's 实到人数, and against the grade."""

from __future__ import annotations

import pytest
from builders import check_data, row_of, valid

from annex_tools.contract.findings import Severity


def with_ballots(sid: str, good: int, fair: int, average: int, poor: int, grade: str) -> dict:
    data = valid()
    g = row_of(data, "grades", "述职编号", sid)
    g.update(
        {"测评好票": good, "测评较好票": fair, "测评一般票": average, "测评差票": poor,
         "综合评价等次": grade}
    )  # fmt: skip
    return data


def found(data: dict, code: str) -> list:
    return [f for f in check_data(data) if f.code == code]


@pytest.mark.parametrize(("attendance", "flagged"), [(25, True), (26, False), (46, False)])
def test_ballots_against_attendance(attendance: int, flagged: bool) -> None:
    data = valid()  # S3 and S4 at M1 have 26 ballots each
    row_of(data, "meetings", "会议编号", "M1")["实到人数"] = attendance
    hits = found(data, "grade.ballots-exceed")
    assert len(hits) == (2 if flagged else 0)
    if flagged:
        assert len(hits) == 2 and all(f.severity is Severity.ERROR for f in hits)
        assert {f.row for f in hits} == {4, 5} and hits[0].column == "测评好票"
        assert "26张" in hits[0].message and f"实到人数{attendance}人" in hits[0].message


def test_no_attendance_recorded_is_not_judged_but_required() -> None:
    data = with_ballots("S4", 90, 0, 0, 0, "好")
    row_of(data, "meetings", "会议编号", "M1")["实到人数"] = ""
    assert found(data, "grade.ballots-exceed") == []
    (f,) = found(data, "meeting.attendance-missing")
    assert (f.sheet, f.row, f.column) == ("会议", 3, "实到人数") and "2位书记" in f.message
    assert "最多一位90张" in f.message


def test_a_meeting_without_ballots_needs_no_attendance() -> None:
    data = valid()
    for sid in ("S3", "S4"):
        g = row_of(data, "grades", "述职编号", sid)
        g["测评好票"] = g["测评较好票"] = g["测评一般票"] = g["测评差票"] = ""
    row_of(data, "meetings", "会议编号", "M1")["实到人数"] = ""
    assert found(data, "meeting.attendance-missing") == []


@pytest.mark.parametrize(("stated", "flagged"), [("共30人", False), ("共 22 人", True), ("", False)])
def test_attendance_agrees_with_the_head_count_of_the_participants(
    stated: str, flagged: bool
) -> None:
    data = valid()
    row_of(data, "meetings", "会议编号", "M1")["参会人员"] = f"党员代表{stated}"
    hits = found(data, "meeting.attendance-diverge")
    assert len(hits) == flagged
    if flagged:
        assert "实到人数为30人" in hits[0].message and "共22人" in hits[0].message


@pytest.mark.parametrize(
    ("good", "other", "flagged"),
    [(10, 10, False), (10, 11, True), (6, 40, True)],  # 50% is the limit: 10/20 passes
)
def test_good_grade_with_few_good_votes(good: int, other: int, flagged: bool) -> None:
    data = with_ballots("S4", good, 0, 0, other, "好")
    hits = found(data, "grade.ballots-diverge")
    assert len(hits) == (1 if flagged else 0)
    if flagged:
        f = hits[0]
        p = dict(f.params)
        assert (f.severity, f.sheet, f.row, f.column) == (
            Severity.WARNING,
            "评议",
            5,
            "综合评价等次",
        )
        assert p["good"] == good and p["ballots"] == good + other and p["limit"] == 0.5
        assert f"好票{good}张，共{good + other}张" in f.message


@pytest.mark.parametrize("grade", ["一般", "差"])
@pytest.mark.parametrize(("good", "other", "flagged"), [(10, 10, False), (11, 10, True)])
def test_weak_grade_with_mostly_good_votes(
    grade: str, good: int, other: int, flagged: bool
) -> None:
    data = with_ballots("S3", good, other, 0, 0, grade)
    hits = found(data, "grade.ballots-diverge")
    assert len(hits) == (1 if flagged else 0)
    if flagged:
        assert f"综合评价等次为“{grade}”" in hits[0].message


def test_divergence_limit_is_a_setting() -> None:
    from builders import to_rows

    from annex_tools.usecases.check import check_workbook
    from annex_tools.workbook.reader import workbook_from_rows

    rows = to_rows(with_ballots("S4", 10, 0, 0, 10, "好"))
    for row in rows["设置"]:
        if row[0] == "好等次最低好票率":
            row[1] = "60%"
    wb = workbook_from_rows(rows)
    hits = [f for f in check_workbook(wb, __import__("builders").TODAY).findings
            if f.code == "grade.ballots-diverge"]  # fmt: skip
    assert len(hits) == 1 and "60%" in hits[0].message


def test_ballot_messages_are_templates_with_params() -> None:
    data = with_ballots("S4", 20, 5, 1, 0, "好")
    row_of(data, "grades", "述职编号", "S4")["测评差票"] = ""
    (f,) = found(data, "grade.ballots")
    assert dict(f.params)["column"] == "测评差票" and "只填了一部分" in f.message
    data = with_ballots("S4", 20, 5, 1, -2, "好")
    (f,) = found(data, "grade.ballots")
    assert dict(f.params)["value"] == -2 and "为-2，" in f.message


@pytest.mark.slow
def test_summary_states_the_ballots_of_each_body_on_its_page(tmp_path) -> None:
    import pdfplumber
    from cli_helpers import annex
    from test_pages import page_lines, to_pdf

    from annex_tools.workbook.builder import new_workbook

    data = with_ballots("S2", 10, 20, 10, 6, "较好")  # the 党委: 20+10 好 of 26+46
    master = new_workbook(tmp_path / "master.xlsx", data)
    out = tmp_path / "summary.docx"
    proc = annex("summary", master, "--out", out, "--as-of", "2024-06-01", "--draft")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pdf = to_pdf([out], tmp_path / "pdf")[out]
    rows = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            for table in page.extract_tables():
                cells = [[(c or "").replace("\n", "") for c in row] for row in table]
                if cells and cells[0][:3] == ["评议主体", "人数", "票数"]:
                    rows += cells[1:]
    # one row per body (issue 21: a table, not a paragraph of 40 figures)
    assert rows == [
        ["中共示例学院委员会", "2", "72", "30（41.7%）", "25（34.7%）", "11（15.3%）", "6（8.3%）"],
        ["示例党总支", "2", "52", "40（76.9%）", "10（19.2%）", "2（3.8%）", "0（0.0%）"],
    ]
    with pdfplumber.open(pdf) as doc:
        text = "".join("".join(page_lines(p)) for p in doc.pages)
    # the ballots stand beside those present who cast them (issue 21: 151 ballots from 22 people)
    assert "每位到会人员对每名书记投一票，各述职会实到中共示例学院委员会46人、示例党总支30人）见下表" in text


@pytest.mark.slow
def test_ballot_shares_on_the_grades_sheet_as_libreoffice_computes_them(tmp_path) -> None:
    """好票率 etc. are formulas of the master; LibreOffice (the independent office) computes them."""
    import subprocess

    import openpyxl
    from office import soffice

    from annex_tools.workbook.builder import BALLOT_SHARES, new_workbook

    data = with_ballots("S2", 10, 20, 10, 6, "较好")
    row_of(data, "grades", "述职编号", "S4")["测评差票"] = ""  # three of four: no shares
    master = new_workbook(tmp_path / "master.xlsx", data)
    out = tmp_path / "calc"
    subprocess.run(
        soffice("--headless", "--convert-to", "xlsx", "--outdir", out, master),
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    ws = openpyxl.load_workbook(out / "master.xlsx", data_only=True)["评议"]
    headers = [c.value for c in ws[1]]
    rows = {
        r[0]: dict(zip(headers, r, strict=False))
        for r in ws.iter_rows(min_row=2, values_only=True)
        if r[0]
    }
    assert [h for h in headers if h in BALLOT_SHARES] == list(BALLOT_SHARES)
    s2 = rows["S2"]
    assert s2["好票率（自动）"] == pytest.approx(10 / 46)
    assert s2["较好票率（自动）"] == pytest.approx(20 / 46)
    assert s2["差票率（自动）"] == pytest.approx(6 / 46)
    assert rows["S1"]["好票率（自动）"] == pytest.approx(20 / 26)
    assert rows["S4"]["好票率（自动）"] in (None, "")
