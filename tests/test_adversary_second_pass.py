"""Issue 22, cases 4, 5, 7 and 9: no crash on malformed input (each a Chinese message naming
the file, and the sheet, row and column where there is one), a bounded terminal table, kill
recovery that verify explains and that leaves no office process behind, and the messages a
person trips over. Through the CLI on real files."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from builders import demo_copy, valid
from cli_helpers import annex

from annex_tools.workbook.builder import new_workbook


def no_crash(proc: subprocess.CompletedProcess[str]) -> None:
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text and "内部错误" not in text, text


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("pass2") / "demo", mistakes=False).workbook


@pytest.fixture
def master(demo: Path, tmp_path: Path) -> Path:
    shutil.copytree(demo.parent, tmp_path / "demo")
    return tmp_path / "demo" / demo.name


def rows_of(ws, header: str, value: object) -> list[int]:
    col = [c.value for c in ws[1]].index(header) + 1
    return [r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=col).value == value]


def set_cell(ws, row: int, header: str, value: object) -> None:
    ws.cell(row=row, column=[c.value for c in ws[1]].index(header) + 1, value=value)


# ---- 4. crashes -----------------------------------------------------------------------------


def test_an_appraisal_outside_the_list_on_a_person_with_two_posts(master: Path) -> None:
    """蔡兰永 (T10101) also secretary of a branch: two 述职 rows, one 工号; one of them gets a
    年度考核等次 that is not in the list."""
    wb = openpyxl.load_workbook(master)
    orgs, subs, grades = wb["组织"], wb["述职"], wb["评议"]
    branch_sub = next(
        r for r in range(2, subs.max_row + 1)
        if subs.cell(row=r, column=6).value == "党支部书记"
    )  # fmt: skip
    branch_org = subs.cell(row=branch_sub, column=2).value
    set_cell(subs, branch_sub, "书记姓名", "蔡兰永")
    set_cell(subs, branch_sub, "书记工号", "T10101")
    (org_row,) = rows_of(orgs, "组织编号", branch_org)
    set_cell(orgs, org_row, "书记姓名", "蔡兰永")
    set_cell(orgs, org_row, "书记工号", "T10101")
    sid = subs.cell(row=branch_sub, column=1).value
    (grade_row,) = rows_of(grades, "述职编号", sid)
    set_cell(grades, grade_row, "年度考核等次", "特优")
    (first,) = rows_of(grades, "述职编号", "S001")
    set_cell(grades, first, "年度考核等次", "合格")
    wb.save(master)
    proc = annex("check", master, "--json", "--as-of", "2024-03-01")
    no_crash(proc)
    findings = json.loads(proc.stdout)["findings"]
    assert proc.returncode == 1
    assert any(
        f["sheet"] == "评议" and f["row"] == grade_row and f["column"] == "年度考核等次"
        for f in findings
    ), findings
    for command in (["hr-export", master], ["archive", master, "--no-pdf"]):
        other = annex(*command)  # hr-export does not check; archive refuses the errors
        no_crash(other)
        assert other.returncode in ((0, 1) if command[0] == "hr-export" else (1,)), other.stderr


def test_merged_cells_in_the_grades_sheet_stop_an_import_with_the_cell_named(
    tmp_path: Path,
) -> None:
    master = new_workbook(tmp_path / "master.xlsx", valid())
    assert annex("annex2", master, "--out", tmp_path / "a2").returncode == 0
    wb = openpyxl.load_workbook(master)
    ws = wb["评议"]
    col = [c.value for c in ws[1]].index("综合评价等次") + 1
    rows = [r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value]
    for r in rows:
        ws.cell(row=r, column=col).value = None  # every grade to come from the return
    letter = openpyxl.utils.get_column_letter(col)
    ws.merge_cells(f"{letter}{rows[0]}:{letter}{rows[-1]}")
    wb.save(master)
    before = master.read_bytes()
    proc = annex("import-returns", master, *sorted((tmp_path / "a2").glob("*.xlsx")), "--apply")
    no_crash(proc)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "合并单元格" in proc.stderr and "评议" in proc.stderr and "综合评价等次" in proc.stderr
    assert str(master.name) in proc.stderr
    assert master.read_bytes() == before


def test_a_file_size_limit_while_writing_is_a_chinese_message(master: Path) -> None:
    """RLIMIT_FSIZE below the size of the master's temporary sheet files: every write fails with
    EFBIG (the same path as a full temporary folder)."""
    before = master.read_bytes()

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    env = dict(os.environ, COLUMNS="200", PYTHONIOENCODING="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "annex_tools", "check", str(master), "--write", "--as-of", "2024-03-01"],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=300, preexec_fn=limit,
    )  # fmt: skip
    no_crash(proc)
    assert proc.returncode == 2 and "大小上限" in proc.stderr, proc.stderr
    assert master.read_bytes() == before
    assert not [p for p in master.parent.iterdir() if p.name.startswith(".annex-")]


def test_a_billion_laughs_return_is_refused_naming_the_sheet(tmp_path: Path) -> None:
    master = new_workbook(tmp_path / "master.xlsx", valid())
    assert annex("annex2", master, "--out", tmp_path / "a2").returncode == 0
    (good,) = (tmp_path / "a2").glob("*.xlsx")
    bomb = tmp_path / "回执.xlsx"
    levels = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 10))
    dtd = f'<!DOCTYPE worksheet [<!ENTITY e0 "ha">{levels}]>'
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                data = text.replace("?>", "?>" + dtd, 1).encode("utf-8")
            zout.writestr(info, data)
    proc = annex("import-returns", master, bomb, "--apply")
    no_crash(proc)
    assert proc.returncode == 2
    assert bomb.name in proc.stderr and "XML 炸弹" in proc.stderr and "工作表“" in proc.stderr
    assert "ValueError" not in proc.stderr and "--apply" not in proc.stdout + proc.stderr


def test_doctor_on_a_word_document(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "报告.docx"
    docx.Document().save(str(path))
    proc = annex("doctor", path)
    no_crash(proc)
    assert proc.returncode == 2 and "Word 文档" in proc.stderr and path.name in proc.stderr
    assert "InvalidFileException" not in proc.stderr


# ---- 5. a bounded terminal table --------------------------------------------------------------


def test_the_terminal_table_is_bounded_and_json_has_everything(tmp_path: Path) -> None:
    master = new_workbook(tmp_path / "master.xlsx", valid())
    wb = openpyxl.load_workbook(master)
    ws = wb["述职"]
    width = sum(1 for c in ws[1] if c.value)
    for r in range(ws.max_row + 1, ws.max_row + 301):  # 300 rows of garbage
        for c in range(1, width + 1):
            ws.cell(row=r, column=c, value=f"乱{r}-{c}")
    wb.save(master)
    full = annex("check", master, "--json", "--as-of", "2024-03-01")
    total = len(json.loads(full.stdout)["findings"])
    assert total > 300
    table = annex("check", master, "--as-of", "2024-03-01")
    no_crash(table)
    assert table.returncode == 1
    shown = [x for x in table.stdout.splitlines() if ".schema" in x or "述职 第" in x]
    assert len(shown) <= 150, len(shown)
    assert "未在上表列出" in table.stdout and "--json" in table.stdout


# ---- 7. after a kill ----------------------------------------------------------------------------


def test_verify_in_the_middle_of_a_swap_explains_and_rerun_recovers(
    master: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "archive"
    assert annex("archive", master, "--out", archive, "--no-pdf").returncode == 0
    wb = openpyxl.load_workbook(master)
    set_cell(wb["评议"], 2, "主要成绩", "修改后的主要成绩")
    wb.save(master)
    monkeypatch.setenv("ANNEX_ARCHIVE_KILL_AT", "swap")
    killed = annex("archive", master, "--out", archive, "--no-pdf")
    monkeypatch.delenv("ANNEX_ARCHIVE_KILL_AT")
    assert killed.returncode in (-9, 137)
    assert not (archive / "2023").exists()  # between the two renames
    proc = annex("archive", "verify", archive)
    no_crash(proc)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert ".ready-2023-" in proc.stdout and "重新运行 annex-tools archive" in proc.stdout
    assert "没有归档" not in proc.stdout + proc.stderr
    again = annex("archive", master, "--out", archive, "--no-pdf")
    assert again.returncode == 0 and "恢复" in again.stdout, again.stdout + again.stderr
    ok = annex("archive", "verify", archive)
    assert ok.returncode == 0 and "全部完好" in ok.stdout, ok.stdout


def test_verify_fails_while_something_is_quarantined(master: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    assert annex("archive", master, "--out", archive, "--no-pdf").returncode == 0
    (archive / "2023" / "data" / "陌生人").mkdir()
    (archive / "2023" / "data" / "陌生人" / "x.pdf").write_bytes(b"y")
    wb = openpyxl.load_workbook(master)
    set_cell(wb["评议"], 2, "主要成绩", "修改后的主要成绩")
    wb.save(master)
    assert annex("archive", master, "--out", archive, "--no-pdf").returncode == 0
    proc = annex("archive", "verify", archive)
    assert proc.returncode == 1 and "待人工处理" in proc.stdout, proc.stdout
    shutil.rmtree(archive / "隔离")  # a person dealt with it
    assert annex("archive", "verify", archive).returncode == 0


def office_processes(marker: str) -> list[int]:
    """Processes whose command line mentions `marker` (the test's own temporary folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if marker in cmd and "soffice" in cmd:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_a_kill_during_pdf_conversion_leaves_no_office_process_or_profile(
    master: Path, tmp_path: Path
) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONIOENCODING="utf-8")
    run = subprocess.Popen(
        [sys.executable, "-m", "annex_tools", "archive", str(master), "--out",
         str(tmp_path / "archive"), "--pdf"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not office_processes(str(tmp)) and time.monotonic() < deadline:
        assert run.poll() is None, "the run ended before LibreOffice started"
        time.sleep(0.2)
    assert office_processes(str(tmp)), "LibreOffice never started"
    time.sleep(1.0)  # soffice.bin is up and converting
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 20
    while (office_processes(str(tmp)) or list(tmp.glob("annex-tools-office-*"))) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.2)
    assert office_processes(str(tmp)) == []
    assert list(tmp.glob("annex-tools-office-*")) == []


# ---- 9. messages ----------------------------------------------------------------------------


def test_a_mistyped_command_suggests_in_chinese_quotes() -> None:
    proc = annex("chek")
    assert proc.returncode == 2
    assert "没有“chek”这个命令。是不是要用“check”？" in proc.stderr, proc.stderr


def test_a_word_document_given_as_the_master_is_called_what_it_is(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "主表.docx"
    docx.Document().save(str(path))
    proc = annex("check", path)
    assert proc.returncode == 2 and "Word 文档，不是主表" in proc.stderr
    assert "扩展名被改过" not in proc.stderr


def test_import_returns_on_a_missing_file_or_the_master_itself(tmp_path: Path) -> None:
    master = new_workbook(tmp_path / "master.xlsx", valid())
    for given, says in ((tmp_path / "没有.xlsx", "不存在"), (master, "主表本身")):
        proc = annex("import-returns", master, given)
        assert proc.returncode == 2 and says in proc.stderr, proc.stdout + proc.stderr
        assert "--apply" not in proc.stdout + proc.stderr


def test_archive_refusing_a_master_with_errors_does_not_suggest_draft(tmp_path: Path) -> None:
    made = demo_copy(tmp_path / "demo")  # with the planted mistakes
    proc = annex("archive", made.workbook, "--out", tmp_path / "archive", "--no-pdf")
    assert proc.returncode == 1 and "未归档" in proc.stderr, proc.stderr
    assert "--draft 生成" not in proc.stderr and "没有 --draft" in proc.stderr


def test_doctor_on_a_plain_master_gives_a_hint(tmp_path: Path) -> None:
    master = new_workbook(tmp_path / "master.xlsx", valid())
    proc = annex("doctor", master)
    assert proc.returncode == 1
    assert "build-workbook" in proc.stdout and "不是 annex-tools build-workbook 生成的带宏主表" in (
        proc.stdout
    )


def test_output_is_not_wrapped_when_not_a_terminal(tmp_path: Path) -> None:
    long = tmp_path / ("很长的文件夹名" * 12) / "master.xlsx"
    long.parent.mkdir()
    new_workbook(long, valid())
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    proc = subprocess.run(
        [sys.executable, "-m", "annex_tools", "hr-export", str(long)],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert str(long.parent) in proc.stdout  # the path whole, on one line


def test_import_returns_exits_1_when_it_held_conflicts_back(tmp_path: Path) -> None:
    master = new_workbook(tmp_path / "master.xlsx", valid())
    assert annex("annex2", master, "--out", tmp_path / "a2").returncode == 0
    (ret,) = (tmp_path / "a2").glob("*.xlsx")
    wb = openpyxl.load_workbook(ret)
    ws = wb.active
    ws["D7"] = "一般" if ws["D7"].value != "一般" else "好"  # a grade unlike the master's
    wb.save(ret)
    proc = annex("import-returns", master, ret, "--apply")
    assert proc.returncode == 1 and "冲突" in proc.stdout, proc.stdout + proc.stderr


def test_demo_refuses_to_overwrite_an_existing_demo_folder(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "master.xlsx").write_bytes(b"a real master someone put here")
    proc = annex("demo", "--out", folder, "--as-of", "2024-01-30")
    assert proc.returncode == 2 and "--force" in proc.stderr, proc.stdout + proc.stderr
    assert (folder / "master.xlsx").read_bytes() == b"a real master someone put here"


# ---- 3. a change of secretary during the year: two 述职 rows for one branch ------------------


def two_secretaries(tmp_path: Path) -> Path:
    """示例第一党支部 (B1): 丁四 (S3, graded 较好) until the change, then 林国俊 (S5, graded 好)."""
    master = new_workbook(tmp_path / "master.xlsx", valid())
    wb = openpyxl.load_workbook(master)
    subs, grades = wb["述职"], wb["评议"]
    src = [c.value for c in subs[4]]
    new = subs.max_row + 1
    for c, value in enumerate(src, start=1):
        if not (isinstance(value, str) and value.startswith("=")):
            subs.cell(row=new, column=c, value=value)
    for header, value in (("述职编号", "S5"), ("书记姓名", "林国俊"), ("书记工号", "T9")):
        set_cell(subs, new, header, value)
    src = [c.value for c in grades[4]]
    new = grades.max_row + 1
    for c, value in enumerate(src, start=1):
        if not (isinstance(value, str) and value.startswith("=")):
            grades.cell(row=new, column=c, value=value)
    set_cell(grades, new, "述职编号", "S5")
    set_cell(grades, new, "综合评价等次", "好")
    wb.save(master)
    return master


def test_annex2_lists_both_secretaries_of_a_branch_and_re_imports(tmp_path: Path) -> None:
    master = two_secretaries(tmp_path)
    proc = annex("annex2", master, "--out", tmp_path / "a2", "--draft")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (ret,) = (tmp_path / "a2").glob("*.xlsx")
    text = [str(c.value) for row in openpyxl.load_workbook(ret).active.iter_rows() for c in row]
    assert any("丁四" in t for t in text) and any("林国俊" in t for t in text)
    before = master.read_bytes()
    again = annex("import-returns", master, ret, "--apply")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "不符" not in again.stdout + again.stderr and "已写入 0 项" in again.stdout
    assert master.read_bytes() == before


def test_a_return_row_without_a_name_for_a_branch_with_two_secretaries_is_ambiguous(
    tmp_path: Path,
) -> None:
    master = two_secretaries(tmp_path)
    wb = openpyxl.load_workbook(master)
    for r in rows_of(wb["评议"], "述职编号", "S3"):
        set_cell(wb["评议"], r, "综合评价等次", None)  # 丁四's grade to come from the return
    wb.save(master)
    assert annex("annex2", master, "--out", tmp_path / "a2", "--draft").returncode == 0
    (ret,) = (tmp_path / "a2").glob("*.xlsx")
    book = openpyxl.load_workbook(ret)
    ws = book.active
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=3).value
               and "丁四" in str(ws.cell(row=r, column=3).value))  # fmt: skip
    ws.cell(row=row, column=3).value = None  # the name left blank, the branch filled
    ws.cell(row=row, column=4).value = "一般"
    book.save(ret)
    before = master.read_bytes()
    proc = annex("import-returns", master, ret, "--apply")
    no_crash(proc)
    assert "无法确定是哪一位" in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    assert "丁四" in proc.stdout + proc.stderr and "林国俊" in proc.stdout + proc.stderr
    assert proc.returncode in (1, 2)
    assert master.read_bytes() == before


def test_each_of_two_secretaries_of_a_branch_gets_a_letter_with_their_own_grade(
    tmp_path: Path,
) -> None:
    from docx import Document

    master = two_secretaries(tmp_path)
    proc = annex("feedback", master, "--out", tmp_path / "letters", "--draft", "--as-of", "2024-01-20")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    mine = {}
    for path in (tmp_path / "letters").glob("*.docx"):
        text = "\n".join(p.text for p in Document(str(path)).paragraphs)
        for name in ("丁四", "林国俊"):
            if f"{name}同志（示例第一党支部）" in text:
                mine.setdefault(name, []).append((path.name, text))
    assert sorted(mine) == ["丁四", "林国俊"] and all(len(v) == 1 for v in mine.values()), mine
    assert mine["丁四"][0][0] != mine["林国俊"][0][0]
    assert "综合评价等次为“较好”" in mine["丁四"][0][1]
    assert "综合评价等次为“好”" in mine["林国俊"][0][1]


def test_hr_export_lists_each_of_two_secretaries_of_a_branch(tmp_path: Path) -> None:
    master = two_secretaries(tmp_path)
    out = tmp_path / "hr.xlsx"
    proc = annex("hr-export", master, "--out", out, "--draft")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = [
        [str(c) for c in r if c is not None]
        for r in openpyxl.load_workbook(out).active.iter_rows(values_only=True)
    ]
    ding = [r for r in rows if "丁四" in r]
    lin = [r for r in rows if "林国俊" in r]
    assert len(ding) == 1 and len(lin) == 1, rows
    assert "T3" in ding[0] and "较好" in ding[0] and "T9" in lin[0] and "好" in lin[0]


def two_general_branch_secretaries(tmp_path: Path) -> Path:
    """示例党总支 (G1): 乙二 (S1, T1) until the change, then 龙七 (S6, T8): two 二级 述职 rows."""
    master = new_workbook(tmp_path / "master.xlsx", valid())
    wb = openpyxl.load_workbook(master)
    for sheet in ("述职", "评议", "整改"):
        ws = wb[sheet]
        src = [c.value for c in ws[2]]  # S1's rows
        new = next(r for r in range(2, ws.max_row + 2) if ws.cell(row=r, column=1).value in (None, ""))
        for c, value in enumerate(src, start=1):
            if not (isinstance(value, str) and value.startswith("=")):
                ws.cell(row=new, column=c, value=value)
        set_cell(ws, new, "述职编号", "S6")
        if sheet == "述职":
            set_cell(ws, new, "书记姓名", "龙七")
            set_cell(ws, new, "书记工号", "T8")
        elif sheet == "评议":
            set_cell(ws, new, "主要成绩", "龙七的成绩")
        else:
            set_cell(ws, new, "整改编号", "R6")
    wb.save(master)
    return master


def test_the_archive_files_each_of_two_secretaries_of_one_body_apart(tmp_path: Path) -> None:
    master = two_general_branch_secretaries(tmp_path)
    archive = tmp_path / "档案"
    proc = annex("archive", master, "--out", archive, "--no-pdf", "--as-of", "2024-06-01")
    no_crash(proc)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    manifest = json.dumps(
        [json.loads(p.read_text(encoding="utf-8")) for p in archive.rglob("*.json")], ensure_ascii=False
    )
    assert "龙七" in manifest and "乙二" in manifest and "T8" in manifest and "T1" in manifest
    docs = sorted(p for p in archive.rglob("*.docx"))
    owners = sorted(p.parent.name for p in docs)  # each person in their own folder
    assert owners == ["T1_乙二", "T2_丙三", "T8_龙七"], docs
    from docx import Document

    text = {p.parent.name: "\n".join(x.text for x in Document(str(p)).paragraphs) for p in docs}
    assert "龙七的成绩" in text["T8_龙七"] and "龙七的成绩" not in text["T1_乙二"]
    verify = annex("archive", "verify", archive)
    assert verify.returncode == 0, verify.stdout + verify.stderr
