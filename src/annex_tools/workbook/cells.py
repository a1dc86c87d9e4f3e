"""Cell helpers shared by every openpyxl writer: text that stays text, columns found by header."""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from annex_tools.contract.text import normalize

# Text starting with these would become a formula (or a DDE/injection vector) in Excel.
FORMULA_PREFIXES = ("=", "+", "-", "@")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value[:1] in FORMULA_PREFIXES


def put(ws: Worksheet, row: int, col: int, value: Any) -> Cell:
    """Write a value; text that looks like a formula is stored as text, never as a formula."""
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"
    return cell


def header_columns(ws: Worksheet) -> dict[str, int]:
    """Normalized header text of row 1 -> its 1-based column (the first one, as the reader does)."""
    out: dict[str, int] = {}
    for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
        key = normalize(cell.value)
        if key and key not in out:
            out[key] = cell.column
    return out
