"""The command line as a new user meets it: Chinese usage errors and help, --out taking a
folder or a file, .pdf through LibreOffice, generators refusing what is not a clean master,
files a person changed never overwritten, analyze's category and exit codes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from builders import valid
from cli_helpers import annex
from docx import Document
from docx_builders import BASIC, make_docx

from annex_tools.analysis import analyze_file, analyze_paragraphs
from annex_tools.workbook.builder import new_workbook

COMMANDS = ("check", "analyze", "templates", "annex2", "summary", "feedback", "archive", "new")
# words that may stay Latin in a Chinese message: options, commands, file kinds, product names
_COMMAND_WORDS = "|".join(COMMANDS)
ALLOWED = re.compile(
    rf"--[\w-]+|annex-tools|import-\w+|build-workbook|\b(?:{_COMMAND_WORDS}|serve)\b"
    r"|\.?(?:docx|xlsx|xlsm|pdf|json)\b"
    r"|YYYY-MM-DD|JSON|Excel|Word|LibreOffice|BagIt|SHA-256|PDF/A-2b|PDF|verify|nosuch\w*"
)


def latin_words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{3,}", ALLOWED.sub("", text))


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "--bogus", "x.xlsx"],
        ["check", "x.xlsx", "--as-of"],
        ["nosuch"],
        ["summary", "a.xlsx", "b", "c"],
        ["check", "x.xlsx", "--jsn"],
        ["serve", "--port", "八千"],  # typer 0.28: "'八千' is not a valid int."
    ],
)
def test_usage_errors_are_chinese_and_exit_2(args: list[str]) -> None:
    proc = annex(*args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "命令用法有误" in proc.stderr
    assert latin_words(proc.stderr) == [], proc.stderr


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_help_is_chinese(command: list[str]) -> None:
    proc = annex(*command, "--help")
    assert proc.returncode == 0, proc.stderr
    for english in ("Usage", "Show this message", "Options", "Arguments", "[required]", "<path>"):
        assert english not in proc.stdout, (english, proc.stdout)
    assert "用法" in proc.stdout and "显示本说明并退出" in proc.stdout


# ---- analyze ---------------------------------------------------------------------------------


def long_report(path: Path, words: int) -> Path:
    """A report with the three parts and exactly `words` 字 by Word's count."""
    paragraphs = list(BASIC)  # 77 字, of which 9 in BASIC[4]
    paragraphs[4] = "我" + "学" * (words - 70) + "。"
    path = make_docx(path, paragraphs)
    assert analyze_file(path).words == words
    return path


def test_analyze_missing_file_exits_2() -> None:
    proc = annex("analyze", "nosuch.docx")
    assert proc.returncode == 2 and "找不到文件" in proc.stderr


def test_analyze_infers_the_category_from_the_file_name(tmp_path: Path) -> None:
    report = long_report(tmp_path / "示例第一党支部-丁四-述职报告.docx", 1200)
    proc = annex("analyze", report, "--json")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # a branch secretary: over 1000
    codes = [f["code"] for f in json.loads(proc.stdout)[0]["findings"]]
    assert "report.too-long" in codes
    second = shutil.copy(report, tmp_path / "示例党总支-甲一-述职报告.docx")
    proc = annex("analyze", second, "--json")
    assert "report.too-long" not in [f["code"] for f in json.loads(proc.stdout)[0]["findings"]]


def test_analyze_asks_for_the_category_when_it_cannot_tell(tmp_path: Path) -> None:
    report = long_report(tmp_path / "report.docx", 1200)
    proc = annex("analyze", report)
    assert proc.returncode == 2 and "--category" in proc.stderr
    assert annex("analyze", report, "--category", "党支部书记").returncode == 1


def test_analyze_takes_the_category_from_the_master(tmp_path: Path) -> None:
    data = valid()
    report = long_report(tmp_path / "report.docx", 1200)
    sub = next(s for s in data["subs"] if s["述职类别"] == "党支部书记")
    sub["报告文件"] = "report.docx"
    master = new_workbook(tmp_path / "m.xlsx", data)
    proc = annex("analyze", report, "--master", master, "--json")
    assert proc.returncode == 1
    assert "report.too-long" in [f["code"] for f in json.loads(proc.stdout)[0]["findings"]]


