"""Speed against the fastest possible way to do the same work, measured in one run.

    python benchmarks/run.py [--scales institute,large,city] [--runs 3] [--json benchmarks/results.json]

| what                      | ours                                  | baseline (the floor)                              |
| ------------------------- | ------------------------------------- | ------------------------------------------------- |
| check                     | read + rules (reports excluded)       | python-calamine reading the same sheets' values   |
| report analysis (per file)| annex_tools.analysis.analyze_file       | unzip + lxml parse of word/document.xml           |
| Annex 2                   | writing the planned tables (XlsxWriter, styled, each saved atomically and verified) | raw XlsxWriter writing the same styled tables straight to their files |
| Annex 2, writer only      | the same with a plain file write instead of the atomic, verified save | the same floor       |
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


def op_annex2_render(path: str, out: str):  # type: ignore[no-untyped-def]
    """Our writer alone: each planned table rendered through cells.py as write_xlsx does, put in
    its file with a plain write (no temporary file, no flush to disk, no read-back)."""
    import io

    from annex_tools.documents.annex2 import render, table_filenames
    from annex_tools.usecases.documents import annex2_tables
    from annex_tools.workbook.cells import new_book

    tables = annex2_tables(Path(path))
    names = table_filenames(tables)

    def work() -> None:
        for table, name in zip(tables, names, strict=True):
            buffer = io.BytesIO()
            book = new_book(buffer)
            render(book, table)
            book.close()
            (Path(out) / name).write_bytes(buffer.getvalue())

    return work


def op_annex2_floor(path: str, out: str):  # type: ignore[no-untyped-def]
    """The same print-ready tables written the fastest way XlsxWriter can: in memory, the same
    formats, merges, heights, widths and page setup, straight to the final file with no temporary
    file, no flush to disk and no read-back (the tables are planned before the clock starts)."""
    import xlsxwriter

    from annex_tools.documents.annex2 import (
        HEADERS,
        WIDTHS,
        _formats,
        _lines,
        numbered,
        table_filenames,
    )
    from annex_tools.usecases.documents import annex2_tables

    tables = annex2_tables(Path(path))
    names = table_filenames(tables)

    def work() -> None:
        for table, name in zip(tables, names, strict=True):
            book = xlsxwriter.Workbook(str(Path(out) / name), {"in_memory": True})
            f = _formats(book)
            ws = book.add_worksheet("附件2")
            ws.write_string(0, 0, "附件2", f["label"])
            ws.merge_range(1, 0, 1, 5, table.title, f["title"])
            ws.set_row(1, 36)
            ws.merge_range(2, 0, 2, 2, f"填表部门：{table.org_name}", f["info"])
            ws.merge_range(2, 3, 2, 5, "填表人：", f["info"])
            ws.merge_range(3, 0, 3, 5, f"考核时间、地点：{table.time_place}", f["info"])
            ws.merge_range(4, 0, 4, 5, f"参会人员：{table.attendees}", f["info"])
            ws.set_row(4, 32)
            ws.write_row(5, 0, HEADERS, f["head"])
            ws.set_row(5, 32)
            r = 6
            for row in table.rows:
                ws.write_number(r, 0, row.seq, f["center"])
                ws.write_string(r, 1, row.branch, f["left"])
                ws.write_string(r, 2, f"{row.name}\n{row.mode}", f["center"])
                ws.write_string(r, 3, row.grade, f["center"])
                ws.write_string(r, 4, numbered(row.problems), f["left"])
                ws.write_string(r, 5, numbered(row.measures), f["left"])
                lines = max(2, _lines(row.problems, 22), _lines(row.measures, 25))
                ws.set_row(r, min(409, 15 * lines + 4))
                r += 1
            for note in table.notes:
                ws.write_string(r, 0, note, f["note"])
                r += 1
            for i, width in enumerate(WIDTHS):
                ws.set_column(i, i, width)
            ws.set_landscape()
            ws.set_paper(9)
            ws.fit_to_pages(1, 0)
            ws.repeat_rows(5)
            ws.center_horizontally()
            ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
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
        op_annex2_render,
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


def measure_pair(
    ours: tuple[str, tuple[str, ...]],
    floor: tuple[str, tuple[str, ...]],
    runs: int,
    before=None,  # type: ignore[no-untyped-def]
) -> tuple[dict[str, float], dict[str, float]]:
    """Two operations measured turn about, so a busy machine slows both alike."""
    a: list[tuple[float, int]] = []
    b: list[tuple[float, int]] = []
    for _ in range(runs):
        for (op, args), into in ((ours, a), (floor, b)):
            if before:
                before()
            into.append(child(op, *args))
    return tuple(  # type: ignore[return-value]
        {"seconds": statistics.median(s for s, _ in x), "peak_mb": max(m for _, m in x)}
        for x in (a, b)
    )


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
        out = data / "a2"

        def fresh(folder: Path = out) -> None:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)

        add(
            "annex2",
            scale,
            *measure_pair(
                ("annex2_write", (str(path), str(out))),
                ("annex2_floor", (str(path), str(out))),
                max(runs, 3),
                fresh,
            ),
        )
        add(
            "annex2 writer only",
            scale,
            *measure_pair(
                ("annex2_render", (str(path), str(out))),
                ("annex2_floor", (str(path), str(out))),
                max(runs, 3),
                fresh,
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
