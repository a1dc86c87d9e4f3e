"""From one year to the next. Notice, 二 (准备) and 三、6:

党组织书记要认真梳理上年度查摆问题整改情况 … 党委巡察办公室要把述职评议考核整改落实情况作为院内巡察的
重要内容，加强跟踪问效。

`roll_forward` (pure) turns last year's master into next year's data: settings moved a year and
marked for review, the organizations, one 述职 row per secretary who must report (with last
year's grade beside the person, for reference), and every rectification not verified as done,
carried in as 上年度问题 linked by 原整改编号. `start_year` is the shell: read, build, write.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from annex_tools.contract import schema as S
from annex_tools.contract import settings as ST
from annex_tools.contract.master import Workbook
from annex_tools.workbook.cells import put

# what happened in one year (the 党委's 审议, the documents' dates and numbers): never carried
# forward as if it had happened again; next year's are filled in when they happen
_PER_YEAR = ("report_date", "doc_number", "signer", "print_date", "review_date", "bulletin_date")
REVIEW_NOTE = "【待核对】由上年度日期顺延一年，请按本年度通知核对后删除此标记。"
REFERENCE_COLUMNS = {"subs": ("上年度评价",), "rects": ("原整改编号", "上年度情况")}


@dataclass
class Carried:
    old_id: str
    new_id: str
    who: str
    handover: str = ""  # said when the person changed


@dataclass
class NewYear:
    year: int
    data: dict[str, list[dict[str, Any]]]
    settings: dict[str, Any]
    review_keys: list[str]
    carried: list[Carried] = field(default_factory=list)
    not_carried: list[str] = field(default_factory=list)  # 整改编号 with no organization left
    source_errors: list[str] = field(default_factory=list)  # last year's errors (messages)
    macro: bool = False  # written as a macro master (.xlsm)

    @property
    def source_note(self) -> str:
        """What the new master and the command say when last year's master had errors."""
        if not self.source_errors:
            return ""
        return (
            f"注意：上年度主表有 {len(self.source_errors)} 个错误，转入的组织、书记和整改可能不准确。"
            "请先用 annex-tools check 查看上年度主表，核对本主表的“组织”“述职”“整改”表。"
        )


def next_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _day(value: object) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value if isinstance(value, dt.date) else None


def rolled_settings(st: ST.Settings) -> tuple[dict[str, Any], list[str]]:
    """Last year's settings as the 设置 sheet holds them, 年度 + 1 and every date a year on."""
    out: dict[str, Any] = {}
    review: list[str] = []
    for s in ST.TABLE:
        value = getattr(st, s.attr)
        if s.attr == "year":
            out[s.key] = int(value) + 1
        elif s.attr in _PER_YEAR:
            out[s.key] = ""
        elif isinstance(value, dt.date):
            out[s.key] = next_year(value)
            review.append(s.key)
        elif isinstance(value, tuple):
            out[s.key] = "；".join(value)
        else:
            out[s.key] = value
    return out, review


def is_verified_done(status: object, verified: object) -> bool:
    return _text(status) == S.STATUS_DONE and _text(verified).strip() != ""


def _must_report(orgs: pd.DataFrame) -> pd.DataFrame:
    """Organizations whose secretary reports: 二级党组织 and 在职党支部 with a secretary in post
    (a vacant post, 书记空缺原因 filled, has nobody to report)."""
    vacant = orgs.get("书记空缺原因", pd.Series("", index=orgs.index)).map(_text).str.strip() != ""
    return orgs[orgs["组织类型"].isin((*S.SECOND_LEVEL_TYPES, S.ORG_STAFF_BRANCH)) & ~vacant]


def _person_key(staff: object, name: object, org: object) -> tuple[str, str]:
    staff_no = _text(staff).strip()
    return ("工号", staff_no) if staff_no else ("姓名", f"{_text(name).strip()}@{_text(org)}")


def _last_year_grades(last: Workbook) -> dict[tuple[str, str], str]:
    """Per person: 'category：grade' for each row, then the 年度考核 (read-only reference)."""
    subs = last.frames["subs"]
    grades = last.frames["grades"].drop_duplicates("述职编号").set_index("述职编号")
    parts: dict[tuple[str, str], list[str]] = {}
    appraisal: dict[tuple[str, str], str] = {}
    for rec in subs.to_dict("records"):
        key = _person_key(rec.get("书记工号"), rec["书记姓名"], rec["组织编号"])
        sid = rec["述职编号"]
        if sid not in grades.index:
            continue
        grade = _text(grades.at[sid, "综合评价等次"])
        if grade:
            parts.setdefault(key, []).append(f"{rec['述职类别']}：{grade}")
        if _text(grades.at[sid, "年度考核等次"]):
            appraisal.setdefault(key, _text(grades.at[sid, "年度考核等次"]))
    out = {}
    for key in set(parts) | set(appraisal):
        text = "；".join(parts.get(key, []))
        if key in appraisal:
            text += ("；" if text else "") + f"年度考核：{appraisal[key]}"
        out[key] = text
    return out


