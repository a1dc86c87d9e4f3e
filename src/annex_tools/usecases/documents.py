"""Service functions for the documents: what the CLI commands and the ribbon buttons call."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from annex_tools.analysis import ReportError, analyze_file
from annex_tools.contract import schema as S
from annex_tools.contract.errors import MasterHasErrors, NotMaster
from annex_tools.contract.findings import Severity
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
from annex_tools.usecases.check import check_workbook, resolve_report
from annex_tools.usecases.outputs import Outputs, check_folder_out, docx_to_pdf
from annex_tools.workbook.reader import Workbook, read_workbook
from annex_tools.workbook.safewrite import writing

Progress = Callable[[Iterable[object], str], Iterable[object]]


def _plain(items: Iterable[object], label: str) -> Iterable[object]:
    return items


Source = Path | Workbook  # a master on disk, or one read from the open book by the Excel button


def load(source: Source) -> tuple[Workbook, Institute]:
    wb = source if isinstance(source, Workbook) else read_workbook(source)
    return wb, institute(wb)


# ---- generators check their input first ------------------------------------------------------

_MASTER_SHEETS = ("orgs", "subs", "grades")


def describe_non_master(wb: Workbook) -> str | None:
    """None for a master; otherwise what the file appears to be, in words staff use."""
    if not all(key in wb.missing_sheets for key in _MASTER_SHEETS):
        return None
    if wb.path is not None:
        try:
            A2.read_return(wb.path)
        except A2.ReturnError:
            pass
        else:
            return "这是附件2回执（党总支交回的评议考核结果和问题整改清单），不是主表。导入它请用 import-returns"
    names = "、".join(sh.name for sh in S.DATA_SHEETS if sh.key in _MASTER_SHEETS)
    return f"这不是主表：工作簿中没有主表的工作表（{names}）"


def open_master(
    source: Source, today: dt.date, draft: bool = False, tolerate: tuple[str, ...] = ()
) -> tuple[Workbook, Institute]:
    """The master behind a generator: refuses what is not a master (NotMaster) and a master
    with errors unless `draft` (MasterHasErrors). Errors with a code in `tolerate` do not
    refuse (the caller handles them row by row)."""
    wb = source if isinstance(source, Workbook) else read_workbook(source)
    what = describe_non_master(wb)
    if what is not None:
        raise NotMaster(wb.path or "当前工作簿", what)
    result = check_workbook(wb, today)
    if (
        any(f.code not in tolerate for f in result.findings if f.severity is Severity.ERROR)
        and not draft
    ):
        raise MasterHasErrors(result)
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


def make_templates(
    workbook: Source,
    out_dir: Path,
    progress: Progress = _plain,
    *,
    today: dt.date | None = None,
    draft: bool = False,
    force: bool = False,
) -> Outputs:
    check_folder_out(out_dir)
    wb, inst = open_master(workbook, today or dt.date.today(), draft)
    secs = must_report(inst)
    names = dict(zip((id(s) for s in secs), annex1.report_filenames(secs), strict=True))
    rects = wb.frames["rects"]
    carried: dict[str, list[tuple[str, str]]] = {}
    if "原整改编号" in rects:
        for rec in rects[rects["原整改编号"].fillna("").astype(str) != ""].to_dict("records"):
            carried.setdefault(rec["述职编号"], []).append((rec["原整改编号"], rec["存在问题"]))
    done = Outputs(out_dir, force)
    for sec in progress(secs, "述职报告模板"):
        assert isinstance(sec, Secretary)
        context = annex1.plan_annex1(sec, wb.settings, carried.get(sec.sid, []))
        done.write(
            out_dir / names[id(sec)],
            partial(render_docx, "annex1-report.docx", context, draft=draft),
        )
    done.save()
    return done


@dataclass
class ImportSummary:
    filled: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)  # files or people matched more than once
    unmatched_files: list[str] = field(default_factory=list)  # files that match no secretary
    backup: Path | None = None


# What separates the parts of a file name: spaces, dashes, underscores, dots, brackets, and
# every character the safe-file-name function replaces.
_NAME_PARTS = re.compile(r'[\s\-_—－·.、,，()（）\[\]【】\\/:*?"<>|]+')


def name_tokens(text: str) -> list[str]:
    return [t for t in _NAME_PARTS.split(unicodedata.normalize("NFKC", text)) if t]


def _contains(tokens: list[str], part: list[str]) -> bool:
    n = len(part)
    return n > 0 and any(tokens[i : i + n] == part for i in range(len(tokens) - n + 1))


def match_report_files(
    files: list[Path], secs: list[Secretary]
) -> tuple[dict[str, Path], list[str], list[str]]:
    """Each report file to the one secretary whose organization and name it carries as whole
    parts of its name (`示例第一党支部-丁四-述职报告.docx`), never by substring: 张三 is not
    张三丰. A 述职编号 or 工号 in the name (as the templates add to colliding names) decides
    between two. Returns {述职编号: file}, the ambiguous cases and the files that match no one;
    neither of the last two is used."""
    tags = {t: s.sid for s in secs for t in (s.sid, s.staff_no) if t}
    keys = [(s, name_tokens(s.org_name), name_tokens(s.name)) for s in secs]
    by_sec: dict[str, list[Path]] = {}
    ambiguous: list[str] = []
    unmatched: list[str] = []
    for f in files:
        tokens = name_tokens(f.stem)
        hits = [s for s, org, name in keys if _contains(tokens, org) and _contains(tokens, name)]
        tagged = {tags[t] for t in tokens if t in tags}
        if tagged:
            hits = [s for s in hits if s.sid in tagged]
        if not hits:
            unmatched.append(f.name)
        elif len(hits) > 1:
            who = "、".join(f"{s.org_name} {s.name}" for s in hits)
            ambiguous.append(
                f"文件“{f.name}”可能属于多位书记（{who}），未使用；请在文件名中写明完整的组织名称和姓名"
            )
        else:
            by_sec.setdefault(hits[0].sid, []).append(f)
    found: dict[str, Path] = {}
    for sid, paths in by_sec.items():
        if len(paths) == 1:
            found[sid] = paths[0]
        else:
            sec = next(s for s in secs if s.sid == sid)
            names = "、".join(f"“{p.name}”" for p in paths)
            ambiguous.append(
                f"{sec.org_name} {sec.name}有多份报告（{names}），未使用；请只保留一份"
            )
    return found, ambiguous, unmatched


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
    matched: dict[str, Path] = {}
    if folder is not None:
        files = sorted(p for p in folder.rglob("*.docx") if not p.name.startswith("~$"))
        matched, summary.ambiguous, summary.unmatched_files = match_report_files(
            files, inst.secretaries
        )
    for sec in progress(inst.secretaries, "导入述职报告"):
        assert isinstance(sec, Secretary)
        who = f"{sec.org_name} {sec.name}"
        path = resolve_report(base, sec.report_file) if sec.report_file else None
        values: dict[str, object] = {}
        if (path is None or not path.exists()) and folder is not None:
            found = matched.get(sec.sid)
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
    with writing(workbook) as session:
        summary, updates = plan_report_import(workbook, folder, progress)
        if updates:
            _, summary.backup = session.update(
                lambda book: write_report_figures(OpenpyxlWriter(book), updates)
            )
    return summary


def annex2_tables(workbook: Source) -> list[A2.Annex2Table]:
    wb, inst = load(workbook)
    subs = {s.org_id: s for s in inst.secretaries}
    return [
        A2.plan_table(inst, body, wb.settings.exempt, subs)
        for body in annex2_bodies(inst, wb.settings.exempt)
    ]


def make_annex2(
    workbook: Source,
    out_dir: Path,
    progress: Progress = _plain,
    *,
    today: dt.date | None = None,
    draft: bool = False,
    force: bool = False,
) -> Outputs:
    check_folder_out(out_dir)
    wb, _ = open_master(workbook, today or dt.date.today(), draft)
    tables = annex2_tables(wb)
    names = dict(zip((t.org_id for t in tables), A2.table_filenames(tables), strict=True))
    done = Outputs(out_dir, force)
    for t in progress(tables, "附件2"):
        assert isinstance(t, A2.Annex2Table)
        done.write(out_dir / names[t.org_id], partial(A2.write_xlsx, t, draft=draft))
    done.save()
    return done


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
    plan = plan_changes(inst, tables)
    return ReturnsResult(plan.changes, errors + plan.refused)


def import_returns(workbook: Path, files: list[Path], apply: bool) -> ReturnsResult:
    """`import-returns`: show the changes; with `apply`, merge them through the safe-write helper."""
    if not apply:
        return plan_returns(workbook, files)
    with writing(workbook) as session:  # planned from the very file the changes go into
        result = plan_returns(workbook, files)
        changes = result.changes
        if any(c.applies for c in changes):
            result.applied, result.backup = session.update(
                lambda book: apply_changes(OpenpyxlWriter(book), changes)
            )
    return result


def summary_filename(st: object) -> str:
    year = getattr(st, "year", "")
    return f"{year}年度述职评议工作情况报告.docx"


def make_summary(
    workbook: Source,
    out: Path,
    today: dt.date,
    *,
    draft: bool = False,
    force: bool = False,
) -> tuple[Outputs, dict[str, Any]]:
    """The summary report at `out` (.docx, or .pdf through LibreOffice)."""
    wb, inst = open_master(workbook, today, draft)
    narrative = summary_doc.read_narrative(wb.path) if wb.narrative is None else wb.narrative
    plan = summary_doc.plan_summary(inst, wb.settings, narrative, today)
    chart = summary_doc.grade_chart(inst)

    def make(path: Path) -> None:
        if path.suffix.lower() == ".pdf":
            with tempfile.TemporaryDirectory() as tmp:
                docx = Path(tmp) / "summary.docx"
                render_docx("summary.docx", dict(plan), docx, {"chart": chart}, draft=draft)
                docx_to_pdf(docx, path)
        else:
            render_docx("summary.docx", dict(plan), path, {"chart": chart}, draft=draft)

    done = Outputs(out.parent, force)
    done.write(out, make)
    done.save()
    return done, plan


def make_feedback(
    workbook: Source,
    out_dir: Path,
    today: dt.date,
    progress: Progress = _plain,
    *,
    draft: bool = False,
    force: bool = False,
) -> Outputs:
    check_folder_out(out_dir)
    wb, inst = open_master(workbook, today, draft)
    graded = [s for s in inst.secretaries if s.grade]
    names = dict(zip((id(s) for s in graded), feedback.feedback_filenames(graded), strict=True))
    done = Outputs(out_dir, force)
    for sec in progress(graded, "反馈意见"):
        assert isinstance(sec, Secretary)
        context = feedback.plan_feedback(inst, sec, wb.settings, today)
        done.write(
            out_dir / names[id(sec)],
            partial(render_docx, "feedback.docx", context, draft=draft),
        )
    done.save()
    return done
