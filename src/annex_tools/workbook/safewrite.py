"""The one way to change the master workbook.

One writer at a time: a lock file created exclusively beside the master (`<name>.annex-lock`,
naming the holder's user, computer, process and start time) is held for the whole
load-change-save; a second writer waits a few seconds, then is refused with a message naming the
holder. A lock whose holder has died (its process is gone, or it stopped refreshing the file) is
cleared safely. Excel's own owner file (`~$name`) is honoured as before.

Nothing lost: the file is hashed when the lock is taken and loaded from exactly those bytes; just
before the new file replaces it, size, modification time and hash are checked again, and a file
someone else saved meanwhile is never overwritten ("主表已被其他程序修改，请重新运行").

Same file, same identity: the change goes to a temporary file in the same folder that is checked
to read back, gets the master's permission bits and owner, and replaces the master with one atomic
rename; a timestamped backup of the loaded bytes goes to `备份/` first. A symbolic link is written
through to its target; a read-only master and a hard-linked one (a replace would split its links,
leaving the other names with stale data) are refused. Disk-full and permission errors become a
Chinese message naming the file, and leave no temporary file or partial backup. The VBA project,
ribbon, tables, validations and every sheet and column staff added survive, because the change is
made on the loaded workbook, never on a rebuilt one; drawings (pictures, text boxes, shapes,
charts) are carried over byte for byte from the loaded file (keepparts.py), as openpyxl drops what
it does not model. Saved as Excel saves: fonts in Excel's element order, no fullCalcOnLoad.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import getpass
import hashlib
import io
import json
import os
import socket
import stat
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import openpyxl
from openpyxl.workbook.workbook import Workbook as XlWorkbook

from annex_tools.contract.errors import (
    FileWriteError,
    LockedError,
    LockHeld,
    MasterChanged,
    WorkbookError,
    WriteRefused,
)
from annex_tools.workbook.cells import CellNotWritable, new_book
from annex_tools.workbook.keepparts import DrawingsNotKept, keep_drawings
from annex_tools.workbook.reader import sheet_parts, sniff

T = TypeVar("T")
BACKUP_DIR = "备份"
LOCK_SUFFIX = ".annex-lock"
LOCK_WAIT_S = 5.0  # a second writer waits this long for the first before it is refused
HEARTBEAT_S = 2.0  # the holder refreshes its lock file's time this often, so a lock not
STALE_AFTER_S = 300.0  # refreshed for this long has lost its holder (5 min: computers' clocks
# on one network folder may disagree by a few minutes; a dead holder on this computer is found
# at once by its process number)
CHANGED = "主表已被其他程序修改，请重新运行"


def owner_files(path: Path) -> list[Path]:
    """The lock files an office suite keeps beside a file it has open: Excel's and WPS's owner
    file (`~$name`, or `~$` over the first two characters for long names) and LibreOffice's
    (`.~lock.name#`). Looked for beside the name given and, for a symbolic link, beside the
    file it points to (the suite may have been given either name)."""
    names = [Path(path)]
    with contextlib.suppress(OSError):
        real = Path(os.path.realpath(path))
        if real != Path(path):
            names.append(real)
    return [
        candidate
        for name in names
        for candidate in (
            name.with_name("~$" + name.name),
            name.with_name("~$" + name.name[2:]),
            name.with_name(f".~lock.{name.name}#"),
        )
    ]


def excel_lock(path: Path) -> Path | None:
    """The first office owner file found beside `path` (see owner_files), or None."""
    for candidate in owner_files(path):
        if os.path.lexists(candidate):
            return candidate
    return None


def ensure_unlocked(path: Path) -> None:
    lock = excel_lock(path)
    if lock is not None:
        raise LockedError(path, lock)


def current_umask() -> int:
    """The process's umask (read without changing it where /proc tells it)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """What a new file's permission bits would be under the umask (0666 less the umask), as
    `open` would give: colleagues on a shared server read what the umask lets them."""
    return 0o666 & ~current_umask()


# ---- OS errors in Chinese ----------------------------------------------------------------


def os_reason(exc: OSError) -> str:
    """What went wrong and what to do, for an OSError met while writing."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "磁盘空间不足。请清理磁盘（或换一个有空间的位置）后重新运行"
    if exc.errno == errno.EFBIG:
        return "文件超过了系统允许的大小上限（ulimit -f 或磁盘格式的限制）。请换一个位置或请管理员放宽限制后重新运行"
    if exc.errno == errno.EROFS:
        return "所在磁盘或文件夹是只读的。请把文件复制到可写的位置后重新运行"
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return "没有写入权限，或文件正被其他程序占用。请检查文件和文件夹的权限，关闭占用它的程序后重新运行"
    if exc.errno == errno.ENAMETOOLONG:
        return "文件名或路径过长。请换一个较短的文件夹后重新运行"
    return f"系统错误（{exc.strerror or type(exc).__name__}）。请检查磁盘和文件夹后重新运行"


