"""A vacant secretary post (issue 15, item 5): one info finding, no errors, named in the summary."""

from __future__ import annotations

import pdfplumber
import pytest
from builders import check_data, row_of, valid
from cli_helpers import annex

from annex_tools.contract.findings import Severity


def vacant_b2(reason: str) -> dict:
    data = valid()
    org = row_of(data, "orgs", "组织编号", "B2")
    org["书记姓名"] = ""
    org["书记工号"] = ""
    org["书记空缺原因"] = reason
    for key in ("subs", "grades", "rects"):
        data[key] = [r for r in data[key] if r.get("述职编号") != "S4"]
    return data


def test_vacant_branch_is_one_info_and_no_errors() -> None:
    findings = check_data(vacant_b2("原书记2023年11月调离，待换届选举"))
    vacant = [f for f in findings if f.code == "org.vacant"]
    assert [(f.severity, f.sheet, f.column) for f in vacant] == [
        (Severity.INFO, "组织", "书记空缺原因")
    ]
    assert dict(vacant[0].params)["reason"] == "原书记2023年11月调离，待换届选举"
    assert "示例第二党支部" in vacant[0].message
    assert [f for f in findings if f.severity is Severity.ERROR] == []


def test_without_a_reason_the_post_is_not_vacant() -> None:
    findings = check_data(vacant_b2(""))
    codes = {f.code for f in findings if f.severity is Severity.ERROR}
    assert {"submission.missing", "schema.required"} <= codes
    assert not [f for f in findings if f.code == "org.vacant"]
    missing = next(f for f in findings if f.code == "submission.missing")
    assert "示例第二党支部" in missing.message


def test_vacant_second_level_body() -> None:
    data = valid()
    org = row_of(data, "orgs", "组织编号", "G2")
    org["书记姓名"] = ""
    org["书记空缺原因"] = "书记病故"
    for key in ("subs", "grades", "rects"):
        data[key] = [r for r in data[key] if r.get("述职编号") != "S2"]
    findings = check_data(data)
    assert [f.code for f in findings if f.code == "org.vacant"] == ["org.vacant"]
    assert [f for f in findings if f.severity is Severity.ERROR] == []


def test_an_old_master_without_the_column_still_checks() -> None:
    findings = check_data(valid(), drop={"orgs": "书记空缺原因"})
    assert not [f for f in findings if f.code in ("schema.missing-column", "org.vacant")]


@pytest.mark.slow
def test_summary_and_annex2_name_the_vacancy(tmp_path) -> None:
    import openpyxl
    from test_pages import page_lines, to_pdf

    from annex_tools.workbook.builder import new_workbook

    master = new_workbook(tmp_path / "master.xlsx", vacant_b2("原书记调离，待换届选举"))
    out = tmp_path / "out"
    for args in (
        ("summary", master, "--out", out / "summary.docx", "--as-of", "2024-06-01", "--draft"),
        ("annex2", master, "--out", out / "a2", "--as-of", "2024-06-01"),
    ):
        proc = annex(*args)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    (sheet,) = [p for p in (out / "a2").glob("*.xlsx") if "示例党总支" in p.name]
    assert (
        openpyxl.load_workbook(sheet).active["C8"].value == "书记空缺\n（原书记调离，待换届选举）"
    )
    pdfs = to_pdf([out / "summary.docx"], tmp_path / "pdf")
    with pdfplumber.open(pdfs[out / "summary.docx"]) as doc:
        text = "".join("".join(page_lines(p)) for p in doc.pages)
    assert (
        "另有1个党组织书记空缺（示例第二党支部，原书记调离，待换届选举），本年度不参加述职评议考核。"
        in text
    )
    assert "共有3名党组织书记参加述职评议考核" in text
