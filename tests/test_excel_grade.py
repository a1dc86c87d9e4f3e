"""Every workbook the tool writes, read as strictly as Excel would: the strictness check
(excel_strict.py), openxml-audit (the Open XML SDK validator's Python port) beyond what it reports
on Excel's own files, and the structure of a file Excel wrote (excel_reference.py).

New files (Annex 2, 整改台账, 年度考核联动) are written by XlsxWriter and must be clean; the
master, changed by openpyxl, may keep its text in the cells (inline strings) and name note parts
its own way, nothing else."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from builders import demo_copy, valid
from cli_helpers import annex
from excel_reference import (
    openxml_baseline,
    openxml_findings,
    openxml_problems,
    reference_files,
    structure_differences,
)
from excel_strict import strictness_problems

from annex_tools.workbook.builder import new_workbook
from annex_tools.workbook.safewrite import workbook_bytes

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "xlsm" / "annex-master.xlsm"
TODAY = "2026-11-26"


def grade(path: Path, *, openpyxl_written: bool) -> list[str]:
    """Everything Excel is likely to object to in the package at `path`."""
    return (
        strictness_problems(path)
        + openxml_problems(path, openpyxl_written=openpyxl_written)
        + structure_differences(path, reference_files()[0], openpyxl_written=openpyxl_written)
    )


def calc_on_load(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        return b"fullCalcOnLoad" in z.read("xl/workbook.xml")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each kind of workbook the tool writes, made through the real CLI."""
    tmp = tmp_path_factory.mktemp("written")
    demo = demo_copy(tmp / "demo")
    out: dict[str, Path] = {}

    proc = annex("new", tmp / "new.xlsx")
    assert proc.returncode == 0, proc.stderr
    out["new"] = tmp / "new.xlsx"

    marked = tmp / "marked.xlsx"
    shutil.copy(demo.workbook, marked)
    proc = annex("check", marked, "--write", "--as-of", TODAY)
    assert proc.returncode in (0, 1) and "校验结果" in openpyxl.load_workbook(marked).sheetnames
    out["check --write"] = marked

    proc = annex("annex2", demo.workbook, "--out", tmp / "a2-draft", "--draft")
    assert proc.returncode == 0, proc.stderr
    out["annex2 draft"] = next((tmp / "a2-draft").glob("附件2-*.xlsx"))

    proc = annex("rectifications", demo.workbook, "--out", tmp / "fu.xlsx", "--as-of", TODAY)
    assert proc.returncode == 0, proc.stderr
    out["rectifications"] = tmp / "fu.xlsx"

    proc = annex("hr-export", demo.workbook, "--out", tmp / "hr.xlsx")
    assert proc.returncode == 0, proc.stderr
    out["hr-export"] = tmp / "hr.xlsx"

    # the returns round trip: Annex 2 out, filled by the 党总支, imported into the master
    master = new_workbook(tmp / "master.xlsx", valid())
    proc = annex("annex2", master, "--out", tmp / "a2")
    assert proc.returncode == 0, proc.stderr
    annex2 = tmp / "a2" / "附件2-示例党总支.xlsx"
    out["annex2"] = annex2
    filled = tmp / "returned.xlsx"
    wb = openpyxl.load_workbook(annex2)
    wb.active["E7"].value = "1. 问题\n2. 交回时新增的问题"
    wb.active["F7"].value = "1. 措施（2024年4月30日前）\n2. 新增措施（2024年4月30日前）"
    wb.save(filled)
    proc = annex("import-returns", master, filled, "--apply")
    assert proc.returncode == 0 and "已写入" in proc.stdout, proc.stdout + proc.stderr
    out["import-returns"] = master

    out["build-workbook"] = COMMITTED
    macro = tmp / "annex-master.xlsm"
    shutil.copy(COMMITTED, macro)
    proc = annex("check", macro, "--write", "--as-of", TODAY)
    assert proc.returncode == 0 and macro.read_bytes() != COMMITTED.read_bytes(), proc.stderr
    out["check --write .xlsm"] = macro
    return out


OPENPYXL = {"new", "check --write", "import-returns", "build-workbook", "check --write .xlsm"}


@pytest.mark.parametrize(
    "what",
    ["new", "check --write", "annex2", "annex2 draft", "import-returns", "rectifications",
     "hr-export", "build-workbook", "check --write .xlsm"],
)  # fmt: skip
def test_every_written_workbook_is_what_excel_would_write(
    written: dict[str, Path], what: str
) -> None:
    path = written[what]
    assert grade(path, openpyxl_written=what in OPENPYXL) == []
    assert not calc_on_load(path)


