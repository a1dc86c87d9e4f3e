"""The summary report to the 党委: every figure planned from the institute (pure), the staff's
own paragraphs from the 报告正文 sheet, and the grade chart."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annex_tools.contract import notice
from annex_tools.contract import schema as S
from annex_tools.contract.notice import AREAS, OTHER_AREA
from annex_tools.contract.settings import Settings
from annex_tools.contract.text import format_date, normalize
from annex_tools.institute import Institute, Rectification, Submission, annex2_bodies
from annex_tools.rules.grades import minimum_at_most_fair
from annex_tools.schedule import (
    DONE,
    DONE_LATE,
    LATE,
    PENDING,
    STEP_ANNEX2,
    STEP_LABELS,
    STEP_ORDER,
    STEP_REPORT_SENT,
)
from annex_tools.schedule import at as schedule_at

NARRATIVE_SHEET = S.NARRATIVE_SHEET
NARRATIVE_KEYS = S.NARRATIVE_KEYS


def classify_problem(text: str) -> str:
    key = normalize(text)
    best, hits = OTHER_AREA, 0
    for area, words in AREAS:
        n = sum(key.count(w) for w in words)
        if n > hits:
            best, hits = area, n
    return best


@dataclass
class BodyRow:
    name: str
    category: str
    n: int
    good: int
    fair: int
    average: int
    poor: int
    share: str
    minimum: int
    met: bool

    @property
    def verdict(self) -> str:
        return "达到" if self.met else "未达到"


def body_rows(inst: Institute, st: Settings) -> list[BodyRow]:
    groups: dict[str, list[Submission]] = {}
    for s in inst.submissions:
        if s.grade and s.body_id:
            groups.setdefault(s.body_id, []).append(s)
    rows: list[BodyRow] = []
    order = sorted(
        groups, key=lambda b: (b != inst.root, inst.orgs[b].row if b in inst.orgs else 0)
    )
    for body in order:
        secs = groups[body]
        c = Counter(s.grade for s in secs)
        n = len(secs)
        k = n - c["好"]
        minimum = minimum_at_most_fair(n, st.min_share, st.rounding)
        rows.append(
            BodyRow(
                inst.orgs[body].name if body in inst.orgs else body,
                S.CAT_SECOND_LEVEL if body == inst.root else S.CAT_BRANCH,
                n,
                c["好"],
                c["较好"],
                c["一般"],
                c["差"],
                f"{k / n:.1%}",
                minimum,
                k >= minimum,
            )  # fmt: skip
        )
    return rows


def ballot_rows(inst: Institute) -> list[dict[str, str]]:
    """现场测评 per evaluating body, from the 评议 ballots: how many secretaries had ballots, the
    ballots cast and each grade's ballots with its share (好/较好/一般/差), one table row per
    body (a paragraph of 40 figures cannot be read). Empty when no ballots are recorded."""
    groups: dict[str, list[tuple[int, ...]]] = {}
    for s in inst.submissions:
        counts = s.ballots
        if s.body_id and len(counts) == 4 and all(c is not None and c >= 0 for c in counts):
            groups.setdefault(s.body_id, []).append(tuple(int(c or 0) for c in counts))
    rows = []
    order = sorted(
        groups, key=lambda b: (b != inst.root, inst.orgs[b].row if b in inst.orgs else 0)
    )
    for body in order:
        people = groups[body]
        totals = [sum(r[i] for r in people) for i in range(4)]
        cast = sum(totals)
        if not cast:
            continue
        row = {
            "name": inst.orgs[body].name if body in inst.orgs else body,
            "n": str(len(people)),
            "cast": str(cast),
        }
        for key, t in zip(("good", "fair", "average", "poor"), totals, strict=True):
            row[key] = f"{t}（{t / cast:.1%}）"
        rows.append(row)
    return rows


def attendance_text(inst: Institute) -> str:
    """How many were present at each meeting where ballots were cast (实到人数; each person
    present casts at most one ballot per secretary), for the sentence above the ballot table;
    a meeting without 实到人数 is said to lack it (check reports it as an error)."""
    present: dict[str, int | None] = {}
    names: dict[str, str] = {}
    for s in inst.submissions:
        counts = s.ballots
        if s.meeting is None or len(counts) != 4 or any(c is None for c in counts):
            continue
        if not sum(int(c or 0) for c in counts):
            continue
        present[s.meeting.mid] = s.meeting.present
        host = s.meeting.host
        names[s.meeting.mid] = inst.orgs[host].name if host in inst.orgs else host
    parts = [
        f"{names[mid]}{n}人" if n is not None else f"{names[mid]}（实到人数未填写）"
        for mid, n in sorted(present.items(), key=lambda kv: inst.meetings[kv[0]].row)
    ]
    return "各述职会实到" + "、".join(parts) if parts else ""


_PEOPLE = re.compile(r"共\s*(\d+)\s*人")


def read_narrative(path: Path | None) -> dict[str, str]:
    """The staff's own paragraphs from the 报告正文 sheet (部分 | 内容), if present."""
    if path is None or not path.exists():
        return {}
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        names = {normalize(n): n for n in book.sheet_names}
        if normalize(NARRATIVE_SHEET) not in names:
            return {}
        rows = book.get_sheet_by_name(names[normalize(NARRATIVE_SHEET)]).to_python()
    except Exception:
        return {}
    return narrative_from_rows(rows)


