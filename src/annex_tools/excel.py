"""The Excel side: ribbon entry points (RunPython) and UDFs. The only module that imports xlwings.

Each button reads the open book (edits not yet saved included) into the same frames the headless
reader gives, calls the same use-case function as its CLI twin, and writes back only after
everything has been computed. The pure cores (`check_rows`, `environment_report`,
`find_interpreter`) take and return values and are tested without Excel; the xlwings calls
around them are few and do not grow with the findings: marks go on per sheet as unions of
addresses, 校验结果 as one block (tests/fake_xlwings.py counts them).

A click pays this module's import before any work starts, so everything beyond xlwings and the
contract is imported inside the function that needs it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import xlwings as xw

from annex_tools.contract import schema as S
from annex_tools.contract.errors import USER_ERRORS, MasterHasErrors
from annex_tools.contract.text import normalize
from annex_tools.logs import log_path, logger
from annex_tools.usecases.environment import (  # the rest is re-exported for the tests
    CONF_SHEET,
    SRC_FOLDER,
    SRC_PATH,
    SRC_SHEET,
    SRC_USER,
    Interpreter,
    check_environment,
    conf_rows,
    environment_report,
    find_interpreter,
    probe_python,
    read_conf_file,
)

__all__ = [  # what tests and callers reach through this module
    "SRC_FOLDER", "SRC_PATH", "SRC_SHEET", "SRC_USER", "Interpreter", "environment_report",
    "find_interpreter", "probe_python", "read_conf_file",
]  # fmt: skip

if TYPE_CHECKING:
    from annex_tools.contract.findings import Finding
    from annex_tools.contract.settings import Settings
    from annex_tools.usecases import documents as DS
    from annex_tools.usecases.check import CheckResult, CheckRun
    from annex_tools.usecases.outputs import Outputs
    from annex_tools.workbook.marking import MarkPlan
    from annex_tools.workbook.reader import Workbook

T = TypeVar("T")

TITLE = "述职评议"
# Errors whose message is already a Chinese sentence for the user.


def _logger() -> logging.Logger:
    return logger("annex_tools.excel")


# ---- pure cores ------------------------------------------------------------------------


def sheet_headers(sheets: dict[str, list[list[Any]]]) -> dict[str, dict[str, int]]:
    """Each data sheet's header -> column number, from the rows read."""
    return {
        name: {
            normalize(h): i for i, h in enumerate(rows[0] if rows else [], start=1) if normalize(h)
        }
        for name, rows in sheets.items()
        if name != S.RESULTS_SHEET
    }


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


def check_rows(
    sheets: dict[str, list[list[Any]]], fullname: str, today: dt.date, now: dt.datetime
) -> tuple[CheckResult, MarkPlan, str]:
    """全面校验 on rows read from the open book: the result, the marks to make, the message."""
    from annex_tools.usecases.check import CheckRun, check_workbook
    from annex_tools.workbook.marking import plan_marks
    from annex_tools.workbook.reader import workbook_from_rows

    wb = workbook_from_rows(sheets, Path(fullname))
    result = check_workbook(wb, today)
    plan = plan_marks(result.findings, sheet_headers(sheets), now, wb.settings.note_cap)
    return result, plan, check_message(CheckRun(result), plan)


# ---- 环境检查 is usecases/environment.py ---------------------------------------------------

# ---- xlwings adapter -------------------------------------------------------------------


def _caller() -> Any:
    return xw.Book.caller()


def read_sheets(book: Any) -> dict[str, list[list[Any]]]:
    """Every sheet's values from A1 to its last used cell, as the headless reader sees them
    (one read per sheet: the headers come from here too)."""
    out: dict[str, list[list[Any]]] = {}
    for sheet in book.sheets:
        last = sheet.used_range.last_cell
        values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
        out[sheet.name] = values or []
    return out


def _rgb(severity: Any) -> str:
    from annex_tools.workbook.marking import MARK_FILLS

    return "#" + MARK_FILLS[severity].fgColor.rgb[-6:]


