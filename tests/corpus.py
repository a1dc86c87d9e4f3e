"""A corpus of bad inputs, made here (nothing downloaded): workbooks, returned Annex 2 files
and reports as people really send them, or as they break."""

from __future__ import annotations

import re
import struct
import subprocess
import zipfile
from pathlib import Path

import msoffcrypto
from builders import valid
from docx import Document
from docx_builders import BASIC, make_docx, with_tracked_changes_and_textbox
from office import soffice

from annex_tools.workbook.builder import build_workbook

_GOOD: list[bytes] = []


def good(path: Path) -> Path:
    """A valid master at `path`: built once per test process, then copied (the build is the same
    bytes each time but for the save time, and a dozen corpus files start from it)."""
    if not _GOOD:
        build_workbook(valid()).save(path)
        _GOOD.append(path.read_bytes())
    else:
        path.write_bytes(_GOOD[0])
    return path


def _sheet_part(zf: zipfile.ZipFile, name: str) -> str:
    wb = zf.read("xl/workbook.xml").decode()
    rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet[^>]*name="{name}"[^>]*r:id="([^"]+)"', wb).group(1)  # type: ignore[union-attr]
    rel = next(r for r in re.findall(r"<Relationship\b[^>]*>", rels) if f'Id="{rid}"' in r)
    return "xl/" + re.search(r'Target="/?(?:xl/)?([^"]+)"', rel).group(1)  # type: ignore[union-attr]


def _rewrite(src: Path, dst: Path, part_of: str, edit) -> Path:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(src) as zin:
        part = _sheet_part(zin, part_of)
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                data = zin.read(item)
                zout.writestr(item, edit(data) if item.filename == part else data)
    return dst


# ---- workbooks that cannot be read at all: every command exits 2 naming the file ----------


def empty(d: Path) -> Path:
    (d / "empty.xlsx").write_bytes(b"")
    return d / "empty.xlsx"


def truncated(d: Path) -> Path:
    data = good(d / "_g.xlsx").read_bytes()
    (d / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    return d / "truncated.xlsx"


def docx_renamed(d: Path) -> Path:
    return make_docx(d / "report-renamed.xlsx", BASIC)


def legacy_xls(d: Path) -> Path:
    src = good(d / "legacy.xlsx")
    subprocess.run(
        soffice("--headless", "--convert-to", "xls", "--outdir", d, src),
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    src.unlink()
    return d / "legacy.xls"


def csv_renamed(d: Path) -> Path:
    (d / "csv.xlsx").write_text("组织编号,组织名称\nP,党委\n", encoding="utf-8")
    return d / "csv.xlsx"


def password(d: Path) -> Path:
    src = good(d / "_p.xlsx")
    with src.open("rb") as f, (d / "password.xlsx").open("wb") as o:
        msoffcrypto.OfficeFile(f).encrypt("secret", o)
    return d / "password.xlsx"


def zip_bomb(d: Path) -> Path:
    """A small file whose one sheet unpacks to 600 MB."""
    path = d / "zipbomb.xlsx"
    src = good(d / "_z.xlsx")
    # the fastest deflate: the spaces still shrink ~230 times, and the reader's limits are on sizes
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(
        path, "w", zipfile.ZIP_DEFLATED, compresslevel=1
    ) as zout:
        part = _sheet_part(zin, "组织")
        for item in zin.infolist():
            if item.filename != part:
                zout.writestr(item, zin.read(item))
        with zout.open(part, "w", force_zip64=True) as fh:
            block = b" " * (1 << 20)
            for _ in range(600):
                fh.write(block)
    return path


def entity_bomb(d: Path) -> Path:
    """Billion laughs in a sheet's XML."""
    levels = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 10))
    dtd = f'<!DOCTYPE worksheet [<!ENTITY e0 "ha">{levels}]>'

    def edit(data: bytes) -> bytes:
        text = data.decode()
        text = text.replace("?>", "?>" + dtd, 1) if text.startswith("<?xml") else dtd + text
        return text.replace("<v>", "<v>&e9;", 1).encode()

    return _rewrite(good(d / "_e.xlsx"), d / "entitybomb.xlsx", "组织", edit)


