"""The master stays within what WPS Spreadsheets (WPS 表格) reads and computes as Excel does:
worksheet functions of Excel 2007 only (no `_xlfn.` "future function" prefix, which Excel writes
for every function added after 2007: dynamic arrays, XLOOKUP, LET ...), classic data validations
and conditional formats (no x14 extension lists), column, bar and line charts. README's WPS section
says what this means for users; the claim is held here against the built .xlsm."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

MASTER = Path(__file__).resolve().parents[1] / "xlsm" / "annex-master.xlsm"
# every function the master's formulas use today; a new one must be checked against WPS first
WPS_CHECKED = {
    "AND", "COUNT", "COUNTA", "COUNTIFS", "IF", "IFERROR", "INDEX", "MATCH", "MAX", "N", "OR", "ROUND",
    "ROUNDUP", "ROW", "SMALL", "SUM", "SUMPRODUCT", "TODAY",
}  # fmt: skip


def _parts() -> dict[str, str]:
    with zipfile.ZipFile(MASTER) as zf:
        return {
            n: zf.read(n).decode("utf-8")
            for n in zf.namelist()
            if n.startswith(("xl/worksheets/", "xl/charts/"))
            and n.endswith(".xml")
            or n == "xl/workbook.xml"
        }


def _formulas(xml: str) -> list[str]:
    return re.findall(r"<(?:f|formula|formula1|formula2|definedName)\b[^>]*>([^<]*)<", xml)


def test_formulas_use_only_functions_wps_computes() -> None:
    used: set[str] = set()
    for name, xml in _parts().items():
        for f in _formulas(xml):
            assert "_xlfn." not in f and "_xlws." not in f, (name, f)
            text = re.sub(r'"[^"]*"', "", f)  # not inside string literals
            used |= set(re.findall(r"\b([A-Z][A-Z0-9.]*)\(", text))
    assert used, "no formulas found"
    assert used <= WPS_CHECKED, used - WPS_CHECKED


def test_validations_and_conditional_formats_are_the_classic_kinds() -> None:
    parts = _parts()
    sheets = {n: x for n, x in parts.items() if n.startswith("xl/worksheets/")}
    kinds = {
        k for x in sheets.values() for k in re.findall(r'<dataValidation\b[^>]*\stype="(\w+)"', x)
    }
    assert kinds and kinds <= {"list", "date", "whole", "decimal", "custom"}, kinds
    rules = {k for x in sheets.values() for k in re.findall(r'<cfRule\b[^>]*\stype="(\w+)"', x)}
    assert rules and rules <= {"expression", "cellIs"}, rules
    for name, xml in sheets.items():
        assert "<extLst" not in xml, name  # no x14 validations, formats, sparklines or slicers
        for list_source in re.findall(r'type="list"[^>]*>\s*<formula1>([^<]*)<', xml):
            assert list_source.startswith("lst_") or list_source.startswith('"'), list_source
    charts = [x for n, x in parts.items() if n.startswith("xl/charts/")]
    assert len(charts) == 2
    for xml in charts:
        assert set(re.findall(r"<(?:c:)?(\w+Chart)>", xml)) <= {
            "barChart",
            "lineChart",
        }  # columns, bars, a line over bars
