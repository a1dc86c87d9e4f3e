"""Service functions: what each CLI command and each ribbon button calls.

They take paths, dates and settings and return values; rendering stays in cli/ (rich) and
excel/buttons.py (Excel).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import TypeVar

import pandas as pd

from annex_tools.analysis import PARTS, ReportAnalysis, ReportError, analyze_file
from annex_tools.contract import schema as S
from annex_tools.contract.findings import Finding, counts, finding_json
from annex_tools.contract.master import report_path
from annex_tools.rules import Context, run_rules
from annex_tools.rules.reports import missing_parts_text, report_findings
from annex_tools.schedule import Schedule, pending_items
from annex_tools.usecases.master import Master, as_master
from annex_tools.workbook.reader import ROW, Workbook, read_workbook

Analyzer = Callable[[Path], ReportAnalysis]


@dataclass
class CheckResult:
    workbook: Workbook
    findings: list[Finding]
    analyses: dict[str, ReportAnalysis] = field(default_factory=dict)
    schedule: Schedule | None = None  # every step's due day and verdict at the day of the check

    @cached_property
    def pending(self) -> list[dict[str, object]]:
        """Steps whose day has not come and that are not done: listed, never an error (made
        once: an early check at city scale lists ~10^5)."""
        if self.schedule is None:
            return []
        return pending_items(self.schedule)

    @property
    def errors(self) -> int:
        return counts(self.findings)[0]

    @property
    def warnings(self) -> int:
        return counts(self.findings)[1]

    def as_json(self) -> dict[str, object]:
        return {
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [f.as_dict() for f in self.findings],
            "pending": self.pending,
        }

    def json_chunks(self) -> Iterator[str]:
        """`json.dumps(self.as_json(), ensure_ascii=False, indent=2)` piece by piece, a finding
        at a time: a broken master's hundreds of thousands of findings are written out without
        holding them all as dicts and one string (gigabytes), and at the C encoder's speed."""
        errors, warnings = counts(self.findings)
        yield f'{{\n  "errors": {errors},\n  "warnings": {warnings},\n  "findings": '
        yield from _json_array(self.findings, finding_json)
        yield ',\n  "pending": '
        yield from _json_array(self.pending, _flat_json)
        yield "\n}"


T = TypeVar("T")


def _json_array(items: Sequence[T], render: Callable[[T, str], str]) -> Iterator[str]:
    """A list as json.dumps(indent=2) writes it at the second level, in pieces of 2,000 items
    (few writes, little held at once), each item rendered by `render(item, indent)`."""
    if not items:
        yield "[]"
        return
    step = 2000
    yield "[\n"
    for start in range(0, len(items), step):
        yield ("" if start == 0 else ",\n") + ",\n".join(
            ["    " + render(item, "    ") for item in items[start : start + step]]
        )
    yield "\n  ]"


_STRING = json.encoder.encode_basestring  # json.dumps(text, ensure_ascii=False), in C


def _flat_json(item: dict[str, object], indent: str) -> str:
    """`json.dumps(item, ensure_ascii=False, indent=2)` of a dict of text, whole numbers and
    None, each line after the first prefixed with `indent` (the indenting encoder is pure
    Python: seconds for an early check's pending steps at city scale)."""
    inner = ",\n" + indent + "  "
    fields = inner.join([f"{_STRING(k)}: {_scalar_json(v)}" for k, v in item.items()])
    return f"{{\n{indent}  {fields}\n{indent}}}"


def _scalar_json(value: object) -> str:
    if type(value) is str:
        return _STRING(value)
    if value is None:
        return "null"
    if type(value) is int:
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False)


_FILE_FACT_COLUMNS = [
    "_sheet", ROW, "who", "category", "file", "source", "error", "words", "missing",
    *PARTS, "first_person", "figures", "mandatory",
]  # fmt: skip
_SHEET_FACT_COLUMNS = ["sheet_words", *(f"sheet_{p}" for p in PARTS)]  # what the 述职 sheet says
_FACT_COLUMNS = [*_FILE_FACT_COLUMNS, *_SHEET_FACT_COLUMNS]


