"""One safe-file-name function and one formula-safe cell writer, tried as an adversary would."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from builders import valid
from cli_helpers import annex

from annex_tools.contract.text import filename_key, safe_filename, unique_filenames
from annex_tools.usecases.outputs import MANIFEST
from annex_tools.workbook.builder import new_workbook

SRC = Path(__file__).resolve().parents[1] / "src" / "annex_tools"

# ---- file names ------------------------------------------------------------------------------

HOSTILE = [
    "张/三", "张_三", "张:三", "CON", "nul", "com1.txt", "..", "../../etc/passwd", "..\\..\\x",
    "/abs/path", "C:\\Windows", " lead", "trail. ", "ab", "AB", "长" * 200, "长" * 200 + "乙",
    "a" * 300, "控\x01制\x0b字符", "=SUM(A1)", "",
]  # fmt: skip


@pytest.mark.parametrize("name", HOSTILE)
def test_safe_filename_fits_keeps_extension_and_stays_in_folder(tmp_path: Path, name: str) -> None:
    for ext in (".docx", ".xlsx", ""):
        safe = safe_filename(name + ext)
        assert 0 < len(safe.encode("utf-8")) <= 255
        assert safe.endswith(ext)
        assert "/" not in safe and "\\" not in safe and safe not in (".", "..")
        assert safe.split(".")[0].upper() not in {"CON", "NUL", "COM1", "PRN", "AUX"}
        path = tmp_path / safe
        path.write_bytes(b"x")  # the file system accepts it, inside the folder
        assert path.resolve().parent == tmp_path.resolve()


def test_unique_filenames_give_every_person_a_distinct_file(tmp_path: Path) -> None:
    wanted = [(f"{n}-述职报告.docx", f"S{i}") for i, n in enumerate(HOSTILE)]
    wanted += [("张/三-述职报告.docx", "")] * 3  # no distinguishing part at all
    names = unique_filenames(wanted)
    assert len({filename_key(n) for n in names}) == len(wanted)
    assert all(len(n.encode()) <= 255 and n.endswith(".docx") for n in names)
    assert "张_三-述职报告-S0.docx" in names and "张_三-述职报告-S1.docx" in names
    assert "ab-述职报告-S13.docx" in names and "AB-述职报告-S14.docx" in names  # Windows: same
    for n in names:
        (tmp_path / n).write_bytes(b"x")
    assert len(list(tmp_path.iterdir())) == len(wanted)


def hostile_institute() -> dict:
    """Every 在职党支部 of 示例党总支 gets a name that collides, is very long, reserved or
    path-like; two 党总支 collide too. Everyone is graded, so feedback is written for all."""
    data = valid()
    names = [
        ("张/三", "第一党支部"), ("张_三", "第一党支部"), ("张三", "CON"), ("NUL", "aux"),
        ("李" * 120, "长" * 120), ("李" * 120, "长" * 120 + "乙"), ("王五", "../../逃逸"),
        ("王五", "..\\..\\逃逸"), ("赵六", "/etc/passwd"), ("Ab", "党支部"), ("AB", "党支部"),
    ]  # fmt: skip
    for i, (person, org) in enumerate(names, start=10):
        data["orgs"].append(
            {"组织编号": f"B{i}", "组织名称": org, "组织类型": "在职党支部",
             "上级组织编号": "G1", "书记姓名": person, "书记工号": f"T{i}"}
        )  # fmt: skip
        sub = dict(data["subs"][2], 述职编号=f"S{i}", 组织编号=f"B{i}", 书记姓名=person)
        data["subs"].append(sub)
        data["grades"].append(dict(data["grades"][2], 述职编号=f"S{i}"))
    data["orgs"][1]["组织名称"] = "党总支/一"
    data["orgs"].append(
        {"组织编号": "G9", "组织名称": "党总支_一", "组织类型": "党总支", "上级组织编号": "P",
         "书记姓名": "庚七", "书记工号": "T9"}
    )  # fmt: skip
    data["orgs"].append(
        {"组织编号": "B9", "组织名称": "另一党支部", "组织类型": "在职党支部",
         "上级组织编号": "G9", "书记姓名": "辛八", "书记工号": "T99"}
    )  # fmt: skip
    return data


def test_all_documents_for_a_hostile_institute_one_file_each_inside_the_folder(
    tmp_path: Path,
) -> None:
    master = new_workbook(tmp_path / "m.xlsx", hostile_institute())
    out = tmp_path / "out"
    expected = {"templates": 4 + 11 + 2, "feedback": 4 + 11, "annex2": 2}
    for command, count in expected.items():
        # the hostile master has errors (missing 述职 rows, no problems listed): drafts
        proc = annex(command, master, "--out", out / command, "--draft", *(["--as-of", "2024-06-01"] if command == "feedback" else []))  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
        files = [
            p
            for p in (tmp_path).rglob("*")
            if p.is_file() and out / command in p.parents and p.name != MANIFEST
        ]
        assert len(files) == count, (command, sorted(p.name for p in files))
        assert all(p.parent == out / command for p in files)  # nothing escaped or nested
        assert all(len(p.name.encode()) <= 255 and p.suffix in (".docx", ".xlsx") for p in files)
    assert (
        not (tmp_path / "etc").exists()
        and not (tmp_path.parent / "逃逸-王五-述职报告.docx").exists()
    )
    annex2 = sorted(p.name for p in (out / "annex2").iterdir() if p.name != MANIFEST)
    assert annex2 == ["附件2-党总支_一-G1.xlsx", "附件2-党总支_一-G9.xlsx"]


# ---- one formula-safe writer -------------------------------------------------------------------

_CELL_REF = __import__("re").compile(r"^\$?[A-Z]{1,3}\$?\d+$")


_XLSXWRITER_WRITES = {
    "write", "write_string", "write_number", "write_blank", "write_formula", "write_datetime",
    "write_boolean", "write_url", "write_rich_string", "write_row", "write_column",
    "merge_range", "write_array_formula", "write_dynamic_array_formula",
}  # fmt: skip


def cell_writes(source: str) -> list[int]:
    """Lines that write a cell value other than through workbook/cells.py: `x.value = ...`
    (xlwings writes must wrap the value in `excel_value(...)`), `ws["A1"] = ...`,
    `x.cell(..., value=...)`, and XlsxWriter's `ws.write…(row, col, value)` / `ws.write("A1", …)`
    / `ws.merge_range(…)`."""
    bad: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _XLSXWRITER_WRITES
            and (
                len(node.args) >= 3
                or (
                    node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                    and _CELL_REF.match(node.args[0].value.split(":")[0])
                )
            )
        ):
            bad.append(node.lineno)
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Attribute) and t.attr == "value":
                    safe = (
                        isinstance(node.value, ast.Call)
                        and isinstance(node.value.func, ast.Name)
                        and node.value.func.id == "excel_value"
                    )
                    if not safe:
                        bad.append(node.lineno)
                if (
                    isinstance(t, ast.Subscript)
                    and isinstance(t.slice, ast.Constant)
                    and isinstance(t.slice.value, str)
                    and _CELL_REF.match(t.slice.value)
                ):
                    bad.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "cell"
            and any(k.arg == "value" for k in node.keywords)
        ):
            bad.append(node.lineno)
    return bad


def test_the_scan_catches_every_other_way_of_writing_a_cell() -> None:
    planted = (
        "cell.value = name\n"
        'ws["B2"] = name\n'
        "ws.cell(row=1, column=1, value=name)\n"
        "sheet.range('A1').value = rows\n"
        "cell.value = excel_value(name)\n"
        "put(ws, 1, 1, name)\n"
        "ws.write(0, 0, name)\n"
        "ws.write_string(2, 1, name, fmt)\n"
        'ws.write("B2", name)\n'
        "ws.merge_range(0, 0, 0, 5, name, fmt)\n"
        "ws.write_url(1, 0, url, fmt, string=name)\n"
        "write(ws, 0, 0, name)\n"
        "out.write(path, make)\n"
        "fh.write(text)\n"
    )
    assert sorted(cell_writes(planted)) == [1, 2, 3, 4, 7, 8, 9, 10, 11]


def test_every_cell_written_from_code_goes_through_the_one_writer() -> None:
    offenders = {
        str(path.relative_to(SRC)): lines
        for path in SRC.rglob("*.py")
        if path.name != "cells.py" and (lines := cell_writes(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def with_control_characters(path: Path) -> Path:
    """Excel stores U+0001 as `_x0001_` in the file; openpyxl refuses to write it, so edit the
    strings the way Excel would have saved them."""
    import zipfile

    data = {}
    with zipfile.ZipFile(path) as zin:
        for item in zin.infolist():
            data[item.filename] = zin.read(item)
    for name in [n for n in data if n.startswith("xl/") and n.endswith(".xml")]:
        text = data[name].decode()
        data[name] = text.replace("CTRL11", "_x000B_").replace("CTRL1", "_x0001_").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, content in data.items():
            zout.writestr(name, content)
    return path


def test_formula_like_names_and_control_characters_survive_check_write(tmp_path: Path) -> None:
    data = valid()
    data["orgs"][1]["组织名称"] = '=HYPERLINK("http://x","点我")'  # the 党总支 G1 ...
    for sub in data["subs"][2:4]:  # ... whose branches' reports its secretary approves
        sub["审定人"] = "乙二"
    data["grades"][2]["综合评价等次"] = "好"  # ... whose grades then break the minimum share
    data["subs"][3]["书记姓名"] = "戊CTRL1五CTRL11"  # S4 (述职 row 5): two control characters
    data["orgs"][3]["组织名称"] = "示例第一CTRL11党支部"
    master = with_control_characters(new_workbook(tmp_path / "m.xlsx", data))
    proc = annex("check", master, "--write", "--as-of", "2024-06-01")
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "内部错误" not in proc.stderr
    wb = openpyxl.load_workbook(master)
    results = wb["校验结果"]
    rows = [[c.value for c in r] for r in results.iter_rows(min_row=2)]
    control = [r for r in rows if r[2] == "cell.control-char"]
    assert {(r[3], r[4], r[5]) for r in control} == {
        ("述职", 5, "书记姓名"),
        ("组织", 5, "组织名称"),
    }
    assert "U+0001、U+000B" in next(r[7] for r in control if r[3] == "述职")
    for row in results.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.coordinate  # nothing from data became a formula
    distribution = next(r for r in rows if r[2] == "grade.distribution")
    assert distribution[7].startswith('=HYPERLINK("http://x","点我")评议')  # kept as text
    proc = annex("annex2", master, "--out", tmp_path / "a2")
    assert proc.returncode == 0, proc.stderr
    table = openpyxl.load_workbook(next((tmp_path / "a2").glob("*.xlsx"))).active
    texts = [c for r in table.iter_rows() for c in r if isinstance(c.value, str)]
    assert any(c.value == '填表部门：=HYPERLINK("http://x","点我")' for c in texts)
    assert all(c.data_type != "f" for r in table.iter_rows() for c in r)
    assert any(c.value == "示例第一党支部" for c in texts)


def test_xlwings_values_are_text_and_holdable() -> None:
    from annex_tools.workbook.cells import excel_value

    assert excel_value(["=1+1", "a\x01b", 3, dt.date(2024, 1, 1)]) == [
        "'=1+1", "ab", 3, dt.date(2024, 1, 1)
    ]  # fmt: skip
