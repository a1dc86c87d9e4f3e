"""`import-returns`: what the 党总支's returned Annex 2 changes in the master, then the merge.

`plan_changes` is pure (the institute and the returned tables in, a list of changes out);
`apply_changes` writes them into 评议 and 整改 of a loaded workbook; the service wraps it in the
safe-write helper. A grade that differs from the master's is a conflict: listed, never applied.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from openpyxl.workbook.workbook import Workbook as XlWorkbook
from openpyxl.worksheet.worksheet import Worksheet

from annex_tools.contract import schema as S
from annex_tools.contract.text import format_date, normalize
from annex_tools.documents.annex2 import ReturnedTable
from annex_tools.institute import Institute, Secretary
from annex_tools.workbook.cells import header_columns, put

NEW_PROBLEM, MEASURE, GRADE_NEW, GRADE_CONFLICT, UNMATCHED, BAD_GRADE = (
    "新增问题", "修改整改措施", "新增等次", "等次冲突", "无法对应", "等次无效",
)  # fmt: skip
APPLIED_KINDS = (NEW_PROBLEM, MEASURE, GRADE_NEW)
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

    @property
    def applies(self) -> bool:
        return self.kind in APPLIED_KINDS


def _match(
    inst: Institute, table: ReturnedTable
) -> tuple[dict[str, Secretary], dict[str, Secretary]]:
    """Secretaries of the returning body (or of every body), by branch name and by name."""
    body = next(
        (o for o in inst.orgs.values() if normalize(o.name) == normalize(table.org_name)), None
    )
    branches = {
        o.oid
        for o in inst.orgs.values()
        if o.otype == S.ORG_STAFF_BRANCH and (body is None or o.parent == body.oid)
    }
    secs = [s for s in inst.secretaries if s.org_id in branches]
    return {normalize(s.org_name): s for s in secs}, {normalize(s.name): s for s in secs}


def plan_changes(inst: Institute, tables: list[ReturnedTable]) -> list[Change]:
    out: list[Change] = []
    for table in tables:
        by_branch, by_name = _match(inst, table)
        file = table.file.name
        for r in table.rows:
            sec = by_branch.get(normalize(r.branch)) or by_name.get(normalize(r.name))
            if sec is None:
                out.append(
                    Change(
                        UNMATCHED,
                        file,
                        r.row,
                        "",
                        r.branch or r.name,
                        f"“{r.branch} {r.name}”在主表中找不到对应的在职党支部书记，未导入",
                    )
                )
                continue
            who = f"{sec.org_name} {sec.name}"
            if r.grade and r.grade not in S.GRADES:
                out.append(
                    Change(
                        BAD_GRADE,
                        file,
                        r.row,
                        sec.sid,
                        who,
                        f"等次“{r.grade}”不是 好/较好/一般/差，未导入",
                    )
                )
            elif r.grade and not sec.grade:
                out.append(
                    Change(
                        GRADE_NEW,
                        file,
                        r.row,
                        sec.sid,
                        who,
                        f"等次：{r.grade}",
                        grade=r.grade,
                        grade_row=sec.grade_row,
                    )
                )
            elif r.grade and r.grade != sec.grade:
                out.append(
                    Change(
                        GRADE_CONFLICT,
                        file,
                        r.row,
                        sec.sid,
                        who,
                        f"回执为“{r.grade}”，主表为“{sec.grade}”；未覆盖，请核实后在主表中修改",
                    )
                )
            unmatched = list(sec.problems)  # each master problem answers one returned problem
            for i, text in enumerate(r.problems):
                measure, deadline, _raw = r.measures[i] if i < len(r.measures) else ("", None, "")
                if i == len(r.problems) - 1 and len(r.measures) > len(r.problems):
                    extra = r.measures[len(r.problems) :]
                    measure = "；".join(x for x in [measure, *(m for m, _, _ in extra)] if x)
                    deadline = deadline or next((d for _, d, _ in extra if d), None)
                p = next((x for x in unmatched if normalize(x.problem) == normalize(text)), None)
                if p is not None:
                    unmatched.remove(p)
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
                        )
                    )
                    continue
                measure_changed = bool(measure) and normalize(measure) != normalize(p.measure)
                deadline_changed = deadline is not None and deadline != p.deadline
                if measure_changed or deadline_changed:
                    out.append(
                        Change(
                            MEASURE,
                            file,
                            r.row,
                            sec.sid,
                            who,
                            f"问题“{text[:20]}”：措施 {p.measure or '（空）'} → {measure or p.measure}；时限 {format_date(p.deadline) or '（空）'} → {format_date(deadline or p.deadline)}",
                            text,
                            measure or p.measure,
                            deadline or p.deadline,
                            rect_row=p.row,
                        )  # fmt: skip
                    )
    return out


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
        if c.kind == GRADE_NEW:
            if c.grade_row:
                writer.put(S.GRADES_SHEET, c.grade_row, "综合评价等次", c.grade)
            else:
                writer.append(S.GRADES_SHEET, {"述职编号": c.sid, "综合评价等次": c.grade})
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
