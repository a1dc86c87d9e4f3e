"""The `annex-tools` command line: thin commands over the service functions, rendered with rich."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annex_tools import __version__
from annex_tools.contract import schema as S
from annex_tools.contract.errors import USER_ERRORS, DocumentIncomplete, MasterHasErrors
from annex_tools.contract.findings import SEVERITY_ZH, Finding, Severity

if TYPE_CHECKING:
    from annex_tools.archive import ArchiveResult
    from annex_tools.usecases.check import AnalyzeResult
    from annex_tools.usecases.outputs import Outputs

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="基层党组织书记抓党建述职评议考核工具：主表、校验、文档。",
    rich_markup_mode=None,
)
# markup off: names, paths and messages from the data print as they are ("报告[v2].docx" keeps
# its brackets); the few styled words below are Text with a style.
out = Console(highlight=False, soft_wrap=False, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
for _console in (out, err):
    if not _console.is_terminal:  # a log or a pipe: whole lines, never cut at 80 columns
        _console.soft_wrap = True
        if not os.environ.get("COLUMNS"):
            _console.width = 4000


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line of plain text and (text, style) pieces."""
    return Text.assemble(*parts)


EXIT_OK, EXIT_FINDINGS, EXIT_CANNOT_RUN = 0, 1, 2
_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class CannotRun(Exception):
    """A Chinese message for the user; the command exits 2."""


CANNOT_RUN: tuple[type[Exception], ...] = (CannotRun, *USER_ERRORS)  # exit 2 with the message


def _today(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CannotRun(f"--today 的值“{value}”不是 YYYY-MM-DD 形式的日期。") from None


def _place(f: Finding) -> str:
    if not f.sheet:
        return ""
    if f.row is None:
        return f"{f.sheet}" + (f"（{f.column}）" if f.column else "")
    return f"{f.sheet} 第{f.row}行" + (f"「{f.column}」" if f.column else "")


SHOWN_PER_SEVERITY = 50  # the terminal table stops here; --json and 校验结果 have them all


def render_findings(
    findings: list[Finding], console: Console = out, limit: int = SHOWN_PER_SEVERITY
) -> None:
    """The findings as tables, at most `limit` rows per severity (a broken master can have tens
    of thousands, and laying out a table of them takes minutes and gigabytes); what is left
    out is counted, with where to see all of it."""
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
        table = Table(title=title, title_style=_STYLE[severity], show_lines=False)
        table.add_column("规则", style="dim", no_wrap=True)
        table.add_column("位置", no_wrap=True)
        table.add_column("说明", overflow="fold")
        for f in shown:
            table.add_row(f.code, _place(f), f.message)
        console.print(table)
    if left_out:
        console.print(
            f"另有 {left_out} 条未在上表列出。全部内容：annex-tools check 主表 --json，"
            f"或 annex-tools check 主表 --write 写入“{S.RESULTS_SHEET}”表。",
            style="yellow",
        )


@app.command()
def new(
    path: Annotated[
        Path, typer.Argument(help="新主表的路径（.xlsx；从上年度开始时也可以是带宏的 .xlsm）")
    ],
    force: Annotated[
        bool, typer.Option("--force", help="覆盖已存在的文件（旧文件先备份）")
    ] = False,
    from_: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="上年度主表：设置顺延一年、组织和书记、未核验完成的整改转入（上年度文件只读不改）",
        ),
    ] = None,
) -> None:
    """新建一个空白主表（含说明、设置和各工作表）；加 --from 时从上年度主表开始新的一年。"""
    from annex_tools.usecases.start import new_master

    plan = new_master(path, force=force, last_year=from_)
    if plan is None:
        out.print(f"已新建主表：{path}")
        return
    kind = "带宏主表（功能区、自定义函数和看板）" if plan.macro else "主表"
    out.print(f"已从“{from_}”新建{plan.year}年度{kind}：{path}（上年度文件未改动）")
    if plan.source_note:
        out.print(plan.source_note, style="bold red")
    out.print(
        f"述职 {len(plan.data['subs'])} 行；转入上年度未核验完成的整改 {len(plan.carried)} 项。"
    )
    for item in plan.carried:
        if item.handover:
            out.print(f"  {item.old_id} → {item.new_id}：{item.handover}")
    if plan.not_carried:
        out.print(f"未能转入（组织已不存在）：{'、'.join(plan.not_carried)}")
    out.print(f"“设置”表中顺延一年的日期已标记待核对：{'、'.join(plan.review_keys)}")


