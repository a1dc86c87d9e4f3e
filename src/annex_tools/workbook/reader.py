"""Reading the master workbook into frames that remember each row's Excel row number.

python-calamine reads the values (it is several times faster than openpyxl and never relies on
values Excel cached for formulas it did not compute itself: formulas come back as their cached
value or empty). Columns are found by header text after NFKC and space removal, so a header
typed with a stray full-width space still counts; columns staff added are ignored.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import queue
import zipfile
import zlib
from collections.abc import Iterator
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
    clean_text,
    holdable,
    joined_normal,
    normalize,
    parse_count,
    parse_date,
    parse_deadline,
    parse_share,
    unholdable,
)
from annex_tools.contract.unzip import ZipRefused, check_archive
from annex_tools.workbook.span import refuse_far_cells, refuse_far_cells_elsewhere

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
    with _sniffed(path, bounded_parser):
        pass


@contextlib.contextmanager
def _sniffed(path: Path, bounded_parser: bool) -> Iterator[zipfile.ZipFile]:
    """sniff, then the zip it read, open: its directory parsed once for what follows."""
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
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise WorkbookError(path, "文件已损坏或不完整（压缩包无法读取）") from exc
    with zf:
        infos = zf.infolist()
        if "xl/workbook.xml" not in zf.NameToInfo:
            if "word/document.xml" in zf.NameToInfo:
                if path.suffix.lower() in (".docx", ".docm", ".dotx"):
                    raise WorkbookError(
                        path, "这是 Word 文档，不是主表。请给出主表（Excel 工作簿 .xlsx 或 .xlsm）"
                    )
                raise WorkbookError(path, "这是 Word 文档，不是 Excel 工作簿（扩展名被改过）")
            raise WorkbookError(path, "不是 Excel 工作簿（缺少 xl/workbook.xml）")
        if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
            raise WorkbookError(
                path, f"解压后超过 {MAX_UNCOMPRESSED // 1024 // 1024} MB，疑似异常文件，已拒绝读取"
            )
        # the directory's sizes are claims: count what really unpacks before a parser does,
        # unless the parser itself stops at a part's claimed size and every claim could be true
        if not (bounded_parser and all(map(_plausible, infos))):
            count_archive(path)
        try:
            refuse_doctype(path, zf)
        except DAMAGED:  # a part that does not unpack (bad CRC, bad deflate): the count says which
            count_archive(path)
            raise WorkbookError(path, "文件已损坏或不完整（压缩包无法读取）") from None
        yield zf


# what reading a damaged zip raises: zipfile's own error, a bad deflate stream, a cut-off file,
# a compression method or zip version zipfile cannot read
DAMAGED = (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError)


def count_archive(path: Path) -> None:
    """Every part inflated with a running count, keeping nothing (contract.unzip)."""
    try:
        check_archive(path, MAX_UNCOMPRESSED, MAX_UNCOMPRESSED)
    except ZipRefused as exc:
        raise WorkbookError(path, f"{exc.reason}，已拒绝读取") from None
    except DAMAGED as exc:
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


def refuse_doctype(path: Path, zf: zipfile.ZipFile) -> None:
    """Excel, WPS and LibreOffice never write a DOCTYPE into a workbook's XML: one there declares
    entities (a "billion laughs" bomb, or a reference to an outside file). Refused before any
    parser sees it, naming the sheet (`zf`: the workbook at `path`, open)."""
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
    used = {positions[c.header]: c for c in sheet.columns if c.header in positions}
    factors: dict[int, tuple[np.ndarray, np.ndarray] | None] = {}  # None: taken as read
    filled = np.zeros(len(body), dtype=bool)
    for at, values in enumerate(raw):
        if at in used and _as_read(used[at], values):
            factors[at] = None
            blank = values == ""  # (text in every cell)
        elif at in used:
            codes, uniques = pd.factorize(values)  # NA (None, NaN, NaT) -> -1
            factors[at] = (codes, uniques)
            blank = np.append(uniques == "", True)[codes]
        else:
            blank = pd.isna(values) | (values == "")
        filled |= ~blank  # blank rows (formatted but empty) are not data
    kept = _kept(filled)
    index = pd.RangeIndex(2, len(body) + 2)[kept]  # Excel row numbers
    ids = raw[id_pos][kept] if id_pos is not None else np.full(len(index), "", dtype=object)
    data: dict[str, Any] = {}
    for col in sheet.columns:
        pos = positions.get(col.header)
        if pos is None:
            values = np.full(len(index), "", dtype=object)
            codes, distinct = np.zeros(len(index), dtype=np.intp), np.array([""], dtype=object)
        elif (factor := factors[pos]) is None:
            data[col.header] = pd.Series(raw[pos][kept], index=index, dtype=object, copy=False)
            continue
        else:
            values = raw[pos][kept]
            codes, distinct = factor
            codes = codes[kept]
            if (codes < 0).any():  # NA as one value of its own, NaN (as factorize keeps it)
                codes = np.where(codes < 0, len(distinct), codes)
                distinct = np.append(distinct, np.nan)
        typed = _convert_column(sheet, col, values, codes, distinct, index, ids, findings)
        data[col.header] = pd.Series(typed, index=index, dtype=typed.dtype, copy=False)
    frame = pd.DataFrame(data, index=index)
    frame[ROW] = frame.index.astype(int)
    frame = frame.reset_index(drop=True)
    letters = {h: _col_letter(i) for h, i in positions.items()}
    return frame, missing, letters


def _as_read(col: S.Column, values: np.ndarray) -> bool:
    """Whether _convert_column would take every cell of a text column as it is, finding nothing:
    asked of all the cells at once, for a column whose first cells are mostly distinct (ids,
    names), where that costs less than hashing them first to ask it of the distinct values."""
    if col.kind not in _TEXT_KINDS or len(values) < 1000:
        return False
    try:
        if len(set(values[:200].tolist())) < 150:
            return False
        strings = values.tolist()
        joined = "\n".join(strings)
    except TypeError:  # a value not text (or not hashable)
        return False
    if "#" in joined or unholdable(joined):  # an error value, perhaps; characters to remove
        return False
    if col.kind is S.Kind.TEXT:
        return list(map(str.strip, strings)) == strings
    return joined_normal(joined, len(strings))


_TEXT_KINDS = (S.Kind.ID, S.Kind.NAME, S.Kind.CHOICE, S.Kind.TEXT)


def _kept(filled: np.ndarray) -> slice | np.ndarray:
    """Which rows to keep: a slice when they are the first ones (blank rows, if any, at the end,
    as in a table formatted further down), so each column is a view, not a copy."""
    count = int(filled.sum())
    return slice(0, count) if filled[:count].all() else filled


def _columns(body: list[list[Any]], width: int) -> np.ndarray:
    """The cells of rows all `width` wide as one object array per column (row `i` of the
    result is column `i`): views of the rows' cells, not copied (hashing a column strided is
    as fast, and the frame copies each column into its block once anyway; the copy here cost
    ~30 ms of a city master's ~300 ms of frames)."""
    # fromiter stores each cell as it is (np.array would take a tuple in a cell for a row)
    cells = np.fromiter(itertools.chain.from_iterable(body), dtype=object, count=len(body) * width)
    return cells.reshape(len(body), width).T