def narrative_from_rows(rows: Sequence[Sequence[object]]) -> dict[str, str]:
    """部分 -> 内容 from the 报告正文 sheet's rows (the header row first), read from the file or
    from the book open in Excel."""
    return {
        normalize(r[0]): str(r[1]).strip()
        for r in rows[1:]
        if len(r) > 1 and r[1] is not None and str(r[1]).strip()
    }


def _who(secs: list[Submission]) -> str:
    """Names as a reader recognises them: 组织 + 姓名, joined with 、."""
    return "、".join(f"{s.org_name}{s.name}" for s in secs)


def _has_list(sec: Submission) -> bool:
    """A rectification list: at least one problem with a measure and a deadline."""
    return any(p.measure and p.deadline for p in sec.rectifications)


def _ledger_row(item: str, due: dt.date | None, actual: str, verdict: str) -> dict[str, str]:
    return {"item": item, "due": format_date(due) or "未设定", "actual": actual, "verdict": verdict}


def _kept(
    actual: dt.date | None, deadline: dt.date, asof: dt.date, missing: str, pending: str
) -> str:
    """A deadline's verdict: 按时 or 逾期 by the date recorded; without one (or with a date after
    `asof`, which has not happened yet), `missing` once the deadline has passed, else `pending`."""
    if actual is None or actual > asof:
        return missing if asof > deadline else pending
    return "按时" if actual <= deadline else "逾期"


