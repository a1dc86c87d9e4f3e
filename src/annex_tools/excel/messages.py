"""What the buttons tell the user when they are done: pure functions of the use cases' results."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annex_tools.contract import schema as S

if TYPE_CHECKING:
    from annex_tools.usecases import documents as DS
    from annex_tools.usecases.check import CheckRun
    from annex_tools.usecases.outputs import Outputs
    from annex_tools.workbook.marking import MarkPlan


def check_message(run: CheckRun, plan: MarkPlan | None = None) -> str:
    """What the 全面校验 button says when it is done (`plan`: the marks it made)."""
    if not (run.result.errors or run.result.warnings):
        return run.message
    text = f"{run.message}\n详见“{S.RESULTS_SHEET}”表；出错的单元格已标色"
    noted = sum(c.noted for c in plan.cells) if plan else 0
    if plan and noted < len(plan.cells):
        return (
            f"{text}，其中 {noted} 个加了批注（设置“校验批注上限”），"
            f"其余 {len(plan.cells) - noted} 个只标色。"
        )
    return text + "并加批注。"


def files_message(done: Outputs) -> str:
    """What a generating button says: how many files, where, what was kept, and drafts."""
    text = f"{done.title}：共 {len(done.written)} 个文件，已保存到\n{done.folder}"
    if done.nothing:
        text = f"{done.title}：{done.nothing}"
    if done.kept:
        names = "、".join(p.name for p in done.kept[:5]) + ("等" if len(done.kept) > 5 else "")
        text += f"\n有 {len(done.kept)} 个文件生成后被改过，未覆盖：{names}"
    if done.drafted:
        text += (
            f"\n\n注意：主表中{done.title}所用的内容有 {done.drafted} 个错误（点“全面校验”查看），"
            "文档已按草稿生成，每页标有“草稿”，改正后请重新生成。"
        )
    elif done.others:
        text += f"\n\n主表另有 {done.others} 个错误，不在{done.title}所用的内容中，未影响本次生成。"

    if done.gaps:
        text += "\n\n已按草稿生成，正式印发前须在主表中填写：\n" + "\n".join(done.gaps)
    return text


def summary_message(done: Outputs) -> str:
    if done.kept:
        return (
            f"汇总报告“{done.kept[0].name}”生成后被改过，未覆盖。要重新生成，请先把它改名或移走。"
        )
    short = [str(b) for b in done.plan.get("bodies_short") or []]  # type: ignore[attr-defined]
    warn = f"\n注意：{'、'.join(short)}“较好”及以下比例未达到要求。" if short else ""
    note = files_message(done).partition("\n\n")[2]
    return f"汇总报告已生成：\n{done.written[0]}{warn}" + (f"\n\n{note}" if note else "")


def import_reports_message(summary: DS.ImportSummary) -> str:
    lines = [
        f"已填写 {len(summary.filled)} 份，缺少报告 {len(summary.missing)} 份，无法读取 {len(summary.unreadable)} 份；"
        f"从邮件填写报送日期 {len(summary.sent)} 份。"
    ]
    lines += [f"缺少：{x}" for x in summary.missing[:10]]
    lines += [f"无法读取：{x}" for x in summary.unreadable[:10]]
    lines += [f"无法确定：{x}" for x in summary.ambiguous[:10]]
    lines += [f"对应不上任何书记：{x}" for x in summary.unmatched_files[:10]]
    lines += [f"逾期报送：{x}" for x in summary.late[:10]]
    lines += [f"邮件：{x}" for x in summary.mails[:10]]
    lines += [f"冲突（未写入）：{x}" for x in summary.conflicts[:10]]
    return "\n".join(lines)


def returns_preview(result: DS.ReturnsResult) -> str:
    applicable = sum(c.applies for c in result.changes)
    preview = [f"{c.kind}｜{c.who}｜{c.detail}" for c in result.changes[:15]]
    return "\n".join(
        [
            *result.errors,
            *preview,
            f"共 {applicable} 项可写入，{len(result.changes) - applicable} 项冲突或无法对应（不写入）。",
        ]
    )


def returns_message(result: DS.ReturnsResult, asked: bool) -> str:
    others = sum(not c.applies for c in result.changes)
    if result.confirmed:
        return f"已写入 {result.applied} 项。冲突 {others} 项请核实后手工处理。"
    return "已取消，主表未修改。" if asked else returns_preview(result)
