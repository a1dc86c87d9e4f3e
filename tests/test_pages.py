"""Documents as a reader sees them: each kind rendered by LibreOffice to PDF, then the pages
checked (pdfplumber reads text, colours, pictures and table rules from the PDF)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from builders import demo_copy, valid
from cli_helpers import annex
from docx import Document
from office import soffice

from annex_tools.workbook.builder import new_workbook

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "src" / "annex_tools" / "fonts.conf"
PAGE_NUMBER = re.compile(r"^[—–-]\s*\d+\s*[—–-]$")
DRAFT = "草稿"


def to_pdf(files: Iterable[Path], out: Path) -> dict[Path, Path]:
    files = list(files)
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS))
    stage = out / "stage"
    stage.mkdir(parents=True, exist_ok=True)
    staged = {}
    for i, f in enumerate(files):  # unique names: letters of two people may share a stem
        staged[f] = shutil.copy(f, stage / f"{i:03d}{f.suffix}")
    subprocess.run(
        soffice("--headless", "--norestore", "--convert-to", "pdf", "--outdir", out, *staged.values()),
        check=True, capture_output=True, timeout=600, env=env,
    )  # fmt: skip
    return {f: out / Path(s).with_suffix(".pdf").name for f, s in staged.items()}


def page_lines(page: pdfplumber.page.Page) -> list[str]:
    # pdfplumber puts spaces between CJK and digits: lines are compared without spaces
    lines = [re.sub(r"\s+", "", ln) for ln in (page.extract_text() or "").splitlines()]
    return [ln for ln in lines if ln and not PAGE_NUMBER.match(ln) and DRAFT not in ln]


def is_red(color: object) -> bool:
    if isinstance(color, list | tuple) and len(color) == 3:
        r, g, b = (float(c) for c in color)
        return r > 0.6 and g < 0.3 and b < 0.3
    return False


def table_columns(page: pdfplumber.page.Page) -> list[float]:
    """Widths of the columns of every ruled table on the page, in points."""
    widths = []
    for table in page.find_tables():
        for row in table.rows:
            for cell in row.cells:
                if cell is not None:
                    widths.append(cell[2] - cell[0])
    return widths


def assert_pages(
    pdf_path: Path,
    pages: tuple[int, int],
    closing: set[str],
    min_picture_height: float = 0,
    pictures: int = 0,
) -> list[str]:
    """The checks every document gets; returns the text of each page."""
    texts = []
    with pdfplumber.open(pdf_path) as pdf:
        assert pages[0] <= len(pdf.pages) <= pages[1], (pdf_path.name, len(pdf.pages))
        drawn = []
        for number, page in enumerate(pdf.pages, start=1):
            lines = page_lines(page)
            texts.append("\n".join(lines))
            # no page holds only the signature and the date
            assert lines and not set(lines) <= closing, (pdf_path.name, number, lines)
            # no table column narrower than two characters of its text
            for width in table_columns(page):
                assert width >= 2 * 10.5, (pdf_path.name, number, width)
            drawn += [img["height"] for img in page.images]
        assert len(drawn) >= pictures, (pdf_path.name, drawn)
        for height in drawn:
            assert height >= min_picture_height, (pdf_path.name, height)
    return texts


def no_one_character_lines(text: str, names: Iterable[str]) -> None:
    """A name that wraps one character per line leaves lines of a single character."""
    for name in names:
        if len(name) > 3:
            assert name in text.replace("\n", "") and name[:2] in text, name
    singles = [ln for ln in text.splitlines() if len(ln.strip()) == 1]
    assert len(singles) <= 2, singles


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("pages")
    made = demo_copy(root / "demo", mistakes=False)
    master = made.workbook
    wb = openpyxl.load_workbook(master)
    ws = wb["设置"]
    values = {
        "报告日期": "2024-01-30",
        "发文机关标志": "中共示例学院委员会文件",
        "发文字号": "示院党〔2024〕3号",
        "签发人": "王明",
        "抄送机关": "市委组织部",
        "印发机关": "中共示例学院委员会办公室",
        "印发日期": "2024-01-31",
        "通报日期": "2024-02-05",
        "通报发文字号": "示院党〔2024〕4号",
    }
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    for key, value in values.items():
        r = rows.get(key) or ws.max_row + 1
        ws.cell(row=r, column=1, value=key)
        ws.cell(row=r, column=2, value=value)
    wb.save(master)
    out = root / "out"
    for args in (
        ("summary", master, "--out", out / "summary.docx", "--as-of", "2024-01-30"),
        ("notice-grades", master, "--out", out / "notice.docx", "--as-of", "2024-01-30"),
        ("feedback", master, "--out", out / "fb", "--as-of", "2024-01-30"),
        ("templates", master, "--out", out / "t", "--as-of", "2024-01-30"),
        ("annex2", master, "--out", out / "a2", "--as-of", "2024-01-30"),
        ("templates", master, "--out", out / "td", "--as-of", "2024-01-30", "--draft"),
        (
            "rectifications",
            master,
            "--out",
            out / "ledger.xlsx",
            "--as-of",
            "2024-01-10",
            "--draft",
        ),
        ("hr-export", master, "--out", out / "hr.xlsx", "--as-of", "2024-01-30", "--draft"),
    ):
        proc = annex(*args)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    plain = new_workbook(root / "plain.xlsx", valid())  # no 公文 elements, no 报告日期, no text
    refused = annex("summary", plain, "--out", out / "refused.docx")
    assert refused.returncode == 1 and not (out / "refused.docx").exists()
    assert annex("summary", plain, "--out", out / "plain.docx", "--draft").returncode == 0
    letters = sorted((out / "fb").glob("*.docx"))
    files = [out / "summary.docx", out / "plain.docx", out / "notice.docx", *letters]
    files += sorted((out / "t").glob("*.docx"))[:3] + sorted((out / "a2").glob("*.xlsx"))
    files += sorted((out / "td").glob("*.docx"))[:1] + [out / "ledger.xlsx", out / "hr.xlsx"]
    pdfs = to_pdf(files, root / "pdf")
    return {
        "pdfs": pdfs,
        "out": out,
        "letters": letters,
        "settings": values,
        "refused": refused.stderr,
        "master": master,
    }


def test_summary_pages(rendered) -> None:
    pdfs, out, st = rendered["pdfs"], rendered["out"], rendered["settings"]
    texts = assert_pages(
        pdfs[out / "summary.docx"],
        (3, 8),
        {"中共示例学院委员会", "2024年1月30日"},
        min_picture_height=150,
        pictures=1,
    )
    whole = "\n".join(texts)
    no_one_character_lines(whole, ["教师发展中心党总支", "中共示例学院委员会"])
    assert "M0" not in whole  # meetings by host and date, not internal ids
    assert "2024年1月30日" in texts[-1] or "2024年1月30日" in texts[-2]
    with pdfplumber.open(pdfs[out / "summary.docx"]) as pdf:
        first = pdf.pages[0]
        red = "".join(c["text"] for c in first.chars if is_red(c.get("non_stroking_color")))
        assert st["发文机关标志"] in red
        assert st["发文字号"] in texts[0] and "签发人" in texts[0] and "王明" in texts[0]
    assert "抄送：市委组织部" in texts[-1].replace(" ", "")
    assert "中共示例学院委员会办公室" in texts[-1] and "2024年1月31日印发" in texts[-1].replace(
        " ", ""
    )


def test_summary_without_gongwen_settings_prints_none_of_them(rendered) -> None:
    """No 报告日期, no 报告正文, no 版头 or 版记: refused as final, naming each; the draft
    says 草稿 on every page, names the same reasons on its first page, and prints none of
    the missing elements."""
    pdfs, out = rendered["pdfs"], rendered["out"]
    for reason in ("报告日期", "主要做法和成效", "发文字号", "签发人", "印发机关", "--draft"):
        assert reason in rendered["refused"], reason
    texts = assert_pages(pdfs[out / "plain.docx"], (2, 8), {"中共示例学院委员会"}, 150, 1)
    with pdfplumber.open(pdfs[out / "plain.docx"]) as pdf:
        first = [re.sub(r"\s+", "", ln) for ln in (pdf.pages[0].extract_text() or "").splitlines()]
    reasons = [ln for ln in first if re.match(r"^\d+\.", ln) or ln.startswith("草稿说明")]
    assert reasons[0].startswith("草稿说明")
    for reason in ("报告日期", "主要做法和成效", "发文字号", "签发人", "印发机关"):
        assert any(reason in ln for ln in reasons), reason
    body = [ln for t in texts for ln in t.splitlines() if ln not in reasons]
    assert not any(ln.startswith(("签发人", "抄送")) or "印发" in ln for ln in body)
    with pdfplumber.open(pdfs[out / "plain.docx"]) as pdf:
        for page in pdf.pages:
            assert DRAFT in (page.extract_text() or ""), page.page_number


def test_every_letter_reads_on_its_pages(rendered) -> None:
    pdfs = rendered["pdfs"]
    for letter in rendered["letters"]:
        texts = assert_pages(pdfs[letter], (1, 3), set())
        whole = "\n".join(texts)
        last = page_lines_of(pdfs[letter])[-1]
        assert any(ln.endswith("委员会") for ln in last[-3:]), last  # the issuer closes it
        assert "（未填写）" not in whole and "待明确" not in whole
        no_one_character_lines(whole, [])


def page_lines_of(pdf_path: Path) -> list[list[str]]:
    with pdfplumber.open(pdf_path) as pdf:
        return [page_lines(p) for p in pdf.pages]


def test_signature_and_date_share_a_page_with_the_letter_text(rendered) -> None:
    for letter in rendered["letters"]:
        pages = page_lines_of(rendered["pdfs"][letter])
        last = pages[-1]
        date_line = next(
            ln for ln in reversed(last) if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", ln)
        )
        assert len(last) >= 4, (letter.name, last)  # text above the issuer and the date
        assert date_line == last[-1]


def test_annex1_templates_print_the_guidance_and_prompt_the_areas(rendered) -> None:
    """The writing guidance is on the page (not hidden header text): the limit, the shares,
    the six content areas of the 方案 as prompts in part 一, and for a 二级党组织书记 the 必答
    item; a --draft template says 草稿 on every page."""
    pdfs, out = rendered["pdfs"], rendered["out"]
    for template in sorted((out / "t").glob("*.docx"))[:3]:
        texts = assert_pages(pdfs[template], (1, 3), set())
        whole = "".join(texts)
        assert "填写说明" in whole and "不超过" in whole and "一、履职主要情况" in whole
        assert "（一）理论武装和政治建设" in whole and "（六）问题整改落实" in whole
        assert DRAFT not in whole
    seen_mandatory = any(
        "必答：" in "".join(p.text for p in Document(str(t)).paragraphs)
        for t in (out / "t").glob("*.docx")
    )
    assert seen_mandatory  # each 二级党组织书记's template prompts the 必答 item
    draft = sorted((out / "td").glob("*.docx"))[0]
    with pdfplumber.open(pdfs[draft]) as pdf:
        for page in pdf.pages:
            assert DRAFT in (page.extract_text() or ""), page.page_number


def test_annex2_pages(rendered) -> None:
    pdfs, out = rendered["pdfs"], rendered["out"]
    for sheet in sorted((out / "a2").glob("*.xlsx")):
        texts = assert_pages(pdfs[sheet], (1, 3), set())
        assert "党支部名称" in texts[0]


def test_summary_shows_the_deadline_ledger(rendered) -> None:
    """The ledger (issue 15, item 2): each time point of the notice with its deadline in force,
    the master's actual date and the verdict, on the rendered pages."""
    pdfs, out = rendered["pdfs"], rendered["out"]
    whole = "".join(assert_pages(pdfs[out / "summary.docx"], (3, 8), set())).replace(" ", "")
    whole = whole.replace("\n", "")
    assert "各时间节点" in whole
    # the clean demo: the 党委 met on 1月16日 (its setting: by 1月20日), deliberated on 1月30日;
    # every 二级 report was sent and each of the eight 党总支's Annex 2 came in time
    for words in ("党委召开", "党委审议并", "2024年1月20日"):
        assert words in whole, words
    assert "报送附件" in whole  # one row per 党总支 (cell text wraps, so counted by verdict)
    assert whole.count("按时") >= 11
    assert "逾期" not in whole and "未记录" not in whole


