"""hr-export: one row per person (by 书记工号), read back from the written .xlsx."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from builders import row_of, valid
from cli_helpers import annex

from annex_tools.usecases.hr import HEADER_ROW, HEADERS
from annex_tools.workbook.builder import new_workbook


def _master(tmp_path: Path) -> Path:
    data = valid()
    # 乙二 (T1) leads G1 (好) and also B1 (较好): one person, 优秀 not allowed
    org = row_of(data, "orgs", "组织编号", "B1")
    org["书记姓名"], org["书记工号"] = "乙二", "T1"
    sub = row_of(data, "subs", "述职编号", "S3")
    sub["书记姓名"], sub["书记工号"] = "乙二", "T1"
    row_of(data, "grades", "述职编号", "S2")["综合评价等次"] = ""  # 丙三 not graded yet
    path = tmp_path / "master.xlsx"
    new_workbook(path, {k: v for k, v in data.items()})
    return path


def test_one_row_per_person_with_roles_and_reason(tmp_path: Path) -> None:
    master = _master(tmp_path)
    out = tmp_path / "名单.xlsx"
    proc = annex("hr-export", master, "--out", out)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[HEADER_ROW] == HEADERS
    by_staff = {r[0]: r for r in rows[HEADER_ROW + 1 :]}
    assert sorted(by_staff) == ["T1", "T2", "T4"]  # 乙二 once, though two 述职 rows
    t1 = by_staff["T1"]
    assert "示例党总支书记：好" in t1[2] and "示例第一党支部书记：较好" in t1[2]
    assert (t1[3], t1[5]) == ("较好", "不可以")
    assert "示例第一党支部书记" in t1[6] and "较好" in t1[6]
    assert by_staff["T4"][5] == "可以"  # 戊五: 好 only
    assert by_staff["T2"][5] == "待定"  # 丙三: not graded
    assert "2 人" not in proc.stdout and "3 人" in proc.stdout


def test_conflicting_appraisal_is_highlighted_and_a_master_with_errors_is_a_draft(
    tmp_path: Path,
) -> None:
    """乙二 may not be 优秀 (较好 as B1's secretary) but 年度考核等次 already says 优秀: the cell
    and the reason are highlighted; that entry is itself an error (grade.linkage-excellent),
    so the list is a draft on the sheet and in the printed header; dated, with its source."""
    data = valid()
    org = row_of(data, "orgs", "组织编号", "B1")
    org["书记姓名"], org["书记工号"] = "乙二", "T1"
    sub = row_of(data, "subs", "述职编号", "S3")
    sub["书记姓名"], sub["书记工号"] = "乙二", "T1"
    row_of(data, "grades", "述职编号", "S3")["年度考核等次"] = "优秀"
    master = new_workbook(tmp_path / "master.xlsx", data)
    out = tmp_path / "名单.xlsx"
    proc = annex("hr-export", master, "--out", out, "--as-of", "2024-06-01")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert "乙二" in proc.stdout and "草稿" in proc.stdout
    ws = openpyxl.load_workbook(out).active
    assert "草稿" in ws.title and ws["A3"].value.startswith("草稿")
    assert "草稿" in ws.oddHeader.center.text
    assert "2024-06-01" in ws["A2"].value and "master.xlsx" in ws["A2"].value
    assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
    t1 = next(r for r in ws.iter_rows(min_row=HEADER_ROW + 2) if r[0].value == "T1")
    assert t1[4].value == "优秀" and t1[4].fill.fgColor.rgb.endswith("FFC7CE")
    assert "已填“优秀”" in t1[6].value and t1[6].fill.fgColor.rgb.endswith("FFC7CE")
    others = [r for r in ws.iter_rows(min_row=HEADER_ROW + 2) if r[0].value not in ("T1", None)]
    assert others and all(not (r[4].fill.fgColor.rgb or "").endswith("FFC7CE") for r in others)
    # the header row is tall enough for its wrapped headers ("年度考核等次（已填）": 2 lines)
    assert ws.row_dimensions[HEADER_ROW + 1].height >= 30
