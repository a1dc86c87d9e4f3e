"""Issue 25: Annex 2 saves its thousands of files as one batch (safewrite.Batch: every file to a
temporary file, all flushed to disk together, then each renamed into place), and keeps every
guarantee of the one-file save: each file whole or not at all, even when the process is killed
between two renames; a full disk is a Chinese message with nothing changed; a symbolic link is
replaced, never followed; an office suite's owner file stops the write of that file; what a
killed batch leaves is hidden, ignored, and cleared later."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import shutil
import signal
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from builders import demo_copy, small_disk
from cli_helpers import Started, annex, start

from annex_tools.contract.errors import FileWriteError
from annex_tools.usecases.outputs import MANIFEST, PENDING, Outputs
from annex_tools.workbook import safewrite
from annex_tools.workbook.safewrite import (
    BATCH_SUFFIX,
    STALE_TEMP_S,
    atomic_batch,
    clear_stale_temps,
    reads_back,
)

AS_OF = dt.date(2024, 3, 1)


def sheet(data: bytes) -> bytes:
    """The sheet of an Annex 2 workbook (its properties carry the time it was made)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read("xl/worksheets/sheet1.xml")


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".annex-"))


def test_a_batch_puts_every_file_in_place_with_the_umasks_mode_and_no_temporary_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "b.xlsx").write_bytes(b"old b")
    os.chmod(tmp_path / "b.xlsx", 0o640)
    mode = os.stat(tmp_path / "b.xlsx")
    with atomic_batch() as batch:
        batch.add(tmp_path / "a.xlsx", b"new a")
        batch.add(tmp_path / "b.xlsx", b"new b", mode=mode)
        batch.add(tmp_path / "sub" / "c.xlsx", b"new c")
        assert (tmp_path / "b.xlsx").read_bytes() == b"old b"  # nothing in place before the end
        assert not (tmp_path / "a.xlsx").exists()
    assert [(tmp_path / n).read_bytes() for n in ("a.xlsx", "b.xlsx", "sub/c.xlsx")] == [
        b"new a", b"new b", b"new c",
    ]  # fmt: skip
    umask = safewrite.current_umask()
    assert (tmp_path / "a.xlsx").stat().st_mode & 0o777 == 0o666 & ~umask
    assert (tmp_path / "b.xlsx").stat().st_mode & 0o777 == 0o640  # the replaced file's mode
    assert temps(tmp_path) == [] and temps(tmp_path / "sub") == []


def test_a_symbolic_link_in_a_batch_is_replaced_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.xlsx"
    outside.write_bytes(b"not ours")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "a.xlsx").symlink_to(outside)
    with atomic_batch() as batch:
        batch.add(folder / "a.xlsx", b"new a")
    assert not (folder / "a.xlsx").is_symlink() and (folder / "a.xlsx").read_bytes() == b"new a"
    assert outside.read_bytes() == b"not ours"


def test_an_error_while_adding_changes_nothing_and_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"old a")
    with pytest.raises(FileWriteError, match="b.xlsx.*回读"), atomic_batch() as batch:
        batch.add(tmp_path / "a.xlsx", b"new a", verify=reads_back(tmp_path / "a.xlsx", b"new a"))
        batch.add(tmp_path / "b.xlsx", b"new b", verify=reads_back(tmp_path / "b.xlsx", b"other"))
    assert (tmp_path / "a.xlsx").read_bytes() == b"old a" and not (tmp_path / "b.xlsx").exists()
    assert temps(tmp_path) == []


def test_a_failed_rename_leaves_each_file_old_or_new_and_no_temporary_file(
    tmp_path: Path,
) -> None:
    for name in ("a", "c"):
        (tmp_path / f"{name}.xlsx").write_bytes(b"old " + name.encode())
    (tmp_path / "b.xlsx").mkdir()  # a folder in the way: its rename fails
    (tmp_path / "b.xlsx" / "x").write_bytes(b"")
    with pytest.raises(FileWriteError) as err, atomic_batch() as batch:
        for name in ("a", "b", "c"):
            batch.add(tmp_path / f"{name}.xlsx", b"new " + name.encode())
    assert err.value.path == tmp_path / "b.xlsx"
    assert (tmp_path / "a.xlsx").read_bytes() == b"new a"
    assert (tmp_path / "c.xlsx").read_bytes() == b"old c"
    assert temps(tmp_path) == []


def test_a_file_not_wanted_any_more_at_the_rename_is_left_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"old a")
    with atomic_batch() as batch:
        batch.add(tmp_path / "a.xlsx", b"new a", wanted=lambda: False)
        batch.add(tmp_path / "b.xlsx", b"new b", wanted=lambda: True)
    assert batch.skipped == [tmp_path / "a.xlsx"] and batch.replaced == [tmp_path / "b.xlsx"]
    assert (tmp_path / "a.xlsx").read_bytes() == b"old a"
    assert temps(tmp_path) == []


