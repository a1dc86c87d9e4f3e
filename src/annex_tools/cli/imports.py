"""Commands that read files back into the master: reports and returned Annex 2 files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annex_tools.cli.app import (
    EXIT_CANNOT_RUN,
    EXIT_FINDINGS,
    EXIT_OK,
    CannotRun,
    TodayAliasOpt,
    app,
    as_of_date,
    err,
    out,
    with_progress,
)  # fmt: skip

if TYPE_CHECKING:
    from annex_tools.usecases.documents import ReturnsResult


@app.command("import-reports")
def import_reports_cmd(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="报告所在文件夹：.docx 按组织名称和姓名匹配；保存的报送邮件（.eml）取其附件，报送日期取自邮件。可省略"
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="按此日期判断（YYYY-MM-DD），默认今天：邮件日期晚于此日的不可信"
        ),
    ] = None,
    today: TodayAliasOpt = None,
) -> None:
    """读取述职报告（含保存的报送邮件 .eml 的附件），把字数、三部分占比和报送组织部日期写入“述职”表。
    有无法确定的文件或与主表不同的报送日期（未写入）时退出码为 1。"""
    from annex_tools.usecases.documents import import_reports

    if folder is not None and not folder.is_dir():
        raise CannotRun(f"“{folder}”不是文件夹。")
    s = import_reports(workbook, folder, progress=with_progress, as_of=as_of_date(as_of, today))
    out.print(
        f"已填写 {len(s.filled)} 份，缺少报告 {len(s.missing)} 份，无法读取 {len(s.unreadable)} 份；"
        f"从邮件填写报送日期 {len(s.sent)} 份。"
    )
    for title, items in (
        ("缺少报告", s.missing),
        ("无法读取", s.unreadable),
        ("无法确定", s.ambiguous),
        ("对应不上任何书记的文件", s.unmatched_files),
        ("报送日期", s.sent),
        ("逾期报送", s.late),
        ("邮件", s.mails),
        ("冲突（未写入）", s.conflicts),
    ):
        for item in items:
            out.print(f"  {title}：{item}")
    if s.backup:
        out.print(f"原文件已备份到 {s.backup}")
    if s.held_back:
        out.print(f"有 {s.held_back} 项无法确定或与主表不同，未写入；请核实后处理。")
    raise typer.Exit(EXIT_FINDINGS if s.held_back else EXIT_OK)


@app.command("import-returns")
def import_returns_cmd(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    files: Annotated[list[Path], typer.Argument(help="各党总支交回的附件2（.xlsx）")],
    apply: Annotated[
        bool, typer.Option("--apply", help="确认写入主表（不加时只显示将要发生的变化）")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="附件2收到日期记为此日期（YYYY-MM-DD），默认今天")
    ] = None,
    today: TodayAliasOpt = None,
) -> None:
    """导入交回的附件2：先列出变化和冲突，加 --apply 才写入“评议”和“整改”表，
    并在“组织”表记下附件2收到日期（已填的不改）。"""
    from annex_tools.usecases.documents import import_returns

    r = import_returns(workbook, files, confirm=lambda _: apply, as_of=as_of_date(as_of, today))
    raise typer.Exit(show_changes(r, apply, "附件2回执中的变化"))


def show_changes(
    r: ReturnsResult, apply: bool, title: str, held_back_kinds: tuple[str, ...] = ()
) -> int:
    """What a returned form changes (Annex 2 returns, ballot tallies), as one table and a line;
    the exit code: 2 when nothing could be read, 1 when something was held back, else 0."""
    for e in r.errors:
        err.print(e, style="red")
    if r.changes:
        from rich.table import Table

        table = Table(title=title)
        for h in ("类型", "文件", "行", "书记", "内容"):
            table.add_column(h, overflow="fold")
        for c in r.changes:
            table.add_row(c.kind, c.file, str(c.row or ""), c.who, c.detail)
        out.print(table)
    pending = sum(c.applies for c in r.changes)
    conflicts = sum(not c.applies for c in r.changes)
    if r.errors and not r.changes:  # nothing could be read: no "--apply" to suggest
        err.print("没有可导入的内容（原因见上），主表未被修改。", style="bold red")
        return EXIT_CANNOT_RUN
    if apply:
        out.print(f"已写入 {r.applied} 项变化；{conflicts} 项冲突或无法对应，未写入。")
        if r.backup:
            out.print(f"原文件已备份到 {r.backup}")
        from annex_tools.documents.returns import HELD_BACK_KINDS

        kinds = HELD_BACK_KINDS + held_back_kinds
        held = sum(c.kind in kinds for c in r.changes)  # not a duplicate, not info
        if held or r.errors:  # something was held back: a scheduled run must notice
            out.print("有内容未写入（见上），请核对后处理，退出码 1。", style="yellow")
            return EXIT_FINDINGS
    else:
        out.print(
            f"共 {pending} 项可写入、{conflicts} 项冲突或无法对应。"
            + ("确认无误后加 --apply 写入主表。" if pending else "没有可写入的变化。")
        )
    return EXIT_OK


@app.command("import-ballots")
def import_ballots_cmd(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    files: Annotated[list[Path], typer.Argument(help="填好的测评统计表（.xlsx）")],
    apply: Annotated[
        bool, typer.Option("--apply", help="确认写入主表（不加时只显示将要发生的变化）")
    ] = False,
) -> None:
    """导入测评统计表：先列出实到人数和票数的变化与冲突，加 --apply 才写入“会议”和“评议”表。
    票数多于实到人数、与主表或另一份统计表不同的，都不写入；有未写入的内容时退出码为 1。"""
    from annex_tools.usecases.intake import BALLOT_HELD_BACK_KINDS, import_ballots

    r = import_ballots(workbook, files, confirm=lambda _: apply)
    raise typer.Exit(show_changes(r, apply, "测评统计表中的变化", BALLOT_HELD_BACK_KINDS))


@app.command("import-rectifications")
def import_rectifications_cmd(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    files: Annotated[list[Path], typer.Argument(help="各二级党组织交回的整改进展表（.xlsx）")],
    apply: Annotated[
        bool, typer.Option("--apply", help="确认写入主表（不加时只显示将要发生的变化）")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="按此日期判断（YYYY-MM-DD），默认今天：完成日期晚于此日的不导入"
        ),
    ] = None,
    today: TodayAliasOpt = None,
) -> None:
    """导入整改进展表：先列出整改状态、完成日期和进展说明的变化与冲突，加 --apply 才写入“整改”表。
    每份表只能改本组织（及所属党支部）的整改项；与主表或另一份表不同的整行不写入；有未写入的内容时退出码为 1。"""
    from annex_tools.usecases.intake import PROGRESS_HELD_BACK_KINDS, import_rect_progress

    r = import_rect_progress(
        workbook, files, confirm=lambda _: apply, as_of=as_of_date(as_of, today)
    )
    raise typer.Exit(show_changes(r, apply, "整改进展表中的变化", PROGRESS_HELD_BACK_KINDS))
