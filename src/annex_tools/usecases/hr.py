"""The list the personnel office needs. Notice, 三、5:

综合评价等次未达到“好”的，其年度考核不得评定为“优秀”等次。

`hr_rows` (pure) gives one row per person (by 述职 书记工号; a row without 工号 is its own person):
each role and its grade, whether 优秀 is allowed and why. `write_hr` writes it with XlsxWriter.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

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


def write_hr(rows: list[HrRow], year: int, path: Path) -> Path:
    from annex_tools.workbook.cells import new_book, write, write_row

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~年度考核联动-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        book = new_book(Path(tmp))
        ws = book.add_worksheet("年度考核联动")
        head = book.add_format(
            {"bold": True, "border": 1, "bg_color": "#D9E1F2", "text_wrap": True}
        )
        cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        no = book.add_format({"border": 1, "valign": "top", "font_color": "#C00000", "bold": True})
        write_row(ws, 0, 0, HEADERS, head)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row.cells()):
                write(ws, r, c, value, no if c == 5 and value == NO else cell)
        for c, width in enumerate((10, 10, 44, 9, 14, 12, 40)):
            ws.set_column(c, c, width)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(rows), len(HEADERS) - 1)
        ws.set_landscape()
        ws.set_paper(9)
        ws.repeat_rows(0)
        ws.fit_to_pages(1, 0)
        ws.set_header(f"&C{year}年度基层党组织书记述职评议等次与年度考核联动名单")
        book.close()
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def make_hr_export(source: Source, out: Path | None = None) -> tuple[list[HrRow], Path]:
    """年度考核联动名单 (`hr-export`): to `out`, or beside the master by default."""
    from annex_tools.usecases.master import read_source
    from annex_tools.usecases.outputs import workbook_out

    wb = read_source(source)
    _refuse_non_master(wb)
    target = workbook_out("hr", wb.path, wb.folder, wb.settings.year, out)
    rows = hr_rows(wb)
    write_hr(rows, wb.settings.year, target)
    return rows, target


def _refuse_non_master(wb: Workbook) -> None:
    from annex_tools.contract.errors import NotMaster
    from annex_tools.usecases.documents import describe_non_master

    what = describe_non_master(wb)
    if what is not None:
        raise NotMaster(wb.path or "当前工作簿", what)
