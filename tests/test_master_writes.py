"""Writes to the master as an adversary tries them: real processes at once, a program saving the
file behind our back, stale locks, permission bits and owners, links, a full disk."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from builders import small_disk, valid
from cli_helpers import annex

from annex_tools.contract.errors import FileWriteError, LockHeld, MasterChanged, WriteRefused
from annex_tools.workbook.builder import new_workbook
from annex_tools.workbook.safewrite import (
    BACKUP_DIR,
    CHANGED,
    LOCK_SUFFIX,
    WriteLock,
    update_master,
    writing,
)

# A writer in its own process: appends its tag below the last row of 说明, slowly (the change
# takes a while, as a big master's does), through the one safe-write path.
WRITER = textwrap.dedent(
    """
    import sys, time
    from annex_tools.contract.errors import LockHeld, MasterChanged
    from annex_tools.workbook.safewrite import update_master

    def change(wb):
        ws = wb["说明"]
        ws.cell(row=ws.max_row + 1, column=3).value = sys.argv[2]
        time.sleep(0.3)

    try:
        update_master(sys.argv[1], change)
    except (LockHeld, MasterChanged) as exc:
        print(exc, file=sys.stderr)
        sys.exit(2)
    """
)


def master(tmp_path: Path) -> Path:
    return new_workbook(tmp_path / "master.xlsx", valid())


def tags(path: Path) -> set[str]:
    ws = openpyxl.load_workbook(path)["说明"]
    return {str(c.value) for c in ws["C"] if isinstance(c.value, str) and c.value.startswith("w")}


def leftovers(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.iterdir() if p.name.startswith(".annex-") or LOCK_SUFFIX in p.name
    )


def test_real_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = master(tmp_path)
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    done: set[str] = set()
    refused = 0
    for round_ in range(4):
        procs = {
            f"w{round_}-{i}": subprocess.Popen(
                [sys.executable, str(script), str(path), f"w{round_}-{i}"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )  # fmt: skip
            for i in range(3)
        }
        for tag, proc in procs.items():
            _, err = proc.communicate(timeout=120)
            assert "Traceback" not in err, err
            if proc.returncode == 0:
                done.add(tag)
            else:  # refused, saying why; its change is not in the file
                assert proc.returncode == 2 and ("正在写入这个主表" in err or CHANGED in err), err
                refused += 1
        assert tags(path) == done  # every write that said done is there, no other
    assert len(done) + refused == 12 and len(done) >= 4
    assert leftovers(tmp_path) == []
    assert len(list((tmp_path / BACKUP_DIR).iterdir())) == len(done)


def test_check_write_racing_an_import_keeps_both(tmp_path: Path) -> None:
    """`import-reports` and `check --write` started together: both finish (one waits for the
    other), and the figures and the marks are both in the file."""
    data = valid()
    for sub in data["subs"]:
        sub["字数"] = None
    path = new_workbook(tmp_path / "master.xlsx", data)
    (tmp_path / "reports").mkdir()
    from docx_builders import BASIC, make_docx

    make_docx(tmp_path / "reports" / "示例第一党支部-丁四-述职报告.docx", BASIC)
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    cmds = [
        ["import-reports", str(path), str(tmp_path / "reports")],
        ["check", str(path), "--write", "--as-of", "2024-06-01"],
    ]
    procs = [
        subprocess.Popen([sys.executable, "-m", "annex_tools", *c], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env)
        for c in cmds
    ]  # fmt: skip
    results = [p.communicate(timeout=180) for p in procs]
    assert procs[0].returncode == 0, results[0]
    assert procs[1].returncode in (0, 1), results[1]
    wb = openpyxl.load_workbook(path)
    headers = [c.value for c in wb["述职"][1]]
    words = [r[headers.index("字数")] for r in wb["述职"].iter_rows(min_row=2, values_only=True)]
    assert words[2]  # S3's report was imported ...
    assert any(
        str(c.value).startswith("校验时间") for c in wb["校验结果"]["A"]
    )  # ... and the check's results were written too


def test_a_program_saving_the_file_meanwhile_is_never_overwritten(tmp_path: Path) -> None:
    path = master(tmp_path)
    other = new_workbook(tmp_path / "other.xlsx", valid())
    theirs = other.read_bytes()

    def change(wb: openpyxl.Workbook) -> None:
        wb["说明"]["C1"].value = "ours"
        path.write_bytes(theirs)  # someone saves the master while we work

    with pytest.raises(MasterChanged) as info:
        update_master(path, change)
    assert CHANGED in str(info.value) and "master.xlsx" in str(info.value)
    assert path.read_bytes() == theirs
    assert not (tmp_path / BACKUP_DIR).exists() or not any((tmp_path / BACKUP_DIR).iterdir())
    assert leftovers(tmp_path) == []


def test_a_live_holder_is_named_and_the_second_writer_refused(tmp_path: Path) -> None:
    path = master(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import time
            from annex_tools.workbook.safewrite import writing
            with writing({str(path)!r}) as s:
                print("held", flush=True)
                time.sleep(30)
        """)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = path.read_bytes()
        t0 = time.monotonic()
        proc = annex("check", path, "--write", "--as-of", "2024-06-01")
        waited = time.monotonic() - t0
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "正在写入这个主表" in proc.stderr and f"进程 {holder.pid}" in proc.stderr
        assert socket.gethostname() in proc.stderr and "master.xlsx" in proc.stderr
        assert path.read_bytes() == before and waited >= 4
    finally:
        holder.kill()
        holder.wait()


