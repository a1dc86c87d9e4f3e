"""`make_demo`: the fictional institute written as a master, its reports, the mail inbox and the
planted mistakes."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from annex_tools.contract import schema as S
from annex_tools.contract import settings as ST
from annex_tools.contract.master import REPORTS_INBOX
from annex_tools.demo.institute import (
    D,
    _meetings,
    _organizations,
    _person,
    _reporters,
    _write_reports,
)
from annex_tools.demo.mail import _mail_report
from annex_tools.demo.mistakes import Planted, _plant_mistakes, _Tables

NARRATIVE = {
    "主要做法和成效": "学院党委把述职评议考核作为落实全面从严治党主体责任的重要抓手，坚持“一述一评”，逐一点评、真点问题，推动各级党组织书记履行第一责任人职责。（演示文字）",
    "存在的问题": "一是党建与业务融合的办法还不够多；二是个别党支部组织生活质量不高；三是问题整改的长效机制仍需完善。（演示文字）",
    "下一步工作": "持续抓好问题整改，把整改落实情况纳入院内巡察；加强支部书记培训；以高质量党建引领学院高质量发展。（演示文字）",
}


@dataclass
class DemoResult:
    workbook: Path
    reports_dir: Path
    report_count: int
    planted: list[Planted] = field(default_factory=list)


def make_demo(out_dir: Path, seed: int = 2023, mistakes: bool = True) -> DemoResult:
    """The demo institute; `mistakes=False` leaves out the planted mistakes (a master with no
    errors, from which documents are generated as final, not as drafts)."""
    from annex_tools.workbook.builder import new_workbook

    rng = random.Random(seed)
    texts = random.Random(seed + 1)  # opinions, ballots and rectifications: their own stream
    out_dir.mkdir(parents=True, exist_ok=True)
    reports_dir = out_dir / "reports"
    reports_dir.mkdir(exist_ok=True)
    year = 2023
    used: set[str] = set()

    orgs = _organizations(rng, used)
    leaders = [_person(rng, used) for _ in range(3)]
    meetings, meeting_of = _meetings(rng, used, orgs)
    by_id = {o["组织编号"]: o for o in orgs}
    subs, grades, rects = _reporters(
        rng, texts, orgs, meetings, meeting_of, leaders, reports_dir, mistakes
    )
    settings: dict[str, str] = {}
    t = _Tables(subs, grades, rects, meetings, orgs, settings, leaders)
    planted, plant, sub_row, sid_of = t.planted, t.plant, t.sub_row, t.sid_of
    settings[ST.K_BRANCH_SEND_DEADLINE] = "2024-01-22"

    if mistakes:
        _plant_mistakes(t)
    else:
        # the clean demo's 党委 met in January by its own setting, and deliberated in time
        settings[ST.K_COMMITTEE_DEADLINE] = "2024-01-20"
        settings[ST.K_REVIEW_DATE] = "2024-01-30"

    _write_reports(subs, by_id, year, rng)
    if mistakes:
        s = next(x for x in subs if x["述职编号"] == sid_of["G09"])
        s["字数"] = int(s["字数"]) - 120
        plant(
            "report.stale-figures",
            S.SUBMISSIONS,
            sub_row[s["述职编号"]],
            "字数",
            "表中字数与报告文件不一致",
        )
        # a report that came only by e-mail and has not been imported: 述职报告/ holds the mail
        s = next(x for x in subs if x["述职编号"] == sid_of["G02-3"])
        _mail_report(out_dir / REPORTS_INBOX, s, by_id[s["组织编号"]]["组织名称"])
        s["报告文件"] = ""
        s["字数"] = s["履职情况占比"] = s["存在问题占比"] = s["工作思路占比"] = None
        plant(
            "report.absent",
            S.SUBMISSIONS,
            sub_row[s["述职编号"]],
            "报告文件",
            "报告只在报送邮件中，尚未导入（import-reports 主表 述职报告/）",
        )
        s = next(x for x in subs if x["述职编号"] == sid_of["G04-2"])
        s["报送组织部日期"] = D(2024, 1, 24)
        plant(
            "deadline.branch-report-sent",
            S.SUBMISSIONS,
            sub_row[s["述职编号"]],
            "报送组织部日期",
            "党支部书记报告晚于设置的报送截止日期",
        )
    for s in subs:
        del s["_targets"], s["_file"]

    workbook = out_dir / "master.xlsx"
    new_workbook(
        workbook,
        {"orgs": orgs, "subs": subs, "meetings": meetings, "grades": grades, "rects": rects},
        narrative=NARRATIVE,
        settings=settings,
    )
    return DemoResult(workbook, reports_dir, len(subs), planted)
