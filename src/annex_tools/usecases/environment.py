"""环境检查 (the button and `annex-tools doctor`): which Python xlwings' RunPython starts and where
that setting came from, the versions against the ones the master was built with, and whether
annex_tools imports. Pure apart from reading conf files and probing another interpreter; it needs
nothing of the Excel side, so a helper can run it on a PC where the buttons do not work."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import annex_tools
from annex_tools import __version__

CONF_SHEET = "xlwings.conf"


def installed_version(package: str) -> str:
    """A package's installed version without importing it ('未安装' when it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "未安装"


# Where xlwings' RunPython looks for a setting, first match wins (xlwings.bas, GetConfig):
# the workbook's xlwings.conf sheet, xlwings.conf beside the workbook, the user's config.
SRC_SHEET = "本主表的“xlwings.conf”工作表"
SRC_FOLDER = "主表所在文件夹的 xlwings.conf 文件"
SRC_USER = "用户配置文件 %USERPROFILE%\\.xlwings\\xlwings.conf"
SRC_PATH = "未设置解释器：按 PATH 查找 python"


def conf_rows(rows: list[list[Any]]) -> dict[str, Any]:
    """The xlwings.conf sheet as xlwings reads it: keys in column A from A1 down to the first
    blank cell, values in column B (the notes below a blank row are not settings)."""
    out: dict[str, Any] = {}
    for row in rows:
        if not row or row[0] in (None, ""):
            break
        out.setdefault(str(row[0]).strip().upper(), row[1] if len(row) > 1 else None)
    return out


def read_conf_file(path: Path) -> dict[str, str]:
    """An xlwings.conf file: lines `"KEY","value"` (VBA `Input #`), keys upper-cased."""
    import csv

    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return {}
    out: dict[str, str] = {}
    for row in csv.reader(text.splitlines()):
        if len(row) >= 2 and row[0].strip():
            out.setdefault(row[0].strip().upper(), row[1].strip())
    return out


def _expand(value: str, env: Mapping[str, str]) -> str:
    """Windows' ExpandEnvironmentStrings: %NAME% replaced when NAME is set, kept otherwise."""
    import re

    lower = {k.upper(): v for k, v in env.items()}
    return re.sub(r"%([^%]+)%", lambda m: lower.get(m.group(1).upper(), m.group(0)), value)


@dataclass(frozen=True)
class Interpreter:
    setting: str  # what the setting says ("python" when nothing is set)
    source: str  # SRC_* : where that came from
    key: str  # INTERPRETER_WIN or INTERPRETER ("" when nothing is set)
    path: Path | None  # the file it names or PATH finds (None: not found)


def find_interpreter(
    sheet_conf: Mapping[str, Any],
    folder: Path | None,
    home: Path | None,
    env: Mapping[str, str],
) -> Interpreter:
    """The Python xlwings' RunPython starts, as xlwings.bas finds it: INTERPRETER_WIN, then the
    legacy INTERPRETER, each looked up in the xlwings.conf sheet, the xlwings.conf beside the
    workbook, then %USERPROFILE%\\.xlwings\\xlwings.conf; with neither set, `python` on PATH."""
    sheet = {str(k).strip().upper(): "" if v is None else str(v) for k, v in sheet_conf.items()}
    layers = [
        (SRC_SHEET, sheet),
        (SRC_FOLDER, read_conf_file(folder / "xlwings.conf") if folder else {}),
        (SRC_USER, read_conf_file(home / ".xlwings" / "xlwings.conf") if home else {}),
    ]

    def lookup(key: str) -> tuple[str, str] | None:
        for source, conf in layers:
            if key in conf:  # a key on the sheet wins even when its value is blank
                return _expand(conf[key], env).strip(), source
        return None

    for key in ("INTERPRETER_WIN", "INTERPRETER"):
        found = lookup(key)
        if found and found[0]:
            value, source = found
            if value.lower() in ("python", "pythonw"):
                return Interpreter(value, source, key, _on_path(value, env))
            path = Path(value)
            return Interpreter(value, source, key, path if path.is_file() else None)
    return Interpreter("python", SRC_PATH, "", _on_path("python", env))