def _lock(path: Path, **info: object) -> Path:
    lock = path.with_name(path.name + LOCK_SUFFIX)
    lock.write_text(json.dumps({"user": "someone", "since": "2024-01-01T08:00:00", **info}))
    return lock


def test_stale_locks_are_cleared_and_fresh_foreign_ones_respected(tmp_path: Path) -> None:
    path = master(tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    lock = _lock(path, host=socket.gethostname(), pid=int(dead.stdout))  # holder has exited
    update_master(path, lambda wb: None)
    assert not lock.exists()

    lock = _lock(path, host="another-pc", pid=1)
    old = time.time() - 3600
    os.utime(lock, (old, old))  # not refreshed for an hour: its holder is gone
    update_master(path, lambda wb: None)
    assert not lock.exists()

    lock = _lock(path, host="another-pc", pid=1)  # fresh, from another computer
    with pytest.raises(LockHeld) as info, writing(path, wait=0.5):
        pass
    assert "someone" in str(info.value) and "another-pc" in str(info.value)
    assert lock.exists()


def test_clearing_a_stale_lock_never_removes_a_fresh_one(tmp_path: Path) -> None:
    path = master(tmp_path)
    stale = _lock(path, host="another-pc", pid=1)
    raw = stale.read_bytes()
    fresh = WriteLock(path)
    stale.unlink()
    fresh.acquire()  # a new holder took the lock after the stale one was judged
    try:
        WriteLock(path)._clear(raw)  # a waiter clearing what it judged stale
        assert fresh.still_mine()
    finally:
        fresh.release()
    assert leftovers(tmp_path) == []


def test_mode_and_owner_are_kept(tmp_path: Path) -> None:
    path = master(tmp_path)
    os.chmod(path, 0o640)
    if os.geteuid() == 0:
        os.chown(path, 1234, 2345)
    proc = annex("check", path, "--write", "--as-of", "2024-06-01")
    assert proc.returncode in (0, 1), proc.stderr
    st = path.stat()
    assert stat.S_IMODE(st.st_mode) == 0o640
    if os.geteuid() == 0:
        assert (st.st_uid, st.st_gid) == (1234, 2345)
    assert any(
        str(c.value).startswith("校验时间") for c in openpyxl.load_workbook(path)["校验结果"]["A"]
    )


def test_read_only_master_is_refused(tmp_path: Path) -> None:
    path = master(tmp_path)
    os.chmod(path, 0o444)
    before = path.read_bytes()
    proc = annex("check", path, "--write", "--as-of", "2024-06-01")
    assert proc.returncode == 2 and "只读" in proc.stderr and "master.xlsx" in proc.stderr
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert not (tmp_path / BACKUP_DIR).exists()


def test_a_symbolic_link_is_written_through_to_its_target(tmp_path: Path) -> None:
    real = master(tmp_path / "shared" if (tmp_path / "shared").mkdir() is None else tmp_path)
    link = tmp_path / "我的主表.xlsx"
    link.symlink_to(real)
    proc = annex("check", link, "--write", "--as-of", "2024-06-01")
    assert proc.returncode in (0, 1), proc.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert any(
        str(c.value).startswith("校验时间") for c in openpyxl.load_workbook(real)["校验结果"]["A"]
    )
    assert (real.parent / BACKUP_DIR).exists() and not (tmp_path / BACKUP_DIR).exists()


def test_a_hard_linked_master_is_refused_not_split(tmp_path: Path) -> None:
    path = master(tmp_path)
    os.link(path, tmp_path / "副本.xlsx")
    before = path.read_bytes()
    proc = annex("check", path, "--write", "--as-of", "2024-06-01")
    assert proc.returncode == 2 and "硬链接" in proc.stderr and "master.xlsx" in proc.stderr
    assert path.read_bytes() == before and path.stat().st_nlink == 2


def test_direct_refusals_are_write_refused(tmp_path: Path) -> None:
    path = master(tmp_path)
    os.chmod(path, 0o400)
    with pytest.raises(WriteRefused):
        update_master(path, lambda wb: None)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 700 KB file system (tmpfs), where a master fits once but not with its backup."""
    yield from small_disk(tmp_path, "700k")


@pytest.mark.parametrize("room", [0.5, 1.5], ids=["backup-fails", "new-file-fails"])
def test_full_disk_is_a_chinese_message_and_leaves_nothing_behind(
    tiny_disk: Path, room: float
) -> None:
    path = tiny_disk / "master.xlsx"
    shutil.copy(master(tiny_disk.parent), path)
    free = shutil.disk_usage(tiny_disk).free
    (tiny_disk / "filler.bin").write_bytes(b"\0" * max(0, free - int(path.stat().st_size * room)))
    before = path.read_bytes()
    proc = annex("check", path, "--write", "--as-of", "2024-06-01")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "磁盘空间不足" in proc.stderr and "“" + str(path) + "”" in proc.stderr
    assert "主表未被修改" in proc.stderr
    assert ("备份（" in proc.stderr) == (room < 1)  # which step met the full disk
    assert "Traceback" not in proc.stderr and "内部错误" not in proc.stderr
    assert path.read_bytes() == before
    assert leftovers(tiny_disk) == []
    backups = tiny_disk / BACKUP_DIR
    assert not backups.exists() or [p.name for p in backups.iterdir()] == []
    with pytest.raises(FileWriteError):
        update_master(path, lambda wb: None)
