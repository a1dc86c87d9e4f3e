"""A recording stand-in for the part of xlwings' object model that annex_tools.excel uses.

Excel cannot run here, so the ribbon buttons are driven through this: a Book, its Sheets, Ranges
(value, color, note, font, column width, number format, expand/end, multi-area addresses),
Tables, Names and the App (alerts, screen updating, books.open), backed by an openpyxl workbook
loaded from a real master file, so what a button wrote can be asserted cell by cell and saved.

Every operation that is a round trip to Excel over COM in real xlwings is recorded in
`Calls` (property reads and writes, method calls, collection lookups); pure-Python steps such as
`options()` are not. Where Excel behaves in a way the adapter depends on, the stand-in does too:
numbers read back as floats, a value starting with "=" is entered as a formula and one starting
with "'" as text, `AddComment` fails on a cell that has a note, an address longer than 255
characters fails, `HYPERLINK` formulas read back as their text. Other formulas read back as None
(openpyxl does not calculate).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

MAX_ROW = 1_048_576
MAX_COL = 16_384
ADDRESS_LIMIT = 255
_HYPERLINK = re.compile(r'^=HYPERLINK\("(?:[^"]|"")*","((?:[^"]|"")*)"\)$')


class ExcelError(Exception):
    """What pywin32 raises when Excel refuses a call (com_error)."""


class Calls:
    """The Excel round trips made, in order: (what, detail)."""

    def __init__(self) -> None:
        self.log: list[tuple[str, str]] = []

    def __call__(self, what: str, detail: str = "") -> None:
        self.log.append((what, detail))

    def __len__(self) -> int:
        return len(self.log)

    def by_kind(self) -> Counter[str]:
        return Counter(what for what, _ in self.log)

    def reset(self) -> None:
        self.log.clear()


# ---- the application and its books ------------------------------------------------------


class App:
    def __init__(self, answer: str = "ok") -> None:
        self.calls = Calls()
        self.alerts: list[dict[str, Any]] = []
        self.answer = answer  # what the user clicks in an ok/cancel alert
        self._screen_updating = True
        self.books = Books(self)

    @property
    def screen_updating(self) -> bool:
        self.calls("app.screen_updating")
        return self._screen_updating

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self.calls("app.screen_updating=")
        self._screen_updating = value

    def alert(
        self,
        prompt: str,
        title: str | None = None,
        buttons: str = "ok",
        mode: str | None = None,
        callback: Any = None,
    ) -> str:
        self.calls("app.alert")
        self.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return self.answer if buttons != "ok" else "ok"


class Books:
    def __init__(self, app: App) -> None:
        self.app = app

    def open(self, fullname: str, read_only: bool = False, **_: Any) -> Book:
        self.app.calls("books.open", Path(fullname).name)
        return Book(Path(fullname), self.app)


class _BookApi:
    def __init__(self, book: Book) -> None:
        self.book = book
        self._saved = True

    @property
    def Saved(self) -> bool:  # noqa: N802 - Excel's name
        self.book.app.calls("book.api.Saved")
        return self._saved

    @Saved.setter
    def Saved(self, value: bool) -> None:  # noqa: N802
        self._saved = value


class Book:
    """An open workbook: the file at `path`, loaded with openpyxl (VBA kept for .xlsm)."""

    def __init__(self, path: Path, app: App | None = None) -> None:
        self.path = Path(path)
        self.app = app or App()
        self.xl = openpyxl.load_workbook(self.path, keep_vba=self.path.suffix == ".xlsm")
        self.sheets = Sheets(self)
        self.names = Names(self)
        self.api = _BookApi(self)
        self.active: str = self.xl.active.title if self.xl.active else ""

    @property
    def calls(self) -> Calls:
        return self.app.calls

    @property
    def fullname(self) -> str:
        self.calls("book.fullname")
        return str(self.path)

    def close(self) -> None:
        self.calls("book.close")

    def save_as(self, path: Path) -> Path:
        """Not an adapter call: lets a test keep what the button left in the book."""
        self.xl.save(path)
        return path


class Names:
    def __init__(self, book: Book) -> None:
        self.book = book

    def __getitem__(self, name: str) -> Name:
        self.book.calls("names[]", name)
        if name not in self.book.xl.defined_names:
            raise KeyError(name)
        return Name(self.book, self.book.xl.defined_names[name].attr_text)


class Name:
    def __init__(self, book: Book, text: str) -> None:
        self.book, self._text = book, text

    @property
    def refers_to(self) -> str:
        self.book.calls("name.refers_to")
        return "=" + self._text


class Sheets:
    def __init__(self, book: Book) -> None:
        self.book = book

    def _wrap(self, ws: Worksheet) -> Sheet:
        return Sheet(self.book, ws)

    def __len__(self) -> int:
        self.book.calls("sheets.count")
        return len(self.book.xl.worksheets)

    def __iter__(self) -> Iterator[Sheet]:
        self.book.calls("sheets.count")
        for ws in list(self.book.xl.worksheets):
            self.book.calls("sheets.item", ws.title)
            yield self._wrap(ws)

    def __getitem__(self, key: str | int) -> Sheet:
        self.book.calls("sheets[]", str(key))
        if isinstance(key, int):
            return self._wrap(self.book.xl.worksheets[key])
        if key not in self.book.xl.sheetnames:
            raise ExcelError(f"no sheet {key!r}")
        return self._wrap(self.book.xl[key])

    def add(self, name: str, before: Sheet | None = None, after: Sheet | None = None) -> Sheet:
        self.book.calls("sheets.add", name)
        if name in self.book.xl.sheetnames:
            raise ExcelError(f"sheet {name!r} exists")
        index = len(self.book.xl.worksheets)
        if after is not None:
            index = self.book.xl.worksheets.index(after.ws) + 1
        elif before is not None:
            index = self.book.xl.worksheets.index(before.ws)
        return self._wrap(self.book.xl.create_sheet(name, index))


# ---- sheets ------------------------------------------------------------------------------


class Sheet:
    def __init__(self, book: Book, ws: Worksheet) -> None:
        self.book, self.ws = book, ws

    @property
    def calls(self) -> Calls:
        return self.book.calls

    @property
    def name(self) -> str:
        self.calls("sheet.name")
        return self.ws.title

    def range(self, a: Any, b: Any = None) -> Range:
        self.calls("sheet.range", str(a) if b is None else f"{a}:{b}")
        if isinstance(a, Range):
            a = (a.areas[0][0], a.areas[0][1])
        if isinstance(a, str):
            if b is not None:
                raise NotImplementedError
            if len(a) > ADDRESS_LIMIT:
                raise ExcelError(f"Range() address of {len(a)} characters")
            return Range(self, [_area(part) for part in a.split(",")])
        r1, c1 = a
        r2, c2 = (r1, c1) if b is None else b
        return Range(self, [(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))])

    @property
    def cells(self) -> Range:
        self.calls("sheet.cells")
        return Range(self, [(1, 1, MAX_ROW, MAX_COL)])

    @property
    def used_range(self) -> Range:
        self.calls("sheet.used_range")
        ws = self.ws
        return Range(self, [(1, 1, max(ws.max_row, 1), max(ws.max_column, 1))])

    @property
    def tables(self) -> list[Table]:
        self.calls("sheet.tables")
        return [Table(self, name) for name in list(self.ws.tables)]

    def clear(self) -> None:
        """Contents and formats of every cell (column widths stay, as in Excel)."""
        self.calls("sheet.clear")
        ws = self.ws
        ws._cells.clear()
        ws._hyperlinks = []
        ws.merged_cells.ranges = set()

    def activate(self) -> None:
        self.calls("sheet.activate")
        self.book.active = self.ws.title

    def delete(self) -> None:
        self.calls("sheet.delete")
        self.book.xl.remove(self.ws)

    def copy(
        self, before: Sheet | None = None, after: Sheet | None = None, name: str = ""
    ) -> Sheet:
        """Excel's Worksheet.Copy into another book: values, styles, widths, merges."""
        self.calls("sheet.copy", name)
        target = (after or before).book  # type: ignore[union-attr]
        index = len(target.xl.worksheets)
        if after is not None:
            index = target.xl.worksheets.index(after.ws) + 1
        new = target.xl.create_sheet(name or self.ws.title, index)
        for row in self.ws.iter_rows():
            for cell in row:
                if cell.__class__.__name__ == "MergedCell":
                    continue
                out = new.cell(row=cell.row, column=cell.column, value=cell.value)
                if cell.has_style:
                    out._style = copy.copy(cell._style)
        for key, dim in self.ws.column_dimensions.items():
            new.column_dimensions[key].width = dim.width
        for merged in self.ws.merged_cells.ranges:
            new.merge_cells(str(merged))
        return Sheet(target, new)


