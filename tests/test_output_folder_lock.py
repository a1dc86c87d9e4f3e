"""Two runs into one output folder take turns (usecases.outputs.Outputs._hold): a button clicked
twice, two colleagues on one share. Before, both read the folder's record at their start, and
each took the files the other had just written for a person's changes ("在生成后被改过，未覆盖")
and left them unrecorded. Real processes of the real CLI, on the demo."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from builders import demo_copy
from cli_helpers import annex

from annex_tools.usecases.outputs import FOLDER_LOCK, MANIFEST
from annex_tools.workbook.safewrite import WriteLock, sha256_file

AS_OF = "2024-01-05"  # the demo's 附件2 can be made (no grades yet: the forms that collect them)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("lock") / "demo", mistakes=False).workbook


@pytest.fixture
def master(demo: Path, tmp_path: Path) -> Path:
    target = tmp_path / "demo" / demo.name
    target.parent.mkdir()
    shutil.copy2(demo, target)
    return target


def start(*args: str | Path) -> subprocess.Popen[str]:
    env = dict(os.environ, COLUMNS="200", PYTHONIOENCODING="utf-8")
    return subprocess.Popen(
        [sys.executable, "-m", "annex_tools", *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env,
    )  # fmt: skip


def recorded(folder: Path) -> dict[str, str]:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]


def test_two_runs_at_once_never_take_each_others_files_for_a_persons(
    master: Path, tmp_path: Path
) -> None:
    out = tmp_path / "附件2"
    for _ in range(3):
        runs = [start("annex2", master, "--out", out, "--as-of", AS_OF) for _ in range(2)]
        results = [(p.wait(timeout=300), *p.communicate()) for p in runs]
        for code, stdout, stderr in results:
            # each either wrote the folder or, after waiting for the other, was refused naming it
            assert code == 0 or (code == 2 and str(out) in stderr and "正在写入" in stderr), (
                stdout + stderr
            )
            assert "未覆盖" not in stdout + stderr and "改过" not in stdout + stderr
        assert any(code == 0 for code, _, _ in results)
        files = sorted(p.name for p in out.glob("*.xlsx"))
        assert files and sorted(recorded(out)) == files
        assert all(recorded(out)[name] == sha256_file(out / name) for name in files)
        assert not (out / FOLDER_LOCK).exists()


def test_a_folder_held_by_another_run_is_refused_then_written_once_free(
    master: Path, tmp_path: Path
) -> None:
    out = tmp_path / "附件2"
    out.mkdir()
    held = WriteLock(out, path=out / FOLDER_LOCK, command="annex-tools annex2")
    held.acquire()
    try:
        proc = annex("annex2", master, "--out", out, "--as-of", AS_OF)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert f"文件夹“{out}”" in proc.stderr and "annex-tools annex2" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert sorted(p.name for p in out.iterdir()) == [FOLDER_LOCK]  # nothing written
    finally:
        held.release()
    proc = annex("annex2", master, "--out", out, "--as-of", AS_OF)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(recorded(out)) == sorted(p.name for p in out.glob("*.xlsx"))
    assert not (out / FOLDER_LOCK).exists()


def test_a_lock_left_by_a_killed_run_does_not_stop_the_next(master: Path, tmp_path: Path) -> None:
    out = tmp_path / "附件2"
    out.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    info = {"user": "someone", "host": os.uname().nodename, "pid": int(dead.stdout), "token": "x"}
    (out / FOLDER_LOCK).write_text(json.dumps(info), encoding="utf-8")  # its holder is gone
    proc = annex("annex2", master, "--out", out, "--as-of", AS_OF)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not (out / FOLDER_LOCK).exists()


def test_a_write_after_the_record_is_saved_takes_the_lock_again(tmp_path: Path) -> None:
    from annex_tools.usecases.outputs import Outputs

    held: list[bool] = []

    def make(path: Path) -> None:
        held.append((tmp_path / FOLDER_LOCK).exists())
        path.write_bytes(path.name.encode())

    done = Outputs(tmp_path)
    done.write(tmp_path / "a.txt", make)
    done.save()
    assert not (tmp_path / FOLDER_LOCK).exists()
    done.write(tmp_path / "b.txt", make)
    done.save()
    assert held == [True, True] and not (tmp_path / FOLDER_LOCK).exists()
    assert sorted(recorded(tmp_path)) == ["a.txt", "b.txt"]


def test_files_written_before_an_error_are_recorded_for_the_next_run(tmp_path: Path) -> None:
    """A run that fails after writing some files (a disk error on the third, say) never reached
    its last save: what it wrote is recorded as the run ends, so the next run replaces those
    files instead of keeping them as a person's changes."""
    import gc

    from annex_tools.usecases.outputs import Outputs

    def make(path: Path) -> None:
        if path.name == "c.txt":
            raise OSError(28, "No space left on device")
        path.write_bytes(b"first run " + path.name.encode())

    done = Outputs(tmp_path)
    with pytest.raises(OSError):
        for name in ("a.txt", "b.txt", "c.txt"):
            done.write(tmp_path / name, make)
    del done
    gc.collect()
    assert sorted(recorded(tmp_path)) == ["a.txt", "b.txt"]
    assert not (tmp_path / FOLDER_LOCK).exists()

    again = Outputs(tmp_path)
    for name in ("a.txt", "b.txt", "c.txt"):
        again.write(tmp_path / name, lambda p: p.write_bytes(b"second run"))
    again.save()
    assert again.kept == [] and len(again.written) == 3
    assert all((tmp_path / n).read_bytes() == b"second run" for n in ("a.txt", "b.txt", "c.txt"))
