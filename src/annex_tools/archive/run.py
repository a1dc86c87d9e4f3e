"""One archive run: read the master, plan, and commit a new bag beside the old one (staged, then
swapped in by two renames)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path
from typing import Any

from annex_tools import __version__
from annex_tools.archive.identity import Move, refile_entries
from annex_tools.archive.pdf import to_pdf_a
from annex_tools.archive.plan import ArchiveResult, Record, _plan, _Todo, plan_records
from annex_tools.archive.store import (
    QUARANTINE,
    ArchiveError,
    ArchiveTampered,
    _inspect,
    _is_link,
    _link_archived,
    _payload_folder,
    _private,
    _quarantine_bag,
    _quarantine_strays,
    _read_bytes,
    _recover,
    _remove_tree,
    _step,
    _validate_bag,
    _write_new,
    _write_tag_files,
)
from annex_tools.contract.errors import LockHeld
from annex_tools.contract.master import Progress, no_progress
from annex_tools.documents.render import render_docx
from annex_tools.institute import institute
from annex_tools.workbook.office import soffice
from annex_tools.workbook.reader import Settings, read_workbook
from annex_tools.workbook.safewrite import WriteLock, sha256_file

_plain = no_progress


def archive(
    workbook: Path,
    out_dir: Path,
    signed: dt.date,
    pdf: bool | None = None,
    all_levels: bool = False,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    progress: Progress = _plain,
    refile: tuple[str, ...] = (),
    reason: str = "",
) -> ArchiveResult:
    wb = read_workbook(workbook)
    inst = institute(wb)
    records, skipped = plan_records(inst, wb.settings, all_levels, signed)
    year = wb.settings.year
    bag = out_dir / str(year)
    result = ArchiveResult(bag, skipped=skipped)
    result.pdf = (soffice() is not None) if pdf is None else pdf
    now = now or dt.datetime.now().astimezone()
    if _is_link(bag):
        raise ArchiveTampered(bag, [f"{bag}：符号链接（档案中不应有链接，疑似篡改）"])
    if dry_run:
        entries: list[dict[str, Any]] = []
        if bag.exists():
            state = _inspect(bag)
            if state.tampered:
                raise ArchiveTampered(bag, state.tampered)
            if state.incomplete:
                result.quarantined.append(
                    f"档案{state.incomplete}：将整个移入“{QUARANTINE}”并重建（--dry-run，未移动）"
                )
            else:
                result.quarantined += [
                    f"{r}：不在档案清单中，将移入“{QUARANTINE}”（--dry-run，未移动）"
                    for r in state.strays
                ]
                entries = state.entries
        if refile:
            entries, _, result.corrected = refile_entries(entries, records, refile, reason, now)
        _plan(result, records, entries)
        return result
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(f"无法建立归档文件夹“{out_dir}”：{exc}") from None
    _private(out_dir, 0o700)
    lock = WriteLock(bag, wait=5.0, command="annex-tools archive")
    try:
        lock.acquire()
    except LockHeld:
        raise ArchiveError(
            f"另一个归档程序正在写入“{bag}”，本次未运行。请等它完成后重新运行。"
        ) from None
    try:
        return _run(
            workbook, wb.settings, out_dir, bag, records, result, now, progress, refile, reason
        )
    finally:
        lock.release()


def _run(
    workbook: Path,
    st: Settings,
    out_dir: Path,
    bag: Path,
    records: list[Record],
    result: ArchiveResult,
    now: dt.datetime,
    progress: Progress,
    refile: tuple[str, ...] = (),
    reason: str = "",
) -> ArchiveResult:
    year = st.year
    result.recovered = _recover(out_dir, year, bag)
    entries: list[dict[str, Any]] = []
    payload: dict[str, str] = {}
    if os.path.lexists(bag):
        if _is_link(bag):
            raise ArchiveTampered(bag, [f"{bag}：符号链接（档案中不应有链接，疑似篡改）"])
        state = _inspect(bag)
        if state.tampered:
            raise ArchiveTampered(bag, state.tampered)
        if state.incomplete:
            q = _quarantine_bag(out_dir, bag, state.incomplete, now)
            result.quarantined.append(
                f"档案{state.incomplete}：整个档案已移到“{q}”，并重新建立档案"
            )
        else:
            if state.strays:
                q, moved = _quarantine_strays(out_dir, bag, state.strays, now)
                result.quarantined += [f"{rel}：不在档案清单中，已移到“{q}”" for rel in moved]
            entries, payload = state.entries, state.payload
    moves: list[Move] = []
    if refile:
        entries, moves, result.corrected = refile_entries(entries, records, refile, reason, now)
        renamed = {m.old: m.new for m in moves}
        payload = {renamed.get(rel, rel): c for rel, c in payload.items()}
    todo = _plan(result, records, entries)
    if not todo and not moves:
        return result

    source_sha = sha256_file(workbook)
    token = uuid.uuid4().hex[:12]
    staging = out_dir / f".staging-{year}-{token}"
    staging.mkdir()
    _private(staging, 0o700)
    try:
        new_bag = _build(
            bag, staging, st, todo, entries, payload, source_sha, workbook, now, result, progress,
            {m.new: m.old for m in moves},
        )  # fmt: skip
        ready = out_dir / f".ready-{year}-{token}"
        os.rename(new_bag, ready)
        _step("ready")
    except BaseException:
        _remove_tree(staging)
        raise
    _remove_tree(staging)
    previous = out_dir / f".previous-{year}-{token}"
    had_bag = os.path.lexists(bag)
    if had_bag:
        os.rename(bag, previous)
        _step("swap")
    os.rename(ready, bag)
    _step("cleanup")
    if had_bag:
        _remove_tree(previous)
    return result


def _build(
    bag: Path,
    staging: Path,
    st: Settings,
    todo: list[_Todo],
    entries: list[dict[str, Any]],
    payload: dict[str, str],
    source_sha: str,
    workbook: Path,
    now: dt.datetime,
    result: ArchiveResult,
    progress: Progress,
    source_of: dict[str, str] | None = None,
) -> Path:
    """Build the new bag in staging: render, carry over (moved files under their new names),
    add, write tags, validate."""
    rendered = _render_opinions(staging, todo, result.pdf, progress)
    new_bag = staging / "bag"
    new_bag.mkdir()
    (new_bag / "data").mkdir()
    _link_archived(bag, new_bag, payload, source_of or {})
    files = list(entries)
    payload = dict(payload)
    for item, path in zip(todo, rendered, strict=True):
        _add_opinion(bag, new_bag, item, path, payload, files, source_sha, workbook, now, result)
    _write_tag_files(new_bag, st, payload, files, now)
    _validate_bag(new_bag)
    _private(new_bag / "data", 0o700)
    _private(new_bag, 0o700)
    return new_bag


def _render_opinions(staging: Path, todo: list[_Todo], pdf: bool, progress: Progress) -> list[Path]:
    """Render one opinion .docx per item into staging/work (and PDF/A beside them if asked)."""
    work = staging / "work"
    work.mkdir()
    rendered: list[Path] = []
    for k, item in enumerate(progress(todo, "生成评价意见")):
        assert isinstance(item, _Todo)
        path = work / f"{k:04d}.docx"
        render_docx("opinion.docx", dict(item.rec.context), path)
        rendered.append(path)
        _step("staging")
    if pdf:
        to_pdf_a(rendered, work)
    return rendered


def _add_opinion(
    bag: Path,
    new_bag: Path,
    item: _Todo,
    path: Path,
    payload: dict[str, str],
    files: list[dict[str, Any]],
    source_sha: str,
    workbook: Path,
    now: dt.datetime,
    result: ArchiveResult,
) -> None:
    """Copy one rendered opinion (.docx, and .pdf if asked) into the bag and record it."""
    suffixes = (".docx", ".pdf") if result.pdf else (".docx",)
    for suffix in suffixes:
        rel = item.rel + suffix
        _payload_folder(new_bag, rel)
        checksum = _write_new(new_bag / rel, _read_bytes(path.with_suffix(suffix)))
        payload[rel] = checksum
        files.append(
            {
                "file": rel,
                "sha256": checksum,
                "sid": item.rec.sid,
                "staff_no": item.rec.staff_no,
                "name": item.rec.name,
                "version": item.version,
                "stem": item.rel.rsplit("/", 1)[1].removesuffix(f"-v{item.version}"),
                "fingerprint": item.rec.fingerprint,
                "source_workbook": workbook.name,
                "source_workbook_sha256": source_sha,
                "tool": f"annex-tools {__version__}",
                "archived_at": now.isoformat(timespec="seconds"),
            }
        )
        result.written.append(bag / rel)
        _step("copying")