@app.command()
def check(
    workbook: Annotated[Path, typer.Argument(help="主表（.xlsx 或 .xlsm）")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="按此日期校验（YYYY-MM-DD），默认今天")
    ] = None,
    write: Annotated[
        bool, typer.Option("--write", help="把结果写入“校验结果”表并标记出错单元格")
    ] = False,
) -> None:
    """全面校验主表：数据、述职报告、流程、等次和整改。有错误时退出码为 1。"""
    from annex_tools.usecases.check import check_master

    day = _today(today)
    run = check_master(workbook, day, dt.datetime.now(), mark=write)
    result = run.result
    if as_json:
        sys.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        render_findings(result.findings)
        summary = f"校验完成（{workbook.name}，按 {day:%Y-%m-%d}）：错误 {result.errors} 个，警告 {result.warnings} 个。"
        if result.pending:
            summary += f"尚未到期的待办 {len(result.pending)} 项（不算错误），详见 annex-tools progress。"
        out.print(summary, style="bold red" if result.errors else "bold green")
        if write:
            out.print(
                f"结果已写入“{S.RESULTS_SHEET}”表，标记了 {run.marked} 个单元格；原文件已备份到 {run.backup}"
            )
    raise typer.Exit(EXIT_FINDINGS if result.errors else EXIT_OK)


def _part_cell(words: int | None, share: float | None) -> str:
    if words is None:
        return "未找到"
    return f"{words}字" + (f" {share * 100:.1f}%" if share is not None else "")


@app.command()
def analyze(
    files: Annotated[list[Path], typer.Argument(help="述职报告 .docx 文件")],
    category: Annotated[
        str | None,
        typer.Option(
            "--category",
            help="二级党组织书记 或 党支部书记（决定字数上限）；不写时从 --master 主表或文件名判断",
        ),
    ] = None,
    master: Annotated[
        Path | None,
        typer.Option("--master", help="主表：按其中的述职记录判断类别，并使用其设置中的字数上限"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="逐项说明判断依据：各部分标题在哪一行、“我”和数字在哪里、必答项是否在正文中",
        ),
    ] = False,
) -> None:
    """分析述职报告：字数（与 Word 一致）、三部分占比、第一人称、数据、必答项。"""
    from annex_tools.usecases.check import analyze as run_analyze

    results = run_analyze(files, category, master)
    if as_json:
        rows = [r.as_json() for r in results]
        if explain:
            for row, r in zip(rows, results, strict=True):
                row["explanation"] = r.analysis.explanation if r.analysis else []
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        _render_analyses(results, explain)
    # a missing file stopped the command above (exit 2); one that cannot be read is a finding
    has_error = any(r.error for r in results) or any(
        f.severity is Severity.ERROR for r in results for f in r.findings
    )
    raise typer.Exit(EXIT_FINDINGS if has_error else EXIT_OK)