def test_grade_notice_pages(rendered) -> None:
    """The 等次通报 (issue 15, item 3): the 公文 of the summary (red 发文机关标志), addressed to
    设置 通报范围, every secretary's grade in two tables, signed and dated."""
    pdfs, out, st = rendered["pdfs"], rendered["out"], rendered["settings"]
    texts = assert_pages(pdfs[out / "notice.docx"], (2, 5), {"中共示例学院委员会", "2024年1月30日"})
    whole = "".join(texts).replace(" ", "").replace("\n", "")
    assert "述职评议考核结果的通报" in whole
    assert "各党总支、直属党支部：" in whole  # the 通报范围 default
    assert "二级党组织书记共10人" in whole and "在职党支部书记共40人" in whole
    assert "在一定范围内通报" in whole
    assert "草稿" not in whole  # the clean demo: a final document
    for name in ("教育管理学院党总支", "学术资源部直属党支部", "机关第四党支部"):
        assert name in whole, name
    with pdfplumber.open(pdfs[out / "notice.docx"]) as pdf:
        red = "".join(c["text"] for c in pdf.pages[0].chars if is_red(c.get("non_stroking_color")))
        assert st["发文机关标志"] in red


# ---- GB/T 9704-2012, measured on the rendered pages (issue 21) ------------------------------

