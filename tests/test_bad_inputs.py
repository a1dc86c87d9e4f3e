"""Every command that reads files, against the bad-input corpus: a clear Chinese message naming
the file (exit 2) or findings, within a time and memory bound, no traceback, nothing half-written,
the master unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import annex
from corpus import ODD, UNREADABLE

TIME_LIMIT_S = 60
MEMORY_LIMIT = 3 * 1024**3  # address space of the child process


def run(*args: object) -> tuple[subprocess.CompletedProcess[str], float]:
    """The CLI in a child process whose address space is limited (cli_helpers.annex)."""
    start = time.perf_counter()
    proc = annex(*map(str, args), timeout=TIME_LIMIT_S, rlimit_as=MEMORY_LIMIT)
    return proc, time.perf_counter() - start


def commands(workbook: Path, out: Path) -> dict[str, list[object]]:
    return {
        "check": ["check", workbook, "--json", "--as-of", "2024-06-01"],
        "check-write": ["check", workbook, "--write", "--as-of", "2024-06-01"],
        "templates": ["templates", workbook, "--out", out / "t"],
        "annex2": ["annex2", workbook, "--out", out / "a2"],
        "summary": ["summary", workbook, "--out", out / "s.docx"],
        "feedback": ["feedback", workbook, "--out", out / "fb"],
        "import-reports": ["import-reports", workbook],
        "archive": ["archive", workbook, "--out", out / "arch", "--no-pdf"],
        "rectifications": [
            "rectifications",
            workbook,
            "--as-of",
            "2024-06-01",
            "--out",
            out / "z.xlsx",
        ],
        "hr-export": ["hr-export", workbook, "--out", out / "hr.xlsx"],
        "new-from": ["new", out / "next.xlsx", "--from", workbook],
    }


COMMANDS = list(commands(Path("x"), Path("y")))


def leftovers(folder: Path) -> list[Path]:
    return [
        p
        for p in folder.rglob("*")
        if p.name.startswith((".annex-", ".staging-", ".build-")) or p.suffix == ".zip-tmp"
    ]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("corpus")
    made = {name: make(d) for name, (make, _) in UNREADABLE.items()}
    made |= {name: make(d) for name, make in ODD.items()}
    return made


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", list(UNREADABLE))
def test_unreadable_workbook(
    corpus: dict[str, Path], tmp_path: Path, case: str, command: str
) -> None:
    path = corpus[case]
    before = path.read_bytes()
    proc, seconds = run(*commands(path, tmp_path)[command])
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert path.name in proc.stderr and UNREADABLE[case][1] in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == [] and leftovers(path.parent) == []
    assert seconds < TIME_LIMIT_S


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", list(ODD))
def test_odd_workbook(corpus: dict[str, Path], tmp_path: Path, case: str, command: str) -> None:
    import shutil

    path = tmp_path / corpus[case].name
    shutil.copy(corpus[case], path)
    if (corpus[case].parent / "reports").exists():
        shutil.copytree(corpus[case].parent / "reports", tmp_path / "reports", dirs_exist_ok=True)
    before = path.read_bytes()
    proc, _ = run(*commands(path, tmp_path / "out")[command])
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode in (0, 1, 2), proc.stderr
    if proc.returncode == 2:  # refused: says why, names the file, changes nothing
        assert path.name in proc.stderr and proc.stderr.strip()
        assert path.read_bytes() == before
    if command != "check-write" and command != "import-reports":
        assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_odd_workbooks_give_the_expected_findings(corpus: dict[str, Path]) -> None:
    import json

    def places(case: str) -> set[tuple]:
        proc, _ = run("check", corpus[case], "--json", "--as-of", "2024-06-01")
        return {
            (f["code"], f["sheet"], f["row"], f["column"])
            for f in json.loads(proc.stdout)["findings"]
        }

    assert places("fullwidth-headers") == set()
    assert places("hidden-sheets") == set()
    assert places("million-rows") == set()
    assert ("schema.required", "述职", 3, "组织编号") in places("merged-cells")
    assert ("schema.required", "组织", 3, "组织名称") in places("formulas")
    assert ("grade.missing", "评议", 2, "综合评价等次") in places("error-values")
    reports = places("bad-report-files")
    assert ("report.missing-file", "述职", 2, "报告文件") in reports
    assert ("report.sections", "述职", 3, "报告文件") in reports
    assert not any(p[2] == 4 and p[0].startswith("report.missing") for p in reports)


def test_million_rows_write_is_refused_quickly(corpus: dict[str, Path], tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "million.xlsx"
    shutil.copy(corpus["million-rows"], path)
    before = path.read_bytes()
    proc, seconds = run("check", path, "--write")
    assert proc.returncode == 2 and "整改" in proc.stderr and "空行" in proc.stderr
    assert path.read_bytes() == before and seconds < 20


@pytest.mark.parametrize(
    ("content", "says"),
    [(b"", "空的"), (b"PK\x03\x04 truncated", "不是 .docx"), (b"a,b\n", "不是 .docx")],
    ids=["empty", "truncated", "csv"],
)
def test_analyze_bad_reports(tmp_path: Path, content: bytes, says: str) -> None:
    import json

    path = tmp_path / "报告.docx"
    path.write_bytes(content)
    proc, _ = run("analyze", path, "--json", "--category", "党支部书记")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    finding = json.loads(proc.stdout)[0]["findings"][0]
    assert finding["code"] == "report.missing-file" and says in finding["message"]


@pytest.mark.parametrize("case", ["empty", "truncated", "docx-renamed", "csv-renamed", "password"])
def test_import_returns_bad_files(corpus: dict[str, Path], tmp_path: Path, case: str) -> None:
    import shutil

    from corpus import good

    master = good(tmp_path / "m.xlsx")
    before = master.read_bytes()
    bad = tmp_path / f"回执-{corpus[case].name}"
    shutil.copy(corpus[case], bad)
    proc, _ = run("import-returns", master, bad, "--apply")
    assert proc.returncode == 2 and bad.name in proc.stderr and "Traceback" not in proc.stderr
    assert master.read_bytes() == before


PEAK_BOUND = 300 * 1024 * 1024


def peak_run(*args: object) -> tuple[subprocess.CompletedProcess[str], int]:
    """The real CLI in a child process that reports its own peak memory (resident set) at exit
    (Linux: /proc/self/status)."""
    code = (
        "import atexit, re, runpy, sys\n"
        "def peak():\n"  # VmHWM: this process image's peak (ru_maxrss would include the forked parent's)
        "    status = open('/proc/self/status').read()\n"
        "    print('PEAK', re.search(r'VmHWM:\\s+(\\d+)', status).group(1), file=sys.stderr)\n"
        "atexit.register(peak)\n"
        f"sys.argv = ['annex-tools', *{[str(a) for a in args]!r}]\n"
        "runpy.run_module('annex_tools', run_name='__main__')\n"
    )
    env = dict(os.environ, COLUMNS="200", PYTHONIOENCODING="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", env=env,
        timeout=TIME_LIMIT_S,
    )  # fmt: skip
    peak_kb = int(proc.stderr.rsplit("PEAK", 1)[1].split()[0])
    return proc, peak_kb * 1024


def test_a_crafted_small_docx_cannot_exceed_the_memory_bound(tmp_path: Path) -> None:
    from corpus import docx_lie

    path = docx_lie(tmp_path / "述职报告.docx")
    assert path.stat().st_size < 2 * 1024 * 1024  # 1.5 MB on disk, 1.5 GB unpacked
    proc, peak = peak_run("analyze", path, "--json", "--category", "党支部书记")
    assert "Traceback" not in proc.stderr and proc.returncode == 1, proc.stderr
    assert "超过 8 MB" in proc.stdout, proc.stdout + proc.stderr
    assert peak < PEAK_BOUND, f"peak {peak / 2**20:.0f} MB"


def test_a_workbook_lying_about_its_size_is_refused_within_the_bound(
    corpus: dict[str, Path], tmp_path: Path
) -> None:
    import shutil

    from corpus import good

    proc, peak = peak_run("check", corpus["zip-lie"], "--json")
    assert proc.returncode == 2 and "超过 200 MB" in proc.stderr, proc.stderr
    print(f"peak of check on the lying workbook: {peak / 2**20:.0f} MB")
    assert peak < PEAK_BOUND, f"peak {peak / 2**20:.0f} MB"
    master = good(tmp_path / "m.xlsx")
    before = master.read_bytes()
    bad = shutil.copy(corpus["zip-lie"], tmp_path / "回执-ziplie.xlsx")
    proc, peak = peak_run("import-returns", master, bad, "--apply")
    assert proc.returncode == 2 and "回执-ziplie.xlsx" in proc.stderr, proc.stderr
    assert master.read_bytes() == before and peak < PEAK_BOUND


def test_a_workbook_whose_lie_could_be_true_is_refused_within_the_bound(
    corpus: dict[str, Path], tmp_path: Path
) -> None:
    """A claim its compressed size could hold (10:1) is not counted through before reading:
    check relies on python-calamine stopping at the claimed size. A 400 MB sheet read whole
    would pass the bound; refused, it is named as the counted check names it."""
    import shutil
    import zipfile

    from corpus import lie_about_size

    path = Path(shutil.copy(corpus["zip-lie"], tmp_path / "plausible-lie.xlsx"))
    with zipfile.ZipFile(path) as zf:
        part = next(i for i in zf.infolist() if i.file_size == 1000)
    lie_about_size(path, part.filename, claimed=part.compress_size * 10)
    proc, peak = peak_run("check", path, "--json")
    assert proc.returncode == 2 and "超过 200 MB" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    print(f"peak of check on the plausible lie: {peak / 2**20:.0f} MB")
    assert peak < PEAK_BOUND, f"peak {peak / 2**20:.0f} MB"


FAR_CELLS = {  # a 1.5 KB edit: one value far down and right (python-calamine fills A1 to it)
    "XFD1048576": '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    "Z1048576": '<row r="1048576"><c r="Z1048576"><v>1</v></c></row>',  # ~27 million cells
    "attribute-order": '<row r="900000"><c t="n" r="AZ900000"><v>1</v></c></row>',
    "prefix": '<row r="1048576"><x:c r="XFD1048576"><v>1</v></x:c></row>',
    "no-r": '<row r="1048576">' + "<c><v>1</v></c>" * 30 + "</row>",
}


@pytest.mark.parametrize("case", list(FAR_CELLS))
def test_a_far_cell_is_refused_not_aborted(tmp_path: Path, case: str) -> None:
    """A sheet whose farthest value would make python-calamine allocate rows x columns past
    the bound (512 GB for XFD1048576: Rust's allocator aborts the process, SIGABRT, no message)
    is refused with a message naming the sheet, whatever the cell tag looks like."""
    import re

    from corpus import _rewrite, good

    def edit(data: bytes) -> bytes:
        text = data.decode().replace("</sheetData>", FAR_CELLS[case] + "</sheetData>")
        return re.sub(
            r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', text
        ).encode()

    path = _rewrite(good(tmp_path / "_g.xlsx"), tmp_path / "far.xlsx", "评议", edit)
    assert path.stat().st_size < 200_000
    before = path.read_bytes()
    proc, _ = run("check", path, "--json", "--as-of", "2024-06-01")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "far.xlsx" in proc.stderr and "工作表“评议”" in proc.stderr, proc.stderr
    assert "单元格" in proc.stderr and "已拒绝读取" in proc.stderr
    assert "Traceback" not in proc.stderr and "memory allocation" not in proc.stderr
    assert path.read_bytes() == before
