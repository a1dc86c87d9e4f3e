"""The benchmark runs at a tiny scale and writes its table: a smoke test, no timing asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_runs_at_tiny_scale(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--scales", "tiny", "--runs", "1",
         "--pdf-files", "1", "--json", str(out), "--data", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    whats = {r["what"] for r in results}
    assert {"check", "annex2", "check-cli", "report analysis/file", "PDF/A batch"} <= whats
    check = next(r for r in results if r["what"] == "check")
    assert check["ours_s"] > 0 and check["floor_s"] > 0 and check["peak_mb"] > 0
    assert "ratio" in proc.stdout


def test_generator_makes_a_valid_master(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import datetime as dt

    from make_data import generate

    from annex_tools.usecases.check import check

    path = generate("tiny", tmp_path, reports=2)
    result = check(path, dt.date(2026, 11, 26))
    assert len(result.workbook.frames["subs"]) == 15
    assert {f.code for f in result.findings} <= {"grade.linkage-excellent"}
