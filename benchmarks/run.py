"""Speed against the fastest possible way to do the same work, measured in one run.

    python benchmarks/run.py [--scales institute,large,city] [--runs 3] [--json benchmarks/results.json]

| what                      | ours                                  | baseline (the floor)                              |
| ------------------------- | ------------------------------------- | ------------------------------------------------- |
| check                     | read + rules (reports excluded)       | python-calamine reading the same sheets' values   |
| report analysis (per file)| annex_tools.analysis.analyze_file       | unzip + lxml parse of word/document.xml           |
| Annex 2                   | writing the planned tables (XlsxWriter, styled, each saved atomically and verified) | XlsxWriter constant-memory writing the same cells, unstyled, no safety |
| Annex 2, whole command    | `make_annex2`: read, rules, plan, write (drafts) | —                                 |
| PDF/A (archive)           | one LibreOffice call for the batch    | one LibreOffice call per file                     |
| check, whole process      | `annex-tools check` incl. start-up    | —                                                 |

Each is the median of several runs; peak memory is the child process's maximum resident set,
each measurement running in a fresh process. Prints a table and writes it as JSON. Not a test.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_data import generate  # noqa: E402

TODAY = "2026-11-26"


# ---- operations, each run in a fresh child process ---------------------------------------------
# Each op imports and prepares what it needs, then returns the work to time.


def op_floor_read(path: str):  # type: ignore[no-untyped-def]
    import python_calamine

    from annex_tools.contract import schema as S

    def work() -> None:
        book = python_calamine.CalamineWorkbook.from_path(path)
        for sheet in S.ALL_SHEETS:
            book.get_sheet_by_name(sheet.name).to_python()

    return work


def op_check(path: str):  # type: ignore[no-untyped-def]
    import datetime as dt

    from annex_tools.usecases.check import check

    return lambda: check(path, dt.date.fromisoformat(TODAY))


def op_annex2(path: str, out: str):  # type: ignore[no-untyped-def]
    """The whole command: read the master, run the rules (the data has a few realistic errors, so
    the tables are drafts), plan and write every table."""
    from annex_tools.usecases.documents import make_annex2

    return lambda: make_annex2(Path(path), Path(out), draft=True, force=True)


def op_annex2_write(path: str, out: str):  # type: ignore[no-untyped-def]
    """Only the writing of the planned tables, each styled and saved atomically as the command
    does (the tables are planned before the clock starts, as for the floor)."""
    from annex_tools.documents.annex2 import table_filenames, write_xlsx
    from annex_tools.usecases.documents import annex2_tables

    tables = annex2_tables(Path(path))
    names = table_filenames(tables)

    def work() -> None:
        for table, name in zip(tables, names, strict=True):
            write_xlsx(table, Path(out) / name)

    return work


def op_annex2_floor(path: str, out: str):  # type: ignore[no-untyped-def]
    """The same tables' cells written with XlsxWriter in constant-memory mode, no styling
    (the tables are planned before the clock starts: only the writing is the floor)."""
    import xlsxwriter

    from annex_tools.documents.annex2 import HEADERS, numbered, table_filenames
    from annex_tools.usecases.documents import annex2_tables

    tables = annex2_tables(Path(path))
    names = table_filenames(tables)

    def work() -> None:
        for table, name in zip(tables, names, strict=True):
            book = xlsxwriter.Workbook(str(Path(out) / name), {"constant_memory": True})
            ws = book.add_worksheet("附件2")
            for r, text in enumerate(("附件2", table.title, f"填表部门：{table.org_name}",
                                      f"考核时间、地点：{table.time_place}", f"参会人员：{table.attendees}")):  # fmt: skip
                ws.write(r, 0, text)
            ws.write_row(5, 0, HEADERS)
            r = 6
            for row in table.rows:
                ws.write_row(
                    r,
                    0,
                    [
                        row.seq,
                        row.branch,
                        f"{row.name}\n{row.mode}",
                        row.grade,
                        numbered(row.problems),
                        numbered(row.measures),
                    ],
                )
                r += 1
            for note in table.notes:
                ws.write(r, 0, note)
                r += 1
            book.close()

    return work


def op_analyze(folder: str):  # type: ignore[no-untyped-def]
    from annex_tools.analysis import analyze_file

    files = sorted(Path(folder).glob("*.docx"))
    return lambda: [analyze_file(p) for p in files]


def op_analyze_floor(folder: str):  # type: ignore[no-untyped-def]
    import zipfile

    from lxml import etree

    files = sorted(Path(folder).glob("*.docx"))

    def work() -> None:
        for p in files:
            with zipfile.ZipFile(p) as zf:
                etree.fromstring(zf.read("word/document.xml"))

    return work


OPS = {
    f.__name__[3:]: f
    for f in (
        op_floor_read,
        op_check,
        op_annex2,
        op_annex2_write,
        op_annex2_floor,
        op_analyze,
        op_analyze_floor,
    )
}


def child(op: str, *args: str) -> tuple[float, int]:
    """Run one operation in a fresh process: (seconds of the work itself, peak RSS in MB)."""
    code = (
        f"import sys, time, resource; sys.path.insert(0, {str(HERE)!r}); import run as R; "
        f"work = R.OPS[{op!r}](*{args!r}); t = time.perf_counter(); work(); d = time.perf_counter() - t; "
        "print(d, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, rss = out.stdout.split()[-2:]
    return float(seconds), int(rss) // 1024


def measure(op: str, args: tuple[str, ...], runs: int, before=None) -> dict[str, float]:  # type: ignore[no-untyped-def]
    samples, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        s, m = child(op, *args)
        samples.append(s)
        peaks.append(m)
    return {"seconds": statistics.median(samples), "peak_mb": max(peaks)}


def pdf_batch(files: list[Path], out: Path, one_call: bool) -> float:
    office = shutil.which("soffice")
    assert office, "LibreOffice is needed for the PDF comparison"
    start = time.perf_counter()
    batches = [files] if one_call else [[f] for f in files]
    for batch in batches:
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                [office, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                 "--convert-to", 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}',
                 "--outdir", str(out), *map(str, batch)],
                capture_output=True, check=True, timeout=600,
            )  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="institute,large,city")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pdf-files", type=int, default=10)
    ap.add_argument("--json", type=Path, default=HERE / "results.json")
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "annex-bench")
    ap.add_argument("--only", default="check,annex2,analysis,pdf", help="which measurements")
    args = ap.parse_args()
    only = set(args.only.split(","))
    scales = [s for s in args.scales.split(",") if s]
    rows: list[dict[str, object]] = []

    def add(
        name: str,
        scale: str,
        ours: dict[str, float],
        floor: dict[str, float] | None,
        unit: str = "",
    ) -> None:
        ratio = ours["seconds"] / floor["seconds"] if floor else None
        rows.append({"what": name, "scale": scale, "ours_s": ours["seconds"], "floor_s": floor["seconds"] if floor else None,
                     "ratio": ratio, "peak_mb": ours["peak_mb"], "unit": unit})  # fmt: skip
        print(f"{name:<22}{scale:<11}{ours['seconds']:>10.4f}{(floor or {}).get('seconds', float('nan')):>10.4f}"
              f"{(ratio or float('nan')):>8.2f}{ours['peak_mb']:>9.0f}", flush=True)  # fmt: skip

    print(f"{'what':<22}{'scale':<11}{'ours s':>10}{'floor s':>10}{'ratio':>8}{'peak MB':>9}")
    for scale in scales:
        data = args.data / scale
        path = generate(scale, data)
        runs = 1 if scale == "city" and args.runs > 1 else args.runs
        if "check" in only:
            add(
                "check",
                scale,
                measure("check", (str(path),), runs),
                measure("floor_read", (str(path),), runs),
            )
        if "annex2" not in only:
            continue
        out, floor_out = data / "a2", data / "a2-floor"

        def fresh(folder: Path = out) -> None:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)

        add(
            "annex2",
            scale,
            measure("annex2_write", (str(path), str(out)), runs, fresh),
            measure(
                "annex2_floor", (str(path), str(floor_out)), runs, lambda f=floor_out: fresh(f)
            ),
        )
        add("annex2 command", scale, measure("annex2", (str(path), str(out)), runs, fresh), None)
        if "check" not in only:
            continue
        samples = []
        for _ in range(max(3, runs)):
            t = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "annex_tools",
                    "check",
                    str(path),
                    "--json",
                    "--today",
                    TODAY,
                ],
                capture_output=True,
            )
            samples.append(time.perf_counter() - t)
        rows.append({"what": "check-cli", "scale": scale, "ours_s": statistics.median(samples)})
        print(
            f"{'check (whole process)':<22}{scale:<11}{statistics.median(samples):>10.4f}",
            flush=True,
        )
    reports = args.data / (scales[0] if scales else "tiny") / "reports"
    n = len(list(reports.glob("*.docx")))
    if "analysis" in only:
        ours, floor = (
            measure("analyze", (str(reports),), args.runs),
            measure("analyze_floor", (str(reports),), args.runs),
        )
        add(
            "report analysis/file",
            f"{n} files",
            {"seconds": ours["seconds"] / n, "peak_mb": ours["peak_mb"]},
            {"seconds": floor["seconds"] / n, "peak_mb": 0},
        )
    if "pdf" in only and shutil.which("soffice") and args.pdf_files:
        files = sorted(reports.glob("*.docx"))[: args.pdf_files]
        with tempfile.TemporaryDirectory() as tmp:
            batch = pdf_batch(files, Path(tmp), True)
            single = pdf_batch(files, Path(tmp), False)
        add(
            "PDF/A batch",
            f"{len(files)} files",
            {"seconds": batch, "peak_mb": 0},
            {"seconds": single, "peak_mb": 0},
        )
    args.json.write_text(
        json.dumps({"machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count(), "platform": platform.platform()},
                    "results": rows}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )  # fmt: skip
    print(f"written: {args.json}")


if __name__ == "__main__":
    main()
