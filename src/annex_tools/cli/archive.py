"""The personnel-file archive: archive and archive verify."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annex_tools.cli.app import (
    EXIT_FINDINGS,
    AsOfOpt,
    CannotRun,
    SignedOpt,
    TodayAliasOpt,
    app,
    as_of_date,
    err,
    list_files,
    out,
    signed_date,
    styled,
    with_progress,
)  # fmt: skip

if TYPE_CHECKING:
    from annex_tools.archive import ArchiveResult


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
    as_of: AsOfOpt = None,
    signed: SignedOpt = None,
    today: TodayAliasOpt = None,
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
            Path(target), out_dir, day := as_of_date(as_of, today), signed_date(signed, day), pdf=pdf, all_levels=all_levels,
            dry_run=dry_run, progress=with_progress, refile=tuple(refile or ()), reason=reason,
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
        list_files("将写入（--dry-run，未写入）", [Path(p) for p in r.planned])
    else:
        out.print(
            f"归档完成：新写入 {len(r.written)} 个文件，内容未变 {len(r.unchanged)} 人，"
            f"未归档 {len(r.skipped) + len(r.refused)} 人"
            + (f"（其中 {len(r.refused)} 人与档案记录的身份不符，退出码 1）" if r.refused else "")
            + (f"，更正 {len(r.corrected)} 个文件的归属" if r.corrected else "")
            + f"。归档：{r.bag}"
        )
