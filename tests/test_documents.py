"""Documents on real files: Annex 1 templates, Annex 2, report import, summary, feedback."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from builders import demo_copy, valid
from cli_helpers import annex
from docx import Document
from office import soffice

from annex_tools.analysis import analyze_file
from annex_tools.contract import schema as S
from annex_tools.contract.errors import DocumentIncomplete, FileWriteError
from annex_tools.contract.notice import AREAS
from annex_tools.contract.text import word_count
from annex_tools.demo.institute import SECOND_LEVEL
from annex_tools.documents.annex2 import (
    HEADERS,
    parse_deadline,
    read_back,
    split_items,
    split_measure,
)
from annex_tools.workbook.builder import new_workbook

TODAY = "2026-11-26"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    return demo_copy(tmp_path_factory.mktemp("demo"))


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


# ---- Annex 1 ---------------------------------------------------------------------------------


def test_templates_one_per_reporting_secretary_with_safe_names(tmp_path: Path) -> None:
    data = valid()
    data["orgs"][4]["组织名称"] = 'A/B:党支部*?"<>|'  # B2 with every character Windows forbids
    master = new_workbook(tmp_path / "m.xlsx", data)
    proc = annex("templates", master, "--out", tmp_path / "t")
    assert proc.returncode == 0, proc.stderr
    files = sorted(p.name for p in (tmp_path / "t").glob("*.docx"))
    assert len(files) == 4  # G1, G2, B1, B2 report; the 党委 and the 离退休党支部 do not
    assert "A_B_党支部______-戊五-述职报告.docx" in files
    assert all(not re.search(r'[\\/:*?"<>|]', f) for f in files)


def test_untouched_template_analyzes_and_a_filled_one_round_trips(tmp_path: Path) -> None:
    master = new_workbook(tmp_path / "m.xlsx", valid())
    annex("templates", master, "--out", tmp_path / "t")
    template = tmp_path / "t" / "示例第一党支部-丁四-述职报告.docx"
    a = analyze_file(template)
    assert a.sections_found and a.missing_parts == []
    text = docx_text(template)
    assert "2023年度基层党建工作述职报告" in text and "示例第一党支部 丁四" in text
    # the writing guidance is visible text at the top (issue 21), not hidden header text
    assert "不超过1000字" in text and "不少于30%" in text and "六个方面" in text
    assert not Document(str(template)).sections[0].header.paragraphs[0].text
    areas = [name.split(". ", 1)[1] for name, _ in AREAS]
    for n, area in zip("一二三四五六", areas, strict=True):
        assert f"（{n}）{area}" in text  # the six content areas of the 方案 prompted
    assert "必答" not in text  # a 党支部书记: the 必答 item is for 二级党组织书记
    # fill it in by hand: every placeholder paragraph replaced with real text
    doc = Document(str(template))
    texts = [f"我带头抓好第{i}项工作3次。" for i in range(1, 7)]
    texts += ["我调研不够深入。", "下一步我将加强学习。"]
    fills = iter(texts)
    for p in doc.paragraphs:
        if p.text.startswith("一是 XXX"):
            for run in p.runs[1:]:
                run.text = ""
            p.runs[0].text = next(fills)
    doc.save(str(tmp_path / "filled.docx"))
    proc = annex("analyze", tmp_path / "filled.docx", "--category", "党支部书记", "--json")
    import json

    result = json.loads(proc.stdout)[0]
    duties = sum(word_count(f"（{n}）{a}") for n, a in zip("一二三四五六", areas, strict=True))
    duties += sum(word_count(t) for t in texts[:6])
    sub = word_count("（一）XXX")
    assert result["parts"] == {
        "duties": duties,
        "problems": sub + word_count(texts[6]),
        "plans": sub + word_count(texts[7]),
    }
    assert result["first_person"] and result["figures"]


# ---- Annex 2 out -------------------------------------------------------------------------------


def test_annex2_layout(tmp_path: Path, demo) -> None:
    proc = annex("annex2", demo.workbook, "--out", tmp_path / "a2", "--draft")
    assert proc.returncode == 0, proc.stderr
    files = sorted((tmp_path / "a2").glob("*.xlsx"))
    general = [gid for gid, _, kind in SECOND_LEVEL if kind == S.ORG_GENERAL_BRANCH]
    assert len(files) == len(general)  # each 党总支 with branches; the exempt 直属党支部 have none
    path = tmp_path / "a2" / "附件2-教师发展中心党总支.xlsx"
    ws = openpyxl.load_workbook(path).active
    assert ws["A2"].value == "2023年度在职党支部书记评议考核结果和问题整改清单"
    assert ws["A3"].value == "填表部门：教师发展中心党总支" and ws["D3"].value == "填表人："
    assert ws["A4"].value.startswith("考核时间、地点：2024年1月10日")
    assert [ws.cell(row=6, column=c).value for c in range(1, 7)] == list(HEADERS)
    rows = [r for r in ws.iter_rows(min_row=7, values_only=True) if r[0] and str(r[0]).isdigit()]
    branches = [r[1] for r in rows]
    assert branches == [f"教师发展中心{x}党支部" for x in ("第一", "第二", "第三", "第四", "第五")]
    assert all("\n" in r[2] and r[2].endswith(("现场述职", "书面述职")) for r in rows)
    assert all(r[4].startswith("1. ") for r in rows)
    notes = [ws.cell(row=7 + len(rows) + i, column=1).value for i in range(2)]
    assert notes == [
        "注：1.可自行添加行；",
        "2.安保后勤直属党支部、学术资源部直属党支部不需填写附件2。",
    ]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$6:$6"
    assert ws.cell(row=7, column=5).alignment.wrap_text


def test_annex2_read_back_compares_the_bytes_written(tmp_path: Path) -> None:
    """write_xlsx checks the file it wrote holds exactly the workbook made in memory: a file with
    other bytes (a short write, another program's) is refused with a message naming the file."""
    data = b"PK\x03\x04 the workbook made in memory"
    written = tmp_path / ".annex-tmp.xlsx"
    written.write_bytes(data)
    read_back(tmp_path / "附件2-甲.xlsx", data)(written)  # the same bytes: accepted
    for other in (data[:-1], data[:-1] + b"!", b""):
        written.write_bytes(other)
        with pytest.raises(FileWriteError, match="附件2-甲.xlsx.*回读"):
            read_back(tmp_path / "附件2-甲.xlsx", data)(written)


def test_exempt_body_gets_no_annex2_even_with_branches(tmp_path: Path) -> None:
    data = valid()
    data["orgs"][1]["组织名称"] = "学术资源部直属党支部"  # G1 renamed to an exempt name
    master = new_workbook(tmp_path / "m.xlsx", data)
    annex("annex2", master, "--out", tmp_path / "a2")
    assert list((tmp_path / "a2").glob("*.xlsx")) == []


# ---- Annex 2 back in -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("1. 甲\n2. 乙", ["甲", "乙"]),
        ("1、甲\n2、乙", ["甲", "乙"]),
        ("（1）甲\n（2）乙", ["甲", "乙"]),
        ("①甲\n②乙", ["甲", "乙"]),
        ("甲\n乙", ["甲", "乙"]),
        ("1.甲 2.乙", ["甲", "乙"]),
        ("1. 甲的前半句\n后半句", ["甲的前半句后半句"]),
        ("", []),
    ],
)
def test_split_items(text: str, items: list[str]) -> None:
    assert split_items(text) == items


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2024年3月31日前", dt.date(2024, 3, 31)),
        ("2024.3.31", dt.date(2024, 3, 31)),
        ("2024-03-31", dt.date(2024, 3, 31)),
        ("2024年3月底前", dt.date(2024, 3, 31)),
        ("2024年2月", dt.date(2024, 2, 29)),
        ("2024年底", dt.date(2024, 12, 31)),
        ("长期坚持", None),
    ],
)
def test_parse_deadline(text: str, date: dt.date | None) -> None:
    assert parse_deadline(text) == date


