"""What `annex-tools check` imports, as a whole process (issue 25: an institute `check` within
0.5 s): not the other commands' modules, not what only the documents, the archive or the page use,
not typer's pydantic adapters (typer 0.29+), and not rich's console and tables when it writes to a
pipe or a file (cli.app.plain_table: the same bytes as rich's, compared here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from builders import demo_copy

# Runs `python -m annex_tools ARGS` and, as the interpreter exits, writes the names of the modules
# it imported, and the OpenBLAS thread count it asked numpy for, to the file named first.
RUN = (
    "import atexit, json, os, runpy, sys\n"
    "out = sys.argv.pop(1)\n"
    "blas = lambda: os.environ.get('OPENBLAS_NUM_THREADS')\n"
    "atexit.register(lambda: open(out, 'w').write(json.dumps([blas(), *sorted(sys.modules)])))\n"
    "sys.argv[0] = 'annex-tools'\n"
    "runpy.run_module('annex_tools', run_name='__main__', alter_sys=True)\n"
)

NEVER = (
    "annex_tools.cli.documents", "annex_tools.cli.imports", "annex_tools.cli.archive",
    "annex_tools.cli.setup", "annex_tools.documents", "annex_tools.archive", "annex_tools.web",
    "openpyxl", "docx", "docxtpl", "matplotlib", "xlsxwriter", "flask", "waitress", "bagit",
    "pydantic", "typer._adapters", "xlwings",
)  # fmt: skip


CHECK = ("check", "--as-of", "2024-03-01")


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("demo")).workbook


def imported(
    tmp_path: Path, *args: str | Path, env: dict[str, str] | None = None
) -> tuple[int, set[str], str]:
    names = tmp_path / "modules.json"
    own = ("COLUMNS", "OPENBLAS_NUM_THREADS", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")
    env = {k: v for k, v in os.environ.items() if k not in own} | (env or {})
    proc = subprocess.run(
        [sys.executable, "-c", RUN, str(names), *map(str, args)],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=300,
    )  # fmt: skip
    blas, *modules = json.loads(names.read_text())
    # numpy's OpenBLAS would start a thread per core, for linear algebra no command does
    assert blas == "1" or "numpy" not in modules
    return proc.returncode, set(modules), proc.stdout


def _loaded(modules: set[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


def test_check_imports_only_what_it_uses(master: Path, tmp_path: Path) -> None:
    code, modules, stdout = imported(tmp_path, *CHECK, master)
    assert code == 1 and "校验完成" in stdout and "┃ 规则" in stdout  # the planted mistakes
    assert {"pandas", "annex_tools.cli.master", "annex_tools.usecases.check"} <= modules
    assert [n for n in (*NEVER, "rich.console", "rich.table") if _loaded(modules, n)] == []
    # FORCE_COLOR="" (no colour, rich's own rule) makes rich write the tables: the same bytes
    code, modules, by_rich = imported(tmp_path, *CHECK, master, env={"FORCE_COLOR": ""})
    assert "rich.table" in modules and by_rich == stdout


@pytest.mark.parametrize("columns", ["200", "80"])
def test_check_into_a_narrower_page_is_written_as_rich_writes_it(
    master: Path, tmp_path: Path, columns: str
) -> None:
    _, _, stdout = imported(tmp_path, *CHECK, master, env={"COLUMNS": columns})
    _, modules, by_rich = imported(tmp_path, *CHECK, master, env={"COLUMNS": columns, "FORCE_COLOR": ""})
    assert "rich.table" in modules and by_rich == stdout


def test_check_json_does_not_import_rich(master: Path, tmp_path: Path) -> None:
    code, modules, stdout = imported(tmp_path, *CHECK, master, "--json")
    assert code == 1 and json.loads(stdout)["errors"] > 0
    assert [n for n in (*NEVER, "rich") if _loaded(modules, n)] == []
