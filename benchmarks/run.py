"""Speed against the fastest possible way to do the same work, measured in one run.

    python benchmarks/run.py [--scales institute,large,city] [--runs 3] [--json benchmarks/results.json]

| what                      | ours                                  | baseline (the floor)                              |
| ------------------------- | ------------------------------------- | ------------------------------------------------- |
| check                     | read + rules (reports excluded)       | python-calamine reading the same sheets' values   |
| check/floor 2 threads     | the same                              | the same, read by two threads (a book each)       |
| report analysis (per file)| annex_tools.analysis.analyze_file       | unzip + lxml parse of word/document.xml           |
| Annex 2                   | writing the planned tables (XlsxWriter, styled, each saved atomically and verified) | raw XlsxWriter writing the same styled tables straight to their files |
| Annex 2, writer only      | the same with a plain file write instead of the atomic, verified save | the same floor       |
| Annex 2, whole command    | `make_annex2`: read, rules, plan, write (drafts) | —                                 |
| PDF/A (archive)           | one LibreOffice call for the batch    | one LibreOffice call per file                     |
| check, whole process      | `annex-tools check` incl. start-up    | —                                                 |

Each ratio divides by the floor measured in the same run, the two run turn about (ours, floor,
ours, floor ...) so a busy machine slows both alike. The CPU seconds of the work (and their ratio)
are printed too: on a machine shared with other work they vary far less than wall seconds. Each row gives the median and the minimum of
its runs; peak memory is the child process's maximum resident set, each measurement running in a
fresh process. Also measured: `annex-tools --help` and `annex-tools check` as whole processes
(start-up included, with their peak memory; annex_tools byte-compiled first, as pip installs it), and `check` stage by stage and rule by rule (the
slowest ten rules at each scale). The load average is printed before and after: on a shared
machine compare ratios, not seconds. Prints tables and writes them as JSON. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
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


def op_floor_read_threads(path: str, threads: str = "2"):  # type: ignore[no-untyped-def]
    """The same sheets read by `threads` threads, each with its own book (a python-calamine book
    serves one thread at a time; it parses without the GIL), each taking the biggest sheet left:
    how much of ours against the sequential floor is the second core."""
    import queue
    import threading
    import zipfile

    import python_calamine

    from annex_tools.contract import schema as S
    from annex_tools.workbook.reader import sheet_parts

    def work() -> None:
        with zipfile.ZipFile(path) as zf:
            sizes = {name: zf.getinfo(part).file_size for part, name in sheet_parts(zf).items()}
        todo: queue.SimpleQueue[str] = queue.SimpleQueue()
        for name in sorted((s.name for s in S.ALL_SHEETS), key=lambda n: -sizes.get(n, 0)):
            todo.put(name)

        def reader() -> None:
            book = python_calamine.CalamineWorkbook.from_path(path)
            while True:
                try:
                    name = todo.get_nowait()
                except queue.Empty:
                    return
                book.get_sheet_by_name(name).to_python()

        pool = [threading.Thread(target=reader) for _ in range(int(threads))]
        for t in pool:
            t.start()
        for t in pool:
            t.join()

    return work


def op_check(path: str):  # type: ignore[no-untyped-def]
    import datetime as dt

    from annex_tools.usecases.check import check

    return lambda: check(path, dt.date.fromisoformat(TODAY))


def op_check_stages(path: str):  # type: ignore[no-untyped-def]
    """`check` stage by stage (read, joins and schedule, report facts, rules) and rule by rule;
    the work prints its seconds as JSON on a line of its own."""
    import datetime as dt
    import json as js
    from functools import partial

    import pandas as pd

    from annex_tools.analysis import analyze_file
    from annex_tools.rules import RULES, Context
    from annex_tools.rules.base import applies
    from annex_tools.usecases.check import report_facts
    from annex_tools.workbook.reader import read_workbook

    today = dt.date.fromisoformat(TODAY)

    def work() -> None:
        t0 = time.perf_counter()
        wb = read_workbook(path)
        t1 = time.perf_counter()
        ctx = Context(wb, today, reports=pd.DataFrame())
        t2 = time.perf_counter()
        analyze = partial(analyze_file, mandatory=wb.settings.mandatory_keys)
        ctx.reports, _ = report_facts(ctx.subs, wb.folder, analyze)
        t3 = time.perf_counter()
        rules: dict[str, float] = {}
        for r in RULES:
            if applies(ctx, r):
                start = time.perf_counter()
                r.fn(ctx)
                key = f"{r.code} ({r.fn.__name__})"
                rules[key] = rules.get(key, 0.0) + time.perf_counter() - start
        t4 = time.perf_counter()
        stages = {"read": t1 - t0, "context": t2 - t1, "report facts": t3 - t2, "rules": t4 - t3}
        print("STAGES " + js.dumps({"stages": stages, "rules": rules}, ensure_ascii=False))

    return work


def op_annex2(path: str, out: str):  # type: ignore[no-untyped-def]
    """The whole command: read the master, run the rules (the data has a few realistic errors, so
    the tables are drafts), plan and write every table."""
    from annex_tools.usecases.documents import make_annex2

    return lambda: make_annex2(Path(path), Path(out), draft=True, force=True)


def op_annex2_write(path: str, out: str):  # type: ignore[no-untyped-def]
    """Only the writing of the planned tables, each styled and saved as the command saves them
    (the output folder's checks and record, every file atomic and read back, all flushed to disk
    together; the tables are planned before the clock starts, as for the floor)."""
    from functools import partial

    from annex_tools.documents.annex2 import table_filenames, xlsx_bytes
    from annex_tools.usecases.documents import annex2_tables
    from annex_tools.usecases.outputs import Outputs

    tables = annex2_tables(Path(path))
    names = table_filenames(tables)

    def work() -> None:
        done = Outputs(Path(out), force=True)
        with done.batch():
            for table, name in zip(tables, names, strict=True):
                done.put(Path(out) / name, partial(xlsx_bytes, table))
        done.save()

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
    file, no flush to disk and no read-back (the tables are planned before the clock starts). The
    same cells as ours, text for text (a vacant branch's name without an empty second line)."""
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
                ws.write_string(r, 2, "\n".join(x for x in (row.name, row.mode) if x), f["center"])
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
        op_floor_read_threads,
        op_check,
        op_check_stages,
        op_annex2,
        op_annex2_write,
        op_annex2_render,
        op_annex2_floor,
        op_analyze,
        op_analyze_floor,
    )
}


