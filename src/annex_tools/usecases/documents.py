"""Service functions for the documents: what the CLI commands and the ribbon buttons call."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from annex_tools.analysis import ReportError, analyze_file
from annex_tools.contract import schema as S
from annex_tools.contract.errors import DocumentIncomplete, MasterHasErrors, NotMaster
from annex_tools.contract.findings import Finding, Severity
from annex_tools.contract.master import Progress, Workbook, no_progress, report_path
from annex_tools.contract.text import format_date
from annex_tools.documents import annex1, feedback
from annex_tools.documents import annex2 as A2
from annex_tools.documents import summary as summary_doc
from annex_tools.documents.mail import MAIL_SUFFIX, Mail, MailError, read_mail
from annex_tools.documents.render import render_docx
from annex_tools.documents.returns import Change, SheetWriter, apply_changes, plan_changes
from annex_tools.institute import Institute, Submission, annex2_bodies, institute
from annex_tools.schedule import STEP_GRADED
from annex_tools.usecases.check import CheckResult, check_workbook
from annex_tools.usecases.inputs import BY_KIND, Inputs
from annex_tools.usecases.master import Master, Source, as_master, read_source
from annex_tools.usecases.outputs import (
    KINDS,
    Outputs,
    check_folder_out,
    default_out,
    docx_to_pdf,
    resolve_file_out,
)

if TYPE_CHECKING:
    from annex_tools.archive import ArchiveResult

_plain = no_progress


def load(source: Source) -> tuple[Workbook, Institute]:
    wb = read_source(source)
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


def refuse_non_master(wb: Workbook) -> None:
    """Raise NotMaster (saying what the file appears to be) unless `wb` is a master."""
    what = describe_non_master(wb)
    if what is not None:
        raise NotMaster(wb.path or "当前工作簿", what)


AUTO = "auto"  # the buttons: a master with errors gives drafts (staff have no --draft switch)
Draft = bool | str


def checked_master(
    source: Source,
    as_of: dt.date,
    draft: Draft = False,
    tolerate: tuple[str, ...] = (),
    draftable: bool = True,
    inputs: Inputs | None = None,
) -> tuple[Workbook, Institute, int]:
    """The master behind a generator: refuses what is not a master (NotMaster) and a master
    with errors in what the command reads (`inputs`; None: the whole master) unless `draft`
    (MasterHasErrors, naming them); with `draft=AUTO` such errors give drafts. Errors with a
    code in `tolerate` do not refuse (the caller handles them row by row). Returns the
    workbook, the joined view, and the errors the drafts are made despite."""
    checked = check_inputs(source, as_of, draft, tolerate, draftable, inputs)
    return checked.wb, checked.inst, len(checked.errors)


@dataclass
class Checked:
    """A master checked for one command: its errors in what the command reads, how many other
    errors the master has (left to `check`), and the check itself (its schedule)."""

    wb: Workbook
    inst: Institute
    errors: list[Finding]
    others: int
    result: CheckResult


def check_inputs(
    source: Source,
    as_of: dt.date,
    draft: Draft = False,
    tolerate: tuple[str, ...] = (),
    draftable: bool = True,
    inputs: Inputs | None = None,
) -> Checked:
    wb = read_source(source)
    refuse_non_master(wb)
    result = check_workbook(wb, as_of)
    inst = institute(wb)
    all_errors = [
        f for f in result.findings if f.severity is Severity.ERROR and f.code not in tolerate
    ]
    errors = all_errors if inputs is None else inputs.select(all_errors, inst)
    if errors and not draft:
        raise MasterHasErrors(
            replace(result, findings=errors), draftable, inputs.what if inputs else ""
        )
    return Checked(wb, inst, errors, len(all_errors) - len(errors), result)


@dataclass
class Run:
    """One generating run: the checked master, where its output goes, and what was done."""

    wb: Workbook
    inst: Institute
    target: Path  # the folder, or the file for a one-file document
    done: Outputs
    draft: bool  # every page marked 草稿
    checked: Checked | None = None


def start(
    kind: str,
    source: Source,
    out: Path | None,
    as_of: dt.date | None,
    draft: Draft,
    force: bool,
) -> Run:
    """What every generator does first: the output place (given, or the default beside the
    master named with the year), the master checked for what this command reads (inputs.BY_KIND),
    and the output folder's record."""
    wb = read_source(source)
    spec = KINDS[kind]
    target = out if out is not None else default_out(kind, wb.folder, wb.settings.year)
    if spec.per_person:
        check_folder_out(target)
    else:
        target, _ = resolve_file_out(target, default_out(kind, Path(), wb.settings.year).name)
    checked = check_inputs(wb, as_of or dt.date.today(), draft, inputs=BY_KIND.get(kind))
    errors = len(checked.errors)
    folder = target if spec.per_person else target.parent
    as_draft = draft is True or (draft == AUTO and errors > 0)
    done = Outputs(
        folder, force, title=spec.title, drafted=errors if as_draft else 0, others=checked.others
    )
    return Run(checked.wb, checked.inst, target, done, as_draft, checked)


