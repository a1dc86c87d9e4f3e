"""The demo's fictional institute: its 党委, 二级党组织 and branches, meetings, 述职, grades and
rectifications, valid as made. Every name is made up by combining common characters."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from annex_tools.analysis import analyze_file
from annex_tools.contract import schema as S
from annex_tools.contract.text import safe_filename
from annex_tools.demo import valid as V
from annex_tools.demo.report import PROBLEMS, write_report

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


def _person(rng: random.Random, used: set[str]) -> str:
    while True:
        given_len = rng.choice((1, 2, 2))
        given = "".join(rng.choice(GIVEN) for _ in range(given_len))
        name = rng.choice(SURNAMES) + given
        if name not in used:
            used.add(name)
            return name


def _organizations(rng: random.Random, used: set[str]) -> list[dict[str, Any]]:
    """The 党委, its 二级党组织, their 在职党支部, and two branches that do not report."""
    orgs = [
        V.organization(
            "P00", "中共示例学院委员会", S.ORG_PARTY_COMMITTEE, secretary=_person(rng, used),
            staff_no="T10001",
        )
    ]  # fmt: skip
    staff_no = 10100
    for gid, gname, gtype in SECOND_LEVEL:
        staff_no += 1
        orgs.append(V.organization(gid, gname, gtype, "P00", _person(rng, used), f"T{staff_no}"))
    for gid, gname, gtype in SECOND_LEVEL:
        if gtype != S.ORG_GENERAL_BRANCH:
            continue
        base = gname.removesuffix("党总支")
        for i, label in enumerate(BRANCH_NAMES, start=1):
            staff_no += 1
            orgs.append(
                V.organization(
                    f"{gid}-{i}", f"{base}{label}党支部", S.ORG_STAFF_BRANCH, gid,
                    _person(rng, used), f"T{staff_no}",
                )
            )  # fmt: skip
    not_reporting = "不参加本次述职评议"
    orgs.append(
        V.organization(
            "G07-R", "机关离退休党支部", S.ORG_RETIRED_BRANCH, "G07", _person(rng, used),
            备注=not_reporting,
        )
    )  # fmt: skip
    orgs.append(
        V.organization(
            "G05-S", "职业教育学院学生党支部", S.ORG_STUDENT_BRANCH, "G05", _person(rng, used),
            备注=not_reporting,
        )
    )  # fmt: skip
    return orgs


def _reporting(orgs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The organizations whose secretary reports (述职): 二级党组织 and 在职党支部."""
    return [o for o in orgs if o["组织类型"] in (*S.SECOND_LEVEL_TYPES, S.ORG_STAFF_BRANCH)]


def report_count() -> int:
    """How many secretaries report in the demo (one report file each), without making it."""
    return len(_reporting(_organizations(random.Random(0), set())))


def _meetings(
    rng: random.Random, used: set[str], orgs: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The 党委's meeting and each 党总支's, with 报备, 列席 and 公布; and each 党总支's meeting."""
    meetings: list[dict[str, Any]] = [
        V.meeting(
            "M00", "P00", V.COMMITTEE_DAY, present=46, place="学院第一会议室",
            attendees="学院党建工作领导小组成员、“两代表一委员”、党员干部群众代表共46人",
            # the 党委常委会 that fixed the grades (the feedback letters and the archive quote it)
            minutes=V.COMMITTEE_MINUTES, published_to="全院党员干部", published=D(2024, 1, 23),
        )
    ]  # fmt: skip
    meeting_of: dict[str, str] = {}
    for n, (gid, gname, gtype) in enumerate(SECOND_LEVEL):
        if gtype != S.ORG_GENERAL_BRANCH:
            continue
        day = D(2024, 1, 8) + dt.timedelta(days=n)
        mid = f"M{gid[1:]}"
        meeting_of[gid] = mid
        present = rng.randint(18, 35)  # the sign-in sheet: 共N人, and N present to vote
        meetings.append(
            V.meeting(
                mid, gid, day, present=present, place=f"{gname.removesuffix('党总支')}会议室",
                attendees=f"{gname}委员、各支部党员代表共{present}人",
                filed=day - dt.timedelta(days=rng.randint(4, 7) + 3),  # a week or more
                observer=f"党委组织部 {_person(rng, used)}", published_to=f"{gname}全体党员",
                published=day + dt.timedelta(days=7), minutes=f"{gname}委员会会议纪要〔2024〕{n + 1}号",
            )
        )  # fmt: skip
        # the deadline ledger: its Annex 2 reached the 组织部 a few days after its meeting
        by_gid = next(o for o in orgs if o["组织编号"] == gid)
        by_gid["附件2收到日期"] = min(day + dt.timedelta(days=3), V.ANNEX2_BY)
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
    """Each reporting secretary's 述职 row, 评议 row and rectifications (`rng` and `texts` are
    drawn in the order the demo has always drawn them: the same institute for the same seed)."""
    by_id = {o["组织编号"]: o for o in orgs}
    subs: list[dict[str, Any]] = []
    grades: list[dict[str, Any]] = []
    rects: list[dict[str, Any]] = []
    reporting = _reporting(orgs)
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
        at = next(m for m in meetings if m["会议编号"] == ("M00" if second else meeting_of[parent]))
        mdate = at["会议日期"]
        # a branch report reaches the 组织部 with its 党总支's Annex 2 (设置 党支部书记报告报送截止日期)
        sent = (
            mdate - dt.timedelta(days=rng.randint(2, 5)) if second else mdate + dt.timedelta(days=2)
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
            V.submission(
                sid, org, S.CAT_SECOND_LEVEL if second else S.CAT_BRANCH, at,
                mode="书面述职" if k % 9 == 0 else "现场述职", words=None,
                approver=f"院领导 {leaders[k % 3]}" if second else by_id[parent]["组织名称"],
                sent=sent, report=f"reports/{fname}", _targets=targets, _file=reports_dir / fname,
            )
        )  # fmt: skip
        if second:
            grade = second_grades[org["组织编号"]]
        else:
            idx = branch_index.get(parent, 0)
            branch_index[parent] = idx + 1
            slots = fair_slots[parent]
            grade = slots[idx] if idx < len(slots) else "好"
        drawn = rng.randint(18, 35)  # who voted for this secretary: never more than were present
        voters = 46 if second else min(drawn, at["实到人数"])
        achievements, shortcomings = _opinion(texts, grade)
        ballots = _ballots(texts, grade, voters)
        grades.append(
            V.grade(
                sid, grade, mdate, ballots=(ballots["测评好票"], ballots["测评较好票"],
                ballots["测评一般票"], ballots["测评差票"]),
                appraisal="优秀" if grade == "好" and k % 3 == 0 else "合格",
                achievements=achievements, shortcomings=shortcomings,
                # who held the 约谈 (the 约谈记录 prints it): a leader of the grading body
                约谈人=(
                    (f"院领导 {leaders[0]}" if second else f"{by_id[parent]['书记姓名']}（党总支书记）")
                    if grade in S.GRADES_INTERVIEW else None
                ),
            )
        )  # fmt: skip
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
                V.rectification(
                    f"R{k:03d}-{j}", sid, deadline, source=source,
                    problem=problem.format(n=earlier, m=lagging),
                    measure=measure.format(n=texts.randint(2, 6), m=lagging),
                    owner=org["书记姓名"], verified="党委巡察办公室已核验",
                    # 立行立改: done within days of the meeting, before the report (1月30日),
                    # so the master is true both at report time and later
                    done=min(mdate + dt.timedelta(days=rng.randint(4, 12)), D(2024, 1, 28)),
                )
            )  # fmt: skip

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