def _render_analyses(results: list[AnalyzeResult], explain: bool) -> None:
    from annex_tools.analysis import PART_ZH

    table = Table(title="述职报告分析")
    table.add_column("文件")
    table.add_column("字数", justify="right")
    for part in PART_ZH.values():
        table.add_column(part, justify="right")
    table.add_column("我")
    table.add_column("数据")
    table.add_column("必答项")
    yes = lambda b: "是" if b else "否"  # noqa: E731
    for r in results:
        a = r.analysis
        if a is None:
            table.add_row(Path(r.file).name, Text(r.error, style="red"), "", "", "", "", "", "")
            continue
        cells = [_part_cell(a.parts[p], a.shares[p]) for p in PART_ZH]
        table.add_row(
            Path(r.file).name,
            str(a.words),
            *cells,
            yes(a.first_person),
            yes(a.figures),
            yes(a.mandatory_item),
        )
    out.print(table)
    if explain:
        for r in results:
            if r.analysis is not None:
                out.print(f"\n判断依据（{Path(r.file).name}）：")
                for line in r.analysis.explanation:
                    out.print(f"  · {line}", markup=False)
    render_findings([f for r in results for f in r.findings])


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="演示文件输出目录")] = Path("demo"),
    today: Annotated[
        str | None, typer.Option("--today", help="校验所按的日期（YYYY-MM-DD），默认今天")
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="输出文件夹已有文件时仍重新生成（原文件夹先改名保留）"),
    ] = False,
) -> None:
    """生成一个虚构学院的完整演示（主表、述职报告），并运行校验。"""
    from annex_tools.usecases.start import run_demo

    run = run_demo(out_dir, _today(today), _progress, force=force)
    made, result = run.made, run.result
    out.print(f"演示主表：{made.workbook}")
    out.print(f"述职报告：{made.reports_dir}（{made.report_count} 份 .docx）")
    render_findings(result.findings)
    out.print(
        f"演示数据中故意埋了 {len(made.planted)} 处常见错误；校验发现错误 {result.errors} 个，警告 {result.warnings} 个。",
        style="bold",
    )
    for p in made.planted:
        where = f"{p.sheet} 第{p.row}行" if p.row else (p.sheet or "")
        out.print(
            f"  埋下的错误：{p.what}（{where}{'「' + p.column + '」' if p.column else ''}，{p.code}）"
        )
    if result.errors:  # the planted mistakes are errors: the documents are drafts
        out.print("主表有错误，以下文档按草稿生成（每页标有“草稿”）。", style="yellow")
    for done in run.outputs:
        _report_outputs(done)
    out.print(
        f"试试：annex-tools check {made.workbook} --write   然后用 Excel 打开主表查看“{S.RESULTS_SHEET}”表。"
    )


DraftOpt = Annotated[
    bool,
    typer.Option("--draft", help="主表有错误时仍然生成草稿（每页标“草稿”，不得印发）"),
]
ForceOpt = Annotated[
    bool,
    typer.Option("--force", help="覆盖生成后被人改过的文件（改过的文件先备份到“备份”文件夹）"),
]


def _report_outputs(done: Outputs) -> None:
    out.print(f"输出文件夹：{done.folder}")
    _list_files(f"已生成{done.title}", done.written)
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
    if done.gaps:
        out.print("按草稿生成（第一页写明原因），正式印发前须在主表中填写：", style="yellow")
        for gap in done.gaps:
            out.print(f"  {gap}")


def _progress(items: Iterable[object], label: str) -> Iterable[object]:
    from rich.progress import track

    return track(list(items), description=label, console=err, transient=True)


def _list_files(title: str, paths: list[Path]) -> None:
    out.print(f"{title}（{len(paths)} 个）：")
    for p in paths:
        out.print(f"  {p}")


TodayOpt = Annotated[
    str | None, typer.Option("--today", help="校验所按的日期（YYYY-MM-DD），默认今天")
]
OutFolderOpt = Annotated[
    Path | None,
    typer.Option("--out", help="输出文件夹；默认主表旁的“YYYY年度…”文件夹（年度取自设置）"),
]


@app.command()
def templates(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    out_dir: OutFolderOpt = None,
    today: TodayOpt = None,
    draft: DraftOpt = False,
    force: ForceOpt = False,
) -> None:
    """为每位需要述职的书记生成述职报告模板（附件1，.docx）。"""
    from annex_tools.usecases.documents import make_templates

    _report_outputs(
        make_templates(
            workbook, out_dir, _today(today), draft=draft, force=force, progress=_progress
        )
    )


@app.command("import-reports")
def import_reports_cmd(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="报告所在文件夹：.docx 按组织名称和姓名匹配；保存的报送邮件（.eml）取其附件，报送日期取自邮件。可省略"
        ),
    ] = None,
    today: TodayOpt = None,
) -> None:
    """读取述职报告（含保存的报送邮件 .eml 的附件），把字数、三部分占比和报送组织部日期写入“述职”表。
    有无法确定的文件或与主表不同的报送日期（未写入）时退出码为 1。"""
    from annex_tools.usecases.documents import import_reports

    if folder is not None and not folder.is_dir():
        raise CannotRun(f"“{folder}”不是文件夹。")
    s = import_reports(workbook, folder, progress=_progress, today=_today(today))
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


