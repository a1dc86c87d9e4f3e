"""How far a worksheet's cells reach, read from its XML before python-calamine parses it.

python-calamine builds a sheet as one block from A1 (the start of its used area, really) to the
farthest cell holding a value: rows x columns cells whatever lies between. One value typed at
XFD1048576 in a 1.5 KB edit asks for 17 billion cells (512 GB), and Rust's allocator then aborts
the whole process (SIGABRT, no message); a value at Z1048576 really allocates gigabytes. So the
farthest cell is found first and a sheet reaching past MAX_CELLS is refused with a message.

Cheap on every real master: each cell tag Excel, WPS, LibreOffice, openpyxl and XlsxWriter write
is `<c r="A123" ...>`, so one regex search that finds nothing proves that no cell is past column
Z or row 99,999 (2.6 million cells at most). Only a sheet with a column of two or more letters,
a row of six digits or more, or a cell tag of another form (no `r` or not first, a namespace
prefix, single quotes) is read further: first the few refs that are far, then, if those alone
do not settle it, every row and cell tag the way calamine reads them.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from annex_tools.contract.errors import WorkbookError
from annex_tools.contract.unzip import ZipRefused, pieces

# The largest master in sight: 100,000 rows x 60 columns is 6 million cells (the city benchmark
# 60,000 x 17). At 20 million calamine holds ~640 MB (32 bytes a cell) and the rows made Python
# lists ~160 MB more: still readable on a staff PC, and far below any sheet that aborts.
MAX_CELLS = 20_000_000

# within these every cell tag written the usual way stays: 26 x 99,999 cells < MAX_CELLS
_NEAR_COLUMNS, _NEAR_ROWS = 26, 99_999
# a cell tag not `<c r="A1"`..`<c r="Z99999"` (r first, one capital letter, a row without a
# leading zero and at most 5 digits), or a `c` tag with a namespace prefix
_UNUSUAL = re.compile(rb'<c(?! r="[A-Z][1-9][0-9]{0,4}")[ \t\r\n>]')
_PREFIXED = re.compile(rb":c[ \t\r\n>]")
# the usual form of a cell tag, with its ref, for the refs that are far (rows of 6+ digits
# or columns of 2+ letters); group 3 ends with "/" when the tag closes itself (an empty cell)
_ATTRS = rb"""((?:[^>"']|"[^"]*"|'[^']*')*)>"""
_FAR = re.compile(rb'<c r="([A-Za-z]{2,}|[A-Za-z](?=[0-9]{6}|0))([0-9]+)"' + _ATTRS)
# any row or cell tag, opening, closing or empty, with or without a namespace prefix
_TAG = re.compile(rb"<(/?)(?:[^\s<>/:]*:)?(row|c)(?=[ \t\r\n/>])")
_ATTRS_AT = re.compile(_ATTRS)
_R = re.compile(rb"""(?:^|[ \t\r\n])r[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(rb"([A-Za-z]*)([0-9]+)")
_CELL_END = re.compile(rb"</(?:[^\s<>/:]*:)?c[ \t\r\n]*>")


def _column(letters: bytes) -> int:
    """A column's number from its letters (A = 1); calamine takes small letters as capitals."""
    if len(letters) > 7:  # past what calamine's u32 holds: far in any case
        return 1 << 40
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _letters(column: int) -> str:
    out = ""
    while column > 0:
        column, rem = divmod(column - 1, 26)
        out = chr(65 + rem) + out
    return out


def _row(digits: bytes) -> int:
    digits = digits.lstrip(b"0") or b"0"
    return 1 << 40 if len(digits) > 10 else int(digits)


def reach(xml: bytes) -> tuple[int, int]:
    """An upper bound on the rows and columns (counted from A1) up to the farthest cell that
    calamine would keep a value of. Empty cells (`<c .../>`) do not count: calamine skips them."""
    prefixed = _PREFIXED.search(xml) is not None
    if not prefixed and not _UNUSUAL.search(xml):
        return _NEAR_ROWS, _NEAR_COLUMNS
    if not prefixed and not _OTHER_FORM.search(xml):
        rows, cols = _NEAR_ROWS, _NEAR_COLUMNS
        for letters, digits, attrs in _FAR.findall(xml):  # only the far refs (few, usually)
            if not attrs.rstrip().endswith(b"/"):
                rows, cols = max(rows, _row(digits)), max(cols, _column(letters))
        if rows * cols <= MAX_CELLS:
            return rows, cols
    return _as_calamine_reads(xml)


# a cell tag not `<c r="LETTERS DIGITS"` (its ref not first, or none)
_OTHER_FORM = re.compile(rb'<c(?! r="[A-Za-z]+[0-9]+")[ \t\r\n>]')


def _as_calamine_reads(xml: bytes) -> tuple[int, int]:
    """The bound from every row and cell tag, as calamine's cell reader walks them (it reads
    `<x/>` as `<x></x>`): a cell's `r` gives its place; a cell without one is next to the cell
    before it, on the row of its row tag's `r` or one past the row before; a cell's content is
    passed over to its closing tag."""
    max_row = max_col = 0  # 1-based; 0: none yet
    row_index = col_index = 0  # calamine's counters, 0-based
    row_refs_max = row_ends = 0  # a row index calamine reaches is at most their sum
    pos = 0
    while match := _TAG.search(xml, pos):
        closing, name = match.group(1), match.group(2)
        attrs_match = _ATTRS_AT.match(xml, match.end())
        if attrs_match is None:  # a tag that never ends: calamine stops there with an error
            break
        pos = attrs_match.end()
        attrs = attrs_match.group(1)
        empty = not closing and attrs.rstrip().endswith(b"/")
        if closing or name == b"row":
            for ref in [] if closing else _refs(attrs):
                parsed = _REF.fullmatch(ref)
                if parsed:
                    row_index = _row(parsed.group(2)) - 1
                    row_refs_max = max(row_refs_max, row_index)
            if closing or empty:  # the end of a row
                row_index, col_index, row_ends = row_index + 1, 0, row_ends + 1
            continue
        refs = _refs(attrs)
        places = [p for p in map(_REF.fullmatch, refs) if p and p.group(1)]
        for p in places:
            col_index = _column(p.group(1)) - 1
            if not empty:
                max_row, max_col = max(max_row, _row(p.group(2))), max(max_col, col_index + 1)
        if not refs and not empty:
            # on calamine's row counter, which never passes the largest row `r` plus every row
            # closed (whatever tags calamine's own reading of a cell passes over)
            max_row = max(max_row, max(row_index, row_refs_max + row_ends) + 1)
            max_col = max(max_col, col_index + 1)
        col_index += 1
        if not empty:
            end = _CELL_END.search(xml, pos)
            if end is None:
                break
            pos = end.end()
    return max_row, max_col


def _refs(attrs: bytes) -> list[bytes]:
    return [a or b for a, b in _R.findall(attrs)]


_OVERLAP = 32  # longer than any match of _UNUSUAL and _PREFIXED, so none is cut between pieces
_CAUGHT = (OSError, zipfile.BadZipFile, ZipRefused, zlib.error, EOFError)


def _pieces(path: Path, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part's bytes as calamine would read them, a piece at a time: at most its claimed size
    (calamine's zip reader stops there). Nothing more for a part that is damaged: calamine meets
    the same damage and says so."""
    try:
        with path.open("rb") as fh:
            yield from pieces(fh, info, info.file_size, as_claimed=True)
    except _CAUGHT:
        return


def _usual(parts: Iterator[bytes]) -> bool:
    """Whether every cell tag is written the usual way and near (reach's first question),
    asked of each piece as it is inflated, and of the seam with the piece before."""
    tail = b""
    for piece in parts:
        # a match in the last bytes may be cut short: asked again with the next piece, at the
        # seam (no copy of the piece)
        for text in (tail + piece[:_OVERLAP], piece):
            room = len(text) - _OVERLAP
            found = _UNUSUAL.search(text)
            if found and found.start() < room:
                return False
            colon = text.find(b":")  # (one memchr; a sheet with no prefix has few colons, if any)
            found = _PREFIXED.search(text, colon) if colon >= 0 else None
            if found and found.start() < room:
                return False
        tail = (tail + piece[-_OVERLAP:])[-_OVERLAP:]
    return all(pattern.search(tail) is None for pattern in (_UNUSUAL, _PREFIXED))


def refuse_far_cells(path: Path, info: zipfile.ZipInfo | None, sheet: str | None) -> None:
    """WorkbookError when the part's farthest cell puts more than MAX_CELLS cells between it
    and A1 (python-calamine would allocate them all, or abort the process trying); `sheet`
    names it, else the part's own name does. `info`: the part as the zip's directory has it."""
    if info is None or _usual(_pieces(path, info)):
        return
    rows, cols = reach(b"".join(_pieces(path, info)))
    if rows * cols > MAX_CELLS:
        where = f"工作表“{sheet}”" if sheet else f"部件“{info.filename}”"
        raise WorkbookError(
            path,
            f"{where}中有单元格远在第 {rows} 行、{_letters(cols)} 列，读取时要从 A1 起铺开约 "
            f"{rows * cols / 1e8:.1f} 亿个单元格（上限 {MAX_CELLS // 10_000} 万个），疑似异常或被篡改的文件，"
            "已拒绝读取。请在 Excel 中删除表格右方和下方多余的单元格后另存，或向发来文件的单位要一份正常保存的文件",
        )


def refuse_far_cells_elsewhere(
    path: Path, directory: Mapping[str, zipfile.ZipInfo], checked: set[str], names: dict[str, str]
) -> None:
    """The same for every part (`directory`: the zip's, by name, as zipfile's NameToInfo) not in
    `checked` (`names`: part -> sheet name): calamine finds a sheet's part by rules of its own
    (letter case, paths, attribute prefixes), so the part it reads for a sheet may be another
    than the one checked for it."""
    for part, info in directory.items():
        if not info.is_dir() and part not in checked:
            refuse_far_cells(path, info, names.get(part))