def _unmark(book: Any, sheets: dict[str, list[list[Any]]]) -> None:
    """Take off the fills and notes an earlier 全面校验 or `check --write` put on (listed on
    校验结果): one call per sheet and run of addresses, none per finding."""
    from annex_tools.workbook.marking import address_chunks, previous_marks

    rows = sheets.get(S.RESULTS_SHEET) or []
    for name, (marked, noted) in previous_marks(rows, set(sheets) - {S.RESULTS_SHEET}).items():
        sheet = book.sheets[name]
        for address in address_chunks(marked):
            sheet.range(address).color = None
        # only cells the run gave a note (its 批注 column); a staff note elsewhere stays
        for address in address_chunks(noted):
            sheet.range(address).api.ClearComments()


def _empty_results(book: Any, names: list[str]) -> Any:
    """The 校验结果 sheet emptied (the built master has it, with its code name), or added."""
    from annex_tools.workbook.marking import RESULT_WIDTHS

    if S.RESULTS_SHEET in names:
        sheet = book.sheets[S.RESULTS_SHEET]
        for table in sheet.tables:  # one `check --write` made
            table.api.Delete()
        sheet.clear()
        return sheet
    sheet = book.sheets.add(S.RESULTS_SHEET, after=book.sheets[-1])
    for i, width in enumerate(RESULT_WIDTHS, start=1):
        sheet.range((1, i)).column_width = width
    return sheet


def _apply_plan(book: Any, plan: MarkPlan, sheets: dict[str, list[list[Any]]]) -> None:
    """The marks of `plan` on the open book, in calls per sheet, colour and note, not per finding.
    `sheets`: the values read before the check (the earlier 校验结果 among them)."""
    from annex_tools.workbook.cells import excel_value
    from annex_tools.workbook.marking import RESULT_HEADERS, address_chunks, result_block

    app = book.app
    app.screen_updating = False
    try:
        _unmark(book, sheets)
        for name, by_severity in plan.fills().items():
            sheet = book.sheets[name]
            for severity, addresses in by_severity.items():
                for address in addresses:
                    sheet.range(address).color = _rgb(severity)
        for name, marks in plan.noted().items():
            sheet = book.sheets[name]
            for address in address_chunks([(m.row, m.column) for m in marks]):
                sheet.range(address).api.ClearComments()  # a cell holds one note
            for mark in marks:  # one call each, capped by 校验批注上限
                sheet.range((mark.row, mark.column)).api.AddComment(mark.text)
        results = _empty_results(book, list(sheets))
        results.range("A1").value = excel_value(result_block(plan))
        results.range((1, 1), (1, len(RESULT_HEADERS))).font.bold = True
        for severity, addresses in plan.severity_fills().items():
            for address in addresses:
                results.range(address).color = _rgb(severity)
        results.activate()
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
        except USER_ERRORS as exc:  # a Chinese message already: no log, no type name
            if book is None:
                raise
            book.app.alert(f"操作没有完成：{exc}", title=TITLE, mode="critical")
        except MasterHasErrors as exc:  # the archive: never from a master with errors
            if book is None:
                raise
            book.app.alert(
                f"主表有 {exc.result.errors} 个错误，未执行。请先点“全面校验”查看并改正。",
                title=TITLE,
                mode="critical",
            )
        except Exception as exc:  # shown in Chinese, logged in full
            _logger().error("%s failed:\n%s", fn.__name__, traceback.format_exc())
            text = f"操作没有完成：{type(exc).__name__}: {exc}\n主表未被修改。详细信息见日志：{log_path()}"
            if book is not None:
                book.app.alert(text, title=TITLE, mode="critical")
            else:
                raise

    run.__name__, run.__qualname__, run.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    return run