@contextlib.contextmanager
def os_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise FileWriteError(path, os_reason(exc)) from exc


# ---- atomic writes -------------------------------------------------------------------------


def write_beside(path: Path, make: Callable[[Path], object], prefix: str = ".annex-") -> Path:
    """Write a file that a library writes by name (xlsxwriter) whole or not at all: `make(tmp)`
    writes a temporary file beside `path`, which gets the permission bits the umask gives a new
    file and is then renamed over `path`; the temporary file never stays behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        make(Path(tmp))
        if os.name == "posix":  # mkstemp makes 0600: the umask decides, as for any new file
            os.chmod(tmp, new_file_mode())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def write_book(path: Path, fill: Callable[[Any], None], prefix: str = ".annex-") -> Path:
    """A new XlsxWriter workbook (cells.new_book) that `fill(book)` fills, written whole or not
    at all beside `path` and renamed over it (write_beside): 整改台账, 工作进度, 年度考核联动."""

    def make(tmp: Path) -> None:
        book = new_book(tmp)
        fill(book)
        book.close()

    return write_beside(path, make, prefix)


def atomic_write_bytes(
    path: Path,
    data: bytes,
    verify: Callable[[Path], None] | None = None,
    mode: os.stat_result | None = None,
    before_replace: Callable[[], None] | None = None,
) -> None:
    """Write a file whole or not at all: a temporary file beside it, flushed to disk, checked by
    `verify` (which raises to refuse it), given the permission bits and owner of `mode` (the
    file it replaces), then put in place with one atomic rename, after `before_replace` (which
    raises to refuse) has run. An OSError becomes a FileWriteError naming `path`; the temporary
    file never stays behind."""
    path = Path(path)
    with os_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp_name = _write_temp(path, data, verify, mode, path.suffix, sync=True)
    try:
        if before_replace is not None:
            before_replace()
        with os_errors(path):
            os.replace(tmp_name, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)


def _write_temp(
    path: Path,
    data: bytes,
    verify: Callable[[Path], None] | None,
    mode: os.stat_result | None,
    suffix: str,
    sync: bool,
) -> str:
    """A temporary file beside `path` (`.annex-…suffix`) holding `data`, flushed to disk when
    `sync`, checked by `verify`, given the permission bits and owner of `mode` (the file it will
    replace) or the umask's; on any error it is removed and the error raised (an OSError as a
    FileWriteError naming `path`). atomic_write_bytes and Batch.add write theirs so."""
    tmp_name = ""
    try:
        with os_errors(path):
            fd, tmp_name = tempfile.mkstemp(prefix=".annex-", suffix=suffix, dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                if sync:
                    fh.flush()
                    os.fsync(fh.fileno())
        if verify is not None:
            verify(Path(tmp_name))
        with os_errors(path):
            if mode is not None:
                keep_identity(Path(tmp_name), mode, path)
            elif os.name == "posix":  # mkstemp makes 0600: a new file gets what the umask says
                os.chmod(tmp_name, new_file_mode())
    except BaseException:
        if tmp_name:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
        raise
    return tmp_name


def reads_back(path: Path, data: bytes) -> Callable[[Path], None]:
    """A check that the file written for `path` holds exactly `data` (the bytes made in memory,
    compared as written, not a second parse of them)."""

    def check(written: Path) -> None:
        if written.read_bytes() != data:
            raise FileWriteError(
                path, "写出后回读的内容与生成的不一致（磁盘可能已满或有故障），未保存"
            )

    return check


# ---- many files at once ----------------------------------------------------------------------

BATCH_SUFFIX = ".tmp"  # a batch's temporary file is `.annex-…<suffix>.tmp`: no *.xlsx listing
STALE_TEMP_S = 3600.0  # sees one, and one this old was left by a batch that was killed
FSYNC_THREADS = 16


def fsync_file(path: Path) -> None:
    # POSIX flushes a file opened to read (the temporary file may already have a mode without
    # write permission, as the umask gives); Windows only one opened to write
    fd = os.open(
        path, os.O_RDONLY if os.name == "posix" else os.O_RDWR | getattr(os, "O_BINARY", 0)
    )
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make the renames in `folder` last too, where the system allows: POSIX only (Windows
    cannot open a folder to flush), and not when the folder cannot be read (mode -wx) or its
    file system refuses (some network shares): the files are in place, whole, by then."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def clear_stale_temps(folder: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files a killed batch left in `folder` (`.annex-*.tmp` not changed
    for STALE_TEMP_S: a running batch renames its own within minutes). Returns those removed."""
    now = time.time() if now is None else now
    removed = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not (entry.name.startswith(".annex-") and entry.name.endswith(BATCH_SUFFIX)):
                continue
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False) and (
                    now - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMP_S
                ):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


