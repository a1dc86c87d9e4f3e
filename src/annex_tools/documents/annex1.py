"""Annex 1: one report template per secretary who reports (pure planning; render.py writes)."""

from __future__ import annotations

from typing import Any

from annex_tools.contract.text import unique_filenames
from annex_tools.institute import Secretary
from annex_tools.workbook.reader import Settings


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
    limit = st.word_limit(sec.category)
    return {
        "year": st.year,
        "org": sec.org_name,
        "name": sec.name,
        "date_line": f"{st.year + 1}年1月",
        "reminder": (
            f"填写提示：{sec.category or '述职'}报告不超过{limit}字；分为履职主要情况、存在的问题、下一步工作思路三部分，"
            f"履职主要情况不超过{st.duties_max:.0%}，问题部分不少于{st.problems_min:.0%}；以第一人称写，突出述“我”，"
            "用具体事例和数据说话。（本提示是页眉中的隐藏文字，不打印、不计入字数；点“开始 › 显示/隐藏编辑标记 ¶”可显示或隐藏）"
        ),
    }
