"""Writing a master workbook staff are glad to open: tables, frozen headers, dropdowns from
defined names, date formats, live conditional formatting, a 说明 sheet and the 设置 defaults.

`build_workbook` is the one builder: `new` writes an empty .xlsx with it, `demo` fills it, and
the Excel issue's .xlsm build starts from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from copy import copy
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from annex_tools.contract import notice
from annex_tools.contract import schema as S
from annex_tools.contract import settings as ST
from annex_tools.contract.text import parse_date, parse_share
from annex_tools.workbook.cells import put, put_formula
from annex_tools.workbook.marking import results_sheet

FORMATTED_ROWS = 500  # validations and formats reach this far below the header (or further)
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(name="微软雅黑", bold=True, color="FFFFFF", size=10)
BODY_FONT = Font(name="微软雅黑", size=10)
# conditional-format fills: Excel paints a dxf's solid fill with bgColor, LibreOffice has read
# fgColor; both carry the colour so each shows it
RED = PatternFill("solid", fgColor="F8CBAD", bgColor="F8CBAD")
AMBER = PatternFill("solid", fgColor="FFE699", bgColor="FFE699")
THIN = Side(style="thin", color="BFBFBF")


def guide(st: ST.Settings) -> tuple[tuple[str, str], ...]:
    """The 说明 sheet: the workflow and the notice's main rules with the values in force."""
    return (
        ("基层党组织书记抓党建述职评议考核 主表", "title"),
        (
            "本工作簿是述职评议考核的唯一台账。各工作表都是 Excel 表格（第1行为表头），可以增加自己的列，工具按表头文字查找列，不会删除您添加的内容。",
            "",
        ),
        ("开始使用（三步）", "h"),
        (
            "第一步：启用宏。打开本文件时如出现黄色安全提示，点击“启用内容”；然后点击功能区“述职评议”中的“环境检查”，确认显示“环境正常”。",
            "",
        ),
        (
            "第二步：在“组织”表中把已预置的党委一行改为本单位（组织编号可保留 P00），再录入各党总支、直属党支部和在职党支部；上级组织编号从下拉列表中选择。",
            "",
        ),
        (
            "第三步：在“会议”“述职”“评议”“整改”表中登记（编号都从下拉列表中选择，姓名和组织会自动显示在编号旁），然后点击“全面校验”，按“校验结果”表逐条处理；“看板”表随时显示各评议主体的等次分布和整改进度。",
            "",
        ),
        ("工作流程", "h"),
        ("1. 设置：确认年度、单位名称、比例和各项期限（默认值来自通知）。", ""),
        (
            "2. 组织：录入党委、二级党组织（党总支、直属党支部）和在职党支部，填写上级组织编号、书记姓名和工号。",
            "",
        ),
        (notice.guide_meetings(st), ""),
        (
            "4. 述职：每位述职的书记一行，填写书记工号（与“组织”表书记相同；年内书记更换时填述职人本人的工号）、述职类别、方式、报告文件路径、讨论日期、审定日期和审定人。字数和三部分占比由工具从报告文件中计算。",
            "",
        ),
        (
            "5. 评议：按“好、较好、一般、差”评定综合评价等次，填写主要成绩和不足之处（评价意见），年度考核等次、约谈提醒日期和反馈日期。",
            "",
        ),
        (
            "6. 整改：列出每位书记自身查摆、领导点评、考核反馈指出的问题，写明整改措施、整改时限和状态。",
            "",
        ),
        (
            "7. 校验：运行“全面校验”（功能区按钮，或命令 annex-tools check 主表.xlsx --write），结果写入“校验结果”表，出错的单元格标色并加批注。",
            "",
        ),
        ("通知中的主要规则", "h"),
        *((line, "") for line in notice.guide_rules(st)),
        ("颜色提示", "h"),
        (
            "红色底纹：与通知规则冲突（例如等次不是“好”却评为“优秀”，“一般/差”未约谈，审定早于讨论）；黄色底纹：整改时限已过而未完成。",
            "",
        ),
    )


