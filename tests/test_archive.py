"""The personnel-file archive: BagIt, PDF/A-2b, write-once, verify."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import bagit
import openpyxl
import pikepdf
import pytest
from cli_helpers import annex

from annex_tools.demo import make_demo


def simplified_and_japanese_glyphs(text: str) -> tuple[list[str], list[str]]:
    """Glyph names of the characters whose SC and JP forms differ in Noto Serif CJK."""
    from fontTools.ttLib import TTCollection

    path = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
    fonts = {f["name"].getDebugName(1): f.getBestCmap() for f in TTCollection(str(path)).fonts}
    sc, jp = fonts["Noto Serif CJK SC"], fonts["Noto Serif CJK JP"]
    pairs = [
        (sc[ord(c)], jp[ord(c)]) for c in dict.fromkeys(text) if sc.get(ord(c)) != jp.get(ord(c))
    ]
    return [f"/{a}" for a, _ in pairs], [f"/{b}" for _, b in pairs]


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("arch")
    made = make_demo(root / "demo", mistakes=False)
    proc = annex("archive", made.workbook, "--out", root / "archive", "--today", "2024-01-30")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return made, root / "archive"


def test_archive_is_a_valid_bag_with_pdf_a(archived) -> None:
    made, archive = archived
    bag_dir = archive / "2023"
    bagit.Bag(str(bag_dir)).validate()  # the Library of Congress validator
    folders = sorted(p.name for p in (bag_dir / "data").iterdir())
    assert len(folders) == 10 and all(f.startswith("T10") for f in folders)
    pdfs = sorted((bag_dir / "data").glob("*/评价意见.pdf"))
    assert len(pdfs) == 10
    with pikepdf.open(pdfs[0]) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "2" and meta.get("pdfaid:conformance") == "B"
        programs = b"".join(
            f["/FontDescriptor"][k].read_bytes()
            for page in pdf.pages
            for f in page.Resources.Font.values()
            if "/FontDescriptor" in f
            for k in ("/FontFile", "/FontFile2", "/FontFile3")
            if k in f["/FontDescriptor"]
        )
    # Noto CJK collections share one CFF (named ...jp...) across regions; the region shows in
    # which glyph a character maps to. The title's characters must use the Simplified Chinese ones.
    sc, jp = simplified_and_japanese_glyphs("年度抓基层党建述职评议考核评价意见")
    assert sc and all(g.encode() in programs for g in sc), "Simplified Chinese glyph forms embedded"
    assert not any(g.encode() + b" " in programs or g.encode() + b"\n" in programs for g in jp)
    text = subprocess.run(["pdftotext", str(pdfs[0]), "-"], capture_output=True, text=True).stdout
    assert "抓基层党建述职评议考核评价意见" in text.replace(" ", "")
    proc = annex("archive", "verify", archive)
    assert proc.returncode == 0 and "全部完好" in proc.stdout


def test_manifest_says_what_an_archivist_needs(archived) -> None:
    import json

    made, archive = archived
    manifest = json.loads((archive / "2023" / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["files"][0]
    assert {
        "file",
        "sha256",
        "sid",
        "staff_no",
        "source_workbook_sha256",
        "tool",
        "archived_at",
    } <= set(entry)
    assert entry["sid"].startswith("S") and entry["staff_no"].startswith("T")
    import hashlib

    assert entry["source_workbook_sha256"] == hashlib.sha256(made.workbook.read_bytes()).hexdigest()


def test_files_are_owner_only(archived) -> None:
    _, archive = archived
    for path in (archive / "2023").rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, (path, oct(mode))


def test_changing_one_byte_makes_verify_fail_and_name_the_file(tmp_path: Path, archived) -> None:
    _, archive = archived
    copy = tmp_path / "archive"
    shutil.copytree(archive, copy)
    target = next((copy / "2023" / "data").glob("*/评价意见.docx"))
    target.chmod(0o600)
    data = bytearray(target.read_bytes())
    data[-1] ^= 0x01
    target.write_bytes(bytes(data))
    (copy / "2023" / "data" / "stray.txt").write_text("x")
    proc = annex("archive", "verify", copy)
    assert proc.returncode == 1
    assert (
        target.parent.name in proc.stdout and "改动" in proc.stdout and "stray.txt" in proc.stdout
    )


def test_second_run_keeps_the_first_version_and_a_change_adds_a_new_one(tmp_path: Path) -> None:
    made = make_demo(tmp_path / "demo", mistakes=False)
    archive = tmp_path / "archive"
    assert annex("archive", made.workbook, "--out", archive, "--no-pdf").returncode == 0
    first = {p: p.read_bytes() for p in (archive / "2023" / "data").rglob("*.docx")}
    again = annex("archive", made.workbook, "--out", archive, "--no-pdf")
    assert "新写入 0 个文件" in again.stdout
    # the 党委 rewrites one opinion: a new version beside the old, the old untouched
    wb = openpyxl.load_workbook(made.workbook)
    ws = wb["评议"]
    col = [c.value for c in ws[1]].index("主要成绩") + 1
    ws.cell(row=2, column=col, value="修改后的主要成绩")
    wb.save(made.workbook)
    third = annex("archive", made.workbook, "--out", archive, "--no-pdf")
    assert third.returncode == 0 and "第2版" in third.stdout
    assert all(p.read_bytes() == data for p, data in first.items())
    assert len(list((archive / "2023" / "data").rglob("评价意见-v2.docx"))) == 1
    assert annex("archive", "verify", archive).returncode == 0


def test_secretary_without_staff_number_is_listed_and_dry_run_writes_nothing(
    tmp_path: Path,
) -> None:
    made = make_demo(tmp_path / "demo", mistakes=False)
    wb = openpyxl.load_workbook(made.workbook)
    ws = wb["组织"]
    col = [c.value for c in ws[1]].index("书记工号") + 1
    ws.cell(row=3, column=col).value = None  # G01 secretary
    wb.save(made.workbook)
    proc = annex("archive", made.workbook, "--out", tmp_path / "archive", "--dry-run", "--no-pdf")
    assert proc.returncode == 0
    assert "没有书记工号" in proc.stdout and "将写入" in proc.stdout
    assert not (tmp_path / "archive").exists()
