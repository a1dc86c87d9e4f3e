"""End to end through the CLI in a child process: demo, check, exit codes, bad input."""

from __future__ import annotations

from pathlib import Path

import msoffcrypto
import openpyxl
import pytest
from builders import demo_copy, to_rows, valid
from cli_helpers import annex, check_json, places

from annex_tools.contract import schema as S
from annex_tools.contract.findings import CATALOG
from annex_tools.demo import MISTAKES, report_count
from annex_tools.workbook.builder import SHOWN_HEADERS, build_workbook


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    return demo_copy(tmp_path_factory.mktemp("demo"))


def test_demo_command_runs_and_says_where_things_are(tmp_path: Path) -> None:
    proc = annex("demo", "--out", tmp_path / "d", "--as-of", "2026-11-26")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "d" / "master.xlsx").exists()
    mailed = sum(m.code == "report.absent" for m in MISTAKES)  # came only by mail
    assert len(list((tmp_path / "d" / "reports").glob("*.docx"))) == report_count() - mailed
    assert len(list((tmp_path / "d" / "述职报告").glob("*.eml"))) == mailed == 1
    assert "master.xlsx" in proc.stdout and f"故意埋了 {len(MISTAKES)} 处" in proc.stdout
    assert f"（{report_count() - mailed} 份 .docx；另有 1 份只在报送邮件中：" in proc.stdout, proc.stdout


def test_check_finds_exactly_what_the_demo_planted(demo) -> None:
    code, report = check_json(demo.workbook)
    expected = {(p.code, p.sheet, p.row, p.column) for p in demo.planted}
    assert places(report) == expected
    assert code == 1
    severity = [CATALOG[m.code][0].value for m in MISTAKES]  # one finding each
    assert (report["errors"], report["warnings"]) == (
        severity.count("error"),
        severity.count("warning"),
    )


def test_fixing_a_planted_mistake_in_the_file_removes_its_finding(tmp_path: Path) -> None:
    made = demo_copy(tmp_path)
    wb = openpyxl.load_workbook(made.workbook)
    ws = wb["评议"]
    planted = next(p for p in made.planted if p.code == "grade.interview-missing")
    col = [c.value for c in ws[1]].index("约谈提醒日期") + 1
    ws.cell(row=planted.row, column=col, value="2024/1/20")  # typed as text, the way staff do
    wb.save(made.workbook)
    _, report = check_json(made.workbook)
    assert (planted.code, planted.sheet, planted.row, planted.column) not in places(report)
    assert len(report["findings"]) == len(made.planted) - 1


def write(data: dict, path: Path, mutate=None) -> Path:
    wb = build_workbook(data)
    if mutate:
        mutate(wb)
    wb.save(path)
    return path


def test_exit_codes(tmp_path: Path) -> None:
    good = write(valid(), tmp_path / "good.xlsx")
    assert annex("check", good, "--as-of", "2024-06-01").returncode == 0
    data = valid()
    data["grades"][1]["年度考核等次"] = "优秀"
    bad = write(data, tmp_path / "bad.xlsx")
    proc = annex("check", bad, "--as-of", "2024-06-01")
    assert proc.returncode == 1
    assert "grade.linkage-excellent" in proc.stdout and "错误 1 个" in proc.stdout


def _encrypted(src: Path, dst: Path) -> Path:
    with src.open("rb") as f, dst.open("wb") as o:
        msoffcrypto.OfficeFile(f).encrypt("secret", o)
    return dst


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda d, good: d / "missing.xlsx", "文件不存在"),
        (
            lambda d, good: (
                (d / "empty.xlsx").write_bytes(b"") and d / "empty.xlsx" or d / "empty.xlsx"
            ),
            "空的",
        ),
        (lambda d, good: _docx_as_xlsx(d), "Word 文档"),
        (lambda d, good: _csv_as_xlsx(d), "不是 Excel 工作簿"),
        (lambda d, good: _truncated(d, good), "损坏"),
        (lambda d, good: _encrypted(good, d / "locked.xlsx"), "密码"),
    ],
    ids=["missing", "empty", "docx-renamed", "csv-renamed", "truncated", "password"],
)
def test_unreadable_workbooks_exit_2_with_a_chinese_message(
    tmp_path: Path, make, says: str
) -> None:
    good = write(valid(), tmp_path / "good.xlsx")
    path = make(tmp_path, good)
    proc = annex("check", path)
    assert proc.returncode == 2
    assert says in proc.stderr and path.name in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def _docx_as_xlsx(d: Path) -> Path:
    from docx_builders import BASIC, make_docx

    return make_docx(d / "report.xlsx", BASIC)


def _csv_as_xlsx(d: Path) -> Path:
    p = d / "table.xlsx"
    p.write_text("组织编号,组织名称\nP,党委\n", encoding="utf-8")
    return p


