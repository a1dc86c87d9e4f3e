"""The xlwings adapter: the open book read into the frames the headless reader gives, and the
marks, notes and 校验结果 written back in calls per sheet, not per finding
(tests/fake_xlwings.py counts them). Excel's object model is reached only here and in buttons.py."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import xlwings as xw

from annex_tools.contract import schema as S
from annex_tools.contract.text import normalize

if TYPE_CHECKING:
    from annex_tools.contract.findings import Finding
    from annex_tools.usecases.check import CheckResult
    from annex_tools.workbook.marking import MarkPlan
    from annex_tools.workbook.reader import Workbook

T = TypeVar("T")


def sheet_headers(sheets: dict[str, list[list[Any]]]) -> dict[str, dict[str, int]]:
    """Each data sheet's header -> column number, from the rows read."""
    return {
        name: {
            normalize(h): i for i, h in enumerate(rows[0] if rows else [], start=1) if normalize(h)
        }
        for name, rows in sheets.items()
        if name != S.RESULTS_SHEET
    }


def check_rows(
    sheets: dict[str, list[list[Any]]], fullname: str, as_of: dt.date, now: dt.datetime
) -> tuple[CheckResult, MarkPlan, str]:
    """全面校验 on rows read from the open book: the result, the marks to make, the message."""
    from annex_tools.excel.messages import check_message
    from annex_tools.usecases.check import CheckRun, check_workbook
    from annex_tools.workbook.marking import plan_marks
    from annex_tools.workbook.reader import workbook_from_rows

    wb = workbook_from_rows(sheets, Path(fullname))
    result = check_workbook(wb, as_of)
    plan = plan_marks(result.findings, sheet_headers(sheets), now, wb.settings.note_cap)
    return result, plan, check_message(CheckRun(result), plan)


def calling_book() -> Any:
    """The book whose button or formula called Python (tests put a stand-in here)."""
    return xw.Book.caller()


def read_sheets(book: Any) -> dict[str, list[list[Any]]]:
    """Every sheet's values from A1 to its last used cell, as the headless reader sees them
    (one read per sheet: the headers come from here too)."""
    out: dict[str, list[list[Any]]] = {}
    for sheet in book.sheets:
        last = sheet.used_range.last_cell
        values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
        out[sheet.name] = values or []
    return out


def _rgb(severity: Any) -> str:
    from annex_tools.workbook.marking import MARK_FILLS

    return "#" + MARK_FILLS[severity].fgColor.rgb[-6:]


def unmark(book: Any, sheets: dict[str, list[list[Any]]]) -> None:
    """Take off the fills and notes an earlier 全面校验 or `check --write` put on (listed on
    校验结果): one call per sheet and run of addresses, none per finding."""
    from annex_tools.workbook.marking import address_chunks, previous_marks

    rows = sheets.get(S.RESULTS_SHEET) or []
    for name, (marked, noted) in previous_marks(rows, set(sheets) - {S.RESULTS_SHEET}).items():
        sheet = book.sheets[name]
        for address in address_chunks(marked):
            sheet.range(address).color = None
        # only cells the run gave a note (its 批注 column); a staff note elsewhere stays
        for address in address_chunks(noted):
            sheet.range(address).api.ClearComments()


def empty_results(book: Any, names: list[str]) -> Any:
    """The 校验结果 sheet emptied (the built master has it, with its code name), or added."""
    from annex_tools.workbook.marking import RESULT_WIDTHS

    if S.RESULTS_SHEET in names:
        sheet = book.sheets[S.RESULTS_SHEET]
        for table in sheet.tables:  # one `check --write` made
            table.api.Delete()
        sheet.clear()
        return sheet
    sheet = book.sheets.add(S.RESULTS_SHEET, after=book.sheets[-1])
    for i, width in enumerate(RESULT_WIDTHS, start=1):
        sheet.range((1, i)).column_width = width
    return sheet


def apply_plan(book: Any, plan: MarkPlan, sheets: dict[str, list[list[Any]]]) -> None:
    """The marks of `plan` on the open book, in calls per sheet, colour and note, not per finding.
    `sheets`: the values read before the check (the earlier 校验结果 among them)."""
    from annex_tools.workbook.cells import excel_value
    from annex_tools.workbook.marking import RESULT_HEADERS, address_chunks, result_block

    app = book.app
    app.screen_updating = False
    try:
        unmark(book, sheets)
        for name, by_severity in plan.fills().items():
            sheet = book.sheets[name]
            for severity, addresses in by_severity.items():
                for address in addresses:
                    sheet.range(address).color = _rgb(severity)
        for name, marks in plan.noted().items():
            sheet = book.sheets[name]
            for address in address_chunks([(m.row, m.column) for m in marks]):
                sheet.range(address).api.ClearComments()  # a cell holds one note
            for mark in marks:  # one call each, capped by 校验批注上限
                sheet.range((mark.row, mark.column)).api.AddComment(mark.text)
        results = empty_results(book, list(sheets))
        results.range("A1").value = excel_value(result_block(plan))
        results.range((1, 1), (1, len(RESULT_HEADERS))).font.bold = True
        for severity, addresses in plan.severity_fills().items():
            for address in addresses:
                results.range(address).color = _rgb(severity)
        results.activate()
    finally:
        app.screen_updating = True


