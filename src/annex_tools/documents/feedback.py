"""The evaluation opinion fed back to each graded secretary (pure planning; render.py writes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from annex_tools.contract import schema as S
from annex_tools.contract.text import format_date, unique_filenames
from annex_tools.documents.annex1 import distinguishing
from annex_tools.institute import Institute, Secretary
from annex_tools.workbook.reader import Settings


def body_label(inst: Institute, sec: Secretary) -> str:
    return inst.orgs[sec.body_id].name if sec.body_id in inst.orgs else "党委"


def plan_feedback(inst: Institute, sec: Secretary, st: Settings, today: dt.date) -> dict[str, Any]:
    weak = sec.grade in S.GRADES_INTERVIEW
    interview = ""
    if weak:
        interview = (
            f"已于{format_date(sec.interview)}进行约谈提醒。"
            if sec.interview
            else "组织将安排约谈提醒。"
        )
    linkage = (
        "综合评价等次为“好”，可作为评先评优的重要依据。"
        if sec.grade == S.GRADE_GOOD
        else "根据工作方案，综合评价等次未达到“好”的，其年度考核不得评定为“优秀”等次。"
    )
    return {
        "year": st.year,
        "name": sec.name,
        "org": sec.org_name,
        "body": body_label(inst, sec),
        "grade": sec.grade,
        "achievements": sec.achievements or "（未填写）",
        "shortcomings": sec.shortcomings or "（未填写）",
        "problems": [
            {
                "seq": i,
                "problem": p.problem,
                "measure": p.measure or "（待明确）",
                "deadline": format_date(p.deadline) or "（待明确）",
            }
            for i, p in enumerate(sec.problems, start=1)
        ],
        "interview": interview,
        "linkage": linkage,
        "issuer": st.institute if sec.body_id == inst.root else f"{body_label(inst, sec)}委员会",
        "date": format_date(sec.feedback or today),
    }


def feedback_filenames(secs: list[Secretary]) -> list[str]:
    """One distinct, safe file name per secretary, in order."""
    return unique_filenames(
        [(f"{s.org_name}-{s.name}-评价意见反馈.docx", distinguishing(s)) for s in secs]
    )
