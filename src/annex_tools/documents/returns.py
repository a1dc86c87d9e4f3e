"""`import-returns`: what the 党总支's returned Annex 2 changes in the master, then the merge.

`plan_changes` is pure (the institute and the returned tables in, a list of changes out);
`apply_changes` writes them into 评议 and 整改 of a loaded workbook; the service wraps it in the
safe-write helper. A return is matched to exactly one 党总支 (by 填表部门, confirmed by its rows) or refused whole;
its rows only to that 党总支's own 在职党支部, exactly. A value that differs from the master's,
or between two returns, is a conflict: listed, never applied. What the master already holds
changes nothing, so importing the same return again (or twice in one run) is harmless.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from openpyxl.workbook.workbook import Workbook as XlWorkbook
from openpyxl.worksheet.worksheet import Worksheet

from annex_tools.contract import schema as S
from annex_tools.contract.text import format_date, normalize
from annex_tools.documents.annex2 import ReturnedRow, ReturnedTable
from annex_tools.institute import Institute, Organization, Rectification, Submission
from annex_tools.workbook.cells import header_columns, put

NEW_PROBLEM, MEASURE, GRADE_NEW, GRADE_CONFLICT, UNMATCHED, BAD_GRADE = (
    "新增问题", "补充整改措施", "新增等次", "等次冲突", "无法对应", "等次无效",
)  # fmt: skip
MEASURE_CONFLICT, RETURN_CONFLICT, NOT_READ, OTHER_SHEET, DUPLICATE = (
    "措施冲突", "回执之间冲突", "未读取的行", "未读取的工作表", "重复的回执",
)  # fmt: skip
RECEIVED = "收到日期"
APPLIED_KINDS = (NEW_PROBLEM, MEASURE, GRADE_NEW, RECEIVED)
# what an import holds back for a person to decide (exit 1): not a duplicate or another sheet
HELD_BACK_KINDS = (
    GRADE_CONFLICT,
    UNMATCHED,
    BAD_GRADE,
    MEASURE_CONFLICT,
    RETURN_CONFLICT,
    NOT_READ,
)
RETURN_SOURCE = "考核反馈"


@dataclass
class Change:
    kind: str
    file: str
    row: int
    sid: str
    who: str
    detail: str
    problem: str = ""
    measure: str = ""
    deadline: dt.date | None = None
    grade: str = ""
    rect_row: int | None = None
    grade_row: int | None = None
    org_row: int | None = None  # RECEIVED: the 组织 row whose 附件2收到日期 is written
    # Other returned forms (ballot tallies, 整改进展) plan their writes as cells to put and at
    # most one record to append; a change that carries them applies, any other is shown only.
    cells: tuple[tuple[S.Sheet, int, str, Any], ...] = ()
    record: tuple[S.Sheet, dict[str, Any]] | None = None

    @property
    def applies(self) -> bool:
        return self.kind in APPLIED_KINDS or bool(self.cells) or self.record is not None


@dataclass
class ReturnsPlan:
    changes: list[Change]
    refused: list[str]  # whole returns not imported, each with the file and the reason


def reporting_bodies(inst: Institute) -> list[Organization]:
    """二级党组织 that have 在职党支部: the bodies an Annex 2 can come from (the one definition,
    schedule.annex2_filers; an exempt body's return is still read)."""
    from annex_tools.institute import annex2_bodies

    return annex2_bodies(inst, ())


def body_secretaries(inst: Institute, body: Organization) -> list[Submission]:
    branches = {o.oid for o in inst.children(body.oid, S.ORG_STAFF_BRANCH)}
    return [s for s in inst.submissions if s.org_id in branches]


def match_body(inst: Institute, table: ReturnedTable) -> tuple[Organization | None, str]:
    """The one 党总支 a return comes from, by its 填表部门 (normalised, exact), confirmed by its
    rows; or None and why the whole return is refused."""
    bodies = reporting_bodies(inst)
    where = f"“{table.file.name}”（工作表“{table.sheet}”" + (
        f"第{table.org_row}行）" if table.org_row else "）"
    )
    key = normalize(table.org_name)
    if not key:
        return (
            None,
            f"{where}没有填写“填表部门”，无法确定是哪个党总支交回的，整份未导入。请填写后重新导入",
        )
    hits = [b for b in bodies if normalize(b.name) == key]
    if not hits:
        names = "、".join(b.name for b in bodies)
        return None, (
            f"{where}的填表部门“{table.org_name}”与主表中任何有在职党支部的二级党组织名称都不一致，"
            f"整份未导入。请改为主表中的名称（{names}）后重新导入"
        )
    if len(hits) > 1:
        ids = "、".join(b.oid for b in hits)
        return (
            None,
            f"{where}的填表部门“{table.org_name}”对应主表中多个组织（编号 {ids}），整份未导入。请先在主表中区分它们的名称",
        )
    body = hits[0]
    secs = body_secretaries(inst, body)
    branches = {normalize(s.org_name) for s in secs}
    people = {normalize(s.name) for s in secs}
    ours = [
        r
        for r in table.rows
        if (normalize(r.branch) in branches) or (not r.branch and normalize(r.name) in people)
    ]
    if table.rows and not ours:
        return None, (
            f"{where}的填表部门为“{body.name}”，但表中没有一行是{body.name}的在职党支部，"
            "与填表部门不符，整份未导入。请核对后重新导入"
        )
    return body, ""


def match_row(
    inst: Institute, body: Organization, secs: list[Submission], r: ReturnedRow
) -> tuple[Submission | None, str]:
    """The secretary of a row, only among the 党总支's own 在职党支部, by exact (normalised)
    branch name and name; or None and why (an empty why: a line with nothing to import)."""
    label = f"“{r.branch} {r.name}”".replace("“ ", "“").replace(" ”", "”")
    if r.branch:
        hits = [s for s in secs if normalize(s.org_name) == normalize(r.branch)]
        own = next(
            (
                o
                for o in inst.children(body.oid, S.ORG_STAFF_BRANCH)
                if normalize(o.name) == normalize(r.branch)
            ),
            None,
        )
        if not hits and own is not None:  # its own branch with no 述职 row (a vacant post)
            if not (r.grade or r.problems or r.measures):
                return None, ""  # the form's own line for it, left as sent: nothing to import
            return None, (
                f"{label}：{own.name}本年度没有书记述职（书记空缺，或“述职”表中没有它的记录），"
                "表中为它填写的等次或问题未导入"
            )
        if not hits:
            elsewhere = next(
                (o for o in inst.orgs.values() if normalize(o.name) == normalize(r.branch)), None
            )
            why = (
                f"“{r.branch}”不是{body.name}的在职党支部（它属于{inst.orgs[elsewhere.parent].name if elsewhere.parent in inst.orgs else '其他组织'}）"
                if elsewhere is not None
                else f"{body.name}没有名为“{r.branch}”的在职党支部（或它在“述职”表中没有记录）"
            )
            return None, f"{label}：{why}，未导入"
        names = "、".join(f"“{s.name}”" for s in hits)
        if r.name:  # a branch with two 述职 rows (a change of secretary): the name decides
            named = [s for s in hits if normalize(s.name) == normalize(r.name)]
            if len(named) == 1:
                return named[0], ""
            if not named:
                return (
                    None,
                    f"{label}：主表中{hits[0].org_name}本年度述职的书记是{names}，与表中姓名不符，未导入",
                )
            return (
                None,
                f"{label}：{hits[0].org_name}有 {len(named)} 条同名书记的述职记录，无法确定是哪一条，未导入",
            )
        if len(hits) > 1:
            return None, (
                f"{label}：{hits[0].org_name}本年度有 {len(hits)} 位书记述职（{names}），表中没有填写书记姓名，"
                "无法确定是哪一位，未导入。请填写书记姓名后重新导入"
            )
        return hits[0], ""
    hits = [s for s in secs if normalize(s.name) == normalize(r.name)]
    if len(hits) != 1:
        why = "没有这位在职党支部书记" if not hits else "有多位同名的在职党支部书记"
        return None, f"{label}：没有填写党支部名称，且{body.name}{why}，未导入"
    return hits[0], ""


def _measures(r: ReturnedRow) -> list[tuple[str, str, dt.date | None]]:
    """(problem, measure, deadline) per problem; extra measures go to the last problem."""
    out = []
    for i, text in enumerate(r.problems):
        measure, deadline, _raw = r.measures[i] if i < len(r.measures) else ("", None, "")
        if i == len(r.problems) - 1 and len(r.measures) > len(r.problems):
            extra = r.measures[len(r.problems) :]
            measure = "；".join(x for x in [measure, *(m for m, _, _ in extra)] if x)
            deadline = deadline or next((d for _, d, _ in extra if d), None)
        out.append((text, measure, deadline))
    return out


def _claim(r: ReturnedRow) -> tuple[object, ...]:
    """What a row says about its secretary, normalised, to compare two returns."""
    items = sorted({(normalize(p), normalize(m), d) for p, m, d in _measures(r)}, key=str)
    return (r.grade, tuple(items))


def plan_changes(
    inst: Institute, tables: list[ReturnedTable], as_of: dt.date | None = None
) -> ReturnsPlan:
    """What the returns change; a body's first return also records 附件2收到日期 = `as_of` (the
    import day) when the master has none (a date typed by staff is kept)."""
    out: list[Change] = []
    received: set[str] = set()
    refused: list[str] = []
    seen: dict[str, str] = {}
    claims: dict[str, list[tuple[ReturnedTable, ReturnedRow, Submission]]] = {}
    for table in tables:
        file = table.file.name
        if table.digest and table.digest in seen:
            out.append(
                Change(
                    DUPLICATE, file, 0, "", "", f"与“{seen[table.digest]}”内容完全相同，只导入一次"
                )
            )
            continue
        seen[table.digest or str(table.file)] = file
        for other in table.others:
            out.append(
                Change(
                    OTHER_SHEET,
                    file,
                    0,
                    "",
                    "",
                    f"工作表“{other}”也像附件2，但没有读取（读取的是“{table.sheet}”）；如它才是正式的表，请删去其他表后重新导入",
                )
            )
        for row, why in table.skipped:
            out.append(
                Change(NOT_READ, file, row, "", "", f"工作表“{table.sheet}”第{row}行：{why}")
            )
        body, why = match_body(inst, table)
        if body is None:
            refused.append(why)
            continue
        if as_of is not None and body.annex2_received is None and body.oid not in received:
            received.add(body.oid)
            out.append(
                Change(RECEIVED, file, 0, "", body.name, f"附件2收到日期：{format_date(as_of)}",
                       deadline=as_of, org_row=body.row)
            )  # fmt: skip
        secs = body_secretaries(inst, body)
        for r in table.rows:
            sec, why = match_row(inst, body, secs, r)
            if sec is None and not why:
                continue
            if sec is None:
                out.append(Change(UNMATCHED, file, r.row, "", r.branch or r.name, why))
                continue
            claims.setdefault(sec.sid, []).append((table, r, sec))
    for items in claims.values():
        sec = items[0][2]
        if len({_claim(r) for _, r, _ in items}) > 1:
            where = "、".join(f"“{t.file.name}”第{r.row}行" for t, r, _ in items)
            for t, r, _ in items:
                out.append(Change(RETURN_CONFLICT, t.file.name, r.row, sec.sid, f"{sec.org_name} {sec.name}",
                                  f"{where}对这位书记的等次或问题说法不一致，均未导入；请确认以哪份为准，只导入那一份"))  # fmt: skip
            continue
        table, r, _ = items[0]
        out.extend(_row_changes(table.file.name, r, sec))
    return ReturnsPlan(out, refused)


def _row_changes(file: str, r: ReturnedRow, sec: Submission) -> list[Change]:
    """What one matched row changes for its secretary: only what the master does not hold yet;
    a value that differs from the master's is a conflict, listed and not applied."""
    out: list[Change] = []
    who = f"{sec.org_name} {sec.name}"
    grade = _grade_change(file, r, sec, who)
    if grade is not None:
        out.append(grade)
    unmatched = list(sec.rectifications)  # each master problem answers one returned problem
    done: set[str] = set()
    for text, measure, deadline in _measures(r):
        if normalize(text) in done:
            continue  # the same problem twice in one row
        done.add(normalize(text))
        p = next((x for x in unmatched if normalize(x.problem) == normalize(text)), None)
        if p is None:
            out.append(
                Change(
                    NEW_PROBLEM,
                    file,
                    r.row,
                    sec.sid,
                    who,
                    f"问题：{text}；措施：{measure or '（空）'}；时限：{format_date(deadline) or '（空）'}",
                    text,
                    measure,
                    deadline,
                )  # fmt: skip
            )
            continue
        unmatched.remove(p)
        change = _measure_change(file, r, sec, who, p, text, measure, deadline)
        if change is not None:
            out.append(change)
    return out


def _grade_change(file: str, r: ReturnedRow, sec: Submission, who: str) -> Change | None:
    """The returned 等次: refused if not one of the four, new if the master has none, a
    conflict if it differs; None when there is nothing to say."""
    if r.grade and r.grade not in S.GRADES:
        return Change(BAD_GRADE, file, r.row, sec.sid, who, f"等次“{r.grade}”不是 好/较好/一般/差，未导入")  # fmt: skip
    if r.grade and not sec.grade:
        return Change(GRADE_NEW, file, r.row, sec.sid, who, f"等次：{r.grade}", grade=r.grade, grade_row=sec.grade_row)  # fmt: skip
    if r.grade and r.grade != sec.grade:
        return Change(GRADE_CONFLICT, file, r.row, sec.sid, who, f"回执为“{r.grade}”，主表为“{sec.grade}”；未覆盖，请核实后在主表中修改")  # fmt: skip
    return None


def _measure_change(
    file: str,
    r: ReturnedRow,
    sec: Submission,
    who: str,
    p: Rectification,
    text: str,
    measure: str,
    deadline: dt.date | None,
) -> Change | None:
    """A returned measure/deadline for a problem the master holds: a conflict where both
    are filled and differ, a fill where only the return has it; None when nothing changes."""
    measure_differs = (
        bool(measure) and bool(p.measure) and normalize(measure) != normalize(p.measure)
    )
    deadline_differs = deadline is not None and p.deadline is not None and deadline != p.deadline
    if measure_differs or deadline_differs:
        return Change(
            MEASURE_CONFLICT,
            file,
            r.row,
            sec.sid,
            who,
            f"问题“{text[:20]}”：回执为 {measure or p.measure}（{format_date(deadline) or '无时限'}），"
            f"主表为 {p.measure}（{format_date(p.deadline) or '无时限'}）；未覆盖，请核实后在主表中修改",
        )  # fmt: skip
    fills_measure = bool(measure) and not p.measure
    fills_deadline = deadline is not None and p.deadline is None
    if fills_measure or fills_deadline:
        return Change(
            MEASURE,
            file,
            r.row,
            sec.sid,
            who,
            f"问题“{text[:20]}”：补充措施 {measure or p.measure or '（空）'}；时限 {format_date(deadline or p.deadline) or '（空）'}",
            text,
            measure or p.measure,
            deadline or p.deadline,
            rect_row=p.row,
        )  # fmt: skip
    return None


# ---- writing into the master: the same edits through openpyxl (CLI) or xlwings (button) ----


class SheetWriter(Protocol):
    def put(
        self, sheet: S.Sheet, row: int, header: str, value: Any, number_format: str | None = None
    ) -> None: ...

    def append(self, sheet: S.Sheet, values: dict[str, Any]) -> int: ...

    def ids(self, sheet: S.Sheet) -> set[str]: ...


def last_data_row(ws: Worksheet, id_col: int) -> int:
    for r in range(ws.max_row, 1, -1):
        if ws.cell(row=r, column=id_col).value not in (None, ""):
            return r
    return 1


class OpenpyxlWriter:
    """Edits on a workbook loaded by the safe-write helper."""

    def __init__(self, wb: XlWorkbook) -> None:
        self.wb = wb

    def _cols(self, sheet: S.Sheet) -> dict[str, int]:
        return header_columns(self.wb[sheet.name])

    def put(
        self, sheet: S.Sheet, row: int, header: str, value: Any, number_format: str | None = None
    ) -> None:
        ws = self.wb[sheet.name]
        col = self._cols(sheet).get(normalize(header))
        if col is None:
            return
        put(ws, row, col, value)
        if number_format:
            ws.cell(row=row, column=col).number_format = number_format

    def append(self, sheet: S.Sheet, values: dict[str, Any]) -> int:
        """Write a record below the last data row and grow the sheet's table to cover it."""
        ws = self.wb[sheet.name]
        cols = self._cols(sheet)
        id_col = cols[normalize(sheet.id_column or sheet.headers[0])]
        row = last_data_row(ws, id_col) + 1
        for header, value in values.items():
            if normalize(header) in cols and value not in (None, ""):
                put(ws, row, cols[normalize(header)], value)
                if isinstance(value, dt.date):
                    ws.cell(row=row, column=cols[normalize(header)]).number_format = "yyyy-mm-dd"
        for table in ws.tables.values():
            start, end = table.ref.split(":")
            end_col = "".join(ch for ch in end if ch.isalpha())
            end_row = int("".join(ch for ch in end if ch.isdigit()))
            if row > end_row:
                table.ref = f"{start}:{end_col}{row}"
                if table.autoFilter is not None:
                    table.autoFilter.ref = table.ref
        return row

    def ids(self, sheet: S.Sheet) -> set[str]:
        ws = self.wb[sheet.name]
        col = self._cols(sheet)[normalize(sheet.id_column or sheet.headers[0])]
        return {str(ws.cell(row=r, column=col).value) for r in range(2, ws.max_row + 1)}


def _unique_id(existing: set[str], base: str) -> str:
    n = 1
    while f"{base}-{n}" in existing:
        n += 1
    existing.add(f"{base}-{n}")
    return f"{base}-{n}"


def apply_changes(writer: SheetWriter, changes: list[Change]) -> int:
    """Merge the applicable changes into 评议 and 整改; conflicts are never written."""
    ids = writer.ids(S.RECTIFICATIONS)
    applied = 0
    for c in changes:
        if c.cells or c.record is not None:
            for sheet, row, header, value in c.cells:
                fmt = "yyyy-mm-dd" if isinstance(value, dt.date) else None
                writer.put(sheet, row, header, value, fmt)
            if c.record is not None:
                writer.append(*c.record)
        elif c.kind == GRADE_NEW:
            if c.grade_row:
                writer.put(S.GRADES_SHEET, c.grade_row, "综合评价等次", c.grade)
            else:
                writer.append(S.GRADES_SHEET, {"述职编号": c.sid, "综合评价等次": c.grade})
        elif c.kind == RECEIVED and c.org_row:
            writer.put(S.ORGS, c.org_row, "附件2收到日期", c.deadline, "yyyy-mm-dd")
        elif c.kind == MEASURE and c.rect_row:
            writer.put(S.RECTIFICATIONS, c.rect_row, "整改措施", c.measure)
            writer.put(S.RECTIFICATIONS, c.rect_row, "整改时限", c.deadline, "yyyy-mm-dd")
        elif c.kind == NEW_PROBLEM:
            writer.append(
                S.RECTIFICATIONS,
                {
                    "整改编号": _unique_id(ids, f"{c.sid}-R"),
                    "述职编号": c.sid,
                    "问题来源": RETURN_SOURCE,
                    "存在问题": c.problem,
                    "整改措施": c.measure,
                    "整改时限": c.deadline,
                    "整改状态": "未开始",
                },
            )
        else:
            continue
        applied += 1
    return applied


# ---- the forms staff fill and send back (测评统计表, 整改进展表): shared reading and marking ----

DRAFT_FORM_HEADER = "草稿　主表尚有错误，本表仅供核对"


def mark_draft_form(ws: Any) -> None:
    """A form made from a master with errors says so at the top of every printed page."""
    ws.oddHeader.center.text = DRAFT_FORM_HEADER
    ws.oddHeader.center.color = "C00000"


Grid = list[list[Any]]


def form_sheets(path: Path, error: type[Exception]) -> list[tuple[str, Grid, Grid]]:
    """Each sheet of a returned form as (title, values, formulas): what was typed and, cell by
    cell, whether it was a formula. What cannot be opened raises `error` naming the file."""
    import openpyxl

    from annex_tools.contract.errors import WorkbookError
    from annex_tools.workbook.reader import sniff

    try:
        sniff(path)
        values = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False)
    except WorkbookError as exc:
        raise error(str(exc)) from None
    except Exception as exc:
        raise error(f"无法打开“{path}”：{type(exc).__name__}") from None
    return [
        (
            ws.title,
            [list(r) for r in ws.iter_rows(values_only=True)],
            [list(r) for r in formulas[ws.title].iter_rows(values_only=True)],
        )
        for ws in values.worksheets
    ]
