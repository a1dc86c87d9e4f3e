"""Where generated documents go, and what is never lost there.

Every output folder keeps a small manifest (`.生成记录-annex-tools.json`: file name -> SHA-256
of what annex-tools wrote). Before a file is written again, the one on disk is compared with
its recorded fingerprint: a file a person has changed since it was generated (or one that
annex-tools did not write) is kept and listed, unless `force`, which copies it to 备份/ first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annex_tools.contract.errors import OutputError, TemplateError
from annex_tools.contract.master import (  # noqa: F401
    PROGRESS_INBOX,
    REPORTS_INBOX,
    RETURNS_INBOX,
    TALLIES_INBOX,
)

# ---- what each output is called, decided once for the CLI and the buttons --------------------


@dataclass(frozen=True)
class OutputKind:
    """One kind of generated output: what messages call it and its default name beside the
    master. The name carries the year (from 设置), so two years' outputs never mix."""

    key: str
    title: str
    pattern: str  # formatted with the year
    per_person: bool  # a folder of files (one per person or body), or one file

    def default(self, folder: Path, year: object) -> Path:
        return folder / self.pattern.format(year=year)


KINDS: dict[str, OutputKind] = {
    k.key: k
    for k in (
        OutputKind("templates", "述职报告模板", "{year}年度述职报告模板", True),
        OutputKind("annex2", "附件2", "{year}年度附件2", True),
        OutputKind("feedback", "评价意见反馈", "{year}年度评价意见反馈", True),
        OutputKind("summary", "汇总报告", "{year}年度述职评议工作情况报告.docx", False),
        OutputKind("bulletin", "等次通报", "{year}年度述职评议考核结果通报.docx", False),
        OutputKind("rect-ledger", "整改台账", "{year}年度整改台账.xlsx", False),
        OutputKind("hr", "年度考核联动名单", "{year}年度考核联动名单.xlsx", False),
        OutputKind("progress", "工作进度", "{year}年度工作进度", True),
        OutputKind("archive", "人事档案归档", "人事档案归档", True),  # one bag per year inside
        OutputKind("ballots", "现场测评表和测评统计表", "{year}年度现场测评表", True),
        OutputKind("interviews", "约谈记录", "{year}年度约谈记录", True),
        OutputKind("rect-forms", "整改进展表", "{year}年度整改进展表", True),
    )
}


def default_out(kind: str, folder: Path, year: object) -> Path:
    """Where `kind` goes when no --out is given: beside the master, named with the year."""
    return KINDS[kind].default(folder, year)


def workbook_out(
    kind: str, master_path: Path | None, folder: Path, year: object, out: Path | None
) -> Path:
    """The .xlsx a one-workbook output (整改台账, 名单) goes to: `out`, or the default beside the
    master; never another extension, never the master itself."""
    target = out if out is not None else default_out(kind, folder, year)
    if target.suffix.lower() != ".xlsx":
        raise OutputError(f"“{target}”：{KINDS[kind].title}请使用 .xlsx 扩展名。")
    if master_path is not None and target.exists() and target.resolve() == master_path.resolve():
        raise OutputError(f"“{target}”是主表本身，不能作为输出文件。")
    return target


MANIFEST = ".生成记录-annex-tools.json"
FOLDER_LOCK = ".生成中-annex-tools.lock"  # inside the folder while a run writes there
PENDING = "pending"  # the record's files being replaced by a batch: name -> new SHA-256


