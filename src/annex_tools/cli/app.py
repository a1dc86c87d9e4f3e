"""What every command shares: the typer app, the consoles, exit codes, the options several
commands take, and how findings and written files are shown. Commands live beside it, one module
per subsystem; each command is one use-case call (tests/unit/test_entry_points.py)."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from annex_tools.contract import schema as S
from annex_tools.contract.errors import USER_ERRORS
from annex_tools.contract.findings import SEVERITY_ZH, Finding, Severity

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from annex_tools.usecases.outputs import Outputs


app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="基层党组织书记抓党建述职评议考核工具：主表、校验、文档。",
    rich_markup_mode=None,
)


class _LazyConsole:
    """A rich Console made when first used: importing rich costs a tenth of a second that
    `--help`, `check --json` and a command's usage error do not need. Where rich would write plain
    text (plain_width), lines and the findings tables are written without it, the same bytes."""

    def __init__(self, **options: object) -> None:
        self._options = options
        self._console: Console | None = None

    def _stream(self) -> Any:
        return sys.stderr if self._options.get("stderr") else sys.stdout

    def plain_width(self) -> int | None:
        """The width of the page when rich, not made yet, would write plain text: a pipe or a file
        (no terminal, no colour forced), UTF-8 (else it draws tables in ASCII), not Windows (whose
        console has other boxes); None where rich must write."""
        if self._console is not None or sys.platform == "win32":
            return None
        if any(k in os.environ for k in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")):
            return None
        stream = self._stream()
        try:
            if stream.isatty():
                return None
        except (AttributeError, ValueError):
            return None
        if not (getattr(stream, "encoding", None) or "utf-8").lower().startswith("utf"):
            return None
        columns = os.environ.get("COLUMNS")
        if not columns:
            return 4000  # as _made sets it
        return int(columns) if columns.isdigit() and int(columns) > 0 else None

    def write_plain(self, text: str) -> None:
        stream = self._stream()
        stream.write(text)
        stream.flush()  # as rich does after each print

    def print(self, *objects: Any, style: str | None = None, **options: Any) -> None:
        """Console.print; a line of plain text (the style shows only in a terminal) goes
        straight to the stream when rich would write the same."""
        if (
            not options
            and objects
            and all(isinstance(o, str) and _plain(o) for o in objects)
            and self.plain_width() is not None
        ):
            self.write_plain(" ".join(objects) + "\n")
        else:
            self._made().print(*objects, style=style, **options)

    def _made(self) -> Console:
        if self._console is None:
            from rich.console import Console

            console = Console(**self._options)  # type: ignore[arg-type]
            if not console.is_terminal:  # a log or a pipe: whole lines, never cut at 80 columns
                console.soft_wrap = True
                if not os.environ.get("COLUMNS"):
                    console.width = 4000
            self._console = console
        return self._console

    def __getattr__(self, name: str) -> object:
        return getattr(self._made(), name)

    def __enter__(self) -> Console:
        return self._made().__enter__()

    def __exit__(self, *exc: object) -> None:
        self._made().__exit__(*exc)


def real(console: Console) -> Console:
    """The rich Console itself, for rich's own machinery (a progress bar holds it)."""
    return console._made() if isinstance(console, _LazyConsole) else console


# markup off: names, paths and messages from the data print as they are ("报告[v2].docx" keeps
# its brackets); the few styled words below are Text with a style.
out = cast("Console", _LazyConsole(highlight=False, soft_wrap=False, markup=False))