def report_facts(
    subs: pd.DataFrame, folder: Path, analyze: Analyzer = analyze_file
) -> tuple[pd.DataFrame, dict[str, ReportAnalysis]]:
    """One row per submission: what its report says, from the .docx when one is named,
    otherwise from the figures typed on the 述职 sheet."""
    sheet_shares = {"duties": "履职情况占比", "problems": "存在问题占比", "plans": "工作思路占比"}
    facts = pd.DataFrame(
        {
            "_sheet": S.SUBMISSIONS.name,
            ROW: subs[ROW],
            "who": subs["who"],
            "category": subs["述职类别"],
            "file": subs["报告文件"],
            "source": "",
            "error": "",
            "words": subs["字数"].astype(float),
            "missing": "",
            "first_person": None,
            "figures": None,
            "mandatory": None,
            "sheet_words": subs["字数"].astype(float),
            **{p: subs[h].astype(float) for p, h in sheet_shares.items()},
            **{f"sheet_{p}": subs[h].astype(float) for p, h in sheet_shares.items()},
        },
        index=subs.index,
        columns=_FACT_COLUMNS,
        copy=False,  # (the 述职 columns are only read; each column set below is a new one)
    )
    typed = facts[_SHEET_FACT_COLUMNS].notna().any(axis=1)
    has_file = subs["报告文件"] != ""
    facts.loc[typed & ~has_file, "source"] = "sheet"
    analyses: dict[str, ReportAnalysis] = {}
    rows = list(subs.index[has_file])
    records: list[dict[str, object]] = []
    for idx in rows:
        values: dict[str, object] = {"error": "", **dict.fromkeys(["words", *PARTS], float("nan"))}
        try:
            analysis = analyze(report_path(str(subs.at[idx, "报告文件"]), folder))
        except ReportError as exc:
            values["error"] = str(exc)
        else:
            analyses[str(subs.at[idx, "述职编号"])] = analysis
            values |= fact_values(analysis)
        records.append(values)
    if rows:  # one assignment per column, not one per cell
        found = pd.DataFrame.from_records(records, index=rows)
        for key in found.columns:
            facts[key] = facts[key].astype(object)
            facts.loc[rows, key] = found[key].astype(object)
        for column in ("words", *PARTS):  # (floats already unless a report's values went in)
            facts[column] = pd.to_numeric(facts[column], errors="coerce").astype(float)
    return facts.reset_index(drop=True), analyses


def fact_values(analysis: ReportAnalysis) -> dict[str, object]:
    return {
        "source": "file",
        "words": analysis.words,
        "missing": missing_parts_text(analysis.missing_parts),
        "first_person": analysis.first_person,
        "figures": analysis.figures,
        "mandatory": analysis.mandatory_item,
        **analysis.shares,
    }


def check(path: Path | str, as_of: dt.date, analyze: Analyzer | None = None) -> CheckResult:
    """`annex-tools check` and the 全面校验 button. Raises WorkbookError when unreadable."""
    return check_workbook(read_workbook(path), as_of, analyze)


@dataclass
class CheckRun:
    """What 全面校验 did: the result, and with marking the cells marked and the backup."""

    result: CheckResult
    marked: int = 0
    backup: Path | None = None

    @property
    def message(self) -> str:
        r = self.result
        if not (r.errors or r.warnings):
            return "校验完成：没有发现问题。"
        return f"校验完成：错误 {r.errors} 个，警告 {r.warnings} 个。"


def check_master(
    source: Path | str | Master,
    as_of: dt.date,
    now: dt.datetime | None = None,
    *,
    mark: bool = False,
    analyze: Analyzer | None = None,
) -> CheckRun:
    """全面校验 (`check [--write]` and the button): check the master; with `mark`, write
    校验结果 and mark the cells under one hold of the master, so the marks are those of what
    was checked."""
    master = as_master(source)
    if not mark:
        return CheckRun(check_workbook(master.read(), as_of, analyze))
    with master.hold():
        wb = master.read()
        result = check_workbook(wb, as_of, analyze)
        cap = wb.settings.note_cap  # 校验批注上限: notes cost Excel one call each
        marked, saved = master.mark(result.findings, now or dt.datetime.now(), cap)
    return CheckRun(result, marked, saved)


def clear_check_marks(path: Path | str) -> tuple[int, Path | None]:
    """清除标记 (`clear-marks` and the page; the button clears in Excel itself): the marks of the
    last 全面校验 and its 校验结果 rows removed, under the master's hold, with a backup; returns
    the cells cleared and the backup."""
    from annex_tools.usecases.master import MasterFile

    return MasterFile(path).unmark()


def check_and_mark(
    path: Path | str, as_of: dt.date, now: dt.datetime, analyze: Analyzer | None = None
) -> tuple[CheckResult, int, Path | None]:
    """`check --write` as a tuple (result, cells marked, backup)."""
    run = check_master(path, as_of, now, mark=True, analyze=analyze)
    return run.result, run.marked, run.backup


def check_workbook(wb: Workbook, as_of: dt.date, analyze: Analyzer | None = None) -> CheckResult:
    if analyze is None:
        analyze = partial(analyze_file, mandatory=wb.settings.mandatory_keys)
    ctx = Context(wb, as_of, reports=pd.DataFrame())
    ctx.reports, analyses = report_facts(ctx.subs, wb.folder, analyze)
    findings = wb.findings + run_rules(ctx)
    unique = list(dict.fromkeys(findings))
    unique.sort(key=Finding.sort_key)  # (the method itself: no lambda call per finding)
    return CheckResult(wb, unique, analyses, ctx.schedule)


