"""The README's first command, as written, on the system's own Python (Debian's, which refuses
`pip install` outside a virtual environment: PEP 668), from a copy of the project."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from annex_tools.demo import report_count

ROOT = Path(__file__).resolve().parents[1]
SYSTEM_PYTHON = Path("/usr/bin/python3")


def readme_command() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## 两条命令", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return next(ln for ln in block.splitlines() if ln.strip() and not ln.startswith("#"))


@pytest.mark.skipif(not SYSTEM_PYTHON.exists(), reason="needs the distribution's python3")
@pytest.mark.parametrize("ensurepip", [True, False], ids=["python3-venv", "no-ensurepip"])
def test_first_readme_command_runs_as_written(tmp_path: Path, ensurepip: bool) -> None:
    command = readme_command()
    assert command == "bash scripts/venv.sh && .venv/bin/annex-tools demo"
    clone = tmp_path / "annex-tools"
    clone.mkdir()
    for name in ("pyproject.toml", "README.md", "src", "templates", "macros", "scripts"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, clone / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, clone / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env["PATH"] = "/usr/bin:/bin"  # the system's python3 first, as on a fresh machine
    env["PYTHON"] = str(SYSTEM_PYTHON)
    # pip's byte-compiling of every installed module (pandas, numpy...) is its slowest step and
    # is not what is tested: Python compiles what the demo imports as it runs
    env["PIP_NO_COMPILE"] = "1"
    if not ensurepip:
        # the other way to a .venv with pip: that way, then annex-tools from it. The second half of
        # the command (the demo) is the same installed program the first case runs as written.
        env["ANNEX_VENV_NO_ENSUREPIP"] = "1"
        command = command.split(" && ", 1)[0] + " && .venv/bin/annex-tools --help"
        assert command == "bash scripts/venv.sh && .venv/bin/annex-tools --help"
    proc = subprocess.run(
        ["bash", "-c", command], cwd=clone, env=env, capture_output=True, text=True, timeout=900
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    if not ensurepip:
        assert "import-returns" in proc.stdout and "Traceback" not in proc.stderr
        return
    assert "Traceback" not in proc.stderr
    assert (clone / "demo" / "master.xlsx").exists()
    assert len(list((clone / "demo" / "2023年度评价意见反馈").glob("*.docx"))) == report_count()
    assert re.search(r"校验发现错误 \d+ 个", proc.stdout)