def deadline_ledger(inst: Institute, st: Settings, asof: dt.date) -> list[dict[str, str]]:
    """The notice's time points (四、2), each with the deadline in force (设置), the actual date
    the master records and whether it was kept; derived from the master only."""
    rows: list[dict[str, str]] = []
    committee = [
        m for m in inst.meetings.values()
        if m.host in inst.orgs and inst.orgs[m.host].otype == S.ORG_PARTY_COMMITTEE and m.date
    ]  # fmt: skip
    first = min((m.date for m in committee if m.date), default=None)
    sched = schedule_at(inst.steps, asof) if inst.steps is not None else None
    # 1. each 二级 report reaches the 组织部 before its secretary's own meeting, and each 党支部
    # report by 党支部书记报告报送截止日期 when it is set (the rules' view: deadline.report-sent
    # and deadline.branch-report-sent), one row per category
    sent_all = sched.of(STEP_REPORT_SENT) if sched is not None else None
    by_sid = inst.by_sid()
    for category, item in (
        (S.CAT_SECOND_LEVEL, "二级党组织书记述职报告报送党委组织部"),
        (S.CAT_BRANCH, "党支部书记述职报告报送党委组织部"),
    ):
        if sent_all is None or not len(sent_all):
            break
        sent_steps = sent_all[sent_all["sid"].map(lambda x: by_sid[x].category) == category]
        if not len(sent_steps) or not sent_steps["due"].notna().any():
            continue
        secs = {v: [by_sid[s] for s in sent_steps.loc[sent_steps["verdict"] == v, "sid"]]
                for v in (DONE, DONE_LATE, LATE, PENDING)}  # fmt: skip
        sent = secs[DONE] + secs[DONE_LATE]
        late, unsent = secs[DONE_LATE], secs[LATE]
        verdict = "按时" if not late and not unsent else "；".join(
            x for x in (
                f"逾期{len(late)}份（{_who(late)}）" if late else "",
                f"未记录{len(unsent)}份（{_who(unsent)}）" if unsent else "",
            ) if x
        )  # fmt: skip
        if secs[PENDING] and not late and not unsent:
            verdict = f"尚有{len(secs[PENDING])}份未到期"
        dues = sent_steps["due"].dropna()
        due = dues.min().date() if dues.min() == dues.max() else None
        last = max((s.sent for s in sent if s.sent), default=None)
        actual = f"{len(sent)}份已报送，最晚{format_date(last)}" if last else "未记录"
        due_text = format_date(due) if due else "各自述职会前" + f"{st.send_days}天"
        rows.append({"item": item, "due": due_text, "actual": actual, "verdict": verdict})
    # 2. the 党委's meeting by the year-end setting
    planned = st.committee_deadline
    if first is None:
        actual, verdict = "未记录", "未召开" if planned and asof > planned else "尚未召开"
    else:
        actual = format_date(first)
        verdict = "已召开" if planned is None else "按时" if first <= planned else "晚于拟定时间"
    rows.append(
        _ledger_row("党委召开二级党组织书记述职评议会", st.committee_deadline, actual, verdict)
    )
    # 3. each 二级党组织's Annex 2 by 1月22日
    bodies = annex2_bodies(inst, st.exempt)
    said = {DONE: "按时", DONE_LATE: "逾期", LATE: "未收到", PENDING: "尚未收到"}
    annex2 = sched.of(STEP_ANNEX2) if sched is not None else None
    for o in sorted(bodies, key=lambda o: o.row):
        got = o.annex2_received
        verdict = _kept(got, st.branch_deadline, asof, "未收到", "尚未收到")
        if annex2 is not None:  # the schedule's verdict (a date after `asof` is not yet done)
            mine = annex2.loc[annex2["actor"] == o.oid, "verdict"]
            verdict = said[mine.iloc[0]] if len(mine) else verdict
        rows.append(
            _ledger_row(
                f"{o.name}报送附件2", st.branch_deadline, format_date(got) or "未记录", verdict
            )
        )
    # 4. the 党委's deliberation by 1月底
    review = st.review_date if st.review_date is not None and st.review_date <= asof else None
    verdict = _kept(review, st.report_deadline, asof, "未记录", "尚未审议")
    rows.append(
        _ledger_row(
            "党委审议并向上级报送", st.report_deadline, format_date(review) or "未记录", verdict
        )
    )
    return rows


def summary_gaps(st: Settings, narrative: dict[str, str]) -> list[str]:
    """What a final upward report (上行文, GB/T 9704-2012) would have to invent: its date (设置
    报告日期: otherwise the day it was generated, with every "截至" figure counted to it), the
    text staff write (报告正文), and the 版头 and 版记 elements an upward report carries
    (发文机关标志, 发文字号, 签发人; 印发机关 and 印发日期)."""
    gaps = []
    if st.report_date is None:
        gaps.append("设置“报告日期”未填写（落款日期和“截至”日期不能取生成当天）")
    for key in NARRATIVE_KEYS:
        if not narrative.get(key):
            gaps.append(f"“{NARRATIVE_SHEET}”表的“{key}”未填写")
    for label, value in (
        ("发文机关标志", st.issuer_mark),
        ("发文字号", st.doc_number),
        ("签发人", st.signer),
        ("印发机关", st.printer),
        ("印发日期", st.print_date),
    ):
        if not value:
            gaps.append(f"设置“{label}”未填写（上行文的版头和版记须有此项）")
    return gaps


YEAR_NAMES_SHOWN = 5  # the people named per step in the summary's list of what is missing