@dataclass
class Staged:
    path: Path
    tmp: Path
    wanted: Callable[[], bool] | None
    renamed: bool = False


class Batch:
    """Many files saved as atomic_write_bytes saves one, with one wait for the disk: `add`
    writes each to a temporary file beside it (checked by `verify`, given the mode of the file
    it replaces or the umask's); `commit` flushes them all to disk together, runs
    `before_renames`, renames each over its name (unless its `wanted()`, asked just before,
    says no) and flushes each folder once, so the renames last too. Flushed together because
    fsync one after another waits for one journal commit per file (0.5-6 ms each, thousands of
    files); concurrent ones share commits. Not syncfs: Linux-only, it would also wait for every
    other program's writes on that disk, and not tell which file failed.
    Until the first rename nothing is changed: an error (a full disk, no permission) removes
    every temporary file and becomes a FileWriteError naming the file. An error between
    renames leaves those done new and whole and the others old. A kill leaves every name the
    old file or the new one, whole; its hidden temporary files are ignored, and removed by a
    later batch in that folder (clear_stale_temps). A name that is a symbolic link is replaced,
    never followed. Use through `atomic_batch()`."""

    def __init__(self, before_renames: Callable[[], None] | None = None) -> None:
        self.before_renames = before_renames
        self.staged: list[Staged] = []
        self.replaced: list[Path] = []
        self.skipped: list[Path] = []
        self._folders: set[Path] = set()

    def add(
        self,
        path: Path,
        data: bytes,
        verify: Callable[[Path], None] | None = None,
        mode: os.stat_result | None = None,
        wanted: Callable[[], bool] | None = None,
    ) -> None:
        path = Path(path)
        with os_errors(path):
            if path.parent not in self._folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                clear_stale_temps(path.parent)
                self._folders.add(path.parent)
        # flushed later, all together (_flush)
        tmp_name = _write_temp(path, data, verify, mode, path.suffix + BATCH_SUFFIX, sync=False)
        self.staged.append(Staged(path, Path(tmp_name), wanted))

    def _flush(self) -> None:
        def one(item: Staged) -> None:
            with os_errors(item.path):
                fsync_file(item.tmp)

        if len(self.staged) < 2:
            for item in self.staged:
                one(item)
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(min(FSYNC_THREADS, len(self.staged))) as pool:
            for _ in pool.map(one, self.staged):  # raises the first file's error
                pass

    def commit(self) -> list[Path]:
        """Flush, rename, flush the folders; returns the names replaced."""
        try:
            self._flush()
            if self.before_renames is not None:
                self.before_renames()
            for item in self.staged:
                if item.wanted is not None and not item.wanted():
                    self.skipped.append(item.path)
                    continue
                with os_errors(item.path):
                    os.replace(item.tmp, item.path)
                item.renamed = True
                self.replaced.append(item.path)
            for folder in sorted({p.parent for p in self.replaced}):
                fsync_folder(folder)
        finally:
            self.discard()
        return self.replaced

    def discard(self) -> None:
        """Remove the temporary files not renamed (all of them before a commit)."""
        for item in self.staged:
            if not item.renamed:
                with contextlib.suppress(OSError):
                    os.unlink(item.tmp)
        self.staged = []


