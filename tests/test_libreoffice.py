"""LibreOffice headless as the independent office client: what we write must open and render."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from builders import demo_copy
from cli_helpers import annex
from office import soffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None and not __import__("os").environ.get("CI"), reason="LibreOffice not installed"
)


def convert(files: list[Path], out: Path, target: str) -> subprocess.CompletedProcess[str]:
    assert SOFFICE, "CI installs LibreOffice: .ci/run must not get here without it"
    return subprocess.run(
        soffice("--headless", "--norestore", "--convert-to", target, "--outdir", out, *files),
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_new_demo_and_marked_workbooks_open_and_render(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xlsx"
    assert annex("new", empty).returncode == 0
    made = demo_copy(tmp_path / "demo")
    marked = tmp_path / "marked.xlsx"
    shutil.copy(made.workbook, marked)
    assert annex("check", marked, "--write", "--as-of", "2026-11-26").returncode == 1
    report = sorted(made.reports_dir.glob("*.docx"))[0]
    out = tmp_path / "pdf"
    proc = convert([empty, made.workbook, marked, report], out, "pdf")
    assert proc.returncode == 0, proc.stderr
    for name in ("empty.pdf", "master.pdf", "marked.pdf", report.with_suffix(".pdf").name):
        pdf = out / name
        assert pdf.exists() and pdf.stat().st_size > 1000, name
        assert pdf.read_bytes().startswith(b"%PDF")


def test_libreoffice_reads_the_values_we_wrote(tmp_path: Path) -> None:
    made = demo_copy(tmp_path / "demo")
    out = tmp_path / "csv"
    # sheet 4 is 组织 (说明, 设置, 组织 ...): LibreOffice's CSV filter takes a 1-based sheet number
    proc = convert(
        [made.workbook],
        out,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,3",
    )
    assert proc.returncode == 0, proc.stderr
    csv_files = list(out.glob("*.csv"))
    assert csv_files, list(out.iterdir())
    text = csv_files[0].read_text(encoding="utf-8")
    assert "组织编号" in text and "安保后勤直属党支部" in text and "学术资源部直属党支部" in text
