"""Annex 2 (附件2): 在职党支部书记评议考核结果和问题整改清单, one per 二级党组织.

Out: `plan_table` lays out the notice's table from the master (pure); `write_xlsx` writes it as
a new print-ready file with XlsxWriter (what Excel writes; openpyxl is for changing a workbook).
Back in: `read_return` reads a file a 党总支 filled and sent back (rows added, blank rows,
merged cells, any numbering, dates typed as text, saved by WPS).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from annex_tools.contract import schema as S
from annex_tools.contract.text import format_date, normalize, unique_filenames
from annex_tools.institute import Institute, Organization, Submission
from annex_tools.workbook.cells import merge, new_book, write, write_row

HEADERS = (
    "序号",
    "党支部名称",
    "姓名及述职方式",
    "评议考核等次",
    "抓党建工作中存在的问题",
    "整改措施和整改时限",
)
WIDTHS = (6, 22, 14, 12, 46, 52)
FIRST_DATA_ROW = 7  # the Excel row of the first secretary


@dataclass
class Annex2Row:
    seq: int
    branch: str
    name: str
    mode: str
    grade: str
    problems: list[str]
    measures: list[str]  # each with its deadline, as printed


@dataclass
class Annex2Table:
    org_id: str
    org_name: str
    title: str
    time_place: str
    attendees: str
    rows: list[Annex2Row]
    notes: list[str]


def table_filenames(tables: list[Annex2Table]) -> list[str]:
    """One distinct, safe file name per table (the 组织编号 tells two same-named bodies apart)."""
    return unique_filenames([(f"附件2-{t.org_name}.xlsx", t.org_id) for t in tables])


def measure_text(measure: str, deadline: dt.date | None) -> str:
    return f"{measure}（{format_date(deadline)}前）" if deadline else measure


def numbered(items: list[str]) -> str:
    return "\n".join(f"{i}. {t}" for i, t in enumerate(items, start=1))


def secretaries_by_org(inst: Institute) -> dict[str, list[Submission]]:
    """Every 述职 of each organization, in the master's order: a branch whose secretary changed
    during the year has two, and each appears in its Annex 2."""
    out: dict[str, list[Submission]] = {}
    for s in inst.submissions:
        out.setdefault(s.org_id, []).append(s)
    return out


def plan_table(
    inst: Institute,
    body: Organization,
    exempt: tuple[str, ...],
    subs: dict[str, list[Submission]] | None = None,
) -> Annex2Table:
    """`subs`: secretaries by organization id (secretaries_by_org; pass it when planning many
    tables). A branch with two 述职 rows in the year gets a row for each secretary."""
    subs = subs if subs is not None else secretaries_by_org(inst)
    rows: list[Annex2Row] = []
    seq = 0
    for branch in inst.children(body.oid, S.ORG_STAFF_BRANCH):
        who: list[Submission | None] = list(subs.get(branch.oid, [])) or [None]
        for sec in who:
            seq += 1
            problems = sec.rectifications if sec else []
            rows.append(
                Annex2Row(
                    seq=seq,
                    branch=branch.name,
                    name=sec.name if sec else ("书记空缺" if branch.vacancy else branch.secretary),
                    mode=sec.mode if sec else (f"（{branch.vacancy}）" if branch.vacancy else ""),
                    grade=sec.grade if sec else "",
                    problems=[p.problem for p in problems],
                    measures=[measure_text(p.measure, p.deadline) for p in problems],
                )
            )
    hosted = sorted(
        (m for m in inst.hosted(body.oid) if m.date), key=lambda m: m.date or dt.date.min
    )
    # every meeting the body held (a 党总支 may hold two): each on the time/place line, and
    # the attendees once when the same, else per meeting by its date
    time_place = "；".join(
        "，".join(x for x in (format_date(m.date), m.place) if x) for m in hosted
    )
    groups = list(dict.fromkeys(m.attendees for m in hosted if m.attendees))
    if len(groups) <= 1:
        attendees = groups[0] if groups else ""
    else:
        attendees = "；".join(
            f"{format_date(m.date)}：{m.attendees}" for m in hosted if m.attendees
        )
    exempt_text = "、".join(exempt) if exempt else "（无）"
    return Annex2Table(
        org_id=body.oid,
        org_name=body.name,
        title=f"{inst.year}年度在职党支部书记评议考核结果和问题整改清单",
        time_place=time_place,
        attendees=attendees,
        rows=rows,
        notes=["注：1.可自行添加行；", f"2.{exempt_text}不需填写附件2。"],
    )


# ---- rendering (XlsxWriter: each table is a new file) ------------------------------------


def _lines(items: list[str], per_line: int) -> int:
    """Printed lines of numbered items in a wrapped cell about `per_line` CJK characters wide."""
    return sum(-(-(len(t) + 3) // per_line) for t in items)


def _formats(book: Any) -> dict[str, Any]:
    song, fang = "宋体", "仿宋"
    cell = {"font_name": fang, "font_size": 11, "border": 1, "valign": "vcenter",
            "text_wrap": True}  # fmt: skip
    return {
        "label": book.add_format({"font_name": "黑体", "font_size": 12}),
        "title": book.add_format(
            {
                "font_name": song,
                "font_size": 16,
                "bold": True,
                "align": "center",
                "valign": "vcenter",
            }  # fmt: skip
        ),
        "info": book.add_format(
            {"font_name": fang, "font_size": 12, "valign": "vcenter", "text_wrap": True}
        ),
        "head": book.add_format(
            {
                "font_name": song,
                "font_size": 12,
                "bold": True,
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
            }  # fmt: skip
        ),
        "center": book.add_format(cell | {"align": "center"}),
        "left": book.add_format(cell | {"align": "left"}),
        "note": book.add_format({"font_name": fang, "font_size": 11}),
    }


def render(book: Any, table: Annex2Table, *, draft: bool = False) -> None:
    """The notice's layout, print-ready: A4 landscape, borders, wrapped, header row repeated.
    A draft says so on every printed page (the header) and on screen (the sheet's name)."""
    f = _formats(book)
    ws = book.add_worksheet("附件2（草稿）" if draft else "附件2")
    write(ws, 0, 0, "附件2", f["label"])
    merge(ws, 1, 0, 1, 5, table.title, f["title"])
    ws.set_row(1, 36)
    merge(ws, 2, 0, 2, 2, f"填表部门：{table.org_name}", f["info"])
    merge(ws, 2, 3, 2, 5, "填表人：", f["info"])
    merge(ws, 3, 0, 3, 5, f"考核时间、地点：{table.time_place}", f["info"])
    merge(ws, 4, 0, 4, 5, f"参会人员：{table.attendees}", f["info"])
    ws.set_row(4, 32)
    write_row(ws, 5, 0, HEADERS, f["head"])
    ws.set_row(5, 32)
    r = FIRST_DATA_ROW - 1
    center, left = f["center"], f["left"]
    cell_formats = (center, left, center, center, left, left)  # 序号, 姓名及述职方式, 等次 centred
    per_line = (WIDTHS[4] // 2 - 1, WIDTHS[5] // 2 - 1)  # CJK characters a wrapped line holds
    for row in table.rows:
        values = (
            row.seq,
            row.branch,
            "\n".join(x for x in (row.name, row.mode) if x),
            row.grade,
            numbered(row.problems),
            numbered(row.measures),
        )
        for c, value in enumerate(values):
            write(ws, r, c, value, cell_formats[c])
        lines = max(2, _lines(row.problems, per_line[0]), _lines(row.measures, per_line[1]))
        ws.set_row(r, min(409, 15 * lines + 4))
        r += 1
    for note in table.notes:
        write(ws, r, 0, note, f["note"])
        r += 1
    for i, width in enumerate(WIDTHS):
        ws.set_column(i, i, width)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(5)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    if draft:
        ws.set_header(f"&C&14&K{DRAFT_COLOR}{DRAFT_HEADER}")


DRAFT_HEADER = "草稿　仅供核对，不得印发"
DRAFT_COLOR = "C00000"


def xlsx_bytes(table: Annex2Table, *, draft: bool = False) -> bytes:
    """The table as a new .xlsx, made in memory."""
    buffer = io.BytesIO()
    book = new_book(buffer)
    render(book, table, draft=draft)
    book.close()
    return buffer.getvalue()


def write_xlsx(table: Annex2Table, path: Path, *, draft: bool = False) -> Path:
    """The table as a new .xlsx, written whole or not at all (one file; the command writes
    them all together through Outputs.batch)."""
    from annex_tools.workbook.safewrite import atomic_write_bytes

    data = xlsx_bytes(table, draft=draft)
    atomic_write_bytes(path, data, verify=read_back(path, data))
    return path


def read_back(path: Path, data: bytes) -> Callable[[Path], None]:
    """A check that the file written for `path` holds exactly `data`, the workbook made in memory
    (its bytes compared, not a second unzip of what XlsxWriter has just zipped)."""
    from annex_tools.workbook.safewrite import reads_back

    return reads_back(path, data)


# ---- reading returns ---------------------------------------------------------------------

_NUMBERING = re.compile(
    r"^\s*(?:\d{1,2}\s*[.、．]|[（(]\s*\d{1,2}\s*[）)]|[①-⑳]|[一二三四五六七八九十]{1,2}\s*、)\s*"
)
_DEADLINE_TAIL = re.compile(r"[（(]\s*(?:整改时限[:：]?\s*)?([^（）()]+?)\s*[）)]\s*$")
_DATE_PATTERNS = (
    (re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?"), "day"),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:底|末|份)?"), "month"),
    (re.compile(r"(\d{4})\s*[./-]\s*(\d{1,2})(?!\s*[./-]?\s*\d)"), "month"),
    (re.compile(r"(\d{4})\s*年\s*(?:年底|年末|底)"), "year"),
)


def parse_deadline(text: str) -> dt.date | None:
    """Deadlines as people type them inside a measure: 2024年3月31日前, 2024.3.31, 2024年3月底前,
    2024.3, 2024年底. The first date-like part is read by the one deadline parser
    (contract.text.parse_deadline), so a return and the master agree; 2024年13月底 is none."""
    from annex_tools.contract.text import BadValue
    from annex_tools.contract.text import parse_deadline as one_parser

    t = normalize(text)
    for pattern, _kind in _DATE_PATTERNS:
        m = pattern.search(t)
        if not m:
            continue
        try:
            return one_parser(re.sub(r"\s+", "", m.group(0)))
        except BadValue:
            return None
    return None


_INLINE_NUMBER = re.compile(r"\s+(?=(?:\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[）)]|[①-⑳]))")


def split_items(text: str) -> list[str]:
    """A cell of numbered items (1. 1、 （1） ① 一、 or none) into the items, numbering removed."""
    lines: list[str] = []
    for raw in str(text or "").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        # "1.甲 2.乙" typed on one line: split where the next number starts
        lines.extend(_INLINE_NUMBER.split(line) if _NUMBERING.match(line) else [line])
    if not lines:
        return []
    if not any(_NUMBERING.match(ln) for ln in lines):
        return lines
    items: list[str] = []
    for line in lines:
        if _NUMBERING.match(line) or not items:
            items.append(_NUMBERING.sub("", line).strip())
        else:
            items[-1] += line  # a wrapped continuation of the previous item
    return items


def split_measure(item: str) -> tuple[str, dt.date | None, str]:
    """'措施（2024年4月30日前）' -> ('措施', date, raw deadline text)."""
    m = _DEADLINE_TAIL.search(item)
    if m:
        deadline = parse_deadline(m.group(1))
        if deadline:
            return item[: m.start()].strip(), deadline, m.group(1)
    deadline = parse_deadline(item)
    if deadline:  # a date written without parentheses: keep the text whole, take the date
        trimmed = re.sub(
            r"[，,；;]?\s*(?:整改时限[:：]?)?\s*\d{4}[年./-][^，,；;]*$", "", item
        ).strip()
        return (trimmed or item), deadline, item
    return item.strip(), None, ""


@dataclass
class ReturnedRow:
    row: int  # Excel row of the first line of this secretary in the returned file
    branch: str
    name: str
    mode: str
    grade: str
    problems: list[str] = field(default_factory=list)
    measures: list[tuple[str, dt.date | None, str]] = field(default_factory=list)


@dataclass
class ReturnedTable:
    file: Path
    org_name: str
    rows: list[ReturnedRow]
    sheet: str = ""
    org_row: int | None = None  # the Excel row of 填表部门
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (Excel row, why) not read
    others: list[str] = field(default_factory=list)  # other sheets that look like Annex 2
    digest: str = ""  # SHA-256 of the file: the same return given twice is read once


class ReturnError(Exception):
    """A returned file that cannot be read as Annex 2; the message names the file and place."""


def _grid(ws: Worksheet) -> list[list[Any]]:
    """Cell values with every merged range filled from its top-left cell."""
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        value = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(grid) else None
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
                    grid[r - 1][c - 1] = value
    return grid


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return format_date(
            value
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime)
            else value.date()
        )
    return str(value).strip()