def test_only_old_temporary_files_of_a_batch_are_cleared(tmp_path: Path) -> None:
    old, fresh, single = (
        tmp_path / f".annex-old.xlsx{BATCH_SUFFIX}",
        tmp_path / f".annex-fresh.xlsx{BATCH_SUFFIX}",
        tmp_path / ".annex-single.xlsx",  # a one-file save's (it removes its own)
    )
    for p in (old, fresh, single):
        p.write_bytes(b"x")
    long_ago = time.time() - STALE_TEMP_S - 60
    for p in (old, single):
        os.utime(p, (long_ago, long_ago))
    assert clear_stale_temps(tmp_path) == [old]
    assert temps(tmp_path) == sorted([fresh.name, single.name])


def test_an_owner_file_appearing_before_the_rename_keeps_that_output(tmp_path: Path) -> None:
    done = Outputs(tmp_path, force=False)
    with done.batch():
        done.put(tmp_path / "a.xlsx", lambda: b"PK new a")
        done.put(tmp_path / "b.xlsx", lambda: b"PK new b")
        (tmp_path / "~$a.xlsx").write_bytes(b"someone")  # Excel opened it meanwhile
    done.save()
    assert not (tmp_path / "a.xlsx").exists() and (tmp_path / "b.xlsx").read_bytes() == b"PK new b"
    assert done.locked == [tmp_path / "a.xlsx"] and done.written == [tmp_path / "b.xlsx"]
    record = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert list(record["files"]) == ["b.xlsx"] and PENDING not in record
    assert temps(tmp_path) == []


# ---- through the command ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The demo master, and the Annex 2 files of two runs that differ in every file: as drafts
    (the old files) and final (the new ones)."""
    root = tmp_path_factory.mktemp("batch")
    master = demo_copy(root / "demo").workbook
    for name, extra in (("old", ["--draft"]), ("new", [])):
        proc = annex("annex2", master, "--out", root / name, "--as-of", "2024-03-01", *extra)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    files = {
        name: {p.name: p.read_bytes() for p in (root / name).glob("*.xlsx")}
        for name in ("old", "new")
    }
    assert len(files["old"]) > 3 and files["old"].keys() == files["new"].keys()
    assert all(sheet(files["old"][n]) != sheet(files["new"][n]) for n in files["old"])
    return {"master": master, "root": root, **files}


def run_killed(master: Path, out: Path, kill_at: int) -> None:
    """In a forked child: the Annex 2 command, killed (SIGKILL) by itself while flushing its
    batch (kill_at -1) or just before its rename number `kill_at`; never returns."""
    from annex_tools.usecases.documents import make_annex2

    try:
        renames = 0
        real_replace, real_flush = os.replace, safewrite.Batch._flush

        def replace(src: str | Path, dst: str | Path) -> None:
            nonlocal renames
            if str(src).endswith(BATCH_SUFFIX):
                if renames == kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)
                renames += 1
            real_replace(src, dst)

        def flush(self: safewrite.Batch) -> None:
            if kill_at == -1 and self.staged:
                os.kill(os.getpid(), signal.SIGKILL)
            real_flush(self)

        safewrite.os.replace = replace  # type: ignore[assignment]
        safewrite.Batch._flush = flush  # type: ignore[method-assign]
        make_annex2(master, out, AS_OF)
    except BaseException:
        os._exit(1)
    os._exit(0)


def test_a_run_killed_at_every_step_of_its_batch_leaves_every_file_old_or_new_and_whole(
    made: dict[str, object], tmp_path: Path
) -> None:
    """The command forked and killed for real (SIGKILL, from inside, so that it lands exactly
    there): while flushing, and before each rename. Each file is then the old one or the new one,
    whole; the temporary files left are hidden and not *.xlsx; a rerun recognises every file
    as annex-tools' own (old or new, through the record's pending fingerprints), replaces them
    all without --force, and clears the temporary files once old."""
    from annex_tools.usecases.documents import make_annex2

    master, old, new = made["master"], made["old"], made["new"]
    assert isinstance(master, Path) and isinstance(old, dict) and isinstance(new, dict)
    seen_new_and_old = False
    for kill_at in [-1, 0, 1, len(old) // 2, len(old) - 1, len(old)]:
        out = tmp_path / f"kill{kill_at}"
        shutil.copytree(made["root"] / "old", out)  # type: ignore[operator]
        pid = os.fork()
        if pid == 0:
            run_killed(master, out, kill_at)
        _, status = os.waitpid(pid, 0)
        if kill_at < len(old):
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, kill_at
        else:
            assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        got = {p.name: p.read_bytes() for p in out.glob("*.xlsx")}
        assert got.keys() == old.keys()  # no temporary file among the workbooks
        states = [
            "old" if got[n] == old[n] else "new" if sheet(got[n]) == sheet(new[n]) else "?"
            for n in got
        ]
        assert "?" not in states, (kill_at, states)
        assert states.count("new") == max(0, min(kill_at, len(old))), (kill_at, states)
        seen_new_and_old |= 0 < states.count("new") < len(states)
        for n in got:
            openpyxl.load_workbook(out / n)  # whole
        left = temps(out)
        assert all(t.endswith(BATCH_SUFFIX) for t in left)
        assert len(left) == (len(old) - states.count("new") if kill_at < len(old) else 0)
        # a rerun, not forced: every file recognised (none kept as changed by a person) and
        # replaced by the new one; the killed run's temporary files, once old, are cleared
        long_ago = time.time() - STALE_TEMP_S - 60
        for t in left:
            os.utime(out / t, (long_ago, long_ago))
        done = make_annex2(master, out, AS_OF)
        assert done.kept == [] and len(done.written) == len(old), (kill_at, done.kept)
        assert {p.name: sheet(p.read_bytes()) for p in out.glob("*.xlsx")} == {
            n: sheet(d) for n, d in new.items()
        }
        assert temps(out) == []
        record = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        assert PENDING not in record and len(record["files"]) == len(old)
    assert seen_new_and_old


def test_the_command_killed_at_many_moments_leaves_every_file_old_or_new(
    made: dict[str, object], tmp_path: Path
) -> None:
    """`annex2` started from the tests' CLI server (as test_kill starts `check --write`) and
    killed (SIGKILL) at moments spread over the second half of its run, where it writes: every
    file is then the old one or the new one, whole, and a rerun without --force replaces them
    all (none taken for a file a person changed)."""
    master, old, new = made["master"], made["old"], made["new"]
    assert isinstance(master, Path) and isinstance(old, dict) and isinstance(new, dict)

    def run(out: Path) -> Started:
        return start("annex2", master, "--out", out, "--as-of", "2024-03-01")

    assert annex("--help").returncode == 0  # the CLI server is up: `full` times the run alone
    t0 = time.perf_counter()
    run(tmp_path / "full").wait(timeout=120)
    full = time.perf_counter() - t0
    outcomes: dict[str, int] = {}
    for i in range(10):
        out = tmp_path / f"kill{i}"
        shutil.copytree(made["root"] / "old", out)  # type: ignore[operator]
        proc = run(out)
        time.sleep(full * (0.5 + 0.55 * i / 9))
        with contextlib.suppress(ProcessLookupError):  # it may have finished (and been reaped)
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        got = {p.name: p.read_bytes() for p in out.glob("*.xlsx")}
        assert got.keys() == old.keys()
        states = [
            "old" if got[n] == old[n] else "new" if sheet(got[n]) == sheet(new[n]) else "?"
            for n in got
        ]
        assert "?" not in states, states
        for n in got:
            openpyxl.load_workbook(out / n)
        key = "old" if "new" not in states else "new" if "old" not in states else "mixed"
        outcomes[key] = outcomes.get(key, 0) + 1
        again = annex("annex2", master, "--out", out, "--as-of", "2024-03-01")
        assert again.returncode == 0 and "未覆盖" not in again.stdout + again.stderr, again.stdout
        assert {p.name: sheet(p.read_bytes()) for p in out.glob("*.xlsx")} == {
            n: sheet(d) for n, d in new.items()
        }
    print("kill outcomes", outcomes, f"full run {full:.1f} s")


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 400 KB file system (tmpfs)."""
    yield from small_disk(tmp_path, "400k")


