"""Commands around the tool: build-workbook, bundle, serve, doctor, version."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annex_tools import __version__
from annex_tools.cli.app import (
    EXIT_FINDINGS,
    EXIT_OK,
    app,
    out,
)  # fmt: skip


@app.command("build-workbook")
def build_workbook_cmd(
    out_path: Annotated[Path, typer.Option("--out", help="输出的带宏主表（.xlsm）")] = Path(
        "xlsm/annex-master.xlsm"
    ),
    macros: Annotated[
        Path | None, typer.Option("--macros", help="VBA 源码和 customUI.xml 所在文件夹")
    ] = None,
) -> None:
    """从源码生成带宏主表（功能区、按钮宏、xlwings 模块、自定义函数）。"""
    from annex_tools.usecases.start import build_macro_master

    out.print(f"已生成带宏主表：{build_macro_master(out_path, macros)}")


@app.command()
def bundle(
    out_path: Annotated[
        Path | None,
        typer.Option("--out", help="输出的 .zip；默认 dist/annex-tools-windows-版本.zip"),
    ] = None,
    wheels: Annotated[
        Path | None,
        typer.Option("--wheels", help="存放下载的 wheel 的文件夹（再次生成时不重复下载）"),
    ] = None,
) -> None:
    """Windows 离线安装包：本工具和全部依赖的 wheel（64 位 Windows，Python 3.11–3.13）、带宏主表、安装.cmd 和卸载.cmd。"""
    from annex_tools.usecases.bundle import make_bundle

    made = make_bundle(out_path, wheels_cache=wheels)
    out.print(f"已生成 Windows 离线安装包：{made.zip_path}（{len(made.wheels)} 个 wheel）")
    for c in made.closures:
        out.print(f"  Python {c.python}：离线安装 {len(c.chosen)} 个软件包，无缺失")


@app.command()
def serve(
    folder: Annotated[Path, typer.Argument(help="主表所在文件夹，默认当前文件夹")] = Path("."),
    port: Annotated[int, typer.Option("--port", help="端口；默认自动选一个空闲端口")] = 0,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="不自动打开浏览器（地址仍会显示）")
    ] = False,
) -> None:
    """本机页面：在浏览器中使用功能区的全部按钮（没有 Excel 时，例如 WPS、信创 Linux）。只在本机 127.0.0.1 上，地址带随机口令。"""
    from annex_tools.web.server import serve as run_server

    def announce(text: str) -> None:
        out.print(text)
        out.file.flush()

    run_server(folder, port, not no_browser, announce)


@app.command()
def doctor(
    workbook: Annotated[Path, typer.Argument(help="带宏主表（.xlsm）")],
) -> None:
    """环境检查：按钮会启动哪个 Python（及这个设置来自哪里）、版本是否与主表配套、annex_tools 能否导入。"""
    from annex_tools.usecases.environment import check_environment

    ok, text = check_environment(workbook)
    out.print(text)
    raise typer.Exit(EXIT_OK if ok else EXIT_FINDINGS)


@app.command()
def version() -> None:
    """显示版本。"""
    out.print(f"annex-tools {__version__}")