def roll_forward(last: Workbook) -> NewYear:
    """Next year's data from last year's master: settings, organizations, 述职 rows, and the
    rectifications not verified as done, carried in as 上年度问题."""
    settings, review = rolled_settings(last.settings)
    year = int(settings[ST.K_YEAR])
    orgs = last.frames["orgs"]
    org_rows = _org_rows(orgs)
    last_subs = last.frames["subs"]
    subs, by_person, by_org = _new_subs(orgs, last_subs, _last_year_grades(last))
    rects, carried, not_carried = _carry_rects(last, last_subs, subs, by_person, by_org)
    data = {"orgs": org_rows, "subs": subs, "rects": rects}
    return NewYear(year, data, settings, review, carried, not_carried)


def _org_rows(orgs: pd.DataFrame) -> list[dict[str, Any]]:
    """The organizations as they were, schema columns only (dates kept, the rest as text)."""
    return [
        {
            h: (_text(v) if not isinstance(v, dt.date) else v)
            for h, v in rec.items()
            if h in S.ORGS.headers
        }
        for rec in orgs.to_dict("records")
    ]


def _new_subs(
    orgs: pd.DataFrame, last_subs: pd.DataFrame, previous: dict[tuple[str, str], str]
) -> tuple[list[dict[str, Any]], dict[tuple[str, str], str], dict[str, dict[str, Any]]]:
    """One 述职 row per secretary who must report (last year's mode and grade beside them),
    with the first 述职编号 of each person and the row of each organization."""
    last_mode = dict(zip(last_subs["组织编号"], last_subs["述职方式"], strict=True))
    subs: list[dict[str, Any]] = []
    by_person: dict[tuple[str, str], str] = {}
    by_org: dict[str, dict[str, Any]] = {}
    for n, org in enumerate(_must_report(orgs).to_dict("records"), start=1):
        category = S.CAT_BRANCH if org["组织类型"] == S.ORG_STAFF_BRANCH else S.CAT_SECOND_LEVEL
        key = _person_key(org["书记工号"], org["书记姓名"], org["组织编号"])
        row = {
            "述职编号": f"S{n:03d}",
            "组织编号": org["组织编号"],
            "书记姓名": _text(org["书记姓名"]),
            "书记工号": _text(org["书记工号"]),
            "述职类别": category,
            "述职方式": _text(last_mode.get(org["组织编号"])) or S.MODES[0],
            "上年度评价": previous.get(key, ""),
        }
        subs.append(row)
        by_person.setdefault(key, row["述职编号"])
        by_org[org["组织编号"]] = row
    return subs, by_person, by_org


