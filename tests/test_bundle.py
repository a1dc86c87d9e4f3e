"""The offline Windows bundle: its wheels resolve the whole install for 64-bit Windows without an
index (pip's own resolver with the Windows tags, and an independent walk with Windows markers),
and its .cmd scripts run under Wine's cmd as far as Wine can (no Windows Python here: the
"no Python" path, the trusted location, the xlwings setting and the uninstall are exercised).

The bundle is made once per run by the CLI (`annex-tools bundle`), downloading from PyPI; set
ANNEX_WHEELS_CACHE to a folder to keep the wheels between runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from annex_tools import __version__
from annex_tools.usecases.bundle import (
    PYTHONS,
    SCRIPTS,
    check_cmd_text,
    script_text,
    windows_closure,
)

ROOT = Path(__file__).resolve().parents[1]
TOP = f"annex-tools-{__version__}"


# ---- the scripts as files cmd reads ---------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_each_script_is_gbk_crlf_with_ascii_before_chcp(name: str) -> None:
    data = script_text(name, PYTHONS)
    assert check_cmd_text(data) is None
    text = data.decode("gbk")
    assert "@VERSION@" not in text and "@PYVERSIONS@" not in text
    assert text.count("\r\n") == text.count("\n") > 10
    assert "述职评议工具" in text


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"@echo off\nchcp 936 >nul\r\n", "CRLF"),
        (b"\xef\xbb\xbf@echo off\r\nchcp 936 >nul\r\n", "BOM"),
        ("rem 安装\r\nchcp 936 >nul\r\n".encode("gbk"), "ASCII"),
        ("@echo off\r\nchcp 936 >nul\r\necho 述职\r\n".encode(), "GBK"),
        (b"@echo off\r\necho hi\r\n", "chcp 936"),
    ],
)
def test_a_script_cmd_would_misread_is_refused(data: bytes, why: str) -> None:
    problem = check_cmd_text(data)
    assert problem is not None and why in problem


# ---- the resolution walk with Windows markers ------------------------------------------------


def _wheel(folder: Path, filename: str, requires: list[str], requires_python: str = "") -> None:
    name, version = filename.split("-")[:2]
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    meta += f"Requires-Python: {requires_python}\n" if requires_python else ""
    meta += "".join(f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(folder / filename, "w") as zf:
        zf.writestr(f"{name}-{version}.dist-info/METADATA", meta)


def test_the_walk_reads_markers_for_windows_and_tags_per_python(tmp_path: Path) -> None:
    _wheel(
        tmp_path,
        "app-1.0-py3-none-any.whl",
        ['winonly>=2; platform_system == "Windows"', 'maconly; sys_platform == "darwin"',
         'fast; extra == "excel"', "numpyish"],
    )  # fmt: skip
    _wheel(tmp_path, "winonly-2.1-py3-none-any.whl", [])
    _wheel(tmp_path, "winonly-3.0-py3-none-any.whl", [], requires_python=">=3.13")
    _wheel(tmp_path, "fast-1.0-cp312-cp312-win_amd64.whl", [])
    _wheel(tmp_path, "numpyish-1.0-cp311-cp311-win_amd64.whl", [])
    _wheel(tmp_path, "numpyish-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", [])
    c311 = windows_closure(tmp_path, "3.11", "app[excel]")
    assert c311.chosen == {
        "app": "app-1.0-py3-none-any.whl",
        "numpyish": "numpyish-1.0-cp311-cp311-win_amd64.whl",
        "winonly": "winonly-2.1-py3-none-any.whl",  # 3.0 needs Python 3.13
    }
    assert c311.missing == ['fast; extra == "excel"'] and c311.fetch == ["fast"]
    c312 = windows_closure(tmp_path, "3.12", "app[excel]")
    assert "fast" in c312.chosen and c312.missing == ["numpyish"]  # a Linux wheel does not count
    assert (
        windows_closure(tmp_path, "3.13", "app").chosen["winonly"] == "winonly-3.0-py3-none-any.whl"
    )


# ---- the bundle itself (downloads from PyPI once per run) -------------------------------------


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = os.environ.get("ANNEX_WHEELS_CACHE") or str(tmp_path_factory.mktemp("wheels"))
    out = tmp_path_factory.mktemp("bundle") / "b.zip"
    proc = subprocess.run(
        [sys.executable, "-m", "annex_tools", "bundle", "--out", str(out), "--wheels", cache],
        capture_output=True, text=True, cwd=ROOT, timeout=1200,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for python in PYTHONS:
        assert f"Python {python}：离线安装" in proc.stdout
    return out


@pytest.mark.slow
def test_the_bundle_resolves_the_whole_install_offline_for_windows(
    bundle: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(bundle) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path)
    folder = tmp_path / TOP
    for shown in SCRIPTS.values():
        assert f"{TOP}/{shown}" in names
        assert check_cmd_text((folder / shown).read_bytes()) is None
    assert f"{TOP}/annex-master.xlsm" in names
    assert (folder / "annex-master.xlsm").read_bytes() == (
        ROOT / "xlsm/annex-master.xlsm"
    ).read_bytes()
    wheels = folder / "wheels"
    assert (wheels / f"annex_tools-{__version__}-py3-none-any.whl").is_file()
    for python in PYTHONS:
        walk = windows_closure(wheels, python)
        assert walk.missing == []
        assert {"annex-tools", "xlwings", "pywin32", "pandas", "numpy", "lxml"} <= set(walk.chosen)
        report = tmp_path / f"report-{python}.json"
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--isolated", "--dry-run", "--no-index",
             "--find-links", str(wheels), "--only-binary=:all:", "--platform", "win_amd64",
             "--python-version", python, "--implementation", "cp",
             "--target", str(tmp_path / "t"), "--report", str(report), "-q",
             f"annex-tools[excel]=={__version__}"],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        installed = json.loads(report.read_text(encoding="utf-8"))["install"]
        files = {Path(i["download_info"]["url"]).name for i in installed}
        # pip reads markers on this machine (no pywin32); everything it picks is what the walk picked
        assert files <= set(walk.chosen.values())
        assert f"annex_tools-{__version__}-py3-none-any.whl" in files
        assert any(
            f.startswith("xlwings-") and f"cp{python.replace('.', '')}-win_amd64" in f
            for f in files
        )
    # nothing in the zip that no Python version uses
    used = {w for p in PYTHONS for w in windows_closure(wheels, p).chosen.values()}
    assert {p.name for p in wheels.iterdir()} == used


# ---- the scripts under Wine's cmd -------------------------------------------------------------

WINE = shutil.which("wine")
needs_wine = pytest.mark.skipif(
    WINE is None, reason="Wine is not installed (scripts/test.sh installs it)"
)


@pytest.fixture(scope="module")
def wine_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    prefix = tmp_path_factory.mktemp("wineprefix")
    env = {
        **os.environ, "WINEPREFIX": str(prefix), "WINEDEBUG": "-all", "LC_ALL": "zh_CN.UTF-8",
        "WINEDLLOVERRIDES": "mscoree,mshtml=",  # no Mono/Gecko prompts in a new prefix
    }  # fmt: skip
    subprocess.run(["wineboot", "-i"], env=env, capture_output=True, timeout=300)
    return env


def _folder(tmp_path: Path) -> Path:
    """The bundle's scripts (ASCII names: Wine turns a Chinese argv into question marks; the
    bytes are those of 安装.cmd and 卸载.cmd) and a master."""
    folder = tmp_path / "bundle dir"
    folder.mkdir()
    (folder / "install.cmd").write_bytes(script_text("install.cmd", PYTHONS))
    (folder / "uninstall.cmd").write_bytes(script_text("uninstall.cmd", PYTHONS))
    (folder / "annex-master.xlsm").write_bytes(b"master bytes")
    return folder


def _win(path: Path) -> str:
    return "Z:" + str(path).replace("/", "\\")


def _cmd(env: dict[str, str], folder: Path, line: str) -> tuple[int, str]:
    """Run `line` in Wine's cmd in `folder`; its output as the console shows it (GBK)."""
    proc = subprocess.run(
        ["wine", "cmd", "/c", f"{line} > out.txt 2>&1"], cwd=folder, env=env,
        capture_output=True, timeout=180,
    )  # fmt: skip
    return proc.returncode, (folder / "out.txt").read_bytes().decode("gbk", errors="replace")