def _on_path(name: str, env: Mapping[str, str]) -> Path | None:
    found = shutil.which(name, path=env.get("PATH", env.get("Path", "")))
    return Path(found) if found else None


def probe_python(executable: Path, timeout: float = 30) -> str:
    """What another interpreter has: its Python version, and annex_tools/xlwings if they import."""
    code = (
        "import platform;print('Python', platform.python_version())\n"
        "try:\n import xlwings;print('xlwings', xlwings.__version__)\n"
        "except Exception as e: print('xlwings 无法导入', type(e).__name__)\n"
        "try:\n import annex_tools;print('annex-tools', annex_tools.__version__)\n"
        "except Exception as e: print('annex_tools 无法导入', type(e).__name__)"
    )
    try:
        proc = subprocess.run(
            [str(executable), "-c", code], capture_output=True, text=True, timeout=timeout
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"无法运行：{type(exc).__name__}"
    return "，".join(proc.stdout.split("\n")).strip("，") or f"无法运行（退出码 {proc.returncode}）"


def _same_python(a: Path, b: Path) -> bool:
    """pythonw.exe and python.exe in one folder are one installation."""

    def key(p: Path) -> tuple[str, str]:
        return (os.path.normcase(str(p.resolve().parent)), p.stem.lower().removesuffix("w"))

    return key(a) == key(b)


def environment_report(
    build_info: str | None,
    xlwings_version: str | None = None,
    interpreter: Interpreter | None = None,
    running: Path | None = None,
    probe: Callable[[Path], str] = probe_python,
) -> tuple[bool, str]:
    """环境检查: which Python xlwings starts and where that came from, the versions against the
    ones the workbook was built with, and whether annex_tools imports."""
    running = running or Path(sys.executable)
    xlwings_version = xlwings_version or installed_version("xlwings")
    built_tools, _, built_xlwings = (build_info or "").partition("|")
    lines: list[str] = []
    ok = True
    if interpreter is not None:
        where = (
            f"（{interpreter.source}，键 {interpreter.key}）"
            if interpreter.key
            else f"（{interpreter.source}）"
        )
        lines.append(f"xlwings 启动的 Python：{interpreter.setting}{where}")
        if interpreter.path is None:
            ok = False
            lines.append(
                "  找不到这个解释器：请安装 Python 并勾选“Add python.exe to PATH”，"
                "或在 xlwings.conf 表加一行 Interpreter_Win 写明 pythonw.exe 的完整路径。"
            )
        else:
            lines.append(f"  即 {interpreter.path}")
            if "windowsapps" in str(interpreter.path).lower():
                ok = False
                lines.append(
                    "  这是 Windows 应用商店的占位程序，不是真正的 Python："
                    "请安装 Python，或在 xlwings.conf 表写明 Interpreter_Win。"
                )
            elif not _same_python(interpreter.path, running):
                lines.append(f"  它的环境：{probe(interpreter.path)}")
    lines += [
        f"本次运行的 Python：{platform.python_version()}（{running}）",
        f"xlwings：{xlwings_version}（工作簿内置 {built_xlwings or '未知'}）",
        f"annex-tools：{__version__}（工作簿生成于 {built_tools or '未知'}），"
        f"可以导入（{Path(annex_tools.__file__).resolve().parent}）",
    ]
    ok = ok and built_xlwings == xlwings_version and built_tools == __version__
    if not built_tools:
        lines.append(
            "这个工作簿里没有按钮的生成信息：它不是 annex-tools build-workbook 生成的带宏主表（.xlsm），"
            "没有功能区按钮，环境检查只对带宏主表有意义。命令行命令（check、annex2 等）不受影响；"
            "要用按钮，请运行 annex-tools build-workbook 生成带宏主表。"
        )
    if xlwings_version == "未安装":
        lines.append(
            "xlwings 未安装：功能区按钮需要它。请在本 Python 中运行 pip install "
            f"xlwings=={built_xlwings or '（与主表配套的版本）'}（或安装 annex-tools[excel]）。"
        )
    elif built_xlwings and built_xlwings != xlwings_version:
        lines.append(
            f"xlwings 版本不一致：请运行 pip install xlwings=={built_xlwings}，或使用与本版本配套的主表。"
        )
    if built_tools and built_tools != __version__:
        lines.append(
            "annex-tools 版本与主表不一致：请安装配套版本，或用 annex-tools build-workbook 重新生成主表。"
        )
    lines.append("环境正常。" if ok else "请按上面的提示处理后再使用功能区按钮。")
    return ok, "\n".join(lines)


def check_environment(
    master: Path,
    sheet_conf: Mapping[str, Any] | None = None,
    build_info: str | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[bool, str]:
    """环境检查 for the master at `master`. The button passes what it read from the open book
    (the xlwings.conf sheet and the build name); `doctor` reads them from the saved file."""
    env = os.environ if env is None else env
    if sheet_conf is None or build_info is None:
        saved_conf, saved_build = _read_master(master)
        sheet_conf = saved_conf if sheet_conf is None else sheet_conf
        build_info = saved_build if build_info is None else build_info
    profile = env.get("USERPROFILE")
    found = find_interpreter(
        sheet_conf, master.parent, Path(profile) if profile else Path.home(), env
    )
    return environment_report(build_info, interpreter=found)


def _read_master(path: Path) -> tuple[dict[str, Any], str | None]:
    """The xlwings.conf sheet's settings and the build name of a saved master."""
    from annex_tools.contract import schema as S
    from annex_tools.contract.errors import WorkbookError
    from annex_tools.workbook.reader import sniff

    if not path.exists():
        raise WorkbookError(path, "文件不存在")
    sniff(path)  # a Word document, an old .xls ... named as what they are
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=False, keep_vba=False)
    except Exception as exc:
        raise WorkbookError(path, f"无法作为工作簿读取（{type(exc).__name__}）") from None
    try:
        rows: list[list[Any]] = []
        if CONF_SHEET in wb.sheetnames:
            rows = [list(r) for r in wb[CONF_SHEET].iter_rows(values_only=True)]
        name = wb.defined_names.get(S.BUILD_NAME)
        build = str(name.attr_text).lstrip("=").strip('"') if name is not None else None
    finally:
        wb.close()
    return conf_rows(rows), build


def page_environment(folder: Path, office: str | None = None) -> tuple[bool, str]:
    """环境检查 on the local page (no Excel, no xlwings there): the Python and annex-tools that
    serve the page, whether LibreOffice is found (PDF output and the archive's PDF/A need it),
    and whether the folder can be written (outputs and backups go beside the masters)."""
    from annex_tools.workbook.office import soffice

    office = office if office is not None else soffice()
    lines = [
        f"本页面使用的 Python：{platform.python_version()}（{sys.executable}）",
        f"annex-tools：{__version__}（{Path(annex_tools.__file__).resolve().parent}）",
    ]
    ok = True
    if office:
        lines.append(f"LibreOffice：{office}（生成 PDF 和人事档案归档的 PDF/A 时使用）")
    else:
        lines.append(
            "LibreOffice：未找到。校验、生成 Word/Excel 文件和导入都不受影响；生成 PDF 和人事档案归档"
            "需要它（信创系统可从软件商店安装 LibreOffice；WPS 不能代替）。"
        )
    probe = folder / ".annex-tools-write-test"
    try:
        probe.write_bytes(b"")
        probe.unlink()
        lines.append(f"文件夹可写：{folder}")
    except OSError as exc:
        ok = False
        lines.append(
            f"文件夹不可写：{folder}（{exc.strerror or exc}）。生成的文件和备份都放在这里，请换一个文件夹。"
        )
    lines.append("环境正常。" if ok else "环境有问题，请按上面的说明处理。")
    return ok, "\n".join(lines)
