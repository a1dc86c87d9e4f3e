"""What Excel is stricter about than LibreOffice and olevba, checked on a written package.

Every stored formula (cells, data validations, conditional formats, defined names) parses with
openpyxl's Excel-formula tokenizer and carries no leading "="; no classic conditional format
refers to another sheet; defined names and table ids are unique; every worksheet has a codeName
with a document module of that name in the VBA project; the `_VBA_PROJECT` stream has the
written form of MS-OVBA 2.3.4.1; no `xlwings.conf` interpreter path; neutral properties and no
forced recalculation on load.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import olefile
from lxml import etree
from openpyxl.formula.tokenizer import Tokenizer

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
_SHEET_REF = re.compile(r"(?:'[^']+'|[^\s'!(),=<>&+\-*/^\"]+)!")


def _formula_problems(where: str, text: str) -> list[str]:
    out: list[str] = []
    if text.startswith("="):
        out.append(f"{where}: stored formula has a leading '=': {text[:60]}")
        return out
    try:
        Tokenizer("=" + text)
    except Exception as exc:  # the tokenizer's own error says what it could not read
        out.append(f"{where}: formula does not parse ({exc}): {text[:60]}")
    return out


def _sheets(z: zipfile.ZipFile) -> list[tuple[str, str]]:
    wb = etree.fromstring(z.read("xl/workbook.xml"))
    rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    out = []
    for sheet in wb.iterfind("m:sheets/m:sheet", NS):
        target = targets[sheet.get(f"{{{NS['r']}}}id")].lstrip("/")
        out.append((sheet.get("name"), target if target.startswith("xl/") else f"xl/{target}"))
    return out


def _vba_problems(z: zipfile.ZipFile, code_names: dict[str, str]) -> list[str]:
    out: list[str] = []
    ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    try:
        stream = ole.openstream("VBA/_VBA_PROJECT").read()
        if len(stream) != 7 or stream[:5] != bytes.fromhex("CC61FFFF00"):
            out.append(
                f"VBA/_VBA_PROJECT is {len(stream)} bytes starting {stream[:5].hex()}: "
                "MS-OVBA 2.3.4.1 wants version 0xFFFF and no performance cache (7 bytes)"
            )
        project = ole.openstream("PROJECT").read().decode("cp1252", "replace")
        documents = set(re.findall(r"^Document=([^/\r\n]+)/", project, re.M))
        streams = {"/".join(p) for p in ole.listdir()}
    finally:
        ole.close()
    for sheet, code in code_names.items():
        if not code:
            out.append(f"sheet {sheet!r} has no codeName")
        elif code not in documents or f"VBA/{code}" not in streams:
            out.append(f"sheet {sheet!r}: codeName {code} has no document module")
    return out


def strictness_problems(path: Path) -> list[str]:  # noqa: C901 - one list of checks
    """Everything in the package at `path` that Excel is likely to repair or refuse."""
    out: list[str] = []
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        wb = etree.fromstring(z.read("xl/workbook.xml"))
        seen_names: set[tuple[str, str | None]] = set()
        for dn in wb.iterfind("m:definedNames/m:definedName", NS):
            key = (dn.get("name", "").casefold(), dn.get("localSheetId"))
            if key in seen_names:
                out.append(f"defined name {dn.get('name')} twice")
            seen_names.add(key)
            out += _formula_problems(f"defined name {dn.get('name')}", dn.text or "")
        calc = wb.find("m:calcPr", NS)
        if calc is not None and calc.get("fullCalcOnLoad") in ("1", "true"):
            out.append("calcPr fullCalcOnLoad: Excel would ask to save on every close")
        code_names: dict[str, str] = {}
        for sheet, part in _sheets(z):
            root = etree.fromstring(z.read(part))
            pr = root.find("m:sheetPr", NS)
            code_names[sheet] = pr.get("codeName", "") if pr is not None else ""
            for f in root.iterfind(".//m:c/m:f", NS):
                if f.text:
                    out += _formula_problems(f"{sheet} cell", f.text)
            for dv in root.iterfind(".//m:dataValidation", NS):
                for tag in ("formula1", "formula2"):
                    node = dv.find(f"m:{tag}", NS)
                    if node is not None and node.text:
                        out += _formula_problems(f"{sheet} validation {dv.get('sqref')}", node.text)
            for cf in root.iterfind("m:conditionalFormatting", NS):
                for node in cf.iterfind(".//m:formula", NS):
                    where = f"{sheet} conditional format {cf.get('sqref')}"
                    out += _formula_problems(where, node.text or "")
                    if _SHEET_REF.search(re.sub(r'"[^"]*"', "", node.text or "")):
                        out.append(f"{where}: refers to another sheet: {node.text[:60]}")
            if sheet == "xlwings.conf":
                keys = [c.findtext("m:is/m:t", "", NS) for c in root.iterfind(".//m:c", NS)]
                shared = _shared_strings(z)
                keys += [
                    shared[int(c.findtext("m:v", "0", NS))]
                    for c in root.iterfind(".//m:c[@t='s']", NS)
                ]
                if any(k.casefold().startswith("interpreter_") for k in _conf_keys(keys)):
                    out.append("xlwings.conf fixes Interpreter_Win/Mac for every user")
        table_ids: dict[str, str] = {}
        for name in sorted(n for n in names if re.fullmatch(r"xl/tables/table\d+\.xml", n)):
            t = etree.fromstring(z.read(name))
            for key in (t.get("id", ""), t.get("displayName", "").casefold()):
                if key in table_ids:
                    out.append(f"{name}: table id/name {key} also in {table_ids[key]}")
                table_ids[key] = name
        if "docProps/core.xml" in names:
            core = z.read("docProps/core.xml").decode("utf-8")
            if re.search(r"<cp:lastModifiedBy>[^<]+</cp:lastModifiedBy>", core):
                out.append("docProps/core.xml carries a lastModifiedBy name")
        if "xl/vbaProject.bin" in names:
            out += _vba_problems(z, code_names)
    return out


def _shared_strings(z: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in z.namelist():
        return []
    root = etree.fromstring(z.read("xl/sharedStrings.xml"))
    return ["".join(si.itertext()) for si in root.iterfind("m:si", NS)]


def _conf_keys(texts: list[str]) -> list[str]:
    return [t for t in texts if t and re.fullmatch(r"[A-Za-z_ ]+", t)]
