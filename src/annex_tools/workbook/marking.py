"""`check --write`: the 校验结果 sheet, and cells at fault marked with a fill and a comment.

Marks from an earlier run are cleared first: comments whose author is this tool, and fills of
the tool's own colours, so a fixed mistake loses its mark on the next run.

The plan is made from values only, so the 全面校验 button (excel/) applies the same marks in a
few Excel calls per sheet: fills as unions of cell addresses (`address_chunks`, under Excel's
255-character limit for `Range()`), the 校验结果 sheet as one 2-D block (`result_block`, its links
as `HYPERLINK` formulas). Comments (notes) cost one Excel call each, so only the first
`note_cap` marked cells get one (errors first); every message is always on 校验结果.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.workbook.workbook import Workbook as XlWorkbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from annex_tools.contract import schema as S
from annex_tools.contract.findings import SEVERITY_ZH, Finding, Severity
from annex_tools.contract.text import holdable, normalize
from annex_tools.workbook.cells import Formula, header_columns, put

AUTHOR = "annex-tools"
MARK_FILLS = {
    Severity.ERROR: PatternFill("solid", fgColor="FFC7CE"),
    Severity.WARNING: PatternFill("solid", fgColor="FFEB9C"),
    Severity.INFO: PatternFill("solid", fgColor="DDEBF7"),
}
_MARK_RGB = {f.fgColor.rgb for f in MARK_FILLS.values()}
RESULT_HEADERS = ("序号", "严重程度", "规则代码", "工作表", "行", "列", "单元格", "说明", "批注")
RESULT_WIDTHS = (6, 9, 28, 9, 6, 14, 9, 90, 6)
NOTED = "有"  # the 批注 column of a row whose cell got a comment
# Excel's Range("A1,B2:B5,...") takes an address of at most 255 characters.
ADDRESS_LIMIT = 255


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
    noted: bool = True  # gets a comment (the first `note_cap` cells, errors first)


@dataclass(frozen=True)
class MarkPlan:
    """What `check --write` and the 全面校验 button put into a workbook, planned from values."""

    cells: list[CellMark]
    rows: list[tuple[object, ...]]  # the 校验结果 rows, RESULT_HEADERS order
    links: list[tuple[int, str]]  # (results row, "'sheet'!A1") for the 单元格 column
    summary: str
    severities: list[Severity]  # of each row, for the fill of its 严重程度 cell

    def fills(self) -> dict[str, dict[Severity, list[str]]]:
        """Per sheet, per severity: the marked cells as union addresses for `Range()`."""
        cells: dict[str, dict[Severity, list[tuple[int, int]]]] = {}
        for m in self.cells:
            cells.setdefault(m.sheet, {}).setdefault(m.severity, []).append((m.row, m.column))
        return {
            sheet: {sev: address_chunks(at) for sev, at in by.items()}
            for sheet, by in cells.items()
        }

    def noted(self) -> dict[str, list[CellMark]]:
        """Per sheet, the cells that get a comment."""
        out: dict[str, list[CellMark]] = {}
        for m in self.cells:
            if m.noted:
                out.setdefault(m.sheet, []).append(m)
        return out

    def severity_fills(self) -> dict[Severity, list[str]]:
        """The 严重程度 cells of 校验结果 (column B from row 2), as union addresses per severity."""
        rows: dict[Severity, list[tuple[int, int]]] = {}
        for r, sev in enumerate(self.severities, start=2):
            rows.setdefault(sev, []).append((r, 2))
        return {sev: address_chunks(at) for sev, at in rows.items()}


def address_chunks(cells: list[tuple[int, int]], limit: int = ADDRESS_LIMIT) -> list[str]:
    """(row, column) cells as few comma-joined A1 addresses as fit in `limit` characters each:
    runs of rows in one column become one range (H2:H40), so a rule that flags a whole column
    costs one area, not one per row."""
    areas: list[str] = []
    for col in sorted({c for _, c in cells}):
        rows = sorted({r for r, c in cells if c == col})
        letter = get_column_letter(col)
        start = prev = rows[0]
        for r in [*rows[1:], None]:
            if r is not None and r == prev + 1:
                prev = r
                continue
            areas.append(f"{letter}{start}" if start == prev else f"{letter}{start}:{letter}{prev}")
            if r is not None:
                start = prev = r
    chunks: list[str] = []
    for area in areas:
        if chunks and len(chunks[-1]) + 1 + len(area) <= limit:
            chunks[-1] += "," + area
        else:
            chunks.append(area)
    return chunks


def hyperlink_formula(location: str, text: str) -> Formula:
    """A `HYPERLINK` formula that jumps to `location` ("'sheet'!A1") in this book."""
    target = ("#" + location).replace('"', '""')
    return Formula(f'HYPERLINK("{target}","{text}")')


def result_block(plan: MarkPlan) -> list[list[object]]:
    """The 校验结果 sheet as one 2-D block for xlwings' `Range.value` (through `excel_value`):
    headers, one row per finding (the 单元格 column a `HYPERLINK` formula), a blank row, the
    summary."""
    links = dict(plan.links)
    width = len(RESULT_HEADERS)
    block: list[list[object]] = [list(RESULT_HEADERS)]
    for r, row in enumerate(plan.rows, start=2):
        values = list(row)
        if r in links:
            values[6] = hyperlink_formula(links[r], str(row[6]))
        block.append(values)
    block.append([None] * width)
    block.append([plan.summary] + [None] * (width - 1))
    return block


def plan_marks(
    findings: list[Finding],
    headers: dict[str, dict[str, int]],
    when: dt.datetime,
    note_cap: int | None = None,
) -> MarkPlan:
    """`headers`: for each sheet present, normalized header text -> 1-based column.
    `note_cap`: at most this many marked cells get a comment, the most severe first (None: all)."""
    grouped: dict[tuple[str, int, int], list[Finding]] = {}
    located: list[tuple[int, tuple[str, int, int]]] = []
    for n, f in enumerate(findings, start=1):
        if f.sheet and f.sheet in headers and f.row:
            col = (headers[f.sheet].get(normalize(f.column)) if f.column else None) or 1
            grouped.setdefault((f.sheet, f.row, col), []).append(f)
            located.append((n, (f.sheet, f.row, col)))
    worst = {at: min(items, key=lambda f: f.sort_key()) for at, items in grouped.items()}
    by_priority = sorted(grouped, key=lambda at: worst[at].sort_key())
    noted = set(by_priority if note_cap is None else by_priority[:note_cap])
    cells = [
        CellMark(
            sheet,
            row,
            col,
            worst[(sheet, row, col)].severity,
            holdable("\n".join(f"[{SEVERITY_ZH[f.severity]}] {f.message}" for f in items)),
            (sheet, row, col) in noted,
        )
        for (sheet, row, col), items in grouped.items()
    ]
    at_of = dict(located)
    rows: list[tuple[object, ...]] = []
    links: list[tuple[int, str]] = []
    for n, f in enumerate(findings, start=1):
        location = ""
        if n in at_of:
            sheet, row, col = at_of[n]
            location = f"{get_column_letter(col)}{row}"
            links.append((n + 1, f"{quote_sheetname(sheet)}!{location}"))
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
                NOTED if n in at_of and at_of[n] in noted else "",
            )
        )
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    summary = f"校验时间 {when:%Y-%m-%d %H:%M}：错误 {errors} 个，警告 {warnings} 个。"
    if len(noted) < len(grouped):
        summary += (
            f"标记了 {len(grouped)} 个单元格，其中前 {len(noted)} 个（错误优先）加了批注"
            "（设置“校验批注上限”）；全部问题见本表。"
        )
    return MarkPlan(cells, rows, links, summary, [f.severity for f in findings])


def previous_marks(
    rows: list[list[object]], sheets: set[str]
) -> dict[str, tuple[list[tuple[int, int]], list[tuple[int, int]]]]:
    """From the 校验结果 sheet's values (header row first): per sheet still present, the cells
    an earlier run marked, and those of them it gave a comment (its 批注 column)."""
    out: dict[str, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {}
    for row in rows[1:]:
        if len(row) < 7 or not row[3] or not row[6] or str(row[3]) not in sheets:
            continue
        try:
            col, line = coordinate_from_string(str(row[6]))
        except ValueError:
            continue
        at = (line, column_index_from_string(col))
        marked, noted = out.setdefault(str(row[3]), ([], []))
        if at not in marked:
            marked.append(at)
        if len(row) > 8 and row[8] == NOTED and at not in noted:
            noted.append(at)
    return out


NOT_YET = (
    "尚未校验：点击“述职评议”选项卡的“全面校验”（或运行 annex-tools check 主表 --write），"
    "结果写在这里。"
)


def results_sheet(wb: XlWorkbook) -> Worksheet:
    """The 校验结果 sheet as the build makes it: headers, widths, frozen header row; every
    write fills it, so it keeps the code name and document module the .xlsm build gave it."""
    ws = wb.create_sheet(S.RESULTS_SHEET)
    _results_frame(ws)
    put(ws, 3, 1, NOT_YET)
    return ws


def _results_frame(ws: Worksheet) -> None:
    ws.sheet_properties.tabColor = "C00000"
    for idx, header in enumerate(RESULT_HEADERS, start=1):
        put(ws, 1, idx, header).font = Font(bold=True)
    for i, width in enumerate(RESULT_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def _results_sheet(wb: XlWorkbook) -> Worksheet:
    """The 校验结果 sheet emptied for a new run: the one the build made, or a new one in a
    master from before it had the sheet."""
    if S.RESULTS_SHEET not in wb.sheetnames:
        return wb.create_sheet(S.RESULTS_SHEET)
    ws = wb[S.RESULTS_SHEET]
    for name in list(ws.tables):
        del ws.tables[name]
    ws._hyperlinks = []
    ws.delete_rows(1, ws.max_row)
    return ws


def clear_results(wb: XlWorkbook) -> int:
    """清除标记 (the button, `check --clear`, the page): this tool's fills and comments gone and
    校验结果 emptied to its headers; returns how many cells were cleared (0 and nothing changed
    when there was no mark and no result)."""
    cleared = clear_marks(wb)
    if S.RESULTS_SHEET in wb.sheetnames and (cleared or wb[S.RESULTS_SHEET].max_row > 1):
        wb.calculation.fullCalcOnLoad = None
        _results_frame(_results_sheet(wb))
    return cleared


def write_findings(
    wb: XlWorkbook, findings: list[Finding], when: dt.datetime, note_cap: int | None = None
) -> int:
    """Record findings in 校验结果 and mark their cells (openpyxl); returns cells marked.
    `note_cap`: the 校验批注上限 setting (None: a comment on every marked cell)."""
    clear_marks(wb)
    wb.calculation.fullCalcOnLoad = None  # openpyxl reads an absent attribute as True
    headers = {ws.title: header_columns(ws) for ws in wb.worksheets if ws.title != S.RESULTS_SHEET}
    plan = plan_marks(findings, headers, when, note_cap)
    for mark in plan.cells:
        cell = _writable(wb[mark.sheet], mark.row, mark.column)
        cell.fill = MARK_FILLS[mark.severity]
        if mark.noted:
            comment = Comment(mark.text, AUTHOR)
            comment.width, comment.height = 320, 40 + 60 * (mark.text.count("\n") + 1)
            cell.comment = comment

    ws = _results_sheet(wb)
    _results_frame(ws)
    for r, values in enumerate(plan.rows, start=2):
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value)
        ws.cell(row=r, column=8).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=r, column=2).fill = MARK_FILLS[plan.severities[r - 2]]
    for r, location in plan.links:
        link = ws.cell(row=r, column=7)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=location)
        link.font = Font(color="0563C1", underline="single")
    last = len(findings) + 1
    put(ws, last + 2, 1, plan.summary).font = Font(bold=True)
    if findings:
        end = get_column_letter(len(RESULT_HEADERS))
        table = Table(displayName="tblCheckResults", ref=f"A1:{end}{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
    return len(plan.cells)
