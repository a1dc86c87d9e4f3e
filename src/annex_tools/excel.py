"""The Excel side: ribbon entry points (RunPython) and UDFs. The only module that imports xlwings.

Each button reads the open book (edits not yet saved included) into the same frames the headless
reader gives, calls the same service function as its CLI twin, and writes back only after
everything has been computed. The pure cores (`check_rows`, `environment_report`) take and return
values and are tested without Excel; the xlwings calls around them are kept few and plain.
"""

from __future__ import annotations

import datetime as dt
import logging
import platform
import sys
import traceback
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import xlwings as xw

from annex_tools import __version__
from annex_tools.contract import schema as S
from annex_tools.contract.errors import MasterHasErrors
from annex_tools.contract.settings import Settings
from annex_tools.contract.text import normalize
from annex_tools.documents.returns import apply_changes
from annex_tools.documents.summary import NARRATIVE_SHEET
from annex_tools.logs import log_path, logger
from annex_tools.usecases import documents as DS
from annex_tools.usecases.check import CheckResult, check_workbook
from annex_tools.usecases.outputs import Outputs
from annex_tools.workbook import formulas as F
from annex_tools.workbook.cells import excel_value
from annex_tools.workbook.marking import (
    MARK_FILLS,
    RESULT_HEADERS,
    RESULT_WIDTHS,
    MarkPlan,
    plan_marks,
)
from annex_tools.workbook.reader import Workbook, workbook_from_rows

T = TypeVar("T")

TITLE = "述职评议"
_MARK_PREFIXES = ("[错误]", "[警告]", "[提示]")


def _logger() -> logging.Logger:
    return logger("annex_tools.excel")


# ---- pure cores ------------------------------------------------------------------------


def check_rows(
    sheets: dict[str, list[list[Any]]], fullname: str, today: dt.date, now: dt.datetime
) -> tuple[CheckResult, MarkPlan, str]:
    """全面校验 on rows read from the open book: the result, the marks to make, the message."""
    wb = workbook_from_rows(sheets, Path(fullname))
    result = check_workbook(wb, today)
    headers = {
        name: {
            normalize(h): i for i, h in enumerate(rows[0] if rows else [], start=1) if normalize(h)
        }
        for name, rows in sheets.items()
        if name != S.RESULTS_SHEET
    }
    plan = plan_marks(result.findings, headers, now)
    if result.errors or result.warnings:
        message = (
            f"校验完成：错误 {result.errors} 个，警告 {result.warnings} 个。\n"
            f"详见“{S.RESULTS_SHEET}”表；出错的单元格已标色并加批注。"
        )
    else:
        message = "校验完成：没有发现问题。"
    return result, plan, message


def environment_report(
    build_info: str | None, xlwings_version: str = xw.__version__
) -> tuple[bool, str]:
    """环境检查: this Python's versions against the ones the workbook was built with."""
    built_tools, _, built_xlwings = (build_info or "").partition("|")
    lines = [
        f"Python：{platform.python_version()}（{sys.executable}）",
        f"xlwings：{xlwings_version}（工作簿内置 {built_xlwings or '未知'}）",
        f"annex-tools：{__version__}（工作簿生成于 {built_tools or '未知'}）",
    ]
    ok = built_xlwings == xlwings_version and built_tools == __version__
    if built_xlwings and built_xlwings != xlwings_version:
        lines.append(
            f"xlwings 版本不一致：请运行 pip install xlwings=={built_xlwings}，或使用与本版本配套的主表。"
        )
    if built_tools and built_tools != __version__:
        lines.append(
            "annex-tools 版本与主表不一致：请安装配套版本，或用 annex-tools build-workbook 重新生成主表。"
        )
    lines.append("环境正常。" if ok else "请按上面的提示处理后再使用功能区按钮。")
    return ok, "\n".join(lines)


# ---- xlwings adapter -------------------------------------------------------------------


def _caller() -> Any:
    return xw.Book.caller()


def read_sheets(book: Any) -> dict[str, list[list[Any]]]:
    """Every sheet's values from A1 to its last used cell, as the headless reader sees them."""
    out: dict[str, list[list[Any]]] = {}
    for sheet in book.sheets:
        last = sheet.used_range.last_cell
        values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
        out[sheet.name] = values or []
    return out


def _rgb(severity: Any) -> str:
    return "#" + MARK_FILLS[severity].fgColor.rgb[-6:]


def _clear_previous(book: Any) -> None:
    names = [s.name for s in book.sheets]
    if S.RESULTS_SHEET not in names:
        return
    results = book.sheets[S.RESULTS_SHEET]
    rows = results.used_range.options(ndim=2).value or []
    for row in rows[1:]:
        if len(row) < 7 or not row[3] or not row[6] or row[3] not in names:
            continue
        cell = book.sheets[row[3]].range(row[6])
        cell.color = None
        note = cell.note
        if note is not None and str(note.text).startswith(_MARK_PREFIXES):
            note.delete()
    results.delete()


