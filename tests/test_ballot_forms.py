"""民主测评 on paper and back (issue 20, item 2): the printable 现场测评表 rendered by LibreOffice,
the 测评统计表 against the Office rules, and the filled tally back into the master through the
same machinery as Annex 2 returns, with hostile tallies: another meeting's secretary, a wrong
name, the same file twice, two files that disagree, a formula where a count belongs, ballots
above 实到人数, an unknown 会议编号, a value that differs from the master's."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from builders import row_of, valid
from cli_helpers import annex
from excel_strict import strictness_problems

from annex_tools.usecases.intake import make_ballots, plan_ballots
from annex_tools.workbook.builder import new_workbook

TALLY_M1 = "测评统计表-M1-示例党总支.xlsx"


def unvoted() -> dict:
    """The valid institute before its branch meeting's ballots were counted."""
    data = valid()
    for sid in ("S3", "S4"):
        g = row_of(data, "grades", "述职编号", sid)
        g["测评好票"] = g["测评较好票"] = g["测评一般票"] = g["测评差票"] = ""
    row_of(data, "meetings", "会议编号", "M1")["实到人数"] = ""
    return data


@pytest.fixture
def forms(tmp_path: Path) -> tuple[Path, Path]:
    master = new_workbook(tmp_path / "master.xlsx", unvoted())
    out = tmp_path / "forms"
    done = make_ballots(master, out, draft=True)
    assert {p.name for p in done.written} == {
        "现场测评表-M0-中共示例学院委员会.docx", "测评统计表-M0-中共示例学院委员会.xlsx",
        "现场测评表-M1-示例党总支.docx", TALLY_M1,
    }  # fmt: skip
    return master, out