def year_gaps(pending: Sequence[dict[str, object]]) -> list[str]:
    """What the year still lacks on the day the summary is made (`pending`: the steps not done
    whose day has not come, as `check --json` lists them; a late one is an error and refuses):
    one line per step, with its due day and the first few who have not done it. A summary made
    before the year is done is a 草稿 that lists these on its first page."""
    by_step: dict[str, list[dict[str, object]]] = {}
    for item in pending:
        by_step.setdefault(str(item["step"]), []).append(item)
    lines = []
    for step in STEP_ORDER:
        items = by_step.get(step)
        if not items:
            continue
        dues = sorted(str(i["due"]) for i in items if i.get("due"))
        due = f"，最早{format_date(dt.date.fromisoformat(dues[0]))}到期" if dues else "，到期日未定"
        names = list(dict.fromkeys(str(i["who"]) for i in items))
        shown = "、".join(names[:YEAR_NAMES_SHOWN]) + (
            "等" if len(names) > YEAR_NAMES_SHOWN else ""
        )
        lines.append(f"尚未完成：{STEP_LABELS[step]}，{len(items)}项{due}（{shown}）")
    return lines


def plan_summary(
    inst: Institute, st: Settings, narrative: dict[str, str], as_of: dt.date
) -> dict[str, Any]:
    """Every sentence from the master: figures are counted as of the report date (设置 报告日期,
    else `as_of`); where the master shows an exception, the sentence names it instead of
    saying 均. Nothing is said about actions the master does not record."""
    asof = st.report_date or as_of
    secs = inst.submissions
    second = [s for s in secs if s.category == S.CAT_SECOND_LEVEL]
    branch = [s for s in secs if s.category == S.CAT_BRANCH]

    def modes(group: list[Submission]) -> str:
        c = Counter(s.mode for s in group)
        return "、".join(f"{m}{c[m]}人" for m in S.MODES if c[m]) or "述职方式未填写"

    held = [m for m in inst.meetings.values() if m.date and m.date <= asof]
    people = [int(x) for m in held for x in _PEOPLE.findall(m.attendees)]
    graded = [s for s in secs if s.grade]
    excellent = [s for s in graded if s.appraisal == S.APPRAISAL_EXCELLENT]
    breaking = [s for s in excellent if s.grade != S.GRADE_GOOD]
    weak = [s for s in graded if s.grade in S.GRADES_INTERVIEW]
    interviewed = [s for s in weak if s.interview and s.interview <= asof]
    planned = [s for s in weak if s.interview and s.interview > asof]
    not_interviewed = [s for s in weak if not s.interview]
    listed = [s for s in weak if _has_list(s)]
    unlisted = [s for s in weak if not _has_list(s)]
    problems = [p for s in secs for p in s.rectifications]
    with_measure = [p for p in problems if p.measure and p.deadline]
    done = [p for p in problems if p.status == S.STATUS_DONE and p.done and p.done <= asof]
    bodies = body_rows(inst, st)
    short = [b for b in bodies if not b.met]
    level = {cat: Counter(s.grade for s in graded if s.category == cat) for cat in S.CATEGORIES}
    ungraded = [s for s in secs if not s.grade]
    vacant = [
        o
        for o in inst.orgs.values()
        if o.vacancy and o.otype in (*S.SECOND_LEVEL_TYPES, S.ORG_STAFF_BRANCH)
    ]
    vacant_text = (
        f"另有{len(vacant)}个党组织书记空缺（"
        + "、".join(f"{o.name}，{o.vacancy}" for o in vacant)
        + "），本年度不参加述职评议考核。"
        if vacant
        else ""
    )

    grades_text = _grades_text(inst, st, level, ungraded, bodies, short)
    linkage_text = _linkage_text(excellent, breaking)
    interview_text = _interview_text(weak, interviewed, planned, not_interviewed, listed, unlisted)
    problems_text = _problems_text(problems, with_measure, done, asof)

    placeholder = "【请在主表“报告正文”工作表中填写“{}”部分，重新生成本报告。】"
    sources = Counter(p.source or "未注明" for p in problems)
    areas = Counter(classify_problem(p.problem) for p in problems)
    signer = f"签发人：{st.signer}" if st.signer else ""
    return {
        "year": st.year,
        "institute": st.institute,
        "date": format_date(asof),
        "issuer_mark": st.issuer_mark,
        "doc_number": st.doc_number,
        "signer": st.signer,
        "signer_line": signer,
        "signer_label": "签发人：" if st.signer else "",
        "addressee": st.addressee or "市委教育工委",
        "copy_to": st.copy_to,
        "printer": st.printer,
        "print_date": format_date(st.print_date),
        "colophon": bool(st.copy_to or st.printer or st.print_date),
        "intro": notice.summary_intro(st),
        "basics": (
            f"本年度共有{len(secs)}名党组织书记参加述职评议考核。其中，二级党组织书记{len(second)}人（{modes(second)}），"
            f"由学院党委组织述职评议；在职党支部书记{len(branch)}人（{modes(branch)}），由所属二级党组织具体组织。"
            + vacant_text
        ),
        "ledger": deadline_ledger(inst, st, asof),
        "meetings_text": (
            f"截至{format_date(asof)}，共召开述职评议会议{len(held)}场"
            + (f"，参会人员共{sum(people)}人次" if people else "")
            + ("，情况如下表。" if held else "。")
        ),
        "meetings": [
            {
                "host": inst.orgs[m.host].name if m.host in inst.orgs else m.host,
                "date": format_date(m.date),
                "place": m.place,
                "attendees": m.attendees,
            }
            for m in sorted(held, key=lambda m: (m.date or asof, m.mid))
        ],
        "grades_text": grades_text,
        "bodies": [b.__dict__ | {"verdict": b.verdict} for b in bodies],
        "bodies_short": [b.name for b in short],
        "ballots": ballot_rows(inst),
        "ballots_text": "现场测评情况（各评议主体收回的测评票，括号内为占收回票数的比例；每位到会人员对每名书记投一票，"
        + attendance_text(inst)
        + "）见下表。",
        "linkage_text": linkage_text,
        "interview_text": interview_text,
        "problems_text": problems_text,
        "sources": [
            {"name": k, "count": v} for k, v in sorted(sources.items(), key=lambda kv: -kv[1])
        ],
        "areas_text": "按工作方案第二部分的六个方面（按问题表述中的关键词归类）统计如下。",
        "areas": [{"name": a, "count": areas[a]} for a, _ in AREAS]
        + ([{"name": OTHER_AREA, "count": areas[OTHER_AREA]}] if areas[OTHER_AREA] else []),
        "practices": narrative.get("主要做法和成效") or placeholder.format("主要做法和成效"),
        "issues": narrative.get("存在的问题") or placeholder.format("存在的问题"),
        "next_steps": narrative.get("下一步工作") or placeholder.format("下一步工作"),
        "counts": {
            "secretaries": len(secs),
            "vacant": len(vacant),
            "second": len(second),
            "branch": len(branch),
            "meetings": len(held),
            "attendees": sum(people),
            "excellent": len(excellent),
            "excellent_breaking": len(breaking),
            "weak": len(weak),
            "interviewed": len(interviewed),
            "with_list": len(listed),
            "problems": len(problems),
            "with_measure": len(with_measure),
            "done": len(done),
        },  # fmt: skip
    }