def _apply_plan(book: Any, plan: MarkPlan) -> None:
    app = book.app
    app.screen_updating = False
    try:
        _clear_previous(book)
        for mark in plan.cells:
            cell = book.sheets[mark.sheet].range((mark.row, mark.column))
            cell.color = _rgb(mark.severity)
            if cell.note is not None:
                cell.note.delete()
            cell.api.AddComment(mark.text)
        sheet = book.sheets.add(S.RESULTS_SHEET, after=book.sheets[-1])
        sheet.range("A1").value = excel_value(
            [list(RESULT_HEADERS), *[list(r) for r in plan.rows], [], [plan.summary]]
        )
        sheet.range("A1").expand("right").font.bold = True
        for r, location in plan.links:
            anchor = sheet.range((r, 7))
            sheet.api.Hyperlinks.Add(
                Anchor=anchor.api, Address="", SubAddress=location, TextToDisplay=anchor.value
            )
        for i, width in enumerate(RESULT_WIDTHS, start=1):
            sheet.range((1, i)).column_width = width
        sheet.activate()
    finally:
        app.screen_updating = True


def button(fn: Callable[[Any], str | None]) -> Callable[[], None]:
    """A ribbon entry point: find the calling book, run, tell the user; never a traceback."""

    def run() -> None:
        book = None
        try:
            book = _caller()
            message = fn(book)
            if message:
                book.app.alert(message, title=TITLE)
        except Exception as exc:  # shown in Chinese, logged in full
            _logger().error("%s failed:\n%s", fn.__name__, traceback.format_exc())
            text = f"操作没有完成：{type(exc).__name__}: {exc}\n主表未被修改。详细信息见日志：{log_path()}"
            if book is not None:
                book.app.alert(text, title=TITLE, mode="critical")
            else:
                raise

    run.__name__, run.__qualname__, run.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    return run


def open_workbook(book: Any) -> Workbook:
    """The open book, unsaved edits included, as the same Workbook the headless reader gives."""
    sheets = read_sheets(book)
    wb = workbook_from_rows(sheets, Path(book.fullname))
    rows = sheets.get(NARRATIVE_SHEET, [])
    wb.narrative = {normalize(r[0]): str(r[1]).strip() for r in rows[1:] if len(r) > 1 and r[1]}
    return wb


class XlwingsWriter:
    """The SheetWriter of returns.py on the open book: same edits, through Excel."""

    def __init__(self, book: Any) -> None:
        self.book = book

    def _cols(self, sheet: S.Sheet) -> dict[str, int]:
        header = self.book.sheets[sheet.name].range("A1").expand("right").value or []
        return {normalize(h): i for i, h in enumerate(header, start=1) if normalize(h)}

    def put(
        self, sheet: S.Sheet, row: int, header: str, value: Any, number_format: str | None = None
    ) -> None:
        col = self._cols(sheet).get(normalize(header))
        if col is None:
            return
        cell = self.book.sheets[sheet.name].range((row, col))
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time())
        if number_format:
            cell.number_format = number_format
        cell.value = excel_value(value)  # formula-like text stays text

    def append(self, sheet: S.Sheet, values: dict[str, Any]) -> int:
        sht = self.book.sheets[sheet.name]
        cols = self._cols(sheet)
        id_col = cols[normalize(sheet.id_column or sheet.headers[0])]
        last = sht.range((sht.cells.last_cell.row, id_col)).end("up").row
        row = last + 1
        for header, value in values.items():
            if value not in (None, ""):
                self.put(
                    sheet, row, header, value, "yyyy-mm-dd" if isinstance(value, dt.date) else None
                )
        for table in sht.tables:
            rng = table.range
            if row > rng.last_cell.row:
                table.resize(sht.range(rng[0, 0], (row, rng.last_cell.column)))
        return row

    def ids(self, sheet: S.Sheet) -> set[str]:
        sht = self.book.sheets[sheet.name]
        col = self._cols(sheet)[normalize(sheet.id_column or sheet.headers[0])]
        values = (
            sht.range((2, col), (max(2, sht.used_range.last_cell.row), col)).options(ndim=1).value
        )
        return {str(v) for v in values if v}


def _folder(book: Any) -> Path:
    return Path(book.fullname).parent


def _files_message(title: str, done: Outputs, folder: Path) -> str:
    text = f"{title}：共 {len(done.written)} 个文件，已保存到\n{folder}"
    if done.kept:
        names = "、".join(p.name for p in done.kept[:5]) + ("等" if len(done.kept) > 5 else "")
        text += f"\n有 {len(done.kept)} 个文件生成后被改过，未覆盖：{names}"
    return text


