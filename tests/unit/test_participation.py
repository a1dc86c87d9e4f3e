"""Participants, 列席, 一述一评 and who approves (the rest of the notice, item 4).

Rows: 会议 M0 (党委, 2024-01-16) = 2, M1 (示例党总支, 2024-01-10) = 3; 述职 S1 (示例党总支, 二级) = 2,
S2 (安保后勤直属党支部, 二级, 书面述职) = 3, S3 (示例第一党支部) = 4, S4 (示例第二党支部) = 5.
"""

from __future__ import annotations

import datetime as dt

import pytest
from builders import TODAY, D, check_data, row_of, to_rows, valid

from annex_tools.usecases.check import check_workbook
from annex_tools.workbook.reader import workbook_from_rows

NEW = {
    "meeting.participants",
    "meeting.observer-missing",
    "meeting.written-share",
    "approval.approver",
}


def new_findings(data: dict, today: dt.date = TODAY, **settings: str) -> set[tuple]:
    """The new codes' places, with some 设置 values typed as staff would."""
    rows = to_rows(data)
    for row in rows["设置"][1:]:
        if row[0] in settings:
            row[1] = settings[row[0]]
    found = check_workbook(workbook_from_rows(rows), today).findings
    return {f.place for f in found if f.code in NEW}


def test_the_valid_institute_has_none() -> None:
    assert new_findings(valid()) == set()


# ---- participants --------------------------------------------------------------------------


def test_a_held_meeting_without_participants() -> None:
    data = valid()
    row_of(data, "meetings", "会议编号", "M1")["参会人员"] = ""
    assert new_findings(data) == {("meeting.participants", "会议", 3, "参会人员")}


def test_a_meeting_not_yet_held_needs_no_participants_yet() -> None:
    data = valid()
    row_of(data, "meetings", "会议编号", "M1")["参会人员"] = ""
    assert new_findings(data, today=D(2024, 1, 9)) == set()
    assert new_findings(data, today=D(2024, 1, 10)) == {
        ("meeting.participants", "会议", 3, "参会人员")
    }


@pytest.mark.parametrize(
    ("written", "missing"),
    [
        ("学院党建工作领导小组成员、“两代表一委员”、党员干部群众代表共46人", None),
        ("领导小组成员、党员干部群众代表", "两代表一委员"),
        ("两代表一委员", "领导小组、群众代表"),
    ],
)
def test_the_party_committee_meeting_names_every_group(written: str, missing: str | None) -> None:
    data = valid()
    row_of(data, "meetings", "会议编号", "M0")["参会人员"] = written
    found = [f for f in check_data(data) if f.code == "meeting.participants"]
    if missing is None:
        assert found == []
    else:
        assert [f.place for f in found] == [("meeting.participants", "会议", 2, "参会人员")]
        assert f"没有写到：{missing}" in found[0].message


def test_branch_meetings_choose_their_own_participants() -> None:
    data = valid()
    row_of(data, "meetings", "会议编号", "M1")["参会人员"] = "支部党员"
    assert new_findings(data) == set()


# ---- 列席 ------------------------------------------------------------------------------------


def test_branch_meeting_without_observer() -> None:
    data = valid()
    row_of(data, "meetings", "会议编号", "M1")["列席人员"] = ""
    assert new_findings(data) == {("meeting.observer-missing", "会议", 3, "列席人员")}
    # the 党委's own meeting is organised by the 组织部 itself: no 列席 asked
    data = valid()
    row_of(data, "meetings", "会议编号", "M0")["列席人员"] = ""
    assert new_findings(data) == set()


# ---- 一述一评 ---------------------------------------------------------------------------------


def _written(data: dict, count: int) -> None:
    """M0 gets six 二级 reporters (S1, S2 and four more), `count` of them 书面述职."""
    base = row_of(data, "subs", "述职编号", "S1")
    for i in range(4):
        data["subs"].append(dict(base, 述职编号=f"SX{i}", 组织编号="G1"))
    m0 = [s for s in data["subs"] if s["会议编号"] == "M0"]
    for k, s in enumerate(m0):
        s["述职方式"] = "书面述职" if k < count else "现场述职"


@pytest.mark.parametrize(("count", "flagged"), [(1, False), (2, True), (6, True)])
def test_written_share_above_the_setting(count: int, flagged: bool) -> None:
    data = valid()
    _written(data, count)  # 1/6 = 16.7 %, 2/6 = 33.3 % > 30 %
    found = [f for f in check_data(data) if f.code == "meeting.written-share"]
    assert [f.place for f in found] == (
        [("meeting.written-share", "会议", 2, "会议编号")] if flagged else []
    )
    if flagged:
        params = dict(found[0].params)
        assert (params["written"], params["n"]) == (count, 6)


def test_written_share_follows_the_setting() -> None:
    data = valid()
    _written(data, 2)
    places = new_findings(data, **{"书面述职比例上限": "40%"})
    assert ("meeting.written-share", "会议", 2, "会议编号") not in places


def test_small_meetings_are_not_judged_by_share() -> None:
    data = valid()  # M0 has two reporters, one 书面: 50 %, but fewer than 比例适用最少人数
    assert new_findings(data) == set()


# ---- who approves ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sid", "approver", "reason"),
    [
        ("S1", "乙二", "述职人本人"),
        ("S1", "示例党总支", "本级党组织审定"),
        ("S1", "王某", "不是院领导"),
        ("S3", "院领导 某某", "由院领导审定"),
        ("S3", "丁四", "述职人本人"),
        ("S3", "示例第一党支部", "不是所在的二级党组织"),
        ("S3", "另一党总支", "不是所在的二级党组织"),
    ],
)
def test_wrong_approver(sid: str, approver: str, reason: str) -> None:
    data = valid()
    row_of(data, "subs", "述职编号", sid)["审定人"] = approver
    found = [f for f in check_data(data) if f.code == "approval.approver"]
    row = {"S1": 2, "S3": 4}[sid]
    assert [f.place for f in found] == [("approval.approver", "述职", row, "审定人")]
    assert reason in found[0].message


@pytest.mark.parametrize(
    ("sid", "approver"),
    [
        ("S1", "院领导 某某"),
        ("S3", "示例党总支"),
        ("S3", "示例党总支委员会"),
        ("S3", "乙二"),  # the 党总支's secretary signs for it
    ],
)
def test_right_approver(sid: str, approver: str) -> None:
    data = valid()
    row_of(data, "subs", "述职编号", sid)["审定人"] = approver
    assert not [f for f in check_data(data) if f.code == "approval.approver"]


def test_leaders_list_setting() -> None:
    data = valid()
    row_of(data, "subs", "述职编号", "S1")["审定人"] = "院领导 张某"
    row_of(data, "subs", "述职编号", "S2")["审定人"] = "李某"
    places = new_findings(data, **{"院领导名单": "李某；赵某"})
    assert places == {("approval.approver", "述职", 2, "审定人")}
