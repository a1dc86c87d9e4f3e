"""What staff used to type by hand, as forms that go out and come back (issue 20): the
现场测评表 and 测评统计表 per meeting, the 约谈记录 of each 一般/差 secretary, the 整改进展表 per
二级党组织. Each round trip is one use case for the CLI command and
its ribbon button; what comes back goes through `documents.import_confirmed`, the same path as
the Annex 2 returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path

from annex_tools.contract.master import Progress, Workbook, no_progress
from annex_tools.documents import ballots as B
from annex_tools.documents import interview as IV
from annex_tools.documents import rect_progress as RP
from annex_tools.documents.ballots import BALLOT_HELD_BACK_KINDS  # noqa: F401  (the CLI reads it here)
from annex_tools.documents.rect_progress import PROGRESS_HELD_BACK_KINDS  # noqa: F401
from annex_tools.documents.render import render_docx
from annex_tools.institute import Submission
from annex_tools.usecases.documents import (
    Draft,
    ReturnsResult,
    import_confirmed,
    load,
    start,
)
from annex_tools.usecases.master import Master, Source
from annex_tools.usecases.outputs import Outputs


def make_ballots(
    source: Source,
    out: Path | None = None,
    as_of: dt.date | None = None,
    *,
    draft: Draft = False,
    force: bool = False,
    progress: Progress = no_progress,
) -> Outputs:
    """现场测评表 (.docx, to print) and 测评统计表 (.xlsx, to fill in) for every meeting at which
    someone reports, in one folder."""
    run = start("ballots", source, out, as_of, draft, force)
    forms = B.plan_forms(run.inst)
    if not forms:
        run.done.nothing = "主表“会议”表中还没有安排有书记述职的述职会议，没有要生成的现场测评表。"
    papers = B.form_filenames(forms, "现场测评表", ".docx")
    tallies = B.form_filenames(forms, "测评统计表", ".xlsx")
    names = {f.mid: pair for f, pair in zip(forms, zip(papers, tallies, strict=True), strict=True)}
    for form in progress(forms, "现场测评表"):
        assert isinstance(form, B.BallotForm)
        paper, tally = names[form.mid]
        run.done.write(
            run.target / paper,
            partial(render_docx, "ballot.docx", B.ballot_context(form), draft=run.draft),
        )
        run.done.write(run.target / tally, partial(B.write_tally, form, draft=run.draft))
    run.done.save()
    return run.done


def make_interviews(
    source: Source,
    out: Path | None = None,
    as_of: dt.date | None = None,
    *,
    draft: Draft = False,
    force: bool = False,
    progress: Progress = no_progress,
) -> Outputs:
    """约谈记录 (`interviews` and the button): one .docx per secretary graded 一般 or 差, with
    约谈人 and 约谈提醒日期 from 评议, the problems from 整改; the rest is written by hand."""
    run = start("interviews", source, out, as_of, draft, force)
    secs = IV.to_interview(run.inst)
    if not secs:
        run.done.nothing = "主表中没有综合评价等次为“一般”或“差”的书记，没有要写的约谈记录。"
    names = dict(zip((id(s) for s in secs), IV.interview_filenames(secs), strict=True))
    for sec in progress(secs, "约谈记录"):
        assert isinstance(sec, Submission)
        context = IV.plan_interview(run.inst, sec, run.wb.settings)
        run.done.write(
            run.target / names[id(sec)],
            partial(render_docx, "interview.docx", context, draft=run.draft),
        )
    run.done.save()
    return run.done


def plan_ballots(workbook: Source, files: list[Path]) -> ReturnsResult:
    _, inst = load(workbook)
    tallies, errors = [], []
    for f in files:
        try:
            tallies.append(B.read_tally(f))
        except B.TallyError as exc:
            errors.append(str(exc))
    plan = B.plan_ballot_changes(inst, tallies)
    return ReturnsResult(plan.changes, errors + plan.refused)


def import_ballots(
    source: Path | str | Master,
    files: list[Path],
    confirm: Callable[[ReturnsResult], bool],
) -> ReturnsResult:
    """导入测评统计 (`import-ballots` and the button): 实到人数 and the four counts from the
    filled 测评统计表, shown first and written when `confirm` says so."""

    def plan(wb: Workbook) -> ReturnsResult:
        return plan_ballots(wb, files)

    return import_confirmed(source, plan, confirm)


def make_rect_forms(
    source: Source,
    out: Path | None = None,
    as_of: dt.date | None = None,
    *,
    draft: Draft = False,
    force: bool = False,
    progress: Progress = no_progress,
) -> Outputs:
    """整改进展表 (`rectification-forms` and the button): one workbook per 二级党组织 with open
    rectifications, listing them with 整改状态, 完成日期 and 进展说明 to fill in."""
    run = start("rect-forms", source, out, as_of, draft, force)
    forms = RP.plan_forms(run.inst)
    names = dict(zip((f.oid for f in forms), RP.form_filenames(forms), strict=True))
    day = as_of or dt.date.today()
    for form in progress(forms, "整改进展表"):
        assert isinstance(form, RP.ProgressForm)
        run.done.write(
            run.target / names[form.oid], partial(RP.write_form, form, day, draft=run.draft)
        )
    run.done.save()
    return run.done


def plan_rect_progress(workbook: Source, files: list[Path], as_of: dt.date) -> ReturnsResult:
    wb, inst = load(workbook)
    forms, errors = [], []
    for f in files:
        if wb.path is not None and Path(f).exists() and Path(f).resolve() == wb.path.resolve():
            errors.append(f"“{f}”是主表本身，不是交回的整改进展表，未导入")
            continue
        try:
            forms.append(RP.read_form(f, as_of))
        except RP.FormError as exc:
            errors.append(str(exc))
    plan = RP.plan_progress_changes(inst, forms, wb.has("rects", RP.NOTE))
    return ReturnsResult(plan.changes, errors + plan.refused)


def import_rect_progress(
    source: Path | str | Master,
    files: list[Path],
    confirm: Callable[[ReturnsResult], bool],
    as_of: dt.date | None = None,
) -> ReturnsResult:
    """导入整改进展 (`import-rectifications` and the button): 整改状态, 完成日期 and 进展说明 from
    the filled 整改进展表, each body's file only for its own items; shown first, written when
    `confirm` says so; conflicts never written."""
    day = as_of or dt.date.today()

    def plan(wb: Workbook) -> ReturnsResult:
        return plan_rect_progress(wb, files, day)

    return import_confirmed(source, plan, confirm)