MM = 72 / 25.4  # points per millimetre
TOP, LEFT, WIDTH, HEIGHT = 37.0, 28.0, 156.0, 225.0  # the 版心 on A4
CHAR = 16 / MM  # one character of 三号 text, in mm


def lines_of(page: pdfplumber.page.Page) -> list[dict[str, object]]:
    """Text lines with their box in mm: text, top, bottom, x0, x1, size."""
    rows: dict[int, list[dict]] = {}
    for c in page.chars:
        if c["text"].strip():
            rows.setdefault(round(c["top"] * 2), []).append(c)
    out = []
    for key in sorted(rows):
        cs = sorted(rows[key], key=lambda c: c["x0"])
        out.append(
            {
                "text": "".join(c["text"] for c in cs),
                "top": cs[0]["top"] / MM,
                "bottom": max(c["bottom"] for c in cs) / MM,
                "x0": cs[0]["x0"] / MM,
                "x1": cs[-1]["x1"] / MM,
                "size": cs[0]["size"],
                "red": all(is_red(c.get("non_stroking_color")) for c in cs),
            }
        )
    return out


def test_summary_masthead_in_millimetres(rendered) -> None:
    """版头: the red 发文机关标志 centred, its upper edge 35 mm below the 版心's top; 发文字号
    居左空一字 and 签发人 居右空一字 on one line; the red separator 156 mm wide, 4 mm below them;
    the title in two lines broken by meaning; the text inside the 156 x 225 mm 版心."""
    pdfs, out, st = rendered["pdfs"], rendered["out"], rendered["settings"]
    with pdfplumber.open(pdfs[out / "summary.docx"]) as pdf:
        first = pdf.pages[0]
        lines = lines_of(first)
        mark = next(ln for ln in lines if ln["text"] == st["发文机关标志"])
        assert mark["red"]
        assert abs(mark["top"] - (TOP + 35)) <= 1.5, mark["top"]
        assert abs((mark["x0"] + mark["x1"]) / 2 - (LEFT + WIDTH / 2)) <= 1.0
        number = next(ln for ln in lines if str(ln["text"]).startswith(st["发文字号"]))
        assert str(number["text"]).endswith("签发人：王明")
        assert abs(number["x0"] - (LEFT + CHAR)) <= 1.0  # 居左空一字
        assert abs(number["x1"] - (LEFT + WIDTH - CHAR)) <= 1.0  # 居右空一字
        red_rules = [
            r for r in first.lines + first.rects
            if is_red(r.get("stroking_color")) or is_red(r.get("non_stroking_color"))
        ]  # fmt: skip
        assert red_rules, "no red separator"
        rule = red_rules[0]
        assert abs((rule["x1"] - rule["x0"]) / MM - WIDTH) <= 1.0
        assert 3.0 <= rule["top"] / MM - number["bottom"] <= 6.5, (
            rule["top"] / MM - number["bottom"]
        )
        titles = [str(ln["text"]) for ln in lines if ln["size"] == 22]
        assert titles == ["关于2023年度基层党组织书记抓党建", "述职评议考核工作开展情况的报告"]
        for page in pdf.pages:
            for ln in lines_of(page):
                if ln["top"] > TOP + HEIGHT or ln["bottom"] < TOP:  # the footer, the header
                    continue
                # LibreOffice lets a closing punctuation mark hang into the margin
                hang = CHAR if str(ln["text"])[-1:] in "。，、；：”’）》" else 0.0
                assert ln["x0"] >= LEFT - 0.5 and ln["x1"] <= LEFT + WIDTH + 0.5 + hang, ln
                assert ln["top"] >= TOP - 0.5 and ln["bottom"] <= TOP + HEIGHT + 0.5, ln


