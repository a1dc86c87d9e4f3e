"""The offline Windows bundle (`annex-tools bundle`): one zip a staff member double-clicks through.

It holds the project's wheel and a wheel of every dependency for 64-bit Windows and each
supported Python (`PYTHONS`), the macro master, and `安装.cmd` / `卸载.cmd` / `打开页面.cmd`
(src/annex_tools/windows/, kept in UTF-8 and written in GBK with CRLF: see `check_cmd_text`). The wheels come from
`pip download --only-binary=:all: --platform win_amd64`; pip evaluates environment markers
against the machine it runs on, not the target (xlwings' `pywin32; platform_system ==
"Windows"` is skipped on Linux), so `windows_closure` walks the dependency tree itself with
Windows markers and the bundle is completed until nothing is missing.
"""

from __future__ import annotations

import email.parser
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annex_tools import __version__
from annex_tools.contract.errors import InputError, OutputError

PYTHONS = ("3.11", "3.12", "3.13")  # requires-python >= 3.11; the versions the bundle carries
ROOT = "annex-tools[excel]"  # what 安装.cmd installs
WINDOWS_DIR = Path(__file__).resolve().parents[1] / "windows"
SCRIPTS = {"install.cmd": "安装.cmd", "uninstall.cmd": "卸载.cmd", "page.cmd": "打开页面.cmd"}
MASTER_NAME = "annex-master.xlsm"
README_NAME = "使用说明.txt"


@dataclass
class Closure:
    """One Python version's install as resolved from a folder of wheels."""

    python: str
    chosen: dict[str, str] = field(default_factory=dict)  # project name -> wheel file name
    missing: list[str] = field(default_factory=list)  # requirements no wheel satisfies
    fetch: list[str] = field(default_factory=list)  # those of them, without markers, for pip


@dataclass
class BundleResult:
    zip_path: Path
    wheels: list[str]
    closures: list[Closure]


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def windows_environment(python: str) -> dict[str, str]:
    """PEP 508 marker values of 64-bit CPython `python` (e.g. "3.12") on Windows."""
    return {
        "implementation_name": "cpython",
        "implementation_version": f"{python}.0",
        "os_name": "nt",
        "platform_machine": "AMD64",
        "platform_python_implementation": "CPython",
        "platform_release": "10",
        "platform_system": "Windows",
        "platform_version": "10.0.19045",
        "python_full_version": f"{python}.0",
        "python_version": python,
        "sys_platform": "win32",
    }


def windows_tags(python: str) -> set[str]:
    """The wheel tags pip accepts on 64-bit CPython `python` for Windows."""
    from packaging import tags

    major, minor = (int(x) for x in python.split("."))
    cp = f"cp{major}{minor}"
    found = list(
        tags.cpython_tags((major, minor), abis=[cp, "abi3", "none"], platforms=["win_amd64"])
    )
    found += list(tags.compatible_tags((major, minor), cp, platforms=["win_amd64"]))
    return {str(t) for t in found}


def _requires(wheel: Path) -> tuple[list[str], str | None]:
    """Requires-Dist and Requires-Python of a wheel, from its METADATA."""
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(zf.read(name).decode("utf-8"))
    return list(meta.get_all("Requires-Dist") or []), meta.get("Requires-Python")