class Table:
    def __init__(self, sheet: Sheet, name: str) -> None:
        self.sheet, self.name = sheet, name
        self.api = _TableApi(self)

    @property
    def range(self) -> Range:
        self.sheet.calls("table.range")
        c1, r1, c2, r2 = range_boundaries(self.sheet.ws.tables[self.name].ref)
        return Range(self.sheet, [(r1, c1, r2, c2)])

    def resize(self, rng: Range) -> None:
        self.sheet.calls("table.resize")
        r1, c1, r2, c2 = rng.areas[0]
        self.sheet.ws.tables[
            self.name
        ].ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"


class _TableApi:
    def __init__(self, table: Table) -> None:
        self.table = table

    def Delete(self) -> None:  # noqa: N802 - ListObject.Delete: the table and its cells
        sheet = self.table.sheet
        sheet.calls("table.api.Delete")
        c1, r1, c2, r2 = range_boundaries(sheet.ws.tables[self.table.name].ref)
        for row in sheet.ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
            for cell in row:
                cell.value = None
        del sheet.ws.tables[self.table.name]


# ---- ranges ------------------------------------------------------------------------------


def _area(text: str) -> tuple[int, int, int, int]:
    text = text.strip().replace("$", "")
    if re.fullmatch(r"[A-Z]+", text):
        text = f"{text}1:{text}{MAX_ROW}"
    elif re.fullmatch(r"[A-Z]+:[A-Z]+", text):
        a, b = text.split(":")
        text = f"{a}1:{b}{MAX_ROW}"
    c1, r1, c2, r2 = range_boundaries(text)
    assert c1 and r1 and c2 and r2, text
    return (r1, c1, r2, c2)


