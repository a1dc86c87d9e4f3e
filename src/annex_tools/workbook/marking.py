"""`check --write`: the 校验结果 sheet, and cells at fault marked with a fill and a comment.

Marks from an earlier run are cleared first: comments whose author is this tool, and fills of
the tool's own colours, so a fixed mistake loses its mark on the next run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.workbook import Workbook as XlWorkbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from annex_tools.contract import schema as S
from annex_tools.contract.findings import SEVERITY_ZH, Finding, Severity
from annex_tools.contract.text import holdable, normalize
from annex_tools.workbook.cells import header_columns, put

AUTHOR = "annex-tools"
MARK_FILLS = {
    Severity.ERROR: PatternFill("solid", fgColor="FFC7CE"),
    Severity.WARNING: PatternFill("solid", fgColor="FFEB9C"),
    Severity.INFO: PatternFill("solid", fgColor="DDEBF7"),
}
_MARK_RGB = {f.fgColor.rgb for f in MARK_FILLS.values()}
RESULT_HEADERS = ("序号", "严重程度", "规则代码", "工作表", "行", "列", "单元格", "说明")
RESULT_WIDTHS = (6, 9, 28, 9, 6, 14, 9, 90)


def _writable(ws: Worksheet, row: int, column: int) -> Cell:
    """The cell itself, or the top-left cell of the merged range that covers it."""
    cell = ws.cell(row=row, column=column)
    if isinstance(cell, MergedCell):
        for rng in ws.merged_cells.ranges:
            if rng.min_row <= row <= rng.max_row and rng.min_col <= column <= rng.max_col:
                return ws.cell(row=rng.min_row, column=rng.min_col)
    return cell


def clear_marks(wb: XlWorkbook) -> int:
    """Remove this tool's comments and fills; returns how many cells were cleared."""
    cleared = 0
    for ws in wb.worksheets:
        if ws.title == S.RESULTS_SHEET:
            continue
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell, MergedCell):
                    continue  # its range's top-left cell carries any mark
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


@dataclass(frozen=True)
class CellMark:
    sheet: str
    row: int
    column: int  # 1-based
    severity: Severity
    text: str


@dataclass(frozen=True)
class MarkPlan:
    """What `check --write` and the 全面校验 button put into a workbook, planned from values."""

    cells: list[CellMark]
    rows: list[tuple[object, ...]]  # the 校验结果 rows, RESULT_HEADERS order
    links: list[tuple[int, str]]  # (results row, "'sheet'!A1") for the 单元格 column
    summary: str


def plan_marks(
    findings: list[Finding], headers: dict[str, dict[str, int]], when: dt.datetime
) -> MarkPlan:
    """`headers`: for each sheet present, normalized header text -> 1-based column."""
    grouped: dict[tuple[str, int, int], list[Finding]] = {}
    rows: list[tuple[object, ...]] = []
    links: list[tuple[int, str]] = []
    for n, f in enumerate(findings, start=1):
        location = ""
        if f.sheet and f.sheet in headers and f.row:
            col = (headers[f.sheet].get(normalize(f.column)) if f.column else None) or 1
            location = f"{get_column_letter(col)}{f.row}"
            grouped.setdefault((f.sheet, f.row, col), []).append(f)
            links.append((n + 1, f"{quote_sheetname(f.sheet)}!{location}"))
        rows.append(
            (
                n,
                SEVERITY_ZH[f.severity],
                f.code,
                f.sheet or "",
                f.row,
                f.column or "",
                location,
                f.message,
            )
        )
    cells = [
        CellMark(
            sheet,
            row,
            col,
            min(items, key=lambda f: f.sort_key()).severity,
            holdable("\n".join(f"[{SEVERITY_ZH[f.severity]}] {f.message}" for f in items)),
        )
        for (sheet, row, col), items in grouped.items()
    ]
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    summary = f"校验时间 {when:%Y-%m-%d %H:%M}：错误 {errors} 个，警告 {warnings} 个。"
    return MarkPlan(cells, rows, links, summary)


def write_findings(wb: XlWorkbook, findings: list[Finding], when: dt.datetime) -> int:
    """Record findings in 校验结果 and mark their cells (openpyxl); returns cells marked."""
    clear_marks(wb)
    wb.calculation.fullCalcOnLoad = None  # openpyxl reads an absent attribute as True
    headers = {ws.title: header_columns(ws) for ws in wb.worksheets if ws.title != S.RESULTS_SHEET}
    plan = plan_marks(findings, headers, when)
    for mark in plan.cells:
        cell = _writable(wb[mark.sheet], mark.row, mark.column)
        cell.fill = MARK_FILLS[mark.severity]
        comment = Comment(mark.text, AUTHOR)
        comment.width, comment.height = 320, 40 + 60 * (mark.text.count("\n") + 1)
        cell.comment = comment

    if S.RESULTS_SHEET in wb.sheetnames:
        del wb[S.RESULTS_SHEET]
    ws = wb.create_sheet(S.RESULTS_SHEET)
    ws.sheet_properties.tabColor = "C00000"
    for idx, header in enumerate(RESULT_HEADERS, start=1):
        put(ws, 1, idx, header).font = Font(bold=True)
    for r, values in enumerate(plan.rows, start=2):
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value)
        ws.cell(row=r, column=8).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=r, column=2).fill = MARK_FILLS[findings[r - 2].severity]
    for r, location in plan.links:
        link = ws.cell(row=r, column=7)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=location)
        link.font = Font(color="0563C1", underline="single")
    last = len(findings) + 1
    put(ws, last + 2, 1, plan.summary).font = Font(bold=True)
    if findings:
        table = Table(displayName="tblCheckResults", ref=f"A1:H{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
    for letter, width in zip("ABCDEFGH", RESULT_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    return len(plan.cells)
