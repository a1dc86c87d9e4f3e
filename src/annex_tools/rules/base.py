"""What every rule family shares: the context, the registry and the mask-to-findings helper."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from annex_tools.contract import schema as S
from annex_tools.contract.findings import Finding, Severity, make, show_date
from annex_tools.contract.master import ROW, Workbook
from annex_tools.contract.settings import Settings
from annex_tools.institute import evaluating_body

Need = tuple[str, ...]  # (sheet key, header, header, ...)
RuleFn = Callable[["Context"], list[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    fn: RuleFn
    needs: tuple[Need, ...]


RULES: list[Rule] = []


def rule(code: str, *needs: Need) -> Callable[[RuleFn], RuleFn]:
    """Register a rule. It runs only when the sheets and columns it needs are present:
    a missing sheet or column is reported once by the reader, not again by every rule."""

    def register(fn: RuleFn) -> RuleFn:
        RULES.append(Rule(code, fn, needs))
        return fn

    return register


def blank(series: pd.Series) -> pd.Series:
    """Empty cells: '' for text, NaN/NaT for numbers and dates."""
    if series.dtype == object:
        return series.isna() | (series == "")
    return series.isna()


def lookup(keys: pd.Series, mapping: dict[str, Any]) -> pd.Series:
    """Map ids to text through `mapping`; unknown ids give ''."""
    return keys.map(mapping).astype(object).where(lambda s: s.notna(), "")


def emit(
    code: str,
    frame: pd.DataFrame,
    mask: pd.Series,
    sheet: str | None,
    column: str | None,
    fmt: Callable[..., dict[str, Any]],
    severity: Severity | None = None,
) -> list[Finding]:
    """Turn the rows where `mask` holds into findings, one per row, placed at (sheet, row, column)."""
    failing = frame[mask.fillna(False).astype(bool)]
    out: list[Finding] = []
    for rec in failing.to_dict("records"):
        row = rec.get("_sheet_row", rec.get(ROW))
        out.append(
            make(
                code,
                rec.get("_sheet", sheet),
                None if row is None or pd.isna(row) else int(row),
                column,
                severity,
                **fmt(rec),
            )
        )
    return out


def fmt_date(value: Any) -> str:
    """A date (or pandas Timestamp / NaT) as Y年M月D日; an empty cell as （空）."""
    return show_date(value)


@dataclass
class Context:
    """Everything a rule reads: typed frames enriched with the links between sheets."""

    wb: Workbook
    today: dt.date
    reports: pd.DataFrame  # one row per submission (see engine.report_facts)
    bad_cells: set[tuple[str, int, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.bad_cells |= {
            (f.sheet, f.row, f.column) for f in self.wb.findings if f.sheet and f.row and f.column
        }
        self.orgs = self.wb.frames["orgs"]
        self.meetings = self.wb.frames["meetings"]
        self._enrich()

    @property
    def settings(self) -> Settings:
        return self.wb.settings

    @property
    def today_ts(self) -> pd.Timestamp:
        return pd.Timestamp(self.today)

    def not_bad(self, frame: pd.DataFrame, sheet: S.Sheet, column: str) -> pd.Series:
        """Rows whose cell in `column` was not already reported as unreadable (bad date, number)."""
        bad_rows = [r for s, r, c in self.bad_cells if s == sheet.name and c == column]
        return ~frame[ROW].isin(bad_rows)

    def _enrich(self) -> None:
        orgs = self.orgs.drop_duplicates("组织编号")
        orgs = orgs[orgs["组织编号"] != ""]
        self.org_type = dict(zip(orgs["组织编号"], orgs["组织类型"], strict=True))
        self.org_name = dict(zip(orgs["组织编号"], orgs["组织名称"], strict=True))
        self.org_parent = dict(zip(orgs["组织编号"], orgs["上级组织编号"], strict=True))
        roots = orgs.loc[orgs["组织类型"] == S.ORG_PARTY_COMMITTEE, "组织编号"].tolist()
        self.root = roots[0] if len(roots) == 1 else ""

        meetings = self.meetings.drop_duplicates("会议编号")
        meetings = meetings[meetings["会议编号"] != ""]
        meeting_date = dict(zip(meetings["会议编号"], meetings["会议日期"], strict=True))
        meeting_host = dict(zip(meetings["会议编号"], meetings["主办组织编号"], strict=True))

        subs = self.wb.frames["subs"].copy()
        subs["org_type"] = lookup(subs["组织编号"], self.org_type)
        subs["org_name"] = lookup(subs["组织编号"], self.org_name).where(
            lambda s: s != "", subs["组织编号"]
        )
        subs["parent"] = lookup(subs["组织编号"], self.org_parent)
        subs["body"] = [
            evaluating_body(t, p, self.root)
            for t, p in zip(subs["org_type"], subs["parent"], strict=True)
        ]
        subs["meeting_date"] = pd.to_datetime(subs["会议编号"].map(meeting_date))
        subs["host"] = lookup(subs["会议编号"], meeting_host)
        subs["held"] = subs["meeting_date"].notna() & (subs["meeting_date"] <= self.today_ts)
        subs["who"] = [
            f"{org}书记{name}（述职{sid}）" if name else f"{org}（述职{sid}）"
            for org, name, sid in zip(
                subs["org_name"], subs["书记姓名"], subs["述职编号"], strict=True
            )
        ]
        self.subs = subs
        first = subs.drop_duplicates("述职编号").set_index("述职编号")
        link = ["org_type", "org_name", "parent", "body", "meeting_date", "held", "who", "述职类别"]
        link += ["书记姓名", "书记工号"]

        grades = self.wb.frames["grades"]
        self.grades = grades.join(first[link], on="述职编号")
        self.grades["who"] = self.grades["who"].fillna("述职" + self.grades["述职编号"].astype(str))
        self.grades["graded"] = self.grades["综合评价等次"].isin(S.GRADES)

        rects = self.wb.frames["rects"]
        self.rects = rects.join(first[link], on="述职编号")
        self.rects["who"] = self.rects["who"].fillna("述职" + self.rects["述职编号"].astype(str))

    def body_name(self, body: str) -> str:
        return str(self.org_name.get(body, body or "（未知评议主体）"))


def run_rules(ctx: Context, rules: Iterable[Rule] | None = None) -> list[Finding]:
    out: list[Finding] = []
    for r in rules if rules is not None else RULES:
        if all(ctx.wb.has(need[0], *need[1:]) for need in r.needs):
            out.extend(r.fn(ctx))
    return out