def lie_about_size(path: Path, part: str, claimed: int = 1000) -> Path:
    """Rewrite the sizes a zip's local header and directory state for `part` (the content stays):
    what a crafted file does so that a size check by the directory passes."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    for magic, size_at, name_len_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        pos = data.find(magic)
        while pos >= 0:
            n = struct.unpack("<H", data[pos + name_len_at : pos + name_len_at + 2])[0]
            if data[pos + name_at : pos + name_at + n] == name:
                struct.pack_into("<I", data, pos + size_at, claimed)
            pos = data.find(magic, pos + 4)
    path.write_bytes(bytes(data))
    return path


def zip_lie(d: Path) -> Path:
    """A small workbook whose directory says one sheet unpacks to 1 KB; it unpacks to 400 MB."""
    path = d / "ziplie.xlsx"
    src = good(d / "_l.xlsx")
    # the fastest deflate: the spaces still shrink ~230 times, and the reader's limits are on sizes
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(
        path, "w", zipfile.ZIP_DEFLATED, compresslevel=1
    ) as zout:
        part = _sheet_part(zin, "组织")
        for item in zin.infolist():
            if item.filename != part:
                zout.writestr(item, zin.read(item))
        with zout.open(part, "w", force_zip64=False) as fh:
            block = b" " * (1 << 20)
            for _ in range(400):
                fh.write(block)
    return lie_about_size(path, part)


def docx_lie(path: Path, megabytes: int = 1500) -> Path:
    """A ~1.5 MB .docx whose directory says its text unpacks to 1 KB; it unpacks to 1.5 GB."""
    head = (
        b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            block = b"a" * (1 << 20)
            for _ in range(megabytes):
                fh.write(block)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return lie_about_size(path, "word/document.xml")


UNREADABLE = {
    "empty": (empty, "空的"),
    "truncated": (truncated, "损坏"),
    "docx-renamed": (docx_renamed, "Word 文档"),
    "xls": (legacy_xls, ".xls"),
    "csv-renamed": (csv_renamed, "不是 Excel"),
    "password": (password, "密码"),
    "zip-bomb": (zip_bomb, "MB"),
    "zip-lie": (zip_lie, "MB"),
}


# ---- workbooks that read, oddly: a finding or success, never a crash ------------------------


def million_rows(d: Path) -> Path:
    """Whole columns formatted: the sheet stores styled empty rows down to 1,048,576."""
    rows = "".join(f'<row r="{r}"><c r="A{r}" s="1"/></row>' for r in range(200, 1_048_577))

    def edit(data: bytes) -> bytes:
        text = re.sub(r'<dimension ref="[^"]+"/>', '<dimension ref="A1:J1048576"/>', data.decode())
        return text.replace("</sheetData>", rows + "</sheetData>").encode()

    return _rewrite(good(d / "_m.xlsx"), d / "million.xlsx", "整改", edit)


def fullwidth_headers(d: Path) -> Path:
    wb = build_workbook(valid())
    for ws in wb.worksheets:
        for cell in ws[1]:
            if isinstance(cell.value, str):
                cell.value = f"\u3000{cell.value} "
    wb.save(d / "fullwidth.xlsx")
    return d / "fullwidth.xlsx"


def hidden_sheets(d: Path) -> Path:
    wb = build_workbook(valid())
    wb["组织"].sheet_state = "veryHidden"
    wb["会议"].sheet_state = "hidden"
    wb.save(d / "hidden.xlsx")
    return d / "hidden.xlsx"


def merged_cells(d: Path) -> Path:
    wb = build_workbook(valid())
    wb["述职"].merge_cells("B2:B3")  # S2's 组织编号 disappears under the merge
    wb.save(d / "merged.xlsx")
    return d / "merged.xlsx"


def formulas(d: Path) -> Path:
    wb = build_workbook(valid())
    wb["组织"]["B3"] = '=CONCAT("示例","党总支")'  # no value was ever computed
    wb["述职"]["H2"] = "=1000+200"
    wb.save(d / "formulas.xlsx")
    return d / "formulas.xlsx"


def error_values(d: Path) -> Path:
    wb = build_workbook(valid())
    for ref, err in (("I2", "#N/A"), ("I3", "#REF!")):
        cell = wb["评议"][ref]
        cell.value, cell.data_type = err, "e"
    wb.save(d / "errors.xlsx")
    return d / "errors.xlsx"


def bad_report_names(d: Path) -> Path:
    data = valid()
    data["subs"][0]["报告文件"] = "reports/述职:报告*?<>|.docx"
    (d / "reports").mkdir(exist_ok=True)
    empty_body = Document()
    empty_body.save(str(d / "reports" / "empty-body.docx"))
    with_tracked_changes_and_textbox(d / "reports" / "tracked.docx")
    data["subs"][1]["报告文件"] = "reports/empty-body.docx"
    data["subs"][2]["报告文件"] = "reports/tracked.docx"
    build_workbook(data).save(d / "reports.xlsx")
    return d / "reports.xlsx"


ODD = {
    "million-rows": million_rows,
    "fullwidth-headers": fullwidth_headers,
    "hidden-sheets": hidden_sheets,
    "merged-cells": merged_cells,
    "formulas": formulas,
    "error-values": error_values,
    "entity-bomb": entity_bomb,
    "bad-report-files": bad_report_names,
}