def draft_reasons(run: Run, draft: Draft, gaps: list[str], title: str) -> list[str]:
    """Why a one-file document is a draft, for its first page: the master's errors and what
    a final document would have to invent (`gaps`). Gaps refuse a final document
    (DocumentIncomplete) unless a draft was asked for; the buttons (AUTO) make the draft."""
    if gaps and not run.draft:
        if draft != AUTO:
            raise DocumentIncomplete(title, gaps)
        run.draft = True
    run.done.gaps = list(gaps)
    errors = (
        [f"主表中本文所用的内容尚有 {run.done.drafted} 个错误（运行“全面校验”查看）"]
        if run.done.drafted
        else []
    )
    if run.draft and not errors and not gaps:
        return ["按要求生成的草稿"]
    return errors + gaps


def must_report(inst: Institute) -> list[Submission]:
    """Every secretary who reports: each 二级党组织 and 在职党支部, from its 述职 row when there is
    one, otherwise from the 组织 sheet (not a vacant post, nor one whose secretary is unnamed)."""
    by_org = {s.org_id: s for s in inst.submissions}
    out: list[Submission] = []
    for org in sorted(inst.orgs.values(), key=lambda o: o.row):
        if org.otype not in (*S.SECOND_LEVEL_TYPES, S.ORG_STAFF_BRANCH):
            continue
        sec = by_org.get(org.oid)
        if sec is None and (org.vacancy.strip() or not org.secretary):
            continue  # a vacant post or no secretary named: nobody to write a report
        if sec is None:
            category = S.CAT_BRANCH if org.otype == S.ORG_STAFF_BRANCH else S.CAT_SECOND_LEVEL
            sec = Submission(
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
    source: Source,
    out: Path | None = None,
    as_of: dt.date | None = None,
    *,
    draft: Draft = False,
    force: bool = False,
    progress: Progress = _plain,
) -> Outputs:
    """附件1: a report template for every secretary who reports."""
    run = start("templates", source, out, as_of, draft, force)
    secs = must_report(run.inst)
    names = dict(zip((id(s) for s in secs), annex1.report_filenames(secs), strict=True))
    rects = run.wb.frames["rects"]
    carried: dict[str, list[tuple[str, str]]] = {}
    if "原整改编号" in rects:
        for rec in rects[rects["原整改编号"].fillna("").astype(str) != ""].to_dict("records"):
            carried.setdefault(rec["述职编号"], []).append((rec["原整改编号"], rec["存在问题"]))
    for sec in progress(secs, "述职报告模板"):
        assert isinstance(sec, Submission)
        context = annex1.plan_annex1(sec, run.wb.settings, carried.get(sec.sid, []))
        run.done.write(
            run.target / names[id(sec)],
            partial(render_docx, "annex1-report.docx", context, draft=run.draft),
        )
    run.done.save()
    return run.done


@dataclass
class ImportSummary:
    filled: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)  # files or people matched more than once
    unmatched_files: list[str] = field(default_factory=list)  # files that match no secretary
    backup: Path | None = None
    written: bool = False  # the figures went into the master (the page previews first)
    # saved e-mails (.eml): what was said about them (no or untrustworthy date, duplicates,
    # attachments that are not .docx), the 报送日期 written, those later than their due day,
    # and the dates that differ from what the master holds (not written)
    mails: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def held_back(self) -> int:
        """What was not written because it could not be decided (the exit code says so)."""
        return len(self.ambiguous) + len(self.conflicts)


