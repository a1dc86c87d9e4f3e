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


def plan_annex1(sec: Secretary, st: Settings) -> dict[str, Any]:
    return {
        "year": st.year,
        "org": sec.org_name,
        "name": sec.name,
        "date_line": notice.annex1_date_line(st),
        "reminder": notice.annex1_reminder(st, sec.category),
    }
