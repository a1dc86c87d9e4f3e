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
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

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
    """GB/T 9704 7.5: 四号半角宋体阿拉伯数字, a 一字线 (—) each side; 单页码居右空一字,
    双页码居左空一字 (odd and even page footers)."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        p.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = Pt(14)
        else:
            p.paragraph_format.left_indent = Pt(14)
        p.paragraph_format.first_line_indent = Pt(0)
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
    if font in (H1_FONT, H2_FONT):  # a heading never ends a page
        p.paragraph_format.keep_with_next = True
    return p


def title(doc: Document, *lines: str) -> None:
    """The title (二号小标宋, centred), its lines broken where the meaning breaks (GB/T 9704
    7.3.3: 回行时要做到词意完整, 排列对称): one line each, never wrapped inside a word."""
    p = para(doc, lines[0], TITLE_FONT, 22, WD_ALIGN_PARAGRAPH.CENTER)
    for line in lines[1:]:
        p.runs[-1].add_break()
        run = p.add_run(line)
        set_font(run, TITLE_FONT, 22)
    p.paragraph_format.line_spacing = Pt(36)
    doc.add_paragraph()


def table(
    doc: Document,
    headers: list[str],
    loop: str,
    cells: list[str],
    widths_mm: list[float] | None = None,
    size: float = 12,
) -> None:
    """A table whose middle rows repeat with docxtpl's {%tr %} tags. Column widths are fixed
    (in mm, summing to the 156 mm text width) so Word and LibreOffice do not squeeze a column
    until a name wraps one character per line."""
    t = doc.add_table(rows=4, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    if widths_mm:
        t.autofit = False
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        t._tbl.tblPr.append(layout)
        for col, width in zip(t.columns, widths_mm, strict=True):
            col.width = Mm(width)
            for cell in col.cells:
                cell.width = Mm(width)
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
            set_font(run, BODY_FONT, size, bold=row_cells is t.rows[0])
            cell.paragraphs[0].paragraph_format.line_spacing = Pt(size * 1.5)
            cell.paragraphs[0].paragraph_format.first_line_indent = Pt(0)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in t.rows:  # a row is never split across pages
        cant = OxmlElement("w:cantSplit")
        cant.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(cant)
    # the header row repeats on every page the table runs onto
    tr_pr = t.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def keep_with_next(p) -> None:
    p.paragraph_format.keep_with_next = True


def closing(doc: Document, issuer: str, date: str, last_text) -> None:
    """Signature and date kept on the page of the last paragraph of text (GB/T 9704 7.3.5):
    the 发文机关署名 右空二字, the 成文日期 below it 右空四字."""
    keep_with_next(last_text)
    keep_with_next(doc.add_paragraph())
    signature = para(doc, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.right_indent = Pt(32)
    keep_with_next(signature)
    dated = para(doc, date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    dated.paragraph_format.right_indent = Pt(64)


def border(p, side: str, color: str = "000000", size: int = 8) -> None:
    ppr = p._p.get_or_add_pPr()
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        ppr.append(bdr)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    bdr.append(line)


def red(p) -> None:
    for run in p.runs:
        run.font.color.rgb = RGBColor(0xFF, 0x00, 0x00)


# GB/T 9704 7.2.2: the 发文机关标志's upper edge 35 mm below the 版心's top edge. The spacer
# above it and the mark's own line are exact heights; measured on LibreOffice's rendering
# (tests/test_gongwen.py), the glyphs' top sits this far below the mark line's top.
MARK_SIZE = 30  # pt
MARK_LINE = Pt(44)
MARK_SPACER = Emu(Mm(35) - Pt(4))


def frame_bottom(p) -> None:
    """Put the paragraph in a frame at the foot of the 版心 (GB/T 9704 7.4: the 版记 at the
    bottom of the last page). Consecutive paragraphs with the same frame share it."""
    ppr = p._p.get_or_add_pPr()
    frame = OxmlElement("w:framePr")
    for key, value in (
        ("w:w", str(int(Mm(156).twips))),
        ("w:hRule", "auto"),
        ("w:wrap", "notBeside"),
        ("w:vAnchor", "margin"),
        ("w:hAnchor", "margin"),
        ("w:xAlign", "center"),
        ("w:yAlign", "bottom"),
    ):
        frame.set(qn(key), value)
    ppr.insert(0, frame)


def masthead(doc: Document, with_number: bool) -> None:
    """版头: the 发文机关标志 (red 小标宋) 35 mm below the 版心's top; the 发文字号 居左空一字 and,
    for an upward report, 签发人 居右空一字 (the label 仿宋, the name 楷体) on one line; the red
    separator line 4 mm below them, as wide as the 版心. Each part only when it is set."""
    para(doc, "{%p if issuer_mark %}", indent=False)
    spacer = doc.add_paragraph()
    spacer.paragraph_format.line_spacing = MARK_SPACER
    mark = para(doc, "{{ issuer_mark }}", TITLE_FONT, MARK_SIZE, WD_ALIGN_PARAGRAPH.CENTER)
    mark.paragraph_format.line_spacing = MARK_LINE
    red(mark)
    doc.add_paragraph()
    para(doc, "{%p endif %}", indent=False)
    if with_number:
        para(doc, "{%p if doc_number or signer %}", indent=False)
        number = para(doc, "{{ doc_number }}\t{{ signer_label }}", indent=False)
        name = number.add_run("{{ signer }}")
        set_font(name, H2_FONT, 16)
        number.paragraph_format.left_indent = Pt(16)
        number.paragraph_format.tab_stops.add_tab_stop(
            Emu(Mm(156) - Pt(16)), alignment=WD_TAB_ALIGNMENT.RIGHT
        )  # 签发人 右空一字 (tab stops count from the margin)
        para(doc, "{%p endif %}", indent=False)
        para(doc, "{%p if issuer_mark or doc_number or signer %}", indent=False)
    else:
        para(doc, "{%p if issuer_mark %}", indent=False)
    rule = doc.add_paragraph()
    rule.paragraph_format.line_spacing = Pt(8)
    border(rule, "bottom", "FF0000", 12)
    doc.add_paragraph()
    para(doc, "{%p endif %}", indent=False)


def colophon(doc: Document) -> None:
    """版记 (GB/T 9704 7.4) in a frame at the foot of the last page's 版心: 抄送 (when set) and
    印发机关/印发日期, 四号仿宋, 左右各空一字, between a rule above and below. One paragraph
    (the 抄送 line ends in a line break): LibreOffice keeps only a one-paragraph frame at the
    foot, so the thin rule between 抄送 and 印发 is not drawn."""
    para(doc, "{%p if colophon %}", indent=False)
    p = para(doc, "{% if copy_to %}抄送：{{ copy_to }}。", size=14, indent=False)
    p.add_run().add_break()
    run = p.add_run("{% endif %}{{ printer }}\t{{ print_date }}印发")
    set_font(run, BODY_FONT, 14)
    p.paragraph_format.left_indent = Pt(14)
    p.paragraph_format.right_indent = Pt(14)
    p.paragraph_format.tab_stops.add_tab_stop(
        Emu(Mm(156) - Pt(14)), alignment=WD_TAB_ALIGNMENT.RIGHT
    )  # 印发日期 右空一字
    border(p, "top", "000000", 8)
    border(p, "bottom", "000000", 8)
    frame_bottom(p)
    para(doc, "{%p endif %}", indent=False)


def annex1() -> Document:
    """附件1 as the notice gives it, with the writing guidance as visible text in a box at the
    top (limits, shares, the six content areas, the 必答 item, last year's problems): staff
    see it on screen and on paper and delete it when they write. Part 一 prompts the six areas
    of the 方案 and, for a 二级党组织书记, the 必答 item."""
    doc = gongwen_document()
    para(doc, "附件1", H1_FONT, 16, indent=False)
    title(doc, "{{ year }}年度基层党建工作述职报告")
    para(doc, "{{ org }} {{ name }}", BODY_FONT, 16, WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "（{{ date_line }}）", BODY_FONT, 16, WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "{%p for g in guidance %}", indent=False)
    box = para(doc, "{{ g }}", H2_FONT, 12, indent=False)
    box.paragraph_format.line_spacing = Pt(20)
    for side in ("top", "left", "bottom", "right"):
        border(box, side, "C00000", 6)
    for run in box.runs:
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    para(doc, "{%p endfor %}", indent=False)
    para(doc, "一、履职主要情况", H1_FONT)
    para(doc, "{%p for a in areas %}", indent=False)
    para(doc, "（{{ a.num }}）{{ a.name }}", H2_FONT)
    para(doc, "一是 XXX。二是 XXX。三是 XXX。")
    para(doc, "{%p endfor %}", indent=False)
    para(doc, "{%p if mandatory %}", indent=False)
    para(doc, "（{{ mandatory_num }}）必答：{{ mandatory }}", H2_FONT)
    para(doc, "XXX。")
    para(doc, "{%p endif %}", indent=False)
    for heading in ("二、存在的问题", "三、下一步工作思路"):
        para(doc, heading, H1_FONT)
        para(doc, "（一）XXX", H2_FONT)
        para(doc, "一是 XXX。二是 XXX。三是 XXX。")
    return doc


def feedback() -> Document:
    doc = gongwen_document()
    title(doc, "{{ year }}年度抓基层党建述职评议考核", "评价意见反馈")
    para(doc, "{{ name }}同志（{{ org }}）：", indent=False)
    para(
        doc,
        "经{{ evaluator }}综合平时掌握、调研了解和现场测评等情况，你{{ year }}年度抓基层党建工作的综合评价等次为“{{ grade }}”。现将评价意见反馈如下。",
    )
    para(doc, "{%p if achievements %}", indent=False)
    para(doc, "{{ h_achievements }}", H1_FONT)
    para(doc, "{{ achievements }}")
    para(doc, "{%p endif %}", indent=False)
    para(doc, "{%p if shortcomings %}", indent=False)
    para(doc, "{{ h_shortcomings }}", H1_FONT)
    para(doc, "{{ shortcomings }}")
    para(doc, "{%p endif %}", indent=False)
    para(doc, "{{ h_problems }}", H1_FONT)
    para(doc, "{{ problems_intro }}")
    para(doc, "{%p if problems %}", indent=False)
    table(
        doc,
        ["序号", "存在问题", "整改措施", "整改时限"],
        "p in problems",
        ["{{ p.seq }}", "{{ p.problem }}", "{{ p.measure }}", "{{ p.deadline }}"],
        widths_mm=[13, 52, 51, 40],  # 整改时限: "2024年12月31日" on one line
        size=12,
    )
    para(doc, "{%p endif %}", indent=False)
    para(doc, "{%p if interview %}", indent=False)
    para(doc, "{{ h_interview }}", H1_FONT)
    para(doc, "{{ interview }}")
    para(doc, "{%p endif %}", indent=False)
    last = para(doc, "{{ linkage }}")
    closing(doc, "{{ issuer }}", "{{ date }}", last)
    return doc


def opinion() -> Document:
    """The evaluation opinion filed in the cadre personnel file (干部人事档案)."""
    doc = gongwen_document()
    title(doc, "{{ year }}年度抓基层党建述职评议考核", "评价意见")
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
    last = para(doc, "{{ linkage }}")
    closing(doc, "{{ issuer }}", "{{ date }}", last)
    return doc


def summary() -> Document:
    """An upward report (上行文, GB/T 9704-2012): 发文机关标志 in red, 发文字号 and 签发人, a red
    separator, title, 主送机关, body, signature and date, and the 版记 (抄送, 印发机关 and
    印发日期). Each 公文 element is printed only when it is set on the 设置 sheet."""
    doc = gongwen_document()
    masthead(doc, with_number=True)
    title(doc, "关于{{ year }}年度基层党组织书记抓党建", "述职评议考核工作开展情况的报告")
    para(doc, "{{ addressee }}：", indent=False)
    para(doc, "{{ intro }}")
    para(doc, "一、基本情况", H1_FONT)
    para(doc, "{{ basics }}")
    para(doc, "{{ meetings_text }}")
    table(
        doc,
        ["主办单位", "日期", "地点", "参会人员"],
        "m in meetings",
        ["{{ m.host }}", "{{ m.date }}", "{{ m.place }}", "{{ m.attendees }}"],
        widths_mm=[42, 33, 31, 50],
        size=10.5,
    )
    para(doc, "各时间节点（工作方案“严格遵守时间节点要求”）完成情况如下表。")
    table(
        doc,
        ["事项", "期限", "实际日期", "情况"],
        "t in ledger",
        ["{{ t.item }}", "{{ t.due }}", "{{ t.actual }}", "{{ t.verdict }}"],
        widths_mm=[46, 38, 44, 28],
        size=10.5,
    )
    para(doc, "二、评议结果", H1_FONT)
    para(doc, "{{ grades_text }}")
    table(
        doc,
        ["评议主体", "人数", "好", "较好", "一般", "差", "较好及以下", "是否达到"],
        "b in bodies",
        [
            "{{ b.name }}",
            "{{ b.n }}",
            "{{ b.good }}",
            "{{ b.fair }}",
            "{{ b.average }}",
            "{{ b.poor }}",
            "{{ b.share }}（至少{{ b.minimum }}人）",
            "{{ b.verdict }}",
        ],
        widths_mm=[44, 12, 12, 12, 12, 12, 30, 22],
        size=10.5,
    )
    para(doc, "{%p if ballots %}", indent=False)
    para(doc, "{{ ballots_text }}")
    table(
        doc,
        ["评议主体", "人数", "票数", "好票", "较好票", "一般票", "差票"],
        "v in ballots",
        [
            "{{ v.name }}",
            "{{ v.n }}",
            "{{ v.cast }}",
            "{{ v.good }}",
            "{{ v.fair }}",
            "{{ v.average }}",
            "{{ v.poor }}",
        ],
        widths_mm=[30, 12, 14, 25, 25, 25, 25],
        size=10.5,
    )
    para(doc, "{%p endif %}", indent=False)
    chart = para(doc, "{{ chart }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    # a picture in a paragraph of exact line spacing is clipped to one line: single spacing
    chart.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    chart.paragraph_format.keep_together = True
    para(doc, "{{ linkage_text }}")
    para(doc, "{{ interview_text }}")
    para(doc, "三、问题整改", H1_FONT)
    para(doc, "{{ problems_text }}")
    table(
        doc,
        ["问题来源", "问题数"],
        "s in sources",
        ["{{ s.name }}", "{{ s.count }}"],
        widths_mm=[60, 30],
        size=10.5,
    )
    para(doc, "{{ areas_text }}")
    table(
        doc,
        ["方面（工作方案第二部分）", "问题数"],
        "a in areas",
        ["{{ a.name }}", "{{ a.count }}"],
        widths_mm=[90, 30],
        size=10.5,
    )
    para(doc, "四、主要做法和成效", H1_FONT)
    para(doc, "{{ practices }}")
    para(doc, "五、存在的问题", H1_FONT)
    para(doc, "{{ issues }}")
    para(doc, "六、下一步工作", H1_FONT)
    last = para(doc, "{{ next_steps }}")
    closing(doc, "{{ institute }}", "{{ date }}", last)
    colophon(doc)
    return doc


def grade_notice() -> Document:
    """The 等次通报 (a 下行文): 发文机关标志 in red when set, title, 主送 (设置 通报范围), the grades
    by category in two tables, the notice's consequences, signature and date."""
    doc = gongwen_document()
    masthead(doc, with_number=True)
    title(doc, "关于{{ year }}年度基层党组织书记抓党建", "述职评议考核结果的通报")
    para(doc, "{{ addressee }}：", indent=False)
    para(doc, "{{ intro }}")
    para(doc, "一、二级党组织书记", H1_FONT)
    para(doc, "{{ second_text }}")
    table(
        doc,
        ["序号", "党组织", "书记", "综合评价等次"],
        "r in second",
        ["{{ r.seq }}", "{{ r.org }}", "{{ r.name }}", "{{ r.grade }}"],
        widths_mm=[15, 80, 30, 31],
        size=12,
    )
    para(doc, "二、在职党支部书记", H1_FONT)
    para(doc, "{{ branch_text }}")
    table(
        doc,
        ["序号", "党支部", "书记", "综合评价等次"],
        "r in branch",
        ["{{ r.seq }}", "{{ r.org }}", "{{ r.name }}", "{{ r.grade }}"],
        widths_mm=[15, 80, 30, 31],
        size=12,
    )
    last = para(doc, "{{ closing }}")
    closing(doc, "{{ institute }}", "{{ date }}", last)
    colophon(doc)
    return doc


def urge() -> Document:
    """The 催报通知 (工作进度): title, the body addressed, what is late (a table), by when, the
    组织部's signature and the date."""
    doc = gongwen_document()
    title(doc, "{{ title }}")
    para(doc, "{{ addressee }}：", indent=False)
    para(doc, "{{ intro }}")
    table(
        doc,
        ["序号", "事项", "对象", "应完成日期", "已逾期"],
        "r in items",
        ["{{ r.seq }}", "{{ r.what }}", "{{ r.who }}", "{{ r.due }}", "{{ r.late }}"],
        widths_mm=[12, 50, 48, 28, 18],
        size=12,
    )
    last = para(doc, "{{ ask }}")
    closing(doc, "{{ issuer }}", "{{ date }}", last)
    return doc


def ballot() -> Document:
    """The 现场测评表 of one meeting (issue 20): printed, one per person present; one row per
    secretary with a box for each of 好/较好/一般/差. Not a 公文: plain A4, no 版头."""
    doc = gongwen_document()
    first = para(doc, "{{ title }}", TITLE_FONT, 22, WD_ALIGN_PARAGRAPH.CENTER)
    first.paragraph_format.line_spacing = Pt(36)
    keep_with_next(first)
    title(doc, "现场测评表")  # the title broken by meaning, never inside a word
    para(doc, "会议：{{ meeting }}", indent=False)
    para(doc, "时间：{{ date }}　　地点：{{ place }}", indent=False)
    para(
        doc,
        "请在您认同的等次栏内划“√”，每位书记只选一个等次；多选或不选的，该书记一栏作废。本表不署名，填好后交会议工作人员。",
        size=14,
    )
    table(
        doc,
        ["序号", "党组织", "书记", "好", "较好", "一般", "差"],
        "r in rows",
        ["{{ r.seq }}", "{{ r.org }}", "{{ r.name }}", "□", "□", "□", "□"],
        widths_mm=[13, 63, 24, 14, 14, 14, 14],
        size=12,
    )
    para(doc, "{{ institute }}党委组织部制", align=WD_ALIGN_PARAGRAPH.RIGHT, size=12)
    return doc


def interview() -> Document:
    """The 约谈记录 of one 一般/差 secretary (issue 20): who was talked to, by whom, when, where,
    about which problems; the rest is written by hand or in Word."""
    doc = gongwen_document()
    title(doc, "{{ year }}年度抓基层党建述职评议考核约谈记录")
    for label in (
        "约谈对象：{{ name }}（{{ org }}书记）",
        "综合评价等次：{{ grade }}",
        "约谈人：{{ interviewer }}",
        "约谈时间：{{ date }}　　地点：",
        "记录人：",
    ):
        para(doc, label, indent=False)
    para(doc, "一、约谈依据", H1_FONT)
    para(doc, "{{ basis }}")
    para(doc, "二、指出的主要问题", H1_FONT)
    para(doc, "{%p for p in problems %}", indent=False)
    para(doc, "{{ p }}")
    para(doc, "{%p endfor %}", indent=False)
    para(doc, "三、约谈对象表态", H1_FONT)
    para(doc, "", indent=False)
    para(doc, "", indent=False)
    para(doc, "四、整改要求", H1_FONT)
    para(doc, "{{ requirement }}")
    para(doc, "约谈人签字：　　　　　　约谈对象签字：", indent=False)
    return doc


def main(only: tuple[str, ...] = ()) -> None:
    OUT.mkdir(exist_ok=True)
    for name, build in (
        ("annex1-report.docx", annex1),
        ("feedback.docx", feedback),
        ("summary.docx", summary),
        ("opinion.docx", opinion),
        ("grade-notice.docx", grade_notice),
        ("urge.docx", urge),
        ("ballot.docx", ballot),
        ("interview.docx", interview),
    ):
        if only and name not in only:
            continue
        build().save(str(OUT / name))
        print(OUT / name)


if __name__ == "__main__":
    import sys

    main(tuple(sys.argv[1:]))  # names of templates to write (default: all)