def child(op: str, *args: str, lines: list[str] | None = None) -> tuple[float, int, float]:
    """Run one operation in a fresh process: (seconds of the work itself, peak RSS in MB, CPU
    seconds of the work). The lines the work printed go into `lines`."""
    code = (
        f"import sys, time, resource; sys.path.insert(0, {str(HERE)!r}); import run as R; "
        f"work = R.OPS[{op!r}](*{args!r}); c = time.process_time(); t = time.perf_counter(); work(); "
        "d = time.perf_counter() - t; c = time.process_time() - c; "
        "print(d, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, c)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    printed = out.stdout.strip().splitlines()
    if lines is not None:
        lines += printed[:-1]
    seconds, rss, cpu = printed[-1].split()
    return float(seconds), int(rss) // 1024, float(cpu)


def summary(samples: list[float], peaks: list[int], cpus: list[float]) -> dict[str, float]:
    return {
        "seconds": statistics.median(samples),
        "min_s": min(samples),
        "runs": len(samples),
        "peak_mb": max(peaks),
        "cpu_s": statistics.median(cpus),
        "cpu_min_s": min(cpus),
    }


def measure(op: str, args: tuple[str, ...], runs: int, before=None) -> dict[str, float]:  # type: ignore[no-untyped-def]
    samples, peaks, cpus = [], [], []
    for _ in range(runs):
        if before:
            before()
        s, m, c = child(op, *args)
        samples.append(s)
        peaks.append(m)
        cpus.append(c)
    return summary(samples, peaks, cpus)


def process(argv: list[str], runs: int) -> dict[str, float]:
    """A whole command as the user runs it, start-up included: wall seconds (median and
    minimum) and the peak resident memory of that process alone. GNU time starts it when
    installed (a process forked from this one would count this one's memory in its peak)."""
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    samples, peaks, cpus = [], [], []
    for _ in range(runs):
        with tempfile.NamedTemporaryFile("r", suffix=".txt") as report:
            wrapped = [gnu_time, "-f", "%M", "-o", report.name, *argv] if gnu_time else argv
            start = time.perf_counter()
            proc = subprocess.Popen(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, _, usage = os.wait4(proc.pid, 0)
            samples.append(time.perf_counter() - start)
            cpus.append(usage.ru_utime + usage.ru_stime)  # GNU time's, its child's included
            proc.returncode = 0  # reaped above
            kb = int(report.read().split()[-1]) if gnu_time else usage.ru_maxrss
        peaks.append(kb // 1024)
    return summary(samples, peaks, cpus)


def compile_bytecode() -> None:
    """annex_tools compiled to bytecode, as an installed annex-tools is (pip compiles what it
    installs): an editable install run with PYTHONDONTWRITEBYTECODE=1 (as on this machine) would
    compile its ~40 modules on every start, 0.05-0.1 s of CPU in each whole-process row that no
    user's install spends. Stale bytecode is never used: Python checks each source's mtime."""
    import compileall

    import annex_tools

    compileall.compile_dir(str(Path(annex_tools.__file__).parent), quiet=1)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def measure_pair(
    ours: tuple[str, tuple[str, ...]],
    floor: tuple[str, tuple[str, ...]],
    runs: int,
    before=None,  # type: ignore[no-untyped-def]
) -> tuple[dict[str, float], dict[str, float]]:
    """Two operations measured turn about, so a busy machine slows both alike."""
    a, b = measure_turns([ours, floor], runs, before)
    return a, b


def measure_turns(
    ops: list[tuple[str, tuple[str, ...]]],
    runs: int,
    before=None,  # type: ignore[no-untyped-def]
) -> list[dict[str, float]]:
    """Operations measured turn about (one run of each, then again), so a busy machine slows
    all alike."""
    samples: list[list[tuple[float, int, float]]] = [[] for _ in ops]
    for _ in range(runs):
        for (op, args), into in zip(ops, samples, strict=True):
            if before:
                before()
            into.append(child(op, *args))
    return [
        summary([s for s, _, _ in x], [m for _, m, _ in x], [c for _, _, c in x]) for x in samples
    ]


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
    ap.add_argument("--city-runs", type=int, default=3, help="runs at city scale (each ~10 s)")
    ap.add_argument("--pdf-files", type=int, default=10)
    ap.add_argument("--json", type=Path, default=HERE / "results.json")
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "annex-bench")
    ap.add_argument(
        "--only", default="startup,check,rules,annex2,analysis,pdf", help="which measurements"
    )
    args = ap.parse_args()
    only = set(args.only.split(","))
    scales = [s for s in args.scales.split(",") if s]
    rows: list[dict[str, object]] = []
    stages: dict[str, object] = {}
    loads = [load()]
    print(f"{platform.python_version()}, {loads[0]}")
    compile_bytecode()
    print("annex_tools compiled to bytecode first, as an installed annex-tools is")

    def add(
        name: str,
        scale: str,
        ours: dict[str, float],
        floor: dict[str, float] | None,
        unit: str = "",
    ) -> None:
        ratio = ours["seconds"] / floor["seconds"] if floor else None
        ratio_min = ours["min_s"] / floor["min_s"] if floor else None
        cpu, floor_cpu = ours.get("cpu_s"), (floor or {}).get("cpu_s")
        cpu_ratio = cpu / floor_cpu if cpu is not None and floor_cpu else None
        rows.append({"what": name, "scale": scale, "ours_s": ours["seconds"], "ours_min_s": ours["min_s"],
                     "floor_s": floor["seconds"] if floor else None, "floor_min_s": floor["min_s"] if floor else None,
                     "ratio": ratio, "ratio_of_min": ratio_min, "runs": ours["runs"],
                     "peak_mb": ours["peak_mb"], "unit": unit, "cpu_s": cpu,
                     "cpu_min_s": ours.get("cpu_min_s"), "floor_cpu_s": floor_cpu,
                     "cpu_ratio": cpu_ratio})  # fmt: skip
        nan = float("nan")
        f = floor or {}
        print(f"{name:<22}{scale:<11}{ours['seconds']:>9.4f}{ours['min_s']:>9.4f}{f.get('seconds', nan):>9.4f}"
              f"{f.get('min_s', nan):>9.4f}{(ratio or nan):>7.2f}{(ratio_min or nan):>7.2f}"
              f"{int(ours['runs']):>5}{ours['peak_mb']:>9.0f}{(cpu if cpu is not None else nan):>9.4f}"
              f"{(cpu_ratio or nan):>7.2f}", flush=True)  # fmt: skip

    print(f"{'what':<22}{'scale':<11}{'ours':>9}{'min':>9}{'floor':>9}{'min':>9}{'ratio':>7}"
          f"{'(min)':>7}{'runs':>5}{'peak MB':>9}{'cpu':>9}{'ratio':>7}")  # fmt: skip
    print(
        f"{'':<33}{'median s':>9}{'s':>9}{'median s':>9}{'s':>9}{'':>28}{'median s':>9}{'(cpu)':>7}"
    )
    if "startup" in only:
        cli = [sys.executable, "-m", "annex_tools"]
        add("annex-tools --help", "-", process([*cli, "--help"], max(5, args.runs)), None)
        add("python alone", "-", process([sys.executable, "-c", "pass"], max(5, args.runs)), None)
    for scale in scales:
        data = args.data / scale
        path = generate(scale, data)
        runs = args.city_runs if scale == "city" else args.runs
        if "check" in only:
            ours, floor, floor2 = measure_turns(
                [
                    ("check", (str(path),)),
                    ("floor_read", (str(path),)),
                    ("floor_read_threads", (str(path), "2")),
                ],
                runs,
            )
            add("check", scale, ours, floor)
            # the same sheets read by two threads: how much of ours is the second core
            add("check/floor 2 threads", scale, ours, floor2)
            argv = [
                sys.executable,
                "-m",
                "annex_tools",
                "check",
                str(path),
                "--json",
                "--as-of",
                TODAY,
            ]
            add("check-cli", scale, process(argv, max(3, runs)), None)  # the whole process
        if "rules" in only:
            lines: list[str] = []
            child("check_stages", str(path), lines=lines)
            found = json.loads(next(x for x in lines if x.startswith("STAGES "))[7:])
            stages[scale] = found
            print(
                f"  check by stage at {scale}: "
                + ", ".join(f"{k} {v:.3f} s" for k, v in found["stages"].items())
            )
            slowest = sorted(found["rules"].items(), key=lambda kv: -kv[1])[:10]
            print(
                f"  slowest ten rules at {scale} (of {len(found['rules'])}, {sum(found['rules'].values()):.3f} s in all):"
            )
            for name, seconds in slowest:
                print(f"    {seconds:>8.4f} s  {name}")
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
    reports = args.data / (scales[0] if scales else "tiny") / "reports"
    if not reports.is_dir():
        generate("tiny", args.data / "tiny")
        reports = args.data / "tiny" / "reports"
    n = len(list(reports.glob("*.docx")))
    if "analysis" in only:
        ours, floor = measure_pair(
            ("analyze", (str(reports),)), ("analyze_floor", (str(reports),)), args.runs
        )
        per_file = {
            k: (v / n if k in ("seconds", "min_s", "cpu_s", "cpu_min_s") else v)
            for k, v in ours.items()
        }
        floor_per_file = {
            k: (v / n if k in ("seconds", "min_s", "cpu_s", "cpu_min_s") else v)
            for k, v in floor.items()
        }
        add("report analysis/file", f"{n} files", per_file, floor_per_file)
    if "pdf" in only and shutil.which("soffice") and args.pdf_files:
        files = sorted(reports.glob("*.docx"))[: args.pdf_files]
        with tempfile.TemporaryDirectory() as tmp:
            batch = pdf_batch(files, Path(tmp), True)
            single = pdf_batch(files, Path(tmp), False)
        add(
            "PDF/A batch",
            f"{len(files)} files",
            {"seconds": batch, "min_s": batch, "runs": 1, "peak_mb": 0},
            {"seconds": single, "min_s": single, "runs": 1, "peak_mb": 0},
        )
    loads.append(load())
    print(f"after: {loads[-1]}")
    args.json.write_text(
        json.dumps({"machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                                "load": loads, "date": time.strftime("%Y-%m-%d %H:%M %Z")},
                    "results": rows, "check_stages": stages}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )  # fmt: skip
    print(f"written: {args.json}")


if __name__ == "__main__":
    main()
