"""Every ribbon button of annex_tools.excel, driven through the recording stand-in of xlwings
(tests/fake_xlwings.py) on real master files: what each writes into the open book and beside it,
and how many Excel calls 全面校验 makes (it must not grow with the findings)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from builders import demo_copy, master_with_findings
from fake_xlwings import App, Book, shown

from annex_tools import excel
from annex_tools.contract import schema as S
from annex_tools.contract.settings import default
from annex_tools.usecases.check import check_and_mark
from annex_tools.workbook.marking import MARK_FILLS, NOTED, RESULT_HEADERS

TOOL_RGB = {f.fgColor.rgb[-6:] for f in MARK_FILLS.values()}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    return demo_copy(tmp_path_factory.mktemp("demo"))


def master_copy(demo, tmp_path: Path) -> Path:
    path = tmp_path / "master.xlsx"
    shutil.copy(demo.workbook, path)
    shutil.copytree(demo.reports_dir, tmp_path / "reports")
    return path


def click(monkeypatch: pytest.MonkeyPatch, button: Callable[[], None], book: Book) -> str:
    """One click on a ribbon button of `book`; returns the last message shown."""
    monkeypatch.setattr(excel.adapter, "calling_book", lambda: book)
    book.app.calls.reset()
    shown = len(book.app.alerts)
    button()
    assert len(book.app.alerts) > shown, "the button said nothing"
    return str(book.app.alerts[-1]["prompt"])


def marks(wb: openpyxl.Workbook) -> dict[tuple[str, str], tuple[str, bool]]:
    """(sheet, cell) -> (fill colour, has a note) for every cell in the tool's colours."""
    out = {}
    for ws in wb.worksheets:
        if ws.title == S.RESULTS_SHEET:
            continue
        for row in ws.iter_rows():
            for cell in row:
                fill = cell.fill
                if fill is not None and fill.fill_type == "solid":
                    rgb = str(fill.fgColor.rgb)[-6:]
                    if rgb in TOOL_RGB:
                        out[(ws.title, cell.coordinate)] = (rgb, cell.comment is not None)
    return out


def result_rows(wb: openpyxl.Workbook) -> list[list[object]]:
    ws = wb[S.RESULTS_SHEET]
    rows = [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]
    return [r[: len(RESULT_HEADERS)] for r in rows if isinstance(r[0], int | float)]


# ---- 全面校验 and 清除标记 ------------------------------------------------------------------


def test_check_button_marks_what_check_write_marks(demo, tmp_path: Path, monkeypatch) -> None:
    path = master_copy(demo, tmp_path)
    twin = tmp_path / "twin.xlsx"
    shutil.copy(path, twin)
    book = Book(path, App())
    message = click(monkeypatch, excel.run_check, book)
    assert "错误" in message and "校验结果" in message
    assert book.active == S.RESULTS_SHEET

    result, marked, _ = check_and_mark(twin, dt.date.today(), dt.datetime.now())
    headless = openpyxl.load_workbook(twin)
    assert marks(book.xl) == marks(headless)
    assert len(marks(book.xl)) == marked > 5
    ours = result_rows(book.xl)
    theirs = result_rows(headless)
    assert len(ours) == len(result.findings) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        assert a[0] == b[0] and a[1:6] == b[1:6] and a[7:] == b[7:]
        # the 单元格 column: a HYPERLINK formula to the cell where openpyxl writes a link
        if b[6]:
            assert str(a[6]).startswith("=HYPERLINK(\"#'") and f'"{b[6]}")' in str(a[6])
    planted = {(p.sheet, p.row) for p in demo.planted if p.row}
    marked_rows = {(s, int("".join(ch for ch in c if ch.isdigit()))) for s, c in marks(book.xl)}
    assert len(planted & marked_rows) >= len(planted) - 2  # report-based ones need the files


