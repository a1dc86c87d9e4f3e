"""Property-based tests of the rules engine (hypothesis): valid institutes give no errors, one
mutation gives its rule's code at its row, and no input makes the engine raise."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from builders import TODAY, check_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

D = dt.date
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def institutes(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """A valid institute: 1-3 党总支 with 1-6 branches each, 0-2 直属党支部, grades that meet the
    15 % minimum in every evaluating body, approvals before meetings, complete rectifications."""
    orgs = [{"组织编号": "P", "组织名称": "党委", "组织类型": "党委", "书记姓名": "书记"}]
    meetings = [
        {
            "会议编号": "M0",
            "主办组织编号": "P",
            "会议日期": D(2024, 1, 16),
            "参会人员": "领导小组成员、两代表一委员、党员干部群众代表",
            "实到人数": 20,  # ballots are cast: those present are recorded (14 ballots each)
        }
    ]
    secretaries: list[tuple[str, str, str, str]] = []  # (org id, category, meeting, body)
    for g in range(draw(st.integers(1, 3))):
        gid = f"G{g}"
        orgs.append(
            {
                "组织编号": gid,
                "组织名称": f"总支{g}",
                "组织类型": "党总支",
                "上级组织编号": "P",
                "书记姓名": f"总支书记{g}",
                # the deadline ledger: its Annex 2 reached the 组织部 by 1月22日
                "附件2收到日期": D(2024, 1, 22) - dt.timedelta(days=draw(st.integers(0, 5))),
            }
        )
        secretaries.append((gid, "二级党组织书记", "M0", "P"))
        day = D(2024, 1, 8) + dt.timedelta(days=draw(st.integers(0, 10)))
        lead = draw(st.integers(3, 10))
        meetings.append(
            {
                "会议编号": f"M{gid}",
                "主办组织编号": gid,
                "会议日期": day,
                "报备日期": day - dt.timedelta(days=lead),
                "参会人员": "支部党员代表",
                "列席人员": "组织部 某某",
                "实到人数": 20,
            }
        )
        for b in range(draw(st.integers(1, 6))):
            bid = f"{gid}B{b}"
            orgs.append(
                {
                    "组织编号": bid,
                    "组织名称": f"支部{gid}{b}",
                    "组织类型": "在职党支部",
                    "上级组织编号": gid,
                    "书记姓名": f"支部书记{gid}{b}",
                }
            )
            secretaries.append((bid, "党支部书记", f"M{gid}", gid))
    for k in range(draw(st.integers(0, 2))):
        orgs.append(
            {
                "组织编号": f"Z{k}",
                "组织名称": f"直属{k}",
                "组织类型": "直属党支部",
                "上级组织编号": "P",
                "书记姓名": f"直属书记{k}",
            }
        )
        secretaries.append((f"Z{k}", "二级党组织书记", "M0", "P"))
    meeting_day = {m["会议编号"]: m["会议日期"] for m in meetings}
    by_body: dict[str, list[int]] = {}
    for i, (_, _, _, body) in enumerate(secretaries):
        by_body.setdefault(body, []).append(i)
    grade_of: dict[int, str] = {}
    for members in by_body.values():
        minimum = math.ceil(len(members) * 0.15 - 1e-9)
        fair = draw(st.integers(minimum, len(members)))
        chosen = set(draw(st.permutations(members))[:fair])
        for i in members:
            grade_of[i] = draw(st.sampled_from(["较好", "一般", "差"])) if i in chosen else "好"
    subs, grades, rects = [], [], []
    for i, (oid, category, mid, parent) in enumerate(secretaries):
        sid = f"S{i}"
        day = meeting_day[mid]
        discussed = day - dt.timedelta(days=draw(st.integers(2, 20)))
        limit = 1500 if category == "二级党组织书记" else 1000
        duties = draw(st.floats(0.2, 0.5))
        problems = draw(st.floats(0.3, 1 - duties))
        subs.append({
            "述职编号": sid, "组织编号": oid, "书记姓名": next(o["书记姓名"] for o in orgs if o["组织编号"] == oid),
            "述职类别": category, "述职方式": draw(st.sampled_from(["现场述职", "书面述职"])),
            "字数": draw(st.integers(300, limit)), "履职情况占比": round(duties, 3), "存在问题占比": round(problems, 3) + 0.001,
            "讨论日期": discussed, "审定日期": discussed + dt.timedelta(days=draw(st.integers(0, (day - discussed).days))),
            "审定人": "院领导 某某" if category == "二级党组织书记" else next(o["组织名称"] for o in orgs if o["组织编号"] == parent),
            "会议编号": mid,
            # a 二级 report reaches the 组织部 at least a day before the 党委's meeting
            **({"报送组织部日期": day - dt.timedelta(days=draw(st.integers(1, 10)))}
               if category == "二级党组织书记" else {}),
        })  # fmt: skip
        grade = grade_of[i]
        grades.append({
            "述职编号": sid, "测评好票": 10, "测评较好票": 3, "测评一般票": 1, "测评差票": 0,
            "综合评价等次": grade, "主要成绩": "成绩", "不足之处": "不足",
            "年度考核等次": draw(st.sampled_from(["优秀", "合格"] if grade == "好" else ["合格", "基本合格"])),
            "约谈提醒日期": day + dt.timedelta(days=3) if grade in ("一般", "差") else None,
            "反馈日期": day + dt.timedelta(days=2),
        })  # fmt: skip
        for j in range(draw(st.integers(1, 3))):
            deadline = day + dt.timedelta(days=draw(st.integers(1, 120)))
            rects.append({
                "整改编号": f"R{i}-{j}", "述职编号": sid, "问题来源": "自身查摆", "存在问题": "问题",
                "整改措施": "措施", "整改时限": deadline, "整改状态": "已完成", "完成日期": deadline,
            })  # fmt: skip
    return {"orgs": orgs, "meetings": meetings, "subs": subs, "grades": grades, "rects": rects}


def errors(data: dict[str, list[dict[str, Any]]]) -> list[tuple]:
    return [f.place for f in check_data(data, TODAY) if f.severity.value == "error"]


@FAST
@given(institutes())
def test_valid_institutes_have_no_errors(data: dict[str, list[dict[str, Any]]]) -> None:
    assert errors(data) == []


MUTATIONS = {
    # code: (sheet key, mutation of the record, expected sheet, expected column)
    "grade.linkage-excellent": (
        "grades",
        lambda r: r.update(综合评价等次="较好", 年度考核等次="优秀", 约谈提醒日期=None),
        "评议",
        "年度考核等次",
    ),
    "grade.interview-missing": (
        "grades",
        lambda r: r.update(综合评价等次="一般", 年度考核等次="合格", 约谈提醒日期=None),
        "评议",
        "约谈提醒日期",
    ),
    "grade.opinion-incomplete": ("grades", lambda r: r.update(不足之处=""), "评议", "不足之处"),
    "approval.order": (
        "subs",
        lambda r: r.update(审定日期=r["讨论日期"] - dt.timedelta(days=1)),
        "述职",
        "审定日期",
    ),
    "report.too-long": ("subs", lambda r: r.update(字数=1501), "述职", "字数"),
    "report.share-problems": ("subs", lambda r: r.update(存在问题占比=0.1), "述职", "存在问题占比"),
    "rect.done-without-date": ("rects", lambda r: r.update(完成日期=None), "整改", "完成日期"),
    "rect.measure-missing": ("rects", lambda r: r.update(整改措施=""), "整改", "整改措施"),
    "schema.bad-date": ("rects", lambda r: r.update(整改时限="明年春天"), "整改", "整改时限"),
    "schema.duplicate-id": ("rects", lambda r: r.update(整改编号="R0-0"), "整改", "整改编号"),
}


@FAST
@given(institutes(), st.sampled_from(sorted(MUTATIONS)), st.data())
def test_one_mutation_gives_its_code_at_its_row(
    data: dict[str, list[dict[str, Any]]], code: str, pick: st.DataObject
) -> None:
    key, mutate, sheet, column = MUTATIONS[code]
    rows = data[key]
    index = (
        pick.draw(st.integers(1 if code == "schema.duplicate-id" else 0, len(rows) - 1))
        if len(rows) > 1
        else 0
    )
    if code == "schema.duplicate-id" and len(rows) < 2:
        return
    mutate(rows[index])
    found = {f.place for f in check_data(data, TODAY)}
    assert (code, sheet, index + 2, column) in found


cell_values = st.one_of(
    st.none(), st.text(max_size=12), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(D(1900, 1, 1), D(2100, 1, 1)), st.sampled_from(["好", "优秀", "#N/A", "2024年13月1日", "=1+1", "　", "P", "M0", "S0"]),
)  # fmt: skip


@FAST
@given(
    institutes(),
    st.lists(
        st.tuples(
            st.sampled_from(["orgs", "subs", "meetings", "grades", "rects"]),
            st.integers(0, 50),
            st.integers(0, 20),
            cell_values,
        ),
        max_size=12,
    ),
)
def test_engine_never_raises(data: dict[str, list[dict[str, Any]]], edits: list[tuple]) -> None:
    from annex_tools.contract import schema as S

    for key, row, col, value in edits:
        rows = data[key]
        if not rows:
            continue
        sheet = S.SHEETS_BY_KEY[key]
        rows[row % len(rows)][sheet.headers[col % len(sheet.headers)]] = value
    check_data(data, TODAY)  # any finding is fine; an exception is not
