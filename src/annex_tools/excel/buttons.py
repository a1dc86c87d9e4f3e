"""The ribbon buttons (RunPython "import annex_tools.excel as ax; ax.run_check()"): each reads the
open book, calls the same use-case function as its CLI twin (tests/unit/test_entry_points.py), and
writes back only after everything has been computed; `button` turns every failure into a Chinese
dialog, never a traceback.

A click pays this module's import before any work starts, so everything beyond xlwings and the
contract is imported inside the function that needs it.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annex_tools.contract import schema as S
from annex_tools.contract.errors import USER_ERRORS, MasterHasErrors
from annex_tools.excel import adapter
from annex_tools.excel.adapter import OpenBook, empty_results, unmark
from annex_tools.excel.messages import (
    check_message,
    files_message,
    import_reports_message,
    returns_message,
    returns_preview,
    summary_message,
)
from annex_tools.logs import log_path, logger
from annex_tools.usecases.environment import CONF_SHEET, check_environment, conf_rows

TITLE = "述职评议"


def _logger() -> logging.Logger:
    return logger("annex_tools.excel")


def button(fn: Callable[[Any], str | None]) -> Callable[[], None]:
    """A ribbon entry point: find the calling book, run, tell the user; never a traceback."""

    def run() -> None:
        book = None
        try:
            book = adapter.calling_book()
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
    unmark(book, {**dict.fromkeys(names, []), S.RESULTS_SHEET: rows})
    empty_results(book, names)
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


@button
def make_grade_notice(book: Any) -> str:
    """等次通报, a bulletin (the CLI's `notice-grades`; this name is the ribbon macro's, kept)."""
    from annex_tools.usecases import documents as DS

    done = DS.make_bulletin(OpenBook(book).read(), None, _today(), draft=DS.AUTO)
    if done.kept:
        return (
            f"等次通报“{done.kept[0].name}”生成后被改过，未覆盖。要重新生成，请先把它改名或移走。"
        )
    note = files_message(done).partition("\n\n")[2]
    return f"等次通报已生成：\n{done.written[0]}" + (f"\n\n{note}" if note else "")


@button
def make_followup(book: Any) -> str:  # the ribbon macro's name (AnnexRibbon.bas), kept
    """整改台账 for the 党委巡察办 (the CLI's `rectifications`)."""
    from annex_tools.usecases import rect_ledger as FU
    from annex_tools.usecases.rect_ledger import COUNT_HEADERS, counts_of

    fu = FU.make_rect_ledger(OpenBook(book).read(), _today())
    total = counts_of(fu.items)
    counts = "；".join(f"{h} {total[h]}" for h in COUNT_HEADERS)
    return f"整改台账已生成：\n{fu.path}\n{counts}" + (f"\n\n{fu.draft}" if fu.draft else "")


@button
def make_progress(book: Any) -> str:
    """工作进度 and 催报通知 (the CLI's `progress`)."""
    from annex_tools.usecases import progress as PG

    run = PG.make_progress(OpenBook(book).read(), _today())
    return f"{run.message}\n\n已写入：{run.folder}"


@button
def new_year(book: Any) -> str:
    """新的一年 (the CLI's `new 下一年.xlsm --from 本主表`): next year's macro master beside
    this one, from this master as last saved."""
    from annex_tools.usecases.start import new_master

    last = Path(book.fullname)
    target = last.with_name(f"{last.stem}-next.xlsm")
    plan = new_master(target, last_year=last, as_of=_today())
    assert plan is not None
    note = f"\n\n{plan.source_note}" if plan.source_note else ""
    return (
        f"已新建{plan.year}年度带宏主表：\n{target}\n"
        f"（按已保存的本主表生成；请改名后使用，并核对“设置”表中标黄的日期）{note}"
    )


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


@button
def make_ballots(book: Any) -> str:
    """现场测评表: a printable ballot and a 测评统计表 to fill in, per meeting."""
    from annex_tools.usecases import documents as DS
    from annex_tools.usecases import intake as IN

    return files_message(IN.make_ballots(OpenBook(book).read(), None, _today(), draft=DS.AUTO))


@button
def make_interviews(book: Any) -> str:
    """约谈记录: one record per secretary graded 一般 or 差."""
    from annex_tools.usecases import documents as DS
    from annex_tools.usecases import intake as IN

    return files_message(IN.make_interviews(OpenBook(book).read(), None, _today(), draft=DS.AUTO))


def _inbox(folder: Path) -> list[Path]:
    """The .xlsx files staff put in an inbox folder beside the master (not Excel's ~$ files)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("~$"))


def _asking(book: Any, asked: list[bool]) -> Callable[[Any], bool]:
    """The confirmation dialog of an import button: the preview, then OK to write."""

    def confirm(result: Any) -> bool:
        asked.append(True)
        text = returns_preview(result) + "\n\n确定写入主表吗？"
        return bool(book.app.alert(text, title=TITLE, buttons="ok_cancel") == "ok")

    return confirm


@button
def import_ballots(book: Any) -> str | None:
    """导入测评统计: every .xlsx in 测评统计/ beside the book; preview, then confirm."""
    from annex_tools.usecases import intake as IN
    from annex_tools.usecases.outputs import TALLIES_INBOX

    master = OpenBook(book)
    files = _inbox(master.folder / TALLIES_INBOX)
    if not files:
        return f"请把填好的测评统计表（.xlsx）放到文件夹\n{master.folder / TALLIES_INBOX}\n再点击本按钮。"
    asked: list[bool] = []
    result = IN.import_ballots(master, files, _asking(book, asked))
    return returns_message(result, asked=bool(asked))


@button
def make_rect_forms(book: Any) -> str:
    """整改进展表: one form per 二级党组织 with open rectifications."""
    from annex_tools.usecases import documents as DS
    from annex_tools.usecases import intake as IN

    return files_message(IN.make_rect_forms(OpenBook(book).read(), None, _today(), draft=DS.AUTO))


@button
def import_rect_progress(book: Any) -> str | None:
    """导入整改进展: every .xlsx in 整改进展/ beside the book; preview, then confirm."""
    from annex_tools.usecases import intake as IN
    from annex_tools.usecases.outputs import PROGRESS_INBOX

    master = OpenBook(book)
    files = _inbox(master.folder / PROGRESS_INBOX)
    if not files:
        return f"请把各二级党组织交回的整改进展表（.xlsx）放到文件夹\n{master.folder / PROGRESS_INBOX}\n再点击本按钮。"
    asked: list[bool] = []
    result = IN.import_rect_progress(master, files, _asking(book, asked), _today())
    return returns_message(result, asked=bool(asked))


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
