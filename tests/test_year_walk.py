"""The year as staff live it (issue 19, "done when"): the demo institute walked through its year.

At six dates (November, the report deadline, the 党委's meeting day, 01-22, 01-31, after the
rectification deadlines) the master holds only what had happened by then (`as_of`: later dates
blank, no grades before a meeting, a rectification done later still 整改中). On each day `check`
finds nothing that is not yet due, `progress` says what is still open, and the generators whose
inputs exist run; an item left undone is pending up to its day and late from the day after."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from builders import D, demo_copy
from cli_helpers import annex, check_json
from docx import Document

from annex_tools.demo import report_count
from annex_tools.usecases.check import check
from annex_tools.usecases.intake import make_ballots
from annex_tools.usecases.progress import make_progress

NOVEMBER, REPORTS_DUE, MEETING = D(2023, 11, 15), D(2024, 1, 15), D(2024, 1, 16)
BRANCHES_DONE, REVIEW_DUE, AFTER = D(2024, 1, 22), D(2024, 1, 31), D(2024, 7, 1)
DAYS = (NOVEMBER, REPORTS_DUE, MEETING, BRANCHES_DONE, REVIEW_DUE, AFTER)
GRADED = ("测评好票", "测评较好票", "测评一般票", "测评差票", "综合评价等次", "主要成绩", "不足之处",
          "年度考核等次")  # fmt: skip
SET_AT_MEETING = ("整改时限", "整改状态", "完成日期", "核验情况")
PLANNED = ("会议日期", "整改时限")  # dates of what is planned, known before they come
EVENTS = ("党委审议日期", "报告日期", "通报日期", "印发日期")


def _headers(ws) -> list[str]:
    return [c.value for c in ws[1]]


def as_of(master: Path, day: dt.date, out: Path) -> Path:
    """The master as staff had it on `day`: every recorded date after it blank, no grades or
    rectification deadlines before the person's meeting, an item done later still 整改中."""
    wb = openpyxl.load_workbook(master)
    ws = wb["会议"]
    h = _headers(ws)
    held = {
        r[h.index("会议编号")].value
        for r in ws.iter_rows(min_row=2)
        if r[h.index("会议日期")].value and r[h.index("会议日期")].value.date() <= day
    }
    ws = wb["述职"]
    h = _headers(ws)
    reported = {
        r[h.index("述职编号")].value for r in ws.iter_rows(min_row=2)
        if r[h.index("会议编号")].value in held
    }  # fmt: skip
    for name in ("组织", "述职", "会议", "评议", "整改"):
        ws = wb[name]
        h = _headers(ws)
        for row in ws.iter_rows(min_row=2):
            sid = row[h.index("述职编号")].value if "述职编号" in h else None
            if name == "整改":
                done = row[h.index("完成日期")].value
                if isinstance(done, dt.datetime) and done.date() > day:
                    row[h.index("整改状态")].value = "整改中"
                    row[h.index("核验情况")].value = None
            for cell in row:
                later = isinstance(cell.value, dt.datetime) and cell.value.date() > day
                if later and h[cell.column - 1] not in PLANNED:
                    cell.value = None
            cleared = {"评议": GRADED, "整改": SET_AT_MEETING}.get(name, ())
            if sid is not None and sid not in reported:
                for header in cleared:
                    row[h.index(header)].value = None
    for row in wb["设置"].iter_rows(min_row=2):
        value = row[1].value
        if row[0].value in EVENTS and isinstance(value, dt.datetime) and value.date() > day:
            row[1].value = None
    wb.save(out)
    return out


# What the 组织部 fills in for the upward report (issue 21), the day it is made: 1月底
REPORT_SETTINGS = {
    "发文机关标志": "中共示例学院委员会文件",
    "发文字号": "示院党〔2024〕3号",
    "签发人": "甲一",
    "印发机关": "中共示例学院委员会办公室",
    "报告日期": REVIEW_DUE,
    "印发日期": REVIEW_DUE,
    "通报日期": REVIEW_DUE,  # the 等次通报, once every grade is fixed
}