def windows_closure(wheels: Path, python: str, root: str = ROOT) -> Closure:
    """Resolve `root` from the wheels in `wheels` as pip would on Windows with `python`: the
    highest compatible version of each project, markers evaluated for Windows. Requirements
    that no wheel satisfies (or that a chosen wheel does not meet) are `missing`."""
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.utils import parse_wheel_filename
    from packaging.version import Version

    accepted = windows_tags(python)
    pyver = Version(f"{python}.0")
    by_name: dict[str, list[tuple[Version, Path]]] = {}
    for whl in wheels.glob("*.whl"):
        wname, version, _, wtags = parse_wheel_filename(whl.name)
        if any(str(t) in accepted for t in wtags):
            by_name.setdefault(_canon(wname), []).append((version, whl))
    env = windows_environment(python)
    closure = Closure(python)
    chosen: dict[str, tuple[Version, Path]] = {}
    queue: list[tuple[Requirement, str]] = [(Requirement(root), "")]
    seen: set[tuple[str, str, str]] = set()
    while queue:
        req, extra = queue.pop()
        if req.marker is not None and not req.marker.evaluate({**env, "extra": extra}):
            continue
        key = (_canon(req.name), str(req.specifier), ",".join(sorted(req.extras)))
        if key in seen:
            continue
        seen.add(key)
        name = key[0]
        if name in chosen:
            if not req.specifier.contains(chosen[name][0], prereleases=True):
                closure.missing.append(f"{req}（已选 {chosen[name][1].name}）")
                continue
            version, whl = chosen[name]
        else:
            fits = []
            for v, w in by_name.get(name, []):
                requires_python = _requires(w)[1]
                if req.specifier.contains(v, prereleases=True) and (
                    not requires_python or SpecifierSet(requires_python).contains(pyver)
                ):
                    fits.append((v, w))
            if not fits:
                closure.missing.append(str(req))
                extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
                closure.fetch.append(f"{req.name}{extras}{req.specifier}")
                continue
            version, whl = max(fits)
            chosen[name] = (version, whl)
        for line in _requires(whl)[0]:
            sub = Requirement(line)
            for ex in {"", *req.extras}:
                queue.append((sub, ex))
    closure.chosen = {n: w.name for n, (_, w) in sorted(chosen.items())}
    return closure