# What separates the parts of a file name: spaces, dashes, underscores, dots, brackets, and
# every character the safe-file-name function replaces.
_NAME_PARTS = re.compile(r'[\s\-_—－·.、,，()（）\[\]【】\\/:*?"<>|]+')
MAIL_ATTACHMENTS = "邮件附件"  # beside the saved e-mails: their .docx attachments, saved once


def name_tokens(text: str) -> list[str]:
    return [t for t in _NAME_PARTS.split(unicodedata.normalize("NFKC", text)) if t]


def _contains(tokens: list[str], part: list[str]) -> bool:
    n = len(part)
    return n > 0 and any(tokens[i : i + n] == part for i in range(len(tokens) - n + 1))


def _match(
    files: list[Path], secs: list[Submission], labels: dict[Path, list[str]] | None = None
) -> tuple[dict[str, list[Path]], list[str], list[str]]:
    """Each file to the secretaries whose organization and name it carries as whole parts of
    its label (its name; for a mail attachment, its own name, then the mail's subject with it).
    Returns {述职编号: files}, the files that may be two people's, the files that match no one."""
    tags = {t: s.sid for s in secs for t in (s.sid, s.staff_no) if t}
    keys = [(s, name_tokens(s.org_name), name_tokens(s.name)) for s in secs]
    by_sec: dict[str, list[Path]] = {}
    ambiguous: list[str] = []
    unmatched: list[str] = []
    for f in files:
        hits: list[Submission] = []
        for label in (labels or {}).get(f, [f.stem]):
            tokens = name_tokens(label)
            hits = [
                s for s, org, name in keys if _contains(tokens, org) and _contains(tokens, name)
            ]
            tagged = {tags[t] for t in tokens if t in tags}
            if tagged:
                hits = [s for s in hits if s.sid in tagged]
            if hits:
                break
        if not hits:
            unmatched.append(f.name)
        elif len(hits) > 1:
            who = "、".join(f"{s.org_name} {s.name}" for s in hits)
            ambiguous.append(
                f"文件“{f.name}”可能属于多位书记（{who}），未使用；请在文件名中写明完整的组织名称和姓名"
            )
        else:
            by_sec.setdefault(hits[0].sid, []).append(f)
    return by_sec, ambiguous, unmatched


def _several(sec: Submission, paths: list[Path]) -> str:
    names = "、".join(f"“{p.name}”" for p in paths)
    return f"{sec.org_name} {sec.name}有多份报告（{names}），未使用；请只保留一份"


Update = tuple[int, dict[str, object]]  # (述职 row, {header: value})


@dataclass
class _Mailed:
    """A .docx attachment saved from a mail: where it is now and the mail it came in."""

    path: Path
    mail: Mail
    first: dt.date | None  # the earliest day the same file came (a resend keeps the first)


def collect_mails(folder: Path, as_of: dt.date, year: int, summary: ImportSummary) -> list[_Mailed]:
    """Every .docx attached to the saved e-mails in `folder`, saved once under 邮件附件/ (a file
    a person changed there is kept and not used); the same attachment sent twice counts once,
    with the day it first came. What cannot be used is said in `summary.mails`."""
    from annex_tools.contract.text import safe_filename
    from annex_tools.workbook.safewrite import atomic_write_bytes, sha256_file

    mails: list[Mail] = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() != MAIL_SUFFIX or not path.is_file():
            continue
        try:
            mails.append(read_mail(path, as_of, year))
        except MailError as exc:
            summary.mails.append(str(exc))
    mails.sort(key=lambda m: (m.sent is None, m.sent or dt.date.max, m.file.name))
    seen: dict[str, _Mailed] = {}
    out: list[_Mailed] = []
    for mail in mails:
        if mail.note:
            summary.mails.append(f"“{mail.file.name}”：{mail.note}")
        for other in mail.others:
            summary.mails.append(f"“{mail.file.name}”的附件“{other}”不是 .docx，未使用")
        if not mail.attachments and not mail.others:
            summary.mails.append(f"“{mail.file.name}”没有附件，未使用")
        for att in mail.attachments:
            earlier = seen.get(att.digest)
            if earlier is not None:
                summary.mails.append(
                    f"“{mail.file.name}”的附件“{att.name}”与“{earlier.mail.file.name}”中的相同"
                    f"（重复发送），只用一次，报送日期按先到的一封计"
                )
                continue
            target = (
                folder / MAIL_ATTACHMENTS / safe_filename(mail.file.stem) / safe_filename(att.name)
            )
            if target.exists() and sha256_file(target) != att.digest:
                summary.mails.append(
                    f"“{target}”与邮件“{mail.file.name}”中的附件不同（保存后被改过），未覆盖也未使用；"
                    "改过的报告请放到报告文件夹中，不要放在邮件附件文件夹里"
                )
                continue
            if not target.exists():
                atomic_write_bytes(target, att.data)
            item = _Mailed(target, mail, mail.sent)
            seen[att.digest] = item
            out.append(item)
    return out