@dataclass
class Outputs:
    """What one generating run did in one folder."""

    folder: Path
    force: bool = False
    title: str = ""
    drafted: int = 0  # the errors in what the run read, when made as drafts (buttons: auto)
    others: int = 0  # the master's errors in what the run does not read: not in its way
    gaps: list[str] = field(default_factory=list)  # what a final document lacked: made a draft
    plan: dict[str, object] = field(default_factory=dict)  # what a one-file document said
    nothing: str = ""  # why the run had nothing to write (no one graded yet ...), said to staff
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # changed by a person: not overwritten
    locked: list[Path] = field(default_factory=list)  # open in Excel/WPS/LibreOffice: not written
    backups: list[Path] = field(default_factory=list)  # --force: where the changed files went
    _manifest: dict[str, str] = field(default_factory=dict)
    _batch: Any = None  # safewrite.Batch while `batch()` is open
    _pending: dict[str, str] = field(default_factory=dict)  # its files' new SHA-256
    _lock: Any = None  # releases the folder's lock (a weakref.finalize), from the first write
    _saved: list[bool] = field(default_factory=lambda: [False])  # the record saved since _hold

    def __post_init__(self) -> None:
        self._load()

    def _load(self) -> None:
        path = self.folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self._manifest = {str(k): str(v) for k, v in data.get("files", {}).items()}
            pending = {str(k): str(v) for k, v in data.get(PENDING, {}).items()}
        except (OSError, ValueError, AttributeError):
            self._manifest, pending = {}, {}
        self._resolve(pending)

    def _hold(self) -> None:
        """Before the run's first write in the folder: its lock (FOLDER_LOCK, the master's
        kind of lock file: who holds it, refreshed while held, cleared when its holder is gone),
        then the record read again under it. Two runs into one folder (a button clicked twice,
        two colleagues) take turns: the second waits a few seconds, then is refused naming who
        holds the folder; without it, each took the other's fresh files for a person's changes
        and left them unrecorded. Released when the record is saved, or at exit."""
        if self._lock is not None and self._lock.alive:
            return
        import weakref

        from annex_tools.contract.errors import LockHeld
        from annex_tools.workbook.safewrite import WriteLock, os_errors

        with os_errors(self.folder):
            self.folder.mkdir(parents=True, exist_ok=True)
        lock = WriteLock(
            self.folder, path=self.folder / FOLDER_LOCK, what=f"文件夹“{self.folder}”中生成的文件"
        )
        try:
            lock.acquire()
        except LockHeld as exc:
            raise OutputError(f"未生成：{exc.reason}") from None
        self._load()
        self._saved = [False]
        # also when the run ends without saving its record (an error after some files were
        # written): at exit, or when the Outputs is dropped
        self._lock = weakref.finalize(
            self,
            _end_run,
            self.folder,
            self._manifest,
            dict(self._manifest),  # as read: a run that failed before writing changes nothing
            self._pending,
            self._saved,
            lock,
        )

    def release(self) -> None:
        """The folder's lock, when held (the record saved, or the run given up)."""
        if self._lock is not None:
            self._lock()  # a weakref.finalize runs once

    def _resolve(self, pending: dict[str, str]) -> None:
        """A batch killed while renaming left its files' new fingerprints under PENDING: a file
        that is the new one is recorded as annex-tools' (the old one still is)."""
        from annex_tools.workbook.safewrite import sha256_file

        for name, digest in pending.items():
            with contextlib.suppress(OSError):
                if sha256_file(self.folder / name) == digest:
                    self._manifest[name] = digest

    def changed_by_person(self, path: Path) -> bool:
        if not path.exists():
            return False
        from annex_tools.workbook.safewrite import sha256_file

        return self._manifest.get(path.name) != sha256_file(path)

    def _admit(self, path: Path) -> bool:
        """Whether `path` may be written: not while an office suite has it open, nor over a
        person's changes (safewrite.guard_output, the one check every output passes); a file
        replaced under `force` is backed up first."""
        from annex_tools.workbook.safewrite import KEEP, LOCKED, guard_output

        self._hold()
        verdict, saved = guard_output(path, self._manifest.get(path.name), self.force)
        if verdict == LOCKED:
            self.locked.append(path)
            return False
        if verdict == KEEP:
            self.kept.append(path)
            return False
        if saved is not None:
            self.backups.append(saved)
        return True

    def write(self, path: Path, make: Callable[[Path], object]) -> Path | None:
        """Write `path` with `make(path)` (which writes atomically) unless an office suite has
        it open or a person changed the file there (safewrite.guard_output, the one check every
        output passes); returns the path written, or None when the file was kept."""
        from annex_tools.workbook.safewrite import sha256_file

        if not self._admit(path):
            return None
        make(path)
        self._manifest[path.name] = sha256_file(path)
        self.written.append(path)
        return path

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Files `put` inside the block are saved together when it ends (safewrite.Batch: one
        wait for the disk for all of them), then the record; an error inside saves none of them.
        The record lists the new files' fingerprints as pending before the first rename, so a
        run killed between renames leaves each file recognised, old or new."""
        from annex_tools.workbook.safewrite import atomic_batch

        with atomic_batch(before_renames=self._save_pending) as batch:
            self._batch = batch
            try:
                yield
            finally:
                self._batch = None
        for path in batch.skipped:  # opened in an office suite meanwhile: left as it was
            self.written.remove(path)
            self.locked.append(path)
            self._pending.pop(path.name, None)
        self._manifest |= self._pending
        self._pending.clear()  # in place: _end_run holds this dict

    def put(self, path: Path, make: Callable[[], bytes]) -> Path | None:
        """Inside `batch()`: as `write`, the file's bytes made by `make()`; it is checked to
        read back and goes in place when the batch ends (not when an office suite has opened it
        by then)."""
        from annex_tools.workbook.safewrite import excel_lock, reads_back

        assert self._batch is not None, "put() is for inside batch()"
        if not self._admit(path):
            return None
        data = make()
        self._batch.add(
            path, data, verify=reads_back(path, data), wanted=lambda: excel_lock(path) is None
        )
        self._pending[path.name] = hashlib.sha256(data).hexdigest()
        self.written.append(path)
        return path

    def _save_pending(self) -> None:
        self.save(pending=self._pending)

    def write_one(self, path: Path, make: Callable[[Path], object], title: str) -> Path:
        """A one-file output (整改台账, 名单): written and recorded, or refused with a message."""
        from annex_tools.contract.errors import LockedError, WriteRefused
        from annex_tools.workbook.safewrite import excel_lock

        if self.write(path, make) is None:
            lock = excel_lock(path)
            if lock is not None:
                raise LockedError(path, lock)
            raise WriteRefused(
                path,
                f"这里已有一个文件，且不是 annex-tools 上次生成的{title}（可能是有人改过的台账或其他工作簿），"
                "为免丢失，未覆盖。请换一个文件名；确需替换请加 --force（旧文件会先备份到旁边的“备份”文件夹）",
            )
        self.save()
        return path

    def save(self, pending: dict[str, str] | None = None) -> None:
        """The record; without `pending` (the run's last save) the folder's lock is released."""
        if pending is None:
            try:
                self._save(pending)
                self._saved[0] = True
            finally:
                self.release()
        else:
            self._save(pending)

    def _save(self, pending: dict[str, str] | None) -> None:
        if self.written:
            write_record(self.folder, self._manifest, pending)


def write_record(folder: Path, manifest: dict[str, str], pending: dict[str, str] | None) -> None:
    """The folder's record (MANIFEST): each file annex-tools wrote there and its SHA-256, and
    the fingerprints of a batch's files while it renames them (PENDING)."""
    from annex_tools.workbook.safewrite import atomic_write_bytes

    data: dict[str, object] = {
        "说明": "annex-tools 生成的文件及其 SHA-256；文件被改动后，再次生成时不会覆盖它。",
        "files": dict(sorted(manifest.items())),
    }
    if pending:
        data[PENDING] = dict(sorted(pending.items()))
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    atomic_write_bytes(folder / MANIFEST, text.encode("utf-8"))


def _end_run(
    folder: Path,
    manifest: dict[str, str],
    read: dict[str, str],
    pending: dict[str, str],
    saved: list[bool],
    lock: Any,
) -> None:
    """A run's end in its folder: unless its record was saved (an error after some files were
    written), what it wrote is recorded all the same, so the next run does not take those files
    for a person's changes (a batch's files still pending stay pending; a batch records its files
    itself, as pending before its renames); a run that wrote nothing leaves the record as it was.
    Then the lock."""
    try:
        if not saved[0] and manifest != read:
            with contextlib.suppress(Exception):  # the disk that failed the run may fail this too
                write_record(folder, manifest, pending)
    finally:
        lock.release()


# ---- --out: a folder or a file --------------------------------------------------------------

DOCUMENT_SUFFIXES = (".docx", ".pdf")


def resolve_file_out(out: Path, default_name: str) -> tuple[Path, bool]:
    """`--out` for a one-file document: an existing folder, or a name without an extension
    (a folder made when missing), means "put it in there under its usual name"; a name ending
    in .docx or .pdf is the file. Returns (file, was_folder). Any other extension is refused."""
    if out.is_dir() or not out.suffix:
        return out / default_name, True
    if out.suffix.lower() not in DOCUMENT_SUFFIXES:
        raise OutputError(f"“{out}”：输出文件请用 .docx（Word）或 .pdf 扩展名，或给出一个文件夹。")
    return out, False


def check_folder_out(out: Path) -> None:
    """`--out` for documents made one per person: it must be a folder (made when missing)."""
    if out.exists() and not out.is_dir():
        raise OutputError(
            f"“{out}”是一个文件；这个命令生成多个文件，--out 请给出文件夹（不存在时会新建）。"
        )


# ---- .pdf through LibreOffice ----------------------------------------------------------------


def docx_to_pdf(docx: Path, pdf: Path) -> Path:
    """Convert one .docx to `pdf` with LibreOffice (workbook.office; written atomically)."""
    from annex_tools.workbook.office import convert
    from annex_tools.workbook.safewrite import atomic_write_bytes

    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "document.docx"
        shutil.copy(docx, staged)
        try:
            code, stderr = convert([staged], "pdf", Path(tmp))
        except FileNotFoundError:
            raise TemplateError(
                "生成 PDF 需要 LibreOffice，本机没有安装。请改用 .docx，或安装 LibreOffice 后重试。"
            ) from None
        made = Path(tmp) / "document.pdf"
        if code != 0 or not made.exists():
            raise TemplateError(f"LibreOffice 未能把文档转换为 PDF：{stderr.strip()[:200]}")
        atomic_write_bytes(pdf, made.read_bytes())
    return pdf
