"""The notice's own words: everything the tool quotes from the notice or matches against it.

What changes from year to year (limits, dates, the 必答 item, the exempt organizations) is a
setting (contract/settings.py) and is read from `Settings` here; the wording that frames it
lives in this module and nowhere else. A new notice with new wording is an edit here.
"""

from __future__ import annotations

import re

from annex_tools.contract.settings import Settings
from annex_tools.contract.text import format_date

# ---- Annex 1: the three parts and the heading variants people write for them ----------------

PARTS = ("duties", "problems", "plans")
PART_ZH = {"duties": "履职主要情况", "problems": "存在的问题", "plans": "下一步工作思路"}
PART_VARIANTS = {
    "duties": (
        "履职主要情况", "主要履职情况", "履职情况", "履职主要工作", "主要工作情况", "履职尽责情况",
        "工作开展情况",
    ),
    "problems": (
        "存在的问题", "存在问题", "存在的主要问题", "问题和不足", "问题与不足", "存在的不足",
        "不足和问题", "主要问题",
    ),
    "plans": (
        "下一步工作思路", "下一步工作打算", "下一步工作措施", "下一步工作计划", "下一步思路",
        "下一步打算", "下一步措施", "下一步工作", "工作思路", "改进措施", "努力方向",
    ),
}  # fmt: skip
# The notice's own short forms (三、2: "分为履职主要情况、问题、思路三部分"): accepted only after a
# part number (二、问题), where they cannot be a sentence of the body; not after （一）, which
# numbers the subsections inside a part.
PART_SHORT_FORMS = {
    "duties": ("履职", "主要情况", "工作情况"),
    "problems": ("问题", "不足", "问题不足"),
    "plans": ("思路", "打算", "措施", "下一步"),
}
_NUMBER = r"(?:[一二三1-3１-３][、.．,，:：\s]?|第[一二三]部分[、.．,，:：]?)"
# a year or period inside the heading: 一、2023年履职情况, 二、本年度存在的问题
_PERIOD = r"(?:(?:[0-9０-９]{4}|本|今)年度?的?)?"
_TAIL = r"(?:[及和与、].{0,12})?[:：。.]?$"
PART_HEADINGS = {
    part: re.compile(
        rf"^(?:{_NUMBER}?{_PERIOD}(?:{'|'.join(variants)})"
        rf"|{_NUMBER}{_PERIOD}(?:{'|'.join(PART_SHORT_FORMS[part])})){_TAIL}"
    )
    for part, variants in PART_VARIANTS.items()
}
# 三、2: "以第一人称写。突出述'我'": the words that speak as the writer.
FIRST_PERSON_WORDS = ("我", "本人")


def annex1_date_line(st: Settings) -> str:
    """Annex 1's date line, （2024年1月）: the month of the 党委's report deadline."""
    d = st.report_deadline
    return f"{d.year}年{d.month}月"


def annex1_reminder(st: Settings, category: str) -> str:
    return (
        f"{category or '述职'}报告不超过{st.word_limit(category)}字；分为履职主要情况、存在的问题、下一步工作思路三部分，"
        f"履职主要情况不超过{st.duties_max:.0%}，问题部分不少于{st.problems_min:.0%}；以第一人称写，突出述“我”，"
        "用具体事例和数据说话。"
    )


# shown at the top of each Annex 1 template (visible text: staff delete it before submitting)
ANNEX1_GUIDANCE_TITLE = "【填写说明：写好报告后请删除本框内全部文字，否则计入字数】"


# ---- the summary report ----------------------------------------------------------------------

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


# 三、5: the sentence the 等次通报 quotes
NOTIFY_QUOTE = (
    "评价意见及等次要向本人反馈，在一定范围内通报，并作为评先评优、选拔任用干部和问责追责的重要依据"
)


def bulletin_intro(st: Settings) -> str:
    return (
        f"根据《{st.year}年度基层党组织书记抓党建述职评议考核工作方案》，{st.institute}组织开展了"
        f"{st.year}年度基层党组织书记抓党建述职评议考核工作。按照“{NOTIFY_QUOTE}”的要求，"
        "现将综合评价等次通报如下。"
    )


def summary_intro(st: Settings) -> str:
    return (
        f"根据市委组织部、市委教育工委关于做好{st.year}年度党组织书记抓基层党建述职评议考核工作的有关通知要求，"
        f"{st.institute}组织开展了{st.year}年度基层党组织书记抓党建述职评议考核工作。现将有关情况报告如下。"
    )


# ---- feedback letters and the summary's results (方案 三 5) ---------------------------------

EVALUATOR_SECOND_LEVEL = "党委常委会"  # forms the opinion on each 二级党组织书记
EVALUATOR_BRANCH = "{body}委员会"  # the 二级党组织委员会 forms it on its branch secretaries
INTERVIEW_RULE = "根据工作方案，对综合评价等次为“一般”和“差”的，要约谈提醒、限期整改。"
ACCOUNTABILITY = "根据工作方案，{which}，将依照有关规定严肃追责问责。"
LINKAGE_RULE = "根据工作方案，综合评价等次未达到“好”的，其年度考核不得评定为“优秀”等次。"
LINKAGE_QUOTE = "“未达到‘好’的不得评定为‘优秀’”"
GOOD_USE = "评价意见及等次将作为评先评优、选拔任用干部的重要依据。"


# ---- the 说明 sheet: the notice's main rules, with the values in force -----------------------


def guide_rules(st: Settings) -> tuple[str, ...]:
    exempt = "、".join(st.exempt)
    return (
        f"· 二级党组织书记述职报告不超过{st.limit_second}字，在职党支部书记不超过{st.limit_branch}字；"
        f"履职主要情况不超过{st.duties_max:.0%}，问题部分不少于{st.problems_min:.0%}；以第一人称写，用事例和数据说话。"
        f"二级党组织书记须回答必答内容“{st.mandatory_item}”。",
        "· 报告先经本级组织讨论，再报审定（二级党组织书记报院领导审定，党支部书记报所在二级党组织审定）。",
        "· 评价为“较好”或以下等次的应占一定比例（设置：较好及以下最低比例）。",
        "· 综合评价等次未达到“好”的，年度考核不得评为“优秀”；“一般”和“差”的要约谈提醒、限期整改。",
        f"· {exempt}不需填写附件2。" if exempt else "· 所有二级党组织都需填写附件2。",
    )


def guide_meetings(st: Settings) -> str:
    return (
        "3. 会议：登记述职评议会议。党委主办二级党组织书记述职会；各党总支主办所属在职党支部书记述职会，"
        f"须提前{st.filing_days}天报党委组织部（填写报备日期）；在职党支部书记述职评议于{format_date(st.branch_deadline)}前基本完成。"
    )