def _mail_label(item: _Mailed) -> list[str]:
    stem = Path(item.path.name).stem
    return [stem, f"{item.mail.subject} {stem}"]


def _resolve_mailed(
    sec: Submission, paths: list[Path], mailed: dict[Path, _Mailed], summary: ImportSummary
) -> Path | None:
    """One secretary with several different reports: when all came by mail, the last one sent
    is used (a corrected version) and the first day counts as 报送日期; otherwise none is used."""
    items = [mailed.get(p) for p in paths]
    if any(i is None or i.mail.sent is None for i in items):
        summary.ambiguous.append(_several(sec, paths))
        return None
    ordered = sorted(
        (i for i in items if i is not None), key=lambda i: (i.mail.sent, i.mail.file.name)
    )
    last = ordered[-1]
    first = min(i.first for i in ordered if i.first is not None)
    last.first = first
    names = "、".join(f"“{i.mail.file.name}”" for i in ordered)
    summary.mails.append(
        f"{sec.org_name} {sec.name}先后发来{len(ordered)}份不同的报告（{names}），"
        f"使用最后发来的“{last.path.name}”；报送日期按第一封（{format_date(first)}）计"
    )
    return last.path


def plan_report_import(
    workbook: Source,
    folder: Path | None = None,
    progress: Progress = _plain,
    as_of: dt.date | None = None,
) -> tuple[ImportSummary, list[Update]]:
    """What import-reports would write: each 述职 row's 字数 and shares from its report (or from
    the matching file in `folder`, whose path is then recorded too). Saved e-mails (.eml) in
    `folder` bring their .docx attachments and the day each reached the 组织部 (报送组织部日期,
    written when empty; a different date already there is a conflict, not overwritten)."""
    from annex_tools.rules.deadlines import report_due

    wb, inst = load(workbook)
    as_of = as_of or dt.date.today()
    base = wb.folder
    summary = ImportSummary()
    updates: list[Update] = []
    matched: dict[str, Path] = {}
    mailed: dict[Path, _Mailed] = {}
    if folder is not None:
        files = sorted(
            p
            for p in folder.rglob("*.docx")
            if not p.name.startswith("~$") and MAIL_ATTACHMENTS not in p.relative_to(folder).parts
        )
        items = collect_mails(folder, as_of, wb.settings.year, summary)
        mailed = {i.path: i for i in items}
        labels = {p: [p.stem] for p in files} | {i.path: _mail_label(i) for i in items}
        by_sec, summary.ambiguous, summary.unmatched_files = _match(
            [*files, *mailed], inst.submissions, labels
        )
        for sid, paths in by_sec.items():
            owner = next(s for s in inst.submissions if s.sid == sid)
            chosen = paths[0] if len(paths) == 1 else _resolve_mailed(owner, paths, mailed, summary)
            if chosen is not None:
                matched[sid] = chosen
    for sec in progress(inst.submissions, "导入述职报告"):
        assert isinstance(sec, Submission)
        who = f"{sec.org_name} {sec.name}"
        path = report_path(sec.report_file, base) if sec.report_file else None
        values: dict[str, object] = {}
        found = matched.get(sec.sid)
        if (path is None or not path.exists()) and found is not None:
            path = found
            try:
                values["报告文件"] = str(found.resolve().relative_to(base.resolve())).replace(
                    "\\", "/"
                )
            except ValueError:
                values["报告文件"] = str(found.resolve())
        item = mailed.get(found) if found is not None else None
        if item is not None and item.first is not None:
            _sent_date(
                sec,
                item,
                report_due(sec.category, sec.meeting.date if sec.meeting else None, wb.settings),
                values,
                summary,
            )
        if path is None or not path.exists():
            summary.missing.append(who)
            if values:
                updates.append((sec.sub_row, values))
            continue
        try:
            a = analyze_file(path)
        except ReportError as exc:
            summary.unreadable.append(f"{who}：{exc}")
            if values:
                updates.append((sec.sub_row, values))
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