@contextlib.contextmanager
def atomic_batch(before_renames: Callable[[], None] | None = None) -> Iterator[Batch]:
    """A Batch committed when the block ends, and discarded (nothing changed) when it raises."""
    batch = Batch(before_renames)
    try:
        yield batch
    except BaseException:
        batch.discard()
        raise
    batch.commit()


def keep_identity(tmp: Path, st: os.stat_result, path: Path) -> None:
    """Give the new file the permission bits and owner of the one it replaces."""
    os.chmod(tmp, stat.S_IMODE(st.st_mode))
    if hasattr(os, "chown"):
        mine = os.stat(tmp)
        if (mine.st_uid, mine.st_gid) != (st.st_uid, st.st_gid):
            try:
                os.chown(tmp, st.st_uid, st.st_gid)
            except PermissionError:
                raise WriteRefused(
                    path,
                    "主表属于另一个用户，替换它会改变文件的所有者。请由文件所有者（或管理员）运行",
                ) from None


# The order Excel writes a font's children in, which the Open XML SDK schema requires (a
# sequence); openpyxl writes `name` first, which the SDK's validator reports as a schema error.
EXCEL_FONT_ORDER = (
    "b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz",
    "color", "name", "family", "charset", "scheme",
)  # fmt: skip


def workbook_bytes(wb: XlWorkbook) -> bytes:
    """The workbook saved as Excel would: fonts in Excel's element order, and no
    `fullCalcOnLoad` (openpyxl sets it on every save, so Excel would ask to save on every close;
    calcId 124519 still makes Excel calculate the formulas once, as openpyxl stores no values)."""
    from openpyxl.styles.fonts import Font

    wb.calculation.fullCalcOnLoad = None  # openpyxl reads an absent attribute as True
    buffer = io.BytesIO()
    own = Font.__elements__
    Font.__elements__ = EXCEL_FONT_ORDER  # type: ignore[assignment,unused-ignore]
    try:
        wb.save(buffer)
    finally:
        Font.__elements__ = own  # type: ignore[assignment,unused-ignore]
    return buffer.getvalue()


KEEP, LOCKED, WRITE = "kept", "locked", "write"


def guard_output(path: Path, recorded: str | None, force: bool) -> tuple[str, Path | None]:
    """The one check before a generated output replaces a file, for every generator: LOCKED
    while an office suite has it open (Excel/WPS `~$`, LibreOffice `.~lock.NAME#`, beside the
    name or a link's target); KEEP when a file is there whose SHA-256 is not `recorded` (what
    annex-tools last wrote there: so a person edited it, or annex-tools never wrote it), unless
    `force`, which copies it to 备份/ first; else WRITE. A hard-linked file or a folder in the
    way is refused (WriteRefused). Returns the verdict and the backup made, if any. The write
    itself then goes through atomic_write_bytes (a new file gets the umask's mode)."""
    path = Path(path)
    if excel_lock(path) is not None:
        return LOCKED, None
    if not os.path.lexists(path):
        return WRITE, None
    real = Path(os.path.realpath(path))
    with os_errors(path):
        st = os.stat(real)
    if not stat.S_ISREG(st.st_mode):
        raise WriteRefused(path, "这个名字已被文件夹或特殊文件占用。请换一个输出位置")
    if st.st_nlink > 1:
        raise WriteRefused(
            path,
            f"该文件有 {st.st_nlink} 个硬链接（同一文件的多个名字），替换会使其他名字停留在旧内容。"
            "请换一个输出位置，或删除多余的链接",
        )
    with os_errors(path):
        same = recorded is not None and sha256_file(real) == recorded
    if same:
        return WRITE, None
    if not force:
        return KEEP, None
    return WRITE, backup(real)


