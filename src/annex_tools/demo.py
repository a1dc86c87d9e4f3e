"""`annex-tools demo`: a fictional institute, its reports as real .docx files, and a handful of
realistic mistakes planted on purpose, each recorded with the finding `check` should give.

Every name here is made up by combining common characters; no real person's data.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from annex_tools.analysis import analyze_file
from annex_tools.contract import schema as S
from annex_tools.contract import settings as ST
from annex_tools.contract.master import REPORTS_INBOX
from annex_tools.contract.text import safe_filename, word_count

D = dt.date
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国志强文静海燕晓明丽华振宇春梅国华雪松思远明辉佳怡子涵宏伟秀英立新红霞永强桂兰婷婷卫东玉兰德胜雅琴俊杰慧敏"

SECOND_LEVEL = (
    ("G01", "教育管理学院党总支", S.ORG_GENERAL_BRANCH),
    ("G02", "课程教学研究院党总支", S.ORG_GENERAL_BRANCH),
    ("G03", "教师发展中心党总支", S.ORG_GENERAL_BRANCH),
    ("G04", "基础教育研究所党总支", S.ORG_GENERAL_BRANCH),
    ("G05", "职业教育学院党总支", S.ORG_GENERAL_BRANCH),
    ("G06", "信息技术中心党总支", S.ORG_GENERAL_BRANCH),
    ("G07", "机关党总支", S.ORG_GENERAL_BRANCH),
    ("G08", "图书档案中心党总支", S.ORG_GENERAL_BRANCH),
    ("G09", "安保后勤直属党支部", S.ORG_DIRECT_BRANCH),
    ("G10", "学术资源部直属党支部", S.ORG_DIRECT_BRANCH),
)
BRANCH_NAMES = ("第一", "第二", "第三", "第四", "第五")

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
# A problem and the measure that answers it (the 整改 sheet pairs them; never a mismatch).
RECTIFICATIONS = (
    (
        "党建与业务深度融合思考不够，以党建促业务的办法不多。",
        "每学期召开一次党建与业务融合专题会，打造{n}个党建业务融合项目。",
    ),
    (
        "理论学习的系统性不强，个人自学时间不够充足，学用结合还有差距。",
        "制定个人学习计划，全年参加中心组学习不少于{n}次，撰写学习体会{m}篇。",
    ),
    (
        "对所属党支部指导督促不够经常，有的支部主题党日形式比较单一。",
        "建立联系支部制度，每季度至少参加{n}次支部组织生活，指导各支部策划主题党日。",
    ),
    (
        "对青年教师党员的思想动态掌握不够及时，谈心谈话覆盖不全面。",
        "建立青年教师党员谈心谈话台账，一学期内实现谈心谈话全覆盖。",
    ),
    (
        "对新媒体平台的审核把关不够细，意识形态阵地管理有薄弱环节。",
        "修订新媒体平台信息发布审核办法，实行“三审三校”，每半年专题研判一次。",
    ),
    (
        "发展党员工作计划性不强，{n}名入党积极分子培养考察进度不均衡。",
        "制定年度发展党员计划，为每名入党积极分子明确培养联系人，按季度检查培养进度。",
    ),
    (
        "上年度查摆的{n}项问题中，有{m}项整改成效还不够明显。",
        "对{m}项整改成效不明显的问题逐项制定深化措施，建立长效机制，由党委巡察办公室跟踪核验。",
    ),
    (
        "到一线听取师生意见次数偏少，解决实际问题的力度不够。",
        "每月至少到一线调研{n}次，建立师生意见台账，办理情况按月公示。",
    ),
    (
        "对班子成员履行“一岗双责”的督促不够有力。",
        "每学期听取班子成员履行党建责任情况汇报，年底开展一次专项检查。",
    ),
    (
        "支部书记培训不够系统，有的支部书记抓党建的能力不足。",
        "全年组织支部书记专题培训{n}期，开展一次支部书记抓党建交流。",
    ),
)
ACHIEVEMENTS = (
    "带头讲专题党课{n}次，理论学习中心组学习组织规范",
    "推动党建与业务融合，{n}项重点任务按期完成",
    "指导所属支部规范落实“三会一课”，组织生活质量有提升",
    "牵头开展调查研究{n}项，推动解决师生急难愁盼问题{m}个",
    "落实意识形态工作责任制，阵地管理制度健全",
    "发展党员工作程序规范，全年发展党员{n}名",
    "抓好上年度问题整改，整改事项全部按期销号",
    "关心青年教师成长，谈心谈话覆盖全体党员",
    "落实“一岗双责”，与班子成员签订责任书{n}份",
    "推进课程思政建设，{n}门课程融入思政元素",
)
SHORTCOMINGS = (
    "对党建与业务融合的研究还不够深入",
    "对所属支部的分类指导还不够精准",
    "理论学习的系统性还需加强",
    "调查研究的深度还不够",
    "对青年党员的教育引导办法不多",
    "发展党员工作的计划性有待增强",
    "意识形态阵地管理的精细化程度不高",
)
WEAK_SHORTCOMINGS = (
    "履行第一责任人职责不够到位，对支部工作过问不多",
    "“三会一课”落实不够规范，组织生活记录不完整",
    "上年度查摆问题整改推进缓慢",
)
# Share of each ballot kind for each grade: (好, 较好, 一般) ranges; 差 takes the rest.
BALLOT_SHARES = {
    "好": ((0.72, 0.88), (0.08, 0.18), (0.0, 0.04)),
    "较好": ((0.34, 0.48), (0.36, 0.46), (0.06, 0.14)),
    "一般": ((0.14, 0.24), (0.28, 0.36), (0.30, 0.40)),
    "差": ((0.03, 0.08), (0.12, 0.20), (0.28, 0.36)),
}


def _ballots(rng: random.Random, grade: str, voters: int) -> dict[str, int]:
    """Ballots a 现场测评 would give a secretary of this grade (most 好 for 好, most 差 for 差)."""
    good, fair, average = (round(voters * rng.uniform(*r)) for r in BALLOT_SHARES[grade])
    poor = max(voters - good - fair - average, 0)
    if grade == "好":
        average, poor = average + poor, 0
    excess = good + fair + average + poor - voters  # never more ballots than voters
    cut = min(max(excess, 0), average)
    average -= cut
    fair -= max(excess, 0) - cut
    return {"测评好票": good, "测评较好票": fair, "测评一般票": average, "测评差票": poor}


def _opinion(rng: random.Random, grade: str) -> tuple[str, str]:
    """主要成绩 and 不足之处 for one secretary: two of the pools, numbers filled in."""
    n, m = rng.randint(2, 12), rng.randint(2, 8)
    done = "；".join(
        a.format(n=n, m=m) for a in rng.sample(ACHIEVEMENTS, 2 if grade != "差" else 1)
    )
    pool = SHORTCOMINGS if grade in ("好", "较好") else WEAK_SHORTCOMINGS
    short = rng.sample(pool, 1 if grade == "好" else 2)
    return done + "。", "；".join(short) + "。"


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


NARRATIVE = {
    "主要做法和成效": "学院党委把述职评议考核作为落实全面从严治党主体责任的重要抓手，坚持“一述一评”，逐一点评、真点问题，推动各级党组织书记履行第一责任人职责。（演示文字）",
    "存在的问题": "一是党建与业务融合的办法还不够多；二是个别党支部组织生活质量不高；三是问题整改的长效机制仍需完善。（演示文字）",
    "下一步工作": "持续抓好问题整改，把整改落实情况纳入院内巡察；加强支部书记培训；以高质量党建引领学院高质量发展。（演示文字）",
}


@dataclass
class Planted:
    code: str
    sheet: str | None
    row: int | None
    column: str | None
    what: str


@dataclass
class DemoResult:
    workbook: Path
    reports_dir: Path
    report_count: int
    planted: list[Planted] = field(default_factory=list)


def _person(rng: random.Random, used: set[str]) -> str:
    while True:
        given_len = rng.choice((1, 2, 2))
        given = "".join(rng.choice(GIVEN) for _ in range(given_len))
        name = rng.choice(SURNAMES) + given
        if name not in used:
            used.add(name)
            return name


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


def make_demo(out_dir: Path, seed: int = 2023, mistakes: bool = True) -> DemoResult:
    """The demo institute; `mistakes=False` leaves out the planted mistakes (a master with no
    errors, from which documents are generated as final, not as drafts)."""
    from annex_tools.workbook.builder import new_workbook

    rng = random.Random(seed)
    texts = random.Random(seed + 1)  # opinions, ballots and rectifications: their own stream
    out_dir.mkdir(parents=True, exist_ok=True)
    reports_dir = out_dir / "reports"
    reports_dir.mkdir(exist_ok=True)
    year = 2023
    used: set[str] = set()

    orgs = _organizations(rng, used)
    leaders = [_person(rng, used) for _ in range(3)]
    meetings, meeting_of = _meetings(rng, used, orgs)
    by_id = {o["组织编号"]: o for o in orgs}
    subs, grades, rects = _reporters(
        rng, texts, orgs, meetings, meeting_of, leaders, reports_dir, mistakes
    )
    settings: dict[str, str] = {}
    t = _Tables(subs, grades, rects, meetings, orgs, settings, leaders)
    planted, plant, sub_row, sid_of = t.planted, t.plant, t.sub_row, t.sid_of
    settings[ST.K_BRANCH_SEND_DEADLINE] = "2024-01-22"

    if mistakes:
        _plant_mistakes(t)
    else:
        # the clean demo's 党委 met in January by its own setting, and deliberated in time
        settings[ST.K_COMMITTEE_DEADLINE] = "2024-01-20"
        settings[ST.K_REVIEW_DATE] = "2024-01-30"

    _write_reports(subs, by_id, year, rng)
    if mistakes:
        s = next(x for x in subs if x["述职编号"] == sid_of["G09"])
        s["字数"] = int(s["字数"]) - 120
        plant(
            "report.stale-figures",
            S.SUBMISSIONS,
            sub_row[s["述职编号"]],
            "字数",
            "表中字数与报告文件不一致",
        )
        # a report that came only by e-mail and has not been imported: 述职报告/ holds the mail
        s = next(x for x in subs if x["述职编号"] == sid_of["G02-3"])
        _mail_report(out_dir / REPORTS_INBOX, s, by_id[s["组织编号"]]["组织名称"])
        s["报告文件"] = ""
        s["字数"] = s["履职情况占比"] = s["存在问题占比"] = s["工作思路占比"] = None
        plant(
            "report.absent",
            S.SUBMISSIONS,
            sub_row[s["述职编号"]],
            "报告文件",
            "报告只在报送邮件中，尚未导入（import-reports 主表 述职报告/）",
        )
        s = next(x for x in subs if x["述职编号"] == sid_of["G04-2"])
        s["报送组织部日期"] = D(2024, 1, 24)
        plant(
            "deadline.branch-report-sent",
            S.SUBMISSIONS,
            sub_row[s["述职编号"]],
            "报送组织部日期",
            "党支部书记报告晚于设置的报送截止日期",
        )
    for s in subs:
        del s["_targets"], s["_file"]

    workbook = out_dir / "master.xlsx"
    new_workbook(
        workbook,
        {"orgs": orgs, "subs": subs, "meetings": meetings, "grades": grades, "rects": rects},
        narrative=NARRATIVE,
        settings=settings,
    )
    return DemoResult(workbook, reports_dir, len(subs), planted)


def _mail_report(inbox: Path, sub: dict[str, Any], org_name: str) -> Path:
    """The report of `sub` as the secretary mailed it: a saved e-mail (.eml) with the .docx
    attached, sent two days after the meeting (a fictional mailbox)."""
    import email.policy
    import email.utils
    from email.message import EmailMessage

    report: Path = sub["_file"]
    meeting_day = sub["审定日期"] + dt.timedelta(days=6)
    msg = EmailMessage(policy=email.policy.default)
    msg["From"] = "党支部书记 <branch@example.edu.cn>"
    msg["To"] = "党委组织部 <zzb@example.edu.cn>"
    msg["Subject"] = f"{org_name} {sub['书记姓名']} 2023年度述职报告"
    sent = dt.datetime.combine(meeting_day + dt.timedelta(days=2), dt.time(9, 30))
    msg["Date"] = email.utils.format_datetime(
        sent.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
    )
    msg.set_content("组织部：\n    附件是我的2023年度述职报告，已经党总支审定，请查收。")
    msg.add_attachment(
        report.read_bytes(),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename=report.name,
    )
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / safe_filename(f"{org_name}-{sub['书记姓名']}-述职报告.eml")
    path.write_bytes(msg.as_bytes())
    report.unlink()  # only the mail has it
    return path


@dataclass
class _Tables:
    """The demo's rows, their Excel rows and the settings, while mistakes are planted in them."""

    subs: list[dict[str, Any]]
    grades: list[dict[str, Any]]
    rects: list[dict[str, Any]]
    meetings: list[dict[str, Any]]
    orgs: list[dict[str, Any]]
    settings: dict[str, str]
    leaders: list[str]
    planted: list[Planted] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sub_row = {s["述职编号"]: i + 2 for i, s in enumerate(self.subs)}
        self.grade_row = {g["述职编号"]: i + 2 for i, g in enumerate(self.grades)}
        self.rect_row = {r["整改编号"]: i + 2 for i, r in enumerate(self.rects)}
        self.meeting_row = {m["会议编号"]: i + 2 for i, m in enumerate(self.meetings)}
        self.sid_of = {s["组织编号"]: s["述职编号"] for s in self.subs}

    def plant(
        self, code: str, sheet: S.Sheet, row: int | None, column: str | None, what: str
    ) -> None:
        self.planted.append(Planted(code, sheet.name, row, column, what))