def _text_values(col: S.Column, distinct: np.ndarray, problems: dict[int, str]) -> list[Any] | None:
    """Each distinct value of a text column as read, in order (None: every value stays as it
    is), with error values and characters an .xlsx cannot hold noted in `problems` by position."""
    strings = distinct.tolist()
    try:  # the text values as one text, each question below asked once (no other looks for \n)
        joined, all_text = "\n".join(strings), True
    except TypeError:  # a value not text
        joined, all_text = "\n".join(v for v in strings if isinstance(v, str)), False
    converted: list[Any] | None = None  # ids, names and choices are normal already, mostly
    if col.kind is S.Kind.TEXT:
        if not all_text:
            converted = [clean_text(v) for v in strings]
        else:  # clean_text of a str is its str.strip (U+3000 is a space to it): one call in C
            stripped = list(map(str.strip, strings))
            converted = None if stripped == strings else stripped  # (most are clean already)
    elif not (all_text and joined_normal(joined, len(strings))):  # all_normal(strings)
        converted = [normalize(v) for v in strings]
    if "#" in joined:  # an error value typed or pasted as text (each starts with #)
        for i, v in enumerate(strings):
            if v in _ERROR_VALUES:
                converted = converted if converted is not None else list(strings)
                converted[i], problems[i] = "", "error"
    if unholdable(joined):  # characters an .xlsx cannot hold: removed, then named
        convert = clean_text if col.kind is S.Kind.TEXT else normalize
        for i, v in enumerate(strings):
            if isinstance(v, str) and unholdable(v):
                converted = converted if converted is not None else list(strings)
                converted[i], problems[i] = convert(holdable(v)), "control"
    return converted


