"""Filling a .docx template from templates/ (docxtpl, autoescaped so `&` or `<` in a value
cannot cut the document) and writing it atomically. Every document module plans a context;
this is the one place that turns a context into a file."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annex_tools.contract.errors import TemplateError
from annex_tools.resources import data_dir


def templates_dir() -> Path:
    """templates/ beside the project, or the copy pip installed under share/annex-tools."""
    found = data_dir("templates", "annex1-report.docx")
    if found is None:
        raise TemplateError(
            "找不到文档模板文件夹 templates/（应包含 annex1-report.docx 等）。请在项目目录中运行"
        )
    return found


DRAFT_MARK = "草稿　仅供核对，不得印发"


def mark_draft(doc: Any, reasons: Sequence[str] = ()) -> None:
    """A red 草稿 line at the top of every page (the header of every section), and on the
    first page, above the text, why it is a draft (`reasons`)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    if reasons and doc.paragraphs:
        first = doc.paragraphs[0]
        lines = ["草稿说明（正式印发前须处理，处理后重新生成）："]
        lines += [f"{i}. {r}" for i, r in enumerate(reasons, start=1)]
        for text in lines:
            p = first.insert_paragraph_before("")
            p.paragraph_format.first_line_indent = Pt(0)
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            run = p.add_run(text)
            run.bold = text is lines[0]
            run.font.size = Pt(12)
            run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)

    even = doc.settings.odd_and_even_pages_header_footer
    for i, section in enumerate(doc.sections):
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if even:
            headers.append(section.even_page_header)
        for header in headers:
            if i and header.is_linked_to_previous:  # shows the previous section's header
                continue
            first = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            p = first.insert_paragraph_before("")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(DRAFT_MARK)
            run.bold = True
            run.font.size = Pt(14)
            run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def render_docx(
    template: str,
    context: dict[str, Any],
    path: Path,
    images: dict[str, bytes] | None = None,
    *,
    draft: bool = False,
    reasons: Sequence[str] = (),
) -> Path:
    """Fill `template` with `context` and write `path`; `draft` heads every page 草稿 and
    names `reasons` on the first page."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    from annex_tools.workbook.safewrite import atomic_write_bytes

    source = templates_dir() / template
    try:
        doc = DocxTemplate(str(source))
        for key, data in (images or {}).items():
            context[key] = InlineImage(doc, io.BytesIO(data), width=Mm(150))
        doc.render(context, autoescape=True)
        if draft:
            mark_draft(doc.docx, reasons)
        buffer = io.BytesIO()
        doc.save(buffer)
    except Exception as exc:
        raise TemplateError(
            f"模板“{source.name}”无法生成文档：{type(exc).__name__}: {exc}"
        ) from exc
    atomic_write_bytes(path, buffer.getvalue())
    return path
