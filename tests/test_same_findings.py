"""The speed work (issue 25) changes how the rules compute, never what they find: the demo's
findings and the benchmark city's, at fixed dates, are those recorded from main before it began
(tests/fixtures/findings_before.json: the (code, sheet, row, column) of every finding).

A rule changed on purpose changes these too: re-record with
    .venv/bin/python tests/test_same_findings.py --record
and say in the commit which findings changed and why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import pytest
from builders import demo_copy

from annex_tools.contract.findings import Finding
from annex_tools.demo import make_demo
from annex_tools.usecases.check import check, check_workbook
from annex_tools.workbook.reader import Workbook, workbook_from_rows

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "findings_before.json"
DAYS = ("2024-01-10", "2024-03-01", "2026-11-26")  # before the meetings, after, the benchmark's
CITY_DAYS = ("2024-01-10", "2026-11-26")  # 113,820 findings, then the benchmark's 6
LISTED = 300  # cases with more findings are kept as a digest and counts by code

Place = list[object]


def places(findings: list[Finding]) -> list[Place]:
    return sorted([f.code, f.sheet or "", f.row or 0, f.column or ""] for f in findings)


def entry(found: list[Place]) -> dict[str, object]:
    digest = hashlib.sha256(json.dumps(found, ensure_ascii=False).encode()).hexdigest()
    out: dict[str, object] = {"count": len(found), "sha256": digest}
    if len(found) <= LISTED:
        out["places"] = found
    else:
        out["by_code"] = dict(sorted(Counter(f"{p[0]} {p[1]} {p[3]}" for p in found).items()))
    return out


def city() -> Workbook:
    """The benchmark's city (benchmarks/make_data.py, seed 7), read from its rows in memory:
    the same frames as from the file, without writing 90,000 rows to an .xlsx first."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from make_data import sheets

    return workbook_from_rows(sheets("city"))


def recorded(case: str) -> dict[str, object]:
    cases: dict[str, dict[str, object]] = json.loads(FIXTURE.read_text(encoding="utf-8"))["cases"]
    return cases[case]


def same(case: str, found: list[Place]) -> None:
    want, got = recorded(case), entry(found)
    if "places" in want:
        lost = [p for p in want["places"] if p not in found]  # type: ignore[union-attr]
        new = [p for p in found if p not in want["places"]]  # type: ignore[operator]
        assert (lost, new) == ([], []), f"{case}: findings lost {lost[:10]}, new {new[:10]}"
    else:
        assert got.get("by_code") == want["by_code"], case
    assert (got["count"], got["sha256"]) == (want["count"], want["sha256"]), case


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("demos")
    return {
        "demo": demo_copy(root / "demo").workbook,
        "demo-clean": demo_copy(root / "clean", mistakes=False).workbook,
    }


@pytest.mark.parametrize("name", ["demo", "demo-clean"])
def test_the_demo_finds_what_it_found_before(demos: dict[str, Path], name: str) -> None:
    for day in DAYS:
        same(f"{name}@{day}", places(check(demos[name], dt.date.fromisoformat(day)).findings))


def test_the_benchmark_city_finds_what_it_found_before() -> None:
    wb = city()
    assert len(wb.frames["subs"]) == 29_997  # 2,727 二级党组织 and 27,270 branches
    for day in CITY_DAYS:
        same(f"city@{day}", places(check_workbook(wb, dt.date.fromisoformat(day)).findings))


def record() -> None:
    """Write the fixture from this checkout (only when a rule changed on purpose)."""
    import tempfile

    cases: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, mistakes in (("demo", True), ("demo-clean", False)):
            master = make_demo(Path(tmp) / name, mistakes=mistakes).workbook
            for day in DAYS:
                found = check(master, dt.date.fromisoformat(day)).findings
                cases[f"{name}@{day}"] = entry(places(found))
    wb = city()
    for day in CITY_DAYS:
        cases[f"city@{day}"] = entry(
            places(check_workbook(wb, dt.date.fromisoformat(day)).findings)
        )
    note = "(code, sheet, row, column) of every finding, sorted; see tests/test_same_findings.py"
    text = json.dumps({"recorded": note, "cases": cases}, ensure_ascii=False, indent=0)
    FIXTURE.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__" and "--record" in sys.argv:
    record()
