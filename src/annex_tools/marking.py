"""`check --write`: the 校验结果 sheet, and cells at fault marked with a fill and a comment.

Marks from an earlier run are cleared first: comments whose author is this tool, and fills of
the tool's own colours, so a fixed mistake loses its mark on the next run.
"""

from __future__ import annotations

import datetime as dt

from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.workbook import Workbook as XlWorkbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableStyleInfo

from . import schema as S
from .findings import SEVERITY_ZH, Finding, Severity
from .text import normalize

AUTHOR = "annex-tools"
MARK_FILLS = {
    Severity.ERROR: PatternFill("solid", fgColor="FFC7CE"),
    Severity.WARNING: PatternFill("solid", fgColor="FFEB9C"),
    Severity.INFO: PatternFill("solid", fgColor="DDEBF7"),
}
_MARK_RGB = {f.fgColor.rgb for f in MARK_FILLS.values()}
RESULT_HEADERS = ("序号", "严重程度", "规则代码", "工作表", "行", "列", "单元格", "说明")


def _header_columns(ws: object) -> dict[str, int]:
    out: dict[str, int] = {}
    for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):  # type: ignore[attr-defined]
        key = normalize(cell.value)
        if key and key not in out:
            out[key] = cell.column
    return out


def clear_marks(wb: XlWorkbook) -> int:
    """Remove this tool's comments and fills; returns how many cells were cleared."""
    cleared = 0
    for ws in wb.worksheets:
        if ws.title == S.RESULTS_SHEET:
            continue
        for row in ws.iter_rows():
            for cell in row:
                touched = False
                if cell.comment is not None and cell.comment.author == AUTHOR:
                    cell.comment = None
                    touched = True
                fill = cell.fill
                if fill is not None and fill.fill_type == "solid" and fill.fgColor.rgb in _MARK_RGB:
                    cell.fill = PatternFill(fill_type=None)
                    touched = True
                cleared += touched
    return cleared


def write_findings(wb: XlWorkbook, findings: list[Finding], when: dt.datetime) -> int:
    """Record findings in 校验结果 and mark their cells; returns the number of cells marked."""
    clear_marks(wb)
    marked: dict[tuple[str, int, int], list[Finding]] = {}
    locations: list[str | None] = []
    for f in findings:
        location = None
        if f.sheet and f.sheet in wb.sheetnames and f.row:
            ws = wb[f.sheet]
            col = _header_columns(ws).get(normalize(f.column)) if f.column else None
            col = col or 1
            location = f"{get_column_letter(col)}{f.row}"
            marked.setdefault((f.sheet, f.row, col), []).append(f)
        locations.append(location)
    for (sheet, row, col), items in marked.items():
        cell = wb[sheet].cell(row=row, column=col)
        worst = min(items, key=lambda f: f.sort_key()).severity
        cell.fill = MARK_FILLS[worst]
        text = "\n".join(f"[{SEVERITY_ZH[f.severity]}] {f.message}" for f in items)
        comment = Comment(text, AUTHOR)
        comment.width, comment.height = 320, 40 + 60 * len(items)
        cell.comment = comment

    if S.RESULTS_SHEET in wb.sheetnames:
        del wb[S.RESULTS_SHEET]
    ws = wb.create_sheet(S.RESULTS_SHEET)
    ws.sheet_properties.tabColor = "C00000"
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    for idx, header in enumerate(RESULT_HEADERS, start=1):
        ws.cell(row=1, column=idx, value=header).font = Font(bold=True)
    for r, (f, location) in enumerate(zip(findings, locations, strict=True), start=2):
        values = (
            r - 1,
            SEVERITY_ZH[f.severity],
            f.code,
            f.sheet or "",
            f.row,
            f.column or "",
            location or "",
            f.message,
        )
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
        if location and f.sheet:
            link = ws.cell(row=r, column=7)
            link.hyperlink = Hyperlink(
                ref=link.coordinate, location=f"{quote_sheetname(f.sheet)}!{location}"
            )
            link.font = Font(color="0563C1", underline="single")
        ws.cell(row=r, column=8).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=r, column=2).fill = MARK_FILLS[f.severity]
    last = len(findings) + 1
    summary_row = last + 2
    ws.cell(
        row=summary_row,
        column=1,
        value=f"校验时间 {when:%Y-%m-%d %H:%M}：错误 {errors} 个，警告 {warnings} 个。",
    ).font = Font(bold=True)
    if findings:
        table = Table(displayName="tblCheckResults", ref=f"A1:H{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
    for letter, width in zip("ABCDEFGH", (6, 9, 28, 9, 6, 14, 9, 90), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    return len(marked)
