"""Issue 22, cases 2, 6 and 8: every output goes through the one protected path (owner files of
Excel, WPS and LibreOffice, no overwrite of a file a person edited or annex-tools did not write,
a backup with --force), owner files are looked for beside a symbolic link's name and its target,
and new files get the mode the umask gives, through the CLI on real files."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from builders import demo_copy
from cli_helpers import annex


def annex_umask(umask: int, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real CLI in a child process started under `umask`."""
    env = dict(os.environ, COLUMNS="200", PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "annex_tools", *map(str, args)],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=300,
        preexec_fn=lambda: os.umask(umask),
    )  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("outputs") / "demo", mistakes=False).workbook


@pytest.fixture
def master(demo: Path, tmp_path: Path) -> Path:
    target = tmp_path / "demo" / demo.name
    target.parent.mkdir()
    shutil.copy2(demo, target)
    return target


@pytest.mark.parametrize("command", ["hr-export", "rectifications"])
def test_out_over_another_workbook_is_refused_and_force_keeps_a_backup(
    master: Path, tmp_path: Path, command: str
) -> None:
    other = tmp_path / "另一个主表.xlsx"
    shutil.copy2(master, other)
    before = other.read_bytes()
    proc = (
        annex(command, master, "--out", other, "--as-of", "2024-03-01")
        if command == ("rectifications")
        else annex(command, master, "--out", other)
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "未覆盖" in proc.stderr and "--force" in proc.stderr and str(other) in proc.stderr
    assert other.read_bytes() == before
    assert not (tmp_path / "备份").exists()
    forced = annex(command, master, "--out", other, "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    backups = list((tmp_path / "备份").iterdir())
    assert len(backups) == 1 and backups[0].read_bytes() == before
    assert other.read_bytes() != before
    assert openpyxl.load_workbook(other).sheetnames  # a workbook, whole


def test_a_ledger_someone_annotated_is_kept_and_an_unedited_one_is_replaced(master: Path) -> None:
    first = annex("rectifications", master, "--as-of", "2024-03-01")
    assert first.returncode == 0, first.stdout + first.stderr
    ledger = next(master.parent.glob("*整改台账.xlsx"))
    again = annex("rectifications", master, "--as-of", "2024-03-02")  # not edited: replaced
    assert again.returncode == 0, again.stdout + again.stderr
    wb = openpyxl.load_workbook(ledger)
    wb.worksheets[0]["A1"] = "巡察办批注：已督办"
    wb.save(ledger)
    annotated = ledger.read_bytes()
    refused = annex("rectifications", master, "--as-of", "2024-03-03")
    assert refused.returncode == 2 and "未覆盖" in refused.stderr, refused.stdout + refused.stderr
    assert ledger.read_bytes() == annotated


@pytest.mark.parametrize("owner", ["~${name}", ".~lock.{name}#"])
def test_an_output_open_in_an_office_suite_is_not_written(master: Path, owner: str) -> None:
    assert annex("hr-export", master).returncode == 0
    out = next(master.parent.glob("*考核联动名单.xlsx"))
    before = out.read_bytes()
    (out.parent / owner.format(name=out.name)).write_text("x", encoding="utf-8")
    proc = annex("hr-export", master)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert owner.format(name=out.name) in proc.stderr and "打开" in proc.stderr
    assert out.read_bytes() == before


@pytest.mark.parametrize(
    "where", ["~$ beside the link", "~$ beside the target", ".~lock beside the link"]
)
def test_owner_files_beside_a_symlinked_masters_name_and_target_refuse_a_write(
    master: Path, tmp_path: Path, where: str
) -> None:
    link = tmp_path / "link" / "主表.xlsx"
    link.parent.mkdir()
    link.symlink_to(master)
    if where == "~$ beside the link":
        owner = link.with_name("~$" + link.name)
    elif where == "~$ beside the target":
        owner = master.with_name("~$" + master.name)
    else:
        owner = link.with_name(f".~lock.{link.name}#")
    owner.write_text("someone", encoding="utf-8")
    before = master.read_bytes()
    proc = annex("check", link, "--write", "--as-of", "2024-03-01")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert owner.name in proc.stderr and "打开" in proc.stderr
    assert master.read_bytes() == before and link.is_symlink()


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_new_files_get_the_mode_the_umask_gives(tmp_path: Path, umask: int) -> None:
    new = tmp_path / "2024.xlsx"
    proc = annex_umask(umask, "new", new)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    listing = tmp_path / "名单.xlsx"
    proc = annex_umask(umask, "hr-export", new, "--out", listing)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for path in (new, listing):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path