def _truncated(d: Path, good: Path) -> Path:
    p = d / "truncated.xlsx"
    p.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return p


def test_missing_sheet_and_column_are_findings_not_crashes(tmp_path: Path) -> None:
    def damage(wb: openpyxl.Workbook) -> None:
        del wb["会议"]
        ws = wb["述职"]
        col = [c.value for c in ws[1]].index("审定日期") + 1
        ws.cell(row=1, column=col, value="审核日期")

    code, report = check_json(write(valid(), tmp_path / "m.xlsx", damage), "2024-06-01")
    assert code == 1
    found = places(report)
    assert ("schema.missing-sheet", "会议", None, None) in found
    assert ("schema.missing-column", "述职", 1, "审定日期") in found


def test_headers_with_stray_full_width_spaces_and_moved_columns_still_work(tmp_path: Path) -> None:
    rows = to_rows(valid())
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, sheet_rows in rows.items():
        ws = wb.create_sheet(name)
        headers = sheet_rows[0]
        order = list(reversed(range(len(headers))))  # every column moved
        for r, row in enumerate(sheet_rows, start=1):
            for c, idx in enumerate(order, start=1):
                value = row[idx]
                if r == 1:
                    value = f"\u3000{value} "  # a stray full-width space and a trailing space
                ws.cell(row=r, column=c, value=value)
        ws.cell(row=1, column=len(headers) + 1, value="工作人员备注")  # a column staff added
    path = tmp_path / "moved.xlsx"
    wb.save(path)
    code, report = check_json(path, "2024-06-01")
    assert (code, report["findings"]) == (0, [])


def test_text_where_a_date_belongs_names_the_cell(tmp_path: Path) -> None:
    data = valid()
    data["meetings"][1]["会议日期"] = "一月十号"
    code, report = check_json(write(data, tmp_path / "m.xlsx"), "2024-06-01")
    f = next(f for f in report["findings"] if f["code"] == "schema.bad-date")
    assert (f["sheet"], f["row"], f["column"]) == ("会议", 3, "会议日期")
    assert "一月十号" in f["message"]


def test_bad_today_option_is_a_clear_message(tmp_path: Path) -> None:
    proc = annex("check", write(valid(), tmp_path / "m.xlsx"), "--as-of", "26/11/2026")
    assert proc.returncode == 2 and "--as-of" in proc.stderr and "Traceback" not in proc.stderr


def test_today_is_still_the_hidden_old_name_of_as_of(tmp_path: Path) -> None:
    """`--today` (the name before `--as-of`) still works for scripts, hidden from the help."""
    master = write(valid(), tmp_path / "m.xlsx")
    by_new = annex("check", master, "--json", "--as-of", "2024-01-16")
    by_old = annex("check", master, "--json", "--today", "2024-01-16")
    assert by_old.returncode == by_new.returncode and by_old.stdout == by_new.stdout
    assert '"date.after-today"' in by_new.stdout  # the date decided something
    both = annex("check", master, "--as-of", "2024-01-16", "--today", "2024-06-01")
    assert both.returncode == 2 and "--as-of" in both.stderr and "--today" in both.stderr
    shown = annex("check", "--help").stdout
    assert "--as-of" in shown and "--today" not in shown
    assert "--signed" in annex("feedback", "--help").stdout


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    assert annex("new", path).returncode == 0
    before = path.read_bytes()
    proc = annex("new", path)
    assert proc.returncode == 2 and "已存在" in proc.stderr
    assert path.read_bytes() == before


def test_new_workbook_is_what_staff_expect(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    assert annex("new", path).returncode == 0
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:7] == [S.GUIDE_SHEET, *[s.name for s in S.ALL_SHEETS]]
    assert wb[S.LISTS_SHEET].sheet_state == "hidden"
    for sheet in S.ALL_SHEETS:
        ws = wb[sheet.name]
        headers = [c.value for c in ws[1]]
        assert [h for h in headers if h not in SHOWN_HEADERS] == list(sheet.headers)
        assert ws.freeze_panes == "A2"
        assert sheet.table_name in ws.tables
    grades = wb["评议"]
    formulas = {dv.formula1 for dv in grades.data_validations.dataValidation}
    assert {"lst_grade", "lst_appraisal", "lst_submission_id"} <= formulas
    assert "lst_grade" in wb.defined_names
    cf = [r.formula[0] for rng in grades.conditional_formatting for r in rng.rules]
    assert any('"优秀"' in f and '"好"' in f for f in cf)
    settings = {r[0].value: r[1].value for r in wb["设置"].iter_rows(min_row=2)}
    assert settings["较好及以下最低比例"] == 0.15 and settings["比例适用最少人数"] == 5
    code, report = check_json(path, "2024-06-01")
    assert report["findings"] == []  # a new master starts with its 党委 row and passes