def open_workbook(book: Any, sheets: dict[str, list[list[Any]]] | None = None) -> Workbook:
    """The open book, unsaved edits included, as the same Workbook the headless reader gives."""
    from annex_tools.documents.summary import NARRATIVE_SHEET, narrative_from_rows
    from annex_tools.workbook.reader import workbook_from_rows

    sheets = read_sheets(book) if sheets is None else sheets
    wb = workbook_from_rows(sheets, Path(book.fullname))
    rows = sheets.get(NARRATIVE_SHEET, [])
    wb.narrative = narrative_from_rows(rows)
    return wb


class OpenBook:
    """The usecases.master.Master of the ribbon buttons: the book open in Excel. Reads include
    unsaved edits; writes go into the open book (Excel's lock and the user's save are the
    guard, so there is no backup of our own)."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self._sheets: dict[str, list[list[Any]]] | None = None
        self.plan: MarkPlan | None = None  # the marks the last `mark` made

    @property
    def folder(self) -> Path:
        return Path(self.book.fullname).parent

    def hold(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    def read(self) -> Workbook:
        self._sheets = read_sheets(self.book)
        return open_workbook(self.book, self._sheets)

    def edit(self, change: Callable[[Any], T]) -> tuple[T, Path | None]:
        return change(XlwingsWriter(self.book)), None

    def mark(
        self, findings: list[Finding], now: dt.datetime, note_cap: int | None = None
    ) -> tuple[int, Path | None]:
        from annex_tools.workbook.marking import plan_marks

        sheets = self._sheets if self._sheets is not None else read_sheets(self.book)
        self.plan = plan_marks(findings, sheet_headers(sheets), now, note_cap)
        _apply_plan(self.book, self.plan, sheets)
        return len(self.plan.cells), None


class XlwingsWriter:
    """The SheetWriter of returns.py on the open book: same edits, through Excel."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self._headers: dict[str, dict[str, int]] = {}

    def _cols(self, sheet: S.Sheet) -> dict[str, int]:
        """The sheet's header columns, read once per sheet (this writer adds no columns)."""
        if sheet.name not in self._headers:
            header = self.book.sheets[sheet.name].range("A1").expand("right").value or []
            if not isinstance(header, list):
                header = [header]
            self._headers[sheet.name] = {
                normalize(h): i for i, h in enumerate(header, start=1) if normalize(h)
            }
        return self._headers[sheet.name]

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
        from annex_tools.workbook.cells import excel_value

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


def files_message(done: Outputs) -> str:
    """What a generating button says: how many files, where, what was kept, and drafts."""
    text = f"{done.title}：共 {len(done.written)} 个文件，已保存到\n{done.folder}"
    if done.kept:
        names = "、".join(p.name for p in done.kept[:5]) + ("等" if len(done.kept) > 5 else "")
        text += f"\n有 {len(done.kept)} 个文件生成后被改过，未覆盖：{names}"
    if done.drafted:
        text += (
            f"\n\n注意：主表有 {done.drafted} 个错误（点“全面校验”查看），"
            "文档已按草稿生成，每页标有“草稿”，改正后请重新生成。"
        )
    return text


def _today() -> dt.date:
    return dt.date.today()


@button
def run_check(book: Any) -> str:
    """全面校验."""
    from annex_tools.usecases.check import check_master

    master = OpenBook(book)
    run = check_master(master, _today(), dt.datetime.now(), mark=True)
    return check_message(run, master.plan)


@button
def clear_marks(book: Any) -> str:
    """清除标记."""
    names = [s.name for s in book.sheets]
    if S.RESULTS_SHEET not in names:
        return "没有上次校验的标记。"
    results = book.sheets[S.RESULTS_SHEET]
    rows = results.used_range.options(ndim=2).value or []
    if not any(isinstance(r[0], int | float) for r in rows[1:] if r):
        return "没有上次校验的标记。"
    _unmark(book, {**dict.fromkeys(names, []), S.RESULTS_SHEET: rows})
    _empty_results(book, names)
    return "已清除上次校验的标记和“校验结果”表的内容。"


