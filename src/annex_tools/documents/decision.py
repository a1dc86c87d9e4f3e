"""The decision that fixed the grades (issue 20, item 3; notice 三、5: 党委常委会 … 对二级党组织书记
… 形成评价意见; 二级党组织委员会对所属党支部书记 … 形成评价意见 … 确定等次).

Recorded per 述职评议会 on the 会议 sheet (定等次会议日期, 定等次会议纪要): those who reported at the
党委's meeting were graded by the 党委常委会, those at a 党总支's meeting by that 党总支's 委员会.
The feedback letters, the 等次通报 and the archived opinions quote it; without it they are not
final (`decision_gaps`: a draft names what is missing, the archive files no one)."""

from __future__ import annotations

import datetime as dt

from annex_tools.contract import notice
from annex_tools.contract.text import format_date
from annex_tools.institute import Institute, Meeting, Submission

DATE, MINUTES = "定等次会议日期", "定等次会议纪要"


def deciding_body(inst: Institute, sec: Submission) -> str:
    """Who fixed this secretary's grade: the 党委常委会, or the 二级党组织's 委员会."""
    if sec.body_id == inst.root:
        return notice.EVALUATOR_SECOND_LEVEL
    body = inst.orgs[sec.body_id].name if sec.body_id in inst.orgs else "党委"
    return notice.EVALUATOR_BRANCH.format(body=body)


def meeting_gap(inst: Institute, m: Meeting, evaluator: str) -> str:
    """Why the decision recorded on meeting `m` cannot be quoted ('' when it can)."""
    host = inst.orgs[m.host].name if m.host in inst.orgs else m.host
    where = f"“会议”表第{m.row}行（会议{m.mid}，{host}主办）"
    missing = [h for h, v in ((DATE, m.decided), (MINUTES, m.minutes.strip())) if not v]
    if missing:
        which = "和".join(f"“{h}”" for h in missing)
        return f"{where}未填写{which}（{evaluator}研究确定等次的会议）"
    if m.date is not None and m.decided is not None and m.decided < m.date:
        return (
            f"{where}的定等次会议日期{format_date(m.decided)}早于述职评议会"
            f"（{format_date(m.date)}），请核实"
        )
    return ""


def sec_gap(inst: Institute, sec: Submission) -> str:
    if sec.meeting is None:
        return f"{sec.org_name} {sec.name}（述职{sec.sid}）没有述职评议会议，无从记录定等次的会议"
    return meeting_gap(inst, sec.meeting, deciding_body(inst, sec))


def decision_gaps(inst: Institute, secs: list[Submission]) -> list[str]:
    """What is missing for the graded among `secs`, once per meeting, in order."""
    gaps: list[str] = []
    for sec in secs:
        if not sec.grade:
            continue
        gap = sec_gap(inst, sec)
        if gap and gap not in gaps:
            gaps.append(gap)
    return gaps


def decided_by(inst: Institute, sec: Submission) -> str:
    """“党委常委会2024年1月18日会议（党委常委会会议纪要〔2024〕2号）”, or '' when not recorded."""
    m = sec.meeting
    if m is None or sec_gap(inst, sec):
        return ""
    assert m.decided is not None
    return f"{deciding_body(inst, sec)}{format_date(m.decided)}会议（{m.minutes.strip()}）"


def signed_gaps(secs: list[Submission], signed: dt.date) -> list[str]:
    """An opinion dated `signed` (落款日期: no 反馈日期 of its own) before its meeting or before the
    decision that fixed its grade would say it was given before it existed."""
    gaps: list[str] = []
    for sec in secs:
        m = sec.meeting
        if not sec.grade or sec.feedback is not None or m is None:
            continue
        who = f"{sec.org_name} {sec.name}（述职{sec.sid}）"
        for what, day in (("述职评议会", m.date), ("定等次会议", m.decided)):
            if day is not None and signed < day:
                gaps.append(
                    f"{who}没有反馈日期，落款日期{format_date(signed)}早于其{what}"
                    f"（{format_date(day)}）：请填写反馈日期，或给不早于会议的落款日期"
                )
                break
    return gaps