@app.command()
def annex2(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    out_dir: OutFolderOpt = None,
    today: TodayOpt = None,
    draft: DraftOpt = False,
    force: ForceOpt = False,
) -> None:
    """为每个有在职党支部的二级党组织生成附件2（评议考核结果和问题整改清单，.xlsx）。"""
    from annex_tools.usecases.documents import make_annex2

    _report_outputs(
        make_annex2(workbook, out_dir, _today(today), draft=draft, force=force, progress=_progress)
    )


@app.command("import-returns")
def import_returns_cmd(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    files: Annotated[list[Path], typer.Argument(help="各党总支交回的附件2（.xlsx）")],
    apply: Annotated[
        bool, typer.Option("--apply", help="确认写入主表（不加时只显示将要发生的变化）")
    ] = False,
    today: TodayOpt = None,
) -> None:
    """导入交回的附件2：先列出变化和冲突，加 --apply 才写入“评议”和“整改”表，
    并在“组织”表记下附件2收到日期（已填的不改）。"""
    from annex_tools.usecases.documents import import_returns

    r = import_returns(workbook, files, confirm=lambda _: apply, today=_today(today))
    for e in r.errors:
        err.print(e, style="red")
    if r.changes:
        table = Table(title="附件2回执中的变化")
        for h in ("类型", "文件", "行", "书记", "内容"):
            table.add_column(h, overflow="fold")
        for c in r.changes:
            table.add_row(c.kind, c.file, str(c.row or ""), c.who, c.detail)
        out.print(table)
    pending = sum(c.applies for c in r.changes)
    conflicts = sum(not c.applies for c in r.changes)
    if r.errors and not r.changes:  # nothing could be read: no "--apply" to suggest
        err.print("没有可导入的内容（原因见上），主表未被修改。", style="bold red")
        raise typer.Exit(EXIT_CANNOT_RUN)
    if apply:
        out.print(f"已写入 {r.applied} 项变化；{conflicts} 项冲突或无法对应，未写入。")
        if r.backup:
            out.print(f"原文件已备份到 {r.backup}")
        if conflicts or r.errors:  # something was held back: a scheduled run must notice
            out.print("有内容未写入（见上），请核对后处理，退出码 1。", style="yellow")
            raise typer.Exit(EXIT_FINDINGS)
    else:
        out.print(
            f"共 {pending} 项可写入、{conflicts} 项冲突或无法对应。"
            + ("确认无误后加 --apply 写入主表。" if pending else "没有可写入的变化。")
        )
    raise typer.Exit(EXIT_OK)


@app.command()
def summary(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="输出文件（.docx 或 .pdf）或文件夹；默认主表旁的“YYYY年度述职评议工作情况报告.docx”",
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today", help="统计所按的日期（YYYY-MM-DD），默认今天；落款日期取设置中的“报告日期”"
        ),
    ] = None,
    draft: DraftOpt = False,
    force: ForceOpt = False,
) -> None:
    """生成向市委教育工委报送的述职评议工作情况报告（公文格式；--out 以 .pdf 结尾时经 LibreOffice 生成 PDF）。"""
    from annex_tools.usecases.documents import make_summary

    done = make_summary(workbook, out_file, _today(today), draft=draft, force=force)
    _report_outputs(done)
    short = done.plan.get("bodies_short") or []
    if short:
        out.print(
            f"注意：{'、'.join(map(str, short))}“较好”及以下比例未达到要求，报告中已写明。",  # type: ignore[call-overload]
            style="yellow",
        )


@app.command("notice-grades")
def notice_grades(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="输出文件（.docx 或 .pdf）或文件夹；默认主表旁的“YYYY年度述职评议考核结果通报.docx”",
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today", help="校验所按的日期（YYYY-MM-DD），默认今天；落款取设置中的“通报日期”"
        ),
    ] = None,
    draft: DraftOpt = False,
    force: ForceOpt = False,
) -> None:
    """生成等次通报（公文格式，主送“通报范围”，落款“通报日期”）：在一定范围内通报综合评价等次。"""
    from annex_tools.usecases.documents import make_grade_notice

    _report_outputs(make_grade_notice(workbook, out_file, _today(today), draft=draft, force=force))


