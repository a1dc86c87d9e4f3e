"""Writing a master workbook staff are glad to open: tables, frozen headers, dropdowns from
defined names, date formats, live conditional formatting, a 说明 sheet and the 设置 defaults.

`build_workbook` is the one builder: `new` writes an empty .xlsx with it, `demo` fills it, and
the Excel issue's .xlsm build starts from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from annex_tools.contract import notice
from annex_tools.contract import schema as S
from annex_tools.contract import settings as ST
from annex_tools.contract.text import parse_date, parse_share
from annex_tools.workbook.cells import put

FORMATTED_ROWS = 500  # validations and formats reach this far below the header (or further)
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(name="微软雅黑", bold=True, color="FFFFFF", size=10)
BODY_FONT = Font(name="微软雅黑", size=10)
RED = PatternFill("solid", fgColor="F8CBAD")
AMBER = PatternFill("solid", fgColor="FFE699")
THIN = Side(style="thin", color="BFBFBF")


def guide(st: ST.Settings) -> tuple[tuple[str, str], ...]:
    """The 说明 sheet: the workflow and the notice's main rules with the values in force."""
    return (
        ("基层党组织书记抓党建述职评议考核 主表", "title"),
        (
            "本工作簿是述职评议考核的唯一台账。各工作表都是 Excel 表格（第1行为表头），可以增加自己的列，工具按表头文字查找列，不会删除您添加的内容。",
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


def _column_formats(ws: Worksheet, sheet: S.Sheet, last_row: int) -> None:
    for idx, col in enumerate(sheet.columns, start=1):
        fmt = {S.Kind.DATE: "yyyy-mm-dd", S.Kind.SHARE: "0.0%", S.Kind.COUNT: "0"}.get(col.kind)
        wrap = col.width >= 30
        for r in range(2, last_row + 1):
            cell = ws.cell(row=r, column=idx)
            cell.font = BODY_FONT
            if fmt:
                cell.number_format = fmt
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _validations(ws: Worksheet, sheet: S.Sheet, last_row: int) -> None:
    for idx, col in enumerate(sheet.columns, start=1):
        letter = get_column_letter(idx)
        ref = f"{letter}2:{letter}{last_row}"
        if col.kind is S.Kind.CHOICE:
            name = S.LIST_NAME_FOR_CHOICES[col.choices]
            dv = DataValidation(
                type="list",
                formula1=f"={name}",
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
    return get_column_letter(sheet.headers.index(header) + 1)


def _setting(key: str) -> str:
    return f'VLOOKUP("{key}",{quote_sheetname(S.SETTINGS.name)}!$A:$B,2,FALSE)'


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
        rules += [(rd, f'AND(${rd}2<>"",${md}2-${rd}2<{_setting(ST.K_NOTICE_DAYS)})', RED)]
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


def _narrative_sheet(wb: Workbook, texts: Mapping[str, str]) -> None:
    """报告正文: the paragraphs of the summary report that staff write themselves."""
    from annex_tools.documents.summary import NARRATIVE_KEYS, NARRATIVE_SHEET

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


def build_workbook(
    data: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
    settings: Mapping[str, Any] | None = None,
    into: Workbook | None = None,
    narrative: Mapping[str, str] | None = None,
) -> Workbook:
    """An openpyxl Workbook of the master: 说明, 设置 and the data sheets with `data` rows.

    `into` is a workbook to build in (the .xlsm build passes pyOpenVBA's new workbook)."""
    data = data or {}
    wb = into if into is not None else Workbook()
    if into is None:
        wb.remove(wb.active)
    overrides = dict(settings or {})
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
        headers = list(sheet.headers)
        _style_header(ws, sheet, headers)
        rows = rows_by_sheet[sheet.key]
        for r, rec in enumerate(rows, start=2):
            for c, header in enumerate(headers, start=1):
                value = rec.get(header)
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
            _column_formats(ws, sheet, last_row)
            _validations(ws, sheet, last_row)
            _conditional_formats(ws, sheet, last_row)
        table = Table(
            displayName=sheet.table_name, ref=f"A1:{get_column_letter(len(headers))}{last_data}"
        )
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
    _narrative_sheet(wb, narrative or {})
    _lists_sheet(wb)
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
