"""Filling a .docx template from templates/ (docxtpl, autoescaped so `&` or `<` in a value
cannot cut the document) and writing it atomically. Every document module plans a context;
this is the one place that turns a context into a file."""

from __future__ import annotations

import io
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


def render_docx(
    template: str, context: dict[str, Any], path: Path, images: dict[str, bytes] | None = None
) -> Path:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    from annex_tools.workbook.safewrite import atomic_write_bytes

    source = templates_dir() / template
    try:
        doc = DocxTemplate(str(source))
        for key, data in (images or {}).items():
            context[key] = InlineImage(doc, io.BytesIO(data), width=Mm(150))
        doc.render(context, autoescape=True)
        buffer = io.BytesIO()
        doc.save(buffer)
    except Exception as exc:
        raise TemplateError(
            f"模板“{source.name}”无法生成文档：{type(exc).__name__}: {exc}"
        ) from exc
    atomic_write_bytes(path, buffer.getvalue())
    return path
