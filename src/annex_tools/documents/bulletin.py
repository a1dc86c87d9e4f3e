"""The 等次通报 (notice 三、5: 评价意见及等次要向本人反馈，在一定范围内通报): the grades of
every secretary, by category, addressed to 设置 通报范围 and dated 设置 通报日期 (else the day it
is made), in the 公文 style of the summary report (same renderer, same 发文机关标志)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from annex_tools.contract import notice
from annex_tools.contract import schema as S
from annex_tools.contract.settings import Settings
from annex_tools.contract.text import format_date
from annex_tools.institute import Institute, Submission


def _rows(secs: list[Submission]) -> list[dict[str, Any]]:
    order = {g: i for i, g in enumerate(S.GRADES)}
    ranked = sorted(secs, key=lambda s: (order.get(s.grade, len(order)), s.sub_row))
    return [
        {"seq": i, "org": s.org_name, "name": s.name, "grade": s.grade or "未评定"}
        for i, s in enumerate(ranked, start=1)
    ]


def _count_text(secs: list[Submission]) -> str:
    c = Counter(s.grade for s in secs)
    said = "、".join(f"“{g}”{c[g]}人" for g in S.GRADES if c[g])
    missing = sum(1 for s in secs if not s.grade)
    return (
        f"共{len(secs)}人，其中{said or '尚无评定'}"
        + (f"，尚未评定{missing}人" if missing else "")
        + "。"
    )


def bulletin_gaps(
    st: Settings, inst: Institute | None = None, signed: dt.date | None = None
) -> list[str]:
    """What a final 等次通报 would have to invent: its date (设置 通报日期, or the 落款日期 given
    as `signed`) and the decisions that fixed the grades it announces (会议 定等次会议日期 and
    定等次会议纪要)."""
    from annex_tools.documents.decision import decision_gaps

    undated = st.bulletin_date is None and signed is None
    gaps = ["设置“通报日期”未填写，也没有给落款日期（成文日期不能取生成当天）"] if undated else []
    return gaps + (decision_gaps(inst, inst.submissions) if inst is not None else [])


def _decisions(inst: Institute, secs: list[Submission]) -> str:
    """“等次经党委常委会2024年1月18日会议（纪要）研究确定。” for the graded among `secs`;
    '' when none is recorded (a final 通报 is then refused)."""
    from annex_tools.documents.decision import decided_by

    said = list(dict.fromkeys(d for d in (decided_by(inst, s) for s in secs if s.grade) if d))
    return f"等次经{'、'.join(said)}研究确定。" if said else ""


def plan_bulletin(inst: Institute, st: Settings, signed: dt.date) -> dict[str, Any]:
    """Every sentence and row of the 通报, from the master."""
    second = [s for s in inst.submissions if s.category == S.CAT_SECOND_LEVEL]
    branch = [s for s in inst.submissions if s.category == S.CAT_BRANCH]
    weak = [s for s in inst.submissions if s.grade in S.GRADES_INTERVIEW]
    closing = (
        "综合评价等次未达到“好”的，其年度考核不得评定为“优秀”等次。"
        + (
            "对综合评价等次为“一般”和“差”的，所在党组织要约谈提醒、限期整改，整改情况报党委组织部。"
            if weak
            else ""
        )
        + "各党组织要对照评价意见认真抓好问题整改，推动基层党建工作提质增效。"
    )
    return {
        "year": st.year,
        "institute": st.institute,
        "issuer_mark": st.issuer_mark,
        "doc_number": st.bulletin_number,
        "signer": "",  # a 下行文 names no 签发人
        "signer_label": "",
        # 版记: 印发机关 and the 通报's date as 印发日期 (no 抄送)
        "copy_to": "",
        "printer": st.printer,
        "print_date": format_date(st.bulletin_date or signed),
        "colophon": bool(st.printer),
        "addressee": st.bulletin_scope,
        "date": format_date(st.bulletin_date or signed),
        "intro": notice.bulletin_intro(st),
        "second_text": "二级党组织书记" + _count_text(second) + _decisions(inst, second),
        "second": _rows(second),
        "branch_text": "在职党支部书记" + _count_text(branch) + _decisions(inst, branch),
        "branch": _rows(branch),
        "closing": closing,
        "counts": {"second": len(second), "branch": len(branch), "weak": len(weak)},
    }