def test_signer_name_is_kaiti(rendered) -> None:
    """The 签发人's name in 楷体 (the label in 仿宋), as the .docx gives it to Word; this
    machine has no 楷体 font, so the rendered PDF cannot show the face itself."""
    doc = Document(str(rendered["out"] / "summary.docx"))
    para = next(p for p in doc.paragraphs if "签发人" in p.text)
    fonts = {
        r.text: r._r.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        for r in para.runs
        if r.text.strip()
    }
    assert fonts["王明"] == "楷体_GB2312"
    assert all(f == "仿宋_GB2312" for t, f in fonts.items() if t != "王明"), fonts


def test_signature_date_colophon_and_page_numbers(rendered) -> None:
    """署名 右空二字, 成文日期 右空四字; the 版记 at the foot of the last page (its rules on the
    版心's bottom edge); page numbers with a 一字线 each side, 单页居右空一字, 双页居左空一字;
    the ballots as a table, not a paragraph of figures."""
    pdfs, out = rendered["pdfs"], rendered["out"]
    for name, dated in (("summary.docx", "2024年1月30日"), ("notice.docx", "2024年2月5日")):
        with pdfplumber.open(pdfs[out / name]) as pdf:
            last = pdf.pages[-1]
            lines = lines_of(last)
            date = next(ln for ln in lines if ln["text"] == dated)
            signature = lines[lines.index(date) - 1]
            assert signature["text"] == "中共示例学院委员会"
            assert abs(signature["x1"] - (LEFT + WIDTH - 2 * CHAR)) <= 1.0, signature
            assert abs(date["x1"] - (LEFT + WIDTH - 4 * CHAR)) <= 1.0, date
            printed = next(ln for ln in lines if str(ln["text"]).endswith("印发"))
            rules = sorted(
                r["top"] / MM for r in last.lines + last.rects if (r["x1"] - r["x0"]) / MM > 150
            )
            assert rules and abs(rules[-1] - (TOP + HEIGHT)) <= 1.5, rules
            assert printed["top"] > date["bottom"] and TOP + HEIGHT - printed["bottom"] < 12
            for page in pdf.pages:
                number = [ln for ln in lines_of(page) if ln["top"] > TOP + HEIGHT]
                text = "".join(str(ln["text"]) for ln in number)
                assert re.fullmatch(r"—\d+—|\d+——", text) or (
                    "—" in text and str(page.page_number) in text
                ), text
                x0 = min(ln["x0"] for ln in number)
                x1 = max(ln["x1"] for ln in number)
                if page.page_number % 2:
                    assert abs(x1 - (LEFT + WIDTH - 14 / MM)) <= 1.5, (name, page.page_number, x1)
                else:
                    assert abs(x0 - (LEFT + 14 / MM)) <= 1.5, (name, page.page_number, x0)
    with pdfplumber.open(pdfs[out / "summary.docx"]) as pdf:
        whole = "".join(re.sub(r"\s+", "", p.extract_text() or "") for p in pdf.pages)
    assert "现场测评情况：" not in whole  # no paragraph of 40 figures
    assert "票数" in whole and "较好票" in whole