def test_a_full_disk_in_the_middle_of_a_batch_is_a_chinese_message_and_changes_nothing(
    made: dict[str, object], tiny_disk: Path
) -> None:
    out = tiny_disk / "附件2"
    shutil.copytree(made["root"] / "old", out)  # type: ignore[operator]
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    free = shutil.disk_usage(tiny_disk).free
    (tiny_disk / "filler.bin").write_bytes(b"\0" * max(0, free - 3 * 8192))  # room for ~2 files
    proc = annex("annex2", made["master"], "--out", out, "--as-of", "2024-03-01")  # type: ignore[arg-type]
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "磁盘空间不足" in proc.stderr and str(out) in proc.stderr
    assert "Traceback" not in proc.stderr and "内部错误" not in proc.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the record too
    assert temps(out) == []


@pytest.mark.parametrize(
    ("umask", "folder_mode"),
    [(0o222, 0o777), (0o022, 0o733)],
    ids=["read-only-files", "unreadable-folder"],
)
def test_a_batch_saves_read_only_files_and_into_a_folder_it_cannot_list(
    umask: int, folder_mode: int
) -> None:
    """Umask 0222 makes every new file read-only (0444): the batch still flushes and renames its
    temporary files, which have that mode by then. A folder others may write but not read
    (-wx): the files go in (the folder's own flush is skipped). Run as an ordinary user (root
    may write a read-only file anyway), in a forked child."""
    if os.geteuid() != 0:
        pytest.skip("needs root to become another user")
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="annex-umask-", dir="/tmp"))  # reachable by that user
    os.chmod(folder, folder_mode)
    pid = os.fork()
    if pid == 0:
        try:
            os.setgid(65534)
            os.setuid(65534)
            os.umask(umask)
            with atomic_batch() as batch:
                batch.add(folder / "a.xlsx", b"new a")
                batch.add(folder / "b.xlsx", b"new b")
        except BaseException as exc:
            os.write(2, repr(exc).encode())
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    try:
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        assert (folder / "a.xlsx").read_bytes() == b"new a"
        assert (folder / "b.xlsx").stat().st_mode & 0o777 == 0o666 & ~umask
        assert temps(folder) == []
    finally:
        shutil.rmtree(folder)