def _grades_text(
    inst: Institute,
    st: Settings,
    level: dict[str, Counter[str]],
    ungraded: list[Submission],
    bodies: list[BodyRow],
    short: list[BodyRow],
) -> str:
    """评议结果: the grades per category, the 较好-or-below share of each evaluating body, the
    ballots."""

    def dist(cat: str) -> str:
        c = level[cat]
        return "、".join(f"“{g}”{c[g]}人" for g in S.GRADES)

    grades_text = f"二级党组织书记评价等次：{dist(S.CAT_SECOND_LEVEL)}；在职党支部书记评价等次：{dist(S.CAT_BRANCH)}。"
    if ungraded:
        grades_text += f"尚未评定等次的{len(ungraded)}人：{_who(ungraded)}。"
    if not bodies:
        pass
    elif not short:
        grades_text += (
            f"各评议主体评价为“较好”或以下等次的比例均达到不低于{st.min_share:.0%}的要求。"
        )
    else:
        met = len(bodies) - len(short)
        grades_text += (
            f"{len(bodies)}个评议主体中，{met}个评价为“较好”或以下等次的比例达到不低于{st.min_share:.0%}的要求；"
            + "；".join(
                f"{b.name}评定{b.n}人，“较好”或以下{b.n - b.good}人，少于应有的{b.minimum}人"
                for b in short
            )
            + "，未达到要求。"
        )
    if bodies:
        grades_text += "党委评议二级党组织书记，各二级党组织评议所属在职党支部书记，各评议主体的评定情况见下表。"
    return grades_text