def test_grade_notice_has_number_and_colophon(rendered) -> None:
    pdfs, out, st = rendered["pdfs"], rendered["out"], rendered["settings"]
    with pdfplumber.open(pdfs[out / "notice.docx"]) as pdf:
        first = [str(ln["text"]) for ln in lines_of(pdf.pages[0])]
        last = [str(ln["text"]) for ln in lines_of(pdf.pages[-1])]
    assert st["通报发文字号"] in first and not any("签发人" in ln for ln in first)
    assert [ln for ln in first if ln.startswith("关于") or ln.startswith("述职")][:2] == [
        "关于2023年度基层党组织书记抓党建",
        "述职评议考核结果的通报",
    ]
    assert any(ln.startswith(st["印发机关"]) and ln.endswith("2024年2月5日印发") for ln in last)


def test_letters_titles_and_deadline_column(rendered) -> None:
    """The letter's title in two lines broken by meaning ("反馈" never alone); every date in
    the 整改时限 column on one line."""
    pdfs = rendered["pdfs"]
    for letter in rendered["letters"]:
        with pdfplumber.open(pdfs[letter]) as pdf:
            lines = [str(ln["text"]) for ln in lines_of(pdf.pages[0])]
            titles = [ln for ln in lines if "述职评议考核" in ln or ln in ("评价意见反馈", "反馈")]
            assert titles[:2] == ["2023年度抓基层党建述职评议考核", "评价意见反馈"], titles
            for page in pdf.pages:
                for table in page.extract_tables():
                    for row in table[1:]:
                        deadline = row[-1] or ""
                        if re.search(r"\d{4}年", deadline):
                            assert "\n" not in deadline, (letter.name, deadline)


