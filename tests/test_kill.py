"""Kill `check --write` for real, at many moments of its run: the master is always either the old
file or the new one, never broken, and once it has changed its backup is there."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import time
from pathlib import Path

import openpyxl
import python_calamine
from builders import demo_copy
from cli_helpers import Started, annex, start

from annex_tools.workbook.safewrite import BACKUP_DIR


def run(master: Path) -> Started:
    """`check --write` started (forked from the test's CLI server, as every CLI call of the
    tests is: no second of imports before the work that can be killed)."""
    return start("check", master, "--write", "--today", "2026-11-26")


def test_killed_write_leaves_old_or_new_master(tmp_path: Path) -> None:
    made = demo_copy(tmp_path / "demo")
    pristine = made.workbook.read_bytes()
    assert annex("--help").returncode == 0  # the CLI server is up: `full` times the run alone
    t0 = time.perf_counter()
    proc = run(made.workbook)
    proc.wait(timeout=120)
    full = time.perf_counter() - t0
    made.workbook.write_bytes(pristine)
    shutil.rmtree(made.workbook.parent / BACKUP_DIR)

    outcomes = {"old": 0, "new": 0}
    for i in range(12):
        master = made.workbook
        master.write_bytes(pristine)
        backups = master.parent / BACKUP_DIR
        if backups.exists():
            shutil.rmtree(backups)
        proc = run(master)
        time.sleep(full * (0.35 + 0.6 * i / 11))  # reading and checking come first; writing last
        with contextlib.suppress(ProcessLookupError):  # it may have finished (and been reaped)
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        data = master.read_bytes()
        if data == pristine:
            outcomes["old"] += 1
            continue
        # a new master: complete, readable by two independent readers, and backed up
        wb = openpyxl.load_workbook(master)
        assert any(str(c.value).startswith("校验时间") for c in wb["校验结果"]["A"])
        python_calamine.CalamineWorkbook.from_path(str(master)).close()
        saved = list(backups.glob("master-*.xlsx"))
        assert len(saved) == 1 and saved[0].read_bytes() == pristine
        outcomes["new"] += 1
    print("kill outcomes", outcomes, f"full run {full:.1f} s")
    assert outcomes["old"] + outcomes["new"] == 12