def _plant_mistakes(t: _Tables) -> None:
    """The common mistakes the demo plants in its rows, each listed with where it is."""
    subs, grades, rects, meetings, orgs, settings = (
        t.subs, t.grades, t.rects, t.meetings, t.orgs, t.settings
    )  # fmt: skip
    leaders, plant, sid_of = t.leaders, t.plant, t.sid_of
    sub_row, grade_row, rect_row, meeting_row = t.sub_row, t.grade_row, t.rect_row, t.meeting_row
    # 1. a 二级党组织书记 report over 1500 字
    s = next(x for x in subs if x["述职编号"] == sid_of["G02"])
    s["_targets"] = {"duties": 700, "problems": 560, "plans": 380}
    plant(
        "report.too-long",
        S.SUBMISSIONS,
        sub_row[s["述职编号"]],
        "字数",
        "二级党组织书记报告超过1500字",
    )
    # 2. a branch report whose problems part is under 30 %
    s = next(x for x in subs if x["述职编号"] == sid_of["G03-2"])
    s["_targets"] = {"duties": 390, "problems": 150, "plans": 330}
    plant(
        "report.share-problems",
        S.SUBMISSIONS,
        sub_row[s["述职编号"]],
        "存在问题占比",
        "问题部分不足30%",
    )
    # 3. 较好 but 优秀
    g = next(x for x in grades if x["述职编号"] == sid_of["G01-1"])
    g["年度考核等次"] = "优秀"
    plant(
        "grade.linkage-excellent",
        S.GRADES_SHEET,
        grade_row[g["述职编号"]],
        "年度考核等次",
        "较好却评为优秀",
    )
    # 4. 一般 without 约谈提醒
    g = next(x for x in grades if x["述职编号"] == sid_of["G04-1"])
    g["约谈提醒日期"] = None
    plant(
        "grade.interview-missing",
        S.GRADES_SHEET,
        grade_row[g["述职编号"]],
        "约谈提醒日期",
        "一般未约谈提醒",
    )
    # 5. a branch meeting reported only two days ahead; the demo counts 提前三天 in working days
    # (the official holiday calendar), as an institute that sets 报备天数计法 to 工作日 does
    settings[ST.K_NOTICE_COUNT] = S.DAYS_WORKING
    m = next(x for x in meetings if x["会议编号"] == "M06")
    m["报备日期"] = m["会议日期"] - dt.timedelta(days=2)
    plant("meeting.notice-late", S.MEETINGS, meeting_row["M06"], "报备日期", "会议只提前2天报备")
    # 6. approved before it was discussed
    s = next(x for x in subs if x["述职编号"] == sid_of["G05-3"])
    s["审定日期"] = s["讨论日期"] - dt.timedelta(days=2)
    plant("approval.order", S.SUBMISSIONS, sub_row[s["述职编号"]], "审定日期", "审定早于讨论")
    # 7. 已完成 without 完成日期
    r = next(x for x in rects if x["述职编号"] == sid_of["G06-2"])
    r["完成日期"] = None
    plant(
        "rect.done-without-date",
        S.RECTIFICATIONS,
        rect_row[r["整改编号"]],
        "完成日期",
        "已完成但无完成日期",
    )
    # 8. a rectification without deadline (its secretary is graded 好)
    r = next(x for x in rects if x["述职编号"] == sid_of["G07-4"])
    r["整改时限"] = None
    plant(
        "rect.deadline-missing",
        S.RECTIFICATIONS,
        rect_row[r["整改编号"]],
        "整改时限",
        "没有整改时限",
    )
    # 9. one 党总支 graded all its branch secretaries 好
    plant(
        "grade.distribution",
        S.GRADES_SHEET,
        None,
        "综合评价等次",
        "教师发展中心党总支全部评为好",
    )
    # 10. a feedback date typed as text that is no date
    g = next(x for x in grades if x["述职编号"] == sid_of["G08-3"])
    g["反馈日期"] = "2024年1月32日"
    plant(
        "schema.bad-date",
        S.GRADES_SHEET,
        grade_row[g["述职编号"]],
        "反馈日期",
        "日期写错（1月32日）",
    )
    # 11. a rectification still under way after its deadline (a warning)
    r = next(x for x in rects if x["述职编号"] == sid_of["G08-1"] and x["问题来源"] == "领导点评")
    r["整改状态"], r["完成日期"] = "整改中", None
    plant("rect.overdue", S.RECTIFICATIONS, rect_row[r["整改编号"]], "整改时限", "整改逾期未完成")
    # 12. 差 is flagged for 追责问责 review (a warning the notice asks for)
    plant(
        "grade.accountability",
        S.GRADES_SHEET,
        grade_row[sid_of["G08-1"]],
        "综合评价等次",
        "评为差，需研判追责问责",
    )
    # 13. a branch meeting with nobody from the 党委组织部 列席
    m = next(x for x in meetings if x["会议编号"] == "M04")
    m["列席人员"] = ""
    plant(
        "meeting.observer-missing",
        S.MEETINGS,
        meeting_row["M04"],
        "列席人员",
        "党支部书记述职会无组织部人员列席",
    )
    # 14. a branch report approved by a 院领导 instead of its 党总支
    s = next(x for x in subs if x["述职编号"] == sid_of["G03-3"])
    s["审定人"] = "院领导 " + leaders[0]
    plant(
        "approval.approver",
        S.SUBMISSIONS,
        sub_row[s["述职编号"]],
        "审定人",
        "党支部书记报告由院领导审定",
    )
    # 15. a branch whose secretary post is vacant: recorded, one info, no errors
    orgs.append(
        {
            "组织编号": "G01-9",
            "组织名称": "教育管理学院实验中心党支部",
            "组织类型": S.ORG_STAFF_BRANCH,
            "上级组织编号": "G01",
            "书记空缺原因": "原书记2023年12月调离，待换届选举",
        }
    )
    plant("org.vacant", S.ORGS, len(orgs) + 1, "书记空缺原因", "党支部书记空缺（已注明原因）")
    # 16. more ballots than the 46 people at the 党委's meeting
    g = next(x for x in grades if x["述职编号"] == sid_of["G05"])
    g["测评好票"] = 46 - g["测评较好票"] - g["测评一般票"] - g["测评差票"] + 9
    plant(
        "grade.ballots-exceed",
        S.GRADES_SHEET,
        grade_row[g["述职编号"]],
        "测评好票",
        "测评票数多于述职会实到人数",
    )
    # 17. graded 一般 although most ballots are 好
    g = next(x for x in grades if x["述职编号"] == sid_of["G04-1"])
    g["测评好票"], g["测评较好票"], g["测评一般票"], g["测评差票"] = 18, 4, 2, 0
    plant(
        "grade.ballots-diverge",
        S.GRADES_SHEET,
        grade_row[g["述职编号"]],
        "综合评价等次",
        "评为一般，但多数测评票为好",
    )

    # 现场测评 on paper: a meeting with ballots but no 实到人数, and one whose 实到人数 is not
    # the 共N人 of its 参会人员
    m = next(x for x in meetings if x["会议编号"] == "M08")
    m["实到人数"] = None
    plant(
        "meeting.attendance-missing",
        S.MEETINGS,
        t.meeting_row["M08"],
        "实到人数",
        "有现场测评票的述职会没有填写实到人数",
    )
    m = next(x for x in meetings if x["会议编号"] == "M03")
    m["实到人数"] = int(m["实到人数"]) + 2
    plant(
        "meeting.attendance-diverge",
        S.MEETINGS,
        t.meeting_row["M03"],
        "实到人数",
        "实到人数与参会人员写的“共N人”不一致",
    )

    # 15.-19. the deadline ledger and 公布
    s = next(x for x in subs if x["述职编号"] == sid_of["G06"])
    s["报送组织部日期"] = D(2024, 1, 16)
    plant(
        "deadline.report-sent",
        S.SUBMISSIONS,
        sub_row[s["述职编号"]],
        "报送组织部日期",
        "二级党组织书记述职会当天才报送述职报告",
    )
    settings[ST.K_COMMITTEE_DEADLINE] = "2023-12-31"
    plant(
        "deadline.committee-meeting",
        S.MEETINGS,
        meeting_row["M00"],
        "会议日期",
        "党委述职会开在2024年1月，晚于拟定的2023年底",
    )
    o = next(x for x in orgs if x["组织编号"] == "G05")
    o["附件2收到日期"] = D(2024, 1, 24)
    plant(
        "deadline.annex2-received",
        S.ORGS,
        next(i + 2 for i, x in enumerate(orgs) if x["组织编号"] == "G05"),
        "附件2收到日期",
        "附件2晚于1月22日收到",
    )
    settings[ST.K_REVIEW_DATE] = "2024-02-02"
    plant(
        "deadline.committee-review",
        S.SETTINGS,
        2 + [k for k, _, _ in ST.SETTING_ROWS].index(ST.K_REVIEW_DATE),
        "值",
        "党委审议晚于1月底",
    )
    m = next(x for x in meetings if x["会议编号"] == "M07")
    m["公布日期"], m["公布范围"] = None, ""
    plant(
        "meeting.unpublished",
        S.MEETINGS,
        meeting_row["M07"],
        "公布日期",
        "党支部书记述职报告会后未公布",
    )
    # issue 19's rules on their day: a letter never sent back (反馈 due 反馈约谈期限天数 after
    # the meeting), and a problem carried from last year not yet taken up at the meeting
    g = next(x for x in grades if x["述职编号"] == sid_of["G07-2"])
    g["反馈日期"] = None
    plant(
        "grade.feedback-missing",
        S.GRADES_SHEET,
        grade_row[g["述职编号"]],
        "反馈日期",
        "评定等次后没有向本人反馈",
    )
    sid = sid_of["G07-3"]
    owner = next(x for x in subs if x["述职编号"] == sid)["书记姓名"]
    rects.append(
        {
            "整改编号": "R900-1",
            "述职编号": sid,
            "原整改编号": "R022-2",
            "问题来源": S.SOURCE_LAST_YEAR,
            "存在问题": "支部“三会一课”记录不完整，部分组织生活会会前谈心谈话未留记录",
            "整改措施": "逐月检查支部记录本，会前谈心谈话填写记录表",
            "整改时限": D(2024, 3, 31),
            "责任人": owner,
            "整改状态": S.STATUS_NOT_STARTED,
            "上年度情况": "上年度主表：整改中（未核验）",
        }
    )
    row = len(rects) + 1
    plant(
        "rect.carried-untouched",
        S.RECTIFICATIONS,
        row,
        "整改状态",
        "上年度问题到述职会时仍未开始整改",
    )
    plant("rect.overdue", S.RECTIFICATIONS, row, "整改时限", "转入的上年度问题逾期未完成")


