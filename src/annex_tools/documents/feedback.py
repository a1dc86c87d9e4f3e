"""The evaluation opinion fed back to each graded secretary (pure planning; render.py writes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from annex_tools.contract import notice
from annex_tools.contract import schema as S
from annex_tools.contract.settings import Settings
from annex_tools.contract.text import format_date, unique_filenames
from annex_tools.documents.annex1 import distinguishing
from annex_tools.institute import Institute, Rectification, Submission


def body_label(inst: Institute, sec: Submission) -> str:
    return inst.orgs[sec.body_id].name if sec.body_id in inst.orgs else "党委"


SERIOUS_MARK = "【严重】"  # staff mark a problem as serious by starting its text with this


def is_serious(text: str) -> bool:
    return text.lstrip().startswith(SERIOUS_MARK)


_NUMBERS = "一二三四五六"


def plan_feedback(
    inst: Institute, sec: Submission, st: Settings, signed: dt.date
) -> dict[str, Any]:
    """The letter to one graded secretary, in the notice's terms (方案 三 5、6): 肯定成绩、指出不足、
    等次; 约谈提醒、限期整改 for 一般/差, 追责问责 where problems are serious (差, or a problem
    marked 【严重】); the evaluating body by level. Dated the 反馈日期 (else `signed`); a 约谈
    after that date is announced, not reported as done. No placeholder and no empty table."""
    date = sec.feedback or signed
    second = sec.body_id == inst.root
    body = body_label(inst, sec)
    evaluator = (
        notice.EVALUATOR_SECOND_LEVEL if second else notice.EVALUATOR_BRANCH.format(body=body)
    )
    issuer = st.institute if second else f"{body}委员会"
    report_to = "党委组织部" if second else body
    weak = sec.grade in S.GRADES_INTERVIEW
    listed = [p for p in sec.rectifications if p.problem.strip()]
    problems = _problem_rows(listed)
    problems_intro = _problems_intro(sec, bool(problems), weak, report_to)
    interview = ""
    if weak:
        interviewer = evaluator if second else body
        interview = _interview_text(sec, date, interviewer, report_to, problems, listed)
    linkage = notice.GOOD_USE if sec.grade == S.GRADE_GOOD else notice.LINKAGE_RULE
    numbered = _numbered_headings(sec, bool(interview))
    return {
        "year": st.year,
        "name": sec.name,
        "org": sec.org_name,
        "body": body,
        # “经{evaluator}综合平时掌握…”: the decision that fixed the grade, when it is recorded
        "evaluator": evaluator + _decided(inst, sec),
        "grade": sec.grade,
        "achievements": sec.achievements,
        "shortcomings": sec.shortcomings,
        "h_achievements": numbered.get("主要成绩", ""),
        "h_shortcomings": numbered.get("不足之处", ""),
        "h_problems": numbered["问题整改清单"],
        "h_interview": numbered.get("约谈提醒", ""),
        "problems_intro": problems_intro,
        "problems": problems,
        "interview": interview,
        "linkage": linkage,
        "issuer": issuer,
        "date": format_date(date),
    }


def _decided(inst: Institute, sec: Submission) -> str:
    """“2024年1月18日会议研究（党委常委会会议纪要〔2024〕2号），” ('' when not recorded: the letter
    is then a draft that names what is missing, `decision.decision_gaps`)."""
    from annex_tools.documents.decision import sec_gap

    m = sec.meeting
    if m is None or m.decided is None or sec_gap(inst, sec):
        return ""
    return f"{format_date(m.decided)}会议研究（{m.minutes.strip()}），"


def _problem_rows(listed: list[Rectification]) -> list[dict[str, Any]]:
    """The 整改清单 rows: numbered, the 【严重】 mark removed, empty measure/deadline explained."""
    return [
        {
            "seq": i,
            "problem": p.problem.strip().removeprefix(SERIOUS_MARK).strip(),
            "measure": p.measure or "由本人提出整改措施",
            "deadline": format_date(p.deadline) or "与整改措施一并明确",
        }
        for i, p in enumerate(listed, start=1)
    ]


def _problems_intro(sec: Submission, has_problems: bool, weak: bool, report_to: str) -> str:
    """The sentence before the 整改清单: follow the list, or draw one up (and report it if weak)."""
    against = "请对照上述不足之处，" if sec.shortcomings else "请"
    if has_problems:
        return "请认真梳理自己查摆、领导点评、考核反馈指出的问题，对照下列整改清单抓好整改落实："
    if weak:
        return (
            f"目前尚未列出你的整改清单。{against}认真梳理自己查摆、领导点评、考核反馈指出的问题，"
            f"列出整改清单，明确整改措施和时限，报{report_to}。"
        )
    return f"{against}认真梳理自己查摆、领导点评、考核反馈指出的问题，列出整改清单，抓好整改落实。"


def _interview_text(
    sec: Submission,
    date: dt.date,
    interviewer: str,
    report_to: str,
    problems: list[dict[str, Any]],
    listed: list[Rectification],
) -> str:
    """The 约谈提醒 section for 一般/差: done, scheduled or to be arranged as of the letter's
    date; 限期整改; 追责问责 where problems are serious (差, or items marked 【严重】)."""
    if sec.interview and sec.interview <= date:
        when = f"{interviewer}已于{format_date(sec.interview)}对你进行约谈提醒。"
    elif sec.interview:
        when = f"定于{format_date(sec.interview)}对你进行约谈提醒。"
    else:
        when = "将另行安排对你进行约谈提醒。"
    follow = (
        f"请对照上述整改清单，在整改时限内完成整改，并将整改情况报{report_to}。"
        if problems
        else f"请按上述要求列出整改清单、限期整改，并将整改情况报{report_to}。"
    )
    interview = f"{notice.INTERVIEW_RULE}{when}{follow}"
    serious = [p for p in sec.rectifications if is_serious(p.problem)]
    if sec.grade == "差" or serious:
        which = (
            f"经认定问题严重的（整改清单中第{'、'.join(str(problems[listed.index(p)]['seq']) for p in serious)}项）"
            if serious
            else "问题严重的"
        )
        interview += notice.ACCOUNTABILITY.format(which=which)
    return interview


def _numbered_headings(sec: Submission, has_interview: bool) -> dict[str, str]:
    """Number the sections present (一、二、…), skipping the empty ones."""
    sections = ["主要成绩" if sec.achievements else "", "不足之处" if sec.shortcomings else ""]
    sections += ["问题整改清单", "约谈提醒" if has_interview else ""]
    numbered = {}
    n = 0
    for title in sections:
        if title:
            numbered[title] = f"{_NUMBERS[n]}、{title}"
            n += 1
    return numbered


def feedback_filenames(secs: list[Submission]) -> list[str]:
    """One distinct, safe file name per secretary, in order."""
    return unique_filenames(
        [(f"{s.org_name}-{s.name}-评价意见反馈.docx", distinguishing(s)) for s in secs]
    )
