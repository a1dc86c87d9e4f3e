"""The follow-up workbook (整改台账): its counts equal an independent count of the master's rows,
read back from the written .xlsx; every row carries the master's 整改编号."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from builders import TODAY, D, to_rows, valid

from annex_tools.usecases.rect_ledger import OVERVIEW, make_rect_ledger, sheet_names
from annex_tools.workbook.reader import workbook_from_rows


def _varied() -> dict[str, list[dict[str, Any]]]:
    data = valid()
    base = data["rects"][0]
    extra = [
        # (述职, 状态, 时限, 完成日期, 核验)
        ("S1", "整改中", D(2024, 5, 1), None, ""),  # overdue 31 days on 2024-06-01
        ("S1", "未开始", D(2024, 6, 1), None, ""),  # due today: open
        ("S3", "整改中", None, None, ""),  # no deadline: open
        ("S3", "已完成", D(2024, 4, 30), D(2024, 5, 2), ""),  # late and unverified
        ("S4", "已完成", D(2024, 4, 30), D(2024, 5, 9), "已核验"),  # late, verified
        ("S2", "已完成", D(2024, 4, 30), D(2024, 4, 1), " "),  # spaces: unverified
        # issue 21: impossible states and a completion after the 台账's date
        ("S2", "已完成", D(2024, 4, 30), None, "已核验"),  # done without a date: to check
        ("S4", "整改中", D(2024, 3, 1), None, "党委巡察办公室已核验"),  # open yet verified
        ("S4", "已完成", D(2024, 5, 1), D(2024, 6, 20), "已核验"),  # done after the date: overdue
    ]
    for n, (sid, status, deadline, done, verified) in enumerate(extra, start=10):
        rec = dict(base)
        rec.update(
            {"整改编号": f"R{n}", "述职编号": sid, "整改状态": status, "整改时限": deadline}
            | {"完成日期": done, "核验情况": verified}
        )
        data["rects"].append(rec)
    return data


def _independent(data: dict[str, list[dict[str, Any]]], today: dt.date) -> dict[str, dict]:
    """Count per 二级党组织 straight from the rows, without the module's code."""
    orgs = {o["组织编号"]: o for o in data["orgs"]}
    org_of = {s["述职编号"]: s["组织编号"] for s in data["subs"]}
    out: dict[str, dict[str, int]] = {}
    for r in data["rects"]:
        org = orgs[org_of[r["述职编号"]]]
        body = org if org["组织类型"] != "在职党支部" else orgs[org["上级组织编号"]]
        c = out.setdefault(
            body["组织名称"], dict.fromkeys(("n", "open", "over", "unv", "ok", "odd", "late"), 0)
        )
        c["n"] += 1
        done, verified = r["完成日期"], str(r.get("核验情况") or "").strip()
        if r["整改状态"] == "已完成" and not done or r["整改状态"] != "已完成" and (verified or (done and done <= today)):
            c["odd"] += 1
        elif r["整改状态"] == "已完成" and done <= today:
            c["ok" if verified else "unv"] += 1
            c["late"] += bool(r["整改时限"] and done > r["整改时限"])
        elif r["整改时限"] and r["整改时限"] < today:
            c["over"] += 1
        else:
            c["open"] += 1
    return out


def test_counts_equal_an_independent_count(tmp_path: Path) -> None:
    data = _varied()
    out = tmp_path / "整改台账.xlsx"
    make_rect_ledger(workbook_from_rows(to_rows(data)), TODAY, out)
    book = openpyxl.load_workbook(out)
    ws = book[OVERVIEW]
    header = [c.value for c in ws[4]]
    assert header == [
        "二级党组织",
        "整改总数",
        "未完成",
        "逾期未完成",
        "已完成待核验",
        "已核验",
        "状态待核实",
        "逾期完成",
    ]
    got = {}
    keys = ("n", "open", "over", "unv", "ok", "odd", "late")
    for row in ws.iter_rows(min_row=5, values_only=True):
        if not row[0] or row[0] == "合计":
            break
        got[row[0]] = dict(zip(keys, row[1:8], strict=True))
    expected = _independent(data, TODAY)
    assert got == expected
    assert expected["示例党总支"] == {
        "n": 10, "open": 2, "over": 2, "unv": 1, "ok": 4, "odd": 1, "late": 2
    }  # fmt: skip
    total = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[0] == "合计")
    assert total[1] == len(data["rects"])