def fill(path: Path, dst: Path, present: object, rows: dict[int, tuple]) -> Path:
    """Fill a 测评统计表 as staff would: 实到人数 in B6, counts from row 8 on (D:G)."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws["B6"] = present
    for row, counts in rows.items():
        for col, value in zip("DEFG", counts, strict=True):
            ws[f"{col}{row}"] = value
    wb.save(dst)
    return dst


def ballots_of(master: Path) -> dict[str, tuple]:
    ws = openpyxl.load_workbook(master)["评议"]
    h = [c.value for c in ws[1]]
    cols = [h.index(c) for c in ("测评好票", "测评较好票", "测评一般票", "测评差票")]
    return {
        r[0]: tuple(r[c] for c in cols) for r in ws.iter_rows(min_row=2, values_only=True) if r[0]
    }


def present_of(master: Path, mid: str) -> object:
    ws = openpyxl.load_workbook(master)["会议"]
    h = [c.value for c in ws[1]]
    return next(
        r[h.index("实到人数")] for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == mid
    )


def test_the_tally_workbook_is_what_office_accepts_and_lists_the_meeting(forms) -> None:
    _, out = forms
    tally = out / TALLY_M1
    assert strictness_problems(tally) == []
    ws = openpyxl.load_workbook(tally).worksheets[0]
    assert ws.title == "测评统计（草稿）" and str(ws["A1"].value).startswith("【草稿】")
    assert (ws["A2"].value, ws["B2"].value) == ("会议编号", "M1")
    assert [ws.cell(row=7, column=c).value for c in range(1, 9)] == [
        "述职编号", "党组织", "书记姓名", "好", "较好", "一般", "差", "合计",
    ]  # fmt: skip
    assert [(ws[f"A{r}"].value, ws[f"C{r}"].value) for r in (8, 9)] == [
        ("S3", "丁四"),
        ("S4", "戊五"),
    ]
    assert ws["H8"].value.startswith("=IF(COUNT(D8:G8)")


def test_the_round_trip_through_the_cli_writes_only_with_apply(forms, tmp_path: Path) -> None:
    master, out = forms
    filled = fill(out / TALLY_M1, tmp_path / "m1.xlsx", 28, {8: (20, 5, 2, 1), 9: (25, 3, 0, 0)})
    before = master.read_bytes()
    preview = annex("import-ballots", master, filled)
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert "共 3 项可写入" in preview.stdout and master.read_bytes() == before
    proc = annex("import-ballots", master, filled, filled, "--apply")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "已写入 3 项变化" in proc.stdout and "只导入一次" in proc.stdout, proc.stdout
    assert ballots_of(master)["S3"] == (20, 5, 2, 1) and ballots_of(master)["S4"] == (25, 3, 0, 0)
    assert present_of(master, "M1") == 28
    again = annex("import-ballots", master, filled, "--apply")
    assert "已写入 0 项变化" in again.stdout, again.stdout
    check = annex("check", master, "--json", "--as-of", "2024-06-01")
    assert "meeting.attendance-missing" not in check.stdout


def test_hostile_tallies_change_nothing_they_should_not(forms, tmp_path: Path) -> None:
    master, out = forms
    src = out / TALLY_M1
    # a row of another meeting's secretary (S1 reported at M0) and a wrong name
    other = fill(src, tmp_path / "other.xlsx", 28, {8: (20, 5, 2, 1)})
    wb = openpyxl.load_workbook(other)
    ws = wb.worksheets[0]
    ws["A9"], ws["C9"], ws["D9"], ws["E9"], ws["F9"], ws["G9"] = "S1", "乙二", 9, 0, 0, 0
    ws["A10"], ws["C10"], ws["D10"], ws["E10"], ws["F10"], ws["G10"] = "S4", "张三", 9, 0, 0, 0
    wb.save(other)
    r = plan_ballots(master, [other])
    kinds = {(c.row, c.kind) for c in r.changes}
    assert (9, "无法对应") in kinds and (10, "无法对应") in kinds
    texts = " ".join(c.detail for c in r.changes)
    assert "示例党总支 乙二不在会议M1上述职" in texts and "与表中姓名不符" in texts
    assert not any(c.applies and c.sid in ("S1", "S4") for c in r.changes)
    # a formula where a count belongs, a partly filled row, ballots above 实到人数
    hostile = fill(src, tmp_path / "hostile.xlsx", 20, {8: ("=1+1", 5, 2, 1), 9: (25, 3, 0, 0)})
    r = plan_ballots(master, [hostile])
    notes = {c.row: c.detail for c in r.changes}
    assert "是公式（=1+1）" in notes[8] and "多于实到人数20人" in notes[9]
    assert not any(c.applies and c.sid for c in r.changes)
    # two files that disagree about one secretary: neither is written
    a = fill(src, tmp_path / "a.xlsx", 28, {8: (20, 5, 2, 1)})
    b = fill(src, tmp_path / "b.xlsx", 28, {8: (19, 6, 2, 1)})
    r = plan_ballots(master, [a, b])
    assert [c.kind for c in r.changes if c.sid == "S3"] == ["回执之间冲突", "回执之间冲突"]
    # an unknown 会议编号: refused whole
    wb = openpyxl.load_workbook(a)
    wb.worksheets[0]["B2"] = "M9"
    wb.save(tmp_path / "m9.xlsx")
    r = plan_ballots(master, [tmp_path / "m9.xlsx"])
    assert r.changes == [] and "会议编号“M9”在主表“会议”表中没有，整份未导入" in r.errors[0]
    # not a tally at all
    (tmp_path / "x.xlsx").write_bytes(b"not a workbook")
    assert "不是 Excel 工作簿" in plan_ballots(master, [tmp_path / "x.xlsx"]).errors[0]


def test_a_count_that_differs_from_the_master_is_a_conflict_and_exits_1(tmp_path: Path) -> None:
    master = new_workbook(tmp_path / "master.xlsx", valid())  # S3: 20/5/1/0, M1 实到 30
    out = tmp_path / "forms"
    make_ballots(master, out)
    filled = fill(out / TALLY_M1, tmp_path / "m1.xlsx", 29, {8: (21, 4, 1, 0), 9: (20, 5, 1, 0)})
    proc = annex("import-ballots", master, filled, "--apply")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "票数冲突" in proc.stdout and "实到人数冲突" in proc.stdout, proc.stdout
    assert "已写入 0 项变化" in proc.stdout
    assert ballots_of(master)["S3"] == (20, 5, 1, 0) and present_of(master, "M1") == 30


@pytest.mark.slow
def test_the_printed_ballot_has_a_row_and_four_boxes_per_secretary(forms, tmp_path: Path) -> None:
    import pdfplumber
    from test_pages import page_lines, to_pdf

    _, out = forms
    paper = out / "现场测评表-M1-示例党总支.docx"
    pdf = to_pdf([paper], tmp_path / "pdf")[paper]
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) == 1
        page = doc.pages[0]
        lines = page_lines(page)
        words = page.extract_words()
        header = page.extract_text() or ""
    assert lines[:2] == ["2023年度基层党组织书记抓党建述职评议", "现场测评表"], lines
    assert any("示例党总支述职评议会（会议编号M1）" in ln for ln in lines)
    assert any(ln.startswith("序号党组织书记好较好一般差") for ln in lines), lines
    assert any(ln == "1示例第一党支部丁四□□□□" for ln in lines), lines
    assert any(ln == "2示例第二党支部戊五□□□□" for ln in lines), lines
    assert "草稿" in header  # made with --draft: marked as the other outputs are
    assert (
        len([w for w in words if w["text"] == "□"]) >= 8
        or sum(w["text"].count("□") for w in words) == 8
    )


def test_the_summary_ballot_figures_agree_with_attendance_on_the_clean_demo(tmp_path: Path) -> None:
    """Issue 21's contradiction (151 ballots for 5 secretaries from a meeting of 22): on the
    clean demo every body's ballots fit its secretaries times those present, and 实到人数 is
    the 共N人 of 参会人员."""
    import re

    from builders import demo_copy

    from annex_tools.documents.summary import attendance_text, ballot_rows
    from annex_tools.institute import institute
    from annex_tools.usecases.check import check_workbook
    from annex_tools.workbook.reader import read_workbook

    made = demo_copy(tmp_path / "clean", mistakes=False)
    wb = read_workbook(made.workbook)
    codes = {f.code for f in check_workbook(wb, __import__("builders").TODAY).findings}
    assert not codes & {
        "meeting.attendance-missing", "meeting.attendance-diverge", "grade.ballots-exceed",
    }  # fmt: skip
    inst = institute(wb)
    rows = ballot_rows(inst)
    assert len(rows) == 9
    said = dict(re.findall(r"([^、实到]+?)(\d+)人", attendance_text(inst)))
    for r in rows:  # each body met once: its ballots fit its secretaries times those present
        assert int(r["cast"]) <= int(r["n"]) * int(said[r["name"]]), (r, said)


@pytest.mark.skipif(
    not __import__("page_helpers").have_browser(), reason="chromium and chromedriver"
)
def test_the_page_makes_the_tallies_previews_one_then_writes(tmp_path: Path) -> None:
    """The page's 现场测评表 and 导入测评统计 in Chromium: an upload is previewed, nothing is
    written until “确认写入”, and then exactly the counts of the preview."""
    from page_helpers import (
        chromium,
        click_and_wait,
        confirm_and_wait,
        pick,
        served,
        upload_and_preview,
    )  # fmt: skip

    folder = tmp_path / "述职评议"
    folder.mkdir()
    master = new_workbook(folder / "master.xlsx", unvoted())
    with served(folder) as url, chromium(tmp_path / "downloads") as driver:
        driver.get(url)
        pick(driver, "master.xlsx")
        message, error = click_and_wait(driver, "ballots")
        assert error == "" and "测评" in message, (message, error)
        made = next(folder.rglob(TALLY_M1))
        returned = fill(made, tmp_path / TALLY_M1, 28, {8: (20, 5, 2, 1), 9: (25, 3, 0, 0)})
        before = master.read_bytes()
        message, error, found = upload_and_preview(driver, "upload-tallies", returned, "import-ballots")
        assert error == "" and "共 3 项可写入" in message, (message, error)
        rows = [r.text for r in found]
        assert len(rows) == 3 and any("S3" in t or "丁四" in t for t in rows), rows
        assert master.read_bytes() == before
        message, error = confirm_and_wait(driver)
        assert error == "" and message.startswith("已写入 3 项"), (message, error)
    assert ballots_of(master)["S3"] == (20, 5, 2, 1) and present_of(master, "M1") == 28