@pytest.mark.parametrize(
    "joined",
    [
        "一、履职主要情况\u2028我开展了12次学习。",
        "一、履职主要情况\u2029我开展了12次学习。",
        "一、履职主要情况\r\n我开展了12次学习。",
        "一、履职主要情况\r我开展了12次学习。",
        "一、履职主要情况\n我开展了12次学习。",
        "一、履职主要情况\v我开展了12次学习。",
    ],
)
def test_word_count_and_parts_with_line_and_paragraph_separators(joined: str) -> None:
    paragraphs = [*BASIC[:3], joined, *BASIC[5:]]
    a = analyze_paragraphs(paragraphs)
    # the hand count of BASIC: breaks count nothing, except U+2028/U+2029, which Word counts
    # as one word each (issue 21)
    assert a.words == 77 + sum(ch in "\u2028\u2029" for ch in joined)
    assert a.parts["duties"] == 9 and a.sections_found


def test_a_manual_line_break_in_a_docx_separates_heading_and_text(tmp_path: Path) -> None:
    doc = Document()
    for text in BASIC[:3]:
        doc.add_paragraph(text)
    p = doc.add_paragraph("一、履职主要情况")
    p.add_run().add_break()
    p.add_run("我开展了12次学习。")
    for text in BASIC[5:]:
        doc.add_paragraph(text)
    doc.save(str(tmp_path / "r.docx"))
    a = analyze_file(tmp_path / "r.docx")
    assert a.words == 77 and a.parts["duties"] == 9


# ---- generators check their input --------------------------------------------------------------


@pytest.fixture(scope="module")
def masters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("masters")
    clean = new_workbook(root / "clean.xlsx", valid())
    bad = valid()
    bad["grades"][0]["反馈日期"] = "2024年1月32日"
    broken = new_workbook(root / "broken.xlsx", bad)
    bad = valid()
    bad["subs"][0]["述职类别"] = "支部书记"  # read by every generator: who reports, as what
    everyone = new_workbook(root / "everyone.xlsx", bad)
    annex("annex2", clean, "--out", root / "a2")
    return {
        "clean": clean,
        "broken": broken,
        "everyone": everyone,
        "return": next((root / "a2").glob("*.xlsx")),
    }


@pytest.mark.parametrize(
    "command", ["summary", "notice-grades", "feedback", "annex2", "templates", "archive"]
)
def test_generators_refuse_an_annex2_return(command: str, masters, tmp_path: Path) -> None:
    proc = annex(command, masters["return"], "--out", tmp_path / "out")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "这是附件2回执" in proc.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "command", ["summary", "notice-grades", "feedback", "annex2", "templates", "archive"]
)
def test_generators_refuse_a_master_with_errors(command: str, masters, tmp_path: Path) -> None:
    """An error in what every generator reads (a 述职类别 outside the list) refuses them all,
    naming the error and where it is."""
    extra = "--no-pdf" if command == "archive" else "--as-of=2026-11-26"
    proc = annex(command, masters["everyone"], "--out", tmp_path / "out", extra)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "schema.bad-value" in proc.stderr and "“述职”表“述职类别”列" in proc.stderr
    assert ("加 --draft 生成" in proc.stderr) == (command != "archive")
    assert not (tmp_path / "out").exists()


def test_a_generator_refuses_only_for_errors_in_what_it_reads(masters, tmp_path: Path) -> None:
    """A bad 反馈日期 is in what the feedback letters and the summary read, not in what the
    templates, Annex 2 or the grade notice read: those are made, final, and say the master has
    an error elsewhere; the others refuse, naming the sheet and column."""
    broken = masters["broken"]
    for command in ("templates", "annex2"):
        proc = annex(command, broken, "--out", tmp_path / command, "--as-of=2026-11-26")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "主表另有 1 个错误" in proc.stdout and "未影响本次生成" in proc.stdout
        made = sorted((tmp_path / command).glob("*.*x"))
        assert made
    doc = Document(str(sorted((tmp_path / "templates").glob("*.docx"))[0]))
    assert not any("草稿" in s.header.paragraphs[0].text for s in doc.sections if s.header.paragraphs)
    for command, out in (("feedback", "fb"), ("summary", "s.docx")):
        proc = annex(command, broken, "--out", tmp_path / out, "--as-of=2026-11-26")
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "schema.bad-date" in proc.stderr and "“评议”表“反馈日期”列" in proc.stderr
        assert not (tmp_path / out).exists()