def test_a_fixed_mistake_loses_its_mark_and_staff_notes_stay(
    demo, tmp_path: Path, monkeypatch
) -> None:
    book = Book(master_copy(demo, tmp_path), App())
    click(monkeypatch, excel.run_check, book)
    ws = book.xl["评议"]
    linkage = [r for r in result_rows(book.xl) if r[2] == "grade.linkage-excellent"][0]
    cell = ws[shown(linkage[6])]
    assert (("评议", cell.coordinate)) in marks(book.xl)
    cell.value = "合格"  # staff fix it in Excel
    ws["B2"].comment = openpyxl.comments.Comment("工作人员的批注", "staff")
    before = len(result_rows(book.xl))
    message = click(monkeypatch, excel.run_check, book)
    assert "错误" in message
    assert ("评议", cell.coordinate) not in marks(book.xl)
    assert cell.comment is None
    assert ws["B2"].comment is not None and ws["B2"].comment.text == "工作人员的批注"
    assert len(result_rows(book.xl)) == before - 1


def test_clear_marks_button_leaves_no_mark(demo, tmp_path: Path, monkeypatch) -> None:
    book = Book(master_copy(demo, tmp_path), App())
    assert click(monkeypatch, excel.clear_marks, book) == "没有上次校验的标记。"
    click(monkeypatch, excel.run_check, book)
    assert marks(book.xl)
    message = click(monkeypatch, excel.clear_marks, book)
    assert "已清除" in message
    assert marks(book.xl) == {}
    assert not any(c.comment for ws in book.xl.worksheets for row in ws.iter_rows() for c in row)
    assert S.RESULTS_SHEET in book.xl.sheetnames and result_rows(book.xl) == []


def calls_of_check(path: Path, monkeypatch) -> tuple[int, int, int, int]:
    """(calls, notes added, sheets, findings) of one 全面校验 click on `path`."""
    book = Book(path, App())
    click(monkeypatch, excel.run_check, book)
    kinds = book.app.calls.by_kind()
    return (
        len(book.app.calls),
        kinds["range.api.AddComment"],
        len(book.xl.sheetnames),
        len(result_rows(book.xl)),
    )


def test_check_calls_grow_with_sheets_not_findings(tmp_path: Path, monkeypatch) -> None:
    few = calls_of_check(master_with_findings(tmp_path / "few.xlsx", 10), monkeypatch)
    many = calls_of_check(master_with_findings(tmp_path / "many.xlsx", 1000), monkeypatch)
    assert (few[3], many[3]) == (10, 1000)
    cap = default("note_cap")
    assert many[1] == cap and few[1] == few[3]
    # apart from the capped notes (two calls each: the cell, the note), the same order
    assert (many[0] - 2 * many[1]) - (few[0] - 2 * few[1]) <= cap
    assert many[0] - 2 * many[1] <= 25 * many[2]


def test_note_cap_setting_limits_notes_and_results_keep_every_message(
    tmp_path: Path, monkeypatch
) -> None:
    path = master_with_findings(tmp_path / "m.xlsx", 30)
    wb = openpyxl.load_workbook(path)
    ws = wb[S.SETTINGS.name]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "校验批注上限")
    row[1].value = "5"
    wb.save(path)
    book = Book(path, App())
    message = click(monkeypatch, excel.run_check, book)
    assert "其中 5 个加了批注" in message
    assert sum(noted for _, noted in marks(book.xl).values()) == 5
    rows = result_rows(book.xl)
    assert len(rows) >= 30 and sum(r[8] == NOTED for r in rows) == 5
    assert all(r[7] for r in rows)  # every message is on 校验结果


# ---- the other buttons ----------------------------------------------------------------------


def test_document_buttons_write_their_files(demo, tmp_path: Path, monkeypatch) -> None:
    path = master_copy(demo, tmp_path)
    book = Book(path, App())
    assert "述职报告模板" in click(monkeypatch, excel.make_templates, book)
    assert len(list((tmp_path / "2023年度述职报告模板").glob("*.docx"))) >= 10
    message = click(monkeypatch, excel.make_feedback, book)
    assert "草稿" in message  # the demo master has errors: drafts, and the message says why
    assert list((tmp_path / "2023年度评价意见反馈").glob("*.docx"))
    message = click(monkeypatch, excel.make_summary, book)
    assert "汇总报告已生成" in message and list(tmp_path.glob("*.docx"))
    message = click(monkeypatch, excel.make_followup, book)
    assert (tmp_path / "2023年度整改台账.xlsx").is_file() and "整改台账已生成" in message