def _read(value: Any) -> Any:
    """A stored value as xlwings gives it: numbers as floats, HYPERLINK formulas as their text,
    other formulas not calculated here (None)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, str) and value.startswith("="):
        m = _HYPERLINK.match(value)
        return m.group(1).replace('""', '"') if m else None
    if value == "":
        return None
    return value


def shown(value: Any) -> Any:
    """What Excel shows for a stored value (a HYPERLINK formula: its text)."""
    return _read(value) if isinstance(value, str) and value.startswith("=") else value


def _write(value: Any) -> Any:
    """A value set through Range.value, as Excel enters it."""
    if isinstance(value, str):
        if value.startswith("'"):
            return value[1:]
        if value == "":
            return None
    return value


class Range:
    def __init__(self, sheet: Sheet, areas: list[tuple[int, int, int, int]]) -> None:
        self.sheet = sheet
        self.areas = areas  # (row1, col1, row2, col2), 1-based
        self._ndim: int | None = None
        self.api = _RangeApi(self)

    @property
    def calls(self) -> Calls:
        return self.sheet.calls

    def _cells(self) -> Iterator[tuple[int, int]]:
        for r1, c1, r2, c2 in self.areas:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    yield r, c

    @property
    def _ws(self) -> Worksheet:
        return self.sheet.ws

    def options(self, ndim: int | None = None, **_: Any) -> Range:
        self._ndim = ndim
        return self

    # -- geometry
    @property
    def row(self) -> int:
        self.calls("range.row")
        return self.areas[0][0]

    @property
    def column(self) -> int:
        self.calls("range.column")
        return self.areas[0][1]

    @property
    def last_cell(self) -> Range:
        self.calls("range.last_cell")
        r1, c1, r2, c2 = self.areas[0]
        return Range(self.sheet, [(r2, c2, r2, c2)])

    def __getitem__(self, key: tuple[int, int]) -> Range:
        self.calls("range[]")
        r1, c1, _, _ = self.areas[0]
        return Range(self.sheet, [(r1 + key[0], c1 + key[1], r1 + key[0], c1 + key[1])])

    def _filled(self, r: int, c: int) -> bool:
        return self._ws._cells.get((r, c)) is not None and self._ws._cells[(r, c)].value not in (
            None,
            "",
        )

    def expand(self, mode: str = "table") -> Range:
        self.calls("range.expand")
        r1, c1, r2, c2 = self.areas[0]
        if mode in ("right", "table"):
            while c2 < MAX_COL and self._filled(r1, c2 + 1):
                c2 += 1
        if mode in ("down", "table"):
            while r2 < MAX_ROW and self._filled(r2 + 1, c1):
                r2 += 1
        return Range(self.sheet, [(r1, c1, r2, c2)])

    def end(self, direction: str) -> Range:
        """Excel's End(xlUp) from an empty cell: the first filled cell above (or row 1)."""
        self.calls("range.end")
        assert direction == "up"
        r, c = self.areas[0][0], self.areas[0][1]
        last = max(
            (row for (row, col) in self._ws._cells if col == c and self._filled(row, col)),
            default=1,
        )
        return Range(self.sheet, [(min(r, last), c, min(r, last), c)])

    # -- values
    @property
    def value(self) -> Any:
        self.calls("range.value")
        r1, c1, r2, c2 = self.areas[0]
        ws = self._ws
        rows = [
            [
                _read(ws._cells[(r, c)].value) if (r, c) in ws._cells else None
                for c in range(c1, c2 + 1)
            ]
            for r in range(r1, r2 + 1)
        ]
        if self._ndim == 2:
            return rows
        if self._ndim == 1 or (len(rows) == 1) != (len(rows[0]) == 1):
            return [v for row in rows for v in row]
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        return rows

    @value.setter
    def value(self, data: Any) -> None:
        self.calls("range.value=")
        r1, c1 = self.areas[0][0], self.areas[0][1]
        if not isinstance(data, list | tuple):
            for r, c in self._cells():
                self._ws.cell(row=r, column=c).value = _write(data)
            return
        block = data if data and isinstance(data[0], list | tuple) else [data]
        for i, row in enumerate(block):
            for j, v in enumerate(row):
                self._ws.cell(row=r1 + i, column=c1 + j).value = _write(v)

    # -- formats
    @property
    def color(self) -> Any:
        self.calls("range.color")
        fill = self._ws.cell(row=self.areas[0][0], column=self.areas[0][1]).fill
        return fill.fgColor.rgb if fill is not None and fill.fill_type == "solid" else None

    @color.setter
    def color(self, value: str | None) -> None:
        self.calls("range.color=", str(value))
        fill = (
            PatternFill(fill_type=None)
            if value is None
            else PatternFill("solid", fgColor="FF" + value.lstrip("#").upper())
        )
        for r, c in self._cells():
            self._ws.cell(row=r, column=c).fill = fill

    @property
    def number_format(self) -> str:
        self.calls("range.number_format")
        return self._ws.cell(row=self.areas[0][0], column=self.areas[0][1]).number_format

    @number_format.setter
    def number_format(self, value: str) -> None:
        self.calls("range.number_format=")
        for r, c in self._cells():
            self._ws.cell(row=r, column=c).number_format = value

    @property
    def column_width(self) -> float:
        self.calls("range.column_width")
        return self._ws.column_dimensions[get_column_letter(self.areas[0][1])].width

    @column_width.setter
    def column_width(self, value: float) -> None:
        self.calls("range.column_width=")
        _, c1, _, c2 = self.areas[0]
        for c in range(c1, c2 + 1):
            self._ws.column_dimensions[get_column_letter(c)].width = value

    @property
    def font(self) -> _Font:
        self.calls("range.font")
        return _Font(self)

    # -- notes
    @property
    def note(self) -> Note | None:
        self.calls("range.note")
        cell = self._ws.cell(row=self.areas[0][0], column=self.areas[0][1])
        return Note(self, cell.row, cell.column) if cell.comment is not None else None