def _generate(make: Callable[..., T]) -> tuple[T, str]:
    """Run a generator; when the master has errors, make drafts and say so (staff have no
    --draft switch: the button makes the draft and the message tells them why)."""
    try:
        return make(draft=False), ""
    except MasterHasErrors as exc:
        note = (
            f"\n\n注意：主表有 {exc.result.errors} 个错误（点“全面校验”查看），"
            "文档已按草稿生成，每页标有“草稿”，改正后请重新生成。"
        )
        return make(draft=True), note


@button
def run_check(book: Any) -> str:
    """全面校验."""
    _, plan, message = check_rows(
        read_sheets(book), book.fullname, dt.date.today(), dt.datetime.now()
    )
    _apply_plan(book, plan)
    return message


@button
def clear_marks(book: Any) -> str:
    """清除标记."""
    _clear_previous(book)
    return "已清除上次校验的标记和“校验结果”表。"


@button
def make_templates(book: Any) -> str:
    """述职报告模板."""
    out = _folder(book) / "述职报告模板"
    wb = open_workbook(book)
    done, note = _generate(partial(DS.make_templates, wb, out))
    return _files_message("述职报告模板", done, out) + note


@button
def make_annex2(book: Any) -> str:
    """附件2: the files, and the same tables as sheets of this book."""
    out = _folder(book) / "附件2"
    done, note = _generate(partial(DS.make_annex2, open_workbook(book), out))
    paths = done.written
    app = book.app
    app.screen_updating = False
    try:
        for path in paths:
            name = f"附件2-{path.stem.removeprefix('附件2-')}"[:31]
            if name in [s.name for s in book.sheets]:
                book.sheets[name].delete()
            source = app.books.open(str(path), read_only=True)
            try:
                source.sheets[0].copy(after=book.sheets[-1], name=name)
            finally:
                source.close()
    finally:
        app.screen_updating = True
    return _files_message("附件2", done, out) + "\n并已作为工作表加入本主表。" + note


@button
def make_summary(book: Any) -> str:
    """汇总报告."""
    wb = open_workbook(book)
    out = _folder(book) / DS.summary_filename(wb.settings)
    (done, plan), note = _generate(partial(DS.make_summary, wb, out, dt.date.today()))
    if done.kept:
        return f"汇总报告“{out.name}”生成后被改过，未覆盖。要重新生成，请先把它改名或移走。"
    warn = (
        f"\n注意：{'、'.join(plan['bodies_short'])}“较好”及以下比例未达到要求。"
        if plan["bodies_short"]
        else ""
    )
    return f"汇总报告已生成：\n{out}{warn}{note}"


@button
def make_followup(book: Any) -> str:
    """整改台账 for the 党委巡察办 (the CLI's `rectifications`)."""
    from annex_tools.usecases.followup import COUNT_HEADERS, counts_of
    from annex_tools.usecases.followup import make_followup as build

    out = _folder(book) / "整改台账.xlsx"
    fu = build(open_workbook(book), dt.date.today(), out)
    total = counts_of(fu.items)
    return f"整改台账已生成：\n{out}\n" + "；".join(f"{h} {total[h]}" for h in COUNT_HEADERS)


@button
def make_feedback(book: Any) -> str:
    """反馈意见."""
    out = _folder(book) / "反馈意见"
    done, note = _generate(partial(DS.make_feedback, open_workbook(book), out, dt.date.today()))
    return _files_message("评价意见反馈", done, out) + note


@button
def import_reports(book: Any) -> str:
    """导入述职报告: figures from each report into 述职 (reports found in 述职报告/ too)."""
    folder = _folder(book) / "述职报告"
    summary, updates = DS.plan_report_import(
        open_workbook(book), folder if folder.is_dir() else None
    )
    DS.write_report_figures(XlwingsWriter(book), updates)
    lines = [
        f"已填写 {len(summary.filled)} 份，缺少报告 {len(summary.missing)} 份，无法读取 {len(summary.unreadable)} 份。"
    ]
    lines += [f"缺少：{x}" for x in summary.missing[:10]] + [
        f"无法读取：{x}" for x in summary.unreadable[:10]
    ]
    lines += [f"无法确定：{x}" for x in summary.ambiguous[:10]]
    lines += [f"对应不上任何书记：{x}" for x in summary.unmatched_files[:10]]
    return "\n".join(lines)


