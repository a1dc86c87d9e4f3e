"""The analyser reads the notice as people write it (issue: the rest of the notice, item 6).

Notice 三、2: "分为履职主要情况、问题、思路三部分" and "以第一人称写"; 二、(一)2 is 必答.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import annex
from docx_builders import BASIC, make_docx

from annex_tools.analysis import analyze_paragraphs, heading_part

TITLE = ["2023年度基层党建工作述职报告", "示例党总支 张三", "（2024 年 1月）"]


@pytest.mark.parametrize(
    ("line", "part"),
    [
        ("二、问题", "problems"),
        ("三、思路", "plans"),
        ("一、2023年履职情况", "duties"),
        ("一、2023年度履职主要情况", "duties"),
        ("二、本年度存在的问题", "problems"),
        ("三、2024年工作思路", "plans"),
        ("第二部分 问题", "problems"),
        ("二、存在的问题", "problems"),
        # not headings: a bare short form, a subsection number, a sentence of the body
        ("问题", None),
        ("（二）问题", None),
        ("思路不够开阔", None),
        ("我支部存在的问题较多，主要是学习不够", None),
    ],
)
def test_heading_variants(line: str, part: str | None) -> None:
    assert heading_part(line) == part


def test_the_notices_own_short_headings_give_three_parts() -> None:
    paragraphs = [
        *TITLE,
        "一、2023年履职情况",
        "我开展了12次学习。",
        "二、问题",
        "我学习不够深入，调研不够。",
        "三、思路",
        "下一步我将加强学习。",
    ]
    a = analyze_paragraphs(paragraphs)
    assert a.sections_found
    assert (a.parts["duties"], a.parts["problems"], a.parts["plans"]) == (9, 13, 10)


@pytest.mark.parametrize(("word", "expected"), [("我", True), ("本人", True), ("该同志", False)])
def test_first_person_words(word: str, expected: bool) -> None:
    body = [p.replace("我", word) for p in BASIC]
    assert analyze_paragraphs(body).first_person is expected


def test_mandatory_item_only_in_the_title_is_not_answered() -> None:
    keys = ("高质量党建", "高质量发展")
    in_title = ["以高质量党建引领高质量发展的述职报告", *BASIC[1:]]
    assert analyze_paragraphs(in_title, mandatory=keys).mandatory_item is False
    in_body = [*BASIC[:4], "我坚持以高质量党建引领高质量发展，开展了12次学习。", *BASIC[5:]]
    assert analyze_paragraphs(in_body, mandatory=keys).mandatory_item is True
    heading_only = [*BASIC[:3], "一、高质量党建引领高质量发展情况", *BASIC[4:]]
    assert analyze_paragraphs(heading_only, mandatory=keys).mandatory_item is False


def test_explanation_names_the_lines() -> None:
    keys = ("高质量党建", "高质量发展")
    a = analyze_paragraphs(["以高质量党建引领高质量发展", *BASIC[1:]], mandatory=keys)
    text = "\n".join(a.explanation)
    assert "存在的问题：标题在第6行“二、存在的问题”" in text
    assert "第一人称：第5行有“我”" in text
    assert "必答项“高质量党建”：只出现在标题或题头（第1行）" in text


def test_analyze_explain_through_the_cli(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "r.docx", [*TITLE, "一、履职情况", "本人开展学习。", "二、问题", "不足。"]
    )
    proc = annex("analyze", path, "--category", "党支部书记", "--explain")
    assert proc.returncode == 1, proc.stderr  # 思路 is missing
    assert "下一步工作思路：没有找到标题" in proc.stdout
    assert "第一人称：第5行有“本人”" in proc.stdout
    proc = annex("analyze", path, "--category", "党支部书记", "--explain", "--json")
    out = json.loads(proc.stdout)
    assert any("没有找到标题" in line for line in out[0]["explanation"])
    proc = annex("analyze", path, "--category", "党支部书记", "--json")
    assert "explanation" not in json.loads(proc.stdout)[0]
