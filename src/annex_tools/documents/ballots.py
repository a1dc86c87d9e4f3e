"""民主测评 on paper and back (issue 20, item 2).

Per meeting: the printable 现场测评表 (one row per secretary who reports there, with 好/较好/一般/差
boxes) and the 测评统计表, a small workbook the 组织部 or the 党总支 fills in from the paper ballots
(实到人数 and the four counts per secretary). Reading a 测评统计表 back gives `returns.Change`s,
shown and applied exactly as Annex 2 returns are (`returns.apply_changes`): nothing is written
for a secretary of another meeting, values that differ from the master's or between two files
are conflicts, ballots above 实到人数 are refused, a formula where a count belongs is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annex_tools.contract import schema as S
from annex_tools.contract.text import format_date, normalize, unique_filenames
from annex_tools.documents.returns import (
    DUPLICATE,
    RETURN_CONFLICT,
    UNMATCHED,
    Change,
    ReturnsPlan,
    form_sheets,
    mark_draft_form,
)
from annex_tools.institute import Institute, Submission
from annex_tools.workbook.safewrite import sha256_file

SHEET = "测评统计"
TITLE = "{year}年度基层党组织书记抓党建述职评议现场测评统计表"
L_MEETING, L_HOST, L_DATE, L_PLACE, L_PRESENT = (
    "会议编号",
    "主办组织",
    "会议日期",
    "会议地点",
    "实到人数",
)
HEADERS = ("述职编号", "党组织", "书记姓名", "好", "较好", "一般", "差", "合计")
COUNT_HEADERS = ("好", "较好", "一般", "差")
BALLOT_COLUMNS = ("测评好票", "测评较好票", "测评一般票", "测评差票")
HEADER_ROW = 7

BALLOTS_NEW, BALLOTS_CONFLICT, BALLOTS_EXCEED, PRESENT_NEW, PRESENT_CONFLICT, NOT_READ = (
    "新增票数", "票数冲突", "票数多于实到人数", "实到人数", "实到人数冲突", "未读取的行",
)  # fmt: skip
# what an import of tallies holds back for a person to decide (exit 1), besides the returns' own
BALLOT_HELD_BACK_KINDS = (BALLOTS_CONFLICT, BALLOTS_EXCEED, PRESENT_CONFLICT, NOT_READ)


# ---- the forms -----------------------------------------------------------------------------


@dataclass
class BallotRow:
    seq: int
    sid: str
    org: str
    name: str


@dataclass
class BallotForm:
    mid: str
    host: str
    date: dt.date | None
    place: str
    present: int | None
    year: int
    institute: str
    rows: list[BallotRow]


def meeting_secretaries(inst: Institute, mid: str) -> list[Submission]:
    return [s for s in inst.submissions if s.meeting is not None and s.meeting.mid == mid]


def plan_forms(inst: Institute) -> list[BallotForm]:
    """One form per meeting at which someone reports, in the order of the 会议 sheet; its rows
    in the order of the 述职 sheet."""
    forms = []
    for m in sorted(inst.meetings.values(), key=lambda m: m.row):
        secs = sorted(meeting_secretaries(inst, m.mid), key=lambda s: s.sub_row)
        if not secs:
            continue
        host = inst.orgs[m.host].name if m.host in inst.orgs else m.host
        rows = [BallotRow(i, s.sid, s.org_name, s.name) for i, s in enumerate(secs, start=1)]
        forms.append(
            BallotForm(m.mid, host, m.date, m.place, m.present, inst.year, inst.name, rows)
        )
    return forms


def form_filenames(forms: list[BallotForm], kind: str, ext: str) -> list[str]:
    return unique_filenames([(f"{kind}-{f.mid}-{f.host}{ext}", f.mid) for f in forms])


def ballot_context(form: BallotForm) -> dict[str, Any]:
    """What the 现场测评表 template prints."""
    return {
        "title": f"{form.year}年度基层党组织书记抓党建述职评议",  # line 2: 现场测评表
        "meeting": f"{form.host}述职评议会（会议编号 {form.mid}）",
        "date": format_date(form.date) or "　　年　月　日",
        "place": form.place or "",
        "rows": [{"seq": r.seq, "org": r.org, "name": r.name} for r in form.rows],
        "institute": form.institute,
    }


def write_tally(form: BallotForm, path: Path, *, draft: bool = False) -> Path:
    """The 测评统计表 of one meeting, written whole or not at all."""
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    from annex_tools.workbook.cells import put, put_formula
    from annex_tools.workbook.reader import sniff
    from annex_tools.workbook.safewrite import atomic_write_bytes, workbook_bytes

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"{SHEET}（草稿）" if draft else SHEET
    put(ws, 1, 1, ("【草稿】" if draft else "") + TITLE.format(year=form.year))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.cell(row=1, column=1).font = Font(bold=True, size=14, color="C00000" if draft else None)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    fill = PatternFill("solid", fgColor="FFF2CC")
    labels = (
        (2, L_MEETING, form.mid), (3, L_HOST, form.host),
        (4, L_DATE, format_date(form.date)), (5, L_PLACE, form.place),
        (6, L_PRESENT, form.present),
    )  # fmt: skip
    for row, label, value in labels:
        put(ws, row, 1, label)
        ws.cell(row=row, column=1).font = Font(bold=True)
        if value not in (None, ""):
            put(ws, row, 2, value)
    ws.cell(row=6, column=2).fill = fill
    put(ws, 6, 3, "← 按签到表填写到会人数；每人对每位书记只能投一票")
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, header in enumerate(HEADERS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col)
        put(ws, HEADER_ROW, col, header)
        cell.font, cell.border = Font(bold=True), box
        cell.alignment = Alignment(horizontal="center")
    counts = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                            allow_blank=True, showErrorMessage=True,
                            error="请填写不小于 0 的整数票数")  # fmt: skip
    ws.add_data_validation(counts)
    counts.add("B6")
    for i, r in enumerate(form.rows):
        row = HEADER_ROW + 1 + i
        for col, value in enumerate((r.sid, r.org, r.name), start=1):
            put(ws, row, col, value)
        for col in range(1, len(HEADERS) + 1):
            ws.cell(row=row, column=col).border = box
        for col in range(4, 8):
            ws.cell(row=row, column=col).fill = fill
        counts.add(f"D{row}:G{row}")
        put_formula(ws, row, 8, f'IF(COUNT(D{row}:G{row})=0,"",SUM(D{row}:G{row}))')
    note = HEADER_ROW + len(form.rows) + 2
    put(
        ws,
        note,
        1,
        "注：只填黄色格。四项票数之和不能多于实到人数；不要增删行或改动述职编号、姓名。",
    )
    for letter, width in zip("ABCDEFGH", (12, 30, 12, 8, 8, 8, 8, 8), strict=True):
        ws.column_dimensions[letter].width = width
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_options.horizontalCentered = True
    if draft:
        mark_draft_form(ws)
    atomic_write_bytes(path, workbook_bytes(wb), verify=sniff)
    return path


# ---- reading a filled 测评统计表 --------------------------------------------------------------


class TallyError(Exception):
    """A file that cannot be read as a 测评统计表; the message names the file (and place)."""


@dataclass
class TallyRow:
    row: int
    sid: str
    name: str
    counts: tuple[int, int, int, int] | None  # None: left blank (nothing to import)


@dataclass
class Tally:
    file: Path
    sheet: str
    mid: str
    present: int | None
    rows: list[TallyRow]
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (Excel row, why)
    present_problem: str = ""
    digest: str = ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _count(value: Any, formula: Any) -> tuple[int | None, str]:
    """A count as typed; a formula, text, a fraction or a negative number is refused."""
    if isinstance(formula, str) and formula.startswith("="):
        return None, f"是公式（{formula[:30]}），不是填写的票数"
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    if isinstance(value, bool):
        return None, f"“{value}”不是票数"
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(str(value).strip())
        except ValueError:
            return None, f"“{_text(value)[:20]}”不是票数"
    if number < 0 or not number.is_integer():
        return None, f"“{_text(value)}”不是不小于 0 的整数"
    return int(number), ""


def read_tally(path: Path) -> Tally:
    """The 测评统计表 in `path`: its 会议编号, 实到人数 and rows. Raises TallyError (Chinese,
    naming the file) for what is not one."""
    found: list[Tally] = []
    for title, grid, fgrid in form_sheets(path, TallyError):
        tally = _read_sheet(path, title, grid, fgrid)
        if tally is not None:
            found.append(tally)
    if not found:
        raise TallyError(
            f"“{path.name}”不是现场测评统计表：找不到“会议编号”和“述职编号、好、较好、一般、差”表头"
        )
    if len(found) > 1:
        names = "、".join(f"“{t.sheet}”" for t in found)
        raise TallyError(
            f"“{path.name}”中有多张测评统计表（{names}），无法确定以哪一张为准，整份未导入。请只保留一张"
        )
    tally = found[0]
    tally.digest = sha256_file(path)
    return tally


def _label(
    grid: list[list[Any]], fgrid: list[list[Any]], label: str
) -> tuple[Any, Any, int] | None:
    for r, row in enumerate(grid[: HEADER_ROW + 5]):
        for c, value in enumerate(row[:-1]):
            if normalize(_text(value)) == normalize(label):
                formula = fgrid[r][c + 1] if r < len(fgrid) and c + 1 < len(fgrid[r]) else None
                return row[c + 1], formula, r + 1
    return None


def _read_sheet(
    path: Path, title: str, grid: list[list[Any]], fgrid: list[list[Any]]
) -> Tally | None:
    header_at, cols = None, {}
    for r, row in enumerate(grid):
        texts = {normalize(_text(v)): c for c, v in enumerate(row) if _text(v)}
        if all(normalize(h) in texts for h in ("述职编号", "书记姓名", *COUNT_HEADERS)):
            header_at, cols = r, texts
            break
    meeting = _label(grid, fgrid, L_MEETING)
    if header_at is None or meeting is None:
        return None
    mid = _text(meeting[0])
    present_value = _label(grid, fgrid, L_PRESENT)
    present, problem = (None, "")
    if present_value is not None:
        present, why = _count(present_value[0], present_value[1])
        if why:
            problem = f"“{path.name}”第{present_value[2]}行的实到人数{why}，未导入"
    tally = Tally(path, title, mid, present, [], present_problem=problem)
    for r in range(header_at + 1, len(grid)):
        row, frow = grid[r], fgrid[r] if r < len(fgrid) else []
        excel_row = r + 1

        def cell(header: str, row: list[Any] = row) -> Any:
            c = cols[normalize(header)]
            return row[c] if c < len(row) else None

        sid, name = _text(cell("述职编号")), _text(cell("书记姓名"))
        counts_raw = [cell(h) for h in COUNT_HEADERS]
        formulas = [cell(h, frow) for h in COUNT_HEADERS]
        if not sid and not name:
            if any(v not in (None, "") for v in counts_raw):
                tally.skipped.append(
                    (excel_row, "有票数但没有述职编号和姓名，看不出是谁的票，未导入")
                )
            continue
        if sid.startswith("注"):
            continue
        parsed = [_count(v, f) for v, f in zip(counts_raw, formulas, strict=True)]
        bad = [f"“{h}”{why}" for h, (_, why) in zip(COUNT_HEADERS, parsed, strict=True) if why]
        if bad:
            tally.skipped.append((excel_row, f"{sid} {name}：" + "；".join(bad) + "，未导入"))
            continue
        numbers = [n for n, _ in parsed]
        if all(n is None for n in numbers):
            tally.rows.append(TallyRow(excel_row, sid, name, None))
        elif any(n is None for n in numbers):
            tally.skipped.append(
                (excel_row, f"{sid} {name}：四项票数只填了一部分，未导入（没有票的填 0）")
            )
        else:
            counts = (numbers[0] or 0, numbers[1] or 0, numbers[2] or 0, numbers[3] or 0)
            tally.rows.append(TallyRow(excel_row, sid, name, counts))
    return tally


# ---- what the tallies change ---------------------------------------------------------------


def _ballots_of(sec: Submission) -> tuple[int, ...] | None:
    if len(sec.ballots) != 4 or any(b is None for b in sec.ballots):
        return None
    return tuple(int(b or 0) for b in sec.ballots)


def _show(counts: tuple[int, ...]) -> str:
    return "、".join(f"{h}{n}" for h, n in zip(COUNT_HEADERS, counts, strict=True))


def plan_ballot_changes(inst: Institute, tallies: list[Tally]) -> ReturnsPlan:
    """What the tallies change: 实到人数 of their meeting and the four counts of each secretary
    who reported there. A tally whose 会议编号 is not in the master is refused whole."""
    out: list[Change] = []
    refused: list[str] = []
    seen: dict[str, str] = {}
    claims: dict[str, list[tuple[Tally, TallyRow, Submission]]] = {}
    presents: dict[str, list[tuple[Tally, int]]] = {}
    by_sid = {normalize(s.sid): s for s in inst.submissions}
    for t in tallies:
        file = t.file.name
        if t.digest and t.digest in seen:
            out.append(
                Change(DUPLICATE, file, 0, "", "", f"与“{seen[t.digest]}”内容完全相同，只导入一次")
            )
            continue
        seen[t.digest or str(t.file)] = file
        meeting = next(
            (m for m in inst.meetings.values() if normalize(m.mid) == normalize(t.mid)), None
        )
        if meeting is None:
            refused.append(
                f"“{file}”（工作表“{t.sheet}”）的会议编号“{t.mid}”在主表“会议”表中没有，整份未导入。"
                "请用主表生成的测评统计表"
            )
            continue
        for row, why in t.skipped:
            out.append(Change(NOT_READ, file, row, "", "", f"工作表“{t.sheet}”第{row}行：{why}"))
        if t.present_problem:
            out.append(Change(NOT_READ, file, 0, "", meeting.mid, t.present_problem))
        elif t.present is not None:
            presents.setdefault(meeting.mid, []).append((t, t.present))
        ours = {normalize(s.sid): s for s in meeting_secretaries(inst, meeting.mid)}
        for r in t.rows:
            sec = ours.get(normalize(r.sid))
            label = f"“{r.sid} {r.name}”"
            if sec is None:
                other = by_sid.get(normalize(r.sid))
                why = (
                    f"{other.org_name} {other.name}不在会议{meeting.mid}上述职"
                    f"（在{other.meeting.mid if other.meeting else '其他会议'}），不是这份统计表的人，未导入"
                    if other is not None
                    else "主表中没有这个述职编号，未导入"
                )
                out.append(Change(UNMATCHED, file, r.row, "", r.name, f"{label}：{why}"))
                continue
            if normalize(r.name) != normalize(sec.name):
                out.append(Change(UNMATCHED, file, r.row, sec.sid, r.name,
                                  f"{label}：主表中{sec.sid}是{sec.org_name}的“{sec.name}”，与表中姓名不符，未导入"))  # fmt: skip
                continue
            if r.counts is not None:
                claims.setdefault(sec.sid, []).append((t, r, sec))
    out.extend(_present_changes(inst, presents))
    for items in claims.values():
        out.extend(_ballot_change(inst, items, presents))
    return ReturnsPlan(out, refused)


def _present_changes(inst: Institute, presents: dict[str, list[tuple[Tally, int]]]) -> list[Change]:
    """实到人数 per meeting: written when the master has none; a conflict when it differs or
    two tallies of one meeting disagree."""
    out: list[Change] = []
    for mid, items in presents.items():
        meeting = inst.meetings[mid]
        values = {n for _, n in items}
        if len(values) > 1:
            where = "、".join(f"“{t.file.name}”为{n}人" for t, n in items)
            out.append(Change(PRESENT_CONFLICT, items[0][0].file.name, 0, "", mid,
                              f"会议{mid}的实到人数说法不一（{where}），均未导入"))  # fmt: skip
            continue
        (n,) = values
        if meeting.present is None:
            out.append(Change(PRESENT_NEW, items[0][0].file.name, 0, "", mid, f"会议{mid}实到人数：{n}人",
                              cells=((S.MEETINGS, meeting.row, "实到人数", n),)))  # fmt: skip
        elif meeting.present != n:
            out.append(Change(PRESENT_CONFLICT, items[0][0].file.name, 0, "", mid,
                              f"会议{mid}：统计表为{n}人，主表为{meeting.present}人；未覆盖，请核实后在主表中修改"))  # fmt: skip
    return out


def _ballot_change(
    inst: Institute,
    items: list[tuple[Tally, TallyRow, Submission]],
    presents: dict[str, list[tuple[Tally, int]]],
) -> list[Change]:
    sec = items[0][2]
    who = f"{sec.org_name} {sec.name}"
    t, r, _ = items[0]
    if len({row.counts for _, row, _ in items}) > 1:
        where = "、".join(f"“{x.file.name}”第{row.row}行" for x, row, _ in items)
        return [
            Change(
                RETURN_CONFLICT,
                x.file.name,
                row.row,
                sec.sid,
                who,
                f"{where}对这位书记的票数说法不一致，均未导入；请确认以哪份为准，只导入那一份",
            )  # fmt: skip
            for x, row, _ in items
        ]
    assert r.counts is not None
    total = sum(r.counts)
    meeting = sec.meeting
    stated = {n for _, n in presents.get(meeting.mid, [])} if meeting else set()
    limits = [n for n in (meeting.present if meeting else None, *stated) if n is not None]
    if limits and total > min(limits):
        return [Change(BALLOTS_EXCEED, t.file.name, r.row, sec.sid, who,
                       f"票数合计{total}张（{_show(r.counts)}），多于实到人数{min(limits)}人；每人对每位书记只能投一票，未导入。请核对")]  # fmt: skip
    current = _ballots_of(sec)
    if current == r.counts:
        return []
    if current is not None:
        return [Change(BALLOTS_CONFLICT, t.file.name, r.row, sec.sid, who,
                       f"统计表为 {_show(r.counts)}，主表为 {_show(current)}；未覆盖，请核实后在主表中修改")]  # fmt: skip
    partly = any(b is not None for b in sec.ballots)
    if partly:
        return [Change(BALLOTS_CONFLICT, t.file.name, r.row, sec.sid, who,
                       f"主表中这位书记的票数只填了一部分；统计表为 {_show(r.counts)}，未覆盖，请核实后在主表中修改")]  # fmt: skip
    values = dict(zip(BALLOT_COLUMNS, r.counts, strict=True))
    detail = f"票数：{_show(r.counts)}（共{total}张）"
    if sec.grade_row:
        cells = tuple((S.GRADES_SHEET, sec.grade_row, h, v) for h, v in values.items())
        return [Change(BALLOTS_NEW, t.file.name, r.row, sec.sid, who, detail, cells=cells)]
    record = (S.GRADES_SHEET, {"述职编号": sec.sid, **values})
    return [Change(BALLOTS_NEW, t.file.name, r.row, sec.sid, who, detail, record=record)]
