"""A two-year run: the demo as 2023, `new --from`, some problems still open. Exactly the
unverified ones are carried, linked to last year's 整改编号, attached to the same person (or the
organization's new secretary, said so), and the rule fires for each left untouched."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from builders import check_data, demo_copy
from cli_helpers import annex

from annex_tools.contract import schema as S
from annex_tools.usecases.yearly import REVIEW_NOTE, roll_forward
from annex_tools.workbook.reader import read_workbook


def _col(ws: Any, header: str) -> int:
    return next(c.column for c in ws[1] if c.value == header)


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("years")
    made = demo_copy(root / "demo", mistakes=False)
    last = root / "2023.xlsx"
    book = openpyxl.load_workbook(made.workbook)
    ws = book[S.RECTIFICATIONS.name]
    st, ver, done = _col(ws, "整改状态"), _col(ws, "核验情况"), _col(ws, "完成日期")
    rid, sid = _col(ws, "整改编号"), _col(ws, "述职编号")
    edits = {2: ("整改中", None, None), 3: ("未开始", None, None), 4: ("已完成", None, "keep")}
    edits[5] = ("已完成", "   ", "keep")  # spaces are no verification
    open_ids, sid_of = set(), {}
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, rid).value is None:
            continue
        sid_of[ws.cell(row, rid).value] = ws.cell(row, sid).value
        if row in edits:
            status, verified, keep_done = edits[row]
            ws.cell(row, st).value = status
            ws.cell(row, ver).value = verified
            if keep_done is None:
                ws.cell(row, done).value = None
            open_ids.add(ws.cell(row, rid).value)
        elif ws.cell(row, st).value != "已完成" or not ws.cell(row, ver).value:
            ws.cell(row, st).value, ws.cell(row, ver).value = "已完成", "已核验"
            ws.cell(row, done).value = ws.cell(row, done).value or dt.date(2024, 3, 1)
    # the secretary behind the 未开始 problem (row 3) has changed: a new person in 组织
    changed_sid = sid_of[ws.cell(3, rid).value]
    subs = book[S.SUBMISSIONS.name]
    org_of = {
        subs.cell(r, 1).value: subs.cell(r, _col(subs, "组织编号")).value
        for r in range(2, subs.max_row + 1)
    }
    orgs = book[S.ORGS.name]
    for r in range(2, orgs.max_row + 1):
        if orgs.cell(r, 1).value == org_of[changed_sid]:
            orgs.cell(r, _col(orgs, "书记姓名")).value = "新任书记"
            orgs.cell(r, _col(orgs, "书记工号")).value = "T9999"
    book.save(last)
    before = hashlib.sha256(last.read_bytes()).hexdigest()
    new = root / "2024.xlsx"
    proc = annex("new", new, "--from", last)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return {
        "last": last,
        "new": new,
        "before": before,
        "open_ids": open_ids,
        "changed_sid": changed_sid,
        "proc": proc,
        "old_wb": read_workbook(last),
    }


def test_last_year_file_is_only_read(years: dict[str, Any]) -> None:
    assert hashlib.sha256(years["last"].read_bytes()).hexdigest() == years["before"]


def test_exactly_the_unverified_problems_are_carried_and_linked(years: dict[str, Any]) -> None:
    new = read_workbook(years["new"])
    rects = new.frames["rects"]
    assert set(rects["原整改编号"]) == years["open_ids"]
    assert len(rects) == len(years["open_ids"])
    assert set(rects["问题来源"]) == {S.SOURCE_LAST_YEAR}
    assert set(rects["整改状态"]) == {S.STATUS_NOT_STARTED}
    old = years["old_wb"].frames["rects"].set_index("整改编号")
    for rec in rects.to_dict("records"):
        assert rec["存在问题"] == old.at[rec["原整改编号"], "存在问题"]
        assert rec["上年度情况"].startswith(f"上年度{rec['原整改编号']}：")


def test_each_problem_stays_with_its_person_or_the_new_secretary(years: dict[str, Any]) -> None:
    new = read_workbook(years["new"])
    old_subs = years["old_wb"].frames["subs"].set_index("述职编号")
    old_rects = years["old_wb"].frames["rects"].set_index("整改编号")
    subs = new.frames["subs"].set_index("述职编号")
    for rec in new.frames["rects"].to_dict("records"):
        was = old_subs.loc[old_rects.at[rec["原整改编号"], "述职编号"]]
        now = subs.loc[rec["述职编号"]]
        if old_rects.at[rec["原整改编号"], "述职编号"] == years["changed_sid"]:
            assert (now["书记姓名"], now["书记工号"]) == ("新任书记", "T9999")
            assert now["组织编号"] == was["组织编号"]
            assert f"原责任书记{was['书记姓名']}" in rec["上年度情况"]
            assert "新任书记" in years["proc"].stdout
        else:
            assert (now["书记姓名"], now["书记工号"]) == (was["书记姓名"], was["书记工号"])
            assert "转由" not in rec["上年度情况"]


def test_settings_move_a_year_and_dates_are_marked(years: dict[str, Any]) -> None:
    new = read_workbook(years["new"])
    old = years["old_wb"].settings
    assert new.settings.year == old.year + 1
    assert new.settings.branch_deadline == old.branch_deadline.replace(
        year=old.branch_deadline.year + 1
    )
    assert new.settings.report_deadline.year == old.report_deadline.year + 1
    assert new.settings.min_share == old.min_share and new.settings.exempt == old.exempt
    ws = openpyxl.load_workbook(years["new"])[S.SETTINGS.name]
    notes = {r[0].value: r[2].value or "" for r in ws.iter_rows(min_row=2)}
    assert notes["党支部述职完成截止日期"].startswith(REVIEW_NOTE)
    assert not notes["年度"].startswith(REVIEW_NOTE)


def test_one_row_per_reporting_secretary_with_last_years_grade(years: dict[str, Any]) -> None:
    new = read_workbook(years["new"])
    old = years["old_wb"]
    reporting = old.frames["orgs"]["组织类型"].isin((*S.SECOND_LEVEL_TYPES, S.ORG_STAFF_BRANCH))
    subs = new.frames["subs"]
    assert sorted(subs["组织编号"]) == sorted(old.frames["orgs"].loc[reporting, "组织编号"])
    grades = old.frames["grades"].set_index("述职编号")
    old_subs = old.frames["subs"]
    person = old_subs[old_subs["书记工号"] != ""].iloc[0]
    row = subs[subs["书记工号"] == person["书记工号"]].iloc[0]
    assert grades.at[person["述职编号"], "综合评价等次"] in row["上年度评价"]
    assert f"年度考核：{grades.at[person['述职编号'], '年度考核等次']}" in row["上年度评价"]


def test_rule_fires_for_each_carried_problem_left_untouched(years: dict[str, Any]) -> None:
    plan = roll_forward(years["old_wb"])
    data: dict[str, list[dict[str, Any]]] = {k: [dict(r) for r in v] for k, v in plan.data.items()}
    data["meetings"] = [{"会议编号": "M1", "主办组织编号": "P", "会议日期": dt.date(2025, 1, 10)}]
    for sub in data["subs"]:
        sub["会议编号"] = "M1"
    touched = data["rects"][0]
    touched["整改状态"] = "整改中"
    untouched = {r["整改编号"] for r in data["rects"][1:]}
    assert untouched  # the run has problems left untouched

    def fired(today: dt.date) -> set[str]:
        found = check_data(data, today=today)
        return {
            f.message.split("（")[0].removeprefix("整改")
            for f in found
            if f.code == "rect.carried-untouched"
        }

    assert fired(dt.date(2025, 1, 10)) == untouched  # the meeting day: taken up by now
    assert fired(dt.date(2025, 1, 9)) == set()  # before the meeting: still time


def test_templates_remind_each_person_of_their_carried_problems(
    years: dict[str, Any], tmp_path: Path
) -> None:
    import zipfile

    from annex_tools.usecases.documents import make_templates

    make_templates(years["new"], tmp_path / "t", as_of=dt.date(2025, 1, 2), draft=True)
    texts = {}
    for docx in (tmp_path / "t").glob("*.docx"):
        with zipfile.ZipFile(docx) as z:
            texts[docx.name] = "".join(
                z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/")
            )
    reminded = [t for t in texts.values() if "上年度问题整改（第6项）" in t]
    rects = read_workbook(years["new"]).frames["rects"]
    assert len(reminded) == rects["述职编号"].nunique()
    joined = "".join(reminded)
    assert all(f"上年度整改编号{old}" in joined for old in years["open_ids"])
