"""工作进度 and 催报 (issue 19, item 3): per body and step, done / due / late by N days, read back
from the written workbook and 催报 documents; and the schedule agreeing with the findings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from builders import D, row_of, to_rows, valid
from docx import Document

from annex_tools.usecases.check import check_workbook
from annex_tools.usecases.progress import make_progress
from annex_tools.workbook.builder import new_workbook
from annex_tools.workbook.reader import workbook_from_rows


def _master(tmp_path: Path, data: dict) -> Path:
    from builders import SETTINGS

    return new_workbook(tmp_path / "master.xlsx", data, settings=SETTINGS)


def _late_data() -> dict:
    data = valid()
    row_of(data, "orgs", "组织编号", "G1")["附件2收到日期"] = None  # not yet returned
    row_of(data, "subs", "述职编号", "S2")["报送组织部日期"] = D(2024, 1, 16)  # sent late
    return data


def test_progress_says_done_due_and_late_per_body(tmp_path: Path) -> None:
    master = _master(tmp_path, _late_data())
    early = make_progress(master, D(2024, 1, 20), tmp_path / "early")
    assert early.plan.counts["late"] == 0  # 附件2 is due on 1月22日: pending, not late
    assert not early.notices
    row = next(r for r in early.plan.overview if r["组织"] == "示例党总支")
    assert row["报送附件2（评议结果和问题整改清单）"] == "未完成，1月22日到期"

    late = make_progress(master, D(2024, 1, 25), tmp_path / "late")
    book = openpyxl.load_workbook(late.workbook)
    ws = book["工作进度"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    headers = [c.value for c in ws[3]]
    g1 = dict(zip(headers, rows["示例党总支"], strict=True))
    assert g1["报送附件2（评议结果和问题整改清单）"] == "逾期1项（最多3天）"
    assert g1["述职报告报送党委组织部"].startswith("已完成")
    g2 = dict(zip(headers, rows["安保后勤直属党支部"], strict=True))
    assert g2["述职报告报送党委组织部"] == "已完成（1月16日），其中逾期完成1项"
    detail = [r for r in book["未完成事项"].iter_rows(min_row=4, values_only=True)]
    assert detail[0][:2] == ("示例党总支", "报送附件2（评议结果和问题整改清单）")
    assert "逾期3天" in detail[0][4]
    # one 催报 notice, to the body that is late, naming what and since when
    assert [p.name for p in late.notices] == ["催报通知-示例党总支.docx"]
    text = "\n".join(p.text for p in Document(str(late.notices[0])).paragraphs)
    cells = [c.text for t in Document(str(late.notices[0])).tables for c in t._cells]
    assert "示例党总支：" in text and "2024年1月28日前" in text  # 设置 催报补报天数 3
    assert "报送附件2（评议结果和问题整改清单）" in cells and "2024年1月22日" in cells
    assert "3天" in cells


# ---- the ledger, progress and the findings are one computation -------------------------------


def _findings(data: dict, today: dt.date) -> set[tuple[str, int | None]]:
    result = check_workbook(workbook_from_rows(to_rows(data)), today)
    return {(f.code, f.row) for f in result.findings if f.code.startswith("deadline.")}


def _schedule_late(data: dict, today: dt.date) -> set[tuple[str, int | None]]:
    result = check_workbook(workbook_from_rows(to_rows(data)), today)
    assert result.schedule is not None
    f = result.schedule.frame
    bad = f[f["verdict"].isin(["late", "done-late"]) & f["step"].isin(["report-sent", "annex2"])]
    code = {"report-sent": "deadline.report-sent", "annex2": "deadline.annex2-received"}
    return {(code[s], int(r)) for s, r in zip(bad["step"], bad["_row"], strict=True)}


def _extra_meeting(data: dict) -> dict:
    """A second 党委 meeting on 1月5日 (another session), nobody's own meeting moved."""
    m = dict(row_of(data, "meetings", "会议编号", "M0"), 会议编号="M9", 会议日期=D(2024, 1, 5))
    data["meetings"].append(m)
    return data


@pytest.mark.parametrize(
    "edit",
    ["valid", "late", "missing", "extra-meeting"],
)
def test_ledger_schedule_and_findings_agree(edit: str) -> None:
    from annex_tools.documents.summary import deadline_ledger
    from annex_tools.institute import institute

    data = valid()
    if edit == "late":
        row_of(data, "subs", "述职编号", "S1")["报送组织部日期"] = D(2024, 1, 16)
        row_of(data, "orgs", "组织编号", "G1")["附件2收到日期"] = D(2024, 1, 24)
    elif edit == "missing":
        row_of(data, "subs", "述职编号", "S2")["报送组织部日期"] = None
        row_of(data, "orgs", "组织编号", "G1")["附件2收到日期"] = None
    elif edit == "extra-meeting":
        _extra_meeting(data)
    today = D(2024, 6, 1)
    findings = _findings(data, today)
    assert findings == _schedule_late(data, today)
    wb = workbook_from_rows(to_rows(data))
    ledger = deadline_ledger(institute(wb), wb.settings, today)
    sent = next(r for r in ledger if r["item"] == "二级党组织书记述职报告报送党委组织部")
    annex2 = next(r for r in ledger if r["item"].endswith("报送附件2"))
    assert (sent["verdict"] == "按时") is (not any(c == "deadline.report-sent" for c, _ in findings))
    assert (annex2["verdict"] == "按时") is (
        not any(c == "deadline.annex2-received" for c, _ in findings)
    )