@dataclass
class AnalyzeResult:
    file: str
    analysis: ReportAnalysis | None
    error: str
    findings: list[Finding]

    def as_json(self) -> dict[str, object]:
        base = (
            self.analysis.as_dict()
            if self.analysis
            else {
                "file": self.file,
                "words": None,
                "parts": dict.fromkeys(PARTS),
                "shares": dict.fromkeys(PARTS),
                "first_person": None,
                "figures": None,
                "mandatory_item": None,
            }
        )
        return base | {"findings": [f.as_dict() for f in self.findings]}


def infer_category(file: Path, master: Workbook | None = None) -> str | None:
    """The 述职类别 of a report: from the master's 述职 row that names this file, or whose
    organization and secretary both appear in the file name; else from the file name itself
    (a 党支部 is a branch; a 党总支/党委/二级党组织 is second level). None when it cannot be told."""
    from annex_tools.contract.text import normalize

    stem = normalize(file.stem)
    if master is not None and "subs" not in master.missing_sheets:
        subs = master.frames["subs"]
        for _, row in subs.iterrows():
            named = str(row.get("报告文件") or "")
            category = str(row.get("述职类别") or "")
            if category not in S.CATEGORIES:
                continue
            if named and normalize(Path(named.replace("\\", "/")).name) == normalize(file.name):
                return category
        orgs = master.frames.get("orgs")
        names = (
            dict(zip(orgs["组织编号"], orgs["组织名称"], strict=False)) if orgs is not None else {}
        )
        for _, row in subs.iterrows():
            org = normalize(str(names.get(row.get("组织编号"), "") or ""))
            who = normalize(str(row.get("书记姓名") or ""))
            category = str(row.get("述职类别") or "")
            if org and who and org in stem and who in stem and category in S.CATEGORIES:
                return category
    if "党支部" in stem:
        return S.CAT_BRANCH
    if any(word in stem for word in ("党总支", "党委", "二级党组织")):
        return S.CAT_SECOND_LEVEL
    return None


def analyze(
    files: list[Path], category: str | None = None, master: Path | None = None
) -> list[AnalyzeResult]:
    """`annex-tools analyze`: each report analysed under its category's limits. The category is
    `category`, or inferred from the master's 述职 rows or the file name; the limits are the
    master's settings when one is given. Refuses (InputError) missing files and reports whose
    category cannot be told."""
    from annex_tools.contract.errors import InputError

    if category is not None and category not in S.CATEGORIES:
        raise InputError(f"--category 的值“{category}”无效，应为：{'、'.join(S.CATEGORIES)}。")
    missing = [f for f in files if not f.exists()]
    if missing:
        raise InputError("找不到文件：" + "、".join(f"“{f}”" for f in missing) + "。")
    book = read_workbook(master) if master is not None else None
    categories = {f: category or infer_category(f, book) for f in files}
    unknown = [f for f, c in categories.items() if c is None]
    if unknown:
        raise InputError(
            "无法判断"
            + "、".join(f"“{f.name}”" for f in unknown)
            + "是哪一类书记的述职报告（决定字数上限）。请加 --category 二级党组织书记 或 --category 党支部书记，"
            "或用 --master 指定主表。"
        )
    settings = book.settings if book is not None else None
    return [r for f, c in categories.items() for r in analyze_reports([f], c, settings)]


def analyze_reports(
    files: list[Path], category: str | None, wb_settings: object = None
) -> list[AnalyzeResult]:
    """`annex-tools analyze`: the report rules applied to files (settings from the master when
    one is given, else the notice's defaults)."""
    from annex_tools.workbook.reader import Settings

    settings = wb_settings if isinstance(wb_settings, Settings) else Settings()
    out: list[AnalyzeResult] = []
    for file in files:
        row: dict[str, object] = {
            "_sheet": None,
            ROW: None,
            "who": f"“{file.name}”",
            "category": category or "",
            "file": str(file),
            "source": "",
            "error": "",
            "words": None,
            "missing": "",
            "first_person": None,
            "figures": None,
            "mandatory": None,
            **dict.fromkeys(PARTS),
        }
        analysis: ReportAnalysis | None = None
        try:
            analysis = analyze_file(file, mandatory=settings.mandatory_keys)
            row.update(fact_values(analysis))
        except ReportError as exc:
            row["error"] = str(exc)
        facts = pd.DataFrame.from_records([row], columns=_FILE_FACT_COLUMNS)
        for column in ("words", *PARTS):
            facts[column] = pd.to_numeric(facts[column], errors="coerce").astype(float)
        findings = report_findings(facts, settings)
        if not category:  # without a category the word limit cannot be known
            findings = [f for f in findings if f.code != "report.too-long"]
        out.append(AnalyzeResult(str(file), analysis, str(row["error"]), findings))
    return out