@app.command()
def feedback(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    out_dir: OutFolderOpt = None,
    today: Annotated[
        str | None, typer.Option("--today", help="落款日期（YYYY-MM-DD），默认反馈日期或今天")
    ] = None,
    draft: DraftOpt = False,
    force: ForceOpt = False,
) -> None:
    """为每位已评定等次的书记生成评价意见反馈（.docx）。"""
    from annex_tools.usecases.documents import make_feedback

    _report_outputs(
        make_feedback(
            workbook, out_dir, _today(today), draft=draft, force=force, progress=_progress
        )
    )


@app.command()
def archive(
    target: Annotated[
        str,
        typer.Argument(help="主表路径；或写 verify 表示校验已有归档", metavar="WORKBOOK|verify"),
    ],
    archive_dir: Annotated[Path | None, typer.Argument(help="verify 时：归档文件夹")] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="归档文件夹；默认主表旁的“人事档案归档”")
    ] = None,
    pdf: Annotated[
        bool | None,
        typer.Option("--pdf/--no-pdf", help="同时生成 PDF/A-2b（默认：装有 LibreOffice 时生成）"),
    ] = None,
    all_levels: Annotated[
        bool, typer.Option("--all", help="同时归档已评定等次的党支部书记")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只显示将要写入的文件，不写入")
    ] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="落款日期（YYYY-MM-DD），默认反馈日期或今天")
    ] = None,
    refile: Annotated[
        list[str] | None,
        typer.Option(
            "--refile",
            help="更正归属：把该述职编号已归档的文件移到主表所写的人名下（可重复；须同时给 --reason）",
            metavar="述职编号",
        ),
    ] = None,
    reason: Annotated[
        str, typer.Option("--reason", help="--refile 的更正原因（写入档案的更正记录）")
    ] = "",
) -> None:
    """把二级党组织书记的评价意见归入人事档案（BagIt + SHA-256，只写一次）；archive verify 目录 校验归档。"""
    from annex_tools.archive import ArchiveError, ArchiveTampered
    from annex_tools.usecases.documents import archive_opinions, verify_archive

    try:
        if target == "verify":
            folder = archive_dir or out_dir
            if folder is None:
                raise CannotRun("请指定要校验的归档文件夹：annex-tools archive verify 归档文件夹")
            checked, problems, remarks = verify_archive(folder)
            for line in remarks:
                out.print(styled(("!", "yellow"), f" {line}"))
            for p in problems:
                out.print(styled(("✗", "red"), f" {p}"))
            if problems:
                intact = (
                    "，档案文件本身全部完好" if all("待人工处理" in p for p in problems) else ""
                )
                out.print(
                    f"校验 {checked} 个文件，发现 {len(problems)} 个问题{intact}。",
                    style="bold red",
                )
                raise typer.Exit(EXIT_FINDINGS)
            out.print(f"校验 {checked} 个文件，全部完好。", style="bold green")
            return
        r = archive_opinions(
            Path(target), out_dir, _today(today), pdf=pdf, all_levels=all_levels,
            dry_run=dry_run, progress=_progress, refile=tuple(refile or ()), reason=reason,
        )  # fmt: skip
    except ArchiveTampered as exc:
        err.print(str(exc), style="bold red")
        raise typer.Exit(EXIT_FINDINGS) from None
    except ArchiveError as exc:
        raise CannotRun(str(exc)) from None
    _render_archive(r, dry_run)
    if r.refused:
        raise typer.Exit(EXIT_FINDINGS)