@button
def make_templates(book: Any) -> str:
    """述职报告模板."""
    from annex_tools.usecases import documents as DS

    return files_message(DS.make_templates(OpenBook(book).read(), None, _today(), draft=DS.AUTO))


@button
def make_annex2(book: Any) -> str:
    """附件2: the files, and the same tables as sheets of this book."""
    from annex_tools.usecases import documents as DS

    done = DS.make_annex2(OpenBook(book).read(), None, _today(), draft=DS.AUTO)
    _copy_in_first_sheets(book, done.written, "附件2-")
    return files_message(done) + "\n并已作为工作表加入本主表。"


def _copy_in_first_sheets(book: Any, paths: list[Path], prefix: str) -> None:
    """Each file's first sheet copied into the book as `prefix` + its name (replacing one of
    that name)."""
    app = book.app
    app.screen_updating = False
    try:
        for path in paths:
            name = f"{prefix}{path.stem.removeprefix(prefix)}"[:31]
            if name in [s.name for s in book.sheets]:
                book.sheets[name].delete()
            source = app.books.open(str(path), read_only=True)
            try:
                source.sheets[0].copy(after=book.sheets[-1], name=name)
            finally:
                source.close()
    finally:
        app.screen_updating = True


@button
def make_summary(book: Any) -> str:
    """汇总报告."""
    from annex_tools.usecases import documents as DS

    done = DS.make_summary(OpenBook(book).read(), None, _today(), draft=DS.AUTO)
    return summary_message(done)


def summary_message(done: Outputs) -> str:
    if done.kept:
        return (
            f"汇总报告“{done.kept[0].name}”生成后被改过，未覆盖。要重新生成，请先把它改名或移走。"
        )
    short = [str(b) for b in done.plan.get("bodies_short") or []]  # type: ignore[attr-defined]
    warn = f"\n注意：{'、'.join(short)}“较好”及以下比例未达到要求。" if short else ""
    note = files_message(done).partition("\n\n")[2]
    return f"汇总报告已生成：\n{done.written[0]}{warn}" + (f"\n\n{note}" if note else "")


@button
def make_grade_notice(book: Any) -> str:
    """等次通报 (the CLI's `notice-grades`)."""
    from annex_tools.usecases import documents as DS

    done = DS.make_grade_notice(OpenBook(book).read(), None, _today(), draft=DS.AUTO)
    if done.kept:
        return (
            f"等次通报“{done.kept[0].name}”生成后被改过，未覆盖。要重新生成，请先把它改名或移走。"
        )
    note = files_message(done).partition("\n\n")[2]
    return f"等次通报已生成：\n{done.written[0]}" + (f"\n\n{note}" if note else "")


@button
def make_followup(book: Any) -> str:
    """整改台账 for the 党委巡察办 (the CLI's `rectifications`)."""
    from annex_tools.usecases import followup as FU
    from annex_tools.usecases.followup import COUNT_HEADERS, counts_of

    fu = FU.make_followup(OpenBook(book).read(), _today())
    total = counts_of(fu.items)
    counts = "；".join(f"{h} {total[h]}" for h in COUNT_HEADERS)
    return f"整改台账已生成：\n{fu.path}\n{counts}" + (f"\n\n{fu.draft}" if fu.draft else "")


@button
def make_feedback(book: Any) -> str:
    """反馈意见."""
    from annex_tools.usecases import documents as DS

    return files_message(DS.make_feedback(OpenBook(book).read(), None, _today(), draft=DS.AUTO))


@button
def import_reports(book: Any) -> str:
    """导入述职报告: figures from each report into 述职 (reports found in 述职报告/ too)."""
    from annex_tools.usecases import documents as DS
    from annex_tools.usecases.outputs import REPORTS_INBOX

    master = OpenBook(book)
    folder = master.folder / REPORTS_INBOX
    return import_reports_message(DS.import_reports(master, folder if folder.is_dir() else None))


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


