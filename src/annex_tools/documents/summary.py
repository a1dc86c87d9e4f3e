"""The summary report to the 党委: every figure planned from the institute (pure), the staff's
own paragraphs from the 报告正文 sheet, and the grade chart."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annex_tools.contract import schema as S
from annex_tools.contract.text import format_date, normalize
from annex_tools.institute import Institute, Secretary
from annex_tools.rules.grades import minimum_at_most_fair
from annex_tools.workbook.reader import Settings

NARRATIVE_SHEET = "报告正文"
NARRATIVE_KEYS = ("主要做法和成效", "存在的问题", "下一步工作")

# The notice's six areas of content (二(一) 1-6), with the words that place a problem in one.
# A problem goes to the area with most keyword hits (ties: the earlier area); none: 其他.
AREAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "1. 理论武装和政治建设",
        ("学习", "理论", "思想", "政治", "二十大", "主题教育", "两个确立", "两个维护", "武装"),
    ),
    (
        "2. 党建引领高质量发展",
        ("融合", "业务", "中心工作", "两张皮", "引领", "高质量", "政治功能", "组织功能", "发展"),
    ),
    (
        "3. 全面从严治党和意识形态责任",
        ("主体责任", "一岗双责", "监督", "廉政", "腐", "意识形态", "责任", "从严治党", "阵地"),
    ),
    (
        "4. 党员队伍和组织生活",
        (
            "党员",
            "组织生活",
            "三会一课",
            "主题党日",
            "换届",
            "支部书记",
            "积极分子",
            "教育管理",
            "支部",
        ),
    ),
    ("5. 立德树人和思想政治工作", ("思政", "立德树人", "育人", "学生", "心理", "课程", "青年教师")),
    ("6. 问题整改落实", ("整改", "巡视", "巡察", "上年度", "检查", "反馈", "长效机制")),
)
OTHER_AREA = "其他"


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
    groups: dict[str, list[Secretary]] = {}
    for s in inst.secretaries:
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
    return {
        normalize(r[0]): str(r[1]).strip() for r in rows[1:] if len(r) > 1 and str(r[1]).strip()
    }


def plan_summary(
    inst: Institute, st: Settings, narrative: dict[str, str], today: dt.date
) -> dict[str, Any]:
    secs = inst.secretaries
    second = [s for s in secs if s.category == S.CAT_SECOND_LEVEL]
    branch = [s for s in secs if s.category == S.CAT_BRANCH]

    def modes(group: list[Secretary]) -> str:
        c = Counter(s.mode for s in group)
        return f"现场述职{c['现场述职']}人、书面述职{c['书面述职']}人"

    held = [m for m in inst.meetings.values() if m.date and m.date <= today]
    people = [int(x) for m in held for x in _PEOPLE.findall(m.attendees)]
    graded = [s for s in secs if s.grade]
    excellent = [s for s in graded if s.appraisal == S.APPRAISAL_EXCELLENT]
    breaking = [s for s in excellent if s.grade != S.GRADE_GOOD]
    weak = [s for s in graded if s.grade in S.GRADES_INTERVIEW]
    interviewed = [s for s in weak if s.interview]
    problems = [p for s in secs for p in s.problems]
    with_measure = [p for p in problems if p.measure and p.deadline]
    done = [p for p in problems if p.status == S.STATUS_DONE]
    bodies = body_rows(inst, st)
    short = [b for b in bodies if not b.met]
    level = {cat: Counter(s.grade for s in graded if s.category == cat) for cat in S.CATEGORIES}

    def dist(cat: str) -> str:
        c = level[cat]
        return "、".join(f"“{g}”{c[g]}人" for g in S.GRADES)

    placeholder = "【请在主表“报告正文”工作表中填写“{}”部分，重新生成本报告。】"
    sources = Counter(p.source or "未注明" for p in problems)
    areas = Counter(classify_problem(p.problem) for p in problems)
    return {
        "year": st.year,
        "institute": st.institute,
        "date": format_date(today),
        "intro": (
            f"根据市委组织部、市委教育工委关于做好{st.year}年度党组织书记抓基层党建述职评议考核工作的有关通知要求，"
            f"{st.institute}组织开展了{st.year}年度基层党组织书记抓党建述职评议考核工作。现将有关情况报告如下。"
        ),
        "basics": (
            f"本年度共有{len(secs)}名党组织书记参加述职评议考核。其中，二级党组织书记{len(second)}人（{modes(second)}），"
            f"由学院党委组织述职评议；在职党支部书记{len(branch)}人（{modes(branch)}），由所属二级党组织具体组织。"
        ),
        "meetings_text": (
            f"共召开述职评议会议{len(held)}场"
            + (f"，参会人员共{sum(people)}人次" if people else "")
            + "，情况如下表。"
        ),
        "meetings": [
            {
                "mid": m.mid,
                "host": inst.orgs[m.host].name if m.host in inst.orgs else m.host,
                "date": format_date(m.date),
                "place": m.place,
                "attendees": m.attendees,
            }
            for m in sorted(held, key=lambda m: (m.date, m.mid))
        ],
        "grades_text": (
            f"二级党组织书记评价等次：{dist(S.CAT_SECOND_LEVEL)}；在职党支部书记评价等次：{dist(S.CAT_BRANCH)}。"
            + (
                f"各评议主体评价为“较好”或以下等次的比例均达到不低于{st.min_share:.0%}的要求。"
                if not short
                else f"{'、'.join(b.name for b in short)}评价为“较好”或以下等次的人数低于最低比例{st.min_share:.0%}的要求，已要求其重新研究。"
            )
        ),
        "bodies": [b.__dict__ | {"verdict": b.verdict} for b in bodies],
        "bodies_short": [b.name for b in short],
        "linkage_text": (
            f"年度考核评定为“优秀”等次的{len(excellent)}人，"
            + (
                "综合评价等次均为“好”，符合“未达到‘好’的不得评定为‘优秀’”的规定。"
                if not breaking
                else f"其中{len(breaking)}人综合评价等次未达到“好”，不符合规定，已要求更正。"
            )
        ),
        "interview_text": (
            f"综合评价等次为“一般”和“差”的{len(weak)}人，已约谈提醒{len(interviewed)}人，均已列出整改清单、限期整改。"
            if weak
            else "本年度没有综合评价等次为“一般”和“差”的书记。"
        ),
        "problems_text": (
            f"各级党组织书记共查摆、点评、反馈问题{len(problems)}个，制定有明确整改措施和时限的{len(with_measure)}个，"
            f"已完成整改{len(done)}个。按问题来源统计如下。"
        ),
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
            "second": len(second),
            "branch": len(branch),
            "meetings": len(held),
            "attendees": sum(people),
            "excellent": len(excellent),
            "excellent_breaking": len(breaking),
            "weak": len(weak),
            "interviewed": len(interviewed),
            "problems": len(problems),
            "with_measure": len(with_measure),
            "done": len(done),
        },  # fmt: skip
    }


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
        c = Counter(s.grade for s in inst.secretaries if s.grade and s.category == cat)
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
