"""约谈记录 (issue 20, item 3): one .docx per secretary graded 一般 or 差, through the CLI, with
约谈人 and 约谈提醒日期 from 评议 and the problems from 整改; rendered by LibreOffice and read back
as text. An older master without the 约谈人 column still works (a line to fill by hand)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from builders import row_of, valid
from cli_helpers import annex
from docx import Document

from annex_tools.workbook.builder import new_workbook


def weak(interviewer: str = "示例党总支 乙二") -> dict:
    """The valid institute with 丁四 (S3) graded 一般 and 丙三 (S2) graded 差."""
    data = valid()
    g = row_of(data, "grades", "述职编号", "S3")
    g.update({"综合评价等次": "一般", "约谈提醒日期": dt.date(2024, 1, 25), "约谈人": interviewer})
    g = row_of(data, "grades", "述职编号", "S2")
    g.update({"综合评价等次": "差", "约谈提醒日期": dt.date(2024, 1, 26)})
    r = row_of(data, "rects", "整改编号", "R2")
    r.update({"存在问题": "【严重】主体责任落实不到位", "整改状态": "整改中", "完成日期": ""})
    return data


def text_of(path: Path) -> str:
    doc = Document(str(path))
    return "\n".join(p.text for p in doc.paragraphs)


def test_interviews_through_the_cli_one_record_per_weak_secretary(tmp_path: Path) -> None:
    import pdfplumber
    from test_pages import page_lines, to_pdf

    master = new_workbook(tmp_path / "master.xlsx", weak())
    out = tmp_path / "约谈"
    proc = annex("interviews", master, "--out", out, "--as-of", "2024-06-01")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    files = sorted(p.name for p in out.glob("*.docx"))
    assert files == ["安保后勤直属党支部-丙三-约谈记录.docx", "示例第一党支部-丁四-约谈记录.docx"]
    assert "已生成约谈记录" in proc.stdout
    branch = out / "示例第一党支部-丁四-约谈记录.docx"
    pdf = to_pdf([branch], tmp_path / "pdf")[branch]
    with pdfplumber.open(pdf) as doc:
        lines = [ln for page in doc.pages for ln in page_lines(page)]
        raw = "".join((p.extract_text() or "") for p in doc.pages)
    whole = "".join(lines)
    assert lines[0] == "2023年度抓基层党建述职评议考核约谈记录", lines
    assert "约谈对象：丁四（示例第一党支部书记）" in lines
    assert "综合评价等次：一般" in lines
    assert "约谈人：示例党总支乙二" in lines  # spaces are dropped when read back
    assert any(ln.startswith("约谈时间：2024年1月25日") for ln in lines), lines
    assert (
        "经示例党总支委员会2024年1月12日会议（示例党总支委员会会议纪要〔2024〕1号）研究，"
        "丁四同志2023年度抓基层党建述职评议综合评价等次为“一般”"
    ) in whole
    assert "1.问题（整改措施：措施；整改时限：2024年4月30日）" in whole
    assert "报示例党总支" in whole and "追责问责" not in whole
    assert "草稿" not in raw
    second = text_of(out / "安保后勤直属党支部-丙三-约谈记录.docx")
    assert (
        "经党委常委会2024年1月18日会议（党委常委会会议纪要〔2024〕2号）研究" in second
        and "主体责任落实不到位" in second
    )
    assert "【严重】" not in second and "严肃追责问责" in second  # 差
    assert "约谈人：＿＿" in second  # not in the master: a line to fill by hand
    assert "2024年1月26日" in second


def test_interviews_on_an_older_master_and_with_no_one_weak(tmp_path: Path) -> None:
    master = new_workbook(tmp_path / "master.xlsx", weak())
    wb = openpyxl.load_workbook(master)
    ws = wb["评议"]
    headers = [c.value for c in ws[1]]
    ws.delete_cols(headers.index("约谈人") + 1)  # a master from before the column existed
    wb.save(master)
    out = tmp_path / "old"
    proc = annex("interviews", master, "--out", out, "--as-of", "2024-06-01")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = text_of(out / "示例第一党支部-丁四-约谈记录.docx")
    assert "约谈人：＿＿" in text and "约谈对象：丁四" in text

    clean = new_workbook(tmp_path / "clean.xlsx", valid())
    proc = annex("interviews", clean, "--out", tmp_path / "none", "--as-of", "2024-06-01")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert list((tmp_path / "none").glob("*.docx")) == []


@pytest.mark.parametrize("draft", [False, True])
def test_a_master_with_errors_gives_no_record_unless_a_draft(tmp_path: Path, draft: bool) -> None:
    data = weak()
    row_of(data, "grades", "述职编号", "S3")["约谈提醒日期"] = "2024年1月32日"  # schema.bad-date
    master = new_workbook(tmp_path / "master.xlsx", data)
    out = tmp_path / "out"
    args = ["interviews", master, "--out", out, "--as-of", "2024-06-01"]
    proc = annex(*args, *(["--draft"] if draft else []))
    assert "Traceback" not in proc.stderr
    if draft:
        assert proc.returncode == 0, proc.stdout + proc.stderr
        doc = Document(str(out / "示例第一党支部-丁四-约谈记录.docx"))
        assert "草稿" in doc.sections[0].header.paragraphs[0].text
    else:
        assert proc.returncode != 0
        assert not list(out.glob("*.docx")) if out.exists() else True


def test_the_button_writes_the_records_beside_the_master(tmp_path: Path, monkeypatch) -> None:
    from fake_xlwings import App, Book

    from annex_tools import excel

    master = new_workbook(tmp_path / "master.xlsx", weak())
    book = Book(master, App())
    monkeypatch.setattr(excel.adapter, "calling_book", lambda: book)
    excel.make_interviews()
    message = str(book.app.alerts[-1]["prompt"])
    assert "约谈记录" in message, message
    made = sorted(p.name for p in (tmp_path / "2023年度约谈记录").glob("*.docx"))
    assert made == ["安保后勤直属党支部-丙三-约谈记录.docx", "示例第一党支部-丁四-约谈记录.docx"]