TL = r"HKCU\Software\Microsoft\Office\16.0\Excel\Security\Trusted Locations\annex-tools"


def _trusted(env: dict[str, str], folder: Path) -> str | None:
    proc = subprocess.run(
        ["wine", "reg", "query", TL, "/v", "Path"], cwd=folder, env=env, capture_output=True,
        timeout=120,
    )  # fmt: skip
    if proc.returncode:
        return None
    line = next(x for x in proc.stdout.decode("gbk").splitlines() if "REG_SZ" in x)
    return line.split("REG_SZ", 1)[1].strip()


@pytest.mark.slow
@needs_wine
def test_without_python_the_install_says_which_installer_and_changes_nothing(
    wine_env: dict[str, str], tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    env = {**wine_env, "ANNEX_VENV": _win(tmp_path / "venv")}
    code, out = _cmd(env, folder, "install.cmd --quiet")
    assert code == 1
    assert "没有找到可用的 Python" in out
    assert "python-3.12.10-amd64.exe" in out and "3.11、3.12、3.13" in out
    assert _win(folder / "python") + "\\" in out  # where the bundle can carry the installer
    assert "安装没有完成" in out
    assert not (tmp_path / "venv").exists() and not (folder / "xlwings.conf").exists()
    assert _trusted(env, folder) is None


@pytest.mark.slow
@needs_wine
def test_trust_and_xlwings_steps_are_idempotent_and_uninstall_undoes_them(
    wine_env: dict[str, str], tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    venv = tmp_path / "venv"
    (venv / "Scripts").mkdir(parents=True)
    env = {**wine_env, "ANNEX_VENV": _win(venv)}
    (folder / "xlwings.conf").write_bytes(b'"SHOW CONSOLE","True"\r\n')  # staff's own setting
    ours = b'"INTERPRETER_WIN","%LOCALAPPDATA%\\annex-tools\\venv\\Scripts\\python.exe"\r\n'
    for _ in range(2):
        assert _cmd(env, folder, "install.cmd --step trust")[0] == 0
        code, out = _cmd(env, folder, "install.cmd --step xlwings")
        assert code == 0 and "xlwings 使用本工具的 Python" in out
        # the folder with one trailing backslash (reg.exe reads \" as a quote)
        assert _trusted(env, folder) == _win(folder) + "\\"
        assert (folder / "xlwings.conf").read_bytes() == ours
        assert (folder / "xlwings.conf.bak").read_bytes() == b'"SHOW CONSOLE","True"\r\n'
    master = (folder / "annex-master.xlsm").read_bytes()
    assert _cmd(env, folder, "install.cmd --step unblock")[0] == 0
    assert (folder / "annex-master.xlsm").read_bytes() == master
    code, out = _cmd(env, folder, "uninstall.cmd --quiet")
    assert code == 0 and "卸载完成" in out
    assert _trusted(env, folder) is None
    assert (folder / "xlwings.conf").read_bytes() == b'"SHOW CONSOLE","True"\r\n'  # restored
    assert not venv.exists()
    assert (folder / "annex-master.xlsm").read_bytes() == master  # the master stays
    code, out = _cmd(env, folder, "uninstall.cmd --quiet")  # again: nothing left to undo
    assert code == 0 and "卸载完成" in out
