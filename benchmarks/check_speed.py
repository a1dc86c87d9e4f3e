"""How long `check` takes on the demo workbook and on one ten times larger.

    python benchmarks/check_speed.py [--runs 5] [--factor 10]

The larger workbook is the demo institute repeated: every id gets a suffix per copy, so the
rules see ten times the organizations, submissions, meetings, grades and rectifications, and
the report analyzer reads ten times the .docx files. Prints medians; not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from annex_tools.contract import schema as S
from annex_tools.demo import make_demo
from annex_tools.usecases.check import check
from annex_tools.workbook.builder import new_workbook
from annex_tools.workbook.reader import read_workbook

TODAY = dt.date(2026, 11, 26)
ID_COLUMNS = {"组织编号", "上级组织编号", "主办组织编号", "会议编号", "述职编号", "整改编号"}


def scaled(master: Path, factor: int, out: Path) -> Path:
    """The demo's rows `factor` times, ids suffixed per copy (the 党委 stays one)."""
    import openpyxl

    wb = openpyxl.load_workbook(master)
    data: dict[str, list[dict]] = {}
    for sheet in S.DATA_SHEETS:
        ws = wb[sheet.name]
        headers = [c.value for c in ws[1]]
        rows = [
            dict(zip(headers, r, strict=False))
            for r in ws.iter_rows(min_row=2, values_only=True)
            if any(v is not None for v in r)
        ]
        copies = []
        for k in range(factor):
            for r in rows:
                if sheet is S.ORGS and r["组织类型"] == S.ORG_PARTY_COMMITTEE and k:
                    continue
                copy = dict(r)
                for col in ID_COLUMNS & set(copy):
                    if copy[col] and copy[col] != "P00":
                        copy[col] = f"{copy[col]}-{k}"
                copies.append(copy)
        data[sheet.key] = copies
    return new_workbook(out, data)


def timed(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--factor", type=int, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        demo = make_demo(Path(tmp) / "demo")
        big = scaled(demo.workbook, args.factor, Path(tmp) / "demo" / "master-x10.xlsx")
        print(
            f"{'workbook':<16}{'secretaries':>12}{'read (s)':>10}{'check (s)':>11}{'CLI total (s)':>15}"
        )
        for label, path in (("demo", demo.workbook), (f"demo x{args.factor}", big)):
            n = len(read_workbook(path).frames["subs"])
            read = timed(lambda p=path: read_workbook(p), args.runs)
            full = timed(lambda p=path: check(p, TODAY), args.runs)
            cli = timed(
                lambda p=path: subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "annex_tools",
                        "check",
                        str(p),
                        "--json",
                        "--as-of",
                        "2026-11-26",
                    ],
                    capture_output=True,
                ),
                max(1, args.runs // 2),
            )
            print(f"{label:<16}{n:>12}{read:>10.3f}{full:>11.3f}{cli:>15.3f}")


if __name__ == "__main__":
    main()