def test_annex2_button_adds_the_tables_as_sheets(demo, tmp_path: Path, monkeypatch) -> None:
    book = Book(master_copy(demo, tmp_path), App())
    message = click(monkeypatch, excel.make_annex2, book)
    files = sorted((tmp_path / "2023年度附件2").glob("*.xlsx"))
    assert files and "并已作为工作表加入本主表" in message
    for f in files:
        name = f"附件2-{f.stem.removeprefix('附件2-')}"[:31]
        assert name in book.xl.sheetnames
        source = openpyxl.load_workbook(f).worksheets[0]
        copied = book.xl[name]
        assert [c.value for c in copied["A"]][:10] == [c.value for c in source["A"]][:10]
    # a second click replaces the sheets instead of failing on the names
    click(monkeypatch, excel.make_annex2, book)
    assert sum(n.startswith("附件2-") for n in book.xl.sheetnames) == len(files)


def test_import_reports_button_writes_figures_once_per_header(
    demo, tmp_path: Path, monkeypatch
) -> None:
    path = master_copy(demo, tmp_path)
    shutil.copytree(demo.reports_dir, tmp_path / "述职报告")
    book = Book(path, App())
    stale = next(p for p in demo.planted if p.code == "report.stale-figures")
    ws = book.xl["述职"]
    headers = {c.value: c.column for c in ws[1]}
    before = ws.cell(row=stale.row, column=headers["字数"]).value
    message = click(monkeypatch, excel.import_reports, book)
    assert message.startswith("已填写")
    after = ws.cell(row=stale.row, column=headers["字数"]).value
    assert after != before and isinstance(after, int | float)
    # the header row of 述职 was read once, not once per written value
    header_reads = [d for k, d in book.app.calls.log if k == "range.expand"]
    assert len(header_reads) == 1


def test_import_returns_button_previews_then_appends(demo, tmp_path: Path, monkeypatch) -> None:
    from test_documents import _edit_like_a_branch

    path = master_copy(demo, tmp_path)
    book = Book(path, App())
    message = click(monkeypatch, excel.import_returns, book)
    assert "附件2回执" in message  # no folder yet: where to put the files
    click(monkeypatch, excel.make_annex2, book)
    (tmp_path / "附件2回执").mkdir()
    back = tmp_path / "附件2回执" / "附件2-教师发展中心党总支.xlsx"
    shutil.copy(tmp_path / "2023年度附件2" / back.name, back)
    _edit_like_a_branch(back)
    rects = book.xl["整改"]
    n = sum(1 for r in rects.iter_rows(min_row=2, values_only=True) if r[0])
    book.app.answer = "cancel"
    assert click(monkeypatch, excel.import_returns, book) == "已取消，主表未修改。"
    assert "确定写入主表吗" in book.app.alerts[-2]["prompt"]
    assert sum(1 for r in rects.iter_rows(min_row=2, values_only=True) if r[0]) == n
    book.app.answer = "ok"
    assert "已写入 1 项" in click(monkeypatch, excel.import_returns, book)
    rows = [r for r in rects.iter_rows(min_row=2) if r[0].value]
    assert len(rows) == n + 1
    headers = [c.value for c in rects[1]]
    new = dict(zip(headers, (c.value for c in rows[-1]), strict=False))
    assert new["存在问题"] == "=SUM(A1:A2) 台账记录不规范"  # text, not a formula
    table = rects.tables["tblRectifications"]
    assert table.ref.endswith(str(rows[-1][0].row))


def test_archive_button_wants_a_saved_master(demo, tmp_path: Path, monkeypatch) -> None:
    book = Book(master_copy(demo, tmp_path), App())
    book.api._saved = False
    assert "请先保存主表" in click(monkeypatch, excel.archive_opinions, book)


def test_guide_and_environment_buttons(demo, tmp_path: Path, monkeypatch) -> None:
    from annex_tools.workbook.xlbuild import build_master

    path = build_master(tmp_path / "annex-master.xlsm")
    book = Book(path, App())
    monkeypatch.setattr(excel.adapter, "calling_book", lambda: book)
    excel.show_guide()
    assert book.active == S.GUIDE_SHEET and not book.app.alerts
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "nobody"))
    message = click(monkeypatch, excel.env_check, book)
    assert "xlwings 启动的 Python：python（未设置解释器：按 PATH 查找 python）" in message
    assert "annex-tools" in message and "可以导入" in message