def open_workbook(book: Any, sheets: dict[str, list[list[Any]]] | None = None) -> Workbook:
    """The open book, unsaved edits included, as the same Workbook the headless reader gives."""
    from annex_tools.documents.summary import NARRATIVE_SHEET, narrative_from_rows
    from annex_tools.workbook.reader import workbook_from_rows

    sheets = read_sheets(book) if sheets is None else sheets
    wb = workbook_from_rows(sheets, Path(book.fullname))
    rows = sheets.get(NARRATIVE_SHEET, [])
    wb.narrative = narrative_from_rows(rows)
    return wb


class OpenBook:
    """The usecases.master.Master of the ribbon buttons: the book open in Excel. Reads include
    unsaved edits; writes go into the open book (Excel's lock and the user's save are the
    guard, so there is no backup of our own)."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self._sheets: dict[str, list[list[Any]]] | None = None
        self.plan: MarkPlan | None = None  # the marks the last `mark` made

    @property
    def folder(self) -> Path:
        return Path(self.book.fullname).parent

    def hold(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    def read(self) -> Workbook:
        self._sheets = read_sheets(self.book)
        return open_workbook(self.book, self._sheets)

    def edit(self, change: Callable[[Any], T]) -> tuple[T, Path | None]:
        return change(XlwingsWriter(self.book)), None

    def mark(
        self, findings: list[Finding], now: dt.datetime, note_cap: int | None = None
    ) -> tuple[int, Path | None]:
        from annex_tools.workbook.marking import plan_marks

        sheets = self._sheets if self._sheets is not None else read_sheets(self.book)
        self.plan = plan_marks(findings, sheet_headers(sheets), now, note_cap)
        apply_plan(self.book, self.plan, sheets)
        return len(self.plan.cells), None


class XlwingsWriter:
    """The SheetWriter of returns.py on the open book: same edits, through Excel."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self._headers: dict[str, dict[str, int]] = {}

    def _cols(self, sheet: S.Sheet) -> dict[str, int]:
        """The sheet's header columns, read once per sheet (this writer adds no columns)."""
        if sheet.name not in self._headers:
            header = self.book.sheets[sheet.name].range("A1").expand("right").value or []
            if not isinstance(header, list):
                header = [header]
            self._headers[sheet.name] = {
                normalize(h): i for i, h in enumerate(header, start=1) if normalize(h)
            }
        return self._headers[sheet.name]

    def put(
        self, sheet: S.Sheet, row: int, header: str, value: Any, number_format: str | None = None
    ) -> None:
        col = self._cols(sheet).get(normalize(header))
        if col is None:
            return
        cell = self.book.sheets[sheet.name].range((row, col))
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time())
        if number_format:
            cell.number_format = number_format
        from annex_tools.workbook.cells import excel_value

        cell.value = excel_value(value)  # formula-like text stays text

    def append(self, sheet: S.Sheet, values: dict[str, Any]) -> int:
        sht = self.book.sheets[sheet.name]
        cols = self._cols(sheet)
        id_col = cols[normalize(sheet.id_column or sheet.headers[0])]
        last = sht.range((sht.cells.last_cell.row, id_col)).end("up").row
        row = last + 1
        for header, value in values.items():
            if value not in (None, ""):
                self.put(
                    sheet, row, header, value, "yyyy-mm-dd" if isinstance(value, dt.date) else None
                )
        for table in sht.tables:
            rng = table.range
            if row > rng.last_cell.row:
                table.resize(sht.range(rng[0, 0], (row, rng.last_cell.column)))
        return row

    def ids(self, sheet: S.Sheet) -> set[str]:
        sht = self.book.sheets[sheet.name]
        col = self._cols(sheet)[normalize(sheet.id_column or sheet.headers[0])]
        values = (
            sht.range((2, col), (max(2, sht.used_range.last_cell.row), col)).options(ndim=1).value
        )
        return {str(v) for v in values if v}