def settings_in_force(overrides: Mapping[str, Any]) -> ST.Settings:
    """The Settings a master built with these 设置 overrides will read."""
    typed = {
        k: (v.isoformat() if isinstance(v, dt.date) else str(v), 0) for k, v in overrides.items()
    }
    return ST.parse_settings(typed)[0]


def setting_value(text: str) -> Any:
    """Settings are written typed (numbers, percentages, dates), as staff would type them."""
    if text.endswith("%"):
        return parse_share(text)
    if text.isdigit():
        return int(text)
    try:
        date = parse_date(text)
    except ValueError:
        return text
    return date if date else text


def _style_header(ws: Worksheet, sheet: S.Sheet, headers: list[str]) -> None:
    for idx, header in enumerate(headers, start=1):
        cell = put(ws, 1, idx, header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        width = sheet.column(header).width if header in sheet.headers else 14
        ws.column_dimensions[get_column_letter(idx)].width = width
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A2"
    ws.sheet_properties.tabColor = sheet.tab_color


# ---- columns shown beside ids (formulas, live in Excel 2016, WPS and LibreOffice) ----------

SHOWN_NAME = "书记（自动）"
SHOWN_ORG = "组织（自动）"
SHOWN_BODY = "评议主体（自动）"
SHOWN_OWN_ORG = "组织名称（自动）"
SHOWN_HOST = "主办组织（自动）"
NOT_FOUND = "（未找到）"
# sheet key -> (after this header, the shown columns), in order
SHOWN: dict[str, tuple[str, tuple[str, ...]]] = {
    S.GRADES_SHEET.key: ("述职编号", (SHOWN_NAME, SHOWN_ORG, SHOWN_BODY)),
    S.RECTIFICATIONS.key: ("述职编号", (SHOWN_NAME, SHOWN_ORG, SHOWN_BODY)),
    S.SUBMISSIONS.key: ("组织编号", (SHOWN_OWN_ORG,)),
    S.MEETINGS.key: ("主办组织编号", (SHOWN_HOST,)),
}
# 评议: each ballot's share of the four (现场测评), at the end of the sheet so that no column of
# the contract moves; empty until all four counts are typed
BALLOT_SHARES: dict[str, str] = {
    "好票率（自动）": "测评好票",
    "较好票率（自动）": "测评较好票",
    "一般票率（自动）": "测评一般票",
    "差票率（自动）": "测评差票",
}
SHOWN_HEADERS = frozenset(h for _, hs in SHOWN.values() for h in hs) | frozenset(BALLOT_SHARES)
SHOWN_FILL = PatternFill("solid", fgColor="8EA9DB")
SHOWN_FONT = Font(name="微软雅黑", size=10, color="595959")

# Id dropdowns: dynamic ranges (INDEX-based, not volatile), so a new row appears in the list
# without rebuilding. (sheet, id header, name) and the columns that pick from each.
ID_LISTS: tuple[tuple[S.Sheet, str], ...] = (
    (S.ORGS, "lst_org_id"),
    (S.SUBMISSIONS, "lst_submission_id"),
    (S.MEETINGS, "lst_meeting_id"),
)
ID_PICKS: dict[tuple[str, str], str] = {
    (S.ORGS.key, "上级组织编号"): "lst_org_id",
    (S.SUBMISSIONS.key, "组织编号"): "lst_org_id",
    (S.SUBMISSIONS.key, "会议编号"): "lst_meeting_id",
    (S.MEETINGS.key, "主办组织编号"): "lst_org_id",
    (S.GRADES_SHEET.key, "述职编号"): "lst_submission_id",
    (S.RECTIFICATIONS.key, "述职编号"): "lst_submission_id",
}


def layout(sheet: S.Sheet) -> list[str]:
    """The headers of a sheet as built: the contract's, with the shown columns after their id."""
    headers = list(sheet.headers)
    if sheet.key in SHOWN:
        after, shown = SHOWN[sheet.key]
        at = headers.index(after) + 1
        headers[at:at] = list(shown)
    if sheet.key == S.GRADES_SHEET.key:
        headers += list(BALLOT_SHARES)
    return headers


def ballot_share_formula(header: str, row: int) -> str:
    """好票率 and the other shares of a 评议 row (no leading "="): Excel 2016, WPS, LibreOffice."""
    cols = [get_column_letter(layout(S.GRADES_SHEET).index(b) + 1) for b in BALLOT_SHARES.values()]
    span = f"${cols[0]}{row}:${cols[-1]}{row}"
    own = get_column_letter(layout(S.GRADES_SHEET).index(BALLOT_SHARES[header]) + 1)
    return f'IF(COUNT({span})<4,"",IF(SUM({span})=0,"",${own}{row}/SUM({span})))'


def _col(sheet: S.Sheet, header: str) -> str:
    """`'sheet'!$X:$X` of a header in the built layout."""
    letter = get_column_letter(layout(sheet).index(header) + 1)
    return f"{quote_sheetname(sheet.name)}!${letter}:${letter}"


def _lookup(value: str, sheet: S.Sheet, key: str, want: str) -> str:
    return f"INDEX({_col(sheet, want)},MATCH({value},{_col(sheet, key)},0))"


def shown_formula(header: str, id_cell: str) -> str:
    """The formula of a shown column for the row whose id is in `id_cell` (no leading "=")."""
    subs, orgs = S.SUBMISSIONS, S.ORGS
    if header == SHOWN_NAME:
        found = _lookup(id_cell, subs, "述职编号", "书记姓名")
    elif header in (SHOWN_OWN_ORG, SHOWN_HOST):
        found = _lookup(id_cell, orgs, "组织编号", "组织名称")
    else:
        org = _lookup(id_cell, subs, "述职编号", "组织编号")
        if header == SHOWN_ORG:
            found = _lookup(org, orgs, "组织编号", "组织名称")
        else:  # SHOWN_BODY: the parent of a 在职党支部, the 党委 for everyone else (rules agree)
            kind = _lookup(org, orgs, "组织编号", "组织类型")
            parent = _lookup(
                _lookup(org, orgs, "组织编号", "上级组织编号"), orgs, "组织编号", "组织名称"
            )
            root = _lookup(f'"{S.ORG_PARTY_COMMITTEE}"', orgs, "组织类型", "组织名称")
            found = f'IF({kind}="{S.ORG_STAFF_BRANCH}",{parent},{root})'
    return f'IF({id_cell}="","",IFERROR({found},"{NOT_FOUND}"))'


def _shown_share(cell: Cell) -> None:
    cell.font = SHOWN_FONT
    cell.number_format = "0.0%"


def _shown_text(cell: Cell) -> None:
    cell.font = SHOWN_FONT


def _shown_columns(ws: Worksheet, sheet: S.Sheet, headers: list[str], last_row: int) -> None:
    if sheet.key == S.GRADES_SHEET.key:
        for header in BALLOT_SHARES:
            idx = headers.index(header) + 1
            ws.cell(row=1, column=idx).fill = SHOWN_FILL
            ws.column_dimensions[get_column_letter(idx)].width = 14
            done: dict[tuple[int, ...], StyleArray] = {}
            for r in range(2, last_row + 1):
                cell = put_formula(ws, r, idx, ballot_share_formula(header, r))
                _restyle(cell, done, _shown_share)
    if sheet.key not in SHOWN:
        return
    after, shown = SHOWN[sheet.key]
    id_letter = get_column_letter(headers.index(after) + 1)
    for header in shown:
        idx = headers.index(header) + 1
        ws.cell(row=1, column=idx).fill = SHOWN_FILL
        ws.column_dimensions[get_column_letter(idx)].width = 16 if header != SHOWN_BODY else 20
        done = {}
        for r in range(2, last_row + 1):
            cell = put_formula(ws, r, idx, shown_formula(header, f"${id_letter}{r}"))
            _restyle(cell, done, _shown_text)


def _id_names(wb: Workbook) -> None:
    for sheet, name in ID_LISTS:
        letter = get_column_letter(layout(sheet).index(sheet.id_column or sheet.headers[0]) + 1)
        q = quote_sheetname(sheet.name)
        ref = (
            f"{q}!${letter}$2:INDEX({q}!${letter}:${letter},MAX(2,COUNTA({q}!${letter}:${letter})))"
        )
        wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _restyle(
    cell: Cell, done: dict[tuple[int, ...], StyleArray], style: Callable[[Cell], None]
) -> None:
    """`style(cell)`, as openpyxl would do it, but once per style the cell starts with: a
    column's cells mostly share one, and openpyxl hashes the font, format and alignment on every
    assignment (most of the time a master took to build). The workbook is the same, byte for
    byte (the first cell of each starting style registers the styles in the same order)."""
    key = tuple(cell._style or ())
    hit = done.get(key)
    if hit is None:
        style(cell)
        done[key] = copy(cell._style)
    else:
        cell._style = copy(hit)


WRAP = Alignment(wrap_text=True, vertical="top")


def _column_formats(ws: Worksheet, sheet: S.Sheet, headers: list[str], last_row: int) -> None:
    for idx, header in enumerate(headers, start=1):
        if header not in sheet.headers:
            continue
        col = sheet.column(header)
        fmt = {S.Kind.DATE: "yyyy-mm-dd", S.Kind.SHARE: "0.0%", S.Kind.COUNT: "0"}.get(col.kind)
        wrap = col.width >= 30

        def style(cell: Cell, fmt: str | None = fmt, wrap: bool = wrap) -> None:
            cell.font = BODY_FONT
            if fmt:
                cell.number_format = fmt
            if wrap:
                cell.alignment = WRAP

        done: dict[tuple[int, ...], StyleArray] = {}
        for r in range(2, last_row + 1):
            _restyle(ws.cell(row=r, column=idx), done, style)


def _validations(ws: Worksheet, sheet: S.Sheet, headers: list[str], last_row: int) -> None:
    for idx, header in enumerate(headers, start=1):
        if header not in sheet.headers:
            continue
        col = sheet.column(header)
        letter = get_column_letter(idx)
        ref = f"{letter}2:{letter}{last_row}"
        pick = ID_PICKS.get((sheet.key, header))
        if pick:
            dv = DataValidation(
                type="list",
                formula1=pick,
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle="编号不在列表中",
                error=f"“{col.header}”应从下拉列表中选择已登记的编号；新编号请先在对应工作表中登记。",
            )
        elif col.kind is S.Kind.CHOICE:
            name = S.LIST_NAME_FOR_CHOICES[col.choices]
            dv = DataValidation(
                type="list",
                formula1=name,  # stored formulas carry no leading "=" (Excel's own form)
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="不在可选范围内",
                error=f"“{col.header}”请从下拉列表中选择：{'、'.join(col.choices)}",
            )
        elif col.kind is S.Kind.DATE:
            dv = DataValidation(
                type="date",
                operator="greaterThan",
                formula1="36526",  # 2000-01-01
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle="请输入日期",
                error=f"“{col.header}”应为日期，例如 2024-01-22。",
            )
        elif col.kind is S.Kind.COUNT:
            dv = DataValidation(
                type="whole",
                operator="greaterThanOrEqual",
                formula1="0",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请输入整数",
                error=f"“{col.header}”应为不小于0的整数。",
            )
        else:
            continue
        ws.add_data_validation(dv)
        dv.add(ref)


def _letter(sheet: S.Sheet, header: str) -> str:
    return get_column_letter(layout(sheet).index(header) + 1)


# Settings reached from conditional formats and the 看板 through defined names: a classic
# conditional format may not refer to another sheet (Excel keeps such rules only in its x14
# extension, which openpyxl does not write), a defined name may.
SETTING_NAMES: dict[str, str] = {
    ST.K_LIMIT_SECOND: "cfg_limit_second",
    ST.K_LIMIT_BRANCH: "cfg_limit_branch",
    ST.K_DUTIES_MAX: "cfg_duties_max",
    ST.K_PROBLEMS_MIN: "cfg_problems_min",
    ST.K_FILING_DAYS: "cfg_notice_days",
    ST.K_MIN_SHARE: "cfg_min_share",
    ST.K_ROUNDING: "cfg_rounding",
    ST.K_MIN_BODY: "cfg_min_body",
}


def _setting(key: str) -> str:
    return SETTING_NAMES[key]


def _setting_names(wb: Workbook) -> None:
    sheet = quote_sheetname(S.SETTINGS.name)
    for key, name in SETTING_NAMES.items():
        ref = f'INDEX({sheet}!$B:$B,MATCH("{key}",{sheet}!$A:$A,0))'
        wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _conditional_formats(ws: Worksheet, sheet: S.Sheet, last_row: int) -> None:
    """The most common violations, shown live as staff type."""
    L = lambda h: _letter(sheet, h)  # noqa: E731
    rules: list[tuple[str, str, PatternFill]] = []
    if sheet is S.GRADES_SHEET:
        g, a = L("综合评价等次"), L("年度考核等次")
        rules += [
            (a, f'AND(${a}2="优秀",${g}2<>"好")', RED),
            (L("约谈提醒日期"), f'AND(OR(${g}2="一般",${g}2="差"),${L("约谈提醒日期")}2="")', RED),
            (L("主要成绩"), f'AND(${g}2<>"",${L("主要成绩")}2="")', RED),
            (L("不足之处"), f'AND(${g}2<>"",${L("不足之处")}2="")', RED),
        ]
    elif sheet is S.RECTIFICATIONS:
        d, st, done = L("整改时限"), L("整改状态"), L("完成日期")
        rules += [
            (d, f'AND(${d}2<>"",${d}2<TODAY(),${st}2<>"已完成")', AMBER),
            (done, f'AND(${st}2="已完成",${done}2="")', RED),
            (L("整改措施"), f'AND(${L("存在问题")}2<>"",${L("整改措施")}2="")', RED),
        ]
    elif sheet is S.SUBMISSIONS:
        disc, appr, cat, words = L("讨论日期"), L("审定日期"), L("述职类别"), L("字数")
        duties, problems = L("履职情况占比"), L("存在问题占比")
        rules += [
            (appr, f'AND(${appr}2<>"",${disc}2<>"",${appr}2<${disc}2)', RED),
            (
                words,
                f'AND(${words}2<>"",${words}2>IF(${cat}2="{S.CAT_SECOND_LEVEL}",'
                f"{_setting(ST.K_LIMIT_SECOND)},{_setting(ST.K_LIMIT_BRANCH)}))",
                RED,
            ),
            (duties, f'AND(${duties}2<>"",${duties}2>{_setting(ST.K_DUTIES_MAX)})', RED),
            (problems, f'AND(${problems}2<>"",${problems}2<{_setting(ST.K_PROBLEMS_MIN)})', RED),
        ]
    elif sheet is S.MEETINGS:
        md, rd = L("会议日期"), L("报备日期")
        rules += [(rd, f'AND(${rd}2<>"",${md}2-${rd}2<{_setting(ST.K_FILING_DAYS)})', RED)]
    for letter, formula, fill in rules:
        ws.conditional_formatting.add(
            f"{letter}2:{letter}{last_row}",
            FormulaRule(formula=[formula], fill=fill, stopIfTrue=False),
        )


def _lists_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(S.LISTS_SHEET)
    for idx, (name, values) in enumerate(S.LISTS, start=1):
        letter = get_column_letter(idx)
        put(ws, 1, idx, name)
        for r, v in enumerate(values, start=2):
            put(ws, r, idx, v)
        ref = f"{quote_sheetname(S.LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    ws.sheet_state = "hidden"


def _guide_sheet(wb: Workbook, st: ST.Settings) -> None:
    if wb.sheetnames:  # a workbook from pyOpenVBA's template: its first sheet becomes 说明
        ws = wb.worksheets[0]
        ws.title = S.GUIDE_SHEET
    else:
        ws = wb.create_sheet(S.GUIDE_SHEET)
    ws.column_dimensions["A"].width = 110
    for r, (text, kind) in enumerate(guide(st), start=1):
        cell = put(ws, r, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if kind == "title":
            cell.font = Font(name="微软雅黑", size=16, bold=True, color="1F4E79")
            ws.row_dimensions[r].height = 30
        elif kind == "h":
            cell.font = Font(name="微软雅黑", size=12, bold=True, color="1F4E79")
        else:
            cell.font = Font(name="微软雅黑", size=10)
    ws.sheet_properties.tabColor = "C00000"


# ---- 看板: per evaluating body, live from formulas (no Python, no dynamic arrays) ----------

DASHBOARD_SHEET = "看板"
DASHBOARD_SLOTS = 12  # evaluating bodies shown: the 党委 and up to 11 党总支
DASHBOARD_HEADERS = (
    "评议主体",
    "评议人数",
    "好",
    "较好",
    "一般",
    "差",
    "较好及以下人数",
    "较好及以下占比",
    "最少应有人数",
    "最低比例",
    "整改未完成",
    "整改已逾期",
    "整改已完成",
    "行号",  # helper: the 组织 row of the k-th evaluating body (hidden column)
)
_FIRST = 4  # first data row of the 看板 table


def _dashboard_sheet(wb: Workbook) -> None:
    from openpyxl.chart import BarChart, LineChart, Reference

    ws = wb.create_sheet(DASHBOARD_SHEET)
    ws.sheet_properties.tabColor = "548235"
    title = put(ws, 1, 1, "述职评议看板（由公式实时计算，无需运行程序）")
    title.font = Font(name="微软雅黑", size=14, bold=True, color="1F4E79")
    put(
        ws,
        2,
        1,
        "每个评议主体（党委评议二级党组织书记，党总支评议所属在职党支部书记）一行；"
        "“最少应有人数”按设置中的较好及以下最低比例和取整方式计算。",
    ).font = Font(name="微软雅黑", size=9, color="595959")
    for c, header in enumerate(DASHBOARD_HEADERS, start=1):
        cell = put(ws, _FIRST - 1, c, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = 22 if c == 1 else 10
    ws.row_dimensions[_FIRST - 1].height = 30
    letter = get_column_letter(layout(S.ORGS).index("组织类型") + 1)
    rng = f"{quote_sheetname(S.ORGS.name)}!${letter}$2:${letter}$2000"
    is_body = f'(({rng}="{S.ORG_PARTY_COMMITTEE}")+({rng}="{S.ORG_GENERAL_BRANCH}"))'
    names = _col(S.ORGS, "组织名称")
    g_body, g_grade = _col(S.GRADES_SHEET, SHOWN_BODY), _col(S.GRADES_SHEET, "综合评价等次")
    r_body, r_status = _col(S.RECTIFICATIONS, SHOWN_BODY), _col(S.RECTIFICATIONS, "整改状态")
    r_due = _col(S.RECTIFICATIONS, "整改时限")
    done = S.STATUS_DONE
    for k in range(1, DASHBOARD_SLOTS + 1):
        r = _FIRST + k - 1
        cells = {
            "行号": f"SUMPRODUCT(SMALL(({is_body}=0)*100000+ROW({rng}),{k}))",
            "评议主体": f'IF($N{r}>=100000,"",INDEX({names},$N{r}))',
            "评议人数": f'IF($A{r}="","",COUNTIFS({g_body},$A{r},{g_grade},"<>"))',
            "较好及以下人数": f'IF($A{r}="","",SUM(D{r}:F{r}))',
            "较好及以下占比": f'IF(OR($A{r}="",N($B{r})=0),"",G{r}/B{r})',
            "最少应有人数": f'IF(OR($A{r}="",N($B{r})=0),"",IF({_setting(ST.K_ROUNDING)}="{S.ROUND_HALF_UP}",'
            f"ROUND(B{r}*{_setting(ST.K_MIN_SHARE)},0),ROUNDUP(B{r}*{_setting(ST.K_MIN_SHARE)},0)))",
            "最低比例": f'IF($A{r}="","",{_setting(ST.K_MIN_SHARE)})',
            "整改已逾期": f'IF($A{r}="","",COUNTIFS({r_body},$A{r},{r_status},"<>{done}",{r_due},"<"&TODAY()))',
            "整改已完成": f'IF($A{r}="","",COUNTIFS({r_body},$A{r},{r_status},"{done}"))',
            "整改未完成": f'IF($A{r}="","",COUNTIFS({r_body},$A{r},{r_status},"<>{done}")-L{r})',
        }
        for grade in S.GRADES:
            cells[grade] = f'IF($A{r}="","",COUNTIFS({g_body},$A{r},{g_grade},"{grade}"))'
        for c, header in enumerate(DASHBOARD_HEADERS, start=1):
            cell = put_formula(ws, r, c, cells[header])
            cell.font = BODY_FONT
            if header in ("较好及以下占比", "最低比例"):
                cell.number_format = "0%"
    ws.column_dimensions["N"].hidden = True
    ws.freeze_panes = f"A{_FIRST}"
    last = _FIRST + DASHBOARD_SLOTS - 1
    cats = Reference(ws, min_col=1, min_row=_FIRST, max_row=last)

    grades = BarChart()
    grades.type, grades.grouping = "col", "clustered"
    grades.title = "各评议主体综合评价等次（人数）"
    grades.y_axis.title = "人数"
    grades.add_data(
        Reference(ws, min_col=3, max_col=6, min_row=_FIRST - 1, max_row=last), titles_from_data=True
    )
    grades.set_categories(cats)
    quota = LineChart()
    quota.add_data(
        Reference(ws, min_col=9, min_row=_FIRST - 1, max_row=last), titles_from_data=True
    )
    quota.set_categories(cats)
    grades += quota
    grades.height, grades.width = 9, 22
    ws.add_chart(grades, f"A{last + 3}")

    rects = BarChart()
    rects.type, rects.grouping, rects.overlap = "bar", "stacked", 100
    rects.title = "各评议主体整改进度（条）"
    rects.add_data(
        Reference(ws, min_col=11, max_col=13, min_row=_FIRST - 1, max_row=last),
        titles_from_data=True,
    )
    rects.set_categories(cats)
    rects.height, rects.width = 9, 22
    for chart, category_side, value_side in (
        (grades, "b", "l"),
        (quota, "b", "l"),
        (rects, "l", "b"),
    ):
        _axes_as_excel_writes(chart, category_side, value_side)
    ws.add_chart(rects, f"A{last + 22}")


def _axes_as_excel_writes(chart: Any, category_side: str, value_side: str) -> None:
    """Axes shown (`<c:delete val="0"/>`: openpyxl otherwise leaves Excel free to hide them),
    labels next to the axis, crossing at zero, the category axis at the bottom of a column
    chart and at the left of a bar chart, as Excel's own charts have them."""
    for axis, side in ((chart.x_axis, category_side), (chart.y_axis, value_side)):
        axis.delete = False
        axis.tickLblPos = "nextTo"
        axis.crosses = "autoZero"
        axis.axPos = side


def _narrative_sheet(wb: Workbook, texts: Mapping[str, str]) -> None:
    """报告正文: the paragraphs of the summary report that staff write themselves."""
    from annex_tools.contract.schema import NARRATIVE_KEYS, NARRATIVE_SHEET

    ws = wb.create_sheet(NARRATIVE_SHEET)
    for c, header in enumerate(("部分", "内容"), start=1):
        cell = put(ws, 1, c, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for r, key in enumerate(NARRATIVE_KEYS, start=2):
        put(ws, r, 1, key).font = Font(name="微软雅黑", bold=True, size=10)
        cell = put(ws, r, 2, texts.get(key) or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = 120
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 100
    ws.freeze_panes = "A2"
    ws.sheet_properties.tabColor = "548235"


ROOT_ROW = {"组织编号": "P00", "组织类型": S.ORG_PARTY_COMMITTEE}  # name: the 单位名称 setting


def build_workbook(
    data: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
    settings: Mapping[str, Any] | None = None,
    into: Workbook | None = None,
    narrative: Mapping[str, str] | None = None,
) -> Workbook:
    """An openpyxl Workbook of the master: 说明, 设置 and the data sheets with `data` rows.

    Without `data` the 组织 sheet starts with the 党委 row, so a new master passes `check`.
    `into` is a workbook to build in (the .xlsm build passes pyOpenVBA's new workbook)."""
    overrides = dict(settings or {})
    if data is None:
        institute = settings_in_force(overrides).institute
        data = {S.ORGS.key: [{**ROOT_ROW, "组织名称": institute}]}
    wb = into if into is not None else Workbook()
    if into is None:
        wb.remove(wb.active)
    # No forced recalculation (Excel would ask to save on every close); the calcId of an older
    # Excel still makes Excel compute the formulas, which carry no cached values, once on open.
    wb.calculation.fullCalcOnLoad = None
    wb.calculation.calcId = 124519
    _guide_sheet(wb, settings_in_force(overrides))
    rows_by_sheet: dict[str, list[Mapping[str, Any]]] = {
        S.SETTINGS.key: [
            {"项目": k, "值": overrides.get(k, setting_value(v)), "说明": note}
            for k, v, note in ST.SETTING_ROWS
        ]
    }
    for sheet in S.DATA_SHEETS:
        rows_by_sheet[sheet.key] = list(data.get(sheet.key, []))
    for sheet in S.ALL_SHEETS:
        ws = wb.create_sheet(sheet.name)
        headers = layout(sheet)
        _style_header(ws, sheet, headers)
        rows = rows_by_sheet[sheet.key]
        for r, rec in enumerate(rows, start=2):
            for c, header in enumerate(headers, start=1):
                value = rec.get(header) if header not in SHOWN_HEADERS else None
                if value is not None and value != "":
                    put(ws, r, c, value)
        last_data = max(2, len(rows) + 1)
        last_row = max(FORMATTED_ROWS, len(rows) + 200)
        if sheet is S.SETTINGS:
            last_row = last_data
            for r in range(2, last_data + 1):
                value = ws.cell(row=r, column=2).value
                if isinstance(value, float) and value <= 1:
                    ws.cell(row=r, column=2).number_format = "0%"
                elif isinstance(value, dt.date):
                    ws.cell(row=r, column=2).number_format = "yyyy-mm-dd"
                for c in (1, 2, 3):
                    ws.cell(row=r, column=c).alignment = Alignment(wrap_text=True, vertical="top")
        else:
            _column_formats(ws, sheet, headers, last_row)
            _validations(ws, sheet, headers, last_row)
            _conditional_formats(ws, sheet, last_row)
            _shown_columns(ws, sheet, headers, last_row)
        table = Table(
            displayName=sheet.table_name, ref=f"A1:{get_column_letter(len(headers))}{last_data}"
        )
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
    _dashboard_sheet(wb)
    _narrative_sheet(wb, narrative or {})
    results_sheet(wb)  # filled by every check, never added: it keeps its code name
    _lists_sheet(wb)
    _setting_names(wb)
    _id_names(wb)
    wb.active = 0
    return wb


def new_workbook(
    path: Path,
    data: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
    narrative: Mapping[str, str] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> Path:
    """Write a master workbook to `path` (atomically: a temp file beside it, then replace).
    `settings`: 设置 values by key, where they differ from the settings table's defaults."""
    from annex_tools.workbook.safewrite import atomic_save

    wb = build_workbook(data, settings=settings, narrative=narrative)
    atomic_save(wb, path)
    return path