def set_settings(master: Path, values: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(master)
    ws = wb["设置"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    for key, value in values.items():
        rows[key][1].value = value
    wb.save(master)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo institute's year as it ended: the report to the 市委教育工委 made on 1月31日."""
    master = demo_copy(tmp_path_factory.mktemp("walk"), mistakes=False).workbook
    set_settings(master, REPORT_SETTINGS)
    return master


@pytest.fixture(scope="module")
def walked(demo: Path) -> dict[dt.date, Path]:
    return {day: as_of(demo, day, demo.with_name(f"master-{day}.xlsx")) for day in DAYS}


def test_nothing_is_an_error_before_its_day(walked: dict[dt.date, Path]) -> None:
    pending = []
    for day, master in walked.items():
        result = check(master, day)
        errors = [f.message for f in result.findings if f.severity == "error"]
        assert errors == [], (day, errors[:5])
        pending.append(len(result.pending))
    # in November everything is ahead; the list shrinks as the year goes; nothing after 1月底
    assert pending[0] > 200 and pending == sorted(pending, reverse=True) and pending[-1] == 0


def test_progress_and_the_generators_run_on_each_day(
    walked: dict[dt.date, Path], tmp_path: Path
) -> None:
    """Each generator runs on the day its inputs exist, final (no 草稿): the templates and
    Annex 2 from November (Annex 2's forms with blank grades until the meetings), the feedback
    letters for those graded so far (once the decision fixing their grades is recorded; a
    draft before); the summary needs the year: before 1月底 it is refused as
    final and its draft lists, on its first page, what the year still lacks."""
    from annex_tools.contract.errors import DocumentIncomplete
    from annex_tools.usecases import documents as DS

    seen = []
    letters = []
    for day, master in walked.items():
        run = make_progress(master, day, tmp_path / f"progress-{day}")
        seen.append(run.plan.counts)
        assert run.plan.counts["late"] == 0 and not run.notices, day
        out = tmp_path / str(day)
        for made in (
            DS.make_templates(master, out / "t", day),
            DS.make_annex2(master, out / "a2", day),
            make_ballots(master, out / "b", day),
        ):
            assert made.written and not made.drafted and not made.others, day
        try:
            letters.append(len(DS.make_feedback(master, out / "fb", day).written))
        except DocumentIncomplete as exc:  # graded at a meeting, the 党总支's decision to come
            assert "定等次会议日期" in str(exc) and day < REVIEW_DUE, (day, exc)
            assert DS.make_feedback(master, out / "fb", day, draft=True).written
            letters.append(0)
        if day < REVIEW_DUE:
            with pytest.raises(DocumentIncomplete, match="尚未完成"):
                DS.make_summary(master, out / "s.docx", day)
            draft = DS.make_summary(master, out / "s.docx", day, draft=True)
            assert any(g.startswith("尚未完成") for g in draft.gaps), day
            first = "\n".join(p.text for p in Document(str(draft.written[0])).paragraphs[:30])
            assert "草稿说明" in first and "尚未完成" in first, day
            with pytest.raises(DocumentIncomplete, match="通报日期"):
                DS.make_bulletin(master, out / "n.docx", day)
        else:
            assert DS.make_bulletin(master, out / "n.docx", day).gaps == []
            final = DS.make_summary(master, out / "s.docx", day)
            assert final.written and final.gaps == [] and not final.drafted, day
            doc = Document(str(final.written[0]))
            assert not any("草稿" in s.header.paragraphs[0].text for s in doc.sections)
    assert seen[0]["done"] < seen[-1]["done"]
    # no letter before the first meeting; one for every graded secretary by 1月底
    assert letters[0] == 0 and letters[-2] == letters[-1] == report_count()
    # a grade exists only after its meeting: Annex 2 in November has blank grade cells
    sheet = openpyxl.load_workbook(next((tmp_path / str(NOVEMBER) / "a2").glob("*.xlsx"))).active
    assert not any(c.value in ("好", "较好", "一般", "差") for r in sheet.iter_rows() for c in r)


def test_an_item_left_undone_is_late_from_the_day_after_its_day(
    demo: Path, tmp_path: Path
) -> None:
    master = as_of(demo, BRANCHES_DONE, tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(master)
    ws = wb["组织"]
    h = _headers(ws)
    row = next(r for r in ws.iter_rows(min_row=2) if r[h.index("附件2收到日期")].value)
    name = row[h.index("组织名称")].value
    row[h.index("附件2收到日期")].value = None  # this 党总支's Annex 2 never came
    wb.save(master)
    on_day = check(master, BRANCHES_DONE)
    assert not [f for f in on_day.findings if f.code == "deadline.annex2-received"]
    assert any(p["step"] == "annex2" and p["who"] == name for p in on_day.pending)
    after = check(master, BRANCHES_DONE + dt.timedelta(days=1))
    late = [f for f in after.findings if f.code == "deadline.annex2-received"]
    assert len(late) == 1 and name in late[0].message
    run = make_progress(master, BRANCHES_DONE + dt.timedelta(days=1), tmp_path / "p")
    assert [n.name for n in run.plan.notices] == [name]


def _headers_say_draft(path: Path) -> list[bool]:
    doc = Document(str(path))
    return ["草稿" in "".join(p.text for p in s.header.paragraphs) for s in doc.sections]


def test_a_new_year_through_the_cli(demo: Path, tmp_path: Path) -> None:
    """A new user at the start of a year: `new --from` last year's master, then in November the
    generators whose inputs exist run from the command line, final; the summary is refused,
    naming what the year still lacks, and its --draft says 草稿 on every page and lists them."""
    master = tmp_path / "2024.xlsx"
    assert annex("new", master, "--from", demo).returncode == 0
    code, report = check_json(master, "2024-11-15")
    assert code == 0 and report["errors"] == 0 and report["pending"]
    day = "--as-of=2024-11-15"
    for command in ("templates", "annex2"):
        proc = annex(command, master, "--out", tmp_path / command, day)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "草稿" not in proc.stdout and "另有" not in proc.stdout
    templates = sorted((tmp_path / "templates").glob("*.docx"))
    assert len(templates) == report_count() and not any(_headers_say_draft(templates[0]))
    proc = annex("summary", master, "--out", tmp_path / "s.docx", day)
    assert proc.returncode == 1 and f"尚未完成：召开述职评议会，{report_count()}项" in proc.stderr, proc.stderr
    assert not (tmp_path / "s.docx").exists()
    proc = annex("summary", master, "--out", tmp_path / "s.docx", day, "--draft")
    assert proc.returncode == 0 and "尚未完成：评定综合评价等次" in proc.stdout, proc.stderr
    assert all(_headers_say_draft(tmp_path / "s.docx"))
    text = "\n".join(p.text for p in Document(str(tmp_path / "s.docx")).paragraphs[:40])
    assert "草稿说明" in text and "尚未完成：述职报告报送党委组织部" in text
    proc = annex("templates", master, "--out", tmp_path / "td", day, "--draft")
    assert proc.returncode == 0
    assert all(all(_headers_say_draft(p)) for p in (tmp_path / "td").glob("*.docx"))


def test_the_demo_with_its_mistakes_through_the_cli(tmp_path: Path) -> None:
    """The demo's planted mistakes are in the reports, meetings, grades and rectifications:
    the templates, Annex 2 and the ballots are made (final), saying the master has errors
    elsewhere; the feedback letters, the grade notice and the summary refuse, naming where."""
    master = demo_copy(tmp_path / "demo").workbook
    day = "--as-of=2024-07-01"
    for command in ("templates", "annex2", "ballots"):
        proc = annex(command, master, "--out", tmp_path / command, day)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "主表另有" in proc.stdout and "未影响本次生成" in proc.stdout
    for command, where in (
        ("feedback", "“评议”表“反馈日期”列"),
        ("notice-grades", "“评议”表“综合评价等次”列"),
        ("summary", "“会议”表“实到人数”列"),
    ):
        out = tmp_path / (command if command == "feedback" else f"{command}.docx")
        proc = annex(command, master, "--out", out, day)
        assert proc.returncode == 1 and where in proc.stderr, (command, proc.stderr)
        assert "加 --draft 生成" in proc.stderr
