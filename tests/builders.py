"""Small builders of master-workbook data: the valid institute in miniature (made by the one
generator, annex_tools.demo.valid), as plain dicts, and ways to check it."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annex_tools.contract import schema as S
from annex_tools.contract import settings as ST
from annex_tools.contract.findings import Finding
from annex_tools.demo import DemoResult, make_demo
from annex_tools.demo.valid import miniature
from annex_tools.usecases.check import check_workbook
from annex_tools.workbook.reader import workbook_from_rows

TODAY = dt.date(2024, 6, 1)
# the miniature institute's 党委 met in January, by the date it set (the default is empty)
SETTINGS = {ST.K_COMMITTEE_DEADLINE: "2024-01-20"}
D = dt.date


def valid() -> dict[str, list[dict[str, Any]]]:
    """The miniature institute, made anew (the one generator's `miniature`)."""
    return miniature()


def row_of(
    data: dict[str, list[dict[str, Any]]], key: str, column: str, value: str
) -> dict[str, Any]:
    return next(r for r in data[key] if r.get(column) == value)


def to_rows(
    data: dict[str, list[dict[str, Any]]], drop: dict[str, str] | None = None
) -> dict[str, list[list[Any]]]:
    """Sheets as rows (header first), the way the reader sees a file."""
    drop = drop or {}
    out: dict[str, list[list[Any]]] = {
        S.SETTINGS.name: [
            ["项目", "值", "说明"],
            *[[k, SETTINGS.get(k, v), ""] for k, v, _ in ST.SETTING_ROWS],
        ]
    }
    for sheet in S.DATA_SHEETS:
        if sheet.key not in data:
            continue
        headers = [h for h in sheet.headers if drop.get(sheet.key) != h]
        out[sheet.name] = [headers, *[[rec.get(h, "") for h in headers] for rec in data[sheet.key]]]
    return out


def check_data(
    data: dict[str, list[dict[str, Any]]],
    today: dt.date = TODAY,
    folder: Path | None = None,
    **kw: Any,
) -> list[Finding]:
    wb = workbook_from_rows(to_rows(data, **kw), path=(folder / "master.xlsx") if folder else None)
    return check_workbook(wb, today).findings


def places(findings: list[Finding]) -> set[tuple[str, str | None, int | None, str | None]]:
    return {f.place for f in findings}


def master_with_findings(path: Path, n: int) -> Path:
    """A master with exactly `n` errors, on every other row of 整改 (a 整改状态 that is not one of
    the list), so no two marked cells touch: the addresses cannot be merged into ranges, the
    worst case for the number of Excel calls of 全面校验."""
    from annex_tools.workbook.builder import new_workbook

    data = valid()
    template = data["rects"][0]
    for i in range(2 * n):
        rect = dict(template, 整改编号=f"X{i:05d}")
        if i % 2 == 0:
            rect.update({"整改状态": "差不多了", "整改时限": dt.date(2099, 12, 31)})
        data["rects"].append(rect)
    return new_workbook(path, data)


_DEMOS: dict[bool, DemoResult] = {}


def demo_copy(out_dir: Path, mistakes: bool = True) -> DemoResult:
    """`make_demo(out_dir, mistakes=mistakes)`, made once per test process and copied: the demo
    is the same every time (a fixed seed; its master names reports by relative path), and making
    it (50 reports and a master) took seconds that ~30 fixtures each paid. The copies get new
    modification times, as a newly made demo has."""
    import atexit
    import dataclasses
    import shutil
    import tempfile

    if mistakes not in _DEMOS:
        cache = Path(tempfile.mkdtemp(prefix="annex-demo-cache-"))
        atexit.register(shutil.rmtree, cache, True)
        _DEMOS[mistakes] = make_demo(cache / "demo", mistakes=mistakes)
    made = _DEMOS[mistakes]
    source = made.workbook.parent
    shutil.copytree(source, out_dir, copy_function=shutil.copy, dirs_exist_ok=True)
    return dataclasses.replace(
        made,
        workbook=out_dir / made.workbook.relative_to(source),
        reports_dir=out_dir / made.reports_dir.relative_to(source),
        planted=copy.deepcopy(made.planted),
        mailed=[out_dir / p.relative_to(source) for p in made.mailed],
    )


def small_disk(tmp_path: Path, size: str) -> Iterator[Path]:
    """A real file system of `size` (tmpfs, e.g. "400k") mounted under tmp_path, for full-disk
    tests; skips where it cannot be mounted (needs root). Use as a fixture body: `yield from`."""
    import subprocess

    import pytest

    mount = tmp_path / "disk"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
                          capture_output=True)  # fmt: skip
    if proc.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)
