"""check --write and the safe-write helper, on real files: marks, the 校验结果 sheet, the lock,
the backup, atomic replacement, and everything staff and the build put in the file kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from builders import valid
from cli_helpers import annex
from openpyxl.workbook.defined_name import DefinedName
from xlsm_helpers import RIBBON_REL, make_xlsm, parts

from annex_tools.contract.errors import LockedError
from annex_tools.workbook.builder import build_workbook
from annex_tools.workbook.safewrite import BACKUP_DIR, update_master


def broken_data() -> dict:
    data = valid()
    data["grades"][1]["年度考核等次"] = "优秀"  # S2 较好 + 优秀 -> 评议 row 3
    return data


def staff_workbook(path: Path) -> Path:
    wb = build_workbook(broken_data())
    notes = wb.create_sheet("工作人员笔记")
    notes["A1"] = "这一页是工作人员自己加的"
    ws = wb["评议"]
    ws.cell(row=1, column=20, value="内部备注")
    ws.cell(row=3, column=20, value="已电话沟通")
    wb.defined_names["my_range"] = DefinedName("my_range", attr_text="'工作人员笔记'!$A$1")
    wb.save(path)
    return path


def test_write_marks_cells_and_records_results(tmp_path: Path) -> None:
    path = staff_workbook(tmp_path / "master.xlsx")
    proc = annex("check", path, "--write", "--as-of", "2024-06-01")
    assert proc.returncode == 1, proc.stderr
    wb = openpyxl.load_workbook(path)
    cell = wb["评议"]["L3"]  # 年度考核等次 of S2
    assert cell.comment is not None and "优秀" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    results = wb["校验结果"]
    assert [c.value for c in results[1]][:3] == ["序号", "严重程度", "规则代码"]
    assert results["C2"].value == "grade.linkage-excellent" and results["G2"].value == "L3"
    assert results["G2"].hyperlink.location == "'评议'!L3"
    # staff additions, tables, validations and names survive
    assert wb["工作人员笔记"]["A1"].value == "这一页是工作人员自己加的"
    assert wb["评议"].cell(row=3, column=20).value == "已电话沟通"
    assert "my_range" in wb.defined_names and "lst_grade" in wb.defined_names
    assert "tblGrades" in wb["评议"].tables
    assert any(dv.formula1 == "lst_grade" for dv in wb["评议"].data_validations.dataValidation)
    assert len(list((tmp_path / BACKUP_DIR).glob("master-*.xlsx"))) == 1


def test_fixed_mistake_loses_its_mark_on_the_next_run(tmp_path: Path) -> None:
    path = staff_workbook(tmp_path / "master.xlsx")
    annex("check", path, "--write", "--as-of", "2024-06-01")
    wb = openpyxl.load_workbook(path)
    wb["评议"]["L3"] = "合格"
    wb.save(path)
    proc = annex("check", path, "--write", "--as-of", "2024-06-01")
    assert proc.returncode == 0
    wb = openpyxl.load_workbook(path)
    assert wb["评议"]["L3"].comment is None
    assert wb["评议"]["L3"].fill.fill_type is None
    assert wb["校验结果"]["A2"].value is None


def test_write_refuses_while_excel_holds_the_file(tmp_path: Path) -> None:
    path = staff_workbook(tmp_path / "master.xlsx")
    (tmp_path / "~$master.xlsx").write_bytes(b"owner")
    before = path.read_bytes()
    proc = annex("check", path, "--write")
    assert proc.returncode == 2
    assert "Excel" in proc.stderr and "master.xlsx" in proc.stderr
    assert path.read_bytes() == before
    assert not (tmp_path / BACKUP_DIR).exists()


def test_failed_change_leaves_master_untouched(tmp_path: Path) -> None:
    path = staff_workbook(tmp_path / "master.xlsx")
    before = path.read_bytes()

    def boom(wb: openpyxl.Workbook) -> None:
        wb["评议"]["A2"] = "changed"
        raise RuntimeError("mid-change failure")

    with pytest.raises(RuntimeError):
        update_master(path, boom)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".annex-")] == []


def test_lock_error_type(tmp_path: Path) -> None:
    path = staff_workbook(tmp_path / "master.xlsx")
    (tmp_path / "~$master.xlsx").write_bytes(b"")
    with pytest.raises(LockedError):
        update_master(path, lambda wb: None)


def test_xlsm_keeps_vba_project_and_ribbon(tmp_path: Path) -> None:
    path = make_xlsm(tmp_path / "master.xlsm", broken_data())
    before = parts(path)
    proc = annex("check", path, "--write", "--as-of", "2024-06-01")
    assert proc.returncode == 1, proc.stderr
    after = parts(path)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert after["customUI/customUI.xml"] == before["customUI/customUI.xml"]
    assert RIBBON_REL.encode() in after["_rels/.rels"]
    assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in after["[Content_Types].xml"]
    # an independent VBA reader still finds the module and its code
    # from the project's environment (`python -m oletools.olevba`), not whatever `olevba` is on PATH
    olevba = subprocess.run(
        [sys.executable, "-m", "oletools.olevba", "--code", str(path)], capture_output=True, text=True
    )
    assert "Sub OnCheck(control As IRibbonControl)" in olevba.stdout
    wb = openpyxl.load_workbook(path, keep_vba=True)
    assert wb["评议"]["I3"].comment is not None