err = cast("Console", _LazyConsole(stderr=True, highlight=False, soft_wrap=True, markup=False))


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line of plain text and (text, style) pieces."""
    from rich.text import Text

    return Text.assemble(*parts)


EXIT_OK, EXIT_FINDINGS, EXIT_CANNOT_RUN = 0, 1, 2


_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class CannotRun(Exception):
    """A Chinese message for the user; the command exits 2."""


CANNOT_RUN: tuple[type[Exception], ...] = (CannotRun, *USER_ERRORS)  # exit 2 with the message


def parse_date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CannotRun(f"{option} 的值“{value}”不是 YYYY-MM-DD 形式的日期。") from None


def as_of_date(as_of: str | None, today: str | None = None) -> dt.date:
    """The as-of date (按此日期判断到期与否): `--as-of`, or its old name `--today` (hidden, kept
    for scripts), else today. Both given with different dates is refused."""
    if as_of and today and as_of != today:
        raise CannotRun(
            f"--as-of（{as_of}）与它的旧名 --today（{today}）给了不同的日期，请只给 --as-of。"
        )
    if as_of:
        return parse_date(as_of, "--as-of")
    if today:
        return parse_date(today, "--today")
    return dt.date.today()


def signed_date(signed: str | None, as_of: dt.date) -> dt.date | None:
    """The signature date (落款日期) given with `--signed` (None: the use case dates the document
    from the master, else by the as-of date). A document is not signed after the day it is
    judged by, as a 反馈日期 may not be after it."""
    if not signed:
        return None
    day = parse_date(signed, "--signed")
    if day > as_of:
        raise CannotRun(
            f"--signed 的落款日期{day.isoformat()}晚于判断日期{as_of.isoformat()}（--as-of，默认今天）："
            "文档不能在尚未到来的日子落款。请给不晚于判断日期的落款日期，或把 --as-of 设为落款那天。"
        )
    return day


def place(f: Finding) -> str:
    if not f.sheet:
        return ""
    if f.row is None:
        return f"{f.sheet}" + (f"（{f.column}）" if f.column else "")
    return f"{f.sheet} 第{f.row}行" + (f"「{f.column}」" if f.column else "")


SHOWN_PER_SEVERITY = 50  # the terminal table stops here; --json and 校验结果 have them all


# rich's emoji codes (":smile:"), which it would replace in any text it prints
_EMOJI_CODE = re.compile(r":\S*:")


def _plain(text: str) -> bool:
    """Whether rich prints `text` as it is: no control character, tab or line break (rich strips,
    expands or splits them) and nothing like an emoji code."""
    return text.isprintable() and not _EMOJI_CODE.search(text)


# rich's HEAVY_HEAD box: top, header, below the header, rows, bottom
_BOX = ("┏━┳┓", "┃ ┃┃", "┡━╇┩", "│ ││", "└─┴┘")


def plain_table(
    title: str, header: Sequence[str], rows: Sequence[Sequence[str]], width: int
) -> str | None:
    """A title and a table as rich writes them as plain text (soft wrap: the title as it is;
    each column as wide as its widest cell, one space either side), or None where rich would
    lay it out otherwise: wider than `width`, or a text rich would change (_plain)."""
    from rich.cells import cell_len  # rich's own measure, without its console and table (~0.03 s)

    lines = [header, *rows]
    if not (_plain(title) and all(_plain(c) for row in lines for c in row)):
        return None
    widths = [max(cell_len(row[i]) for row in lines) for i in range(len(header))]
    if sum(widths) + 3 * len(widths) + 1 > width:
        return None

    def rule(box: str) -> str:
        return box[0] + box[2].join(box[1] * (w + 2) for w in widths) + box[3]

    def cells(box: str, row: Sequence[str]) -> str:
        padded = (f" {c}{' ' * (w - cell_len(c))} " for c, w in zip(row, widths, strict=True))
        return box[0] + box[2].join(padded) + box[3]

    top = [title, rule(_BOX[0]), cells(_BOX[1], header), rule(_BOX[2])]
    return "\n".join([*top, *(cells(_BOX[3], row) for row in rows), rule(_BOX[4])]) + "\n"


_FINDING_COLUMNS = ("规则", "位置", "说明")


def render_findings(
    findings: list[Finding], console: Console = out, limit: int = SHOWN_PER_SEVERITY
) -> None:
    """The findings as tables, at most `limit` rows per severity (a broken master can have tens
    of thousands, and laying out a table of them takes minutes and gigabytes); what is left
    out is counted, with where to see all of it. Into a pipe or a file the tables are written
    without rich where they come out the same (plain_table)."""
    left_out = 0
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        group = [f for f in findings if f.severity is severity]
        if not group:
            continue
        shown = group[:limit]
        left_out += len(group) - len(shown)
        title = f"{SEVERITY_ZH[severity]}（{len(group)}）" + (
            f"，只列出前 {len(shown)} 条" if len(shown) < len(group) else ""
        )
        rows = [(f.code, place(f), f.message) for f in shown]
        width = console.plain_width() if isinstance(console, _LazyConsole) else None
        plain = plain_table(title, _FINDING_COLUMNS, rows, width) if width else None
        if plain is not None and isinstance(console, _LazyConsole):
            console.write_plain(plain)
        else:
            console.print(_rich_table(title, severity, rows))
    if left_out:
        console.print(
            f"另有 {left_out} 条未在上表列出。全部内容：annex-tools check 主表 --json，"
            f"或 annex-tools check 主表 --write 写入“{S.RESULTS_SHEET}”表。",
            style="yellow",
        )


def _rich_table(title: str, severity: Severity, rows: list[tuple[str, str, str]]) -> Any:
    from rich.table import Table

    table = Table(title=title, title_style=_STYLE[severity], show_lines=False)
    table.add_column(_FINDING_COLUMNS[0], style="dim", no_wrap=True)
    table.add_column(_FINDING_COLUMNS[1], no_wrap=True)
    table.add_column(_FINDING_COLUMNS[2], overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


DraftOpt = Annotated[
    bool,
    typer.Option("--draft", help="主表有错误时仍然生成草稿（每页标“草稿”，不得印发）"),
]


ForceOpt = Annotated[
    bool,
    typer.Option("--force", help="覆盖生成后被人改过的文件（改过的文件先备份到“备份”文件夹）"),
]


AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="按此日期判断到期与否、校验主表（YYYY-MM-DD），默认今天"),
]


# `--today`: the old name of `--as-of`, hidden from the help, kept for scripts (CHANGELOG)
TodayAliasOpt = Annotated[str | None, typer.Option("--today", hidden=True)]


# `--signed` of the letters and opinions (feedback, archive): the date of those without a 反馈日期
SignedOpt = Annotated[
    str | None,
    typer.Option(
        "--signed",
        help="落款日期（YYYY-MM-DD），用于“反馈日期”为空的书记的评价意见；默认同 --as-of",
    ),
]


OutFolderOpt = Annotated[
    Path | None,
    typer.Option("--out", help="输出文件夹；默认主表旁的“YYYY年度…”文件夹（年度取自设置）"),
]


def report_outputs(done: Outputs) -> None:
    out.print(f"输出文件夹：{done.folder}")
    if done.nothing:
        out.print(done.nothing, style="yellow")
    list_files(f"已生成{done.title}", done.written)
    for backup in done.backups:
        out.print(f"  已把改过的旧文件备份到：{backup}", style="cyan")
    if done.kept:
        out.print(
            f"以下 {len(done.kept)} 个文件在生成后被改过，未覆盖（要替换请加 --force，旧文件会先备份）：",
            style="yellow",
        )
        for p in done.kept:
            out.print(f"  {p}")
    if done.locked:
        out.print(
            f"以下 {len(done.locked)} 个文件正被 Excel、WPS 或 LibreOffice 打开，未写入（关闭后重新运行）：",
            style="yellow",
        )
        for p in done.locked:
            out.print(f"  {p}")
    if done.others:
        out.print(
            f"主表另有 {done.others} 个错误，不在{done.title}所用的内容中，未影响本次生成"
            "（运行 annex-tools check 查看）。",
            style="yellow",
        )
    if done.gaps:
        out.print("按草稿生成（第一页写明原因），正式印发前须在主表中填写：", style="yellow")
        for gap in done.gaps:
            out.print(f"  {gap}")


def with_progress(items: Iterable[object], label: str) -> Iterable[object]:
    from rich.progress import track

    return track(list(items), description=label, console=real(err), transient=True)


def list_files(title: str, paths: list[Path]) -> None:
    out.print(f"{title}（{len(paths)} 个）：")
    for p in paths:
        out.print(f"  {p}")