@button
def import_returns(book: Any) -> str | None:
    """导入附件2回执: every .xlsx in 附件2回执/ beside the book; preview, then confirm."""
    folder = _folder(book) / "附件2回执"
    files = (
        sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("~$"))
        if folder.is_dir()
        else []
    )
    if not files:
        return f"请把各党总支交回的附件2（.xlsx）放到文件夹\n{folder}\n再点击本按钮。"
    result = DS.plan_returns(open_workbook(book), files)
    applicable = [c for c in result.changes if c.applies]
    others = [c for c in result.changes if not c.applies]
    preview = [f"{c.kind}｜{c.who}｜{c.detail}" for c in result.changes[:15]]
    text = "\n".join(
        [
            *result.errors,
            *preview,
            f"共 {len(applicable)} 项可写入，{len(others)} 项冲突或无法对应（不写入）。",
        ]
    )
    if not applicable:
        return text
    if book.app.alert(text + "\n\n确定写入主表吗？", title=TITLE, buttons="ok_cancel") != "ok":
        return "已取消，主表未修改。"
    applied = apply_changes(XlwingsWriter(book), result.changes)
    return f"已写入 {applied} 项。冲突 {len(others)} 项请核实后手工处理。"


@button
def archive_opinions(book: Any) -> str:
    """人事档案归档: the saved master's opinions into 人事档案归档/ beside it (write-once)."""
    from annex_tools.archive import ArchiveError, archive

    if not book.api.Saved:
        return "归档以已保存的主表为准：请先保存主表，再点击“人事档案归档”。"
    try:
        r = archive(Path(book.fullname), _folder(book) / "人事档案归档", dt.date.today())
    except ArchiveError as exc:  # tampering found, another run busy ...: nothing was written
        return str(exc)
    lines = [
        f"归档完成：新写入 {len(r.written)} 个文件，内容未变 {len(r.unchanged)} 人。",
        f"归档位置：{r.bag}",
    ]
    lines += [f"恢复：{x}" for x in r.recovered]
    lines += [f"隔离：{x}" for x in r.quarantined[:10]]
    lines += [f"未归档：{who}（{why}）" for who, why in r.skipped[:10]]
    lines += [f"新版本：{x}" for x in r.new_versions[:10]]
    return "\n".join(lines)


@button
def show_guide(book: Any) -> None:
    """使用说明."""
    book.sheets[S.GUIDE_SHEET].activate()


@button
def env_check(book: Any) -> str:
    """环境检查."""
    try:
        build_info = str(book.names[S.BUILD_NAME].refers_to).lstrip("=").strip('"')
    except Exception:
        build_info = None
    return environment_report(build_info)[1]


# ---- UDFs ------------------------------------------------------------------------------


def _caller_folder(caller: Any) -> Path | None:
    try:
        return Path(caller.sheet.book.fullname).parent
    except Exception:
        return None


def _caller_settings(caller: Any) -> Settings | None:
    """The settings in force in the calling workbook's 设置 sheet (None: the defaults)."""
    try:
        rows = caller.sheet.book.sheets[S.SETTINGS.name].used_range.value
        return workbook_from_rows({S.SETTINGS.name: rows}).settings
    except Exception:
        return None


@xw.func
@xw.arg("paths", ndim=2, doc="述职报告文件路径（可选一列）")
@xw.arg("caller", doc="")
@xw.ret(doc="述职报告的字数（与 Word 的字数统计一致）")
def ANNEX_WORDS(paths: Any, caller: Any) -> Any:
    return F.report_words(paths, _caller_folder(caller))


@xw.func
@xw.arg("paths", ndim=2, doc="述职报告文件路径（可选一列）")
@xw.arg("part", doc="履职主要情况、存在的问题 或 下一步工作思路")
@xw.arg("caller", doc="")
@xw.ret(doc="该部分字数占三部分字数之和的比例")
def ANNEX_SHARE(paths: Any, part: str, caller: Any) -> Any:
    return F.report_share(paths, part, _caller_folder(caller))


@xw.func
@xw.arg("n", ndim=2, doc="评议人数")
@xw.arg("ratio", doc="最低比例；省略时用“设置”表的较好及以下最低比例")
@xw.arg("rounding", doc="向上取整 或 四舍五入；省略时用“设置”表的取整方式")
@xw.arg("caller", doc="")
@xw.ret(doc="“较好”及以下的最少人数")
def ANNEX_MIN_FAIR(n: Any, ratio: Any = None, rounding: Any = None, caller: Any = None) -> Any:
    return F.min_at_most_fair(n, ratio, rounding, _caller_settings(caller))


@xw.func
@xw.arg("grades", ndim=2, doc="综合评价等次所在区域")
@xw.ret(doc="“较好”及以下所占比例")
def ANNEX_FAIR_SHARE(grades: Any) -> Any:
    return F.share_at_most_fair(grades)


@xw.func
@xw.arg("grade", ndim=2, doc="综合评价等次")
@xw.arg("appraisal", ndim=2, doc="年度考核等次")
@xw.ret(doc="是否符合“未达到好不得评优秀”")
def ANNEX_LINKAGE(grade: Any, appraisal: Any) -> Any:
    return F.linkage(grade, appraisal)
