"""Rectification follow-up for the 党委巡察办公室. Notice, 三、6:

党委巡察办公室要把述职评议考核整改落实情况作为院内巡察的重要内容，加强跟踪问效。

`rect_ledger` (pure) puts every 整改 row in exactly one state on its date (`--as-of`) - 未完成 (open,
deadline not passed or none), 逾期未完成 (overdue, with days), 已完成待核验, 已核验, or 状态待核实
(an impossible state: 已完成 without a 完成日期, 核验情况 or a 完成日期 on an item not 已完成) - and
flags 逾期完成 (done after its 时限) among the done ones; it counts them per 二级党组织 and per
secretary. An item done after the date counts as not done on it. `write_rect_ledger` writes the 整改台账
workbook with XlsxWriter: a one-page overview and one printable sheet per body, every row with the
master's 整改编号, 整改措施 and 责任人; a draft (asked for, or a master with errors) says 草稿 on every
sheet and printed page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from annex_tools.contract import schema as S
from annex_tools.contract.master import Workbook
from annex_tools.usecases.master import Source

OPEN, OVERDUE, DONE_UNVERIFIED, VERIFIED = "未完成", "逾期未完成", "已完成待核验", "已核验"
CONFLICT = "状态待核实"
STATES = (OPEN, OVERDUE, DONE_UNVERIFIED, VERIFIED, CONFLICT)
LATE = "逾期完成"
COUNT_HEADERS = ("整改总数", *STATES, LATE)
OVERVIEW = "总览"


@dataclass
class Item:
    rid: str
    body: str  # the 二级党组织's name
    secretary: str  # 组织 + 书记姓名
    problem: str
    measure: str
    owner: str  # 责任人
    deadline: dt.date | None
    status: str
    done: dt.date | None
    verified: str
    state: str
    days_overdue: int | None
    late: bool
    row: int
    note: str = ""  # why the state differs from what the master's columns say on their own

    @property
    def verified_shown(self) -> str:
        """核验情况 beside the state: only where it counts on the date (done by then) or is
        itself the conflict; never beside an item still open on the date."""
        return self.verified if self.state in (VERIFIED, DONE_UNVERIFIED, CONFLICT) else ""


@dataclass
class RectLedger:
    as_of: dt.date
    year: int
    items: list[Item]
    bodies: list[str] = field(default_factory=list)  # in 组织 order
    path: Path | None = None  # where the 台账 was written
    source: str = ""  # the master's file name, printed as the 台账's source
    draft: str = ""  # why the 台账 is a draft (empty: final)

    def counts(self, body: str) -> dict[str, int]:
        return counts_of([i for i in self.items if i.body == body])


def counts_of(items: list[Item]) -> dict[str, int]:
    out = {"整改总数": len(items)} | {s: sum(i.state == s for i in items) for s in STATES}
    return out | {LATE: sum(i.late for i in items)}


def _day(value: object) -> dt.date | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    return value if isinstance(value, dt.date) else None


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def classify(
    status: str, deadline: dt.date | None, done: dt.date | None, verified: str, as_of: dt.date
) -> tuple[str, int | None, bool, str]:
    """(state, days overdue, done late, note) of one rectification on `as_of`: done counts
    only with a 完成日期 on or before `as_of`; an impossible combination is 状态待核实."""
    verified = verified.strip()
    if status == S.STATUS_DONE and done is None:
        return CONFLICT, None, False, "整改状态为“已完成”，但没有完成日期"
    if status != S.STATUS_DONE and verified:
        return CONFLICT, None, False, f"整改状态为“{status or '未填写'}”，核验情况却已填写"
    if status != S.STATUS_DONE and done is not None and done <= as_of:
        return CONFLICT, None, False, f"填了完成日期，整改状态却是“{status or '未填写'}”"
    note = ""
    if status == S.STATUS_DONE and done is not None and done <= as_of:
        late = deadline is not None and done > deadline
        return (VERIFIED if verified else DONE_UNVERIFIED), None, late, note
    if done is not None:  # done after the date: not done on it
        note = f"{done.isoformat()}完成，晚于统计日期，按统计日期计为未完成"
    if deadline is not None and deadline < as_of:
        return OVERDUE, (as_of - deadline).days, False, note
    return OPEN, None, False, note


def rect_ledger(wb: Workbook, as_of: dt.date) -> RectLedger:
    orgs = wb.frames["orgs"].drop_duplicates("组织编号").set_index("组织编号")
    subs = wb.frames["subs"].drop_duplicates("述职编号").set_index("述职编号")

    def body_of(org_id: str) -> str:
        if org_id not in orgs.index:
            return "（未知组织）"
        org = orgs.loc[org_id]
        if org["组织类型"] in S.SECOND_LEVEL_TYPES or org["组织类型"] == S.ORG_PARTY_COMMITTEE:
            return str(org["组织名称"])
        parent = org["上级组织编号"]
        return str(orgs.at[parent, "组织名称"]) if parent in orgs.index else str(org["组织名称"])

    items: list[Item] = []
    for rec in wb.frames["rects"].to_dict("records"):
        sid = rec["述职编号"]
        org_id = str(subs.at[sid, "组织编号"]) if sid in subs.index else ""
        org_name = str(orgs.at[org_id, "组织名称"]) if org_id in orgs.index else org_id
        name = str(subs.at[sid, "书记姓名"]) if sid in subs.index else ""
        deadline, done = _day(rec["整改时限"]), _day(rec["完成日期"])
        verified = _text(rec["核验情况"])
        state, days, late, note = classify(_text(rec["整改状态"]), deadline, done, verified, as_of)
        items.append(
            Item(
                _text(rec["整改编号"]),
                body_of(org_id),
                f"{org_name} {name}".strip() or f"述职{sid}",
                _text(rec["存在问题"]),
                _text(rec["整改措施"]),
                _text(rec["责任人"]),
                deadline,
                _text(rec["整改状态"]) or "未填写",
                done,
                verified,
                state,
                days,
                late,
                int(rec["_row"]),
                note,
            )
        )
    order = [body_of(o) for o in orgs.index if orgs.at[o, "组织类型"] in S.SECOND_LEVEL_TYPES]
    bodies = list(dict.fromkeys([*order, *(i.body for i in items)]))
    bodies = [b for b in bodies if any(i.body == b for i in items)]
    source = wb.path.name if wb.path is not None else ""
    return RectLedger(as_of, wb.settings.year, items, bodies, source=source)


# ---- the workbook ----------------------------------------------------------------------------

_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_names(bodies: list[str]) -> dict[str, str]:
    """Excel sheet names: no []:*?/\\, at most 31 characters, unique, not 总览."""
    used = {OVERVIEW}
    out: dict[str, str] = {}
    for body in bodies:
        base = _BAD.sub("_", body).strip("'")[:28] or "组织"
        name, n = base, 2
        while name in used:
            name = f"{base[:26]}({n})"
            n += 1
        used.add(name)
        out[body] = name
    return out


def make_rect_ledger(
    source: Source,
    as_of: dt.date,
    out: Path | None = None,
    draft: bool = False,
    force: bool = False,
) -> RectLedger:
    """整改台账 (`rectifications` and the button): to `out`, or beside the master by default.
    A draft (every sheet and page says 草稿, with the reason) when `draft` is asked for or when
    the master has errors on `as_of`."""
    from annex_tools.usecases.documents import refuse_non_master
    from annex_tools.usecases.master import read_source
    from annex_tools.usecases.outputs import workbook_out

    wb = read_source(source)
    refuse_non_master(wb)
    target = workbook_out("rect-ledger", wb.path, wb.folder, wb.settings.year, out)
    fu = rect_ledger(wb, as_of)
    fu.draft = draft_reason(wb, as_of, draft)
    from annex_tools.usecases.outputs import Outputs  # the outputs' protected path

    fu.path = Outputs(target.parent, force=force).write_one(
        target, lambda p: write_rect_ledger(fu, p), "整改台账"
    )
    return fu


def draft_reason(wb: Workbook, as_of: dt.date, asked: bool, kind: str = "rect-ledger") -> str:
    """Why a workbook made from `wb` is a draft: the errors on `as_of` in what the `kind` of
    output reads (usecases.inputs), or the request; '' for a final one."""
    from annex_tools.contract.findings import Severity
    from annex_tools.institute import institute
    from annex_tools.usecases.check import check_workbook
    from annex_tools.usecases.inputs import BY_KIND

    found = [f for f in check_workbook(wb, as_of).findings if f.severity is Severity.ERROR]
    inputs = BY_KIND.get(kind)  # a kind not listed reads the whole master
    errors = len(inputs.select(found, institute(wb)) if inputs and found else found)
    if errors:
        return (
            f"草稿：主表中本表所用的内容尚有 {errors} 个错误（运行“全面校验”查看），"
            "本表仅供核对，不得作为正式文件"
        )
    return "草稿：按要求生成的草稿，仅供核对" if asked else ""


def write_rect_ledger(fu: RectLedger, path: Path) -> Path:
    """The 整改台账 workbook, written to a temp file beside `path` and then renamed over it."""
    from annex_tools.workbook.safewrite import write_book

    return write_book(path, lambda book: _write(book, fu), prefix=".~整改台账-")


def _formats(book: Any) -> dict[str, Any]:
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter"}
    return {
        "title": book.add_format({"font_name": "黑体", "font_size": 16, "align": "center"}),
        "sub": book.add_format({"font_name": "宋体", "font_size": 10, "align": "center"}),
        "note": book.add_format({"font_name": "宋体", "font_size": 9}),
        "head": book.add_format(
            base | {"bold": True, "align": "center", "bg_color": "#D9E1F2", "text_wrap": True}
        ),
        "cell": book.add_format(base | {"text_wrap": True}),
        "num": book.add_format(base | {"align": "center"}),
        "date": book.add_format(base | {"num_format": "yyyy-mm-dd", "align": "center"}),
        "bad": book.add_format(base | {"align": "center", "font_color": "#C00000", "bold": True}),
        "total": book.add_format(base | {"bold": True, "align": "center", "bg_color": "#F2F2F2"}),
        "draft": book.add_format(
            {"font_name": "黑体", "font_size": 12, "bold": True, "font_color": "#C00000"}
        ),
    }


def _height(texts: tuple[tuple[str, int], ...]) -> float:
    """Row height for wrapped text (a CJK character is about two width units)."""
    lines = max(
        -(-sum(2 if ord(ch) > 0x2E80 else 1 for ch in t) // max(w - 1, 1)) for t, w in texts
    )
    return 14.0 * max(1, lines)


def _page(ws: Any, title: str, last_col: int, draft: str = "", landscape: bool = True) -> None:
    from annex_tools.workbook.cells import DRAFT_PAGE_HEADER

    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    ws.center_horizontally()
    ws.set_footer(f"&C{title}  第 &P 页，共 &N 页")
    if draft:
        ws.set_header(DRAFT_PAGE_HEADER)


def _write(book: Any, fu: RectLedger) -> None:
    from annex_tools.workbook.cells import link, merge, write, write_row

    f = _formats(book)
    title = f"{fu.year}年度述职评议考核整改落实情况台账"
    when = f"统计日期：{fu.as_of.isoformat()}（完成与否、逾期天数均按此日期计算）"
    if fu.source:
        when += f"　数据来源：主表“{fu.source}”"
    names = sheet_names(fu.bodies)

    ws = book.add_worksheet(OVERVIEW)
    headers = ("二级党组织", *COUNT_HEADERS)
    merge(ws, 0, 0, 0, len(headers) - 1, title, f["title"])
    merge(ws, 1, 0, 1, len(headers) - 1, when, f["sub"])
    if fu.draft:
        merge(ws, 2, 0, 2, len(headers) - 1, fu.draft, f["draft"])
    write_row(ws, 3, 0, headers, f["head"])
    ws.set_column(0, 0, 30)
    ws.set_column(1, len(headers) - 1, 11)
    row = 4
    for body in fu.bodies:
        counts = fu.counts(body)
        link(ws, row, 0, names[body], body, f["cell"])
        for c, h in enumerate(COUNT_HEADERS, start=1):
            bad = h in (OVERDUE, DONE_UNVERIFIED, CONFLICT, LATE) and counts[h]
            write(ws, row, c, counts[h], f["bad"] if bad else f["num"])
        row += 1
    total = counts_of(fu.items)
    write(ws, row, 0, "合计", f["total"])
    for c, h in enumerate(COUNT_HEADERS, start=1):
        write(ws, row, c, total[h], f["total"])
    write(
        ws,
        row + 2,
        0,
        "说明：每项整改按统计日期只计入一种状态（未完成、逾期未完成、已完成待核验、已核验、"
        "状态待核实：主表的整改状态、完成日期、核验情况互相矛盾）；",
        f["note"],
    )
    write(
        ws,
        row + 3,
        0,
        "“逾期完成”是已完成各项中完成日期晚于整改时限的项数。点组织名称可查看明细。",
        f["note"],
    )
    _page(ws, title, len(headers) - 1, fu.draft)
    ws.fit_to_pages(1, 1)
    ws.print_area(0, 0, row + 3, len(headers) - 1)

    detail = (
        "整改编号",
        "书记",
        "存在问题",
        "整改措施",
        "责任人",
        "整改时限",
        "整改状态",
        "完成日期",
        "统计日期状态",
        "逾期天数",
        "核验情况",
        "说明",
    )
    widths = (9, 18, 30, 30, 8, 11, 8, 11, 12, 7, 18, 20)
    for body in fu.bodies:
        ws = book.add_worksheet(names[body])
        merge(ws, 0, 0, 0, len(detail) - 1, f"{body} 整改落实情况", f["title"])
        merge(ws, 1, 0, 1, len(detail) - 1, when, f["sub"])
        if fu.draft:
            merge(ws, 2, 0, 2, len(detail) - 1, fu.draft, f["draft"])
        people = list(dict.fromkeys(i.secretary for i in fu.items if i.body == body))
        merge(ws, 3, 0, 3, 1, "书记", f["head"])
        write_row(ws, 3, 2, COUNT_HEADERS, f["head"])
        r = 4
        for person in people:
            counts = counts_of([i for i in fu.items if i.body == body and i.secretary == person])
            merge(ws, r, 0, r, 1, person, f["cell"])
            for c, h in enumerate(COUNT_HEADERS, start=2):
                write(ws, r, c, counts[h], f["num"])
            r += 1
        r += 1
        write_row(ws, r, 0, detail, f["head"])
        ws.repeat_rows(r)
        r += 1
        for item in (i for i in fu.items if i.body == body):
            write(ws, r, 0, item.rid, f["cell"])
            write(ws, r, 1, item.secretary, f["cell"])
            write(ws, r, 2, item.problem, f["cell"])
            write(ws, r, 3, item.measure, f["cell"])
            write(ws, r, 4, item.owner, f["cell"])
            for c, day in ((5, item.deadline), (7, item.done)):
                write(ws, r, c, day or None, f["date"] if day else f["cell"])
            write(ws, r, 6, item.status, f["num"])
            state = item.state + ("（逾期完成）" if item.late else "")
            bad = item.state in (OVERDUE, DONE_UNVERIFIED, CONFLICT) or item.late
            write(ws, r, 8, state, f["bad"] if bad else f["num"])
            overdue = item.days_overdue
            write(ws, r, 9, overdue, f["num"] if overdue is None else f["bad"])
            write(ws, r, 10, item.verified_shown, f["cell"])
            write(ws, r, 11, item.note, f["cell"])
            texts = (
                (item.secretary, widths[1]),
                (item.problem, widths[2]),
                (item.measure, widths[3]),
                (item.verified_shown, widths[10]),
                (item.note, widths[11]),
            )
            ws.set_row(r, _height(texts))
            r += 1
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        _page(ws, f"{body} 整改落实情况", len(detail) - 1, fu.draft)
        ws.fit_to_pages(1, 0)