def test_a_failing_button_says_so_in_chinese(demo, tmp_path: Path, monkeypatch) -> None:
    book = Book(master_copy(demo, tmp_path), App())
    # a problem the tool knows: its own Chinese sentence, no type name
    (tmp_path / "2023年度评价意见反馈").write_text("a file where the folder goes")
    click(monkeypatch, excel.make_feedback, book)
    alert = book.app.alerts[-1]
    assert alert["mode"] == "critical" and alert["prompt"].startswith("操作没有完成：")
    assert "2023年度评价意见反馈" in alert["prompt"] and "Error" not in alert["prompt"]
    # anything else: said in Chinese, logged in full
    del book.xl[S.GUIDE_SHEET]
    click(monkeypatch, excel.show_guide, book)
    alert = book.app.alerts[-1]
    assert alert["mode"] == "critical" and "操作没有完成：ExcelError" in alert["prompt"]
    assert "主表未被修改" in alert["prompt"] and "日志" in alert["prompt"]


# ---- 环境检查: which interpreter, from where --------------------------------------------------


def fake_python(folder: Path, name: str = "python") -> Path:
    """An executable named like Python on a PATH of our own."""
    folder.mkdir(parents=True, exist_ok=True)
    exe = folder / name
    exe.write_text("#!/bin/sh\necho 'Python 3.9.1'\n")
    exe.chmod(0o755)
    return exe


def test_interpreter_from_path_when_nothing_is_set(tmp_path: Path) -> None:
    exe = fake_python(tmp_path / "bin")
    found = excel.find_interpreter({}, tmp_path, tmp_path / "home", {"PATH": str(tmp_path / "bin")})
    assert (found.setting, found.source, found.path) == ("python", excel.SRC_PATH, exe)
    none = excel.find_interpreter({}, tmp_path, tmp_path / "home", {"PATH": ""})
    assert none.path is None
    ok, text = excel.environment_report(None, interpreter=none)
    assert not ok and "找不到这个解释器" in text


def test_interpreter_layers_sheet_then_folder_then_user(tmp_path: Path) -> None:
    home, folder = tmp_path / "home", tmp_path / "folder"
    user_py = fake_python(tmp_path / "user")
    folder_py = fake_python(tmp_path / "dir")
    sheet_py = fake_python(tmp_path / "sheet")
    (home / ".xlwings").mkdir(parents=True)
    (home / ".xlwings" / "xlwings.conf").write_text(
        f'"INTERPRETER_WIN","{user_py}"\n"USE UDF SERVER","False"\n', encoding="utf-8"
    )
    env = {"PATH": "", "MYPY": str(tmp_path / "dir")}
    found = excel.find_interpreter({}, folder, home, env)
    assert (found.source, found.path, found.key) == (excel.SRC_USER, user_py, "INTERPRETER_WIN")
    folder.mkdir()
    (folder / "xlwings.conf").write_text('"Interpreter","%MYPY%/python"\n', encoding="utf-8")
    found = excel.find_interpreter({}, folder, home, env)
    # INTERPRETER_WIN (user file) is looked up before the legacy INTERPRETER (folder file)
    assert found.source == excel.SRC_USER
    (folder / "xlwings.conf").write_text('"INTERPRETER_WIN","%MYPY%/python"\n', encoding="utf-8")
    found = excel.find_interpreter({}, folder, home, env)
    assert (found.source, found.path) == (excel.SRC_FOLDER, folder_py)
    sheet = excel.conf_rows(
        [
            ["Interpreter_Win", str(sheet_py)],
            ["UDF Modules", "annex_tools.excel"],
            [None, None],
            ["说明：", "下面不是设置"],
        ]  # fmt: skip
    )
    assert set(sheet) == {"INTERPRETER_WIN", "UDF MODULES"}
    found = excel.find_interpreter(sheet, folder, home, env)
    assert (found.source, found.path) == (excel.SRC_SHEET, sheet_py)
    # a key on the sheet with a blank value still hides the files' value (as xlwings does)
    found = excel.find_interpreter({"INTERPRETER_WIN": None}, folder, home, env)
    assert found.source == excel.SRC_PATH
    missing = excel.find_interpreter({"INTERPRETER_WIN": "C:/nowhere/pythonw.exe"}, None, None, {})
    assert missing.path is None and missing.setting == "C:/nowhere/pythonw.exe"


