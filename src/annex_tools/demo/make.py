"""`make_demo`: the fictional institute written as a master, its reports, the mail inbox and the
planted mistakes."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from annex_tools.contract import settings as ST
from annex_tools.contract.master import REPORTS_INBOX
from annex_tools.demo.institute import (
    _meetings,
    _organizations,
    _person,
    _reporters,
    _write_reports,
)
from annex_tools.demo.mistakes import Planted, _Tables, plant_mistakes

NARRATIVE = {
    "主要做法和成效": "学院党委把述职评议考核作为落实全面从严治党主体责任的重要抓手，坚持“一述一评”，逐一点评、真点问题，推动各级党组织书记履行第一责任人职责。（演示文字）",
    "存在的问题": "一是党建与业务融合的办法还不够多；二是个别党支部组织生活质量不高；三是问题整改的长效机制仍需完善。（演示文字）",
    "下一步工作": "持续抓好问题整改，把整改落实情况纳入院内巡察；加强支部书记培训；以高质量党建引领学院高质量发展。（演示文字）",
}


@dataclass
class DemoResult:
    workbook: Path
    reports_dir: Path
    report_count: int  # every 述职 row's report: the .docx in reports_dir and those only mailed
    planted: list[Planted] = field(default_factory=list)
    mailed: list[Path] = field(default_factory=list)  # reports that came only as a saved e-mail


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
    t = _Tables(subs, grades, rects, meetings, orgs, settings, leaders, out_dir / REPORTS_INBOX)
    settings[ST.K_BRANCH_SEND_DEADLINE] = "2024-01-22"

    if mistakes:
        plant_mistakes(t)
    else:
        # the clean demo's 党委 met in January by its own setting, and deliberated in time
        settings[ST.K_COMMITTEE_DEADLINE] = "2024-01-20"
        settings[ST.K_REVIEW_DATE] = "2024-01-30"

    _write_reports(subs, by_id, year, rng)
    if mistakes:
        plant_mistakes(t, after_reports=True)
    for s in subs:
        del s["_targets"], s["_file"]

    workbook = out_dir / "master.xlsx"
    new_workbook(
        workbook,
        {"orgs": orgs, "subs": subs, "meetings": meetings, "grades": grades, "rects": rects},
        narrative=NARRATIVE,
        settings=settings,
    )
    mailed = sorted(t.inbox.glob("*.eml")) if t.inbox is not None and t.inbox.is_dir() else []
    return DemoResult(workbook, reports_dir, len(subs), t.planted, mailed)
