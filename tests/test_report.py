"""The report analyzer on real .docx files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from docx_builders import BASIC, in_table, make_docx, with_tracked_changes_and_textbox

from annex_tools.analysis import ReportError, analyze_file, analyze_paragraphs, heading_part


def test_basic_report_counts_as_word(tmp_path: Path) -> None:
    a = analyze_file(make_docx(tmp_path / "r.docx", BASIC))
    assert a.words == 77
    assert a.parts == {"duties": 9, "problems": 8, "plans": 10}
    assert a.shares == {
        "duties": round(9 / 27, 4),
        "problems": round(8 / 27, 4),
        "plans": round(10 / 27, 4),
    }
    assert (a.first_person, a.figures, a.mandatory_item) == (True, True, False)


def test_heading_styles_give_the_same_result(tmp_path: Path) -> None:
    a = analyze_file(make_docx(tmp_path / "r.docx", BASIC, headings_as_styles=True))
    assert (a.words, a.parts["plans"]) == (77, 10)


def test_tracked_deletions_and_text_boxes_do_not_count(tmp_path: Path) -> None:
    a = analyze_file(with_tracked_changes_and_textbox(tmp_path / "r.docx"))
    assert (
        a.parts["duties"] == 9 + 2
    )  # the insertion 新增 counts, the deletion and the text box do not
    assert a.words == 79


def test_text_in_tables_is_found(tmp_path: Path) -> None:
    a = analyze_file(in_table(tmp_path / "r.docx"))
    assert a.parts == {"duties": 9, "problems": 8, "plans": 10}
    assert a.words == 77


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("一、履职主要情况", "duties"),
        ("一、主要履职情况", "duties"),
        ("一. 履职主要情况", "duties"),
        ("1、履职主要情况：", "duties"),
        ("一、 履职主要情况", "duties"),
        ("二、存在的问题", "problems"),
        ("二、存在问题", "problems"),
        ("二、存在的问题及原因分析", "problems"),
        ("三、下一步工作思路", "plans"),
        ("三、下一步工作打算", "plans"),
        ("三、下一步工作措施", "plans"),
        ("三．下一步思路", "plans"),
        ("第三部分 下一步工作思路", "plans"),
        ("（一）存在问题整改情况", None),
        ("我在履职主要情况中讲了很多工作，这是一个句子而不是标题。", None),
        ("2023年度基层党建工作述职报告", None),
    ],
)
def test_heading_variants(text: str, part: str | None) -> None:
    assert heading_part(text) == part


def test_missing_part_gives_null_part_and_shares() -> None:
    a = analyze_paragraphs([p for p in BASIC if not p.startswith("三")])
    assert a.parts["plans"] is None
    assert a.missing_parts == ["plans"]
    assert a.shares == {"duties": None, "problems": None, "plans": None}


def test_mandatory_item_and_first_person_detection() -> None:
    body = [*BASIC[:4], "坚持以高质量党建引领高质量发展。", *BASIC[5:]]
    assert analyze_paragraphs(body).mandatory_item is True
    third = [p.replace("我", "该同志") for p in BASIC]
    assert analyze_paragraphs(third).first_person is False
    # 本人 is the first person too (notice 三、2: 以第一人称写)
    assert analyze_paragraphs([p.replace("我", "本人") for p in BASIC]).first_person is True


def test_figures_in_the_date_line_do_not_count() -> None:
    no_digits = [p if i < 3 else p.replace("12", "十二") for i, p in enumerate(BASIC)]
    assert analyze_paragraphs(no_digits).figures is False


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "空的"), (b"not a zip", "不是 .docx"), (b"PK\x03\x04broken", "不是 .docx")],
)
def test_unreadable_files_raise_a_chinese_reason(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(content)
    with pytest.raises(ReportError, match=reason):
        analyze_file(path)


def test_analyze_cli_json(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx", BASIC)
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "annex_tools",
            "analyze",
            str(good),
            str(bad),
            "--category",
            "党支部书记",
            "--json",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert proc.returncode == 1  # one file cannot be read
    out = json.loads(proc.stdout)
    assert [o["file"] for o in out] == [str(good), str(bad)]
    first = out[0]
    assert set(first) == {
        "file",
        "words",
        "parts",
        "shares",
        "first_person",
        "figures",
        "mandatory_item",
        "findings",
    }
    assert first["words"] == 77 and first["parts"] == {"duties": 9, "problems": 8, "plans": 10}
    # problems 29.6% < 30%: an error; duties 33% is fine
    assert [f["code"] for f in first["findings"]] == ["report.share-problems"]
    assert out[1]["words"] is None and out[1]["findings"][0]["code"] == "report.missing-file"
    assert "Traceback" not in proc.stderr