def test_new_files_are_xlsxwriter_files_with_nothing_to_forgive(written: dict[str, Path]) -> None:
    for what in ("annex2", "annex2 draft", "rectifications", "hr-export"):
        path = written[what]
        with zipfile.ZipFile(path) as z:
            assert "xl/sharedStrings.xml" in z.namelist(), what  # text where Excel keeps it
            assert b"<is>" not in b"".join(
                z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")
            )
        assert openxml_findings(path) == [], what


def test_the_returns_round_trip_still_reads_back(written: dict[str, Path]) -> None:
    ws = openpyxl.load_workbook(written["import-returns"])["整改"]
    assert any(v == "交回时新增的问题" for r in ws.iter_rows(values_only=True) for v in r)


# ---- the checks themselves catch what they are for ---------------------------------------------


def test_the_baseline_is_what_the_validator_says_of_excels_own_files() -> None:
    """Excel's files are clean but for macro content types being 'active content'."""
    assert {code for code, _ in openxml_baseline()} == {"Sec_ActiveContentType"}
    for ref in reference_files():
        assert structure_differences(ref, reference_files()[0]) == []


def test_the_validator_catches_openpyxl_as_it_saves_by_itself(tmp_path: Path) -> None:
    """openpyxl on its own writes font children in its own order (an SDK schema error) and
    fullCalcOnLoad; saved through safewrite.workbook_bytes, neither."""
    wb = openpyxl.Workbook()
    wb.active["A1"].font = openpyxl.styles.Font(name="宋体", bold=True, size=12)
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    problems = openxml_problems(plain, openpyxl_written=True)
    assert any("Unexpected element" in p and "styles.xml" in p for p in problems), problems
    assert calc_on_load(plain)
    ours = tmp_path / "ours.xlsx"
    ours.write_bytes(workbook_bytes(openpyxl.load_workbook(io.BytesIO(plain.read_bytes()))))
    assert openxml_problems(ours, openpyxl_written=True) == []
    assert not calc_on_load(ours)
    # and inline strings are forgiven only in workbooks openpyxl wrote
    wb.active["A2"].value = "文字"
    wb.save(plain)
    assert any("InlineStr" in p for p in openxml_problems(plain))


def _rewrite(src: Path, dst: Path, edits: dict[str, object]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            edit = edits.get(item.filename)
            if callable(edit):
                data = edit(data)
            if edit is not None and not callable(edit):
                continue
            zout.writestr(item.filename, data)
    return dst


def test_the_structure_comparison_catches_each_departure(tmp_path: Path) -> None:
    ref = reference_files()[0]
    assert structure_differences(COMMITTED, ref, openpyxl_written=True) == []
    with zipfile.ZipFile(COMMITTED) as z:  # its Id follows the number of sheets
        rels = z.read("xl/_rels/workbook.xml.rels")
    found_rel = re.search(
        rb'<Relationship Id="rId\d+" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>',
        rels,
    )
    assert found_rel
    vba_rel = found_rel.group(0)
    cases = {
        "content type": {
            "[Content_Types].xml": lambda d: d.replace(
                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            )
        },
        "relationship": {
            "xl/_rels/workbook.xml.rels": lambda d: d.replace(
                b"relationships/styles", b"relationships/theme", 1
            )
        },
        "VBA project": {
            "xl/_rels/workbook.xml.rels": lambda d: d.replace(vba_rel, b""),
            "_rels/.rels": lambda d: d.replace(b"</Relationships>", vba_rel.replace(b"vbaProject.bin", b"xl/vbaProject.bin") + b"</Relationships>"),
        },
        "schema order": {
            "xl/workbook.xml": lambda d: re.sub(
                rb"(<definedNames>.*</definedNames>)(<calcPr[^>]*/>)", rb"\2\1", d, flags=re.S
            )
        },
        "codeName": {
            "xl/worksheets/sheet3.xml": lambda d: re.sub(rb' codeName="[^"]*"', b"", d, count=1)
        },
        "workbook codeName": {"xl/workbook.xml": lambda d: d.replace(b' codeName="ThisWorkbook"', b"")},
        "part name": {},
    }  # fmt: skip
    for name, edits in cases.items():
        bad = _rewrite(COMMITTED, tmp_path / f"{name}.xlsm", edits)
        if name == "part name":  # a part under a name Excel never uses
            with zipfile.ZipFile(bad, "a") as z:
                z.writestr("xl/extra/thing1.xml", b"<x/>")
        found = structure_differences(bad, ref, openpyxl_written=True)
        assert found, name
    with zipfile.ZipFile(COMMITTED) as z:
        assert vba_rel in z.read("xl/_rels/workbook.xml.rels")
