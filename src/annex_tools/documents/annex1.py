"""Annex 1: one report template per secretary who reports (pure planning; render.py writes)."""

from __future__ import annotations

from typing import Any

from annex_tools.contract import notice
from annex_tools.contract.settings import Settings
from annex_tools.contract.text import unique_filenames
from annex_tools.institute import Secretary


def distinguishing(sec: Secretary) -> str:
    """What tells two secretaries with the same file name apart: 述职编号, else 工号, else the
    organization's number."""
    return sec.sid or sec.staff_no or sec.org_id


def report_filenames(secs: list[Secretary]) -> list[str]:
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
    sec: Secretary, st: Settings, carried: list[tuple[str, str]] | None = None
) -> dict[str, Any]:
    """`carried`: (原整改编号, 存在问题) of the person's problems carried from last year."""
    reminder = notice.annex1_reminder(st, sec.category)
    extra = carried_reminder(carried or [])
    return {
        "year": st.year,
        "org": sec.org_name,
        "name": sec.name,
        "date_line": notice.annex1_date_line(st),
        "reminder": f"{extra}{reminder}" if extra else reminder,
    }