class _Font:
    def __init__(self, rng: Range) -> None:
        self.rng = rng

    @property
    def bold(self) -> bool:
        self.rng.calls("font.bold")
        return bool(self.rng._ws.cell(row=self.rng.areas[0][0], column=self.rng.areas[0][1]).font.b)

    @bold.setter
    def bold(self, value: bool) -> None:
        self.rng.calls("font.bold=")
        for r, c in self.rng._cells():
            cell = self.rng._ws.cell(row=r, column=c)
            font = copy.copy(cell.font) if cell.font else Font()
            font.b = value
            cell.font = font


class Note:
    def __init__(self, rng: Range, row: int, column: int) -> None:
        self.rng, self.row, self.column = rng, row, column

    @property
    def text(self) -> str:
        self.rng.calls("note.text")
        comment = self.rng._ws.cell(row=self.row, column=self.column).comment
        return comment.text if comment else ""

    def delete(self) -> None:
        self.rng.calls("note.delete")
        self.rng._ws.cell(row=self.row, column=self.column).comment = None


class _RangeApi:
    """The pywin32 Range object: only the methods the adapter calls."""

    def __init__(self, rng: Range) -> None:
        self.rng = rng

    def AddComment(self, text: str) -> None:  # noqa: N802 - Excel's name
        self.rng.calls("range.api.AddComment")
        r1, c1, r2, c2 = self.rng.areas[0]
        if len(self.rng.areas) > 1 or (r1, c1) != (r2, c2):
            raise ExcelError("AddComment on more than one cell")
        cell = self.rng._ws.cell(row=r1, column=c1)
        if cell.comment is not None:
            raise ExcelError(f"{cell.coordinate} already has a note")
        cell.comment = Comment(text, "Excel user")

    def ClearComments(self) -> None:  # noqa: N802
        self.rng.calls("range.api.ClearComments")
        for r, c in self.rng._cells():
            cell = self.rng._ws._cells.get((r, c))
            if cell is not None and cell.comment is not None:
                cell.comment = None
