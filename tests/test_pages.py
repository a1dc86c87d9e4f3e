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
from builders import valid
from cli_helpers import annex

from annex_tools.demo import make_demo
from annex_tools.workbook.builder import new_workbook

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "src" / "annex_tools" / "fonts.conf"
PAGE_NUMBER = re.compile(r"^[—–-]\s*\d+\s*[—–-]$")
DRAFT = "草稿"


def to_pdf(files: Iterable[Path], out: Path, profile: Path) -> dict[Path, Path]:
    files = list(files)
    soffice = shutil.which("soffice")
    assert soffice, "CI installs LibreOffice"
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS))
    stage = out / "stage"
    stage.mkdir(parents=True, exist_ok=True)
    staged = {}
    for i, f in enumerate(files):  # unique names: letters of two people may share a stem
        staged[f] = shutil.copy(f, stage / f"{i:03d}{f.suffix}")
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, staged.values())],
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
    made = make_demo(root / "demo", mistakes=False)
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
    }
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    for key, value in values.items():
        r = rows.get(key) or ws.max_row + 1
        ws.cell(row=r, column=1, value=key)
        ws.cell(row=r, column=2, value=value)
    wb.save(master)
    out = root / "out"
    for args in (
        ("summary", master, "--out", out / "summary.docx", "--today", "2024-01-30"),
        ("notice-grades", master, "--out", out / "notice.docx", "--today", "2024-01-30"),
        ("feedback", master, "--out", out / "fb", "--today", "2024-01-30"),
        ("templates", master, "--out", out / "t", "--today", "2024-01-30"),
        ("annex2", master, "--out", out / "a2", "--today", "2024-01-30"),
    ):
        proc = annex(*args)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    plain = new_workbook(root / "plain.xlsx", valid())  # no 公文 elements set
    assert annex("summary", plain, "--out", out / "plain.docx").returncode == 0
    letters = sorted((out / "fb").glob("*.docx"))
    files = [out / "summary.docx", out / "plain.docx", out / "notice.docx", *letters]
    files += sorted((out / "t").glob("*.docx"))[:3] + sorted((out / "a2").glob("*.xlsx"))
    pdfs = to_pdf(files, root / "pdf", root / "profile")
    return {"pdfs": pdfs, "out": out, "letters": letters, "settings": values}


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
    pdfs, out = rendered["pdfs"], rendered["out"]
    texts = assert_pages(pdfs[out / "plain.docx"], (2, 8), {"中共示例学院委员会"}, 150, 1)
    whole = "".join(texts)
    assert "签发人" not in whole and "抄送" not in whole and "印发" not in whole


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


def test_annex1_templates_do_not_print_the_hint(rendered) -> None:
    pdfs, out = rendered["pdfs"], rendered["out"]
    for template in sorted((out / "t").glob("*.docx"))[:3]:
        texts = assert_pages(pdfs[template], (1, 2), set())
        whole = "".join(texts)
        assert "填写提示" not in whole and "一、履职主要情况" in whole


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