def test_draft_marks_every_page(masters, tmp_path: Path) -> None:
    proc = annex("feedback", masters["broken"], "--out", tmp_path / "fb", "--draft")
    assert proc.returncode == 0, proc.stderr
    for f in (tmp_path / "fb").glob("*.docx"):
        doc = Document(str(f))
        assert all("草稿" in s.header.paragraphs[0].text for s in doc.sections), f.name
    proc = annex("annex2", masters["broken"], "--out", tmp_path / "a2", "--draft")
    import openpyxl

    ws = openpyxl.load_workbook(next((tmp_path / "a2").glob("*.xlsx"))).worksheets[0]
    assert "草稿" in (ws.oddHeader.center.text or "")


# ---- --out ---------------------------------------------------------------------------------------


def test_summary_out_folder_file_and_pdf(masters, tmp_path: Path) -> None:
    folder = tmp_path / "报告"
    proc = annex("summary", masters["clean"], "--out", folder, "--draft")  # no 报告日期 set
    assert proc.returncode == 0, proc.stderr
    made = folder / "2023年度述职评议工作情况报告.docx"
    assert made.exists() and "文件夹" in proc.stdout and str(made) in proc.stdout.replace("\n", "")
    proc = annex("summary", masters["clean"], "--out", tmp_path / "s.pdf", "--draft")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF")
    proc = annex("summary", masters["clean"], "--out", tmp_path / "s.xlsx")
    assert proc.returncode == 2 and ".docx" in proc.stderr


def test_many_file_commands_refuse_a_file_as_out(masters, tmp_path: Path) -> None:
    existing = tmp_path / "existing.docx"
    existing.write_bytes(b"keep me")
    for command in ("templates", "feedback", "annex2"):
        proc = annex(command, masters["clean"], "--out", existing)
        assert proc.returncode == 2 and "文件夹" in proc.stderr, proc.stderr
        assert "内部错误" not in proc.stderr
    assert existing.read_bytes() == b"keep me"


# ---- files a person changed ---------------------------------------------------------------------


def test_changed_files_are_kept_and_listed_force_backs_them_up(masters, tmp_path: Path) -> None:
    out = tmp_path / "fb"
    assert annex("feedback", masters["clean"], "--out", out).returncode == 0
    files = sorted(out.glob("*.docx"))
    edited = files[0]
    doc = Document(str(edited))
    doc.add_paragraph("工作人员补充的一段话")
    doc.save(str(edited))
    mine = edited.read_bytes()
    untouched = files[1].stat().st_mtime_ns
    proc = annex("feedback", masters["clean"], "--out", out)
    assert proc.returncode == 0
    assert edited.read_bytes() == mine  # kept
    assert "未覆盖" in proc.stdout and edited.name in proc.stdout.replace("\n", "")
    assert files[1].stat().st_mtime_ns != untouched  # the others were regenerated
    proc = annex("feedback", masters["clean"], "--out", out, "--force")
    assert proc.returncode == 0
    backups = list((out / "备份").glob("*.docx"))
    assert len(backups) == 1 and backups[0].read_bytes() == mine
    assert edited.read_bytes() != mine
    # a same-named file annex-tools did not write is a person's file too
    stranger = tmp_path / "t"
    stranger.mkdir()
    (stranger / "示例第一党支部-丁四-述职报告.docx").write_bytes(b"a person's own file")
    annex("templates", masters["clean"], "--out", stranger)
    assert (stranger / "示例第一党支部-丁四-述职报告.docx").read_bytes() == b"a person's own file"


def test_no_arguments_shows_the_help() -> None:
    proc = annex()
    assert proc.returncode == 0 and proc.stdout.startswith("用法：annex-tools")
    assert "命令用法有误" not in proc.stdout + proc.stderr


def test_brackets_in_names_and_messages_print_as_they_are(tmp_path: Path) -> None:
    """Messages are plain text on the terminal: a file named 报告[final].docx, or the message
    pip install "annex-tools[excel]", keep their brackets (rich markup would eat them)."""
    proc = annex("analyze", tmp_path / "述职报告[final].docx", "--category", "党支部书记")
    assert proc.returncode == 2
    assert "述职报告[final].docx" in proc.stderr.replace("\n", "")
