from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def annex(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a child process, as a user would."""
    env = dict(os.environ, COLUMNS="200", PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "annex_tools", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=300,
    )


def check_json(path: Path, today: str = "2026-11-26") -> tuple[int, dict[str, Any]]:
    proc = annex("check", path, "--json", "--today", today)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def places(report: dict[str, Any]) -> set[tuple]:
    return {(f["code"], f["sheet"], f["row"], f["column"]) for f in report["findings"]}
