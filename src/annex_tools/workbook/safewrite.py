"""The one way to change the master workbook.

Refuse while Excel holds the file open (its `~$` owner file beside it), change a copy in memory,
write it to a temporary file in the same folder, check that file reads back, keep a timestamped
backup of the previous version in `备份/`, then replace the master atomically. The VBA project,
the ribbon part, tables, validations, defined names and every sheet and column staff added
survive, because the change is made on the loaded workbook, never on a rebuilt one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import openpyxl
from openpyxl.workbook.workbook import Workbook as XlWorkbook

from annex_tools.contract.errors import LockedError, WorkbookError
from annex_tools.workbook.reader import sniff

T = TypeVar("T")
BACKUP_DIR = "备份"


def excel_lock(path: Path) -> Path | None:
    """Excel's owner file: `~$name`, or `~$` over the first two characters for long names."""
    for candidate in (path.with_name("~$" + path.name), path.with_name("~$" + path.name[2:])):
        if candidate.exists():
            return candidate
    return None


def ensure_unlocked(path: Path) -> None:
    lock = excel_lock(path)
    if lock is not None:
        raise LockedError(path, lock)


def atomic_write_bytes(
    path: Path, data: bytes, verify: Callable[[Path], None] | None = None
) -> None:
    """Write a file whole or not at all: a temporary file beside it, flushed to disk, checked by
    `verify` (which raises to refuse it), then put in place with one atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".annex-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if verify is not None:
            verify(Path(tmp_name))
        os.replace(tmp_name, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)


def atomic_save(wb: XlWorkbook, path: Path) -> None:
    """Save a workbook atomically; it must read back as a workbook before it replaces anything."""
    buffer = io.BytesIO()
    wb.save(buffer)
    atomic_write_bytes(path, buffer.getvalue(), verify=sniff)


def backup(path: Path, now: dt.datetime | None = None) -> Path:
    now = now or dt.datetime.now()
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    target = folder / f"{path.stem}-{now:%Y%m%d-%H%M%S-%f}{path.suffix}"
    shutil.copy2(path, target)
    return target


MAX_WRITE_ROWS = (
    200_000  # openpyxl builds every stored row: past this a write takes minutes and GBs
)


def _sheet_files(zf: zipfile.ZipFile) -> dict[str, str]:
    """worksheet part -> sheet name, from workbook.xml and its relationships."""
    wb = zf.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
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


def check_writable(path: Path, limit: int = MAX_WRITE_ROWS) -> None:
    """Refuse, before loading, a workbook whose sheets store more rows than a write can handle
    (typically whole columns formatted down to row 1,048,576)."""
    with zipfile.ZipFile(path) as zf:
        for part, name in _sheet_files(zf).items():
            rows = 0
            with zf.open(part) as fh:
                tail = b""
                while chunk := fh.read(1 << 20):
                    rows += (tail + chunk).count(b"<row ") - tail.count(b"<row ")
                    tail = chunk[-5:]
                    if rows > limit:
                        raise WorkbookError(
                            path,
                            f"工作表“{name}”存有超过 {limit} 行（多为整列设置格式留下的空行），写入会非常慢。"
                            "请在 Excel 中选中数据下方的空行并删除，保存后再运行",
                        )


def load_master(path: Path) -> XlWorkbook:
    sniff(path)
    check_writable(path)
    try:
        return openpyxl.load_workbook(
            path, keep_vba=path.suffix.lower() in (".xlsm", ".xltm"), rich_text=True
        )
    except Exception as exc:
        raise WorkbookError(path, f"工作簿无法载入以写入（{type(exc).__name__}）") from exc


def update_master(path: Path | str, change: Callable[[XlWorkbook], T]) -> tuple[T, Path]:
    """Apply `change` to the master safely; returns what `change` returned and the backup path."""
    path = Path(path)
    ensure_unlocked(path)
    wb = load_master(path)
    result = change(wb)
    ensure_unlocked(path)  # Excel may have opened it meanwhile
    saved = backup(path)
    atomic_save(wb, path)
    return result, saved