def _organizations(rng: random.Random, used: set[str]) -> list[dict[str, Any]]:
    """The 党委, its 二级党组织, their 在职党支部, and two branches that do not report."""
    orgs: list[dict[str, Any]] = [
        {
            "组织编号": "P00",
            "组织名称": "中共示例学院委员会",
            "组织类型": S.ORG_PARTY_COMMITTEE,
            "书记姓名": _person(rng, used),
            "书记工号": "T10001",
        }
    ]
    staff_no = 10100
    for gid, gname, gtype in SECOND_LEVEL:
        staff_no += 1
        orgs.append(
            {
                "组织编号": gid,
                "组织名称": gname,
                "组织类型": gtype,
                "上级组织编号": "P00",
                "书记姓名": _person(rng, used),
                "书记工号": f"T{staff_no}",
            }
        )
    for gid, gname, gtype in SECOND_LEVEL:
        if gtype != S.ORG_GENERAL_BRANCH:
            continue
        base = gname.removesuffix("党总支")
        for i, label in enumerate(BRANCH_NAMES, start=1):
            staff_no += 1
            orgs.append(
                {
                    "组织编号": f"{gid}-{i}",
                    "组织名称": f"{base}{label}党支部",
                    "组织类型": S.ORG_STAFF_BRANCH,
                    "上级组织编号": gid,
                    "书记姓名": _person(rng, used),
                    "书记工号": f"T{staff_no}",
                }
            )
    orgs.append(
        {
            "组织编号": "G07-R",
            "组织名称": "机关离退休党支部",
            "组织类型": S.ORG_RETIRED_BRANCH,
            "上级组织编号": "G07",
            "书记姓名": _person(rng, used),
            "备注": "不参加本次述职评议",
        }
    )
    orgs.append(
        {
            "组织编号": "G05-S",
            "组织名称": "职业教育学院学生党支部",
            "组织类型": S.ORG_STUDENT_BRANCH,
            "上级组织编号": "G05",
            "书记姓名": _person(rng, used),
            "备注": "不参加本次述职评议",
        }
    )

    return orgs


