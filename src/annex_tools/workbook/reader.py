"""Reading the master workbook into frames that remember each row's Excel row number.

python-calamine reads the values (it is several times faster than openpyxl and never relies on
values Excel cached for formulas it did not compute itself: formulas come back as their cached
value or empty). Columns are found by header text after NFKC and space removal, so a header
typed with a stray full-width space still counts; columns staff added are ignored.
"""

from __future__ import annotations

import queue
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import python_calamine

from annex_tools.contract import schema as S
from annex_tools.contract.errors import WorkbookError
from annex_tools.contract.findings import Finding, make
from annex_tools.contract.master import ROW, Workbook
from annex_tools.contract.settings import Settings, parse_settings
from annex_tools.contract.text import (
    BadValue,
    all_normal,
    clean_text,
    holdable,
    normalize,
    parse_count,
    parse_date,
    parse_deadline,
    parse_share,
    unholdable,
)
from annex_tools.contract.unzip import ZipRefused, check_archive

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a workbook that unpacks past this is refused (zip bomb)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# ---- opening -------------------------------------------------------------------------------


def sniff(path: Path, *, bounded_parser: bool = False) -> None:
    """Refuse what is no .xlsx/.xlsm before a parser sees it, with a reason staff understand.

    `bounded_parser`: the caller's parser refuses to inflate a part past the size the zip
    directory claims for it (python-calamine does: its zip crate stops with "File is larger than
    its declared uncompressed size"). Then claims within the limit bound what is inflated, and
    only a directory whose claims cannot be true is counted through here, for its message;
    openpyxl (Python's zipfile) inflates a whole part at once, so its callers keep the count."""
    if not path.exists():
        raise WorkbookError(path, "文件不存在")
    if path.is_dir():
        raise WorkbookError(path, "这是一个文件夹，不是工作簿")
    size = path.stat().st_size
    if size == 0:
        raise WorkbookError(path, "文件是空的（0 字节）")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        if _is_encrypted(path):
            raise WorkbookError(
                path, "工作簿设置了打开密码（已加密）。请在 Excel 中取消密码后另存，再运行"
            )
        raise WorkbookError(
            path, "这是旧版 .xls 格式。请在 Excel 中“另存为” .xlsx 或 .xlsm 后再运行"
        )
    if not head.startswith(b"PK"):
        raise WorkbookError(path, "不是 Excel 工作簿（.xlsx/.xlsm），可能是改了扩展名的其他文件")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
    except zipfile.BadZipFile as exc:
        raise WorkbookError(path, "文件已损坏或不完整（压缩包无法读取）") from exc
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            if path.suffix.lower() in (".docx", ".docm", ".dotx"):
                raise WorkbookError(
                    path, "这是 Word 文档，不是主表。请给出主表（Excel 工作簿 .xlsx 或 .xlsm）"
                )
            raise WorkbookError(path, "这是 Word 文档，不是 Excel 工作簿（扩展名被改过）")
        raise WorkbookError(path, "不是 Excel 工作簿（缺少 xl/workbook.xml）")
    if total > MAX_UNCOMPRESSED:
        raise WorkbookError(
            path, f"解压后超过 {MAX_UNCOMPRESSED // 1024 // 1024} MB，疑似异常文件，已拒绝读取"
        )
    # the directory's sizes are claims: count what really unpacks before a parser does, unless
    # the parser itself stops at a part's claimed size and every claim could be true
    if not (bounded_parser and all(map(_plausible, infos))):
        count_archive(path)
    refuse_doctype(path)


def count_archive(path: Path) -> None:
    """Every part inflated with a running count, keeping nothing (contract.unzip)."""
    try:
        check_archive(path, MAX_UNCOMPRESSED, MAX_UNCOMPRESSED)
    except ZipRefused as exc:
        raise WorkbookError(path, f"{exc.reason}，已拒绝读取") from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise WorkbookError(path, "文件已损坏或不完整（压缩包无法读取）") from exc


