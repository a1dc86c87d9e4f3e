"""The 约谈记录 of each secretary graded 一般 or 差 (issue 20; notice 三、5: 约谈提醒、限期整改):
who is talked to, by whom (评议 约谈人), when (约谈提醒日期), on what basis, about which problems
(the 整改清单), and what is required; the rest (地点, 记录人, 表态, signatures) is written by hand.
Pure planning; render.py writes the .docx from templates/interview.docx."""

from __future__ import annotations

from typing import Any

from annex_tools.contract import notice
from annex_tools.contract import schema as S
from annex_tools.contract.settings import Settings
from annex_tools.contract.text import format_date, unique_filenames
from annex_tools.documents.annex1 import distinguishing
from annex_tools.documents.decision import decided_by
from annex_tools.documents.feedback import SERIOUS_MARK, body_label, is_serious
from annex_tools.institute import Institute, Submission

BLANK = "＿＿＿＿＿＿＿＿"  # what is written by hand when the master does not say
BLANK_DATE = "　　年　月　日"


def to_interview(inst: Institute) -> list[Submission]:
    """Every secretary graded 一般 or 差, in the order of the 述职 sheet."""
    return [s for s in inst.submissions if s.grade in S.GRADES_INTERVIEW]


def plan_interview(inst: Institute, sec: Submission, st: Settings) -> dict[str, Any]:
    """The 约谈记录 of one 一般/差 secretary. 约谈人 and 约谈时间 come from 评议 (约谈人,
    约谈提醒日期); when empty, a line to fill by hand."""
    second = sec.body_id == inst.root
    body = body_label(inst, sec)
    evaluator = (
        notice.EVALUATOR_SECOND_LEVEL if second else notice.EVALUATOR_BRANCH.format(body=body)
    )
    report_to = "党委组织部" if second else body
    decided = decided_by(inst, sec)  # “党委常委会2024年1月18日会议（纪要）”, when recorded
    basis = (
        f"{notice.INTERVIEW_RULE}经{decided or evaluator}研究，{sec.name}同志{st.year}年度抓基层党建"
        f"述职评议综合评价等次为“{sec.grade}”。"
    )
    listed = [p for p in sec.rectifications if p.problem.strip()]
    problems = [
        f"{i}. {p.problem.strip().removeprefix(SERIOUS_MARK).strip()}"
        + (
            f"（整改措施：{p.measure.strip().rstrip('。；;')}"
            if p.measure
            else "（整改措施：待本人提出"
        )
        + (f"；整改时限：{format_date(p.deadline)}）" if p.deadline else "）")
        for i, p in enumerate(listed, start=1)
    ]
    if not problems:
        problems = [
            f"不足之处：{sec.shortcomings}" if sec.shortcomings else "（主表尚未列出整改清单）"
        ]
    requirement = (
        f"请对照上述问题，在整改时限内完成整改，并将整改情况报{report_to}。"
        if listed
        else f"请列出整改清单，明确整改措施和时限，限期整改，并将整改情况报{report_to}。"
    )
    if sec.grade == "差" or any(is_serious(p.problem) for p in listed):
        requirement += notice.ACCOUNTABILITY.format(which="问题严重的")
    return {
        "year": st.year,
        "name": sec.name,
        "org": sec.org_name,
        "grade": sec.grade,
        "interviewer": sec.interviewer or BLANK,
        "date": format_date(sec.interview) or BLANK_DATE,
        "basis": basis,
        "problems": problems,
        "requirement": requirement,
    }


def interview_filenames(secs: list[Submission]) -> list[str]:
    """One distinct, safe file name per secretary, in order."""
    return unique_filenames(
        [(f"{s.org_name}-{s.name}-约谈记录.docx", distinguishing(s)) for s in secs]
    )
