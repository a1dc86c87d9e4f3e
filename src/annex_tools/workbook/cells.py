"""The one way a value from data reaches a cell, and header lookup shared by every writer.

`put` (openpyxl) and `excel_value` (xlwings) store text as text: a value beginning with `=`,
`+`, `-` or `@` never becomes a formula, and characters an .xlsx cannot hold (C0 controls
except tab, line feed and carriage return) are removed. A test fails if code writes a cell any
other way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from annex_tools.contract.text import holdable, normalize, unholdable

# Text starting with these would become a formula (or a DDE/injection vector) in Excel.
FORMULA_PREFIXES = ("=", "+", "-", "@")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value[:1] in FORMULA_PREFIXES


Removed = Callable[[Cell, list[str]], None]


def put(ws: Worksheet, row: int, col: int, value: Any, removed: Removed | None = None) -> Cell:
    """Write a value; text that looks like a formula is stored as text, never as a formula;
    characters an .xlsx cannot hold are removed (and reported to `removed` with the cell)."""
    cell = ws.cell(row=row, column=col)
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


def excel_value(value: Any) -> Any:
    """A value for xlwings' `Range.value`: formula-like text gets Excel's text prefix `'`,
    characters Excel cannot hold are removed. Lists (rows of values) are converted item by item."""
    if isinstance(value, list | tuple):
        return [excel_value(v) for v in value]
    if isinstance(value, str):
        value = holdable(value)
        return f"'{value}" if looks_like_formula(value) else value
    return value


def header_columns(ws: Worksheet) -> dict[str, int]:
    """Normalized header text of row 1 -> its 1-based column (the first one, as the reader does)."""
    out: dict[str, int] = {}
    for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
        key = normalize(cell.value)
        if key and key not in out:
            out[key] = cell.column
    return out