def test_ledger_and_hr_export_print_as_drafts_with_date_and_source(rendered) -> None:
    """整改台账 at --as-of 2024-01-10 (before any completion): nothing 已核验; every printed
    page says 草稿 and the 统计日期; the HR list prints its headers whole, the date, the
    source and page numbers."""
    pdfs, out = rendered["pdfs"], rendered["out"]
    with pdfplumber.open(pdfs[out / "ledger.xlsx"]) as pdf:
        pages = [re.sub(r"\s+", "", p.extract_text() or "") for p in pdf.pages]
    assert len(pages) >= 2
    for text in pages:
        assert DRAFT in text and "2024-01-10" in text
    overview = pages[0]
    assert "合计" in overview and "已核验" in overview
    wb = openpyxl.load_workbook(out / "ledger.xlsx")
    total = next(r for r in wb["总览"].iter_rows(values_only=True) if r[0] == "合计")
    headers = [c.value for c in wb["总览"][4]]
    assert total[headers.index("已核验")] == 0 and total[headers.index("已完成待核验")] == 0
    with pdfplumber.open(pdfs[out / "hr.xlsx"]) as pdf:
        pages = [re.sub(r"\s+", "", p.extract_text() or "") for p in pdf.pages]
    for n, text in enumerate(pages, start=1):
        assert DRAFT in text and f"第{n}页" in text and "2024-01-30" in text
    assert "年度考核等次（已填）" in pages[0] and "master.xlsx" in pages[0]
