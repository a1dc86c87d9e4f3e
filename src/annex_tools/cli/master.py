"""Commands on the master itself: new, check, analyze, demo."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annex_tools.cli.app import (
    EXIT_FINDINGS,
    EXIT_OK,
    TodayAliasOpt,
    app,
    as_of_date,
    out,
    render_findings,
    report_outputs,
    with_progress,
)  # fmt: skip
from annex_tools.contract import schema as S
from annex_tools.contract.findings import Severity

if TYPE_CHECKING:
    from annex_tools.usecases.check import AnalyzeResult


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
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="按此日期校验：到期与否、日期是否晚于当天（YYYY-MM-DD），默认今天"
        ),
    ] = None,
    today: TodayAliasOpt = None,
    write: Annotated[
        bool, typer.Option("--write", help="把结果写入“校验结果”表并标记出错单元格")
    ] = False,
) -> None:
    """全面校验主表：数据、述职报告、流程、等次和整改。有错误时退出码为 1。"""
    from annex_tools.usecases.check import check_master

    day = as_of_date(as_of, today)
    run = check_master(workbook, day, dt.datetime.now(), mark=write)
    result = run.result
    if as_json:
        sys.stdout.writelines(result.json_chunks())
        sys.stdout.write("\n")
    else:
        render_findings(result.findings)
        summary = f"校验完成（{workbook.name}，按 {day:%Y-%m-%d}）：错误 {result.errors} 个，警告 {result.warnings} 个。"
        if result.pending:
            summary += (
                f"尚未到期的待办 {len(result.pending)} 项（不算错误），详见 annex-tools progress。"
            )
        out.print(summary, style="bold red" if result.errors else "bold green")
        if write:
            out.print(
                f"结果已写入“{S.RESULTS_SHEET}”表，标记了 {run.marked} 个单元格；原文件已备份到 {run.backup}"
            )
    raise typer.Exit(EXIT_FINDINGS if result.errors else EXIT_OK)


@app.command("clear-marks")
def clear_marks_cmd(
    workbook: Annotated[Path, typer.Argument(help="主表（.xlsx 或 .xlsm）")],
) -> None:
    """清除标记：去掉上次全面校验（check --write）的标色和批注，清空“校验结果”表（先备份）。"""
    from annex_tools.usecases.check import clear_check_marks

    cleared, backup = clear_check_marks(workbook)
    out.print(
        f"已清除 {cleared} 个单元格的标记和“{S.RESULTS_SHEET}”表的内容；原文件已备份到 {backup}"
    )


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
    from rich.table import Table
    from rich.text import Text

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
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="演示按此日期校验和生成文档（YYYY-MM-DD），默认今天"),
    ] = None,
    today: TodayAliasOpt = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="输出文件夹已有文件时仍重新生成（原文件夹先改名保留）"),
    ] = False,
) -> None:
    """生成一个虚构学院的完整演示（主表、述职报告），并运行校验。"""
    from annex_tools.usecases.start import run_demo

    run = run_demo(out_dir, as_of_date(as_of, today), with_progress, force=force)
    made, result = run.made, run.result
    out.print(f"演示主表：{made.workbook}")
    files = made.report_count - len(made.mailed)
    mailed = (
        f"；另有 {len(made.mailed)} 份只在报送邮件中：{made.mailed[0].parent}"
        if made.mailed
        else ""
    )
    out.print(f"述职报告：{made.reports_dir}（{files} 份 .docx{mailed}）")
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
    drafts = [d.title for d in run.outputs if d.drafted or d.gaps]
    if drafts:  # the planted mistakes are errors where these documents read
        out.print(
            f"{'、'.join(drafts)}所用的内容有错误或尚缺，按草稿生成（每页标有“草稿”）；"
            "其余文档用到的内容没有错误，按正式文件生成。",
            style="yellow",
        )
    for done in run.outputs:
        report_outputs(done)
    out.print(
        f"试试：annex-tools check {made.workbook} --write   然后用 Excel 打开主表查看“{S.RESULTS_SHEET}”表。"
    )