def test_each_body_sheet_lists_its_rows_with_the_master_id_and_days_overdue(
    tmp_path: Path,
) -> None:
    data = _varied()
    out = tmp_path / "tz.xlsx"
    fu = make_rect_ledger(workbook_from_rows(to_rows(data)), TODAY, out)
    book = openpyxl.load_workbook(out)
    names = sheet_names(fu.bodies)
    ws = book[names["示例党总支"]]
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "整改编号")
    listed = {r[0]: r for r in rows[start + 1 :] if r[0]}
    assert set(listed) == {"R1", "R3", "R4", *(f"R{n}" for n in (10, 11, 12, 13, 14, 17, 18))}
    header = rows[start]
    col = {h: header.index(h) for h in header}
    assert (
        listed["R10"][col["统计日期状态"]] == "逾期未完成" and listed["R10"][col["逾期天数"]] == 31
    )
    assert listed["R13"][col["统计日期状态"]] == "已完成待核验（逾期完成）"
    # the master's 整改措施 and 责任人 beside each problem
    base = valid()["rects"][0]
    assert listed["R10"][col["整改措施"]] == base["整改措施"]
    assert listed["R10"][col["责任人"]] == (base.get("责任人") or None)
    # impossible states are 状态待核实 with the reason; none reads 已核验 or 逾期未完成
    undated = next(i for i in fu.items if i.rid == "R16")  # 示例第二党总支's sheet
    assert undated.state == "状态待核实" and "没有完成日期" in undated.note
    assert listed["R17"][col["统计日期状态"]] == "状态待核实"
    assert "核验情况却已填写" in listed["R17"][col["说明"]]
    # done after the 台账's date: overdue on it, and its 核验情况 is not shown beside that
    assert listed["R18"][col["统计日期状态"]] == "逾期未完成"
    assert not listed["R18"][col["核验情况"]] and "晚于统计日期" in listed["R18"][col["说明"]]
    for r in listed.values():
        assert not (r[col["统计日期状态"]] == "逾期未完成" and r[col["核验情况"]]), r
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows
    # per secretary: 丁四 (S3) has one open and one done-late unverified, plus R3 verified
    per = {r[0]: r[2:9] for r in rows[4:start] if r[0]}
    assert per["示例第一党支部 丁四"] == (3, 1, 0, 1, 1, 0, 1)


def test_completion_counts_at_the_date_of_the_ledger(tmp_path: Path) -> None:
    """`--as-of` before every completion: nothing is done or verified on that date."""
    data = valid()
    early = min(r["完成日期"] for r in data["rects"] if r["完成日期"]) - dt.timedelta(days=1)
    fu = make_rect_ledger(workbook_from_rows(to_rows(data)), early, tmp_path / "tz.xlsx")
    states = {i.rid: i.state for i in fu.items}
    assert not any(s in ("已核验", "已完成待核验") for s in states.values()), states
    later = make_rect_ledger(workbook_from_rows(to_rows(data)), TODAY, tmp_path / "tz2.xlsx")
    assert any(i.state == "已核验" for i in later.items)


def test_a_master_with_errors_gives_a_draft_on_every_sheet(tmp_path: Path) -> None:
    data = valid()
    data["rects"][0]["完成日期"] = "2024年2月30日"  # schema.bad-date: an error the 台账 reads
    out = tmp_path / "tz.xlsx"
    fu = make_rect_ledger(workbook_from_rows(to_rows(data)), TODAY, out)
    assert fu.draft.startswith("草稿") and "1 个错误" in fu.draft
    book = openpyxl.load_workbook(out)
    for ws in book.worksheets:
        assert ws["A3"].value == fu.draft, ws.title
        assert "草稿" in (ws.oddHeader.center.text or ""), ws.title
    clean = make_rect_ledger(workbook_from_rows(to_rows(valid())), TODAY, tmp_path / "c.xlsx")
    assert clean.draft == ""
    asked = make_rect_ledger(
        workbook_from_rows(to_rows(valid())), TODAY, tmp_path / "d.xlsx", draft=True
    )
    assert asked.draft.startswith("草稿")
    other = valid()
    other["grades"][1]["年度考核等次"] = "优秀"  # grade.linkage-excellent: not what the 台账 reads
    elsewhere = make_rect_ledger(workbook_from_rows(to_rows(other)), TODAY, tmp_path / "e.xlsx")
    assert elsewhere.draft == ""


def test_sheet_names_are_valid_and_unique() -> None:
    names = sheet_names(["A/B党总支", "A:B党总支", "x" * 40, "总览"])
    assert len(set(names.values())) == 4 and "总览" not in names.values()
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names.values())