def _carry_rects(
    last: Workbook,
    last_subs: pd.DataFrame,
    subs: list[dict[str, Any]],
    by_person: dict[tuple[str, str], str],
    by_org: dict[str, dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[Carried], list[str]]:
    """Carry every rectification not verified as done to the same person (else to the
    organization's current secretary, said as a handover); list those with no one to carry to."""
    carried: list[Carried] = []
    not_carried: list[str] = []
    rects: list[dict[str, Any]] = []
    last_sub = last_subs.drop_duplicates("述职编号").set_index("述职编号")
    for rec in last.frames["rects"].to_dict("records"):
        if is_verified_done(rec["整改状态"], rec["核验情况"]):
            continue
        old_sid = rec["述职编号"]
        if old_sid not in last_sub.index:
            not_carried.append(_text(rec["整改编号"]))
            continue
        found = _carry_target(last_sub.loc[old_sid], by_person, by_org)
        if found is None:
            not_carried.append(_text(rec["整改编号"]))
            continue
        target_sid, handover = found
        target = next(s for s in subs if s["述职编号"] == target_sid)
        new_id = f"R{len(rects) + 1:03d}"
        rects.append(
            {
                "整改编号": new_id,
                "述职编号": target_sid,
                "问题来源": S.SOURCE_LAST_YEAR,
                "存在问题": _text(rec["存在问题"]),
                "整改措施": _text(rec["整改措施"]),
                "责任人": target["书记姓名"],
                "整改状态": S.STATUS_NOT_STARTED,
                "原整改编号": _text(rec["整改编号"]),
                "上年度情况": _last_year_state(rec, handover),
            }
        )
        carried.append(Carried(_text(rec["整改编号"]), new_id, target["书记姓名"], handover))
    return rects, carried, not_carried


def _carry_target(
    was: Any, by_person: dict[tuple[str, str], str], by_org: dict[str, dict[str, Any]]
) -> tuple[str, str] | None:
    """Whose 述职 a carried rectification joins: the same person's, else the current
    secretary of the same organization (with the handover sentence); None if neither."""
    key = _person_key(was["书记工号"], was["书记姓名"], was["组织编号"])
    target_sid = by_person.get(key)
    if target_sid is not None:
        return target_sid, ""
    target = by_org.get(was["组织编号"])
    if target is None:
        return None
    if _same_person(was, target):  # the same secretary, known by name where a 工号 is missing
        return target["述职编号"], ""
    handover = f"原责任书记{_text(was['书记姓名'])}已不再任职，转由现任书记{target['书记姓名']}负责"
    return target["述职编号"], handover


def _same_person(was: Any, target: dict[str, Any]) -> bool:
    """Last year's secretary and this year's are one person: the same name (as compared
    everywhere, normalized) and no two different 工号."""
    from annex_tools.contract.text import normalize

    old_no, new_no = normalize(_text(was["书记工号"])), normalize(_text(target["书记工号"]))
    same_name = normalize(_text(was["书记姓名"])) == normalize(_text(target["书记姓名"]))
    return same_name and (not old_no or not new_no or old_no == new_no)


def _last_year_state(rec: dict[str, Any], handover: str) -> str:
    """The 上年度情况 cell: last year's id and status, the unverified completion date, the handover."""
    status = _text(rec["整改状态"]) or "未填写"
    done = _day(rec["完成日期"])
    past = f"上年度{_text(rec['整改编号'])}：{status}"
    if done:
        past += f"（完成日期{done.isoformat()}，未核验）"
    if handover:
        past += f"；{handover}"
    return past


# ---- the shell -------------------------------------------------------------------------------


def _mark(book: Any, plan: NewYear) -> None:
    """Dates moved a year are marked on 设置; reference columns are shaded grey."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    if plan.source_note:
        guide = book[S.GUIDE_SHEET] if S.GUIDE_SHEET in book.sheetnames else None
        if guide is not None:
            row = guide.max_row + 2
            put(guide, row, 1, plan.source_note)
            guide.cell(row=row, column=1).font = Font(bold=True, color="C00000")
    amber = PatternFill("solid", fgColor="FFE699")
    grey = PatternFill("solid", fgColor="EDEDED")
    ws = book[S.SETTINGS.name]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in plan.review_keys:
            row[1].fill = amber
            put(ws, row[2].row, row[2].column, f"{REVIEW_NOTE}{row[2].value or ''}")
    for key, headers in REFERENCE_COLUMNS.items():
        sheet = S.SHEETS_BY_KEY[key]
        ws = book[sheet.name]
        for header in headers:
            col = sheet.headers.index(header) + 1
            ws.cell(row=1, column=col).comment = Comment(
                "上年度信息，仅供参考，请勿修改；不参与本年度评定。", "annex-tools"
            )
            for r in range(2, len(plan.data[key]) + 2):
                cell = ws.cell(row=r, column=col)
                cell.fill = grey
                cell.font = Font(color="595959")


def start_year(last_path: Path, new_path: Path, as_of: dt.date | None = None) -> NewYear:
    """Read last year's master (only read) and write next year's to `new_path`, atomically: a
    macro master (ribbon, UDFs, 看板) when `new_path` ends in .xlsm. Last year's errors (checked
    as of `as_of`) are said in the plan and on the new master's 说明 sheet."""
    from annex_tools.usecases.documents import refuse_non_master
    from annex_tools.workbook.builder import build_workbook
    from annex_tools.workbook.reader import read_workbook
    from annex_tools.workbook.safewrite import atomic_save

    last = read_workbook(last_path)
    refuse_non_master(last)
    from annex_tools.contract.findings import Severity
    from annex_tools.usecases.check import check_workbook

    plan = roll_forward(last)
    checked = check_workbook(last, as_of or dt.date.today())
    plan.source_errors = [f.message for f in checked.findings if f.severity is Severity.ERROR]
    if new_path.suffix.lower() == ".xlsm":
        from annex_tools.usecases.start import build_macro_master

        plan.macro = True
        build_macro_master(
            new_path, data=plan.data, settings=plan.settings, finish=lambda b: _mark(b, plan)
        )
        return plan
    book = build_workbook(plan.data, settings=plan.settings)
    _mark(book, plan)
    atomic_save(book, new_path)
    return plan