def atomic_save(wb: XlWorkbook, path: Path) -> None:
    """Save a workbook atomically; it must read back as a workbook before it replaces anything."""
    atomic_write_bytes(path, workbook_bytes(wb), verify=sniff)


def backup(path: Path, now: dt.datetime | None = None, data: bytes | None = None) -> Path:
    """A copy of `data` (or of the file) in 备份/ beside it, written whole or not at all."""
    now = now or dt.datetime.now()
    folder = path.parent / BACKUP_DIR
    target = folder / f"{path.stem}-{now:%Y%m%d-%H%M%S-%f}{path.suffix}"
    if data is None:
        with os_errors(path):
            data = path.read_bytes()
    atomic_write_bytes(target, data)
    return target


# ---- the write lock --------------------------------------------------------------------------


def lock_path(real: Path) -> Path:
    return real.with_name(real.name + LOCK_SUFFIX)


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":  # os.kill would terminate the process on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holder_text(info: dict[str, Any] | None) -> str:
    if not info:
        return "另一个程序（锁文件正在写入或无法读取）"
    return (
        f"{info.get('user', '?')}（计算机 {info.get('host', '?')}，进程 {info.get('pid', '?')}，"
        f"自 {info.get('since', '?')} 起运行“{info.get('command', '?')}”）"
    )


class WriteLock:
    """The master's lock file, held from acquire to release, refreshed by a heartbeat thread."""

    def __init__(
        self,
        real: Path,
        wait: float = LOCK_WAIT_S,
        command: str = "",
        path: Path | None = None,
        what: str = "这个主表",
    ) -> None:
        self.real = real
        self.path = path if path is not None else lock_path(real)
        self.what = what  # what the holder is said to be writing, when another run is refused
        self.wait = wait
        self.token = uuid.uuid4().hex
        self.info = {
            "user": getpass.getuser(),
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": dt.datetime.now().isoformat(timespec="seconds"),
            "command": command or " ".join(["annex-tools", *sys.argv[1:3]]),
            "token": self.token,
        }
        self.stale_after = STALE_AFTER_S
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def _read(self) -> tuple[bytes | None, dict[str, Any] | None]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None, None
        except OSError:
            return b"", None
        try:
            info = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return raw, None
        return raw, info if isinstance(info, dict) else None

    def _stale(self, info: dict[str, Any] | None) -> bool:
        if info and info.get("host") == socket.gethostname():
            pid = info.get("pid")
            if isinstance(pid, int) and not _process_alive(pid):
                return True
        try:
            age = time.time() - self.path.stat().st_mtime
        except FileNotFoundError:
            return False
        return age > self.stale_after

    def _clear(self, raw: bytes | None) -> None:
        """Clear a stale lock without ever removing a fresh one: move it aside (one mover wins),
        and put it back if what was moved is not the lock judged stale."""
        aside = self.path.with_name(f"{self.path.name}.stale-{self.token}")
        try:
            os.rename(self.path, aside)
        except FileNotFoundError:
            return
        try:
            if aside.read_bytes() != raw:  # a new holder took the lock meanwhile: give it back
                with contextlib.suppress(OSError):
                    os.link(aside, self.path)
        finally:
            with contextlib.suppress(OSError):
                aside.unlink()

    def acquire(self) -> None:
        deadline = time.monotonic() + self.wait
        data = json.dumps(self.info, ensure_ascii=False, indent=1).encode("utf-8")
        while True:
            try:
                fd = os.open(
                    self.path,
                    os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0),
                    0o644,
                )
            except FileExistsError:
                pass
            except PermissionError as exc:  # Windows: a lock file being deleted; or no rights
                if not self.path.parent.exists() or time.monotonic() > deadline:
                    raise FileWriteError(self.path, os_reason(exc)) from exc
            except OSError as exc:
                raise FileWriteError(self.path, os_reason(exc)) from exc
            else:
                try:
                    os.write(fd, data)
                    os.fsync(fd)
                except OSError as exc:
                    os.close(fd)
                    with contextlib.suppress(OSError):
                        os.unlink(self.path)
                    raise FileWriteError(self.path, os_reason(exc)) from exc
                os.close(fd)
                self._beat = threading.Thread(target=self._heartbeat, daemon=True)
                self._beat.start()
                return
            raw, info = self._read()
            if raw is not None and self._stale(info):
                self._clear(raw)
                continue
            if time.monotonic() > deadline:
                raise LockHeld(
                    self.real,
                    f"{_holder_text(info)}正在写入{self.what}，为避免互相覆盖，本次未运行。请等它完成后重新运行。"
                    f"如确认该程序已经不在运行（例如电脑已关机），可删除锁文件“{self.path}”后重新运行",
                )
            time.sleep(0.1)

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            with contextlib.suppress(OSError):
                os.utime(self.path)

    def still_mine(self) -> bool:
        _, info = self._read()
        return bool(info) and info.get("token") == self.token  # type: ignore[union-attr]

    def release(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)
        if self.still_mine():
            with contextlib.suppress(OSError):
                self.path.unlink()


