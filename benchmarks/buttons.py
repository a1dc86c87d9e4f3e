"""What a ribbon click costs before and around the work: Excel calls and the cold import.

    python benchmarks/buttons.py [--findings 10,100,1000] [--runs 5] [--json benchmarks/buttons.json]

Excel calls: one 全面校验 click (and a second one, which also takes the first one's marks off)
on a master with exactly N errors, every other row of 整改 (cells that cannot be merged into
ranges: the worst case), counted by the recording stand-in of xlwings (tests/fake_xlwings.py),
which counts each round trip to Excel that real xlwings would make. Notes cost one call each
plus one to reach the cell and are capped by the 校验批注上限 setting (default 100).

Cold import: `python -X importtime -c "import annex_tools.excel"` in a fresh process, the
cumulative time of the module (what a click pays before any work starts), next to xlwings'
own import, median of --runs. Prints a table and writes JSON. Not a test.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from builders import master_with_findings  # noqa: E402
from fake_xlwings import App, Book  # noqa: E402

from annex_tools import excel  # noqa: E402


def check_calls(n: int, folder: Path) -> dict[str, int]:
    path = master_with_findings(folder / f"master-{n}.xlsx", n)
    book = Book(path, App())
    excel.adapter.calling_book = lambda: book  # type: ignore[assignment]  # the stand-in is the calling book
    excel.run_check()
    first = book.app.calls.by_kind()
    first_total = len(book.app.calls)
    book.app.calls.reset()
    excel.run_check()
    second_total = len(book.app.calls)
    book.app.calls.reset()
    excel.clear_marks()
    clear_total = len(book.app.calls)
    sheets = len(book.xl.sheetnames)
    notes = first["range.api.AddComment"]
    return {
        "findings": n,
        "sheets": sheets,
        "calls_first_click": first_total,
        "notes": notes,
        "calls_without_notes": first_total - 2 * notes,
        "per_sheet_without_notes": round((first_total - 2 * notes) / sheets, 1),
        "colour_calls": first["range.color="],
        "calls_second_click": second_total,
        "calls_clear_marks": clear_total,
    }


def import_ms(runs: int) -> dict[str, float]:
    """Median cumulative import times (ms) in one fresh process each: annex_tools.excel, and
    within it xlwings (with what xlwings imports: pandas, numpy, matplotlib when installed)."""
    samples: dict[str, list[float]] = {"annex_tools.excel": [], "xlwings": []}
    for _ in range(runs):
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import annex_tools.excel"],
            capture_output=True,
            text=True,
            check=True,
        )
        for line in proc.stderr.splitlines():
            parts = line.split("|")
            if len(parts) == 3 and parts[2].strip() in samples:  # each module is listed once
                samples[parts[2].strip()].append(int(parts[1]) / 1000)
    return {name: round(statistics.median(v), 1) for name, v in samples.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--findings", default="10,100,1000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", type=Path, default=HERE / "buttons.json")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.findings.split(",")):
            rows.append(check_calls(n, Path(tmp)))
    print(
        f"{'findings':>9}{'sheets':>7}{'calls':>7}{'notes':>7}{'w/o notes':>10}"
        f"{'per sheet':>10}{'2nd click':>10}{'clear':>7}"
    )
    for r in rows:
        print(
            f"{r['findings']:>9}{r['sheets']:>7}{r['calls_first_click']:>7}{r['notes']:>7}"
            f"{r['calls_without_notes']:>10}{r['per_sheet_without_notes']:>10}"
            f"{r['calls_second_click']:>10}{r['calls_clear_marks']:>7}"
        )
    ms = import_ms(args.runs)
    imports = {
        "annex_tools.excel_ms": ms["annex_tools.excel"],
        "of_which_xlwings_ms": ms["xlwings"],
        "annex_tools_own_ms": round(ms["annex_tools.excel"] - ms["xlwings"], 1),
    }
    print(
        f"cold import of annex_tools.excel: {imports['annex_tools.excel_ms']:.0f} ms, of which "
        f"xlwings {imports['of_which_xlwings_ms']:.0f} ms (median of {args.runs} fresh processes)"
    )
    args.json.write_text(
        json.dumps(
            {
                "machine": {"python": platform.python_version(), "platform": platform.platform()},
                "check_clicks": rows,
                "cold_import": imports,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"written: {args.json}")


if __name__ == "__main__":
    main()
