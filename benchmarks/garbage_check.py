"""`check` on a big broken master: N rows of garbage in every data sheet (issue 22, case 5).

    python benchmarks/garbage_check.py --rows 10000 [--out DIR]

Builds a blank master (`annex-tools new`), fills 组织, 述职, 评议, 会议 and 整改 with `--rows`
rows of random text, numbers, dates and blanks under the real headers (seeded, so every run
builds the same file), then runs the real CLI, `check` with its terminal table and `check
--json`, each in a child process, and prints wall time, peak resident memory of the child
(ru_maxrss) and the number of findings. A speed measurement, not a test: numbers on a shared
machine are noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

SHEETS = ("组织", "述职", "评议", "会议", "整改")
WORDS = ("好", "较好", "一般", "差", "优秀", "合格", "G01", "S001", "党支部", "=1+1", "", "x" * 300)


def garbage(rnd: random.Random) -> object:
    kind = rnd.randrange(6)
    if kind == 0:
        return None
    if kind == 1:
        return rnd.choice(WORDS)
    if kind == 2:
        return rnd.randrange(-5, 100000)
    if kind == 3:
        return dt.datetime(2023, 1, 1) + dt.timedelta(days=rnd.randrange(-4000, 4000))
    if kind == 4:
        return "".join(chr(rnd.randrange(0x4E00, 0x9FA5)) for _ in range(rnd.randrange(1, 40)))
    return f"T{rnd.randrange(100000)}"


def build(folder: Path, rows: int) -> Path:
    master = folder / "garbage.xlsx"
    subprocess.run([sys.executable, "-m", "annex_tools", "new", str(master)], check=True)
    wb = openpyxl.load_workbook(master)
    rnd = random.Random(22)
    for name in SHEETS:
        ws = wb[name]
        width = sum(1 for c in ws[1] if c.value)
        for r in range(2, rows + 2):
            for c in range(1, width + 1):
                ws.cell(row=r, column=c, value=garbage(rnd))
    wb.save(master)
    return master


def measure(*args: str) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS in MB of the child, exit code and the last line of output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "annex_tools", *args],
        capture_output=True, text=True, encoding="utf-8",
        env=dict(os.environ, PYTHONIOENCODING="utf-8"),
    )  # fmt: skip
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    tail = (proc.stdout.strip().splitlines() or [""])[-1][:120]
    if args[-1] == "--json":
        tail = f"{len(json.loads(proc.stdout)['findings'])} findings"
    return wall, max(peak, before) / 1024, proc.returncode, tail


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10000)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    folder = args.out or Path(tempfile.mkdtemp(prefix="garbage-"))
    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    master = build(folder, args.rows)
    print(
        f"built {master} ({args.rows} rows x {len(SHEETS)} sheets) in {time.perf_counter() - t:.0f} s"
    )
    # ru_maxrss of children is the largest child so far: the table run goes first, alone
    for label, extra in (("check (terminal table)", ()), ("check --json", ("--json",))):
        wall, peak, code, tail = measure("check", str(master), "--as-of", "2024-03-01", *extra)
        print(
            f"{label}: {wall:.1f} s, peak RSS {peak:.0f} MB (largest child so far), exit {code}, {tail}"
        )


if __name__ == "__main__":
    main()
