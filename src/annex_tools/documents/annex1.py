"""Annex 1: one report template per secretary who reports (pure planning; render.py writes)."""

from __future__ import annotations

from typing import Any

from annex_tools.contract import notice
from annex_tools.contract import schema as S
from annex_tools.contract.settings import Settings
from annex_tools.contract.text import unique_filenames
from annex_tools.institute import Submission


def distinguishing(sec: Submission) -> str:
    """What tells two secretaries with the same file name apart: 述职编号, else 工号, else the
    organization's number."""
    return sec.sid or sec.staff_no or sec.org_id


def report_filenames(secs: list[Submission]) -> list[str]:
    """One distinct, safe file name per secretary, in order."""
    return unique_filenames(
        [(f"{s.org_name}-{s.name}-述职报告.docx", distinguishing(s)) for s in secs]
    )


def carried_reminder(carried: list[tuple[str, str]]) -> str:
    """Item 6 (上年度查摆问题整改落实): the person's problems carried from last year, by 原整改编号."""
    if not carried:
        return ""
    items = "；".join(
        f"{i}. {problem}（上年度整改编号{old}）" for i, (old, problem) in enumerate(carried, 1)
    )
    return f"上年度问题整改（第6项）请逐条说明以下问题的整改落实情况：{items}。"


def plan_annex1(
    sec: Submission, st: Settings, carried: list[tuple[str, str]] | None = None
) -> dict[str, Any]:
    """`carried`: (原整改编号, 存在问题) of the person's problems carried from last year."""
    reminder = notice.annex1_reminder(st, sec.category)
    extra = carried_reminder(carried or [])
    areas = [name.split(". ", 1)[-1] for name, _ in notice.AREAS]
    numerals = "一二三四五六七八九十"
    mandatory = st.mandatory_item if sec.category == S.CAT_SECOND_LEVEL else ""
    guidance = [notice.ANNEX1_GUIDANCE_TITLE, f"1. {reminder}"]
    guidance.append(
        "2. 履职主要情况围绕工作方案规定的六个方面逐项写（下列（一）至（六））"
        + ("，并单列必答内容。" if mandatory else "。")
    )
    if mandatory:
        guidance.append(f"3. 必答内容：{mandatory}")
    if extra:
        guidance.append(f"{len(guidance)}. {extra}")
    return {
        "year": st.year,
        "org": sec.org_name,
        "name": sec.name,
        "date_line": notice.annex1_date_line(st),
        "reminder": f"{extra}{reminder}" if extra else reminder,
        "guidance": guidance,
        "areas": [{"num": numerals[i], "name": a} for i, a in enumerate(areas)],
        "mandatory": mandatory,
        "mandatory_num": numerals[len(areas)],
    }
