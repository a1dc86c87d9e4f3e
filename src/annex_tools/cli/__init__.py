"""The `annex-tools` command line: thin commands over the use cases, rendered with rich.

app.py holds what the commands share; the commands are in master.py, documents.py, imports.py,
archive.py and setup.py (importing them registers them, in the order `--help` lists them);
zh.py puts click's own messages into Chinese. Each module imports only what it needs at the top:
the work is imported inside the command that runs it, and `main` imports only the module of the
command it runs (COMMAND_MODULES).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from pathlib import Path

import typer

from annex_tools.cli.app import (
    CANNOT_RUN,
    EXIT_CANNOT_RUN,
    EXIT_FINDINGS,
    EXIT_OK,
    app,
    err,
    render_findings,
    styled,
)  # fmt: skip
from annex_tools.contract.errors import DocumentIncomplete, MasterHasErrors
from annex_tools.contract.findings import Severity

__all__ = ["COMMAND_MODULES", "app", "load_commands", "main", "run"]


# The command modules, each with the commands it registers, in the order `--help` lists them.
# `annex-tools CMD ...` imports CMD's module alone: importing all five and building the click
# commands of all 26 cost ~0.05 s, a tenth of an institute `check`.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "master": ("new", "check", "clear-marks", "analyze", "demo"),
    "documents": (
        "templates", "annex2", "summary", "notice-grades", "feedback", "rectifications",
        "progress", "ballots", "interviews", "rectification-forms", "hr-export",
    ),
    "imports": ("import-reports", "import-returns", "import-ballots", "import-rectifications"),
    "archive": ("archive",),
    "setup": ("build-workbook", "bundle", "serve", "doctor", "version"),
}  # fmt: skip


def load_commands(argv: list[str]) -> None:
    """Register the command `argv` starts with by importing its module; with no known command
    first (`--help`, nothing, a misspelt name) all of them, so click lists them all or suggests
    the nearest."""
    name = argv[0] if argv else ""
    wanted = [m for m, names in COMMAND_MODULES.items() if name in names] or list(COMMAND_MODULES)
    for module in wanted:
        importlib.import_module(f"annex_tools.cli.{module}")


def os_failure(exc: BaseException) -> str:
    """An operating-system failure met outside the safe writes (a temporary file of a library,
    say), in Chinese, naming the file or the temporary folder; nothing was changed."""
    import errno
    import tempfile

    from annex_tools.workbook.safewrite import os_reason

    if isinstance(exc, OSError):
        reason = os_reason(exc)
        name = exc.filename or exc.filename2
    else:  # lxml's SerialisationError: "IO_ENOSPC", "IO_EFBIG" ...
        code = str(exc).removeprefix("IO_")
        reason = os_reason(OSError(getattr(errno, code, errno.EIO), code))
        name = None
    where = f"“{name}”" if name else f"临时文件夹“{tempfile.gettempdir()}”或输出位置"
    return f"写入{where}时失败：{reason}。主表和已有文件未被修改（如为临时文件夹，可设置环境变量 TMPDIR 换一个位置）"


def _log_crash() -> Path:
    """The traceback into the user's own log (the same file the ribbon buttons write)."""
    from annex_tools.logs import log_path, logger

    logger("annex_tools.cli").exception("%s", sys.argv)
    return log_path()


def main() -> None:
    from annex_tools.cli import zh as cli_zh

    # numpy's OpenBLAS starts a thread per core as it is imported (~0.03 s of CPU, a twentieth of
    # an institute `check`); no command does linear algebra
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    cli_zh.install()
    try:  # Ctrl-C while the command's modules are imported
        load_commands(sys.argv[1:])
        command = typer.main.get_group(app)  # a group even when the module loaded has one command
        cli_zh.localize(command)
    except KeyboardInterrupt:
        err.print("已取消。")
        sys.exit(130)
    try:
        code = command.main(prog_name="annex-tools", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except MasterHasErrors as exc:
        render_findings([f for f in exc.result.findings if f.severity is Severity.ERROR], err)
        err.print(styled(("未生成：", "bold red"), str(exc)))
        sys.exit(EXIT_FINDINGS)
    except DocumentIncomplete as exc:
        err.print(styled(("未生成：", "bold red"), str(exc)))
        sys.exit(EXIT_FINDINGS)
    except CANNOT_RUN as exc:
        err.print(styled(("无法运行：", "bold red"), str(exc)))
        sys.exit(EXIT_CANNOT_RUN)
    except PermissionError as exc:
        err.print(
            styled(
                ("无法运行：", "bold red"),
                f"没有权限读写“{exc.filename}”（文件可能被其他程序占用）。",
            )
        )
        sys.exit(EXIT_CANNOT_RUN)
    except OSError as exc:  # disk full, a file-size limit, a read-only disk ... met anywhere
        err.print(styled(("无法运行：", "bold red"), os_failure(exc)))
        sys.unraisablehook = lambda _: None  # a library's half-written temporary file, closed late
        sys.exit(EXIT_CANNOT_RUN)
    except KeyboardInterrupt:
        err.print("已取消。")
        sys.exit(130)
    except Exception as exc:  # click's usage errors and anything unforeseen: no traceback
        if type(exc).__name__ == "NoArgsIsHelpError":  # `annex-tools` alone: the help, plainly
            sys.stdout.write(cli_zh.translate(exc.format_message()) + "\n")  # type: ignore[attr-defined]
            sys.exit(EXIT_OK)
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):  # click/typer usage errors
            ctx = getattr(exc, "ctx", None)
            where = ctx.command_path if ctx is not None else "annex-tools"
            err.print(
                styled(
                    ("命令用法有误：", "bold red"),
                    f"{cli_zh.translate(exc.format_message())}（运行 {where} --help 查看用法）",
                )
            )
            sys.exit(EXIT_CANNOT_RUN)
        if type(exc).__name__ == "Abort":
            sys.exit(130)
        if type(exc).__name__ == "SerialisationError":  # lxml writing a temporary file
            err.print(styled(("无法运行：", "bold red"), os_failure(exc)))
            sys.unraisablehook = lambda _: None  # its other generators, closed at exit
            sys.exit(EXIT_CANNOT_RUN)
        log = _log_crash()
        err.print(
            styled(
                ("内部错误：", "bold red"),
                f"{type(exc).__name__}: {exc}。详细信息已写入 {log}。",
            )
        )
        sys.exit(EXIT_CANNOT_RUN)
    sys.exit(code if isinstance(code, int) else 0)


def run() -> None:
    """The `annex-tools` command (and `python -m annex_tools`): `main`, then the process ends
    without taking the interpreter apart. Freeing pandas, numpy and the frames module by module
    costs ~0.09 s at every exit (a fifth of an institute `check`) and does nothing a finished
    command needs: the exit handlers still run (logging's flush, temporary folders' cleanup) and
    stdout and stderr are flushed first; a failed flush (a closed pipe) ends with 120, as Python
    itself does. Where another thread is still running, Python's own exit (which waits for it)."""
    try:
        main()
        code: str | int | None = 0
    except SystemExit as exc:
        code = exc.code
    import threading

    if threading.active_count() > 1:
        sys.exit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message"): printed, exit status 1
        with contextlib.suppress(Exception):
            print(code, file=sys.stderr)
        code = 1
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            code = code or 120
    os._exit(code)