def _header(grid: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    """The Annex 2 header row (0-based) and its columns, if this grid has one."""
    for i, row in enumerate(grid[:30]):
        keys = [normalize(v) for v in row]
        if any("党支部名称" in k for k in keys) and any("等次" in k for k in keys):
            cols: dict[str, int] = {}
            for j, k in enumerate(keys):
                for h in HEADERS:
                    if h not in cols and (k == normalize(h) or (h[:4] in k and k)):
                        cols[h] = j
            return i, cols
    return None


_NOTE_LINE = re.compile(r"^\d{1,2}\s*[.、．]")


def _read_sheet(path: Path, title: str, grid: list[list[Any]], header_at: int,
                cols: dict[str, int]) -> ReturnedTable:  # fmt: skip
    """Read one Annex 2 sheet below its header row: one ReturnedRow per secretary (continuation
    rows folded in), stopping at the 注 lines; rows that cannot be read are listed as skipped."""
    _check_columns(path, title, header_at, cols)
    org_name, org_row = _filled_by(grid, header_at)
    rows: list[ReturnedRow] = []
    skipped: list[tuple[int, str]] = []
    in_notes = False
    for i in range(header_at + 1, len(grid)):
        row = grid[i]
        texts = [_cell_text(v) for v in row]
        filled = [t for t in texts if t]
        if not filled:
            continue
        first = normalize(texts[0] if texts else "")
        if first.startswith("注"):
            in_notes = True
            continue
        if in_notes:  # the 注 lines end the table; a note goes on in its own numbered lines
            if len(filled) == 1 and texts and texts[0] and _NOTE_LINE.match(texts[0]):
                continue
            skipped.append(
                (i + 1, "这一行在表格下方的“注”说明之后，未读取；请把它移到表格内（注之前）")
            )
            continue
        refused = _add_row(rows, i + 1, row, cols)
        if refused:
            skipped.append((i + 1, refused))
    return ReturnedTable(path, org_name, rows, title, org_row, skipped)


def _check_columns(path: Path, title: str, header_at: int, cols: dict[str, int]) -> None:
    """Refuse a sheet whose header row lacks one of the Annex 2 columns, naming them."""
    missing = [h for h in HEADERS[1:] if h not in cols]
    if missing:
        raise ReturnError(
            f"“{path.name}”工作表“{title}”第{header_at + 1}行：找不到列 {'、'.join(missing)}"
        )


def _filled_by(grid: list[list[Any]], header_at: int) -> tuple[str, int | None]:
    """The 填表部门 line above the header: the organization named and its Excel row (last wins)."""
    org_name, org_row = "", None
    for r, row in enumerate(grid[:header_at]):
        for v in row:
            m = re.search(r"填表部门[:：]\s*(.*?)\s*$", _cell_text(v))
            if m:
                org_name, org_row = m.group(1).strip(), r + 1
    return org_name, org_row


def _column_text(row: list[Any], cols: dict[str, int], header: str) -> str:
    """The text of one column in a row ("" past the row's end)."""
    return _cell_text(row[cols[header]]) if cols[header] < len(row) else ""


def _name_and_mode(who: str) -> tuple[str, str]:
    """Split the 姓名及述职方式 cell: the name on the first line, the mode on a later one (or
    after a space on the same line)."""
    lines = [x.strip() for x in who.replace("\r", "\n").split("\n") if x.strip()]
    name = lines[0] if lines else ""
    mode = next((x for x in lines[1:] if x in S.MODES), "")
    if len(lines) == 1 and " " in name:  # "张三 现场述职" typed on one line
        name, _, rest = name.partition(" ")
        mode = rest.strip() if rest.strip() in S.MODES else mode
    return name, mode


def _add_row(rows: list[ReturnedRow], excel_row: int, row: list[Any], cols: dict[str, int]) -> str:
    """Fold one table row into `rows`: a continuation of the last secretary (same or empty
    branch and name) or a new one. Returns why the row was not read, or "" if it was."""
    branch = _column_text(row, cols, "党支部名称")
    name, mode = _name_and_mode(_column_text(row, cols, "姓名及述职方式"))
    grade = _column_text(row, cols, "评议考核等次")
    continuing = bool(
        rows
        and (not branch or normalize(branch) == normalize(rows[-1].branch))
        and (not name or normalize(name) == normalize(rows[-1].name))
    )
    if continuing:
        target = rows[-1]
        if grade and not target.grade:
            target.grade = normalize(grade)
    elif not branch and not name:
        return "这一行没有党支部名称和书记姓名，无法判断属于谁，未读取"
    else:
        target = ReturnedRow(excel_row, branch, name, mode, normalize(grade))
        rows.append(target)
    problems = split_items(_column_text(row, cols, "抓党建工作中存在的问题"))
    measures = [
        split_measure(m) for m in split_items(_column_text(row, cols, "整改措施和整改时限"))
    ]
    if continuing and problems and problems == target.problems[-len(problems) :]:
        problems = []  # a merged problems cell repeated over continuation rows
    if continuing and measures and measures == target.measures[-len(measures) :]:
        measures = []
    target.problems.extend(problems)
    target.measures.extend(measures)
    return ""


def read_return(path: Path) -> ReturnedTable:
    """The Annex 2 table of a returned file. Every sheet is looked at: of those that look like
    Annex 2, the one with rows is read and the others are named; two with rows is a refusal."""
    from annex_tools.contract.errors import WorkbookError
    from annex_tools.workbook.reader import sniff

    try:
        sniff(path)
        wb = openpyxl.load_workbook(path, data_only=True)
    except WorkbookError as exc:
        raise ReturnError(str(exc)) from None
    except Exception as exc:
        raise ReturnError(f"无法打开“{path}”：{type(exc).__name__}") from None
    tables: list[ReturnedTable] = []
    for ws in wb.worksheets:
        grid = _grid(ws)
        found = _header(grid)
        if found is not None:
            tables.append(_read_sheet(path, ws.title, grid, *found))
    if not tables:
        raise ReturnError(
            f"“{path.name}”的各工作表中都找不到附件2的表头（应含“党支部名称”“评议考核等次”等列）"
        )
    with_rows = [t for t in tables if t.rows]
    if len(with_rows) > 1:
        names = "、".join(f"“{t.sheet}”" for t in with_rows)
        raise ReturnError(
            f"“{path.name}”中有多个填了内容的附件2工作表（{names}），无法确定以哪一个为准，整份未导入。"
            "请只保留正式的一张表后重新导入"
        )
    chosen = with_rows[0] if with_rows else tables[0]
    chosen.others = [t.sheet for t in tables if t is not chosen]
    chosen.digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return chosen
