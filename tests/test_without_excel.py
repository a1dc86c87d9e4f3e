"""The headless commands need nothing of the Excel side: with xlwings and pyOpenVBA impossible
to import (as on an archive server installed without the [excel] extra), `demo`, `check`, the
documents and the archive run; `build-workbook` says in Chinese what to install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

# Blocks the two packages of the [excel] extra, then runs the CLI as `annex-tools` would.
RUN = (
    "import sys\n"
    "sys.modules['xlwings'] = None\n"
    "sys.modules['pyopenvba'] = None\n"
    "from annex_tools.cli import run\n"
    "sys.argv = ['annex-tools', *sys.argv[1:]]\n"
    "run()\n"
)


def annex(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUN, *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=900,
    )  # fmt: skip


def test_headless_commands_run_without_the_excel_extra(tmp_path: Path) -> None:
    proc = annex("demo", "--out", tmp_path / "demo", "--as-of", "2024-01-30", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    master = tmp_path / "demo" / "master.xlsx"
    assert (tmp_path / "demo" / "2023年度评价意见反馈").is_dir()
    proc = annex("check", master, "--as-of", "2024-01-30", cwd=tmp_path)
    assert proc.returncode == 1 and "错误" in proc.stdout  # the planted mistakes
    assert "Traceback" not in proc.stderr
    proc = annex("archive", master, "--out", tmp_path / "a", "--no-pdf", cwd=tmp_path)
    assert proc.returncode == 1 and "主表有" in proc.stderr  # refused: errors, not an ImportError
    assert "ImportError" not in proc.stderr and "xlwings" not in proc.stderr


def test_build_workbook_names_what_to_install(tmp_path: Path) -> None:
    proc = annex("build-workbook", "--out", tmp_path / "m.xlsm", cwd=tmp_path)
    assert proc.returncode == 2
    assert 'pip install "annex-tools[excel]"' in proc.stderr.replace("\n", "")
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "m.xlsm").exists()


def test_doctor_reads_the_saved_master_and_tells_where_the_interpreter_comes_from(
    tmp_path: Path,
) -> None:
    """`annex-tools doctor` is the 环境检查 button for a saved master: the committed .xlsm leaves
    the interpreter to PATH (no key on its xlwings.conf sheet), and says so."""
    master = Path(__file__).resolve().parents[1] / "xlsm" / "annex-master.xlsm"
    proc = subprocess.run(
        [sys.executable, "-m", "annex_tools", "doctor", str(master)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    assert "未设置解释器：按 PATH 查找 python" in proc.stdout
    assert "annex-tools：" in proc.stdout and "工作簿生成于" in proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "annex_tools", "doctor", str(tmp_path / "没有.xlsm")],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 2 and "没有.xlsm" in proc.stderr and "Traceback" not in proc.stderr