def _sent_date(
    sec: Submission,
    item: _Mailed,
    due: dt.date | None,
    values: dict[str, object],
    summary: ImportSummary,
) -> None:
    """报送组织部日期 from the mail: written when the master has none; the same date changes
    nothing; a different one is a conflict. A day after the due day is shown as late."""
    who = f"{sec.org_name} {sec.name}"
    day = item.first
    assert day is not None
    source = f"邮件“{item.mail.file.name}”"
    if sec.sent is None:
        values["报送组织部日期"] = day
        summary.sent.append(f"{who}：{format_date(day)}（{source}）")
    elif sec.sent != day:
        summary.conflicts.append(
            f"{who}：{source}的报送日期为{format_date(day)}，主表为{format_date(sec.sent)}；"
            "未覆盖，请核实后在主表中修改"
        )
    if due is not None and day > due:
        summary.late.append(
            f"{who}：{format_date(day)}报送（{source}），应不晚于{format_date(due)}，晚了{(day - due).days}天"
        )


def write_report_figures(writer: SheetWriter, updates: list[Update]) -> None:
    for row, values in updates:
        for header, value in values.items():
            number_format = (
                "0.0%"
                if header.endswith("占比")
                else "yyyy-mm-dd"
                if isinstance(value, dt.date)
                else None
            )
            writer.put(S.SUBMISSIONS, row, header, value, number_format)


def import_reports(
    source: Path | str | Master,
    folder: Path | None = None,
    progress: Progress = _plain,
    as_of: dt.date | None = None,
    confirm: Callable[[ImportSummary], bool] | None = None,
) -> ImportSummary:
    """导入述职报告 (`import-reports`, the button and the page): each 述职 row's 字数 and shares
    from its report, and 报送组织部日期 from the saved e-mails that brought it, written into 述职
    while the master is held. The button passes the open book and the 述职报告/ folder beside
    it; the page passes `confirm`, which sees what would be written (`filled`) and says whether
    to write it (the CLI and the button write)."""
    master = as_master(source)
    with master.hold():
        summary, updates = plan_report_import(master.read(), folder, progress, as_of)
        if updates and (confirm is None or confirm(summary)):
            _, summary.backup = master.edit(lambda w: write_report_figures(w, updates))
            summary.written = True
    return summary


def annex2_tables(workbook: Source) -> list[A2.Annex2Table]:
    wb, inst = load(workbook)
    subs = A2.secretaries_by_org(inst)
    return [
        A2.plan_table(inst, body, wb.settings.exempt, subs)
        for body in annex2_bodies(inst, wb.settings.exempt)
    ]


def make_annex2(
    source: Source,
    out: Path | None = None,
    as_of: dt.date | None = None,
    *,
    draft: Draft = False,
    force: bool = False,
    progress: Progress = _plain,
) -> Outputs:
    """附件2: one workbook per 二级党组织 with 在职党支部 (the exempt ones left out)."""
    run = start("annex2", source, out, as_of, draft, force)
    tables = annex2_tables(run.wb)
    names = dict(zip((t.org_id for t in tables), A2.table_filenames(tables), strict=True))
    with run.done.batch():  # thousands of small files at city scale: one wait for the disk
        for t in progress(tables, "附件2"):
            assert isinstance(t, A2.Annex2Table)
            run.done.put(run.target / names[t.org_id], partial(A2.xlsx_bytes, t, draft=run.draft))
    run.done.save()
    return run.done


@dataclass
class ReturnsResult:
    changes: list[Change]
    errors: list[str]
    applied: int = 0
    backup: Path | None = None
    confirmed: bool = False


def plan_returns(
    workbook: Source, files: list[Path], as_of: dt.date | None = None
) -> ReturnsResult:
    wb, inst = load(workbook)
    tables, errors = [], []
    for f in files:
        if wb.path is not None and Path(f).exists() and Path(f).resolve() == wb.path.resolve():
            errors.append(
                f"“{f}”是主表本身，不是交回的附件2回执，未导入。请给出各党总支交回的附件2文件"
            )
            continue
        try:
            tables.append(A2.read_return(f))
        except A2.ReturnError as exc:
            errors.append(str(exc))
    plan = plan_changes(inst, tables, as_of or dt.date.today())
    return ReturnsResult(plan.changes, errors + plan.refused)


