"""清除标记's headless twin: `clear-marks` removes what `check --write` marked, keeps a backup, and
refuses while an office suite holds the master."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from builders import valid
from cli_helpers import annex, check_json

from annex_tools.workbook.builder import new_workbook
from annex_tools.workbook.marking import MARK_FILLS

COLOURS = {f.fgColor.rgb for f in MARK_FILLS.values()}


def marks(path: Path) -> tuple[int, int, int]:
    """(cells filled with a mark colour, cells with the tool's comment, rows of 校验结果)."""
    wb = openpyxl.load_workbook(path)
    cells = [c for ws in wb.worksheets if ws.title != "校验结果" for row in ws.iter_rows() for c in row]
    filled = sum(c.fill.fill_type == "solid" and c.fill.fgColor.rgb in COLOURS for c in cells)
    noted = sum(c.comment is not None and c.comment.author == "annex-tools" for c in cells)
    return filled, noted, wb["校验结果"].max_row


def test_clear_marks_undoes_check_write_and_keeps_a_backup(tmp_path: Path) -> None:
    data = valid()
    data["rects"][0] = dict(data["rects"][0], 整改状态="差不多了")
    master = new_workbook(tmp_path / "master.xlsx", data)
    _, findings_before = check_json(master)
    assert annex("check", master, "--write").returncode == 1
    filled, noted, rows = marks(master)
    assert filled >= 1 and noted >= 1 and rows >= 2
    marked = master.read_bytes()
    proc = annex("clear-marks", master)
    assert proc.returncode == 0, proc.stderr
    assert f"已清除 {filled} 个单元格的标记" in proc.stdout, proc.stdout
    assert marks(master) == (0, 0, 1)
    backups = list((tmp_path / "备份").glob("master-*.xlsx"))
    assert any(b.read_bytes() == marked for b in backups)
    # the data is untouched: the same findings as before the marks
    assert check_json(master)[1]["findings"] == findings_before["findings"] != []


def test_clear_marks_refuses_while_the_master_is_open(tmp_path: Path) -> None:
    master = new_workbook(tmp_path / "master.xlsx", valid())
    annex("check", master, "--write")
    (tmp_path / "~$master.xlsx").write_bytes(b"\x00" * 165)
    before = master.read_bytes()
    proc = annex("clear-marks", master)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "master.xlsx" in proc.stdout + proc.stderr and "打开" in proc.stdout + proc.stderr
    assert master.read_bytes() == before

