"""The one way a value from data reaches a cell, and header lookup shared by every writer.

`put` (openpyxl, an existing workbook changed), `write`/`merge`/`link` (XlsxWriter, a new
file written from nothing, on a book from `new_book`) and `excel_value` (xlwings) store text as
text: a value beginning with `=`, `+`, `-` or `@` never becomes a formula, and characters an
.xlsx cannot hold (C0 controls except tab, line feed and carriage return) are removed. A test
fails if code writes a cell any other way.
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from annex_tools.contract.text import holdable, normalize, unholdable

# The printed header of every page of a draft workbook (XlsxWriter's header codes: centred,
# 14 pt, dark red).
DRAFT_PAGE_HEADER = "&C&14&KC00000草稿　仅供核对，不得作为正式文件"

# Text starting with these would become a formula (or a DDE/injection vector) in Excel.
FORMULA_PREFIXES = ("=", "+", "-", "@")


class CellNotWritable(Exception):
    """A cell a write needs is covered by a merge; the message names sheet, row and column."""


def _column_name(ws: Worksheet, col: int) -> str:
    header = ws.cell(row=1, column=col).value
    return f"“{header}”列" if header not in (None, "") else f"第 {col} 列"


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value[:1] in FORMULA_PREFIXES


Removed = Callable[[Cell, list[str]], None]


def put(ws: Worksheet, row: int, col: int, value: Any, removed: Removed | None = None) -> Cell:
    """Write a value; text that looks like a formula is stored as text, never as a formula;
    characters an .xlsx cannot hold are removed (and reported to `removed` with the cell)."""
    cell = ws.cell(row=row, column=col)
    if isinstance(cell, MergedCell):
        raise CellNotWritable(
            f"“{ws.title}”表第 {row} 行{_column_name(ws, col)}（{cell.coordinate}）在合并单元格中，"
            "无法写入，主表未被修改。请在 Excel 中取消这一区域的合并（数据区不要合并单元格），保存后重新运行"
        )
    bad = unholdable(value)
    if bad:
        value = holdable(value)
        if removed is not None:
            removed(cell, bad)
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"
    return cell


def put_formula(ws: Worksheet, row: int, col: int, formula: str) -> Cell:
    """Write a formula the code itself composed (never text from data), without the '='."""
    cell = ws.cell(row=row, column=col)
    cell.value = "=" + formula
    return cell


class Formula(str):
    """A formula the code itself composed (never text from data), without the '=':
    `excel_value` enters it as a formula, as `put_formula` does for openpyxl."""


def excel_value(value: Any) -> Any:
    """A value for xlwings' `Range.value`: formula-like text gets Excel's text prefix `'`,
    characters Excel cannot hold are removed. Lists (rows of values) are converted item by item.
    A `Formula` is entered as a formula."""
    if isinstance(value, Formula):
        return "=" + value
    if isinstance(value, list | tuple):
        return [excel_value(v) for v in value]
    if isinstance(value, str):
        value = holdable(value)
        return f"'{value}" if looks_like_formula(value) else value
    return value


# ---- XlsxWriter: files written from nothing ------------------------------------------------

# XlsxWriter's `write` would turn text beginning with "=" into a formula, "http://…" into a link
# and "1.5" into a number; data is stored as it is.
XLSX_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,
}


def new_book(target: Path | IO[bytes]) -> Any:
    """An XlsxWriter workbook for a new file (a path or a binary buffer): text stays text, no
    forced recalculation on load (Excel would ask to save on every close), neutral properties."""
    import xlsxwriter

    book = xlsxwriter.Workbook(target if not isinstance(target, Path) else str(target),
                               {**XLSX_OPTIONS, "in_memory": True})  # fmt: skip
    book.calc_on_load = False
    return book


def write(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Write a value from data to an XlsxWriter sheet (0-based row and column, as XlsxWriter):
    text is always a string cell, never a formula; numbers, dates and booleans keep their type."""
    if type(value) is str:  # most cells: checked first, as the last branch below writes it
        ws.write_string(row, col, holdable(value), fmt)
    elif value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, numbers.Real):  # numpy's numbers too
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    else:
        ws.write_string(row, col, holdable(str(value)), fmt)


def write_row(ws: Any, row: int, col: int, values: Iterable[Any], fmt: Any = None) -> None:
    for c, value in enumerate(values, start=col):
        write(ws, row, c, value, fmt)


def merge(ws: Any, first_row: int, first_col: int, last_row: int, last_col: int, value: Any,
          fmt: Any = None) -> None:  # fmt: skip
    """Merge a range and write `value` (from data) into its first cell, as `write` does."""
    ws.merge_range(first_row, first_col, last_row, last_col, "", fmt)
    write(ws, first_row, first_col, value, fmt)


def link(ws: Any, row: int, col: int, sheet: str, text: str, fmt: Any = None) -> None:
    """A link to cell A1 of another sheet of the same workbook, showing `text` (from data)."""
    target = "'" + sheet.replace("'", "''") + "'!A1"
    ws.write_url(row, col, f"internal:{target}", fmt, string=holdable(text))


def header_columns(ws: Worksheet) -> dict[str, int]:
    """Normalized header text of row 1 -> its 1-based column (the first one, as the reader does)."""
    out: dict[str, int] = {}
    for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
        key = normalize(cell.value)
        if key and key not in out:
            out[key] = cell.column
    return out
