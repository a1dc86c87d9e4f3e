"""What every rule family shares: the context, the registry and the mask-to-findings helper."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from annex_tools.contract import schema as S
from annex_tools.contract.findings import Finding, Severity, make, show_date
from annex_tools.contract.master import ROW, Workbook
from annex_tools.contract.settings import Settings
from annex_tools.contract.text import all_normal
from annex_tools.institute import first_rows, join, missing, normal
from annex_tools.schedule import PENDING, steps
from annex_tools.schedule import at as schedule_at

Need = tuple[str, ...]  # (sheet key, header, header, ...)
RuleFn = Callable[["Context"], list[Finding]]
T = TypeVar("T")


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


def lookup(keys: pd.Series, mapping: Mapping[str, object]) -> pd.Series:
    """Map ids through `mapping` (the joined view's org_type, org_name ...); unknown ids give ''.
    One dict look-up per distinct key: `Series.map(dict)` first makes a Series of the whole dict
    (30,000 organizations at city scale) on every call."""
    codes, uniques = pd.factorize(keys.to_numpy(dtype=object), use_na_sentinel=False)
    get = mapping.get
    values = np.fromiter((get(k, "") for k in uniques), object, len(uniques))
    values[missing(values)] = ""
    return pd.Series(values[codes], index=keys.index, dtype=object)


def per_value(series: pd.Series, test: Callable[[Any], bool]) -> pd.Series:
    """`test(value)` for each row, asked once per distinct value (a column of ids or choices
    repeats its values: 30,000 rows may hold 2,700 parents)."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=False)
    passed = np.fromiter((test(u) for u in uniques), bool, len(uniques))
    return pd.Series(passed[codes], index=series.index)


def blank(series: pd.Series) -> pd.Series:
    """Empty cells: '' for text, NaN/NaT for numbers and dates."""
    if series.dtype == object:  # on the array: a third of the Series operators' cost
        values = series.to_numpy()
        return pd.Series(missing(values) | (values == ""), index=series.index, name=series.name)
    return series.isna()


def failing(mask: pd.Series) -> np.ndarray:
    """The mask as a plain boolean array, a missing value counting as not failing."""
    hits: np.ndarray = (
        mask.to_numpy() if mask.dtype == bool else mask.to_numpy(dtype=bool, na_value=False)
    )
    return hits


def emit(
    code: str,
    frame: pd.DataFrame,
    mask: pd.Series | np.ndarray,
    sheet: str | None,
    column: str | None,
    fmt: Callable[..., dict[str, Any]],
    severity: Severity | None = None,
) -> list[Finding]:
    """Turn the rows where `mask` holds into findings, one per row, placed at (sheet, row, column).

    The frame stays a frame until a row fails: an all-false mask costs one array test, and only
    the failing rows become records for `fmt`. A numpy mask goes with the frame's rows in order."""
    if isinstance(mask, np.ndarray):
        hits = mask
    else:
        if not mask.index.equals(frame.index):  # a mask built on another view: align by label
            mask = mask.reindex(frame.index)
        hits = failing(mask)
    if not hits.any():
        return []
    out: list[Finding] = []
    rows = frame[hits]
    if not rows.columns.is_unique:  # (no rule's frame has a name twice: the plain way, then)
        rows = rows.loc[:, ~rows.columns.duplicated(keep="last")]
    block = Block(rows)
    row_key = "_sheet_row" if "_sheet_row" in block else ROW if ROW in block else None
    at_rows = block.column(row_key) if row_key is not None else None
    at_sheets = block.column("_sheet") if "_sheet" in block else None
    for i in range(len(rows)):
        row = None if at_rows is None else at_rows[i]
        out.append(
            make(
                code,
                sheet if at_sheets is None else at_sheets[i],
                None if row is None or pd.isna(row) else int(row),
                column,
                severity,
                **fmt(Record(block, i)),
            )
        )
    return out


class Block:
    """The failing rows of one `emit`, each column made Python values when a message first
    reads it: a joined frame is wide (dates become Timestamps one by one), and a broken master
    has tens of thousands of failing rows of which the messages read a few columns."""

    __slots__ = ("_arrays", "_names", "_rows")

    def __init__(self, rows: pd.DataFrame) -> None:
        self._rows = rows
        self._names = set(rows.columns)
        self._arrays: dict[str, Any] = {}

    def __contains__(self, key: object) -> bool:
        return key in self._names

    def column(self, key: str) -> Any:
        try:
            return self._arrays[key]
        except KeyError:
            if key not in self._names:
                raise
        values = self._arrays[key] = self._rows[key].to_numpy(dtype=object)
        return values

    def keys(self) -> list[str]:
        return list(self._rows.columns)


class Record(Mapping[str, Any]):
    """One failing row as `fmt` reads it (rec["组织名称"], rec.get(...)): a view of row `i` of
    the block, not a dict built per row."""

    __slots__ = ("_block", "_i")

    def __init__(self, block: Block, i: int) -> None:
        self._block = block
        self._i = i

    def __getitem__(self, key: str) -> Any:
        return self._block.column(key)[self._i]

    def get(self, key: str, default: Any = None) -> Any:
        return self._block.column(key)[self._i] if key in self._block else default

    def __contains__(self, key: object) -> bool:
        return key in self._block

    def __iter__(self) -> Iterator[str]:
        return iter(self._block.keys())

    def __len__(self) -> int:
        return len(self._block.keys())


class Coded:
    """One text column as integer codes into its distinct values (`pd.factorize`, made once per
    check by `Context.coded`): a test (== a choice, in a list, empty) runs once per distinct
    value and reaches the rows by one array index, instead of a comparison of every row's text
    (a column of choices or ids is read by several rules). Each test gives a boolean Series on
    the column's index."""

    __slots__ = ("_found", "codes", "index", "uniques", "values")

    def __init__(
        self,
        codes: np.ndarray,
        uniques: np.ndarray,
        index: pd.Index,
        values: np.ndarray,
        found: dict[str, int] | None = None,
    ) -> None:
        self.codes = codes
        self.values = values  # the column's own values
        self.uniques = uniques  # object array; a missing value (NaN/None) is one of them
        self.index = index
        self._found = {} if found is None else found  # text -> code, shared by coded-together

    @classmethod
    def of(cls, series: pd.Series) -> Coded:
        values = series.to_numpy(dtype=object)
        return cls(*_factorize(values), series.index, values)

    def _has_missing(self) -> bool:
        """Whether a value is missing (NaN, None): `_factorize` puts that code last."""
        return bool(len(self.uniques)) and bool(missing(self.uniques[-1:])[0])

    def code(self, text: str) -> int:
        """The code of `text` (-1: no value is that text), looked for once among the values
        (ids coded together have 100,000 of them: a test per value would cost more than one
        per row)."""
        found = self._found.get(text)
        if found is None:
            at = np.flatnonzero(self.uniques == text)
            found = self._found[text] = int(at[0]) if len(at) else -1
        return found

    def rows(self, per_value: np.ndarray) -> pd.Series:
        """A test given per distinct value, spread to the rows."""
        return pd.Series(per_value[self.codes], index=self.index)

    def eq(self, text: str) -> pd.Series:
        return pd.Series(self.codes == self.code(text), index=self.index)

    def ne(self, text: str) -> pd.Series:
        return pd.Series(self.codes != self.code(text), index=self.index)

    def isin(self, values: Iterable[object]) -> pd.Series:
        if isinstance(values, tuple | list) and all(type(v) is str for v in values):
            return pd.Series(np.isin(self.codes, [self.code(v) for v in values]), index=self.index)
        listed = values if isinstance(values, np.ndarray) else list(values)
        if self._has_missing():  # (None and NaN are one code, not one value to isin)
            return pd.Series(self.values, index=self.index, dtype=object).isin(listed)
        return self.rows(pd.Series(self.uniques, dtype=object).isin(listed).to_numpy())

    def blank(self) -> pd.Series:
        """Empty cells ('' or missing), as `blank`."""
        empty = self.codes == self.code("")
        if self._has_missing():
            empty |= self.codes == len(self.uniques) - 1
        return pd.Series(empty, index=self.index)

    def among(self, other: Coded, where: pd.Series | None = None) -> pd.Series:
        """Rows whose value occurs in `other` (on its rows where `where` holds), a column coded
        with the same values (the id columns `Context.coded` codes together)."""
        if other.uniques is not self.uniques:
            raise ValueError("columns coded apart: codes not comparable")
        seen = np.zeros(len(self.uniques), dtype=bool)
        seen[other.codes if where is None else other.codes[failing(where)]] = True
        return self.rows(seen)

    def per_value(self, test: Callable[[Any], Any], dtype: type = bool) -> pd.Series:
        """`test(value)` for each row, asked once per distinct value of this column (ids coded
        together have more distinct values than one column holds: only the column's own)."""
        used, at = np.unique(self.codes, return_inverse=True)
        found: np.ndarray = np.fromiter((test(u) for u in self.uniques[used]), dtype, len(used))
        return pd.Series(found[at], index=self.index, dtype=found.dtype)  # (object stays object)

    def lookup(self, mapping: Mapping[str, object]) -> pd.Series:
        """`lookup(column, mapping)`: each distinct value looked up once."""
        get = mapping.get
        values = self.per_value(lambda k: get(k, ""), object)
        values[missing(values.to_numpy())] = ""
        return values

    def rows_of(self, keys: Coded, last: bool = False) -> np.ndarray:
        """For each row of `keys` (coded together with this column), the position of the first
        (or last) row here holding its value, -1 where none does: `Index.get_indexer` against
        this column deduplicated, without hashing the ids again."""
        if keys.uniques is not self.uniques:
            raise ValueError("columns coded apart: codes not comparable")
        if last:  # the first from the end
            position = first_rows(self.codes[::-1], len(self.uniques))
            position[position >= 0] = len(self.codes) - 1 - position[position >= 0]
        else:
            position = first_rows(self.codes, len(self.uniques))
        rows: np.ndarray = position[keys.codes]
        return rows

    def duplicated(self) -> pd.Series:
        """Rows whose value an earlier row holds (Series.duplicated(keep="first"))."""
        if self._has_missing():  # None and NaN: not the same value here
            return pd.Series(self.values, index=self.index, dtype=object).duplicated()
        first = np.ones(len(self.codes), dtype=bool)
        first[np.unique(self.codes, return_index=True)[1]] = False
        return pd.Series(first, index=self.index)


def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`pd.factorize(values, use_na_sentinel=False)`: a missing value (NaN, None) is one more
    distinct value, NaN. (Asked with the sentinel: without it pandas first tests every value
    for NaN, a third of the cost.)"""
    codes, found = pd.factorize(values)
    uniques = np.asarray(found, dtype=object)
    missing_at = codes < 0
    if missing_at.any():
        codes[missing_at] = len(uniques)
        uniques = np.append(uniques, np.array([np.nan], dtype=object))
    return codes, uniques


# Id columns coded together (`Context.coded`): a code means the same id in each of them, so
# "this id occurs in that sheet" is an array look-up, not a hash of every row's text.
_SAME_IDS: tuple[tuple[tuple[str, str], ...], ...] = (
    (
        ("orgs", "组织编号"),
        ("orgs", "上级组织编号"),
        ("subs", "组织编号"),
        ("subs", "parent"),
        ("meetings", "主办组织编号"),
    ),
    (("subs", "述职编号"), ("grades", "述职编号"), ("rects", "述职编号")),
    (("subs", "会议编号"), ("meetings", "会议编号")),
)


def fmt_date(value: Any) -> str:
    """A date (or pandas Timestamp / NaT) as Y年M月D日; an empty cell as （空）."""
    return show_date(value)


@dataclass
class Context:
    """Everything a rule reads: typed frames enriched with the links between sheets."""

    wb: Workbook
    as_of: dt.date
    reports: pd.DataFrame  # one row per submission (see engine.report_facts)
    bad_cells: set[tuple[str, int, str]] = field(default_factory=set)
    # what several rules derive from the same frames, made once for this check (see `once`)
    _made: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.bad_cells |= {
            (f.sheet, f.row, f.column) for f in self.wb.findings if f.sheet and f.row and f.column
        }
        self._bad_rows: dict[tuple[str, str], list[int]] | None = None
        self.orgs = self.wb.frames["orgs"]
        self.meetings = self.wb.frames["meetings"]
        self._enrich()

    @property
    def settings(self) -> Settings:
        return self.wb.settings

    @property
    def as_of_ts(self) -> pd.Timestamp:
        return pd.Timestamp(self.as_of)

    def not_bad(self, frame: pd.DataFrame, sheet: S.Sheet, column: str) -> pd.Series:
        """Rows whose cell in `column` was not already reported as unreadable (bad date, number)."""
        if self._bad_rows is None:  # indexed once: a broken master has tens of thousands
            self._bad_rows = {}
            for s, r, c in self.bad_cells:
                self._bad_rows.setdefault((s, c), []).append(r)
        bad_rows = self._bad_rows.get((sheet.name, column))
        if not bad_rows:
            return pd.Series(True, index=frame.index)
        return ~frame[ROW].isin(bad_rows)

    def _enrich(self) -> None:
        """The joins of institute.join (one place for the links between sheets), plus what
        depends on the day of the check: whether each meeting has been held."""
        j = join(self.wb)
        self.joined = j
        self.org_type, self.org_name, self.org_parent, self.root = (
            j.org_type, j.org_name, j.org_parent, j.root,
        )  # fmt: skip

        def held(f: pd.DataFrame) -> pd.Series:
            return f["meeting_date"].notna() & (f["meeting_date"] <= self.as_of_ts)

        # shallow copies (the columns added here stay off `j`): the rules only read these frames
        self.subs = j.subs.copy(deep=False)
        self.subs["held"] = held(self.subs)
        self.grades = j.grades.copy(deep=False)
        self.grades["held"] = held(self.grades)
        self.grades["graded"] = self.grades["综合评价等次"].isin(S.GRADES)
        self.rects = j.rects.copy(deep=False)
        self.rects["held"] = held(self.rects)
        # every step's due day and verdict at the day of the check (the one computation)
        self.schedule = schedule_at(steps(j, self.orgs, self.meetings, self.settings), self.as_of)

    def body_name(self, body: str) -> str:
        return str(self.org_name.get(body, body or "（未知评议主体）"))

    def once(self, key: Hashable, make: Callable[[], T]) -> T:
        """`make()` the first time `key` is asked in this check, the same value after: a frame or
        set that several rules derive alike (they only read it)."""
        if key not in self._made:
            self._made[key] = make()
        made: T = self._made[key]
        return made

    def frame(self, key: str) -> pd.DataFrame:
        """The sheet `key` as the rules read it: 述职, 评议 and 整改 with their links joined (the
        same rows, in the same order, as the workbook's frames)."""
        joined = {"subs": self.subs, "grades": self.grades, "rects": self.rects}
        return joined.get(key, self.wb.frames[key])

    def coded(self, key: str, column: str) -> Coded:
        """The column `column` of the sheet `key` as codes, made once in this check. The id
        columns that point at each other (_SAME_IDS) are coded together, over one set of ids."""
        made = self._made.get(("coded", key, column))
        if made is not None:
            coded: Coded = made
            return coded
        group = next((g for g in _SAME_IDS if (key, column) in g), ((key, column),))
        group = tuple((k, c) for k, c in group if k in self.wb.frames and c in self.frame(k))
        if (key, column) not in group:
            raise KeyError((key, column))
        series = [self.frame(k)[c] for k, c in group]
        values = [s.to_numpy(dtype=object) for s in series]
        codes, uniques = self._codes_of(group, values)
        start, found = 0, dict[str, int]()  # (one look-up of a text's code for the group)
        for (k, c), s, v in zip(group, series, values, strict=True):
            self._made[("coded", k, c)] = Coded(
                codes[start : start + len(s)], uniques, s.index, v, found
            )
            start += len(s)
        return self.coded(key, column)

    def _codes_of(
        self, group: tuple[tuple[str, str], ...], values: list[np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        """`_factorize` of the group's values one after the other. The 述职编号 of subs, grades
        and rects were coded so by the join already (`Joined.sid_codes`, `Joined.sid_uniques`):
        those codes are taken, unless an id is missing (the join's code for it comes where it
        first occurs; `Coded` expects it last, as `_factorize` puts it)."""
        if group == _SAME_IDS[1] and not missing(self.joined.sid_uniques).any():
            return np.concatenate(self.joined.sid_codes), self.joined.sid_uniques
        return _factorize(np.concatenate(values))

    def is_normal(self, key: str, column: str) -> bool:
        """Whether `normalize` leaves each value of the column as it is (the reader normalizes
        ids, names and choices): then a value picked from it is normal too."""
        return self.once(
            ("is normal", key, column),
            lambda: all_normal(self.frame(key)[column].to_numpy(dtype=object)),
        )

    def normal(self, key: str, column: str) -> pd.Series:
        """`institute.normal` of the column, made once in this check (names and 工号 are compared
        by several rules)."""

        def make() -> pd.Series:
            series = self.frame(key)[column]
            return series if self.is_normal(key, column) else normal(series)

        return self.once(("normal", key, column), make)

    def waiting(self, key: str, step: str) -> pd.Series:
        """Rows of the sheet `key` (述职, 评议, 整改) whose submission's `step` is not yet due
        at the day of the check (made once: several rules leave these rows alone)."""
        made = self.once(
            ("waiting", key, step), lambda: self.coded(key, "述职编号").isin(self.pending(step))
        )
        return made.copy(deep=False)  # (a rule's `&=` stays off the one made)

    def blank(self, key: str, column: str) -> pd.Series:
        """`blank` of the column, made once in this check (several rules test the same cells);
        from its codes when the column is coded already."""

        def make() -> pd.Series:
            coded = self._made.get(("coded", key, column))
            return coded.blank() if coded is not None else blank(self.frame(key)[column])

        made = self.once(("blank", key, column), make)
        return made.copy(deep=False)  # (a rule's `&=` stays off the one made)

    def pending(self, step: str) -> np.ndarray:
        """述职编号 whose `step` is not yet due at the day of the check (for `isin`: an array
        is hashed in C, a set of 30,000 ids is first made a list)."""
        return self.once(
            ("pending", step), lambda: self.schedule.where(step, PENDING)["sid"].to_numpy(object)
        )


def applies(ctx: Context, r: Rule) -> bool:
    """Whether the sheets and columns the rule needs are all present."""
    return all(ctx.wb.has(need[0], *need[1:]) for need in r.needs)


def run_rules(ctx: Context, rules: Iterable[Rule] | None = None) -> list[Finding]:
    out: list[Finding] = []
    for r in rules if rules is not None else RULES:
        if applies(ctx, r):
            out.extend(r.fn(ctx))
    return out