def import_returns(
    source: Path | str | Master,
    files: list[Path],
    confirm: Callable[[ReturnsResult], bool],
    as_of: dt.date | None = None,
) -> ReturnsResult:
    """导入附件2回执 (`import-returns` and the button): the changes the returns bring, planned
    from the very master they go into; written when `confirm(result)` says so (the CLI's
    --apply, the button's dialog) and something applies."""
    return import_confirmed(source, lambda wb: plan_returns(wb, files, as_of), confirm)


def import_confirmed(
    source: Path | str | Master,
    plan: Callable[[Workbook], ReturnsResult],
    confirm: Callable[[ReturnsResult], bool],
) -> ReturnsResult:
    """The one way a returned form reaches the master (Annex 2 returns, ballot tallies,
    整改进展): the changes planned from the very master they go into, shown, and written
    (returns.apply_changes) only when `confirm(result)` says so and something applies;
    conflicts are never written."""
    master = as_master(source)
    with master.hold():
        result = plan(master.read())
        changes = result.changes
        if any(c.applies for c in changes) and confirm(result):
            result.confirmed = True
            result.applied, result.backup = master.edit(lambda w: apply_changes(w, changes))
    return result


def summary_filename(st: object) -> str:
    return default_out("summary", Path(), getattr(st, "year", "")).name


def make_summary(
    source: Source,
    out: Path | None = None,
    as_of: dt.date | None = None,
    *,
    draft: Draft = False,
    force: bool = False,
    progress: Progress = _plain,
) -> Outputs:
    """The summary report to the 市委教育工委 (.docx, or .pdf through LibreOffice when `out`
    ends in .pdf); what it says is in `Outputs.plan`."""
    run = start("summary", source, out, as_of, draft, force)
    wb, inst = run.wb, run.inst
    narrative = summary_doc.read_narrative(wb.path) if wb.narrative is None else wb.narrative
    pending = run.checked.result.pending if run.checked is not None else []
    gaps = summary_doc.year_gaps(pending) + summary_doc.summary_gaps(wb.settings, narrative)
    reasons = draft_reasons(run, draft, gaps, "工作情况报告")
    plan = summary_doc.plan_summary(inst, wb.settings, narrative, as_of or dt.date.today())
    chart = summary_doc.grade_chart(inst)
    images = {"chart": chart}

    def make(path: Path) -> None:
        if path.suffix.lower() == ".pdf":
            with tempfile.TemporaryDirectory() as tmp:
                docx = Path(tmp) / "summary.docx"
                render_docx(
                    "summary.docx", dict(plan), docx, images, draft=run.draft, reasons=reasons
                )
                docx_to_pdf(docx, path)
        else:
            render_docx("summary.docx", dict(plan), path, images, draft=run.draft, reasons=reasons)

    run.done.write(run.target, make)
    run.done.save()
    run.done.plan = dict(plan)
    return run.done


def make_bulletin(
    source: Source,
    out: Path | None = None,
    as_of: dt.date | None = None,
    signed: dt.date | None = None,
    *,
    draft: Draft = False,
    force: bool = False,
) -> Outputs:
    """等次通报 (`notice-grades` and the button): the grades, in the summary's 公文 style,
    addressed to 设置 通报范围 and dated 设置 通报日期 (else `signed`, else `as_of`); checked as of `as_of`; refused for a master with
    errors unless `draft`. What it says is in `Outputs.plan`."""
    from annex_tools.documents import bulletin

    run = start("bulletin", source, out, as_of, draft, force)
    pending = run.checked.result.pending if run.checked is not None else []
    gaps = summary_doc.year_gaps([p for p in pending if p["step"] == STEP_GRADED])
    gaps += bulletin.bulletin_gaps(run.wb.settings, run.inst, signed)
    reasons = draft_reasons(run, draft, gaps, "等次通报")
    plan = bulletin.plan_bulletin(run.inst, run.wb.settings, signed or as_of or dt.date.today())

    def make(path: Path) -> None:
        if path.suffix.lower() == ".pdf":
            with tempfile.TemporaryDirectory() as tmp:
                docx = Path(tmp) / "notice.docx"
                render_docx(
                    "grade-notice.docx", dict(plan), docx, {}, draft=run.draft, reasons=reasons
                )
                docx_to_pdf(docx, path)
        else:
            render_docx("grade-notice.docx", dict(plan), path, {}, draft=run.draft, reasons=reasons)

    run.done.write(run.target, make)
    run.done.save()
    run.done.plan = dict(plan)
    return run.done