def test_split_measure() -> None:
    assert split_measure("加强学习（2024年4月30日前）") == (
        "加强学习",
        dt.date(2024, 4, 30),
        "2024年4月30日前",
    )
    assert split_measure("加强学习，2024.3.31") == (
        "加强学习",
        dt.date(2024, 3, 31),
        "加强学习，2024.3.31",
    )
    assert split_measure("每月一次（长期）") == ("每月一次（长期）", None, "")


def _returns(tmp_path: Path, demo, org: str = "教师发展中心党总支") -> tuple[Path, Path]:
    master = tmp_path / "master.xlsx"
    shutil.copy(demo.workbook, master)
    shutil.copytree(demo.reports_dir, tmp_path / "reports")
    annex("annex2", master, "--out", tmp_path / "a2", "--draft")
    return master, tmp_path / "a2" / f"附件2-{org}.xlsx"


def test_unchanged_return_changes_nothing(tmp_path: Path, demo) -> None:
    master, _ = _returns(tmp_path, demo)
    before = master.read_bytes()
    proc = annex("import-returns", master, *sorted((tmp_path / "a2").glob("*.xlsx")), "--apply")
    assert proc.returncode == 0, proc.stderr
    assert "已写入 0 项" in proc.stdout
    assert master.read_bytes() == before


