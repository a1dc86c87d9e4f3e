"""Next year's notice without touching code: a made-up "2024" notice, typed only on the 设置
sheet of a freshly built master, and every rule, document, template, UDF and the Annex 2
exemption follows it. Nothing below is a code change; only 设置 values differ."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from builders import row_of, valid
from docx import Document

from annex_tools.analysis import analyze_paragraphs
from annex_tools.contract import settings as ST
from annex_tools.documents.annex1 import plan_annex1
from annex_tools.institute import institute
from annex_tools.usecases import documents as DS
from annex_tools.usecases.check import check_workbook
from annex_tools.workbook import formulas as F
from annex_tools.workbook.builder import new_workbook
from annex_tools.workbook.reader import read_workbook

D = dt.date
NOTICE_2024 = {
    ST.K_YEAR: 2024,
    ST.K_INSTITUTE: "中共样例学院委员会",
    ST.K_LIMIT_SECOND: 2000,
    ST.K_LIMIT_BRANCH: 800,
    ST.K_DUTIES_MAX: 0.4,
    ST.K_PROBLEMS_MIN: 0.25,
    ST.K_MIN_SHARE: 0.2,
    ST.K_ROUNDING: "四舍五入",
    ST.K_FILING_DAYS: 4,
    ST.K_BRANCH_DEADLINE: D(2025, 1, 20),
    ST.K_REPORT_DEADLINE: D(2025, 2, 28),
    ST.K_EXEMPT: "示例党总支",
    ST.K_MANDATORY: "以新质生产力赋能学院发展",
    ST.K_MANDATORY_KEYS: "新质生产力；赋能",
}
TODAY = D(2025, 6, 1)


def data_2024() -> dict:
    data = valid()
    for m, day, reported in (("M0", D(2025, 1, 15), None), ("M1", D(2025, 1, 21), D(2025, 1, 18))):
        row_of(data, "meetings", "会议编号", m).update(会议日期=day, 报备日期=reported)
    for sub in data["subs"]:
        sub.update(讨论日期=D(2025, 1, 2), 审定日期=D(2025, 1, 6))
    # 1900 字 is within 2000 for a 二级党组织书记; 850 is over 800 for a 党支部书记
    row_of(data, "subs", "述职编号", "S1").update(字数=1900, 履职情况占比=0.45, 存在问题占比=0.28)
    row_of(data, "subs", "述职编号", "S3").update(字数=850, 履职情况占比=0.38, 存在问题占比=0.22)
    for g in data["grades"]:
        g["反馈日期"] = D(2025, 1, 25)
    for r in data["rects"]:
        r.update(整改时限=D(2025, 4, 30), 完成日期=D(2025, 4, 20))
    return data


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("notice2024")
    return new_workbook(folder / "master.xlsx", data_2024(), settings=NOTICE_2024)


def test_the_settings_sheet_carries_the_new_notice(master: Path) -> None:
    st = read_workbook(master).settings
    assert (st.year, st.institute, st.limit_second, st.limit_branch) == (
        2024, "中共样例学院委员会", 2000, 800,
    )  # fmt: skip
    assert (st.duties_max, st.problems_min, st.min_share, st.rounding) == (
        0.4,
        0.25,
        0.2,
        "四舍五入",
    )
    assert (st.filing_days, st.branch_deadline, st.report_deadline) == (
        4, D(2025, 1, 20), D(2025, 2, 28),
    )  # fmt: skip
    assert st.exempt == ("示例党总支",) and st.mandatory_keys == ("新质生产力", "赋能")
    guide = "\n".join(str(c.value) for c in openpyxl.load_workbook(master)["说明"]["A"] if c.value)
    assert "提前4天" in guide and "2025年1月20日" in guide and "提前三天" not in guide
    assert "不超过2000字" in guide and "不超过800字" in guide and "不超过40%" in guide
    assert "示例党总支不需填写附件2" in guide and "安保后勤" not in guide
    assert "以新质生产力赋能学院发展" in guide


def test_every_rule_follows_the_new_limits(master: Path) -> None:
    found = check_workbook(read_workbook(master), TODAY).findings
    by_code: dict[str, list] = {}
    for f in found:
        by_code.setdefault(f.code, []).append(f)
    too_long = by_code["report.too-long"]
    assert [(f.row, f.column) for f in too_long] == [(4, "字数")]  # S3, 850 > 800; S1 1900 ok
    assert "上限800字" in too_long[0].message
    duties = {f.row: f.message for f in by_code["report.share-duties"]}
    assert set(duties) == {2, 3, 5} and "上限40%" in duties[2] and "不超过40%" in duties[2]
    problems = {f.row: f.message for f in by_code["report.share-problems"]}
    assert set(problems) == {4} and "下限25%" in problems[4] and "不少于25%" in problems[4]
    late = by_code["meeting.notice-late"]
    assert len(late) == 1 and "提前4天" in late[0].message  # reported 3 days ahead
    after = by_code["meeting.after-deadline"]
    assert len(after) == 1 and "2025年1月20日" in after[0].message
    # 20 % of 2 graded by the 党委 with 四舍五入 is 0: the 党委's one 较好 is plenty; with the
    # 2023 notice's 15 % 向上取整 the same workbook would need 1 and have 1 as well
    assert "grade.distribution" not in by_code


def test_the_udf_and_the_grade_rule_share_the_quota(master: Path) -> None:
    st = read_workbook(master).settings
    assert F.min_at_most_fair([[7], [8], [2]], st=st) == [[1], [2], [0]]  # 1.4, 1.6, 0.4
    assert F.min_at_most_fair([[7], [8], [2]]) == [[2], [2], [1]]  # the defaults: 15 %, up


def test_the_mandatory_item_follows_the_setting() -> None:
    old = ["一、履职主要情况", "我坚持以高质量党建引领高质量发展，开展了12次学习。"]
    new = ["一、履职主要情况", "我以新质生产力赋能学院发展，开展了12次学习。"]
    keys = ("新质生产力", "赋能")
    assert analyze_paragraphs(new, mandatory=keys).mandatory_item is True
    assert analyze_paragraphs(old, mandatory=keys).mandatory_item is False
    assert analyze_paragraphs(old).mandatory_item is True  # the default notice


def test_documents_and_annex2_exemption_follow(master: Path, tmp_path: Path) -> None:
    wb = read_workbook(master)
    inst = institute(wb)
    sec = inst.by_sid()["S3"]
    plan = plan_annex1(sec, wb.settings)
    assert plan["date_line"] == "2025年2月" and "不超过800字" in plan["reminder"]
    made = DS.make_templates(wb, tmp_path / "t", as_of=TODAY, draft=True).written
    assert made
    template = next(p for p in made if "丁四" in p.name)
    body = "\n".join(p.text for p in Document(str(template)).paragraphs)
    # the guidance is visible text in the body (issue 21), with this year's values
    assert "不超过800字" in body and "不超过40%" in body and "不少于25%" in body
    assert "2024年度" in body and "2023" not in body
    # 示例党总支 has 在职党支部 but is exempt this year: no Annex 2 for anyone
    assert DS.annex2_tables(wb) == []
    assert DS.make_annex2(wb, tmp_path / "a2", as_of=TODAY, draft=True).written == []
    assert DS.summary_filename(wb.settings) == "2024年度述职评议工作情况报告.docx"
    plan = DS.make_summary(wb, tmp_path / "s.docx", TODAY, draft=True).plan
    assert "2024年度" in plan["intro"] and "中共样例学院委员会" in plan["intro"]
    assert "不低于20%" in plan["grades_text"]
    assert DS.make_feedback(wb, tmp_path / "f", TODAY, draft=True).written


def test_findings_carry_their_parameters_as_data(master: Path) -> None:
    found = check_workbook(read_workbook(master), TODAY).findings
    duties = next(f for f in found if f.code == "report.share-duties" and f.row == 2)
    assert duties.as_dict()["params"] == {
        "who": duties.as_dict()["params"]["who"],
        "share": 0.45,
        "limit": 0.4,
    }
    late = next(f for f in found if f.code == "meeting.after-deadline")
    params = late.as_dict()["params"]
    assert params["deadline"] == "2025-01-20" and params["meeting_date"] == "2025-01-21"
    assert "2025年1月20日" in late.message
    assert set(late.as_dict()) == {
        "code",
        "severity",
        "sheet",
        "row",
        "column",
        "message",
        "params",
    }


def test_messages_quote_the_notice_dates_from_the_settings(tmp_path: Path) -> None:
    """The messages that quote the notice (拟于…年底召开, …月底前审议) say this notice's dates,
    from 设置: a year typed into a message would say 2023年底 and 2024年1月底 here."""
    settings = NOTICE_2024 | {ST.K_COMMITTEE_DEADLINE: D(2024, 12, 31), ST.K_REVIEW_DATE: D(2025, 3, 3)}
    master = new_workbook(tmp_path / "master.xlsx", data_2024(), settings=settings)
    found = check_workbook(read_workbook(master), TODAY).findings
    meeting = [f.message for f in found if f.code == "deadline.committee-meeting"]
    review = [f.message for f in found if f.code == "deadline.committee-review"]
    assert len(meeting) == 1 and "学院拟于2024年底召开" in meeting[0]
    assert len(review) == 1 and "通知：2025年2月底前，学院党委审议" in review[0]
    assert not any("2023年底" in m or "2024年1月底" in m for m in meeting + review)
    # nor does the master itself carry the 2023 notice's years (the 设置 sheet's 说明 included)
    book = openpyxl.load_workbook(master)
    said = [
        f"{ws.title}!{c.coordinate}: {c.value}"
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and ("2023" in c.value or "2024年1月" in c.value)
    ]
    assert said == []