def _render_archive(r: ArchiveResult, dry_run: bool) -> None:
    for line in r.recovered:
        out.print(styled(("恢复", "cyan"), f" {line}"))
    for line in r.corrected:
        out.print(styled(("更正", "cyan"), f" {line}"))
    for who, why in r.refused:
        out.print(styled(("拒绝归档", "red"), f" {who}：{why}"))
    for line in r.quarantined:
        out.print(styled(("隔离", "yellow"), f" {line}"))
    for who, why in r.skipped:
        out.print(styled(("未归档", "yellow"), f" {who}：{why}"))
    for line in r.new_versions:
        out.print(styled(("新版本", "cyan"), f" {line}"))
    if dry_run:
        _list_files("将写入（--dry-run，未写入）", [Path(p) for p in r.planned])
    else:
        out.print(
            f"归档完成：新写入 {len(r.written)} 个文件，内容未变 {len(r.unchanged)} 人，"
            f"未归档 {len(r.skipped) + len(r.refused)} 人"
            + (f"（其中 {len(r.refused)} 人与档案记录的身份不符，退出码 1）" if r.refused else "")
            + (f"，更正 {len(r.corrected)} 个文件的归属" if r.corrected else "")
            + f"。归档：{r.bag}"
        )


@app.command()
def rectifications(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    today: Annotated[
        str | None, typer.Option("--today", help="统计日期（YYYY-MM-DD），默认今天")
    ] = None,
    out_path: Annotated[
        Path | None,
        typer.Option("--out", help="输出文件（.xlsx），默认主表旁的“YYYY年度整改台账.xlsx”"),
    ] = None,
    draft: Annotated[
        bool,
        typer.Option("--draft", help="按草稿生成（每张表、每页标“草稿”）；主表有错误时总是草稿"),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="替换改过的（或不是本工具生成的）同名文件，旧文件先备份")
    ] = False,
) -> None:
    """整改跟踪台账（给党委巡察办）：按统计日期统计未完成、逾期、逾期完成、待核验、已核验、状态待核实。"""
    from annex_tools.usecases.followup import COUNT_HEADERS, counts_of, make_followup

    day = _today(today)
    fu = make_followup(workbook, day, out_path, draft=draft, force=force)
    total = counts_of(fu.items)
    out.print(f"已生成整改台账：{fu.path}（统计日期 {day.isoformat()}）")
    if fu.draft:
        out.print(fu.draft, style="yellow")
    out.print("；".join(f"{h} {total[h]}" for h in COUNT_HEADERS))


@app.command()
def progress(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    today: Annotated[
        str | None, typer.Option("--today", help="按此日期统计（YYYY-MM-DD），默认今天")
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="输出文件夹，默认主表旁的“YYYY年度工作进度”"),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """工作进度：每个组织每一步已完成（日期）、何时到期或逾期几天，谁还没报送什么；逾期的组织各生成一份催报通知。"""
    from annex_tools.usecases.progress import make_progress

    run = make_progress(workbook, _today(today), out_dir, force=force)
    out.print(run.message)
    for item in run.plan.items:
        if "逾期" in item["状态"] and not item["状态"].startswith("逾期完成"):
            out.print(f"  {item['组织']}：{item['事项']}（{item['对象']}）{item['状态']}")
    _report_outputs(run.outputs)


@app.command("hr-export")
def hr_export(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    out_path: Annotated[
        Path | None,
        typer.Option("--out", help="输出文件（.xlsx），默认主表旁的“YYYY年度考核联动名单.xlsx”"),
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="统计日期（YYYY-MM-DD，印在名单上），默认今天")
    ] = None,
    draft: Annotated[
        bool, typer.Option("--draft", help="按草稿生成（表内和每页标“草稿”）；主表有错误时总是草稿")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="替换改过的（或不是本工具生成的）同名文件，旧文件先备份")
    ] = False,
) -> None:
    """给人事处的名单：工号、姓名、各职务及等次、年度考核可否评定优秀及理由（按人，不按行）。"""
    from annex_tools.usecases.hr import NO, make_hr_export

    rows, target, why = make_hr_export(
        workbook, out_path, _today(today), draft=draft, force=force
    )
    denied = sum(r.allowed == NO for r in rows)
    out.print(f"已生成名单：{target}（{len(rows)} 人，其中不可评定优秀 {denied} 人）")
    clashes = [r.name for r in rows if r.conflict]
    if clashes:
        out.print(
            f"年度考核等次已填“优秀”但不得评定优秀：{'、'.join(clashes)}（名单中已标红）",
            style="yellow",
        )
    if why:
        out.print(why, style="yellow")


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
    from annex_tools import cli_zh

    cli_zh.install()
    command = typer.main.get_command(app)
    cli_zh.localize(command)
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
