"""What staff draw on the master survives every write: a picture and a text box added to 说明
(as Excel stores them: a DrawingML drawing, made here by XlsxWriter) and the 看板 charts come
back byte for byte after `check --write` and `import-returns --apply`, though openpyxl alone
drops the text box and rewrites the charts."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from builders import valid
from cli_helpers import annex
from excel_reference import openxml_problems, reference_files, structure_differences
from excel_strict import strictness_problems
from office import soffice

from annex_tools.workbook.builder import new_workbook
from annex_tools.workbook.keepparts import DrawingsNotKept, Package, keep_drawings

TEXT = "工作人员加的说明框"
DRAWING_CT = "application/vnd.openxmlformats-officedocument.drawing+xml"


def red_png(width: int, height: int) -> bytes:
    """A real PNG (zlib and CRC as the format wants), without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xc8\x1e\x1e" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def donor(tmp_path: Path) -> Path:
    """A workbook with a picture and a text box on its sheet."""
    png = tmp_path / "red.png"
    book = xlsxwriter.Workbook(str(tmp_path / "donor.xlsx"))
    ws = book.add_worksheet("x")
    png.write_bytes(red_png(40, 20))
    ws.insert_image("C3", str(png))
    ws.insert_textbox("E8", TEXT, {"width": 200, "height": 60})
    book.close()
    return tmp_path / "donor.xlsx"


def with_staff_drawing(master: Path, donor_file: Path) -> Path:
    """`master` with the donor's drawing put on 说明, as Excel would store it: the drawing part,
    its picture, the relationships, the content types and the sheet's <drawing> element."""
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(donor_file) as d:
        drawing = d.read("xl/drawings/drawing1.xml")
        drawing_rels = d.read("xl/drawings/_rels/drawing1.xml.rels").replace(
            b"image1.png", b"image90.png"
        )
        image = d.read("xl/media/image1.png")
    files = Package.read(master.read_bytes())
    sheet = files.sheets()["说明"]
    sheet_rels = sheet.replace("worksheets/", "worksheets/_rels/") + ".rels"
    assert sheet_rels not in files.files
    files.put(
        sheet,
        files.files[sheet].replace(
            b"</worksheet>", f'<drawing xmlns:r="{rel_ns}" r:id="rIdStaff"/></worksheet>'.encode()
        ),
    )
    files.put(
        sheet_rels,
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns='
        b'"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStaff" '
        b'Type="'
        + rel_ns.encode()
        + b'/drawing" Target="../drawings/drawing90.xml"/></Relationships>',
    )
    files.put("xl/drawings/drawing90.xml", drawing)
    files.put("xl/drawings/_rels/drawing90.xml.rels", drawing_rels)
    files.put("xl/media/image90.png", image)
    files.files["[Content_Types].xml"] = files.files["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Default Extension="png" ContentType="image/png"/><Override PartName='
        b'"/xl/drawings/drawing90.xml" ContentType="' + DRAWING_CT.encode() + b'"/></Types>',
    )
    master.write_bytes(files.write())
    return master


def drawings(path: Path) -> dict[str, list[bytes]]:
    """Sheet name -> the bytes of its drawing and every part the drawing refers to."""
    pkg = Package.read(path.read_bytes())
    out = {}
    for name, sheet in pkg.sheets().items():
        rel = pkg.drawing_of(sheet)
        if rel is not None:
            out[name] = [pkg.files[p] for p in pkg.closure(rel.target)]
    return out


@pytest.fixture
def master(tmp_path: Path) -> Path:
    path = new_workbook(tmp_path / "master.xlsx", valid())
    return with_staff_drawing(path, donor(tmp_path))


def test_openpyxl_alone_drops_the_text_box(master: Path) -> None:
    wb = openpyxl.load_workbook(master)
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as z:
        text = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/drawings/"))
    assert TEXT.encode() not in text  # what this module guards against is real


@pytest.mark.parametrize("how", ["check --write", "import-returns"])
def test_drawings_come_back_byte_for_byte(master: Path, tmp_path: Path, how: str) -> None:
    before = drawings(master)
    assert set(before) == {"说明", "看板"} and TEXT.encode() in before["说明"][0]
    if how == "check --write":
        proc = annex("check", master, "--write", "--as-of", "2026-11-26")
        assert proc.returncode in (0, 1) and "校验结果" in proc.stdout, proc.stderr
    else:
        proc = annex("annex2", master, "--out", tmp_path / "a2")
        assert proc.returncode == 0, proc.stderr
        ret = tmp_path / "a2" / "附件2-示例党总支.xlsx"
        wb = openpyxl.load_workbook(ret)
        wb.active["E7"].value = "1. 问题\n2. 交回时新增的问题"
        wb.save(ret)
        proc = annex("import-returns", master, ret, "--apply")
        assert proc.returncode == 0 and "已写入" in proc.stdout, proc.stdout + proc.stderr
    after = drawings(master)
    assert after == before
    wb = openpyxl.load_workbook(master)
    assert len(wb["看板"]._charts) == 2 and len(wb["说明"]._images) == 1
    problems = (
        strictness_problems(master)
        + openxml_problems(master, openpyxl_written=True)
        + structure_differences(master, reference_files()[0], openpyxl_written=True)
    )
    assert problems == []
    with zipfile.ZipFile(master) as z:  # nothing of openpyxl's own drawings left behind
        names = z.namelist()
        types = z.read("[Content_Types].xml").decode()
    parts = [n for n in names if re.match(r"xl/(drawings/drawing|charts/chart|media/)", n)]
    assert len(parts) == sum(len(v) for v in after.values())
    assert all(f'PartName="/{n}"' in types for n in parts if n.endswith(".xml"))


def test_a_package_that_cannot_be_mended_is_refused_not_half_kept(master: Path) -> None:
    with pytest.raises(DrawingsNotKept):
        keep_drawings(master.read_bytes(), b"PK\x03\x04 not a workbook")


def test_a_master_without_drawings_is_left_as_openpyxl_wrote_it(tmp_path: Path) -> None:
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    assert keep_drawings(plain.read_bytes(), b"as written") == b"as written"


def test_libreoffice_shows_the_kept_picture_and_text_box(master: Path, tmp_path: Path) -> None:
    """An independent office suite opens the written master and prints what staff drew."""
    import subprocess

    import pdfplumber

    proc = annex("check", master, "--write", "--as-of", "2026-11-26")
    assert proc.returncode in (0, 1), proc.stderr
    out = tmp_path / "pdf"
    subprocess.run(
        soffice("--headless", "--convert-to", "pdf", "--outdir", out, master),
        capture_output=True, check=True, timeout=300,
    )  # fmt: skip
    with pdfplumber.open(out / "master.pdf") as pdf:
        text = "".join((page.extract_text() or "") for page in pdf.pages)
        images = sum(len(page.images) for page in pdf.pages)
    assert TEXT in text
    assert images >= 1
