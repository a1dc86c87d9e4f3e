"""工作进度 (`annex-tools progress` and the 工作进度 button): where the year stands on one day.

The master is checked as of `as_of`; its schedule (schedule.py, the computation the rules and
the summary's ledger use) is laid out per body and step in a printable workbook, with the list of
what each body has not yet sent or done, and a 催报通知 (.docx) for each body with late items.
Beside the master by default, in `{year}年度工作进度/`. A status report is made on any day, from a
master with errors too (late items are errors of their own): nothing here refuses but a file
that is not a master."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from annex_tools.contract.schema import PROGRESS_HEADERS
from annex_tools.contract.text import safe_filename
from annex_tools.usecases.master import Source, read_source
from annex_tools.usecases.outputs import KINDS, Outputs, check_folder_out, default_out

WORKBOOK_NAME = "工作进度.xlsx"
URGE_PREFIX = "催报通知-"


@dataclass
class ProgressRun:
    plan: Any  # documents.progress.ProgressPlan
    folder: Path
    outputs: Outputs
    workbook: Path | None = None
    notices: list[Path] = field(default_factory=list)

    @property
    def message(self) -> str:
        c = self.plan.counts
        text = (
            f"工作进度（截至{self.plan.as_of:%Y-%m-%d}）：逾期未完成 {c['late']} 项，"
            f"未到期 {c['pending']} 项，已完成 {c['done']} 项（其中逾期完成 {c['done_late']} 项）。"
        )
        if self.notices:
            text += f"已为 {len(self.notices)} 个有逾期事项的组织生成催报通知。"
        return text


def make_progress(
    source: Source, as_of: dt.date, out: Path | None = None, *, force: bool = False
) -> ProgressRun:
    """工作进度 and 催报通知 as of `as_of`, into `out` (a folder) or the default beside the master."""
    from annex_tools.documents.progress import plan_progress
    from annex_tools.usecases.check import check_workbook
    from annex_tools.usecases.documents import refuse_non_master

    wb = read_source(source)
    refuse_non_master(wb)
    st = wb.settings
    target = out if out is not None else default_out("progress", wb.folder, st.year)
    check_folder_out(target)
    result = check_workbook(wb, as_of)
    assert result.schedule is not None
    orgs = wb.frames["orgs"]
    names = dict(zip(orgs["组织编号"], orgs["组织名称"], strict=True))
    root = next(
        (o for o, t in zip(orgs["组织编号"], orgs["组织类型"], strict=True) if t == "党委"), ""
    )
    plan = plan_progress(
        result.schedule, names, list(orgs["组织编号"]), root, st.year, st.urge_days
    )
    target.mkdir(parents=True, exist_ok=True)
    done = Outputs(target, force, title=KINDS["progress"].title)
    run = ProgressRun(plan, target, done)
    run.workbook = done.write(target / WORKBOOK_NAME, lambda p: write_progress(plan, p))
    issuer = f"{st.institute}组织部"
    for n in plan.notices:
        path = target / safe_filename(f"{URGE_PREFIX}{n.name}.docx")
        context = n.context(st.year, st.institute, issuer, as_of)
        if done.write(path, partial(_render_urge, context)) is not None:
            run.notices.append(path)
    done.save()
    return run


def _render_urge(context: dict[str, Any], path: Path) -> None:
    from annex_tools.documents.render import render_docx

    render_docx("urge.docx", context, path)


def write_progress(plan: Any, path: Path) -> Path:
    """The 工作进度 workbook (two printable sheets), written beside `path` and renamed over it."""
    from annex_tools.workbook.safewrite import write_book

    return write_book(path, lambda book: _write(book, plan), prefix=".~工作进度-")


def _write(book: Any, plan: Any) -> None:
    from annex_tools.workbook.cells import merge, write

    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter"}
    title_f = book.add_format({"font_name": "黑体", "font_size": 16, "align": "center"})
    sub_f = book.add_format({"font_name": "宋体", "font_size": 10, "align": "center"})
    head_f = book.add_format(
        base | {"bold": True, "align": "center", "bg_color": "#D9E1F2", "text_wrap": True}
    )
    cell_f = book.add_format(base | {"text_wrap": True})
    late_f = book.add_format(base | {"text_wrap": True, "font_color": "#C00000", "bold": True})
    c = plan.counts
    subtitle = (
        f"截至{plan.as_of.year}年{plan.as_of.month}月{plan.as_of.day}日：逾期未完成{c['late']}项，"
        f"未到期{c['pending']}项，已完成{c['done']}项（其中逾期完成{c['done_late']}项）"
    )
    sheets = (
        ("工作进度", f"{plan.year}年度述职评议考核工作进度", plan.headers, plan.overview),
        ("未完成事项", f"{plan.year}年度述职评议考核未完成事项", None, plan.items),
    )
    for name, title, headers, rows in sheets:
        ws = book.add_worksheet(name)
        headers = headers or (list(rows[0]) if rows else list(PROGRESS_HEADERS))
        last = len(headers) - 1
        merge(ws, 0, 0, 0, last, title, title_f)
        merge(ws, 1, 0, 1, last, subtitle, sub_f)
        for col, h in enumerate(headers):
            write(ws, 2, col, h, head_f)
            ws.set_column(col, col, 22 if col == 0 else 16 if name == "工作进度" else 20)
        for r, rec in enumerate(rows, start=3):
            for col, h in enumerate(headers):
                value = str(rec.get(h, ""))
                write(ws, r, col, value, late_f if "逾期" in value else cell_f)
        ws.set_row(2, 45)
        ws.repeat_rows(2)
        ws.freeze_panes(3, 1)
        ws.set_paper(9)  # A4
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
        ws.set_footer(f"&C{title}  第 &P 页，共 &N 页")