@button
def import_returns(book: Any) -> str | None:
    """导入附件2回执: every .xlsx in 附件2回执/ beside the book; preview, then confirm."""
    from annex_tools.usecases import documents as DS
    from annex_tools.usecases.outputs import RETURNS_INBOX

    master = OpenBook(book)
    folder = master.folder / RETURNS_INBOX
    files = (
        sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("~$"))
        if folder.is_dir()
        else []
    )
    if not files:
        return f"请把各党总支交回的附件2（.xlsx）放到文件夹\n{folder}\n再点击本按钮。"
    asked: list[bool] = []

    def confirm(result: DS.ReturnsResult) -> bool:
        asked.append(True)
        text = returns_preview(result) + "\n\n确定写入主表吗？"
        return bool(book.app.alert(text, title=TITLE, buttons="ok_cancel") == "ok")

    result = DS.import_returns(master, files, confirm)
    return returns_message(result, asked=bool(asked))


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


@button
def archive_opinions(book: Any) -> str:
    """人事档案归档: the saved master's opinions into 人事档案归档/ beside it (write-once)."""
    from annex_tools.archive import ArchiveError
    from annex_tools.usecases import documents as DS

    if not book.api.Saved:
        return "归档以已保存的主表为准：请先保存主表，再点击“人事档案归档”。"
    try:
        r = DS.archive_opinions(Path(book.fullname), None, _today())
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
        build_info = ""
    names = [s.name for s in book.sheets]
    rows = book.sheets[CONF_SHEET].used_range.options(ndim=2).value if CONF_SHEET in names else []
    return check_environment(Path(book.fullname), conf_rows(rows or []), build_info)[1]


# ---- UDFs ------------------------------------------------------------------------------


def _caller_folder(caller: Any) -> Path | None:
    try:
        return Path(caller.sheet.book.fullname).parent
    except Exception:
        return None


def _caller_settings(caller: Any) -> Settings | None:
    """The settings in force in the calling workbook's 设置 sheet (None: the defaults)."""
    from annex_tools.workbook.reader import workbook_from_rows

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
    from annex_tools.workbook import formulas as F

    return F.report_words(paths, _caller_folder(caller))


@xw.func
@xw.arg("paths", ndim=2, doc="述职报告文件路径（可选一列）")
@xw.arg("part", doc="履职主要情况、存在的问题 或 下一步工作思路")
@xw.arg("caller", doc="")
@xw.ret(doc="该部分字数占三部分字数之和的比例")
def ANNEX_SHARE(paths: Any, part: str, caller: Any) -> Any:
    from annex_tools.workbook import formulas as F

    return F.report_share(paths, part, _caller_folder(caller))


@xw.func
@xw.arg("n", ndim=2, doc="评议人数")
@xw.arg("ratio", doc="最低比例；省略时用“设置”表的较好及以下最低比例")
@xw.arg("rounding", doc="向上取整 或 四舍五入；省略时用“设置”表的取整方式")
@xw.arg("caller", doc="")
@xw.ret(doc="“较好”及以下的最少人数")
def ANNEX_MIN_FAIR(n: Any, ratio: Any = None, rounding: Any = None, caller: Any = None) -> Any:
    from annex_tools.workbook import formulas as F

    return F.min_at_most_fair(n, ratio, rounding, _caller_settings(caller))


@xw.func
@xw.arg("grades", ndim=2, doc="综合评价等次所在区域")
@xw.ret(doc="“较好”及以下所占比例")
def ANNEX_FAIR_SHARE(grades: Any) -> Any:
    from annex_tools.workbook import formulas as F

    return F.share_at_most_fair(grades)


@xw.func
@xw.arg("grade", ndim=2, doc="综合评价等次")
@xw.arg("appraisal", ndim=2, doc="年度考核等次")
@xw.ret(doc="是否符合“未达到好不得评优秀”")
def ANNEX_LINKAGE(grade: Any, appraisal: Any) -> Any:
    from annex_tools.workbook import formulas as F

    return F.linkage(grade, appraisal)