def _plausible(info: zipfile.ZipInfo) -> bool:
    """Whether a part's claimed unpacked size could be true of its compressed size: deflate
    never grows data by more than a few bytes per 16 KB block, nor shrinks it past ~1032:1."""
    if info.is_dir():
        return True
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size == info.file_size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return False  # the full count refuses it, naming the method
    size = info.file_size
    return size // 1100 <= info.compress_size <= size + size // 1000 + 64


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """worksheet part -> sheet name, from workbook.xml and its relationships."""
    import html
    import re

    wb = zf.read("xl/workbook.xml").decode("utf-8", "replace")
    try:
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {}
    for rel in re.findall(r"<Relationship\b[^>]*>", rels):
        rid, target = re.search(r'Id="([^"]+)"', rel), re.search(r'Target="([^"]+)"', rel)
        if rid and target:
            t = target.group(1).lstrip("/")
            targets[rid.group(1)] = t if t.startswith("xl/") else f"xl/{t}"
    out = {}
    for sheet in re.findall(r"<sheet\b[^>]*>", wb):
        name, rid = re.search(r'name="([^"]*)"', sheet), re.search(r'r:id="([^"]+)"', sheet)
        if name and rid and rid.group(1) in targets:
            out[targets[rid.group(1)]] = html.unescape(name.group(1))
    return out


def refuse_doctype(path: Path) -> None:
    """Excel, WPS and LibreOffice never write a DOCTYPE into a workbook's XML: one there declares
    entities (a "billion laughs" bomb, or a reference to an outside file). Refused before any
    parser sees it, naming the sheet."""
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            with zf.open(info) as fh:
                head = fh.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                sheet = sheet_parts(zf).get(info.filename)
                where = f"工作表“{sheet}”" if sheet else f"部件“{info.filename}”"
                raise WorkbookError(
                    path,
                    f"{where}的 XML 中含有实体声明（DOCTYPE），Excel、WPS 不会写出这种内容，"
                    "疑似恶意构造的“XML 炸弹”，出于安全已拒绝读取。请向发来文件的单位要一份正常保存的文件",
                )


