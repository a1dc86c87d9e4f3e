"""What Excel is stricter about than LibreOffice and olevba, checked on a written package.

Every stored formula (cells, data validations, conditional formats, defined names) parses with
openpyxl's Excel-formula tokenizer and carries no leading "="; no classic conditional format
refers to another sheet; defined names and table ids are unique; every worksheet has a codeName
with a document module of that name in the VBA project; the `_VBA_PROJECT` stream has the
written form of MS-OVBA 2.3.4.1; no `xlwings.conf` interpreter path; neutral properties and no
forced recalculation on load. As Excel writes its own files: conditional-format (dxf) fills carry
`bgColor` (the colour Excel paints a conditional fill with); chart axes carry `<c:delete val="0"/>`,
`tickLblPos` and `crosses`, in schema order, with `axPos` on the side the bar direction puts
them; the CFB directory of `vbaProject.bin` has no red entry with a red child (MS-CFB 2.6.4);
the decompressed `VBA/dir` stream ends at its Terminator record (MS-OVBA 2.3.4.2).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import olefile
from lxml import etree
from oletools.olevba import decompress_stream
from openpyxl.formula.tokenizer import Tokenizer

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
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
        dir_stream = decompress_stream(bytearray(ole.openstream("VBA/dir").read()))
    finally:
        ole.close()
    out += _cfb_colour_problems(z.read("xl/vbaProject.bin"))
    out += _dir_stream_problems(dir_stream)
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
        if "xl/styles.xml" in names:
            out += _dxf_problems(z.read("xl/styles.xml"))
        for name in sorted(n for n in names if re.fullmatch(r"xl/charts/chart\d+\.xml", n)):
            out += _chart_axis_problems(name, z.read(name))
    return out


def _dxf_problems(styles: bytes) -> list[str]:
    """A conditional format's solid fill is painted with `bgColor` by Excel (ECMA-376 18.8.32
    for dxf): a fill with only `fgColor` shows nothing there."""
    out = []
    root = etree.fromstring(styles)
    for i, dxf in enumerate(root.iterfind("m:dxfs/m:dxf", NS)):
        for fill in dxf.iterfind("m:fill/m:patternFill", NS):
            if fill.find("m:bgColor", NS) is None and fill.get("patternType") != "none":
                fg = fill.find("m:fgColor", NS)
                colour = fg.get("rgb") if fg is not None else None
                out.append(
                    f"styles.xml dxf {i}: conditional fill without bgColor (fgColor {colour})"
                )
    return out


# CT_CatAx / CT_ValAx (ECMA-376 21.2.2): the children this check cares about, in schema order
_AXIS_ORDER = (
    "axId",
    "scaling",
    "delete",
    "axPos",
    "majorGridlines",
    "minorGridlines",
    "title",
    "numFmt",
    "majorTickMark",
    "minorTickMark",
    "tickLblPos",
    "spPr",
    "txPr",
    "crossAx",
    "crosses",
    "crossesAt",
)


def _chart_axis_problems(name: str, data: bytes) -> list[str]:
    """Axes as Excel writes them: `delete val=0` (an axis without it may be hidden),
    `tickLblPos`, `crosses`, schema order, and the category axis at the bottom of a column
    chart (left of a bar chart), the value axis across from it."""
    out = []
    root = etree.fromstring(data)
    plot = root.find(f".//{{{C}}}plotArea")
    if plot is None:
        return out
    sides: dict[str, str] = {}
    for bar in plot.iterfind(f"{{{C}}}barChart"):
        direction = bar.find(f"{{{C}}}barDir")
        col = direction is None or direction.get("val") == "col"
        for ax_id in bar.iterfind(f"{{{C}}}axId"):
            sides.setdefault(ax_id.get("val", ""), "col" if col else "bar")
    for axis in plot:
        kind = etree.QName(axis).localname
        if kind not in ("catAx", "valAx", "dateAx"):
            continue
        ax_id = axis.find(f"{{{C}}}axId")
        where = f"{name} {kind} {ax_id.get('val') if ax_id is not None else '?'}"
        delete = axis.find(f"{{{C}}}delete")
        if delete is None or delete.get("val") not in ("0", "false"):
            out.append(f'{where}: no <c:delete val="0"/> (Excel may hide the axis)')
        for child in ("tickLblPos", "crossAx"):
            if axis.find(f"{{{C}}}{child}") is None:
                out.append(f"{where}: no <c:{child}>")
        if axis.find(f"{{{C}}}crosses") is None and axis.find(f"{{{C}}}crossesAt") is None:
            out.append(f"{where}: no <c:crosses> or <c:crossesAt>")
        order = [etree.QName(c).localname for c in axis]
        known = [c for c in order if c in _AXIS_ORDER]
        if known != sorted(known, key=_AXIS_ORDER.index):
            out.append(f"{where}: children out of schema order: {known}")
        pos = axis.find(f"{{{C}}}axPos")
        direction = sides.get(ax_id.get("val", "") if ax_id is not None else "")
        if pos is not None and direction is not None:
            category = kind != "valAx"
            want = {
                ("col", True): "b",
                ("col", False): "l",
                ("bar", True): "l",
                ("bar", False): "b",
            }
            if pos.get("val") != want[(direction, category)]:
                out.append(
                    f"{where}: axPos {pos.get('val')} on a {direction} chart "
                    f"(Excel writes {want[(direction, category)]})"
                )
    return out


def _cfb_colour_problems(data: bytes) -> list[str]:
    """MS-CFB 2.6.4: the directory is a red-black tree; no red entry may have a red child
    (all black is allowed)."""
    shift = int.from_bytes(data[30:32], "little")
    size = 1 << shift
    difat = [int.from_bytes(data[76 + 4 * i : 80 + 4 * i], "little") for i in range(109)]
    fat: list[int] = []
    for sector in difat:
        if sector >= 0xFFFFFFFA:
            break
        block = data[(sector + 1) * size : (sector + 2) * size]
        fat += [int.from_bytes(block[i : i + 4], "little") for i in range(0, size, 4)]
    entries = []
    sector = int.from_bytes(data[48:52], "little")
    while sector < 0xFFFFFFFA:
        block = data[(sector + 1) * size : (sector + 2) * size]
        entries += [block[i : i + 128] for i in range(0, size, 128)]
        sector = fat[sector]
    out = []
    for entry in entries:
        if entry[66] == 0 or entry[67] != 0:  # unused, or black
            continue
        for link in (
            int.from_bytes(entry[68:72], "little"),
            int.from_bytes(entry[72:76], "little"),
        ):
            if link < len(entries) and entries[link][66] != 0 and entries[link][67] == 0:
                name = entry[:64].decode("utf-16-le", "replace").split("\x00")[0]
                child = entries[link][:64].decode("utf-16-le", "replace").split("\x00")[0]
                out.append(f"vbaProject.bin directory: red {name!r} has red sibling link {child!r}")
    return out


def _dir_stream_problems(data: bytes) -> list[str]:
    """Walk the decompressed `dir` stream's records (Id u16, Size u32, data; PROJECTVERSION
    carries 6 bytes after a Reserved size of 4) to the Terminator (0x0010, Reserved u32): no
    byte may follow it."""
    pos = 0
    while pos + 6 <= len(data):
        rid = int.from_bytes(data[pos : pos + 2], "little")
        size = int.from_bytes(data[pos + 2 : pos + 6], "little")
        pos += 6
        if rid == 0x0010:
            if pos != len(data):
                return [f"VBA/dir: {len(data) - pos} bytes after the Terminator record"]
            return []
        pos += 6 if rid == 0x0009 else size
    return ["VBA/dir: no Terminator record"]


def _shared_strings(z: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in z.namelist():
        return []
    root = etree.fromstring(z.read("xl/sharedStrings.xml"))
    return ["".join(si.itertext()) for si in root.iterfind("m:si", NS)]


def _conf_keys(texts: list[str]) -> list[str]:
    return [t for t in texts if t and re.fullmatch(r"[A-Za-z_ ]+", t)]