def _linkage_text(excellent: list[Submission], breaking: list[Submission]) -> str:
    """优秀 in the annual appraisal only with 好 (the notice's linkage)."""
    if not excellent:
        linkage_text = "本年度没有年度考核评定为“优秀”等次的书记。"
    elif not breaking:
        linkage_text = (
            f"年度考核评定为“优秀”等次的{len(excellent)}人，综合评价等次均为“好”，"
            f"符合{notice.LINKAGE_QUOTE}的规定。"
        )
    else:
        linkage_text = (
            f"年度考核评定为“优秀”等次的{len(excellent)}人，其中{_who(breaking)}综合评价等次为"
            + "、".join(f"“{s.grade}”" for s in breaking)
            + f"，与{notice.LINKAGE_QUOTE}的规定不符。"
        )
    return linkage_text


def _interview_text(
    weak: list[Submission],
    interviewed: list[Submission],
    planned: list[Submission],
    not_interviewed: list[Submission],
    listed: list[Submission],
    unlisted: list[Submission],
) -> str:
    """约谈提醒 and 整改清单 for those graded 一般 or 差, as the master records them."""
    if not weak:
        interview_text = "本年度没有综合评价等次为“一般”和“差”的书记。"
    else:
        c = Counter(s.grade for s in weak)
        parts = [
            "综合评价等次为"
            + "、".join(f"“{g}”的{c[g]}人" for g in S.GRADES_INTERVIEW if c[g])
            + (f"，共{len(weak)}人" if len(c) > 1 else "")
        ]
        if len(interviewed) == len(weak):
            parts.append("均已约谈提醒" if len(weak) > 1 else "已约谈提醒")
        else:
            said = [f"已约谈提醒{len(interviewed)}人"] if interviewed else []
            if planned:
                said.append(
                    "、".join(
                        f"{s.org_name}{s.name}定于{format_date(s.interview)}" for s in planned
                    )
                    + "约谈提醒"
                )
            if not_interviewed:
                said.append(f"{_who(not_interviewed)}尚未安排约谈提醒")
            parts.append("，".join(said))
        if len(listed) == len(weak):
            parts.append(("均已" if len(weak) > 1 else "已") + "列出整改清单，明确整改措施和时限")
        else:
            said = [f"{len(listed)}人已列出整改清单"] if listed else []
            said.append(f"{_who(unlisted)}尚未列出有整改措施和时限的整改清单")
            parts.append("，".join(said))
        interview_text = "；".join(parts) + "。"
    return interview_text


def _problems_text(
    problems: list[Rectification],
    with_measure: list[Rectification],
    done: list[Rectification],
    asof: dt.date,
) -> str:
    """The problems found, those with measures and deadlines, and those done as of the day."""
    open_count = len(problems) - len(done)
    problems_text = (
        f"各级党组织书记共查摆、点评、反馈问题{len(problems)}个，其中制定有明确整改措施和时限的{len(with_measure)}个"
        + (
            f"（{len(problems) - len(with_measure)}个尚缺整改措施或时限）"
            if len(with_measure) < len(problems)
            else ""
        )
        + f"。截至{format_date(asof)}，已完成整改{len(done)}个"
        + (f"，其余{open_count}个正在整改" if open_count else "")
        + "。按问题来源统计如下。"
    )
    return problems_text


def grade_chart(inst: Institute) -> bytes:
    """A bar chart of the grade distribution per level, as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    preferred = [
        f
        for f in (
            "Microsoft YaHei",
            "SimHei",
            "Noto Sans CJK SC",
            "Noto Sans CJK JP",
            "WenQuanYi Zen Hei",
        )
        if f in available
    ]
    plt.rcParams["font.sans-serif"] = [*preferred, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    fig, ax = plt.subplots(figsize=(6.4, 3.2), dpi=150)
    width = 0.38
    for i, (cat, color) in enumerate(((S.CAT_SECOND_LEVEL, "#C00000"), (S.CAT_BRANCH, "#F4B183"))):
        c = Counter(s.grade for s in inst.submissions if s.grade and s.category == cat)
        xs = [x + (i - 0.5) * width for x in range(len(S.GRADES))]
        bars = ax.bar(xs, [c[g] for g in S.GRADES], width, label=cat, color=color)
        ax.bar_label(bars, fontsize=8)
    ax.set_xticks(range(len(S.GRADES)), S.GRADES)
    ax.set_ylabel("人数")
    ax.set_title("综合评价等次分布")
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})
    plt.close(fig)
    return out.getvalue()