def _pip(*args: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", *args, "--disable-pip-version-check", "-q"],
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise OutputError(f"pip {args[0]} 失败：{' '.join(tail)}")


def project_root() -> Path:
    """The source checkout this package runs from (the bundle builds its wheel from it)."""
    root = Path(__file__).resolve().parents[3]
    if not (root / "pyproject.toml").is_file():
        raise InputError(
            "annex-tools bundle 需要在项目的源代码文件夹中运行（找不到 pyproject.toml）："
            "请在克隆下来的项目中用 scripts/venv.sh 安装后再运行。"
        )
    return root


def download_wheels(
    dest: Path, project_wheel: Path, pythons: Iterable[str] = PYTHONS, rounds: int = 5
) -> list[Closure]:
    """Every wheel `ROOT` needs on 64-bit Windows for each Python into `dest` (already present
    files are kept: `dest` can be a cache), completed until `windows_closure` misses nothing."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(project_wheel, dest / project_wheel.name)  # never a stale one of that name
    closures = []
    for python in pythons:
        wanted = [f"{dest / project_wheel.name}[excel]"]  # this very wheel, not an index's
        closure = windows_closure(dest, python)
        if not closure.missing:  # the cache holds everything already: no download
            closures.append(closure)
            continue
        for _ in range(rounds):
            _pip(
                "download", "--dest", str(dest), "--find-links", str(dest),
                "--only-binary=:all:", "--platform", "win_amd64", "--python-version", python,
                "--implementation", "cp", *wanted,
            )  # fmt: skip
            closure = windows_closure(dest, python)
            if not closure.missing:
                break
            # requirements pip skipped (markers read on this machine): fetch them by name
            wanted = closure.fetch
            if not wanted:
                break
        closures.append(closure)
    return closures


def build_project_wheel(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    _pip("wheel", "--no-deps", "--wheel-dir", str(out), str(project_root()))
    found = sorted(out.glob(f"annex_tools-{__version__}-*.whl"))
    if not found:
        raise OutputError(f"没有生成 annex-tools {__version__} 的 wheel 文件。")
    return found[-1]


CODE_PAGE = "gbk"  # cp936: what cmd on a Chinese Windows, and Wine's cmd, decode .cmd files in
CHCP = b"\r\nchcp 936 >nul\r\n"


def check_cmd_text(data: bytes) -> str | None:
    """Why a .cmd file would not run as written (None: fine): CRLF line ends, no BOM (cmd would
    run it as part of the first command), GBK text, and ASCII up to `chcp 936` (until then cmd
    decodes the file in whatever code page the console has)."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return "以 BOM 开头"
    if re.search(rb"(?<!\r)\n", data) or re.search(rb"\r(?!\n)", data):
        return "有不是 CRLF 的换行"
    head, sep, _ = data.partition(CHCP)
    if not sep:
        return "没有单独一行的 chcp 936"
    if any(b > 0x7F for b in head):
        return "chcp 936 之前有非 ASCII 字符"
    try:
        data.decode(CODE_PAGE)
    except UnicodeDecodeError:
        return "不是 GBK 编码"
    try:  # UTF-8 Chinese often decodes as GBK too (as garbage): Chinese GBK text is not UTF-8
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "是 UTF-8 编码，不是 GBK" if any(b > 0x7F for b in data) else None


def script_text(name: str, pythons: Iterable[str]) -> bytes:
    """A script of windows/ (kept in UTF-8 in the source) as the bundle carries it: GBK."""
    text = (WINDOWS_DIR / name).read_bytes().decode("utf-8")  # CRLF kept
    text = text.replace("@VERSION@", __version__).replace("@PYVERSIONS@", "、".join(pythons))
    data = text.encode(CODE_PAGE)
    problem = check_cmd_text(data)
    if problem:
        raise OutputError(f"{name} 不能作为 Windows 批处理文件：{problem}")
    return data


GUIDE = """述职评议工具（annex-tools {version}）Windows 离线安装包

1. 把整个文件夹解压到本机磁盘，例如 D:\\述职评议（不要放在网络共享或网盘同步文件夹中）。
2. 双击“安装.cmd”。它不需要联网，也不需要管理员权限：
   找到 Python {pythons}（64 位；没有时会说明请信息技术人员安装哪个安装程序），
   在 %LOCALAPPDATA%\\annex-tools\\venv 建立本工具的 Python 环境，让主表的按钮使用它，
   解除主表的“来自其他计算机”锁定，把本文件夹加入 Excel 的受信任位置（只对当前用户），
   并在桌面放一个“述职评议主表”快捷方式。可以重复运行。
以后双击桌面上的“述职评议主表”，使用“述职评议”选项卡。没有 Excel（例如用 WPS）时，双击“打开页面.cmd”，
在浏览器中使用同样的功能。“卸载.cmd”撤销以上各步，主表和生成的文件都保留。
"""


def make_bundle(
    out: Path | None = None,
    *,
    wheels_cache: Path | None = None,
    master: Path | None = None,
    pythons: tuple[str, ...] = PYTHONS,
) -> BundleResult:
    """`annex-tools bundle`: the zip (default dist/annex-tools-windows-VERSION.zip). Refuses to
    write it when a Python version's install would miss a wheel."""
    root = project_root()
    master = master or root / "xlsm" / MASTER_NAME
    if not master.is_file():
        raise InputError(f"找不到带宏主表“{master}”：请先运行 annex-tools build-workbook。")
    zip_path = out or root / "dist" / f"annex-tools-windows-{__version__}.zip"
    with tempfile.TemporaryDirectory() as tmp:
        project_wheel = build_project_wheel(Path(tmp) / "project")
        wheels = wheels_cache or Path(tmp) / "wheels"
        closures = download_wheels(wheels, project_wheel, pythons)
        missing = [f"Python {c.python}：{m}" for c in closures for m in c.missing]
        if missing:
            raise OutputError("安装包不完整，未生成：" + "；".join(missing))
        needed = sorted({w for c in closures for w in c.chosen.values()})
        top = f"annex-tools-{__version__}"
        zip_path.parent.mkdir(parents=True, exist_ok=True)
        part = zip_path.with_name(zip_path.name + ".part")
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, shown in SCRIPTS.items():
                zf.writestr(f"{top}/{shown}", script_text(name, pythons))
            guide = GUIDE.format(version=__version__, pythons="、".join(pythons))
            zf.writestr(f"{top}/{README_NAME}", guide.replace("\n", "\r\n").encode("utf-8-sig"))
            zf.write(master, f"{top}/{MASTER_NAME}")
            zf.writestr(f"{top}/python/放 Python 安装程序.txt", _python_note(pythons))
            for name in needed:
                # the project wheel is the one just built, never a cached one of the same name
                src = project_wheel if name == project_wheel.name else wheels / name
                zf.write(src, f"{top}/wheels/{name}", compress_type=zipfile.ZIP_STORED)
        part.replace(zip_path)
    return BundleResult(zip_path, needed, closures)


def _python_note(pythons: Iterable[str]) -> bytes:
    text = (
        "这台电脑没有 Python、也不能上网时：把 python.org 的 Windows 64 位安装程序\r\n"
        f"（python-3.12.10-amd64.exe 这样的文件；支持 {'、'.join(pythons)}）放在本文件夹，\r\n"
        "再双击上一级文件夹中的“安装.cmd”，它会为当前用户安装 Python。\r\n"
    )
    return text.encode("utf-8-sig")  # Notepad of any Windows reads UTF-8 with a BOM
