"""The list the personnel office needs. Notice, 三、5:

综合评价等次未达到“好”的，其年度考核不得评定为“优秀”等次。

`hr_rows` (pure) gives one row per person (by 述职 书记工号; a row without 工号 is its own person):
each role and its grade, whether 优秀 is allowed and why; a 年度考核等次 already entered as 优秀
where it is not allowed is a conflict, highlighted. `write_hr` writes it with XlsxWriter, printable:
title, 统计日期 and source, headers that wrap whole, page numbers; a draft (asked for, or a
master with errors) says 草稿 on the sheet and every printed page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from annex_tools.contract import schema as S
from annex_tools.contract.master import Workbook
from annex_tools.usecases.master import Source

HEADERS = (
    "工号",
    "姓名",
    "职务及综合评价等次",
    "最低等次",
    "年度考核等次（已填）",
    "可否评定优秀",
    "理由",
)
YES, NO, PENDING = "可以", "不可以", "待定"


@dataclass(frozen=True)
class HrRow:
    staff_no: str
    name: str
    roles: str
    lowest: str
    appraisal: str
    allowed: str
    reason: str

    @property
    def conflict(self) -> bool:
        """年度考核 already entered as 优秀 where it may not be."""
        return self.allowed == NO and S.APPRAISAL_EXCELLENT in self.appraisal.split("、")

    def cells(self) -> tuple[str, ...]:
        return (
            self.staff_no,
            self.name,
            self.roles,
            self.lowest,
            self.appraisal,
            self.allowed,
            self.reason,
        )


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def hr_rows(wb: Workbook) -> list[HrRow]:
    orgs = wb.frames["orgs"].drop_duplicates("组织编号").set_index("组织编号")
    grades = wb.frames["grades"].drop_duplicates("述职编号").set_index("述职编号")
    people: dict[str, list[dict[str, str]]] = {}
    for rec in wb.frames["subs"].to_dict("records"):
        staff = _text(rec.get("书记工号")).strip()
        key = staff or f"{_text(rec['书记姓名'])}@{_text(rec['述职编号'])}"
        sid = rec["述职编号"]
        org = _text(orgs.at[rec["组织编号"], "组织名称"]) if rec["组织编号"] in orgs.index else ""
        graded = sid in grades.index
        people.setdefault(key, []).append(
            {
                "staff": staff,
                "name": _text(rec["书记姓名"]),
                "role": f"{org}书记",
                "grade": _text(grades.at[sid, "综合评价等次"]) if graded else "",
                "appraisal": _text(grades.at[sid, "年度考核等次"]) if graded else "",
            }
        )
    out: list[HrRow] = []
    for rows in people.values():
        roles = "；".join(f"{r['role']}：{r['grade'] or '未评定'}" for r in rows)
        given = [r for r in rows if r["grade"] in S.GRADES]
        lowest = max(given, key=lambda r: S.GRADES.index(r["grade"])) if given else None
        appraisals = "、".join(dict.fromkeys(r["appraisal"] for r in rows if r["appraisal"]))
        if lowest is not None and lowest["grade"] != S.GRADE_GOOD:
            allowed = NO
            reason = (
                f"{lowest['role']}的综合评价等次为“{lowest['grade']}”，未达到“好”，"
                "年度考核不得评定为“优秀”"
            )
            if S.APPRAISAL_EXCELLENT in appraisals.split("、"):
                reason += "；年度考核等次已填“优秀”，与此冲突，请核对"
        elif len(given) < len(rows):
            allowed, reason = PENDING, "尚有职务未评定综合评价等次"
        else:
            allowed, reason = YES, "各职务的综合评价等次均为“好”"
        out.append(
            HrRow(
                rows[0]["staff"],
                rows[0]["name"],
                roles,
                lowest["grade"] if lowest else "",
                appraisals,
                allowed,
                reason,
            )
        )
    return out


HEADER_ROW = 3  # title, 统计日期 and source, the draft line (or blank), then the headers
WIDTHS = (10, 10, 44, 9, 14, 12, 44)


def _lines(text: str, width: int) -> int:
    """Printed lines of wrapped text in a column `width` characters wide (CJK counts 2)."""
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return max(1, -(-units // max(width - 2, 1)))


def write_hr(
    rows: list[HrRow],
    year: int,
    path: Path,
    as_of: dt.date | None = None,
    source: str = "",
    draft: str = "",
) -> Path:
    from annex_tools.workbook.cells import DRAFT_PAGE_HEADER, merge, write, write_row
    from annex_tools.workbook.safewrite import write_book

    title = f"{year}年度基层党组织书记述职评议等次与年度考核联动名单"

    def fill(book: Any) -> None:
        ws = book.add_worksheet("年度考核联动（草稿）" if draft else "年度考核联动")
        base = {"font_name": "宋体", "font_size": 10}
        head = book.add_format(
            base
            | {"bold": True, "border": 1, "bg_color": "#D9E1F2", "text_wrap": True}
            | {"align": "center", "valign": "vcenter"}
        )
        cell = book.add_format(base | {"border": 1, "text_wrap": True, "valign": "top"})
        no = book.add_format(
            base | {"border": 1, "valign": "top", "font_color": "#C00000", "bold": True}
        )
        clash = book.add_format(
            base
            | {"border": 1, "valign": "top", "bold": True, "bg_color": "#FFC7CE"}
            | {"font_color": "#9C0006", "text_wrap": True}
        )
        last = len(HEADERS) - 1
        merge(
            ws,
            0,
            0,
            0,
            last,
            title,
            book.add_format({"font_name": "黑体", "font_size": 14, "align": "center"}),
        )
        when = f"统计日期：{as_of.isoformat()}" if as_of else ""
        if source:
            when += f"　数据来源：主表“{source}”"
        merge(ws, 1, 0, 1, last, when, book.add_format(base | {"align": "center"}))
        if draft:
            red = {"font_name": "黑体", "font_size": 12, "bold": True, "font_color": "#C00000"}
            merge(ws, 2, 0, 2, last, draft, book.add_format(red))
        write_row(ws, HEADER_ROW, 0, HEADERS, head)
        width = {h: w for h, w in zip(HEADERS, WIDTHS, strict=True)}
        ws.set_row(HEADER_ROW, 15 * max(_lines(h, width[h]) for h in HEADERS))
        for r, row in enumerate(rows, start=HEADER_ROW + 1):
            for c, value in enumerate(row.cells()):
                fmt = cell
                if c == 5 and value == NO:
                    fmt = no
                if row.conflict and c in (4, 6):
                    fmt = clash
                write(ws, r, c, value, fmt)
            lines = max(_lines(v, w) for v, w in zip(row.cells(), WIDTHS, strict=True))
            ws.set_row(r, 14 * lines + 2)
        for c, w in enumerate(WIDTHS):
            ws.set_column(c, c, w)
        ws.freeze_panes(HEADER_ROW + 1, 0)
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + len(rows), last)
        ws.set_landscape()
        ws.set_paper(9)
        ws.set_margins(left=0.5, right=0.5, top=0.8, bottom=0.8)
        ws.repeat_rows(HEADER_ROW)
        ws.fit_to_pages(1, 0)
        ws.set_header(DRAFT_PAGE_HEADER if draft else f"&C{title}")
        ws.set_footer(f"&L{when}&R第 &P 页，共 &N 页")

    return write_book(path, fill, prefix=".~年度考核联动-")


def make_hr_export(
    source: Source,
    out: Path | None = None,
    as_of: dt.date | None = None,
    draft: bool = False,
    force: bool = False,
) -> tuple[list[HrRow], Path, str]:
    """年度考核联动名单 (`hr-export`): to `out`, or beside the master by default, through the
    outputs' protected path (never over a file a person edited, unless `force` after a backup).
    Returns the rows, the file and why it is a draft ('' when final)."""
    from annex_tools.usecases.documents import refuse_non_master
    from annex_tools.usecases.master import read_source
    from annex_tools.usecases.outputs import workbook_out
    from annex_tools.usecases.rect_ledger import draft_reason

    day = as_of or dt.date.today()
    wb = read_source(source)
    refuse_non_master(wb)
    target = workbook_out("hr", wb.path, wb.folder, wb.settings.year, out)
    rows = hr_rows(wb)
    why = draft_reason(wb, day, draft, "hr")
    name = wb.path.name if wb.path is not None else ""
    from annex_tools.usecases.outputs import Outputs

    year = wb.settings.year
    Outputs(target.parent, force=force).write_one(
        target, lambda p: write_hr(rows, year, p, day, name, why), "年度考核联动名单"
    )
    return rows, target, why