def make_feedback(
    source: Source,
    out: Path | None = None,
    as_of: dt.date | None = None,
    signed: dt.date | None = None,
    *,
    draft: Draft = False,
    force: bool = False,
    progress: Progress = _plain,
) -> Outputs:
    """评价意见反馈: one letter per graded secretary, from the master checked as of `as_of`, dated
    its 反馈日期, else `signed` (落款日期), else `as_of`."""
    from annex_tools.documents.decision import decision_gaps, sec_gap, signed_gaps

    run = start("feedback", source, out, as_of, draft, force)
    graded = [s for s in run.inst.submissions if s.grade]
    if not graded:
        run.done.nothing = (
            "主表中还没有评定综合评价等次的书记（“评议”表），没有要写的评价意见反馈。"
        )
    day = signed or as_of or dt.date.today()
    gaps = decision_gaps(run.inst, graded) + signed_gaps(graded, day)
    reasons = draft_reasons(run, draft, gaps, "评价意见反馈")
    names = dict(zip((id(s) for s in graded), feedback.feedback_filenames(graded), strict=True))
    for sec in progress(graded, "反馈意见"):
        assert isinstance(sec, Submission)
        context = feedback.plan_feedback(run.inst, sec, run.wb.settings, day)
        own = sec_gap(run.inst, sec)  # a letter names its own missing decision first
        why = [own, *(r for r in reasons if r != own)] if own else reasons
        run.done.write(
            run.target / names[id(sec)],
            partial(render_docx, "feedback.docx", context, draft=run.draft, reasons=why),
        )
    run.done.save()
    return run.done


def archive_opinions(
    workbook: Path,
    out: Path | None,
    as_of: dt.date,
    signed: dt.date | None = None,
    *,
    pdf: bool | None = None,
    all_levels: bool = False,
    dry_run: bool = False,
    progress: Progress = _plain,
    refile: tuple[str, ...] = (),
    reason: str = "",
) -> ArchiveResult:
    """人事档案归档 (`archive` and the button): the saved master's opinions, write-once, into
    `out` or 人事档案归档/ beside the master. Only from a master without errors (no drafts in
    personnel files); a 述职 row whose identity is in doubt does not stop the others: the
    archive refuses that person and lists why. Checked as of `as_of`; an opinion is dated its
    反馈日期, else `signed` (落款日期), else `as_of`."""
    from annex_tools.archive import archive
    from annex_tools.documents.decision import signed_gaps

    wb, inst, _ = checked_master(
        workbook, as_of, tolerate=("submission.identity",), draftable=False
    )
    undated = signed_gaps(inst.submissions, signed or as_of)
    if undated:  # personnel files are write-once: nothing dated before it happened
        raise DocumentIncomplete("人事档案归档", undated)
    target = out if out is not None else default_out("archive", wb.folder, wb.settings.year)
    return archive(
        workbook, target, signed or as_of, pdf, all_levels, dry_run, progress=progress,
        refile=refile, reason=reason,
    )  # fmt: skip


def verify_archive(folder: Path) -> tuple[int, list[str], list[str]]:
    """`archive verify`: the files checked, the problems found (a quarantine folder waiting for
    a person is one: verify fails until it is dealt with), and the notes (recoverable
    leftovers, what each quarantine folder holds) of an archive folder."""
    from annex_tools.archive import QUARANTINE, notes, quarantined, verify

    checked, problems = verify(folder)
    waiting = quarantined(folder)
    if waiting:
        problems.append(
            f"“{QUARANTINE}”中有 {len(waiting)} 个文件夹待人工处理（归档时无法确认归属而移出的文件，见上和各自的说明.txt）。"
            "核实后把它们移出归档文件夹（或删除），verify 才会通过"
        )
    return checked, problems, notes(folder)
