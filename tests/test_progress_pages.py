"""工作进度 and 催报 as printed (issue 19, item 3): the workbook and the notice rendered by
LibreOffice to PDF, and what the pages say read back from the PDF (pdfplumber), not from the
files' XML: a landscape A4 overview naming each body and its late step, the list of what is
missing, and a one-page 催报通知 addressed to the late body, naming the step, its due day, how
late and by when to send it."""

from __future__ import annotations

import re

import pdfplumber
import pytest
from builders import SETTINGS, D, row_of, valid
from test_pages import to_pdf

from annex_tools.usecases.progress import make_progress
from annex_tools.workbook.builder import new_workbook

A4_LONG, A4_SHORT = 842, 595  # points


def _text(page: pdfplumber.page.Page) -> str:
    # pdfplumber puts spaces between CJK and digits: compared without spaces
    return re.sub(r"\s+", "", page.extract_text() or "")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[pdfplumber.page.Page]]:
    root = tmp_path_factory.mktemp("progress-pages")
    data = valid()
    row_of(data, "orgs", "组织编号", "G1")["附件2收到日期"] = None  # never returned
    master = new_workbook(root / "master.xlsx", data, settings=SETTINGS)
    run = make_progress(master, D(2024, 1, 25), root / "out")
    assert run.notices, "a late body gets a 催报通知"
    pdfs = to_pdf([run.workbook, run.notices[0]], root / "pdf")
    out = {}
    for key, source in (("progress", run.workbook), ("notice", run.notices[0])):
        pdf = pdfplumber.open(pdfs[source])
        out[key] = list(pdf.pages)
    return out


def test_the_progress_print_is_landscape_and_names_each_body_and_what_is_late(printed) -> None:
    pages = printed["progress"]
    assert all(p.width > p.height for p in pages)  # A4 landscape
    assert all(abs(p.width - A4_LONG) < 3 and abs(p.height - A4_SHORT) < 3 for p in pages)
    whole = "".join(_text(p) for p in pages)
    assert "述职评议考核工作进度" in whole and "截至2024年1月25日" in whole
    assert "逾期未完成1项" in whole
    assert "示例党总支" in whole
    assert "逾期1项（最多3天）" in whole  # 附件2: due 1月22日, seen on 1月25日
    assert "报送附件2" in whole  # the header wraps in its cell
    assert re.search(r"第\d+页，共\d+页", whole)  # page numbers in the footer
    # the list of what is missing says who, what and since when
    assert "未完成事项" in whole and "逾期3天" in whole


def test_the_reminder_prints_on_one_page_naming_what_and_by_when(printed) -> None:
    pages = printed["notice"]
    assert len(pages) == 1
    page = pages[0]
    assert page.height > page.width and abs(page.width - A4_SHORT) < 3  # A4 portrait
    text = _text(page)
    assert text.startswith("关于催报2023年度基层党组织书记抓党建述职评议考核材料的通知示例党总支：")
    assert "截至2024年1月25日，你单位以下事项已逾期" in text
    # the table: the step (wrapping in its cell), the body, its due day and how late
    table = page.extract_table()
    assert table is not None
    rows = [[re.sub(r"\s+", "", c or "") for c in row] for row in table]
    late = next(r for r in rows if r and r[0] == "1")
    assert late[1:] == ["报送附件2（评议结果和问题整改清单）", "示例党总支", "2024年1月22日", "3天"]
    # by when (设置 催报补报天数 3 after the day of the notice), and who signs, on that day
    assert "请于2024年1月28日前完成并报送党委组织部" in text
    assert text.endswith("中共示例学院委员会组织部2024年1月25日—1—")
    assert "草稿" not in text
