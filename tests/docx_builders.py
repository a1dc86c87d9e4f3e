"""Builders of real .docx reports for the tests (python-docx, plus raw XML where Word does more)."""

from __future__ import annotations

import copy
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

# Hand-counted: title 13, org line 7, date line 6, headings 8/7/9, bodies 9/8/10 -> total 77.
BASIC = [
    "2023年度基层党建工作述职报告",
    "示例党总支 张三",
    "（2024 年 1月）",
    "一、履职主要情况",
    "我开展了12次学习。",
    "二、存在的问题",
    "我学习不够深入。",
    "三、下一步工作思路",
    "下一步我将加强学习。",
]


def make_docx(path: Path, paragraphs: list[str], headings_as_styles: bool = False) -> Path:
    doc = Document()
    for text in paragraphs:
        if headings_as_styles and text[:2] in ("一、", "二、", "三、"):
            doc.add_heading(text, level=1)
        else:
            doc.add_paragraph(text)
    doc.save(str(path))
    return path


def with_tracked_changes_and_textbox(path: Path) -> Path:
    """BASIC, plus a tracked deletion, a tracked insertion and a text box in part 一."""
    doc = Document()
    for text in BASIC:
        p = doc.add_paragraph(text)
        if text == "我开展了12次学习。":
            p._p.append(
                parse_xml(
                    f'<w:del {W} w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>删除的十个字删除的字</w:delText></w:r></w:del>'
                )
            )
            p._p.append(
                parse_xml(
                    f'<w:ins {W} w:id="2" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:t>新增</w:t></w:r></w:ins>'
                )
            )
            p._p.append(
                parse_xml(
                    f'<w:r {W}><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>'
                    f"<w:txbxContent><w:p><w:r><w:t>文本框里的字不算</w:t></w:r></w:p></w:txbxContent>"
                    "</v:textbox></v:shape></w:pict></w:r>"
                )
            )
    doc.save(str(path))
    return path


def in_table(path: Path) -> Path:
    """BASIC with parts 二 and 三 written inside a one-column table."""
    doc = Document()
    for text in BASIC[:5]:
        doc.add_paragraph(text)
    table = doc.add_table(rows=4, cols=1)
    for cell, text in zip(table.columns[0].cells, BASIC[5:], strict=True):
        cell.text = text
    doc.save(str(path))
    return path


def copy_of(paragraphs: list[str]) -> list[str]:
    return copy.copy(paragraphs)