def _is_encrypted(path: Path) -> bool:
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            return bool(ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"))
    except OSError:
        return False


def _calamine(path: Path) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every bad file
        raise WorkbookError(path, f"工作簿内容无法解析（{type(exc).__name__}）") from exc


def sheet_rows(sheet: python_calamine.CalamineSheet) -> list[list[Any]]:
    """All rows of a parsed sheet from row 1, so list index + 1 is the Excel row number."""
    rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
    return rows


# ---- frames --------------------------------------------------------------------------------


def _col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _who(sheet: S.Sheet, raw_id: object, row: int) -> str:
    rid = clean_text(raw_id)
    return f"“{sheet.name}”第{row}行" + (f"（{rid}）" if rid else "")


def frame_from_rows(
    sheet: S.Sheet, rows: list[list[Any]], findings: list[Finding]
) -> tuple[pd.DataFrame, set[str], dict[str, str]]:
    """Typed frame of one sheet. Bad dates and numbers become findings and empty cells."""
    header_row = rows[0] if rows else []
    positions: dict[str, int] = {}
    wanted = {normalize(h): h for h in sheet.headers}
    for idx, cell in enumerate(header_row):
        key = normalize(cell)
        if key in wanted and wanted[key] not in positions:
            positions[wanted[key]] = idx
    missing = {c.header for c in sheet.columns if c.header not in positions and not c.may_be_absent}
    for h in sheet.headers:
        if h in missing:
            findings.append(
                make("schema.missing-column", sheet.name, 1, h, sheet=sheet.name, column=h)
            )

    id_pos = positions.get(sheet.id_column or sheet.headers[0])
    body_widths = set(map(len, rows[1:]))  # one pass in C: calamine's rows are all as wide
    width = max(body_widths | {len(header_row)})
    body = (
        [list(r) + [""] * (width - len(r)) for r in rows[1:]] if body_widths - {width} else rows[1:]
    )
    # column by column, each schema column hashed once: the same codes tell which cells are
    # blank and, below, what each cell converts to
    raw = _columns(body, width)
    used = set(positions.values())
    factors: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    filled = np.zeros(len(body), dtype=bool)
    for at, values in enumerate(raw):
        if at in used:
            codes, uniques = pd.factorize(values)  # NA (None, NaN, NaT) -> -1
            factors[at] = (codes, uniques)
            blank = np.append(uniques == "", True)[codes]
        else:
            blank = pd.isna(values) | (values == "")
        filled |= ~blank  # blank rows (formatted but empty) are not data
    index = pd.RangeIndex(2, len(body) + 2)[filled]  # Excel row numbers
    ids = (
        pd.Series(raw[id_pos][filled], index=index, dtype=object)
        if id_pos is not None
        else pd.Series("", index=index, dtype=object)
    )
    data: dict[str, Any] = {}
    for col in sheet.columns:
        pos = positions.get(col.header)
        factored: tuple[np.ndarray, np.ndarray] | None = None
        if pos is None:
            source = pd.Series("", index=index, dtype=object)
        else:
            source = pd.Series(raw[pos][filled], index=index, dtype=object)
            codes, uniques = factors[pos]
            codes = codes[filled]
            if (codes < 0).any():  # NA as one value of its own, NaN (as factorize keeps it)
                codes = np.where(codes < 0, len(uniques), codes)
                uniques = np.append(uniques, np.nan)
            factored = (codes, uniques)
        series = _convert_column(sheet, col, source, ids, findings, factored)
        if col.kind is S.Kind.DATE:
            series = pd.to_datetime(series, errors="coerce")
        elif col.kind in (S.Kind.COUNT, S.Kind.SHARE):
            series = pd.to_numeric(series, errors="coerce").astype(float)
        data[col.header] = series
    frame = pd.DataFrame(data, index=index)
    frame[ROW] = frame.index.astype(int)
    frame = frame.reset_index(drop=True)
    letters = {h: _col_letter(i) for h, i in positions.items()}
    return frame, missing, letters


def _columns(body: list[list[Any]], width: int) -> np.ndarray:
    """The cells of rows all `width` wide as one object array per column (row `i` of the
    result is column `i`), each contiguous."""
    cells = np.array(body, dtype=object) if body else np.empty((0, width), dtype=object)
    if cells.shape != (len(body), width):  # a cell numpy took for a sequence: one by one
        cells = np.empty((len(body), width), dtype=object)
        for i, row in enumerate(body):
            for j, value in enumerate(row):
                cells[i, j] = value
    return np.ascontiguousarray(cells.T)


def _text_mapping(col: S.Column, distinct: Any, problems: dict[Any, str]) -> dict[Any, Any] | None:
    """Each distinct value of a text column as read (None: every value stays as it is), with
    error values and characters an .xlsx cannot hold noted in `problems`."""
    convert = clean_text if col.kind is S.Kind.TEXT else normalize
    mapping: dict[Any, Any] | None = None  # ids, names and choices are normal already, mostly
    if convert is not normalize or not all_normal(distinct):
        mapping = {v: convert(v) for v in distinct}
    errors = _ERROR_VALUES.intersection(distinct)
    if errors:  # an error value typed or pasted as text
        mapping = mapping if mapping is not None else {v: v for v in distinct}
        for err in errors:
            mapping[err], problems[err] = "", "error"
    if unholdable(_joined(distinct)):  # characters an .xlsx cannot hold: removed, then named
        mapping = mapping if mapping is not None else {v: v for v in distinct}
        for v in distinct:
            if isinstance(v, str) and unholdable(v):
                mapping[v], problems[v] = convert(holdable(v)), "control"
    return mapping


def _convert_column(
    sheet: S.Sheet,
    col: S.Column,
    source: pd.Series,
    ids: pd.Series,
    findings: list[Finding],
    factored: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.Series:
    """Convert a column by its distinct values (dates, choices and numbers repeat a lot); cells
    whose value is not of the column's kind become findings that name them. `factored`: the
    column's (codes, distinct values) when the caller hashed it already (NA one value, NaN)."""
    # each distinct value once, and where each cell's value sits among them (one hashing pass)
    if factored is None:
        factored = pd.factorize(source.to_numpy(dtype=object), use_na_sentinel=False)
    codes, distinct = factored
    problems: dict[Any, str] = {}
    mapping: dict[Any, Any] | None
    if col.kind in (S.Kind.ID, S.Kind.NAME, S.Kind.CHOICE, S.Kind.TEXT):  # the bulk: one call each
        mapping = _text_mapping(col, distinct, problems)
    else:
        mapping = {}
        for value in distinct:
            converted, problem = _convert(col, value)
            mapping[value] = converted
            if problem:
                problems[value] = problem
    if mapping is None:
        values = source.to_numpy(dtype=object)
    else:
        converted_values = np.empty(len(distinct), dtype=object)
        converted_values[:] = [mapping[v] for v in distinct]
        values = converted_values[codes]
    if problems:
        failing = source[source.isin(list(problems))]
        failing_ids = ids.reindex(failing.index, fill_value="").tolist()
        for row, value, rid in zip(
            failing.index.tolist(), failing.tolist(), failing_ids, strict=True
        ):
            who = _who(sheet, rid, int(row))
            problem = problems[value]
            if problem == "control":
                findings.append(
                    make("cell.control-char", sheet.name, int(row), col.header, who=who, column=col.header,
                         chars="、".join(unholdable(value)))
                )  # fmt: skip
            elif problem == "error":
                findings.append(
                    make("schema.bad-value", sheet.name, int(row), col.header, who=who, column=col.header,
                         value=str(value).strip(), choices="有效的值（单元格为 Excel 错误值，请检查公式）")
                )  # fmt: skip
            elif problem == "date":
                findings.append(
                    make("schema.bad-date", sheet.name, int(row), col.header, who=who, column=col.header, value=clean_text(value))
                )  # fmt: skip
            else:
                findings.append(
                    make("schema.bad-number", sheet.name, int(row), col.header, who=who, column=col.header,
                         value=clean_text(value), problem="不是数字")
                )  # fmt: skip
    return pd.Series(values, index=source.index, dtype=object)


def _joined(values: Any) -> str:
    """The str values joined by newlines (no other check here looks for a newline)."""
    try:
        return "\n".join(values)
    except TypeError:
        return "\n".join(v for v in values if isinstance(v, str))


_ERROR_VALUES = {
    "#N/A",
    "#REF!",
    "#VALUE!",
    "#DIV/0!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "#SPILL!",
    "#CALC!",
}


def _convert(col: S.Column, value: Any) -> tuple[Any, str | None]:
    """One cell's value in its column's kind, and what is wrong with it, if anything."""
    kind = col.kind
    numeric = kind in (S.Kind.DATE, S.Kind.COUNT, S.Kind.SHARE)
    if isinstance(value, str) and value.strip() in _ERROR_VALUES:
        return (None if numeric else ""), "error"
    if kind is S.Kind.DATE:
        try:
            return (parse_deadline(value) if col.deadline else parse_date(value)), None
        except BadValue:
            return None, "date"
    if kind in (S.Kind.COUNT, S.Kind.SHARE):
        try:
            return (parse_share(value) if kind is S.Kind.SHARE else parse_count(value)), None
        except BadValue:
            return None, "number"
    if kind in (S.Kind.ID, S.Kind.NAME, S.Kind.CHOICE):
        return normalize(value), None
    return clean_text(value), None


# ---- settings ------------------------------------------------------------------------------


def read_settings(frame: pd.DataFrame | None, findings: list[Finding]) -> Settings:
    """Settings from the 设置 sheet; a missing key keeps its default, a bad value is a finding."""
    values: dict[str, tuple[str, int]] = {}
    if frame is not None:
        for key, value, row in zip(frame["项目"], frame["值"], frame[ROW], strict=True):
            values[normalize(key)] = (clean_text(value), int(row))
    st, bad = parse_settings(values)
    for b in bad:
        findings.append(  # the date message has no {choices}: format ignores it there
            make(
                "schema.bad-date" if b.date else "schema.bad-value",
                S.SETTINGS.name,
                b.row,
                "值",
                who=f"设置“{b.key}”",
                column="值",
                value=b.text,
                choices=b.hint,
            )
        )
    return st


# ---- the whole workbook ------------------------------------------------------------------


# threads parsing sheets: calamine parses without the GIL, and staff PCs have 2 cores at least
READERS = 2

# one sheet's frame, missing columns, column letters and findings (frame_from_rows)
Built = tuple[pd.DataFrame, set[str], dict[str, str], list[Finding]]


def read_workbook(path: Path | str) -> Workbook:
    """Read the master; raises WorkbookError only when the file cannot be read at all.

    The sheets are parsed by READERS threads, the biggest first, each with a book of its own (a
    python-calamine book serves one thread at a time); this thread turns each parsed sheet into
    rows and its frame as it arrives, while calamine parses the others without the GIL."""
    path = Path(path)
    sniff(path, bounded_parser=True)
    with zipfile.ZipFile(path) as zf:
        sizes = {name: zf.getinfo(part).file_size for part, name in sheet_parts(zf).items()}
    schema = {normalize(s.name): s for s in S.ALL_SHEETS}
    opened: list[python_calamine.CalamineWorkbook] = []
    free: queue.SimpleQueue[python_calamine.CalamineWorkbook] = queue.SimpleQueue()

    def open_book() -> python_calamine.CalamineWorkbook:
        book = _calamine(path)
        opened.append(book)
        free.put(book)
        return book

    def parse(name: str) -> python_calamine.CalamineSheet:
        book = free.get()  # a book no other thread is using (there is always one)
        try:
            return book.get_sheet_by_name(name)
        finally:
            free.put(book)

    built: dict[str, Built] = {}
    failed: dict[str, Exception] = {}
    pool = ThreadPoolExecutor(READERS, thread_name_prefix="annex-read")
    try:
        for _ in range(READERS - 1):  # the other readers' books, opened meanwhile
            pool.submit(open_book)  # (one that fails to open is not missed: this one serves)
        try:
            book = open_book()
        except WorkbookError:
            count_archive(path)  # a lying directory (calamine stopped at a claim): said as such
            raise
        names: list[str] = []  # the sheets to read, in the book's order, each kind once
        for name in book.sheet_names:
            key = normalize(name)
            if key in schema and key not in {normalize(n) for n in names}:
                names.append(name)
        tasks = {pool.submit(parse, n): n for n in sorted(names, key=lambda n: -sizes.get(n, 0))}
        for task in as_completed(tasks):
            name = tasks[task]
            try:  # cells made Python objects here: that needs the GIL, the parsing does not
                rows = sheet_rows(task.result())
            except Exception as exc:
                failed[name] = exc
                continue
            if not failed:  # else the file is refused: no frame to build
                sheet = schema[normalize(name)]
                found: list[Finding] = []
                built[sheet.key] = (*frame_from_rows(sheet, rows, found), found)
            del rows
    finally:
        pool.shutdown(cancel_futures=True)
        for each in opened:
            each.close()
    if failed:  # the first in the book's order, as when they were read one by one
        name = next(n for n in names if n in failed)
        count_archive(path)  # as above
        raise WorkbookError(
            path, f"工作表“{name}”无法读取（{type(failed[name]).__name__}）"
        ) from failed[name]
    return _workbook(built, path)


def _empty_frame(sheet: S.Sheet) -> pd.DataFrame:
    frame = pd.DataFrame({h: pd.Series(dtype=object) for h in sheet.headers})
    frame[ROW] = pd.Series(dtype=int)
    return frame


def workbook_from_rows(sheets: dict[str, list[list[Any]]], path: Path | None = None) -> Workbook:
    """The same Workbook from rows in memory (tests, and the Excel adapter reading the open book)."""
    present = {normalize(n): n for n in sheets}
    built: dict[str, Built] = {}
    for sheet in S.ALL_SHEETS:
        actual = present.get(normalize(sheet.name))
        if actual is not None:
            found: list[Finding] = []
            built[sheet.key] = (*frame_from_rows(sheet, sheets[actual], found), found)
    return _workbook(built, path)


def _workbook(built: dict[str, Built], path: Path | None) -> Workbook:
    """The Workbook of the sheets' built frames (by sheet key); a sheet not built is missing."""
    findings: list[Finding] = []
    frames: dict[str, pd.DataFrame] = {}
    missing_sheets: set[str] = set()
    missing_columns: dict[str, set[str]] = {}
    letters: dict[str, dict[str, str]] = {}
    for sheet in S.ALL_SHEETS:
        if sheet.key not in built:
            missing_sheets.add(sheet.key)
            findings.append(
                make(
                    "schema.missing-sheet",
                    sheet.name,
                    None,
                    None,
                    sheet=sheet.name,
                    expected="、".join(s.name for s in S.ALL_SHEETS),
                )
            )
            frames[sheet.key] = _empty_frame(sheet)
            continue
        frame, missing, cols, found = built[sheet.key]
        findings += found
        frames[sheet.key] = frame
        letters[sheet.key] = cols
        if missing:
            missing_columns[sheet.key] = missing
    usable = "settings" not in missing_sheets and not missing_columns.get("settings")
    settings = read_settings(frames["settings"] if usable else None, findings)
    return Workbook(path, frames, settings, findings, missing_sheets, missing_columns, letters)