def _edit_like_a_branch(path: Path) -> None:
    """What a 党总支 does: grade filled differently, a row added, merged cells, a blank row,
    numbering of its own, deadlines typed as text, a formula-looking problem."""
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    # row 7: 第一党支部 — an extra problem typed in a new row below, with 序号/名称/姓名 merged
    ws.insert_rows(8, amount=2)
    ws["E8"] = "（1）=SUM(A1:A2) 台账记录不规范"
    ws["F8"] = "（1）建立台账，2024年3月底前"
    for col in "ABCD":
        ws.merge_cells(f"{col}7:{col}8")
    # row 9 left blank; row 10 (was 8): 第二党支部 — its grade changed (a conflict)
    ws["D10"] = "一般"
    wb.save(path)


def test_edited_return_imports_the_edits_and_nothing_else(tmp_path: Path, demo) -> None:
    master, path = _returns(tmp_path, demo)
    _edit_like_a_branch(path)
    # let a different office suite save it, as a 党总支 on WPS would (LibreOffice here)
    out = tmp_path / "resaved"
    if shutil.which("soffice"):
        subprocess.run(
            soffice("--headless", "--convert-to", "xlsx", "--outdir", out, path),
            capture_output=True, timeout=180, check=True,
        )  # fmt: skip
        path = out / path.name
    preview = annex("import-returns", master, path)
    assert preview.returncode == 0, preview.stderr
    assert "新增问题" in preview.stdout and "等次冲突" in preview.stdout
    before = openpyxl.load_workbook(master)
    n_rects = sum(1 for r in before["整改"].iter_rows(min_row=2, values_only=True) if r[0])
    applied = annex("import-returns", master, path, "--apply")
    assert "已写入 1 项" in applied.stdout, applied.stdout
    after = openpyxl.load_workbook(master)
    rects = [r for r in after["整改"].iter_rows(min_row=2) if r[0].value]
    assert len(rects) == n_rects + 1
    new = rects[-1]
    headers = [c.value for c in after["整改"][1]]
    record = {h: c for h, c in zip(headers, new, strict=False)}
    assert record["存在问题"].value == "=SUM(A1:A2) 台账记录不规范"
    assert record["存在问题"].data_type == "s"  # text, never a formula
    assert record["整改措施"].value == "建立台账"
    assert record["整改时限"].value.date() == dt.date(2024, 3, 31)
    assert record["问题来源"].value == "考核反馈"
    # the conflicting grade was not overwritten
    grades_before = [c.value for c in before["评议"]["F"]]
    grades_after = [c.value for c in after["评议"]["F"]]
    assert grades_before == grades_after
    assert "tblRectifications" in after["整改"].tables
    assert after["整改"].tables["tblRectifications"].ref.endswith(str(new[0].row))


def test_unreadable_return_is_a_clear_message(tmp_path: Path, demo) -> None:
    master, _ = _returns(tmp_path, demo)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"")
    proc = annex("import-returns", master, bad)
    assert proc.returncode == 2 and "bad.xlsx" in proc.stderr and "Traceback" not in proc.stderr


# ---- report import ---------------------------------------------------------------------------


