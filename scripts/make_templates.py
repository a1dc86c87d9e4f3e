"""Write the .docx templates in templates/ (run once; staff then restyle them in Word or WPS).

    python scripts/make_templates.py

Layout follows GB/T 9704-2012 (党政机关公文格式): A4, top 37 mm, left 28 mm, text area
156 x 225 mm; title 二号 方正小标宋简体; body 三号 仿宋_GB2312 at 22 lines a page; level-1
headings 黑体, level-2 楷体_GB2312; page numbers 四号 with a dash each side. Fields are docxtpl
(Jinja) tags, each inside one run so Word keeps them whole.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

OUT = Path(__file__).resolve().parents[1] / "templates"
TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"
LINE = Pt(28.95)  # 225 mm / 22 lines


def set_font(run_or_style, name: str, size: float, bold: bool = False) -> None:
    font = run_or_style.font
    font.name = name
    font.size = Pt(size)
    font.bold = bold
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


def gongwen_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(25)
    normal = doc.styles["Normal"]
    set_font(normal, BODY_FONT, 16)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE
    pf.space_before = pf.space_after = Pt(0)
    # the default template carries a Japanese theme language: make it Simplified Chinese
    rpr = normal.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    page_number_footer(doc)
    return doc


def page_number_footer(doc: Document) -> None:
    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in ("— ", None, " —"):
        run = p.add_run(text or "")
        set_font(run, "宋体", 14)
        if text is None:
            fld = OxmlElement("w:fldSimple")
            fld.set(qn("w:instr"), "PAGE")
            inner = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.text = "1"
            inner.append(t)
            fld.append(inner)
            run._r.addnext(fld)


def para(
    doc: Document,
    text: str,
    font: str = BODY_FONT,
    size: float = 16,
    align=None,
    indent: bool = True,
    bold: bool = False,
):
    p = doc.add_paragraph()
    run = p.add_run(text)
    set_font(run, font, size, bold)
    if align is not None:
        p.alignment = align
    if indent and align is None:
        p.paragraph_format.first_line_indent = Pt(32)
    return p


def title(doc: Document, text: str) -> None:
    p = para(doc, text, TITLE_FONT, 22, WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.line_spacing = Pt(36)
    doc.add_paragraph()


def table(doc: Document, headers: list[str], loop: str, cells: list[str]) -> None:
    """A table whose middle rows repeat with docxtpl's {%tr %} tags."""
    t = doc.add_table(rows=4, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row_cells, texts in zip(
        t.rows,
        (
            headers,
            [f"{{%tr for {loop} %}}"] + [""] * (len(headers) - 1),
            cells,
            ["{%tr endfor %}"] + [""] * (len(headers) - 1),
        ),
        strict=True,
    ):
        for cell, text in zip(row_cells.cells, texts, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            set_font(run, BODY_FONT, 12, bold=row_cells is t.rows[0])
            cell.paragraphs[0].paragraph_format.line_spacing = Pt(18)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def annex1() -> Document:
    doc = gongwen_document()
    header = doc.sections[0].header.paragraphs[0]
    run = header.add_run("{{ reminder }}")
    set_font(run, "楷体_GB2312", 10.5)
    run.font.hidden = True  # 隐藏文字: shown with 显示编辑标记 (¶) on screen, never printed
    para(doc, "附件1", H1_FONT, 16, indent=False)
    title(doc, "{{ year }}年度基层党建工作述职报告")
    para(doc, "{{ org }} {{ name }}", BODY_FONT, 16, WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "（{{ date_line }}）", BODY_FONT, 16, WD_ALIGN_PARAGRAPH.CENTER)
    for heading, subs in (
        ("一、履职主要情况", 2),
        ("二、存在的问题", 2),
        ("三、下一步工作思路", 1),
    ):
        para(doc, heading, H1_FONT)
        for i, num in enumerate("一二"[:subs]):
            para(doc, f"（{num}）XXX", H2_FONT)
            if subs > 1 or i:
                para(doc, "一是 XXX。二是 XXX。三是 XXX。")
        if subs == 1:
            para(doc, "一是 XXX。二是 XXX。三是 XXX。")
    return doc


def feedback() -> Document:
    doc = gongwen_document()
    title(doc, "{{ year }}年度抓基层党建述职评议考核评价意见反馈")
    para(doc, "{{ name }}同志（{{ org }}）：", indent=False)
    para(
        doc,
        "经{{ body }}综合平时掌握、调研了解和现场测评等情况，你{{ year }}年度抓基层党建工作的综合评价等次为“{{ grade }}”。现将评价意见反馈如下。",
    )
    para(doc, "一、主要成绩", H1_FONT)
    para(doc, "{{ achievements }}")
    para(doc, "二、不足之处", H1_FONT)
    para(doc, "{{ shortcomings }}")
    para(doc, "三、问题整改清单", H1_FONT)
    para(doc, "请认真梳理自己查摆、领导点评、考核反馈指出的问题，抓好整改落实：")
    table(
        doc,
        ["序号", "存在问题", "整改措施", "整改时限"],
        "p in problems",
        ["{{ p.seq }}", "{{ p.problem }}", "{{ p.measure }}", "{{ p.deadline }}"],
    )
    para(doc, "{%p if interview %}", indent=False)
    para(doc, "四、约谈提醒", H1_FONT)
    para(
        doc,
        "根据工作方案，对综合评价等次为“一般”和“差”的，要约谈提醒、限期整改。{{ interview }}请对照上述问题，按期完成整改，并将整改情况报{{ body }}。",
    )
    para(doc, "{%p endif %}", indent=False)
    para(doc, "{{ linkage }}")
    doc.add_paragraph()
    para(doc, "{{ issuer }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, "{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    return doc


def opinion() -> Document:
    """The evaluation opinion filed in the cadre personnel file (干部人事档案)."""
    doc = gongwen_document()
    title(doc, "{{ year }}年度抓基层党建述职评议考核评价意见")
    for label in (
        "姓　　名：{{ name }}",
        "工　　号：{{ staff_no }}",
        "单位职务：{{ org }}书记",
        "综合评价等次：{{ grade }}",
    ):
        para(doc, label, indent=False)
    para(doc, "一、主要成绩", H1_FONT)
    para(doc, "{{ achievements }}")
    para(doc, "二、不足之处", H1_FONT)
    para(doc, "{{ shortcomings }}")
    para(doc, "三、结果运用", H1_FONT)
    para(doc, "{{ linkage }}")
    doc.add_paragraph()
    para(doc, "{{ issuer }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, "{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    return doc


def summary() -> Document:
    doc = gongwen_document()
    title(doc, "关于{{ year }}年度基层党组织书记抓党建述职评议考核工作开展情况的报告")
    para(doc, "市委教育工委：", indent=False)
    para(doc, "{{ intro }}")
    para(doc, "一、基本情况", H1_FONT)
    para(doc, "{{ basics }}")
    para(doc, "{{ meetings_text }}")
    table(
        doc,
        ["会议", "主办单位", "日期", "地点", "参会人员"],
        "m in meetings",
        ["{{ m.mid }}", "{{ m.host }}", "{{ m.date }}", "{{ m.place }}", "{{ m.attendees }}"],
    )
    para(doc, "二、评议结果", H1_FONT)
    para(doc, "{{ grades_text }}")
    table(
        doc,
        [
            "评议主体",
            "评议对象",
            "人数",
            "好",
            "较好",
            "一般",
            "差",
            "较好及以下占比",
            "最低人数",
            "比例要求",
        ],
        "b in bodies",
        [
            "{{ b.name }}",
            "{{ b.category }}",
            "{{ b.n }}",
            "{{ b.good }}",
            "{{ b.fair }}",
            "{{ b.average }}",
            "{{ b.poor }}",
            "{{ b.share }}",
            "{{ b.minimum }}",
            "{{ b.verdict }}",
        ],
    )
    para(doc, "{{ chart }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "{{ linkage_text }}")
    para(doc, "{{ interview_text }}")
    para(doc, "三、问题整改", H1_FONT)
    para(doc, "{{ problems_text }}")
    table(doc, ["问题来源", "问题数"], "s in sources", ["{{ s.name }}", "{{ s.count }}"])
    para(doc, "{{ areas_text }}")
    table(
        doc, ["方面（工作方案第二部分）", "问题数"], "a in areas", ["{{ a.name }}", "{{ a.count }}"]
    )
    para(doc, "四、主要做法和成效", H1_FONT)
    para(doc, "{{ practices }}")
    para(doc, "五、存在的问题", H1_FONT)
    para(doc, "{{ issues }}")
    para(doc, "六、下一步工作", H1_FONT)
    para(doc, "{{ next_steps }}")
    doc.add_paragraph()
    para(doc, "{{ institute }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, "{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    return doc


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, build in (
        ("annex1-report.docx", annex1),
        ("feedback.docx", feedback),
        ("summary.docx", summary),
        ("opinion.docx", opinion),
    ):
        build().save(str(OUT / name))
        print(OUT / name)


if __name__ == "__main__":
    main()
