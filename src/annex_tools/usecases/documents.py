"""Service functions for the documents: what the CLI commands and the ribbon buttons call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annex_tools.analysis import ReportError, analyze_file
from annex_tools.contract import schema as S
from annex_tools.contract.text import normalize
from annex_tools.documents import annex1, feedback
from annex_tools.documents import annex2 as A2
from annex_tools.documents import summary as summary_doc
from annex_tools.documents.render import render_docx
from annex_tools.documents.returns import (
    Change,
    OpenpyxlWriter,
    SheetWriter,
    apply_changes,
    plan_changes,
)
from annex_tools.institute import Institute, Secretary, annex2_bodies, institute
from annex_tools.usecases.check import resolve_report
from annex_tools.workbook.reader import Workbook, read_workbook
from annex_tools.workbook.safewrite import update_master

Progress = Callable[[Iterable[object], str], Iterable[object]]


def _plain(items: Iterable[object], label: str) -> Iterable[object]:
    return items


Source = Path | Workbook  # a master on disk, or one read from the open book by the Excel button


def load(source: Source) -> tuple[Workbook, Institute]:
    wb = source if isinstance(source, Workbook) else read_workbook(source)
    return wb, institute(wb)


def must_report(inst: Institute) -> list[Secretary]:
    """Every secretary who reports: each 二级党组织 and 在职党支部, from its 述职 row when there is
    one, otherwise from the 组织 sheet."""
    by_org = {s.org_id: s for s in inst.secretaries}
    out: list[Secretary] = []
    for org in sorted(inst.orgs.values(), key=lambda o: o.row):
        if org.otype not in (*S.SECOND_LEVEL_TYPES, S.ORG_STAFF_BRANCH):
            continue
        sec = by_org.get(org.oid)
        if sec is None:
            category = S.CAT_BRANCH if org.otype == S.ORG_STAFF_BRANCH else S.CAT_SECOND_LEVEL
            sec = Secretary(
                "",
                org.oid,
                org.name,
                org.otype,
                org.secretary,
                org.staff_no,
                category,
                "",
                "",
                org.parent,
                "",
                None,
            )
        out.append(sec)
    return out


def make_templates(workbook: Source, out_dir: Path, progress: Progress = _plain) -> list[Path]:
    wb, inst = load(workbook)
    secs = must_report(inst)
    names = dict(zip((id(s) for s in secs), annex1.report_filenames(secs), strict=True))
    made = []
    for sec in progress(secs, "述职报告模板"):
        assert isinstance(sec, Secretary)
        path = out_dir / names[id(sec)]
        made.append(render_docx("annex1-report.docx", annex1.plan_annex1(sec, wb.settings), path))
    return made


@dataclass
class ImportSummary:
    filled: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    backup: Path | None = None


def _find_report(folder: Path, sec: Secretary) -> Path | None:
    org, name = normalize(sec.org_name), normalize(sec.name)
    for candidate in sorted(folder.rglob("*.docx")):
        stem = normalize(candidate.stem)
        if org in stem and name in stem and not candidate.name.startswith("~$"):
            return candidate
    return None


Update = tuple[int, dict[str, object]]  # (述职 row, {header: value})


def plan_report_import(
    workbook: Source, folder: Path | None = None, progress: Progress = _plain
) -> tuple[ImportSummary, list[Update]]:
    """What import-reports would write: each 述职 row's 字数 and shares from its report (or from
    the matching file in `folder`, whose path is then recorded too)."""
    wb, inst = load(workbook)
    base = wb.folder
    summary = ImportSummary()
    updates: list[Update] = []
    for sec in progress(inst.secretaries, "导入述职报告"):
        assert isinstance(sec, Secretary)
        who = f"{sec.org_name} {sec.name}"
        path = resolve_report(base, sec.report_file) if sec.report_file else None
        values: dict[str, object] = {}
        if (path is None or not path.exists()) and folder is not None:
            found = _find_report(folder, sec)
            if found is not None:
                path = found
                try:
                    values["报告文件"] = str(found.resolve().relative_to(base.resolve())).replace(
                        "\\", "/"
                    )
                except ValueError:
                    values["报告文件"] = str(found.resolve())
        if path is None or not path.exists():
            summary.missing.append(who)
            continue
        try:
            a = analyze_file(path)
        except ReportError as exc:
            summary.unreadable.append(f"{who}：{exc}")
            continue
        values |= {
            "字数": a.words,
            "履职情况占比": a.shares["duties"],
            "存在问题占比": a.shares["problems"],
            "工作思路占比": a.shares["plans"],
        }
        updates.append((sec.sub_row, values))
        summary.filled.append(f"{who}：{a.words}字")
    return summary, updates


def write_report_figures(writer: SheetWriter, updates: list[Update]) -> None:
    for row, values in updates:
        for header, value in values.items():
            writer.put(
                S.SUBMISSIONS, row, header, value, "0.0%" if header.endswith("占比") else None
            )


def import_reports(
    workbook: Path, folder: Path | None = None, progress: Progress = _plain
) -> ImportSummary:
    """`import-reports`: the figures written into 述职 through the safe-write helper."""
    summary, updates = plan_report_import(workbook, folder, progress)
    if updates:
        _, summary.backup = update_master(
            workbook, lambda book: write_report_figures(OpenpyxlWriter(book), updates)
        )
    return summary


def annex2_tables(workbook: Source) -> list[A2.Annex2Table]:
    wb, inst = load(workbook)
    subs = {s.org_id: s for s in inst.secretaries}
    return [
        A2.plan_table(inst, body, wb.settings.exempt, subs)
        for body in annex2_bodies(inst, wb.settings.exempt)
    ]


def make_annex2(workbook: Source, out_dir: Path, progress: Progress = _plain) -> list[Path]:
    tables = annex2_tables(workbook)
    names = dict(zip((t.org_id for t in tables), A2.table_filenames(tables), strict=True))
    return [
        A2.write_xlsx(t, out_dir / names[t.org_id])
        for t in progress(tables, "附件2")
        if isinstance(t, A2.Annex2Table)
    ]


@dataclass
class ReturnsResult:
    changes: list[Change]
    errors: list[str]
    applied: int = 0
    backup: Path | None = None


def plan_returns(workbook: Source, files: list[Path]) -> ReturnsResult:
    _, inst = load(workbook)
    tables, errors = [], []
    for f in files:
        try:
            tables.append(A2.read_return(f))
        except A2.ReturnError as exc:
            errors.append(str(exc))
    return ReturnsResult(plan_changes(inst, tables), errors)


def import_returns(workbook: Path, files: list[Path], apply: bool) -> ReturnsResult:
    """`import-returns`: show the changes; with `apply`, merge them through the safe-write helper."""
    result = plan_returns(workbook, files)
    changes = result.changes
    if apply and any(c.applies for c in changes):
        result.applied, result.backup = update_master(
            workbook, lambda book: apply_changes(OpenpyxlWriter(book), changes)
        )
    return result


def make_summary(workbook: Source, out: Path, today: dt.date) -> tuple[Path, dict[str, Any]]:
    wb, inst = load(workbook)
    narrative = summary_doc.read_narrative(wb.path) if wb.narrative is None else wb.narrative
    plan = summary_doc.plan_summary(inst, wb.settings, narrative, today)
    render_docx("summary.docx", dict(plan), out, images={"chart": summary_doc.grade_chart(inst)})
    return out, plan


def make_feedback(
    workbook: Source, out_dir: Path, today: dt.date, progress: Progress = _plain
) -> list[Path]:
    wb, inst = load(workbook)
    graded = [s for s in inst.secretaries if s.grade]
    names = dict(zip((id(s) for s in graded), feedback.feedback_filenames(graded), strict=True))
    made = []
    for sec in progress(graded, "反馈意见"):
        assert isinstance(sec, Secretary)
        made.append(
            render_docx(
                "feedback.docx",
                feedback.plan_feedback(inst, sec, wb.settings, today),
                out_dir / names[id(sec)],
            )
        )
    return made