def test_import_reports_fills_figures_from_the_files(tmp_path: Path, demo) -> None:
    master = tmp_path / "master.xlsx"
    shutil.copy(demo.workbook, master)
    shutil.copytree(demo.reports_dir, tmp_path / "找到的报告")
    wb = openpyxl.load_workbook(master)
    ws = wb["述职"]
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        for h in ("报告文件", "字数", "履职情况占比", "存在问题占比", "工作思路占比"):
            row[headers.index(h)].value = None
    wb.save(master)
    proc = annex("import-reports", master, tmp_path / "找到的报告")
    assert proc.returncode == 0, proc.stderr
    # the demo plants one report that came only by e-mail (述职报告/, not in its reports folder)
    absent = [p for p in demo.planted if p.code == "report.absent"]
    files = len(list(demo.reports_dir.glob("*.docx")))
    assert len(absent) == 1 and files == demo.report_count - 1
    assert f"已填写 {files} 份，缺少报告 {len(absent)} 份" in proc.stdout, proc.stdout
    ws = openpyxl.load_workbook(master)["述职"]
    first = [c.value for c in ws[2]]
    path = tmp_path / first[headers.index("报告文件")]
    a = analyze_file(path)
    assert first[headers.index("字数")] == a.words
    assert first[headers.index("存在问题占比")] == pytest.approx(a.shares["problems"])
    code = annex("check", master, "--json", "--as-of", TODAY)
    assert "report.stale-figures" not in code.stdout


# ---- summary ------------------------------------------------------------------------------


def independent_counts(master: Path, today: dt.date) -> dict[str, int]:
    """The summary's figures computed straight from the sheets, without annex_tools' records."""
    wb = openpyxl.load_workbook(master)

    def rows(name: str) -> list[dict]:
        ws = wb[name]
        headers = [c.value for c in ws[1]]
        return [
            dict(zip(headers, r, strict=False))
            for r in ws.iter_rows(min_row=2, values_only=True)
            if r[0]
        ]

    subs, grades, rects, meetings = rows("述职"), rows("评议"), rows("整改"), rows("会议")
    held = [m for m in meetings if m["会议日期"].date() <= today]
    weak = [g for g in grades if g["综合评价等次"] in ("一般", "差")]
    excellent = [g for g in grades if g["年度考核等次"] == "优秀"]
    return {
        "secretaries": len(subs),
        "vacant": sum(1 for o in rows("组织") if o.get("书记空缺原因")),
        "second": sum(s["述职类别"] == "二级党组织书记" for s in subs),
        "branch": sum(s["述职类别"] == "党支部书记" for s in subs),
        "meetings": len(held),
        "attendees": sum(
            int(x) for m in held for x in re.findall(r"共(\d+)人", m["参会人员"] or "")
        ),
        "excellent": len(excellent),
        "excellent_breaking": sum(g["综合评价等次"] != "好" for g in excellent),
        "weak": len(weak),
        "interviewed": sum(
            bool(g["约谈提醒日期"]) and g["约谈提醒日期"].date() <= today for g in weak
        ),
        "with_list": sum(
            any(
                r["述职编号"] == g["述职编号"] and r["整改措施"] and r["整改时限"] is not None
                for r in rects
            )
            for g in weak
        ),
        "problems": len(rects),
        "with_measure": sum(bool(r["整改措施"]) and r["整改时限"] is not None for r in rects),
        "done": sum(
            r["整改状态"] == "已完成"
            and r["完成日期"] is not None
            and r["完成日期"].date() <= today
            for r in rects
        ),
    }


