"""整改进展 on a form and back (issue 20, item 3): `rectification-forms` writes one form per
二级党组织 with its open rectifications; the filled forms come back through `import-rectifications`
with the Annex 2 machinery (dry run by default, --apply, conflicts held back with exit 1, nothing
written into another body's items), tested with hostile forms: another body's item, a formula,
impossible values, a status moved back, a different 完成日期, a rewritten 进展说明, two forms that
disagree, the same form twice, a form of no 二级党组织, an older master without 进展说明."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from builders import row_of, valid
from cli_helpers import annex
from excel_strict import strictness_problems

from annex_tools.usecases.intake import plan_rect_progress
from annex_tools.workbook.builder import new_workbook

TODAY = "2024-03-01"
DAY = dt.date(2024, 3, 1)
G1, G2 = "整改进展-G1-示例党总支.xlsx", "整改进展-G2-安保后勤直属党支部.xlsx"


def open_items() -> dict:
    """The valid institute in February: R1 (示例党总支's own secretary), R2 (安保后勤直属党支部),
    R3 and R4 (示例党总支's 在职党支部) not yet done."""
    data = valid()
    for rid, status in (("R1", "整改中"), ("R2", "整改中"), ("R3", "整改中"), ("R4", "未开始")):
        row_of(data, "rects", "整改编号", rid).update(
            {"整改状态": status, "完成日期": "", "核验情况": ""}
        )
    return data


@pytest.fixture
def forms(tmp_path: Path) -> tuple[Path, Path]:
    master = new_workbook(tmp_path / "master.xlsx", open_items())
    out = tmp_path / "forms"
    proc = annex("rectification-forms", master, "--out", out, "--as-of", TODAY)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(p.name for p in out.glob("*.xlsx")) == [G1, G2]
    return master, out


def fill(src: Path, dst: Path, rows: dict[int, tuple], **cells: object) -> Path:
    """Fill a 整改进展表 as a body would: 整改状态, 完成日期, 进展说明 (H:J) from row 7 on."""
    wb = openpyxl.load_workbook(src)
    ws = wb.worksheets[0]
    for row, values in rows.items():
        for col, value in zip("HIJ", values, strict=True):
            ws[f"{col}{row}"] = value
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(dst)
    return dst


def rects_of(master: Path) -> dict[str, tuple]:
    ws = openpyxl.load_workbook(master)["整改"]
    h = [c.value for c in ws[1]]
    cols = [h.index(c) if c in h else None for c in ("整改状态", "完成日期", "进展说明")]
    out = {}
    for r in ws.iter_rows(min_row=2, values_only=True):
        if r[0]:
            got = [None if c is None else r[c] for c in cols]
            if isinstance(got[1], dt.datetime):
                got[1] = got[1].date()
            out[r[0]] = tuple(got)
    return out


def test_the_form_lists_the_body_s_open_items_and_is_what_office_accepts(forms) -> None:
    _, out = forms
    assert strictness_problems(out / G1) == []
    ws = openpyxl.load_workbook(out / G1).worksheets[0]
    assert (ws["A2"].value, ws["B2"].value, ws["B3"].value) == ("组织编号", "G1", "示例党总支")
    assert [ws.cell(row=6, column=c).value for c in range(1, 11)] == [
        "整改编号", "述职编号", "党组织", "书记姓名", "存在问题", "整改措施", "整改时限",
        "整改状态", "完成日期", "进展说明",
    ]  # fmt: skip
    # its own secretary's item and its branches' items; not 安保后勤直属党支部's
    assert [(ws[f"A{r}"].value, ws[f"D{r}"].value, ws[f"H{r}"].value) for r in (7, 8, 9)] == [
        ("R1", "乙二", "整改中"), ("R3", "丁四", "整改中"), ("R4", "戊五", "未开始"),
    ]  # fmt: skip
    assert ws["A10"].value is None
    other = openpyxl.load_workbook(out / G2).worksheets[0]
    assert other["A7"].value == "R2" and other["A8"].value is None


def test_the_round_trip_through_the_cli_writes_only_with_apply(forms, tmp_path: Path) -> None:
    master, out = forms
    filled = fill(out / G1, tmp_path / "g1.xlsx", {
        8: ("已完成", dt.date(2024, 2, 20), "已整改，见支部委员会会议记录"),
        9: ("整改中", None, "已制定整改方案"),
    })  # fmt: skip
    before = master.read_bytes()
    preview = annex("import-rectifications", master, filled, "--as-of", TODAY)
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert "共 2 项可写入" in preview.stdout and master.read_bytes() == before
    proc = annex("import-rectifications", master, filled, filled, "--apply", "--as-of", TODAY)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "已写入 2 项变化" in proc.stdout and "只导入一次" in proc.stdout, proc.stdout
    got = rects_of(master)
    assert got["R3"] == ("已完成", dt.date(2024, 2, 20), "已整改，见支部委员会会议记录")
    assert got["R4"] == ("整改中", None, "已制定整改方案")
    assert got["R1"] == ("整改中", None, None) and got["R2"] == ("整改中", None, None)
    again = annex("import-rectifications", master, filled, "--apply", "--as-of", TODAY)
    assert again.returncode == 0 and "已写入 0 项变化" in again.stdout, again.stdout
    # the next round: the note goes on; a note that rewrites the master's is held back
    more = fill(
        out / G1, tmp_path / "more.xlsx", {9: ("整改中", None, "已制定整改方案；3月已完成一半")}
    )
    r = plan_rect_progress(master, [more], DAY)
    assert [(c.kind, c.applies) for c in r.changes if "R4" in c.detail] == [("整改进展", True)]
    other = fill(out / G1, tmp_path / "other.xlsx", {9: ("整改中", None, "另起一段")})
    r = plan_rect_progress(master, [other], DAY)
    assert [c.kind for c in r.changes if "R4" in c.detail] == ["进展冲突"]


def test_hostile_forms_change_nothing_they_should_not(forms, tmp_path: Path) -> None:
    master, out = forms
    # 安保后勤直属党支部's form naming 示例党总支's item R3: not its own, never written
    wb = openpyxl.load_workbook(out / G2)
    ws = wb.worksheets[0]
    ws["A8"], ws["B8"], ws["H8"], ws["I8"] = "R3", "S3", "已完成", dt.date(2024, 2, 1)
    wb.save(tmp_path / "cross.xlsx")
    r = plan_rect_progress(master, [tmp_path / "cross.xlsx"], DAY)
    assert [(c.kind, c.applies) for c in r.changes] == [("无法对应", False)]
    assert "R3不是安保后勤直属党支部的整改项" in r.changes[0].detail
    # a formula, a bad status, 已完成 without a day, a day after today
    bad = fill(out / G1, tmp_path / "bad.xlsx", {
        7: ("=\"已完成\"", None, ""), 8: ("完成了", None, ""),
        9: ("已完成", None, "做完了"),
    })  # fmt: skip
    r = plan_rect_progress(master, [bad], DAY)
    notes = {c.row: c.detail for c in r.changes}
    assert "是公式" in notes[7] and "不是未开始、整改中、已完成之一" in notes[8]
    assert "已完成但没有填完成日期" in notes[9]
    assert not any(c.applies for c in r.changes)
    late = fill(out / G1, tmp_path / "late.xlsx", {8: ("已完成", dt.date(2024, 5, 1), "")})
    assert "晚于导入所按的日期" in plan_rect_progress(master, [late], DAY).changes[0].detail
    # a status moved back: the whole row is held back, its note too
    back = fill(out / G1, tmp_path / "back.xlsx", {7: ("未开始", None, "重新开始")})
    r = plan_rect_progress(master, [back], DAY)
    assert [(c.kind, c.applies) for c in r.changes] == [("进展冲突", False)]
    assert "主表已是“整改中”" in r.changes[0].detail
    # two forms that disagree about one item: neither is written
    a = fill(out / G1, tmp_path / "a.xlsx", {8: ("已完成", dt.date(2024, 2, 20), "")})
    b = fill(out / G1, tmp_path / "b.xlsx", {8: ("已完成", dt.date(2024, 2, 21), "")})
    r = plan_rect_progress(master, [a, b], DAY)
    assert [c.kind for c in r.changes] == ["回执之间冲突", "回执之间冲突"]
    # a form of no 二级党组织 (a branch's id), and not a form at all: refused whole
    branch = fill(
        out / G1, tmp_path / "branch.xlsx", {8: ("已完成", dt.date(2024, 2, 20), "")}, B2="B1"
    )
    r = plan_rect_progress(master, [branch], DAY)
    assert r.changes == [] and "组织编号“B1”不是主表中的二级党组织，整份未导入" in r.errors[0]
    (tmp_path / "x.xlsx").write_bytes(b"not a workbook")
    assert plan_rect_progress(master, [tmp_path / "x.xlsx"], DAY).errors
    # through the CLI: what was held back makes exit 1 and the master is unchanged
    before = rects_of(master)
    proc = annex("import-rectifications", master, tmp_path / "cross.xlsx", back, "--apply",
                 "--as-of", TODAY)  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "已写入 0 项变化" in proc.stdout and rects_of(master) == before


def test_a_different_completion_day_is_a_conflict_and_an_older_master_keeps_its_status(
    forms, tmp_path: Path
) -> None:
    master, out = forms
    first = fill(out / G1, tmp_path / "first.xlsx", {8: ("已完成", dt.date(2024, 2, 20), "")})
    assert (
        annex("import-rectifications", master, first, "--apply", "--as-of", TODAY).returncode == 0
    )
    second = fill(out / G1, tmp_path / "second.xlsx", {8: ("已完成", dt.date(2024, 2, 22), "")})
    r = plan_rect_progress(master, [second], DAY)
    assert [c.kind for c in r.changes] == ["进展冲突"]
    assert "完成日期：表中为2024年2月22日，主表为2024年2月20日" in r.changes[0].detail
    # a master from before the 进展说明 column: a note has nowhere to go and is said so
    old = tmp_path / "old.xlsx"
    wb = openpyxl.load_workbook(new_workbook(old, open_items()))
    ws = wb["整改"]
    ws.delete_cols([c.value for c in ws[1]].index("进展说明") + 1)
    wb.save(old)
    noted = fill(out / G1, tmp_path / "noted.xlsx", {9: ("整改中", None, "已制定方案")})
    r = plan_rect_progress(old, [noted], DAY)
    assert [c.kind for c in r.changes] == ["进展冲突"] and "没有“进展说明”列" in r.changes[0].detail


def test_the_buttons_make_the_forms_and_import_them_from_the_inbox(
    forms, tmp_path: Path, monkeypatch
) -> None:
    from fake_xlwings import App, Book

    from annex_tools import excel

    master, out = forms
    book = Book(master, App())
    monkeypatch.setattr(excel.adapter, "calling_book", lambda: book)
    monkeypatch.setattr("annex_tools.excel.buttons._today", lambda: DAY)
    excel.make_rect_forms()
    assert "整改进展表" in str(book.app.alerts[-1]["prompt"])
    assert sorted(p.name for p in (tmp_path / "2023年度整改进展表").glob("*.xlsx")) == [G1, G2]
    excel.import_rect_progress()
    assert "整改进展" in str(book.app.alerts[-1]["prompt"])  # empty inbox: where to put them
    inbox = tmp_path / "整改进展"
    inbox.mkdir()
    fill(out / G1, inbox / G1, {8: ("已完成", dt.date(2024, 2, 20), "见会议记录")})
    excel.import_rect_progress()
    assert "已写入" in str(book.app.alerts[-1]["prompt"]), book.app.alerts[-1]


@pytest.mark.skipif(
    not __import__("page_helpers").have_browser(), reason="chromium and chromedriver"
)
def test_the_page_makes_the_forms_previews_a_return_then_writes(tmp_path: Path) -> None:
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
    master = new_workbook(folder / "master.xlsx", open_items())
    with served(folder) as url, chromium(tmp_path / "downloads") as driver:
        driver.get(url)
        pick(driver, "master.xlsx")
        message, error = click_and_wait(driver, "rectification-forms")
        assert error == "" and "整改进展表" in message, (message, error)
        made = folder / "2023年度整改进展表" / G1
        returned = fill(made, tmp_path / G1, {
            7: ("未开始", None, ""),  # moved back: a conflict, not written
            8: ("已完成", dt.date(2024, 2, 20), "见会议记录"),
        })  # fmt: skip
        before = master.read_bytes()
        message, error, found = upload_and_preview(
            driver, "upload-progress", returned, "import-rectifications"
        )
        assert error == "" and "还没有写入" in message, (message, error)
        rows = [r.text for r in found]
        assert any("进展冲突" in t for t in rows) and any("整改进展" in t for t in rows), rows
        assert master.read_bytes() == before and (folder / "整改进展" / G1).is_file()
        message, error = confirm_and_wait(driver)
        assert error == "" and message.startswith("已写入 1 项"), (message, error)
    got = rects_of(master)
    assert got["R3"][:2] == ("已完成", dt.date(2024, 2, 20)) and got["R1"][0] == "整改中"


def test_the_import_button_writes_nothing_when_the_dialog_is_cancelled(
    forms, tmp_path: Path, monkeypatch
) -> None:
    from fake_xlwings import App, Book

    from annex_tools import excel

    master, out = forms
    inbox = tmp_path / "整改进展"
    inbox.mkdir()
    fill(out / G1, inbox / G1, {8: ("已完成", dt.date(2024, 2, 20), "见会议记录")})
    book = Book(master, App(answer="cancel"))
    monkeypatch.setattr(excel.adapter, "calling_book", lambda: book)
    monkeypatch.setattr("annex_tools.excel.buttons._today", lambda: DAY)
    excel.import_rect_progress()
    asked = [a for a in book.app.alerts if a["buttons"] == "ok_cancel"]
    assert len(asked) == 1 and "R3" in asked[0]["prompt"], book.app.alerts
    assert book.app.alerts[-1]["prompt"] == "已取消，主表未修改。"
    assert status_in_book(book, "R3") == "整改中"
    book.app.answer = "ok"
    excel.import_rect_progress()
    assert status_in_book(book, "R3") == "已完成"


def status_in_book(book, rid: str) -> object:  # type: ignore[no-untyped-def]
    ws = book.xl["整改"]
    h = [c.value for c in ws[1]]
    return next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == rid)[
        h.index("整改状态")
    ]