# ---- the master's identity -------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    size: int
    mtime_ns: int
    sha256: str


def sha256_file(path: Path, *, follow_links: bool = True) -> str:
    """SHA-256 of a file, read in blocks (a generated document, the master behind an archive, a
    file in an archive). follow_links=False opens it without following a symbolic link (the
    archive: a planted link is an OSError, never the hash of what it points to)."""
    digest = hashlib.sha256()
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(path, flags), "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def identity_of(path: Path, data: bytes | None = None) -> tuple[Identity, bytes]:
    with os_errors(path):
        st = os.stat(path)
        data = path.read_bytes() if data is None else data
    return Identity(st.st_size, st.st_mtime_ns, hashlib.sha256(data).hexdigest()), data


def write_target(path: Path) -> tuple[Path, os.stat_result]:
    """The file a write really changes (a symbolic link's target), refused when read-only or
    hard-linked."""
    path = Path(path)
    sniff(path)
    real = Path(os.path.realpath(path))
    with os_errors(path):
        st = os.stat(real)
    if not st.st_mode & 0o222 or not os.access(real, os.W_OK):
        raise WriteRefused(
            path, "主表是只读文件。请在文件属性中取消“只读”（或取得写入权限）后重新运行"
        )
    if st.st_nlink > 1:
        raise WriteRefused(
            path,
            f"主表有 {st.st_nlink} 个硬链接（同一文件的多个名字）。安全写入会换成新文件，其他名字将仍是旧内容，"
            "因此本次未写入。请把主表复制为一个独立的文件，用副本运行",
        )
    return real, st


