"""Commands that write documents from the master: templates, Annex 2, the summary, the grade
notice, feedback, the 整改台账, the progress sheet and the HR list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annex_tools.cli.app import (
    AsOfOpt,
    DraftOpt,
    ForceOpt,
    OutFolderOpt,
    SignedOpt,
    TodayAliasOpt,
    app,
    as_of_date,
    out,
    report_outputs,
    signed_date,
    with_progress,
)  # fmt: skip


@app.command()
def templates(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    out_dir: OutFolderOpt = None,
    as_of: AsOfOpt = None,
    today: TodayAliasOpt = None,
    draft: DraftOpt = False,
    force: ForceOpt = False,
) -> None:
    """为每位需要述职的书记生成述职报告模板（附件1，.docx）。"""
    from annex_tools.usecases.documents import make_templates

    report_outputs(
        make_templates(
            workbook,
            out_dir,
            as_of_date(as_of, today),
            draft=draft,
            force=force,
            progress=with_progress,
        )
    )


@app.command()
def annex2(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    out_dir: OutFolderOpt = None,
    as_of: AsOfOpt = None,
    today: TodayAliasOpt = None,
    draft: DraftOpt = False,
    force: ForceOpt = False,
) -> None:
    """为每个有在职党支部的二级党组织生成附件2（评议考核结果和问题整改清单，.xlsx）。"""
    from annex_tools.usecases.documents import make_annex2

    report_outputs(
        make_annex2(
            workbook,
            out_dir,
            as_of_date(as_of, today),
            draft=draft,
            force=force,
            progress=with_progress,
        )
    )


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
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="按此日期统计和校验（YYYY-MM-DD），默认今天；设置中填了“报告日期”时按报告日期统计，落款也取报告日期",
        ),
    ] = None,
    today: TodayAliasOpt = None,
    draft: DraftOpt = False,
    force: ForceOpt = False,
) -> None:
    """生成向市委教育工委报送的述职评议工作情况报告（公文格式；--out 以 .pdf 结尾时经 LibreOffice 生成 PDF）。"""
    from annex_tools.usecases.documents import make_summary

    done = make_summary(workbook, out_file, as_of_date(as_of, today), draft=draft, force=force)
    report_outputs(done)
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
    as_of: AsOfOpt = None,
    signed: Annotated[
        str | None,
        typer.Option(
            "--signed", help="落款日期（YYYY-MM-DD），设置中“通报日期”为空时使用；默认同 --as-of"
        ),
    ] = None,
    today: TodayAliasOpt = None,
    draft: DraftOpt = False,
    force: ForceOpt = False,
) -> None:
    """生成等次通报（公文格式，主送“通报范围”，落款“通报日期”）：在一定范围内通报综合评价等次。"""
    from annex_tools.usecases.documents import make_bulletin

    report_outputs(
        make_bulletin(
            workbook,
            out_file,
            day := as_of_date(as_of, today),
            signed_date(signed, day),
            draft=draft,
            force=force,
        )  # fmt: skip
    )


@app.command()
def feedback(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    out_dir: OutFolderOpt = None,
    as_of: AsOfOpt = None,
    signed: SignedOpt = None,
    today: TodayAliasOpt = None,
    draft: DraftOpt = False,
    force: ForceOpt = False,
) -> None:
    """为每位已评定等次的书记生成评价意见反馈（.docx）。"""
    from annex_tools.usecases.documents import make_feedback

    report_outputs(
        make_feedback(
            workbook,
            out_dir,
            day := as_of_date(as_of, today),
            signed_date(signed, day),
            draft=draft,
            force=force,
            progress=with_progress,
        )  # fmt: skip
    )


@app.command()
def rectifications(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="统计日期：按此日期判断完成与否、是否逾期（YYYY-MM-DD），默认今天"
        ),
    ] = None,
    today: TodayAliasOpt = None,
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
    from annex_tools.usecases.rect_ledger import COUNT_HEADERS, counts_of, make_rect_ledger

    day = as_of_date(as_of, today)
    fu = make_rect_ledger(workbook, day, out_path, draft=draft, force=force)
    total = counts_of(fu.items)
    out.print(f"已生成整改台账：{fu.path}（统计日期 {day.isoformat()}）")
    if fu.draft:
        out.print(fu.draft, style="yellow")
    out.print("；".join(f"{h} {total[h]}" for h in COUNT_HEADERS))


@app.command()
def progress(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="按此日期统计到期、逾期（YYYY-MM-DD；催报通知也署此日期），默认今天"
        ),
    ] = None,
    today: TodayAliasOpt = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="输出文件夹，默认主表旁的“YYYY年度工作进度”"),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """工作进度：每个组织每一步已完成（日期）、何时到期或逾期几天，谁还没报送什么；逾期的组织各生成一份催报通知。"""
    from annex_tools.usecases.progress import make_progress

    run = make_progress(workbook, as_of_date(as_of, today), out_dir, force=force)
    out.print(run.message)
    for item in run.plan.items:
        if "逾期" in item["状态"] and not item["状态"].startswith("逾期完成"):
            out.print(f"  {item['组织']}：{item['事项']}（{item['对象']}）{item['状态']}")
    report_outputs(run.outputs)


@app.command()
def ballots(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    out_dir: OutFolderOpt = None,
    as_of: AsOfOpt = None,
    today: TodayAliasOpt = None,
    draft: DraftOpt = False,
    force: ForceOpt = False,
) -> None:
    """为每次述职会生成现场测评表（.docx，打印后每位到会人员一张）和测评统计表（.xlsx，按纸质票填写后用 import-ballots 导入）。"""
    from annex_tools.usecases.intake import make_ballots

    report_outputs(
        make_ballots(
            workbook,
            out_dir,
            as_of_date(as_of, today),
            draft=draft,
            force=force,
            progress=with_progress,
        )
    )


@app.command()
def interviews(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    out_dir: OutFolderOpt = None,
    as_of: AsOfOpt = None,
    today: TodayAliasOpt = None,
    draft: DraftOpt = False,
    force: ForceOpt = False,
) -> None:
    """为每位综合评价等次为“一般”或“差”的书记生成约谈记录（.docx）：约谈人、约谈时间取自“评议”表，问题取自“整改”表，其余手填。"""
    from annex_tools.usecases.intake import make_interviews

    report_outputs(
        make_interviews(
            workbook,
            out_dir,
            as_of_date(as_of, today),
            draft=draft,
            force=force,
            progress=with_progress,
        )
    )


@app.command("rectification-forms")
def rectification_forms(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    out_dir: OutFolderOpt = None,
    as_of: AsOfOpt = None,
    today: TodayAliasOpt = None,
    draft: DraftOpt = False,
    force: ForceOpt = False,
) -> None:
    """为每个有未完成整改的二级党组织生成整改进展表（.xlsx）：填写整改状态、完成日期和进展说明后交回，用 import-rectifications 导入。"""
    from annex_tools.usecases.intake import make_rect_forms

    report_outputs(
        make_rect_forms(
            workbook,
            out_dir,
            as_of_date(as_of, today),
            draft=draft,
            force=force,
            progress=with_progress,
        )
    )


@app.command("hr-export")
def hr_export(
    workbook: Annotated[Path, typer.Argument(help="主表")],
    out_path: Annotated[
        Path | None,
        typer.Option("--out", help="输出文件（.xlsx），默认主表旁的“YYYY年度考核联动名单.xlsx”"),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="统计日期（YYYY-MM-DD，印在名单上），默认今天"),
    ] = None,
    today: TodayAliasOpt = None,
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
        workbook, out_path, as_of_date(as_of, today), draft=draft, force=force
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
