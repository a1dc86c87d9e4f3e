"""Imports that only touch what they are sure of: returned Annex 2 tables and report files, on
real files through the real CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from builders import valid
from cli_helpers import annex
from docx_builders import BASIC, make_docx

from annex_tools.workbook.builder import new_workbook

# The generated Annex 2 of 示例党总支: row 3 填表部门, row 6 header, row 7 示例第一党支部 (丁四),
# row 8 示例第二党支部 (戊五), rows 9-10 the 注 lines.


def setup(tmp_path: Path, data: dict | None = None, *extra: str) -> tuple[Path, Path]:
    master = new_workbook(tmp_path / "master.xlsx", data or valid())
    proc = annex("annex2", master, "--out", tmp_path / "a2", *extra)
    assert proc.returncode == 0, proc.stderr
    return master, tmp_path / "a2" / "附件2-示例党总支.xlsx"


def edit(path: Path, dst: Path | None = None, **cells: object) -> Path:
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for ref, value in cells.items():
        ws[ref].value = value
    dst = dst or path
    wb.save(dst)
    return dst


def rect_rows(master: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(master)["整改"]
    return [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0]]


def clear_grade(master: Path, sid: str) -> None:
    wb = openpyxl.load_workbook(master)
    ws = wb["评议"]
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == sid:
            row[headers.index("综合评价等次")].value = None
    wb.save(master)


@pytest.mark.parametrize(
    ("department", "says"),
    [("示列党总支", "不一致"), ("", "没有填写“填表部门”"), ("安保后勤直属党支部", "不一致")],
    ids=["misspelt", "blank", "a body without branches"],
)
def test_a_return_from_an_unknown_body_changes_nothing(
    tmp_path: Path, department: str, says: str
) -> None:
    master, ret = setup(tmp_path)
    edit(ret, A3=f"填表部门：{department}", E7="1. 新问题甲", F7="1. 新措施（2024年3月31日前）")
    before = master.read_bytes()
    proc = annex("import-returns", master, ret, "--apply")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert ret.name in proc.stderr and says in proc.stderr and "整份未导入" in proc.stderr
    assert master.read_bytes() == before
    assert not (tmp_path / "备份").exists()


def test_a_space_in_the_department_still_matches_exactly(tmp_path: Path) -> None:
    master, ret = setup(tmp_path)
    edit(ret, A3="填表部门：示例 党总支", E7="1. 新问题甲", F7="1. 新措施（2024年3月31日前）")
    n = len(rect_rows(master))
    proc = annex("import-returns", master, ret, "--apply")
    assert proc.returncode == 0 and "已写入 1 项" in proc.stdout, proc.stdout + proc.stderr
    assert len(rect_rows(master)) == n + 1


def test_a_return_whose_rows_belong_elsewhere_is_refused(tmp_path: Path) -> None:
    data = valid()
    data["orgs"].append(
        {"组织编号": "G3", "组织名称": "另一党总支", "组织类型": "党总支", "上级组织编号": "P",
         "书记姓名": "庚七", "书记工号": "T7"}
    )  # fmt: skip
    data["orgs"][3]["上级组织编号"] = "G3"  # 示例第一党支部 now belongs to 另一党总支
    data["orgs"].append(
        {"组织编号": "B5", "组织名称": "示例第三党支部", "组织类型": "在职党支部",
         "上级组织编号": "G1", "书记姓名": "辛八", "书记工号": "T8"}
    )  # fmt: skip
    master, _ = setup(tmp_path, data, "--draft")  # the moved branch leaves findings
    ret = tmp_path / "a2" / "附件2-另一党总支.xlsx"
    # 另一党总支's form filled with 示例党总支's branch only: the department and rows disagree
    edit(ret, B7="示例第二党支部", C7="戊五", E7="1. 张冠李戴的问题")
    before = master.read_bytes()
    proc = annex("import-returns", master, ret, "--apply")
    assert proc.returncode == 2 and "与填表部门不符" in proc.stderr, proc.stdout + proc.stderr
    assert master.read_bytes() == before


def test_rows_match_only_their_own_branches_exactly(tmp_path: Path) -> None:
    master, ret = setup(tmp_path)
    edit(
        ret,
        B7="第一党支部", E7="1. 子串不算匹配",  # a substring of 示例第一党支部
        B8="示例第二党支部", C8="戊五丰", E8="1. 姓名不符",  # the branch's secretary is 戊五
    )  # fmt: skip
    n = len(rect_rows(master))
    proc = annex("import-returns", master, ret, "--apply")
    assert proc.returncode == 1, proc.stderr  # rows held back (issue 22: exit 1)
    assert proc.stdout.count("│ 无法对应") == 2 and "“戊五”" in proc.stdout, proc.stdout
    assert "已写入 0 项" in proc.stdout
    assert len(rect_rows(master)) == n


def test_returns_that_disagree_are_conflicts_not_applied(tmp_path: Path) -> None:
    master, ret = setup(tmp_path)
    clear_grade(master, "S3")
    first = edit(ret, tmp_path / "第一次.xlsx", D7="好")
    second = edit(ret, tmp_path / "第二次.xlsx", D7="差")
    before = master.read_bytes()
    proc = annex("import-returns", master, first, second, "--apply")
    assert proc.returncode == 1, proc.stderr  # conflicts held back (issue 22: exit 1)
    assert proc.stdout.count("回执之间冲突") == 2 and "已写入 0 项" in proc.stdout, proc.stdout
    assert master.read_bytes() == before


def test_a_measure_that_differs_from_the_master_is_a_conflict(tmp_path: Path) -> None:
    master, ret = setup(tmp_path)
    edit(ret, F7="1. 完全不同的措施（2024年4月30日前）")  # the master says 措施
    before = master.read_bytes()
    proc = annex("import-returns", master, ret, "--apply")
    assert "措施冲突" in proc.stdout and "已写入 0 项" in proc.stdout, proc.stdout
    assert master.read_bytes() == before


def test_the_same_return_twice_in_one_command_and_again_adds_once(tmp_path: Path) -> None:
    master, ret = setup(tmp_path)
    edit(
        ret,
        E7="1. 问题\n2. 新增的问题",
        F7="1. 措施（2024年4月30日前）\n2. 新措施（2024年6月30日前）",
    )
    copy = shutil.copy(ret, tmp_path / "同一份-再发一次.xlsx")
    n = len(rect_rows(master))
    proc = annex("import-returns", master, ret, ret, copy, "--apply")
    assert proc.returncode == 0, proc.stderr
    assert "已写入 1 项" in proc.stdout and proc.stdout.count("重复的回执") == 2, proc.stdout
    assert len(rect_rows(master)) == n + 1
    before = master.read_bytes()
    again = annex("import-returns", master, ret, "--apply")
    assert "已写入 0 项" in again.stdout, again.stdout
    assert master.read_bytes() == before  # nothing to write: the file is not even rewritten


def test_every_sheet_is_looked_at_and_rows_below_the_notes_are_listed(tmp_path: Path) -> None:
    master, ret = setup(tmp_path)
    wb = openpyxl.load_workbook(ret)
    real = wb.active
    decoy = wb.copy_worksheet(real)
    decoy.title = "旧表"
    for r in (7, 8):
        for c in range(1, 7):
            decoy.cell(row=r, column=c).value = None
    wb.move_sheet(decoy, offset=-1)  # the empty copy comes first
    real["E7"].value = "1. 问题\n2. 正式表中的新问题"
    real["B12"].value = "示例第二党支部"  # typed below the 注 lines
    real["C12"].value = "戊五"
    real["E12"].value = "1. 注下方的问题"
    wb.save(ret)
    n = len(rect_rows(master))
    proc = annex("import-returns", master, ret, "--apply")
    assert proc.returncode == 1, proc.stderr  # a row below the 注 held back (issue 22: exit 1)
    assert "未读取的工作表" in proc.stdout and "“旧表”" in proc.stdout, proc.stdout
    assert "未读取的行" in proc.stdout and "第12行" in proc.stdout
    assert "已写入 1 项" in proc.stdout
    assert [r for r in rect_rows(master)[n:] if "正式表中的新问题" in str(r)]
    # two filled Annex 2 sheets: which one counts cannot be known, so nothing is imported
    wb = openpyxl.load_workbook(ret)
    wb["旧表"]["B7"].value, wb["旧表"]["C7"].value = "示例第一党支部", "丁四"
    wb["旧表"]["E7"].value = "1. 另一张表的问题"
    wb.save(ret)
    before = master.read_bytes()
    proc = annex("import-returns", master, ret, "--apply")
    assert proc.returncode == 2 and "多个填了内容的附件2工作表" in proc.stderr, proc.stderr
    assert master.read_bytes() == before


# ---- import-reports -------------------------------------------------------------------------


def test_reports_are_matched_by_whole_organization_and_name_only(tmp_path: Path) -> None:
    data = valid()
    data["orgs"][4]["组织名称"] = "示例第一党支部二"  # B2: contains B1's name ...
    data["orgs"][4]["书记姓名"] = data["subs"][3]["书记姓名"] = "丁四丰"  # ... and 丁四's
    master = new_workbook(tmp_path / "master.xlsx", data)
    folder = tmp_path / "报告"
    folder.mkdir()
    make_docx(folder / "示例第一党支部二-丁四丰-述职报告.docx", BASIC)
    make_docx(folder / "示例党总支 乙二 述职报告.docx", BASIC)
    make_docx(folder / "安保后勤直属党支部-丙三-述职报告.docx", BASIC)
    make_docx(folder / "安保后勤直属党支部-丙三-述职报告（修改稿）.docx", BASIC)
    make_docx(folder / "示例第一党支部-示例第一党支部二-丁四-丁四丰.docx", BASIC)
    make_docx(folder / "不知是谁的报告.docx", BASIC)
    proc = annex("import-reports", master, folder)
    # the ambiguous files are held back for a person: the run says so and exits 1
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    assert "无法确定或与主表不同，未写入" in out, out
    assert "已填写 2 份" in out and "缺少报告 2 份" in out, out
    assert "缺少报告：示例第一党支部 丁四" in out  # 丁四 did not receive 丁四丰's report
    assert "缺少报告：安保后勤直属党支部 丙三" in out and "有多份报告" in out
    assert "可能属于多位书记" in out and "不知是谁的报告.docx" in out
    ws = openpyxl.load_workbook(master)["述职"]
    headers = [c.value for c in ws[1]]
    files = {r[0]: r[headers.index("报告文件")] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert files["S4"].endswith("示例第一党支部二-丁四丰-述职报告.docx")
    assert files["S1"].endswith("示例党总支 乙二 述职报告.docx")
    assert not files["S3"] and not files["S2"]


def test_a_return_records_the_day_it_came_in_once(tmp_path: Path) -> None:
    """The deadline ledger: import-returns writes 附件2收到日期 (the import day) on the 党总支's
    组织 row when it is empty, and never changes it afterwards."""
    data = valid()
    data["orgs"][1]["附件2收到日期"] = ""  # G1, 示例党总支
    master, ret = setup(tmp_path, data, "--draft")
    preview = annex("import-returns", master, ret, "--as-of", "2024-01-21")
    assert "收到日期" in preview.stdout and "2024年1月21日" in preview.stdout, preview.stdout
    proc = annex("import-returns", master, ret, "--apply", "--as-of", "2024-01-21")
    assert proc.returncode == 0, proc.stderr
    assert "已写入 1 项" in proc.stdout, proc.stdout

    def received() -> object:
        ws = openpyxl.load_workbook(master)["组织"]
        col = [c.value for c in ws[1]].index("附件2收到日期") + 1
        return ws.cell(row=3, column=col).value

    assert str(received())[:10] == "2024-01-21"
    again = annex("import-returns", master, ret, "--apply", "--as-of", "2024-01-25")
    assert "已写入 0 项" in again.stdout, again.stdout
    assert str(received())[:10] == "2024-01-21"
    check = annex("check", master, "--json", "--as-of", "2024-02-01")
    assert "deadline.annex2-received" not in check.stdout