class MasterSession:
    """A master held for writing: the lock is taken, its bytes and identity are known."""

    def __init__(self, path: Path, real: Path, lock: WriteLock) -> None:
        self.path, self.real, self.lock = path, real, lock
        self.identity, self.data = identity_of(real)

    def check_unchanged(self) -> None:
        """Refuse when the file on disk is no longer the one this session loaded."""
        if not self.lock.still_mine():
            raise MasterChanged(self.path, f"{CHANGED}（写入锁已被他人清除）")
        try:
            st = os.stat(self.real)
        except FileNotFoundError:
            raise MasterChanged(self.path, f"{CHANGED}（文件已被移走或删除）") from None
        if (st.st_size, st.st_mtime_ns) != (self.identity.size, self.identity.mtime_ns):
            raise MasterChanged(self.path, CHANGED)
        now, _ = identity_of(self.real)
        if now != self.identity:
            raise MasterChanged(self.path, CHANGED)

    def update(self, change: Callable[[XlWorkbook], T]) -> tuple[T, Path]:
        """Apply `change` to the loaded bytes and replace the master, if it is still them."""
        ensure_unlocked(self.path)
        check_writable(self.real)
        wb = load_master(self.real, self.data)
        try:
            result = change(wb)
        except CellNotWritable as exc:
            raise WriteRefused(self.path, str(exc)) from None
        try:  # openpyxl drops shapes and text boxes and rewrites charts: carry them over
            data = keep_drawings(self.data, workbook_bytes(wb))
        except DrawingsNotKept as exc:
            raise WriteRefused(
                self.path,
                f"主表中的图片、形状或图表无法原样保留（{exc}），为免丢失，主表未被修改。"
                "请把这个文件交给维护人员查看",
            ) from exc
        ensure_unlocked(self.path)  # Excel may have opened it meanwhile
        self.check_unchanged()
        try:
            saved = backup(self.real, data=self.data)
        except FileWriteError as exc:
            raise FileWriteError(
                self.path,
                f"备份（{BACKUP_DIR}/{exc.path.name}）无法保存：{exc.reason}。主表未被修改",
            ) from exc
        try:
            st = os.stat(self.real)
            atomic_write_bytes(
                self.real, data, verify=sniff, mode=st,
                before_replace=self.check_unchanged,
            )  # fmt: skip
        except FileWriteError as exc:
            with contextlib.suppress(OSError):
                saved.unlink()  # nothing was written, so no backup of this attempt is kept
            raise FileWriteError(self.path, f"{exc.reason}。主表未被修改") from exc
        except BaseException:
            with contextlib.suppress(OSError):
                saved.unlink()
            raise
        self.identity, self.data = identity_of(self.real)
        return result, saved


@contextlib.contextmanager
def writing(path: Path | str, wait: float = LOCK_WAIT_S) -> Iterator[MasterSession]:
    """Hold the master for a read-plan-write: the lock from before the first read to after the
    replace. Read the master (for planning) inside the block, then call `session.update`."""
    path = Path(path)
    real, _ = write_target(path)
    ensure_unlocked(path)  # beside the name given and beside a link's target
    lock = WriteLock(real, wait)
    lock.acquire()
    try:
        yield MasterSession(path, real, lock)
    finally:
        lock.release()


MAX_WRITE_ROWS = (
    200_000  # openpyxl builds every stored row: past this a write takes minutes and GBs
)


def check_writable(path: Path, limit: int = MAX_WRITE_ROWS) -> None:
    """Refuse, before loading, a workbook whose sheets store more rows than a write can handle
    (typically whole columns formatted down to row 1,048,576)."""
    with zipfile.ZipFile(path) as zf:
        for part, name in sheet_parts(zf).items():
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


def load_master(path: Path, data: bytes | None = None) -> XlWorkbook:
    """The master as openpyxl loads it for a change: from `data` (the bytes hashed when the
    lock was taken) when given."""
    sniff(path)
    check_writable(path)
    try:
        return openpyxl.load_workbook(
            io.BytesIO(data) if data is not None else path,
            keep_vba=path.suffix.lower() in (".xlsm", ".xltm"),
            rich_text=True,
        )
    except Exception as exc:
        raise WorkbookError(path, f"工作簿无法载入以写入（{type(exc).__name__}）") from exc


def update_master(path: Path | str, change: Callable[[XlWorkbook], T]) -> tuple[T, Path]:
    """Apply `change` to the master safely; returns what `change` returned and the backup path.
    When the change depends on what was read from the master, read it inside `writing` instead."""
    with writing(path) as session:
        return session.update(change)