def _meetings(
    rng: random.Random, used: set[str], orgs: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The 党委's meeting and each 党总支's, with 报备, 列席 and 公布; and each 党总支's meeting."""
    meetings: list[dict[str, Any]] = [
        {
            "会议编号": "M00",
            "主办组织编号": "P00",
            "会议日期": D(2024, 1, 16),
            "会议地点": "学院第一会议室",
            "参会人员": "学院党建工作领导小组成员、“两代表一委员”、党员干部群众代表共46人",
            "实到人数": 46,
            # the 党委常委会 that fixed the grades (the feedback letters and the archive quote it)
            "定等次会议日期": D(2024, 1, 18),
            "定等次会议纪要": "党委常委会会议纪要〔2024〕2号",
        }
    ]
    meeting_of: dict[str, str] = {}
    for n, (gid, gname, gtype) in enumerate(SECOND_LEVEL):
        if gtype != S.ORG_GENERAL_BRANCH:
            continue
        day = D(2024, 1, 8) + dt.timedelta(days=n)
        mid = f"M{gid[1:]}"
        meeting_of[gid] = mid
        present = rng.randint(18, 35)  # the sign-in sheet: 共N人, and N present to vote
        meetings.append(
            {
                "会议编号": mid,
                "主办组织编号": gid,
                "会议日期": day,
                "会议地点": f"{gname.removesuffix('党总支')}会议室",
                "参会人员": f"{gname}委员、各支部党员代表共{present}人",
                "报备日期": day - dt.timedelta(days=rng.randint(4, 7) + 3),  # a week or more
                "列席人员": f"党委组织部 {_person(rng, used)}",
                "公布范围": f"{gname}全体党员",
                "公布日期": day + dt.timedelta(days=7),
                "实到人数": present,
                "定等次会议日期": day + dt.timedelta(days=2),
                "定等次会议纪要": f"{gname}委员会会议纪要〔2024〕{n + 1}号",
            }
        )
        # the deadline ledger: its Annex 2 reached the 组织部 a few days after its meeting
        by_gid = next(o for o in orgs if o["组织编号"] == gid)
        by_gid["附件2收到日期"] = min(day + dt.timedelta(days=3), D(2024, 1, 22))
    meetings[0].update(公布范围="全院党员干部", 公布日期=D(2024, 1, 23))

    return meetings, meeting_of


def _reporters(
    rng: random.Random,
    texts: random.Random,
    orgs: list[dict[str, Any]],
    meetings: list[dict[str, Any]],
    meeting_of: dict[str, str],
    leaders: list[str],
    reports_dir: Path,
    mistakes: bool,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Each reporting secretary's 述职 row, 评议 row and rectifications."""
    by_id = {o["组织编号"]: o for o in orgs}
    subs: list[dict[str, Any]] = []
    grades: list[dict[str, Any]] = []
    rects: list[dict[str, Any]] = []
    reporting = [o for o in orgs if o["组织类型"] in (*S.SECOND_LEVEL_TYPES, S.ORG_STAFF_BRANCH)]
    # grades: per evaluating body, one or two at 较好 or below, the rest 好
    fair_slots = {
        "G01": ["较好"],
        "G02": ["较好"],
        "G03": [] if mistakes else ["较好"],
        "G04": ["一般", "较好"],
        "G05": ["较好"],
        "G06": ["较好"],
        "G07": ["较好"],
        "G08": ["差", "较好"],
    }
    second_grades = {
        "G01": "好",
        "G02": "较好",
        "G03": "好",
        "G04": "好",
        "G05": "较好",
        "G06": "好",
        "G07": "好",
        "G08": "好",
        "G09": "好",
        "G10": "一般",
    }
    branch_index: dict[str, int] = {}
    for k, org in enumerate(reporting, start=1):
        sid = f"S{k:03d}"
        second = org["组织类型"] in S.SECOND_LEVEL_TYPES
        parent = org.get("上级组织编号", "")
        meeting = "M00" if second else meeting_of[parent]
        mdate = next(m["会议日期"] for m in meetings if m["会议编号"] == meeting)
        sent = (
            {"报送组织部日期": mdate - dt.timedelta(days=rng.randint(2, 5))}
            if second
            # a branch report reaches the 组织部 with its 党总支's Annex 2 (设置 党支部书记报告报送截止日期)
            else {"报送组织部日期": mdate + dt.timedelta(days=2)}
        )
        limit = 1500 if second else 1000
        total = rng.randint(int(limit * 0.66), int(limit * 0.8))
        targets = {
            "duties": int(total * 0.42),
            "problems": int(total * 0.35),
            "plans": int(total * 0.23),
        }
        fname = safe_filename(f"{org['组织名称']}-{org['书记姓名']}-述职报告.docx")
        subs.append(
            {
                "述职编号": sid,
                "组织编号": org["组织编号"],
                "书记姓名": org["书记姓名"],
                "书记工号": org.get("书记工号", ""),
                "述职类别": S.CAT_SECOND_LEVEL if second else S.CAT_BRANCH,
                "述职方式": "书面述职" if k % 9 == 0 else "现场述职",
                "报告文件": f"reports/{fname}",
                "讨论日期": mdate - dt.timedelta(days=12),
                "审定日期": mdate - dt.timedelta(days=6),
                "审定人": f"院领导 {leaders[k % 3]}" if second else by_id[parent]["组织名称"],
                "会议编号": meeting,
                **sent,
                "_targets": targets,
                "_file": reports_dir / fname,
            }
        )
        if second:
            grade = second_grades[org["组织编号"]]
        else:
            idx = branch_index.get(parent, 0)
            branch_index[parent] = idx + 1
            slots = fair_slots[parent]
            grade = slots[idx] if idx < len(slots) else "好"
        drawn = rng.randint(18, 35)  # who voted for this secretary: never more than were present
        present = next(m["实到人数"] for m in meetings if m["会议编号"] == meeting)
        voters = 46 if second else min(drawn, present)
        achievements, shortcomings = _opinion(texts, grade)
        grades.append(
            {
                "述职编号": sid,
                **_ballots(texts, grade, voters),
                "综合评价等次": grade,
                "主要成绩": achievements,
                "不足之处": shortcomings,
                "年度考核等次": "优秀" if grade == "好" and k % 3 == 0 else "合格",
                "约谈提醒日期": mdate + dt.timedelta(days=5)
                if grade in S.GRADES_INTERVIEW
                else None,
                "反馈日期": mdate + dt.timedelta(days=3),
                # who held the 约谈 (the 约谈记录 prints it): a leader of the grading body
                "约谈人": (
                    f"院领导 {leaders[0]}"
                    if second
                    else f"{by_id[parent]['书记姓名']}（党总支书记）"
                )
                if grade in S.GRADES_INTERVIEW
                else None,
            }
        )
        rng.sample(PROBLEMS, 2)
        sources = ("自身查摆", "领导点评", "考核反馈")[
            : 1 + (grade != "好") + (grade in ("一般", "差"))
        ]
        pairs = texts.sample(RECTIFICATIONS, len(sources))
        for j, (source, (problem, measure)) in enumerate(zip(sources, pairs, strict=True), start=1):
            deadline = D(2024, rng.choice((3, 4, 5, 6)), 30)
            earlier = texts.randint(3, 9)  # "上年度查摆的{n}项问题中，有{m}项": m < n
            lagging = texts.randint(1, earlier - 1)
            rects.append(
                {
                    "整改编号": f"R{k:03d}-{j}",
                    "述职编号": sid,
                    "问题来源": source,
                    "存在问题": problem.format(n=earlier, m=lagging),
                    "整改措施": measure.format(n=texts.randint(2, 6), m=lagging),
                    "整改时限": deadline,
                    "责任人": org["书记姓名"],
                    "整改状态": "已完成",
                    # 立行立改: done within days of the meeting, before the report (1月30日),
                    # so the master is true both at report time and later
                    "完成日期": min(mdate + dt.timedelta(days=rng.randint(4, 12)), D(2024, 1, 28)),
                    "核验情况": "党委巡察办公室已核验",
                }
            )

    return subs, grades, rects


def _write_reports(
    subs: list[dict[str, Any]], by_id: dict[str, dict[str, Any]], year: int, rng: random.Random
) -> None:
    """Each report .docx, then the figures import-reports would have typed."""
    for k, s in enumerate(subs):
        second = s["述职类别"] == S.CAT_SECOND_LEVEL
        write_report(
            s["_file"],
            year,
            by_id[s["组织编号"]]["组织名称"],
            s["书记姓名"],
            s["_targets"],
            rng,
            mandatory=second or k % 2 == 0,
        )
        a = analyze_file(s["_file"])
        s["字数"] = a.words
        s["履职情况占比"], s["存在问题占比"], s["工作思路占比"] = (
            a.shares[p] for p in ("duties", "problems", "plans")
        )
