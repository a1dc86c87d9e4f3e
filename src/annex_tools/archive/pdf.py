"""The opinions as PDF/A-2b, by LibreOffice (workbook.office)."""

from __future__ import annotations

from pathlib import Path

from annex_tools.archive.store import ArchiveError
from annex_tools.workbook.office import convert

PDF_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


def to_pdf_a(docx_files: list[Path], out_dir: Path) -> None:
    """All files in one LibreOffice call (workbook.office.convert); a kill meanwhile leaves no
    office process or profile behind."""
    try:
        code, stderr = convert(docx_files, PDF_FILTER, out_dir)
    except FileNotFoundError:
        raise ArchiveError(
            "未安装 LibreOffice，无法生成 PDF/A。请安装后重试，或使用 --no-pdf"
        ) from None
    missing = [f.name for f in docx_files if not (out_dir / f.with_suffix(".pdf").name).exists()]
    if code != 0 or missing:
        raise ArchiveError(
            f"LibreOffice 转换 PDF 失败（{', '.join(missing) or stderr.strip()[:200]}）"
        )
