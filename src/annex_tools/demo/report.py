"""The report writer: a 述职报告 in the Annex 1 structure, its sentences drawn from pools, written
as a secretary would in Word (the demo's reports and the benchmarks' sample)."""

from __future__ import annotations

import random
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from annex_tools.contract.text import word_count

DUTIES = (
    "我始终把学习贯彻习近平新时代中国特色社会主义思想作为首要政治任务，全年组织理论学习中心组学习{n}次，带头讲专题党课{m}次。",
    "我坚持以高质量党建引领高质量发展，把党建工作与教育教学改革同谋划、同部署，推动{n}项重点任务按期完成。",
    "扎实开展主题教育，我牵头开展调查研究{n}项，形成调研报告{m}篇，推动解决师生急难愁盼问题{k}个。",
    "严格落实“三会一课”制度，全年召开支部委员会{n}次、党员大会{m}次，组织主题党日活动{k}次。",
    "我履行第一责任人职责，与班子成员谈心谈话{n}人次，落实“一岗双责”，层层签订责任书{m}份。",
    "落实意识形态工作责任制，我每季度专题研判意识形态形势，全年审核讲座、论坛等阵地{n}场次。",
    "坚持把政治标准放在首位，发展党员{n}名，确定入党积极分子{m}名，党员教育培训覆盖率达到{p}%。",
    "推进“大思政课”综合改革，我带头给学员讲思政课{n}次，推动{m}门课程融入课程思政元素。",
    "加强对党员干部的日常监督，开展廉政谈话{n}人次，组织警示教育{m}场，一体推进不敢腐、不能腐、不想腐。",
    "抓好上年度查摆问题整改，{n}项问题已全部完成整改，建立长效机制{m}项。",
    "关心学生心理健康，我组织开展谈心谈话{n}人次，协调解决实际困难{m}件。",
    "严格执行基层党组织按期换届制度，指导{n}个党支部完成换届，支部书记“双带头人”比例达到{p}%。",
)


PROBLEMS = (
    "我对党建与业务深度融合思考不够，有的工作还停留在“两张皮”，以党建促业务的办法不多。",
    "理论学习的系统性不强，我个人自学时间不够充足，学用结合、以学促干还有差距。",
    "对所属党支部的指导督促不够经常，有的支部组织生活质量不高，主题党日形式比较单一。",
    "党员教育管理的针对性不强，对青年教师党员的思想动态掌握不够及时，谈心谈话覆盖还不全面。",
    "意识形态阵地管理还有薄弱环节，对新媒体平台的审核把关需要进一步细化。",
    "发展党员工作计划性不强，{n}名入党积极分子培养考察进度不均衡。",
    "上年度查摆的{n}项问题中，有{m}项整改成效还不够明显，长效机制仍需完善。",
    "我调查研究不够深入，到一线听取师生意见次数偏少，解决实际问题的力度还需加大。",
    "落实全面从严治党主体责任有时层层递减，对班子成员履行“一岗双责”的督促不够有力。",
    "支部书记队伍建设存在短板，有的支部书记抓党建的能力和精力不足，培训还不够系统。",
)


PLANS = (
    "我将持续深化理论武装，全年组织专题学习不少于{n}次，推动学习成果转化为推动发展的实际成效。",
    "聚焦党建与业务融合，打造{n}个党建品牌项目，以高质量党建引领高质量发展。",
    "加强对党支部的分类指导，每季度至少参加{n}次支部组织生活，提升组织生活质量。",
    "针对查摆的问题建立整改台账，逐项明确责任人和时限，力争在{n}月底前全部整改到位。",
    "严格落实意识形态工作责任制，完善阵地审核制度，每半年专题研判一次。",
    "加强党员队伍建设，做好青年教师党员的思想引领工作，谈心谈话实现全覆盖。",
    "压实“一岗双责”，我将每学期听取班子成员履行党建责任情况汇报，抓好日常监督。",
    "加强支部书记培训，全年组织专题培训{n}期，提升支部书记抓党建的能力。",
)


MANDATORY_SENTENCE = "我坚持以高质量党建引领高质量发展，推动党建工作与中心工作深度融合。"


SUBHEADS = {
    "duties": (
        "（一）坚持政治引领，加强理论武装",
        "（二）履行主体责任，夯实基层基础",
        "（三）强化监督管理，推动从严治党",
    ),
    "problems": ("（一）党建与业务融合方面", "（二）组织建设方面", "（三）责任落实方面"),
    "plans": ("（一）在融合发展上下功夫", "（二）在组织建设上下功夫", "（三）在责任落实上下功夫"),
}


def _fill(rng: random.Random, pool: tuple[str, ...], target: int) -> list[str]:
    """Sentences from the pool, in order of a shuffle, until the target 字数 is reached."""
    order = list(pool)
    rng.shuffle(order)
    out: list[str] = []
    total = 0
    i = 0
    while total < target:
        n = rng.randint(3, 24)  # {m} is never more than {n}: "n项问题中，有m项"
        s = order[i % len(order)].format(
            n=n, m=rng.randint(1, min(12, n - 1)), k=rng.randint(3, 30), p=rng.randint(85, 100)
        )
        out.append(s)
        total += word_count(s)
        i += 1
    return out


def report_sentences(
    targets: dict[str, int], rng: random.Random, mandatory: bool = True
) -> dict[str, list[str]]:
    """The sentences of each part of a report (duties, problems, plans), drawn from `rng`."""
    pools = {"duties": DUTIES, "problems": PROBLEMS, "plans": PLANS}
    out: dict[str, list[str]] = {}
    for part in ("duties", "problems", "plans"):
        pool = pools[part]
        if not mandatory:
            pool = tuple(s for s in pool if "高质量" not in s)
        lead = [MANDATORY_SENTENCE] if mandatory and part == "duties" else []
        out[part] = lead + _fill(rng, pool, targets[part] - 3 * 14 - sum(map(word_count, lead)))
    return out


def write_report(
    path: Path,
    year: int,
    org: str,
    name: str,
    targets: dict[str, int],
    rng: random.Random,
    mandatory: bool = True,
) -> None:
    """A report in the Annex 1 structure, written as a secretary would in Word."""
    parts = report_sentences(targets, rng, mandatory)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "仿宋"
    style.font.size = Pt(16)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    title = doc.add_paragraph(f"{year}年度基层党建工作述职报告")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"{org} {name}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"（{year + 1}年1月）").alignment = WD_ALIGN_PARAGRAPH.CENTER
    headings = {
        "duties": "一、履职主要情况",
        "problems": "二、存在的问题",
        "plans": "三、下一步工作思路",
    }
    for part, sentences in parts.items():
        doc.add_heading(headings[part], level=1)
        chunks = [sentences[i::3] for i in range(3)]
        for sub, chunk in zip(SUBHEADS[part], chunks, strict=True):
            if not chunk:
                continue
            doc.add_paragraph(sub)
            doc.add_paragraph("".join(chunk))
    doc.save(str(path))