def _convert_column(
    sheet: S.Sheet,
    col: S.Column,
    values: np.ndarray,
    codes: np.ndarray,
    distinct: np.ndarray,
    index: pd.Index,
    ids: np.ndarray,
    findings: list[Finding],
) -> np.ndarray:
    """A column's cells (`values`, each the `distinct` value its code names: NA one value of
    its own) in the column's kind, converting each distinct value once (dates, choices and
    numbers repeat a lot); cells whose value is not of the column's kind become findings that
    name them (`index`: the Excel rows, `ids`: the rows' ids)."""
    problems: dict[int, str] = {}  # by position among the distinct values
    converted: list[Any] | None
    if col.kind in (S.Kind.ID, S.Kind.NAME, S.Kind.CHOICE, S.Kind.TEXT):  # the bulk: one call each
        converted = _text_values(col, distinct, problems)
    else:
        converted = []
        for at, value in enumerate(distinct.tolist()):
            result, problem = _convert(col, value)
            converted.append(result)
            if problem:
                problems[at] = problem
    typed: np.ndarray
    if converted is None:
        typed = values
    elif col.kind is S.Kind.DATE:  # each distinct date made a datetime once, then spread
        typed = pd.to_datetime(pd.Series(converted, dtype=object), errors="coerce").to_numpy()[
            codes
        ]
    elif col.kind in (S.Kind.COUNT, S.Kind.SHARE):
        numbers = pd.to_numeric(pd.Series(converted, dtype=object), errors="coerce").astype(float)
        typed = numbers.to_numpy()[codes]
    else:
        spread = np.empty(len(converted), dtype=object)
        spread[:] = converted
        typed = spread[codes]
    if problems:
        failing = np.isin(codes, list(problems))
        for row, value, code, rid in zip(
            index[failing].tolist(), values[failing].tolist(), codes[failing].tolist(),
            ids[failing].tolist(), strict=True,
        ):  # fmt: skip
            who = _who(sheet, rid, row)
            problem = problems[code]
            if problem == "control":
                findings.append(
                    make("cell.control-char", sheet.name, row, col.header, who=who, column=col.header,
                         chars="、".join(unholdable(value)))
                )  # fmt: skip
            elif problem == "error":
                findings.append(
                    make("schema.bad-value", sheet.name, row, col.header, who=who, column=col.header,
                         value=str(value).strip(), choices="有效的值（单元格为 Excel 错误值，请检查公式）")
                )  # fmt: skip
            elif problem == "date":
                findings.append(
                    make("schema.bad-date", sheet.name, row, col.header, who=who, column=col.header, value=clean_text(value))
                )  # fmt: skip
            else:
                findings.append(
                    make("schema.bad-number", sheet.name, row, col.header, who=who, column=col.header,
                         value=clean_text(value), problem="不是数字")
                )  # fmt: skip
    return typed


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


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while the sheets become rows and frames: a city master's
    rows are a million new lists, none in a cycle, and walking them all once they pass the
    collector's thresholds cost ~0.1 s for nothing. Restored as it was, whatever happens."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_workbook(path: Path | str) -> Workbook:
    """Read the master (see _read_workbook) with the cycle collector paused."""
    with _no_cycle_collection():
        return _read_workbook(path)


def _read_workbook(path: Path | str) -> Workbook:
    """Read the master; raises WorkbookError only when the file cannot be read at all.

    The sheets are parsed by READERS threads, the biggest first, each with a book of its own (a
    python-calamine book serves one thread at a time); this thread turns each parsed sheet into
    rows and its frame as it arrives, while calamine parses the others without the GIL."""
    path = Path(path)
    version = _version(path)
    with _sniffed(path, bounded_parser=True) as zf:  # the zip's directory, read once
        try:
            directory = dict(zf.NameToInfo)
            part_names = sheet_parts(zf)
        except DAMAGED as exc:
            raise WorkbookError(path, "文件已损坏或不完整（压缩包无法读取）") from exc
    # each sheet's part (a sheet whose part is not found is calamine's to name)
    parts = {n: directory[p] for p, n in part_names.items() if p in directory}
    schema = {normalize(s.name): s for s in S.ALL_SHEETS}
    opened: list[python_calamine.CalamineWorkbook] = []
    free: queue.SimpleQueue[python_calamine.CalamineWorkbook] = queue.SimpleQueue()

    def open_book() -> python_calamine.CalamineWorkbook:
        book = _calamine(path)
        opened.append(book)
        free.put(book)
        return book

    def parse(name: str) -> python_calamine.CalamineSheet:
        refuse_far_cells(path, parts.get(name), name)  # else calamine may abort the process
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
        checked = {parts[n].filename for n in names if n in parts}
        refuse_far_cells_elsewhere(path, directory, checked, part_names)
        biggest = sorted(names, key=lambda n: -parts[n].file_size if n in parts else 0)
        tasks = {pool.submit(parse, n): n for n in biggest}
        for task in as_completed(tasks):
            name = tasks[task]
            try:  # cells made Python objects here: that needs the GIL, the parsing does not
                rows = sheet_rows(task.result())
            except WorkbookError:
                raise
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
    if _version(path) != version:  # the books were opened one after the other: of one file?
        raise WorkbookError(path, "读取期间文件被修改或替换（可能正在保存），请稍后重新运行")
    if failed:  # the first in the book's order, as when they were read one by one
        name = next(n for n in names if n in failed)
        count_archive(path)  # as above
        raise WorkbookError(
            path, f"工作表“{name}”无法读取（{type(failed[name]).__name__}）"
        ) from failed[name]
    return _workbook(built, path)


def _version(path: Path) -> tuple[int, ...]:
    """Which file is at `path` now (device, inode, size, modification time)."""
    try:
        st = path.stat()
    except OSError:
        return ()
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


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
