"""Small builders of master-workbook data: a valid institute in miniature, as plain dicts."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from annex_tools.contract import schema as S
from annex_tools.contract import settings as ST
from annex_tools.contract.findings import Finding
from annex_tools.demo import DemoResult, make_demo
from annex_tools.usecases.check import check_workbook
from annex_tools.workbook.reader import workbook_from_rows

TODAY = dt.date(2024, 6, 1)
# the miniature institute's 党委 met in January, by the date it set (the default is empty)
SETTINGS = {ST.K_COMMITTEE_DEADLINE: "2024-01-20"}
D = dt.date

_VALID: dict[str, list[dict[str, Any]]] = {
    "orgs": [
        {"组织编号": "P", "组织名称": "中共示例学院委员会", "组织类型": "党委", "书记姓名": "甲一"},
        {
            "组织编号": "G1",
            "组织名称": "示例党总支",
            "组织类型": "党总支",
            "上级组织编号": "P",
            "书记姓名": "乙二",
            "书记工号": "T1",
            "附件2收到日期": D(2024, 1, 20),
        },
        {
            "组织编号": "G2",
            "组织名称": "安保后勤直属党支部",
            "组织类型": "直属党支部",
            "上级组织编号": "P",
            "书记姓名": "丙三",
            "书记工号": "T2",
        },
        {
            "组织编号": "B1",
            "组织名称": "示例第一党支部",
            "组织类型": "在职党支部",
            "上级组织编号": "G1",
            "书记姓名": "丁四",
            "书记工号": "T3",
        },
        {
            "组织编号": "B2",
            "组织名称": "示例第二党支部",
            "组织类型": "在职党支部",
            "上级组织编号": "G1",
            "书记姓名": "戊五",
            "书记工号": "T4",
        },
        {
            "组织编号": "R1",
            "组织名称": "示例离退休党支部",
            "组织类型": "离退休党支部",
            "上级组织编号": "G1",
            "书记姓名": "己六",
        },
    ],
    "meetings": [
        {
            "会议编号": "M0",
            "主办组织编号": "P",
            "会议日期": D(2024, 1, 16),
            "会议地点": "第一会议室",
            "参会人员": "领导小组成员、“两代表一委员”、党员干部群众代表",
            "公布范围": "全院党员",
            "公布日期": D(2024, 1, 26),
            "实到人数": 46,  # ballots were cast: those present are recorded
            "定等次会议日期": D(2024, 1, 18),  # the 党委常委会 fixed the grades
            "定等次会议纪要": "党委常委会会议纪要〔2024〕2号",
        },
        {
            "会议编号": "M1",
            "主办组织编号": "G1",
            "会议日期": D(2024, 1, 10),
            "会议地点": "会议室",
            "参会人员": "党员代表",
            "报备日期": D(2024, 1, 5),
            "列席人员": "组织部 某某",
            "公布范围": "示例党总支党员",
            "公布日期": D(2024, 1, 15),
            "实到人数": 30,
            "定等次会议日期": D(2024, 1, 12),
            "定等次会议纪要": "示例党总支委员会会议纪要〔2024〕1号",
        },
    ],
    "subs": [
        {
            "述职编号": "S1",
            "组织编号": "G1",
            "书记姓名": "乙二",
            "书记工号": "T1",
            "述职类别": "二级党组织书记",
            "述职方式": "现场述职",
            "字数": 1200,
            "履职情况占比": 0.45,
            "存在问题占比": 0.35,
            "工作思路占比": 0.2,
            "讨论日期": D(2024, 1, 1),
            "审定日期": D(2024, 1, 5),
            "审定人": "院领导 某某",
            "会议编号": "M0",
            "报送组织部日期": D(2024, 1, 8),
        },
        {
            "述职编号": "S2",
            "组织编号": "G2",
            "书记姓名": "丙三",
            "书记工号": "T2",
            "述职类别": "二级党组织书记",
            "述职方式": "书面述职",
            "字数": 1100,
            "履职情况占比": 0.45,
            "存在问题占比": 0.35,
            "工作思路占比": 0.2,
            "讨论日期": D(2024, 1, 1),
            "审定日期": D(2024, 1, 5),
            "审定人": "院领导 某某",
            "会议编号": "M0",
            "报送组织部日期": D(2024, 1, 8),
        },
        {
            "述职编号": "S3",
            "组织编号": "B1",
            "书记姓名": "丁四",
            "书记工号": "T3",
            "述职类别": "党支部书记",
            "述职方式": "现场述职",
            "字数": 800,
            "履职情况占比": 0.45,
            "存在问题占比": 0.35,
            "工作思路占比": 0.2,
            "讨论日期": D(2024, 1, 1),
            "审定日期": D(2024, 1, 5),
            "审定人": "示例党总支",
            "会议编号": "M1",
        },
        {
            "述职编号": "S4",
            "组织编号": "B2",
            "书记姓名": "戊五",
            "书记工号": "T4",
            "述职类别": "党支部书记",
            "述职方式": "现场述职",
            "字数": 700,
            "履职情况占比": 0.45,
            "存在问题占比": 0.35,
            "工作思路占比": 0.2,
            "讨论日期": D(2024, 1, 1),
            "审定日期": D(2024, 1, 5),
            "审定人": "示例党总支",
            "会议编号": "M1",
        },
    ],
    "grades": [
        {
            "述职编号": sid,
            "测评好票": 20,
            "测评较好票": 5,
            "测评一般票": 1,
            "测评差票": 0,
            "综合评价等次": grade,
            "主要成绩": "成绩",
            "不足之处": "不足",
            "年度考核等次": appraisal,
            "反馈日期": D(2024, 1, 20),
        }
        for sid, grade, appraisal in (
            ("S1", "好", "优秀"),
            ("S2", "较好", "合格"),
            ("S3", "较好", "合格"),
            ("S4", "好", "合格"),
        )
    ],
    "rects": [
        {
            "整改编号": f"R{i}",
            "述职编号": f"S{i}",
            "问题来源": "自身查摆",
            "存在问题": "问题",
            "整改措施": "措施",
            "整改时限": D(2024, 4, 30),
            "责任人": "某某",
            "整改状态": "已完成",
            "完成日期": D(2024, 4, 20),
            "核验情况": "已核验",
        }
        for i in range(1, 5)
    ],
}


def valid() -> dict[str, list[dict[str, Any]]]:
    return copy.deepcopy(_VALID)


def row_of(
    data: dict[str, list[dict[str, Any]]], key: str, column: str, value: str
) -> dict[str, Any]:
    return next(r for r in data[key] if r.get(column) == value)


def to_rows(
    data: dict[str, list[dict[str, Any]]], drop: dict[str, str] | None = None
) -> dict[str, list[list[Any]]]:
    """Sheets as rows (header first), the way the reader sees a file."""
    drop = drop or {}
    out: dict[str, list[list[Any]]] = {
        S.SETTINGS.name: [
            ["项目", "值", "说明"],
            *[[k, SETTINGS.get(k, v), ""] for k, v, _ in ST.SETTING_ROWS],
        ]
    }
    for sheet in S.DATA_SHEETS:
        if sheet.key not in data:
            continue
        headers = [h for h in sheet.headers if drop.get(sheet.key) != h]
        out[sheet.name] = [headers, *[[rec.get(h, "") for h in headers] for rec in data[sheet.key]]]
    return out


def check_data(
    data: dict[str, list[dict[str, Any]]],
    today: dt.date = TODAY,
    folder: Path | None = None,
    **kw: Any,
) -> list[Finding]:
    wb = workbook_from_rows(to_rows(data, **kw), path=(folder / "master.xlsx") if folder else None)
    return check_workbook(wb, today).findings


def places(findings: list[Finding]) -> set[tuple[str, str | None, int | None, str | None]]:
    return {f.place for f in findings}


def master_with_findings(path: Path, n: int) -> Path:
    """A master with exactly `n` errors, on every other row of 整改 (a 整改状态 that is not one of
    the list), so no two marked cells touch: the addresses cannot be merged into ranges, the
    worst case for the number of Excel calls of 全面校验."""
    from annex_tools.workbook.builder import new_workbook

    data = valid()
    template = data["rects"][0]
    for i in range(2 * n):
        rect = dict(template, 整改编号=f"X{i:05d}")
        if i % 2 == 0:
            rect.update({"整改状态": "差不多了", "整改时限": dt.date(2099, 12, 31)})
        data["rects"].append(rect)
    return new_workbook(path, data)


_DEMOS: dict[bool, DemoResult] = {}


def demo_copy(out_dir: Path, mistakes: bool = True) -> DemoResult:
    """`make_demo(out_dir, mistakes=mistakes)`, made once per test process and copied: the demo
    is the same every time (a fixed seed; its master names reports by relative path), and making
    it (50 reports and a master) took seconds that ~30 fixtures each paid. The copies get new
    modification times, as a newly made demo has."""
    import atexit
    import dataclasses
    import shutil
    import tempfile

    if mistakes not in _DEMOS:
        cache = Path(tempfile.mkdtemp(prefix="annex-demo-cache-"))
        atexit.register(shutil.rmtree, cache, True)
        _DEMOS[mistakes] = make_demo(cache / "demo", mistakes=mistakes)
    made = _DEMOS[mistakes]
    source = made.workbook.parent
    shutil.copytree(source, out_dir, copy_function=shutil.copy, dirs_exist_ok=True)
    return dataclasses.replace(
        made,
        workbook=out_dir / made.workbook.relative_to(source),
        reports_dir=out_dir / made.reports_dir.relative_to(source),
        planted=copy.deepcopy(made.planted),
    )
