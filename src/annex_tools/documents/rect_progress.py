"""整改进展 on a form and back (issue 20, item 3): what the 组织部 used to type from phone calls.

Per 二级党组织: a small workbook listing its open rectifications (整改状态 not 已完成) — those of its
own secretary and of its 在职党支部's secretaries — with 整改状态, 完成日期 and 进展说明 to fill in.
Read back, it gives `returns.Change`s applied exactly as Annex 2 returns are: a form is matched to
its body by 组织编号 (refused whole if it is not a 二级党组织), each row to one of *that body's*
items by 整改编号 and 述职编号 (another body's item, or an unknown one, is not written: no writes
across bodies), a value that goes against the master (a status moved back, another 完成日期, a
进展说明 that does not continue the master's) or against another form is a conflict held back
with its whole row, formulas and impossible values are refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annex_tools.contract import schema as S
from annex_tools.contract.text import BadValue, format_date, normalize, parse_date, unique_filenames
from annex_tools.documents.returns import (
    DUPLICATE,
    RETURN_CONFLICT,
    UNMATCHED,
    Change,
    ReturnsPlan,
    form_sheets,
    mark_draft_form,
)
from annex_tools.institute import Institute, Organization, Rectification, Submission
from annex_tools.workbook.safewrite import sha256_file

SHEET = "整改进展"
TITLE = "{year}年度问题整改进展表"
L_ORG, L_NAME, L_DAY = "组织编号", "填表组织", "生成日期"
NOTE = "进展说明"  # the 整改 column the form fills (evidence: what was done, where it is shown)
HEADERS = (
    "整改编号", "述职编号", "党组织", "书记姓名", "存在问题", "整改措施", "整改时限",
    "整改状态", "完成日期", NOTE,
)  # fmt: skip
FILLED = ("整改状态", "完成日期", NOTE)
HEADER_ROW = 6

PROGRESS_NEW, PROGRESS_CONFLICT, PROGRESS_BAD, NOT_READ = (
    "整改进展", "进展冲突", "进展无效", "未读取的行",
)  # fmt: skip
# what an import of 整改进展 holds back for a person to decide (exit 1)
PROGRESS_HELD_BACK_KINDS = (PROGRESS_CONFLICT, PROGRESS_BAD, NOT_READ, UNMATCHED, RETURN_CONFLICT)
_ORDER = {s: i for i, s in enumerate(S.STATUSES)}


# ---- the forms -----------------------------------------------------------------------------


@dataclass
class ProgressRow:
    rid: str
    sid: str
    org: str
    name: str
    problem: str
    measure: str
    deadline: dt.date | None
    status: str
    done: dt.date | None
    note: str


@dataclass
class ProgressForm:
    oid: str
    body: str
    year: int
    rows: list[ProgressRow]


def body_items(inst: Institute, body: Organization) -> list[tuple[Submission, Rectification]]:
    """Every rectification item of the body: its own secretary's and those of the secretaries
    it evaluates (its 在职党支部), in the order of the 整改 sheet."""
    secs = [s for s in inst.submissions if s.org_id == body.oid or s.body_id == body.oid]
    items = [(s, p) for s in secs for p in s.rectifications if p.rid]
    return sorted(items, key=lambda sp: sp[1].row)


def plan_forms(inst: Institute) -> list[ProgressForm]:
    """One form per 二级党组织 with at least one open item (not 已完成), in the 组织 order."""
    forms = []
    for body in sorted(inst.orgs.values(), key=lambda o: o.row):
        if body.otype not in S.SECOND_LEVEL_TYPES:
            continue
        rows = [
            ProgressRow(
                p.rid,
                s.sid,
                s.org_name,
                s.name,
                p.problem,
                p.measure,
                p.deadline,
                p.status,
                p.done,
                p.note,
            )  # fmt: skip
            for s, p in body_items(inst, body)
            if p.status != S.STATUS_DONE
        ]
        if rows:
            forms.append(ProgressForm(body.oid, body.name, inst.year, rows))
    return forms


def form_filenames(forms: list[ProgressForm]) -> list[str]:
    return unique_filenames([(f"整改进展-{f.oid}-{f.body}.xlsx", f.oid) for f in forms])


def write_form(form: ProgressForm, as_of: dt.date, path: Path, *, draft: bool = False) -> Path:
    """The 整改进展表 of one body, written whole or not at all."""
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    from annex_tools.workbook.cells import put
    from annex_tools.workbook.reader import sniff
    from annex_tools.workbook.safewrite import atomic_write_bytes, workbook_bytes

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"{SHEET}（草稿）" if draft else SHEET
    put(ws, 1, 1, ("【草稿】" if draft else "") + TITLE.format(year=form.year))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.cell(row=1, column=1).font = Font(bold=True, size=14, color="C00000" if draft else None)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    for row, label, value in ((2, L_ORG, form.oid), (3, L_NAME, form.body),
                              (4, L_DAY, format_date(as_of))):  # fmt: skip
        put(ws, row, 1, label)
        ws.cell(row=row, column=1).font = Font(bold=True)
        put(ws, row, 2, value)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for col, header in enumerate(HEADERS, start=1):
        put(ws, HEADER_ROW, col, header)
        cell = ws.cell(row=HEADER_ROW, column=col)
        cell.font, cell.border, cell.alignment = (
            Font(bold=True),
            box,
            Alignment(horizontal="center"),
        )
    status = DataValidation(type="list", formula1='"' + ",".join(S.STATUSES) + '"',
                            allow_blank=True, showErrorMessage=True,
                            error="请选择：" + "、".join(S.STATUSES))  # fmt: skip
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526",
                           allow_blank=True, showErrorMessage=True,
                           error="请填写日期，如 2024-03-31")  # fmt: skip
    ws.add_data_validation(status)
    ws.add_data_validation(dates)
    for i, r in enumerate(form.rows):
        row = HEADER_ROW + 1 + i
        values: tuple[Any, ...] = (r.rid, r.sid, r.org, r.name, r.problem, r.measure,
                                   r.deadline, r.status, r.done, r.note)  # fmt: skip
        for col, value in enumerate(values, start=1):
            if value not in (None, ""):
                put(ws, row, col, value)
            cell = ws.cell(row=row, column=col)
            cell.border = box
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
        for col in (8, 9, 10):
            ws.cell(row=row, column=col).fill = fill
        ws.cell(row=row, column=9).number_format = "yyyy-mm-dd"
        status.add(f"H{row}")
        dates.add(f"I{row}")
    put(ws, HEADER_ROW + len(form.rows) + 2, 1,
        "注：只填黄色格（整改状态、完成日期、进展说明）。已完成的须填完成日期；进展说明写做了什么、佐证材料在哪里，"
        "在原有说明后接着写。不要增删行或改动整改编号、述职编号。")  # fmt: skip
    widths = (12, 10, 22, 10, 36, 36, 12, 10, 12, 40)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    if draft:
        mark_draft_form(ws)
    atomic_write_bytes(path, workbook_bytes(wb), verify=sniff)
    return path


# ---- reading a filled form -------------------------------------------------------------------


class FormError(Exception):
    """A file that cannot be read as a 整改进展表; the message names the file."""


@dataclass
class FilledRow:
    row: int
    rid: str
    sid: str
    status: str
    done: dt.date | None
    note: str


@dataclass
class FilledForm:
    file: Path
    sheet: str
    oid: str
    rows: list[FilledRow]
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (Excel row, why)
    digest: str = ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return str(value).strip()


def read_form(path: Path, as_of: dt.date) -> FilledForm:
    """The 整改进展表 in `path`. Raises FormError (Chinese, naming the file) for what is not one."""
    found = []
    for title, grid, fgrid in form_sheets(path, FormError):
        form = _read_sheet(path, title, grid, fgrid, as_of)
        if form is not None:
            found.append(form)
    if not found:
        raise FormError(
            f"“{path.name}”不是整改进展表：找不到“组织编号”和“整改编号、述职编号、整改状态、完成日期、进展说明”表头"
        )
    if len(found) > 1:
        names = "、".join(f"“{f.sheet}”" for f in found)
        raise FormError(
            f"“{path.name}”中有多张整改进展表（{names}），无法确定以哪一张为准，整份未导入"
        )
    form = found[0]
    form.digest = sha256_file(path)
    return form


def _read_sheet(
    path: Path, title: str, grid: list[list[Any]], fgrid: list[list[Any]], as_of: dt.date
) -> FilledForm | None:
    header_at, cols = None, {}
    for r, row in enumerate(grid):
        texts = {normalize(_text(v)): c for c, v in enumerate(row) if _text(v)}
        if all(normalize(h) in texts for h in ("整改编号", "述职编号", *FILLED)):
            header_at, cols = r, texts
            break
    oid = None
    for row in grid[: (header_at or 0) + 1]:
        for c, value in enumerate(row[:-1]):
            if normalize(_text(value)) == normalize(L_ORG):
                oid = _text(row[c + 1])
                break
        if oid is not None:
            break
    if header_at is None or oid is None:
        return None
    form = FilledForm(path, title, oid, [])
    for r in range(header_at + 1, len(grid)):
        row, frow = grid[r], fgrid[r] if r < len(fgrid) else []
        excel_row = r + 1

        def cell(header: str, row: list[Any] = row) -> Any:
            c = cols[normalize(header)]
            return row[c] if c < len(row) else None

        rid, sid = _text(cell("整改编号")), _text(cell("述职编号"))
        if not rid and not sid:
            if any(_text(cell(h)) for h in FILLED):
                form.skipped.append(
                    (excel_row, "填了进展但没有整改编号和述职编号，看不出是哪一项，未导入")
                )
            continue
        if rid.startswith("注"):
            continue
        bad = [
            h
            for h in FILLED
            if isinstance(cell(h, frow), str) and str(cell(h, frow)).startswith("=")
        ]
        if bad:
            which = "、".join(f"“{h}”" for h in bad)
            form.skipped.append((excel_row, f"{rid}：{which}是公式，不是填写的内容，整行未导入"))
            continue
        why, status, done = _row_values(cell("整改状态"), cell("完成日期"), as_of)
        if why:
            form.skipped.append((excel_row, f"{rid}：{why}，整行未导入"))
            continue
        form.rows.append(FilledRow(excel_row, rid, sid, status, done, _text(cell(NOTE))))
    return form


def _row_values(status_raw: Any, done_raw: Any, as_of: dt.date) -> tuple[str, str, dt.date | None]:
    """(why the row cannot be used, or ''), the status and the 完成日期 as filled."""
    status = normalize(_text(status_raw))
    if status and status not in S.STATUSES:
        return f"整改状态“{_text(status_raw)}”不是{'、'.join(S.STATUSES)}之一", "", None
    try:
        done = parse_date(done_raw)
    except BadValue:
        return f"完成日期“{_text(done_raw)}”不是日期", "", None
    if done is not None and done > as_of:
        return (
            f"完成日期{format_date(done)}晚于导入所按的日期（{format_date(as_of)}，默认今天）",
            "",
            None,
        )
    if status == S.STATUS_DONE and done is None:
        return "整改状态为已完成但没有填完成日期", "", None
    if done is not None and status != S.STATUS_DONE:
        return f"填了完成日期但整改状态是“{status or '空'}”，不是已完成", "", None
    return "", status, done


# ---- what the forms change -----------------------------------------------------------------


def plan_progress_changes(inst: Institute, forms: list[FilledForm], has_note: bool) -> ReturnsPlan:
    """What the filled forms change in 整改 (整改状态, 完成日期, 进展说明). `has_note`: the master
    has the 进展说明 column (an older master does not: a note cannot be written there)."""
    out: list[Change] = []
    refused: list[str] = []
    seen: dict[str, str] = {}
    claims: dict[str, list[tuple[FilledForm, FilledRow, Submission, Rectification]]] = {}
    for f in forms:
        file = f.file.name
        if f.digest in seen:
            out.append(
                Change(DUPLICATE, file, 0, "", "", f"与“{seen[f.digest]}”内容完全相同，只导入一次")
            )
            continue
        seen[f.digest] = file
        body = next((o for o in inst.orgs.values() if normalize(o.oid) == normalize(f.oid)), None)
        if body is None or body.otype not in S.SECOND_LEVEL_TYPES:
            refused.append(
                f"“{file}”（工作表“{f.sheet}”）的组织编号“{f.oid}”不是主表中的二级党组织，整份未导入。"
                "请用主表生成的整改进展表"
            )
            continue
        for row, why in f.skipped:
            out.append(Change(NOT_READ, file, row, "", "", f"工作表“{f.sheet}”第{row}行：{why}"))
        ours = {normalize(p.rid): (s, p) for s, p in body_items(inst, body)}
        for r in f.rows:
            hit = ours.get(normalize(r.rid))
            if hit is None or normalize(hit[0].sid) != normalize(r.sid):
                why = (
                    f"主表中{r.rid}不是{body.name}的整改项（也不属于其所属党支部），不能由这份表修改，未导入"
                    if _any_item(inst, r.rid)
                    else f"主表中{r.rid}不是{r.sid or '表中述职编号'}的整改项，未导入"
                )
                out.append(Change(UNMATCHED, file, r.row, "", r.rid, why))
                continue
            claims.setdefault(hit[1].rid, []).append((f, r, *hit))
    for items in claims.values():
        out.extend(_row_change(items, has_note))
    return ReturnsPlan(out, refused)


def _any_item(inst: Institute, rid: str) -> bool:
    return any(
        normalize(p.rid) == normalize(rid) for s in inst.submissions for p in s.rectifications
    )


def _row_change(
    items: list[tuple[FilledForm, FilledRow, Submission, Rectification]], has_note: bool
) -> list[Change]:
    form, r, sec, p = items[0]
    who = f"{sec.org_name} {sec.name}"
    if len({(x.status, x.done, x.note) for _, x, _, _ in items}) > 1:
        where = "、".join(f"“{f.file.name}”第{x.row}行" for f, x, _, _ in items)
        return [
            Change(
                RETURN_CONFLICT,
                f.file.name,
                x.row,
                sec.sid,
                who,
                f"{p.rid}：{where}说法不一致，均未导入；请确认以哪份为准，只导入那一份",
            )  # fmt: skip
            for f, x, _, _ in items
        ]
    file = form.file.name
    cells: list[tuple[S.Sheet, int, str, Any]] = []
    said: list[str] = []
    against: list[str] = []
    if r.status and r.status != p.status:
        if p.status in _ORDER and _ORDER[r.status] < _ORDER[p.status]:
            against.append(f"整改状态：表中为“{r.status}”，主表已是“{p.status}”（不改回）")
        else:
            cells.append((S.RECTIFICATIONS, p.row, "整改状态", r.status))
            said.append(f"整改状态 {p.status or '空'} → {r.status}")
    if r.done is not None and r.done != p.done:
        if p.done is not None:
            against.append(f"完成日期：表中为{format_date(r.done)}，主表为{format_date(p.done)}")
        else:
            cells.append((S.RECTIFICATIONS, p.row, "完成日期", r.done))
            said.append(f"完成日期 {format_date(r.done)}")
    if r.note and r.note != p.note:
        if not has_note:
            against.append(
                "主表“整改”表没有“进展说明”列，进展说明无处可写（请在表尾加一列，表头写“进展说明”）"
            )
        elif p.note and not r.note.startswith(p.note):
            against.append("进展说明与主表中的不同，且不是在原说明后接着写")
        else:
            cells.append((S.RECTIFICATIONS, p.row, NOTE, r.note))
            said.append(f"进展说明：{r.note[len(p.note) :].strip() if p.note else r.note}")
    if against:  # the whole row is held back: never half of what the body said
        return [Change(PROGRESS_CONFLICT, file, r.row, sec.sid, who,
                       f"{p.rid}：" + "；".join(against) + "；整行未写入，请核实后在主表中修改")]  # fmt: skip
    if not cells:
        return []
    return [Change(PROGRESS_NEW, file, r.row, sec.sid, who, f"{p.rid}：" + "；".join(said),
                   cells=tuple(cells))]  # fmt: skip