def test_environment_report_probes_another_interpreter(tmp_path: Path) -> None:
    import sys

    import xlwings

    from annex_tools import __version__

    other = fake_python(tmp_path / "other")
    found = excel.Interpreter(str(other), excel.SRC_USER, "INTERPRETER_WIN", other)
    ok, text = excel.environment_report(
        f"{__version__}|{xlwings.__version__}", interpreter=found, probe=excel.probe_python
    )
    assert ok and "环境正常" in text
    assert f"xlwings 启动的 Python：{other}（{excel.SRC_USER}，键 INTERPRETER_WIN）" in text
    assert "它的环境：Python 3.9.1" in text
    # the interpreter that runs the button: no probe, it is this one
    this = excel.Interpreter("python", excel.SRC_PATH, "", Path(sys.executable))
    _, text = excel.environment_report(None, interpreter=this, probe=lambda p: "PROBED")
    assert "PROBED" not in text and "本次运行的 Python：" in text
    # the real probe on this venv's Python: versions and whether annex_tools imports
    assert f"annex-tools {__version__}" in excel.probe_python(Path(sys.executable))
    store = excel.Interpreter(
        "python",
        excel.SRC_PATH,
        "",
        Path("C:/Users/x/AppData/Local/Microsoft/WindowsApps/python.exe"),
    )
    ok, text = excel.environment_report(None, interpreter=store)
    assert not ok and "应用商店" in text


def test_button_benchmark_runs_at_tiny_scale(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "buttons.json"
    proc = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "buttons.py"), "--findings", "3,30",
         "--runs", "1", "--json", str(out)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [r["findings"] for r in data["check_clicks"]] == [3, 30]
    assert all(r["notes"] == r["findings"] for r in data["check_clicks"])
    assert data["cold_import"]["annex_tools.excel_ms"] > data["cold_import"]["of_which_xlwings_ms"]


def test_archive_button_refuses_a_master_with_errors(demo, tmp_path: Path, monkeypatch) -> None:
    book = Book(master_copy(demo, tmp_path), App())  # saved (api.Saved), with planted errors
    message = click(monkeypatch, excel.archive_opinions, book)
    assert "个错误，未执行" in message and book.app.alerts[-1]["mode"] == "critical"
    assert not list(tmp_path.glob("*人事档案*"))


class _Caller:
    """What xlwings passes as `caller` to a UDF: the calling cell, its sheet, its book."""

    def __init__(self, book: Book) -> None:
        self.sheet = book.sheets[S.SETTINGS.name]


def test_udfs_read_the_calling_books_settings_and_folder(demo, tmp_path: Path) -> None:
    path = master_copy(demo, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb[S.SETTINGS.name]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    rows["较好及以下最低比例"][1].value = "30%"
    rows["比例计算取整"][1].value = "四舍五入"
    wb.save(path)
    caller = _Caller(Book(path, App()))
    assert excel.ANNEX_MIN_FAIR(12.0, None, None, caller) == 4  # 12 x 30% = 3.6 -> 4
    assert excel.ANNEX_MIN_FAIR(12.0, 0.15, None, caller) == 2  # 1.8 -> 2 (四舍五入)
    assert excel.ANNEX_MIN_FAIR([[10.0], [None]], None, "向上取整", caller) == [[3], [""]]
    assert excel.ANNEX_MIN_FAIR(12.0, None, None, None) == 2  # no book: the defaults (15%, up)
    report = sorted((tmp_path / "reports").glob("*.docx"))[0]
    words = excel.ANNEX_WORDS(f"reports/{report.name}", caller)  # relative to the book's folder
    assert isinstance(words, int | float) and words > 100
    assert excel.ANNEX_LINKAGE("较好", "优秀") != excel.ANNEX_LINKAGE("好", "优秀")
    assert excel.ANNEX_FAIR_SHARE([["好"], ["较好"], [None], ["一般"]]) == 2 / 3