def test_summary_numbers_equal_an_independent_count(tmp_path: Path, demo) -> None:
    from annex_tools.usecases.documents import make_summary

    plan = make_summary(demo.workbook, tmp_path / "s.docx", dt.date(2026, 11, 26), draft=True).plan
    assert plan["counts"] == independent_counts(demo.workbook, dt.date(2026, 11, 26))
    out = tmp_path / "s.docx"
    text = docx_text(out)
    c = plan["counts"]
    assert f"共有{c['secretaries']}名党组织书记" in text
    assert f"召开述职评议会议{c['meetings']}场，参会人员共{c['attendees']}人次" in text
    assert f"问题{c['problems']}个" in text and f"已完成整改{c['done']}个" in text
    assert "教师发展中心党总支评定5人，“较好”或以下0人，少于应有的1人，未达到要求" in text
    assert (
        "其中教育管理学院第一党支部" in text
        and "与“未达到‘好’的不得评定为‘优秀’”的规定不符" in text
    )
    # per-body table: 党委 first, with the grades it gave
    doc = Document(str(out))
    body_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "评议主体")
    first = [c.text for c in body_table.rows[1].cells]
    assert first[:2] == ["中共示例学院委员会", "10"]
    assert first[-1] == "达到"
    short = next(r for r in body_table.rows if r.cells[0].text == "教师发展中心党总支")
    assert short.cells[-1].text == "未达到" and short.cells[6].text.startswith("0.0%")
    assert "主要做法和成效" in text and "演示文字" in text
    assert any(r.element.xpath(".//pic:pic") for p in doc.paragraphs for r in p.runs)  # the chart


def test_summary_placeholder_when_staff_have_not_written(tmp_path: Path) -> None:
    from annex_tools.usecases.documents import make_summary

    master = new_workbook(tmp_path / "m.xlsx", valid())
    with pytest.raises(DocumentIncomplete) as refused:  # a final report cannot invent its text
        make_summary(master, tmp_path / "s.docx", dt.date(2024, 6, 1))
    assert "“报告正文”表的“主要做法和成效”未填写" in refused.value.reasons
    assert not (tmp_path / "s.docx").exists()
    make_summary(master, tmp_path / "s.docx", dt.date(2024, 6, 1), draft=True)
    text = docx_text(tmp_path / "s.docx")
    assert "【请在主表“报告正文”工作表中填写“主要做法和成效”部分" in text
    assert "草稿说明" in text and "“报告正文”表的“主要做法和成效”未填写" in text


# ---- feedback -----------------------------------------------------------------------------


def test_feedback_one_per_graded_secretary(tmp_path: Path, demo) -> None:
    proc = annex(
        "feedback", demo.workbook, "--out", tmp_path / "fb", "--as-of", "2024-01-25", "--draft"
    )
    assert proc.returncode == 0, proc.stderr
    files = list((tmp_path / "fb").glob("*.docx"))
    assert len(files) == demo.report_count  # every secretary is graded
    weak = next(p for p in files if "基础教育研究所第一党支部" in p.name)  # graded 一般
    text = docx_text(weak)
    assert "综合评价等次为“一般”" in text and "约谈提醒" in text and "不得评定为“优秀”" in text
    good = next(p for p in files if "教师发展中心第一党支部" in p.name)  # graded 好
    assert "约谈提醒" not in docx_text(good)


def test_values_with_markup_characters_do_not_cut_documents(tmp_path: Path) -> None:
    data = valid()
    data["grades"][0]["主要成绩"] = "A&B <好> 成绩"
    data["grades"][0]["不足之处"] = "尾部文字必须保留"
    master = new_workbook(tmp_path / "m.xlsx", data)
    annex("feedback", master, "--out", tmp_path / "fb")
    text = docx_text(next((tmp_path / "fb").glob("示例党总支-*.docx")))
    assert "A&B <好> 成绩" in text and "尾部文字必须保留" in text


# ---- every generated document opens in LibreOffice ---------------------------------------


def test_every_generated_document_converts_to_pdf(tmp_path: Path, demo) -> None:
    annex("templates", demo.workbook, "--out", tmp_path / "t", "--draft")
    annex("annex2", demo.workbook, "--out", tmp_path / "a2", "--draft")
    annex("feedback", demo.workbook, "--out", tmp_path / "fb", "--draft")
    annex("summary", demo.workbook, "--out", tmp_path / "s.docx", "--draft")
    files = [
        *sorted((tmp_path / "t").glob("*.docx"))[:2],
        *sorted((tmp_path / "a2").glob("*.xlsx")),
        *sorted((tmp_path / "fb").glob("*.docx"))[:2],
        tmp_path / "s.docx",
    ]
    out = tmp_path / "pdf"
    proc = subprocess.run(
        soffice("--headless", "--convert-to", "pdf", "--outdir", out, *files),
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    for f in files:
        pdf = out / f.with_suffix(".pdf").name
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), f.name
