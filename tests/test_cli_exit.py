"""How the `annex-tools` process ends (cli.run): without taking the interpreter apart, yet with
the same output, exit status and exit handlers as Python's own exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from builders import demo_copy

# `annex-tools ARGS` ended by run() (the command) or by main() and Python's own exit.
ENDED_BY = (
    "import sys\n"
    "from annex_tools import cli\n"
    "end, sys.argv = sys.argv[1], ['annex-tools', *sys.argv[2:]]\n"
    "cli.run() if end == 'run' else cli.main()\n"
)


def annex(end: str, *args: str | Path, cwd: Path) -> tuple[int, bytes, bytes]:
    proc = subprocess.run(
        [sys.executable, "-c", ENDED_BY, end, *map(str, args)],
        capture_output=True, cwd=cwd, timeout=300,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"},
    )  # fmt: skip
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("demo")).workbook


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--as-of", "2024-01-30", "--json"),  # 20 errors: exit 1, ~20 KB of JSON
        ("check", "--as-of", "2024-01-30"),  # the tables
        ("check", "--as-of", "2024-13-01"),  # a usage error: exit 2, on stderr
        ("progress", "--as-of", "2023-12-20"),
    ],
)
def test_run_ends_with_the_same_output_and_status_as_pythons_own_exit(
    master: Path, args: tuple[str, ...]
) -> None:
    ours = annex("run", args[0], master, *args[1:], cwd=master.parent)
    python = annex("main", args[0], master, *args[1:], cwd=master.parent)
    assert ours == python
    assert ours[0] in (0, 1, 2) and (ours[1] or ours[2])


def _ended(
    main_body: str, tmp_path: Path, stdout: object = subprocess.PIPE
) -> subprocess.CompletedProcess[str]:
    code = (
        "import atexit, sys, threading, time\n"
        "from annex_tools import cli\n"
        f"def main():\n    {main_body}\n"
        "cli.main = main\n"
        "cli.run()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], stdout=stdout, stderr=subprocess.PIPE, text=True,
        cwd=tmp_path, timeout=60,
        env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},  # buffered, as usual
    )  # fmt: skip


def test_exit_handlers_run_and_buffered_output_is_written(tmp_path: Path) -> None:
    proc = _ended(
        "atexit.register(lambda: print('handler ran')); sys.stdout.write('x' * 100_000); sys.exit(3)",
        tmp_path,
    )
    assert proc.returncode == 3
    assert proc.stdout == "x" * 100_000 + "handler ran\n"


def test_an_exit_message_is_printed_with_status_1(tmp_path: Path) -> None:
    proc = _ended("sys.exit('主表已被占用')", tmp_path)
    assert (proc.returncode, proc.stderr) == (1, "主表已被占用\n")


def test_a_thread_still_running_is_waited_for(tmp_path: Path) -> None:
    proc = _ended(
        "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()", tmp_path
    )
    assert (proc.returncode, proc.stdout) == (0, "thread done\n")


def test_output_that_cannot_be_written_ends_with_120(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:  # every write fails: no space left on the device
        proc = _ended("sys.stdout.write('结果')", tmp_path, stdout=full)
    assert proc.returncode == 120
    assert "Traceback" not in proc.stderr
