"""The master's rows joined once: who reports, for which organization, evaluated by which body,
at which meeting, with which grade and which rectifications. Pure: a Workbook in.

`join` gives the joins as frames (what the vectorised rules read, through rules.base.Context);
`institute` gives the same joins as records (what the documents read), built from `join`, so the
links between sheets (and the evaluating body) are decided in one place."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from annex_tools.contract import schema as S
from annex_tools.contract.findings import IDENTITY_PROBLEMS
from annex_tools.contract.master import ROW, Workbook
from annex_tools.contract.text import all_normal, normalize


def _date(value: object) -> dt.date | None:
    if value is None or value is pd.NaT:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _count(value: object) -> int | None:
    """A whole count as read (the reader gives floats; NaN is empty)."""
    if value is None or isinstance(value, str):
        return None
    try:
        if pd.isna(value):
            return None
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return int(number) if number >= 0 and number.is_integer() else None


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def evaluating_body(org_type: np.ndarray, parent: np.ndarray, root: str) -> np.ndarray:
    """Who evaluates each secretary (columns of organization types and parents): a 在职党支部书记
    by the 二级党组织 above the branch, every other secretary by the 党委 (notice, 二、(二)).
    The one place this is decided."""
    return np.where(org_type == S.ORG_STAFF_BRANCH, parent, root)


@dataclass
class Rectification:
    """One 整改 row: a problem (存在问题) of one submission, its measure, deadline and state."""

    rid: str
    source: str
    problem: str
    measure: str
    deadline: dt.date | None
    owner: str
    status: str
    done: dt.date | None
    row: int
    note: str = ""  # 进展说明: what the body reported on it


@dataclass
class Meeting:
    mid: str
    host: str
    date: dt.date | None
    place: str
    attendees: str
    reported: dt.date | None
    observers: str
    published_scope: str = ""  # 公布范围
    published: dt.date | None = None  # 公布日期
    present: int | None = None  # 实到人数: those present, who could vote in the 现场测评
    row: int = 0  # the 会议 sheet's Excel row
    decided: dt.date | None = None  # 定等次会议日期: the decision that fixed the grades
    minutes: str = ""  # 定等次会议纪要: the reference to its minutes


@dataclass
class Submission:
    """One 述职 row (a submission): one secretary reporting for one post, with the grade, the
    opinion and the problems that belong to it. A person with two posts has two submissions."""

    sid: str
    org_id: str
    org_name: str
    org_type: str
    name: str
    staff_no: str
    category: str
    mode: str
    report_file: str
    parent_id: str
    body_id: str  # the evaluating body
    meeting: Meeting | None
    grade: str = ""
    achievements: str = ""
    shortcomings: str = ""
    appraisal: str = ""
    interview: dt.date | None = None
    interviewer: str = ""  # 约谈人: who held the 约谈提醒
    feedback: dt.date | None = None
    ballots: tuple[float | None, ...] = ()
    grade_row: int | None = None
    sub_row: int = 0
    rectifications: list[Rectification] = field(default_factory=list)  # its 整改 rows
    identity_problem: str = ""  # why name and 工号 cannot be trusted together ('' = they can)
    sent: dt.date | None = None  # 报送组织部日期 (二级党组织书记)


@dataclass
class Organization:
    oid: str
    name: str
    otype: str
    parent: str
    secretary: str
    staff_no: str
    row: int
    vacancy: str = ""  # 书记空缺原因: filled when the secretary post is vacant
    annex2_received: dt.date | None = None  # 附件2收到日期 (the deadline ledger)


@dataclass
class Institute:
    year: int
    name: str
    root: str
    orgs: dict[str, Organization]
    meetings: dict[str, Meeting]
    submissions: list[Submission]  # the 述职 rows, one per reporting secretary and post
    # every step's due and done day (schedule.steps); its verdicts at a day: schedule.at
    steps: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        self._children: dict[str, list[Organization]] = {}
        for o in self.orgs.values():
            self._children.setdefault(o.parent, []).append(o)
        self._hosted: dict[str, list[Meeting]] = {}
        for m in self.meetings.values():
            self._hosted.setdefault(m.host, []).append(m)

    def children(self, oid: str, otype: str | None = None) -> list[Organization]:
        """Organizations directly under `oid` (of one type), in the order of the 组织 sheet."""
        return [o for o in self._children.get(oid, []) if otype is None or o.otype == otype]

    def hosted(self, oid: str) -> list[Meeting]:
        """Meetings the organization hosts, in the order of the 会议 sheet."""
        return list(self._hosted.get(oid, []))

    def by_sid(self) -> dict[str, Submission]:
        return {s.sid: s for s in self.submissions}


@dataclass(frozen=True)
class Identity:
    """Who reported, as the 述职 row and the 组织 row say together."""

    staff_no: str  # the 工号 to file under ('' = none known)
    kind: str = ""  # a disagreement that makes filing a guess ('' = none): IDENTITY_PROBLEMS key
    changed: bool = False  # a different person than 组织's secretary, named with own 工号
    words: tuple[tuple[str, str], ...] = ()  # what the problem's sentence names

    @property
    def problem(self) -> str:
        return IDENTITY_PROBLEMS[self.kind].format(**dict(self.words)) if self.kind else ""


def identify(name: str, staff_no: str, org_secretary: str, org_staff_no: str) -> Identity:
    """The 工号 of the person who reported. The 述职 row's own 工号 wins; when it is empty, the
    organization's 工号 is used only if the 述职 name is the organization's secretary. A 工号 that
    belongs to someone else by the 组织 sheet, or the secretary's name with another 工号, is a
    disagreement, never resolved by guessing."""
    n, s = normalize(name), normalize(staff_no)
    on, os_ = normalize(org_secretary), normalize(org_staff_no)
    words = (
        ("name", name), ("staff_no", staff_no), ("org_secretary", org_secretary),
        ("org_staff_no", org_staff_no),
    )  # fmt: skip
    if not s:
        if on and n != on:
            return Identity("", "not-secretary-no-number", words=words)
        return Identity(os_)
    if os_ and s == os_ and on and n != on:
        return Identity(s, "number-of-another", words=words)
    if os_ and s != os_ and on and n == on:
        return Identity(s, "other-number", words=words)
    return Identity(s, changed=bool(on and n != on))


def normal(series: pd.Series) -> pd.Series:
    """`normalize` of each value; the column itself when every value already is (the reader
    normalizes ids, names and choices, so this is usually one check over the whole column).
    Each distinct value is normalized once: a column of free text repeats its values."""
    values = series.to_numpy(dtype=object)
    if all_normal(values):
        return series
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    normalized = np.array([normalize(u) for u in uniques], dtype=object)
    return pd.Series(normalized[codes], index=series.index, name=series.name)


def identify_all(
    name: pd.Series,
    staff_no: pd.Series,
    org_secretary: pd.Series,
    org_staff_no: pd.Series,
    normalized: bool = False,
) -> tuple[pd.Series, pd.Series]:
    """`identify` for whole columns at once: each row's problem kind ('' = none) and whether a
    different person than the organization's secretary reported with their own 工号.
    `normalized`: the columns are `normal` already (not checked again)."""
    columns = (name, staff_no, org_secretary, org_staff_no)
    n, s, on, os_ = ((c if normalized else normal(c)).to_numpy(dtype=object) for c in columns)
    has_s, has_on, has_os = s != "", on != "", os_ != ""
    other_name = has_on & (n != on)
    kind = np.select(
        [
            ~has_s & other_name,
            has_s & has_os & (s == os_) & other_name,
            has_s & has_os & (s != os_) & has_on & (n == on),
        ],
        ["not-secretary-no-number", "number-of-another", "other-number"],
        "",
    ).astype(object)
    changed = has_s & (kind == "") & other_name
    return pd.Series(kind, index=name.index), pd.Series(changed, index=name.index)


def pick(values: pd.Series, at: np.ndarray, index: pd.Index) -> pd.Series:
    """values[at] (positions from `Index.get_indexer`) on `index`; '' where `at` is -1 (not
    found) or the value is missing: a dict look-up of each key, with the keys already found."""
    return pd.Series(take_text(values.to_numpy(dtype=object), at), index=index, dtype=object)


def take_text(source: np.ndarray, at: np.ndarray) -> np.ndarray:
    """`pick` as a new array."""
    out = np.empty(len(at), dtype=object)
    out[:] = ""  # (np.full would make a text per row)
    hit = at >= 0
    out[hit] = source[at[hit]]
    out[missing(out)] = ""
    return out


def missing(values: np.ndarray) -> np.ndarray:
    """`pd.isna` of an object array. An array of str only (the reader's text) has nothing
    missing: that is checked at a quarter of pd.isna's cost (which reads each value's type the
    slow way, 2-3x slower again on string objects scattered in memory)."""
    if infer_dtype(values, skipna=False) == "string":
        return np.zeros(len(values), dtype=bool)
    found: np.ndarray = pd.isna(values)
    return found


@dataclass
class Joined:
    """The links between the sheets, as frames: each 述职 row with its organization, evaluating
    body and meeting; 评议 and 整改 rows with their 述职 row's links."""

    org_type: dict[str, str]
    org_name: dict[str, str]
    org_parent: dict[str, str]
    root: str  # the 党委 ('' unless exactly one)
    subs: pd.DataFrame
    grades: pd.DataFrame
    rects: pd.DataFrame
    # each row's 述职编号 as a number, one per distinct id, in subs, grades and rects (one hash
    # of the ids: the schedule finds rows by these, not by hashing the ids again)
    sid_codes: tuple[np.ndarray, np.ndarray, np.ndarray]
    sid_uniques: np.ndarray  # the id of each code (object; a missing id where it first comes)
    # `who` is text in every row of the three (a grade or rectification row whose 述职编号 is
    # missing would have none): the schedule takes it as it is
    who_text: bool = True

    LINKS = ("org_type", "org_name", "parent", "body", "meeting_date", "host", "who")


def join(wb: Workbook) -> Joined:
    # each organization's first row with an id (drop_duplicates, then the empty id dropped),
    # only the four columns used taken: not a copy of the frame
    all_orgs = wb.frames["orgs"]
    first = ~all_orgs["组织编号"].duplicated().to_numpy()
    kept = np.flatnonzero(first & (all_orgs["组织编号"].to_numpy(dtype=object) != ""))
    org_ids, types, names, parents = (
        all_orgs[c].to_numpy(dtype=object)[kept]
        for c in ("组织编号", "组织类型", "组织名称", "上级组织编号")
    )
    ids, type_list = org_ids.tolist(), types.tolist()  # lists zip faster than arrays
    org_type = dict(zip(ids, type_list, strict=True))
    org_name = dict(zip(ids, names.tolist(), strict=True))
    org_parent = dict(zip(ids, parents.tolist(), strict=True))
    roots = [i for i, t in zip(ids, type_list, strict=True) if t == S.ORG_PARTY_COMMITTEE]
    root = roots[0] if len(roots) == 1 else ""

    meetings = wb.frames["meetings"].drop_duplicates("会议编号")
    meetings = meetings[meetings["会议编号"] != ""]

    subs = wb.frames["subs"].copy(deep=False)  # columns are added, none changed
    # each 述职 row's organization and meeting found once (what `lookup` through dicts gave)
    at_org = pd.Index(org_ids, dtype=object).get_indexer(subs["组织编号"])
    subs["org_type"] = pd.Series(take_text(types, at_org), index=subs.index, dtype=object)
    org_names = take_text(names, at_org)
    unnamed = org_names == ""  # (an organization not found, or without a name: its id)
    org_names[unnamed] = subs["组织编号"].to_numpy(dtype=object)[unnamed]
    subs["org_name"] = pd.Series(org_names, index=subs.index, dtype=object)
    subs["parent"] = pd.Series(take_text(parents, at_org), index=subs.index, dtype=object)
    subs["body"] = evaluating_body(
        subs["org_type"].to_numpy(), subs["parent"].to_numpy(), root
    ).tolist()  # (a list, typed as the column always was: text, or float when empty)
    at_meeting = pd.Index(meetings["会议编号"]).get_indexer(subs["会议编号"])
    hit = at_meeting >= 0
    meeting_days = meetings["会议日期"]
    # dates as read: taken as they are, not parsed again
    if meeting_days.dtype.kind == "M" and hit.any():
        days = np.full(len(at_meeting), np.datetime64("NaT"), dtype=meeting_days.dtype)
        days[hit] = meeting_days.to_numpy()[at_meeting[hit]]
        subs["meeting_date"] = pd.Series(days, index=subs.index)
    else:
        dates = np.full(len(at_meeting), np.nan, dtype=object)
        dates[hit] = meeting_days.to_numpy(dtype=object)[at_meeting[hit]]
        subs["meeting_date"] = pd.to_datetime(pd.Series(dates, index=subs.index))
    subs["host"] = pick(meetings["主办组织编号"], at_meeting, subs.index)
    subs["who"] = [
        f"{org}书记{name}（述职{sid}）" if name else f"{org}（述职{sid}）"
        for org, name, sid in zip(  # (lists: a Series yields its values one call each)
            subs["org_name"].tolist(),
            subs["书记姓名"].tolist(),
            subs["述职编号"].tolist(),
            strict=True,
        )
    ]
    grades, rects = wb.frames["grades"], wb.frames["rects"]
    codes, uniques = sid_codes(subs["述职编号"], grades["述职编号"], rects["述职编号"])
    first = first_rows(codes[0], code_count(codes))  # each id's first 述职 row (drop_duplicates)
    link = [c for c in [*Joined.LINKS, "述职类别", "书记姓名", "书记工号"] if c in subs]

    def linked(frame: pd.DataFrame, ids: np.ndarray) -> pd.DataFrame:
        # `frame.join(subs.drop_duplicates("述职编号").set_index("述职编号")[link], on=...)`:
        # each row's 述职 row by its code, each column taken by position (missing: NaN/NaT)
        at = first[ids]
        if set(link) & set(frame.columns):  # (no sheet has these columns: the plain way, then)
            found = subs.drop_duplicates("述职编号").set_index("述职编号")[link]
            found = found.reindex(frame["述职编号"])
            found.index = frame.index  # (set_axis would copy the columns)
            out = pd.concat([frame, found], axis=1)
        else:
            taken = {c: subs[c].array.take(at, allow_fill=True) for c in link}
            found = pd.DataFrame(  # (each array keeps its dtype: object stays object)
                {c: pd.Series(a, frame.index, a.dtype, copy=False) for c, a in taken.items()},
                copy=False,
            )
            out = pd.concat([frame, found], axis=1)
        lost = at < 0  # `who` is text in every 述职 row: missing exactly where the row is not found
        if lost.any():
            named = "述职" + out.loc[lost, "述职编号"].astype(str)
            out["who"] = out["who"].fillna(named)
            whole.append(not named.isna().any())
        return out

    whole: list[bool] = []
    grades, rects = linked(grades, codes[1]), linked(rects, codes[2])
    return Joined(
        org_type, org_name, org_parent, root, subs, grades, rects, codes, uniques, all(whole)
    )  # fmt: skip


def sid_codes(
    subs: pd.Series, grades: pd.Series, rects: pd.Series
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """Each column of 述职编号 as codes 0..n-1, one per distinct id across the three (a missing id is
    a value too, as drop_duplicates and get_indexer take it), and the id of each code."""
    ids = (subs, grades, rects)
    values = np.concatenate([i.to_numpy(dtype=object) for i in ids])
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    a, b = len(subs), len(subs) + len(grades)
    return (codes[:a], codes[a:b], codes[b:]), np.asarray(uniques, dtype=object)


def first_rows(codes: np.ndarray, n: int, rows: np.ndarray | None = None) -> np.ndarray:
    """For each of the `n` codes, the position of its first row among `rows` (positions into
    `codes`; all rows when None), -1 when it has none."""
    picked = codes if rows is None else codes[rows]
    found, first = np.unique(picked, return_index=True)
    out = np.full(n, -1, dtype=np.intp)
    out[found] = first if rows is None else rows[first]
    return out


def code_count(codes: tuple[np.ndarray, ...]) -> int:
    return max(int(c.max(initial=-1)) for c in codes) + 1


def institute(wb: Workbook, joined: Joined | None = None) -> Institute:
    f = wb.frames
    j = joined or join(wb)
    orgs: dict[str, Organization] = {}
    for r in f["orgs"].to_dict("records"):
        if r["组织编号"] and r["组织编号"] not in orgs:
            orgs[r["组织编号"]] = Organization(
                r["组织编号"],
                _text(r["组织名称"]),
                r["组织类型"],
                r["上级组织编号"],
                r["书记姓名"],
                r["书记工号"],
                int(r[ROW]),
                _text(r.get("书记空缺原因", "")),
                _date(r.get("附件2收到日期")),
            )
    root = j.root
    meetings: dict[str, Meeting] = {}
    for r in f["meetings"].to_dict("records"):
        if r["会议编号"] and r["会议编号"] not in meetings:
            meetings[r["会议编号"]] = Meeting(
                r["会议编号"], r["主办组织编号"], _date(r["会议日期"]), _text(r["会议地点"]),
                _text(r["参会人员"]), _date(r["报备日期"]), _text(r["列席人员"]),
                _text(r.get("公布范围", "")), _date(r.get("公布日期")),
                _count(r.get("实到人数")), int(r[ROW]),
                _date(r.get("定等次会议日期")), _text(r.get("定等次会议纪要")),
            )  # fmt: skip
    grades = {r["述职编号"]: r for r in f["grades"].to_dict("records") if r["述职编号"]}
    problems: dict[str, list[Rectification]] = {}
    for r in f["rects"].to_dict("records"):
        problems.setdefault(r["述职编号"], []).append(
            Rectification(
                r["整改编号"],
                r["问题来源"],
                _text(r["存在问题"]),
                _text(r["整改措施"]),
                _date(r["整改时限"]),
                r["责任人"],
                r["整改状态"],
                _date(r["完成日期"]),
                int(r[ROW]),
                _text(r.get("进展说明")),
            )  # fmt: skip
        )
    submissions: list[Submission] = []
    seen: set[str] = set()
    for r in j.subs.to_dict("records"):
        sid = r["述职编号"]
        if not sid or sid in seen:
            continue
        seen.add(sid)
        org = orgs.get(r["组织编号"])
        g = grades.get(sid, {})
        who = identify(
            r["书记姓名"], r.get("书记工号", ""), org.secretary if org else "",
            org.staff_no if org else "",
        )  # fmt: skip
        submissions.append(
            Submission(
                sid=sid,
                org_id=r["组织编号"],
                org_name=str(r["org_name"]),
                org_type=str(r["org_type"]),
                name=r["书记姓名"],
                staff_no=who.staff_no,
                category=r["述职类别"],
                mode=r["述职方式"],
                report_file=_text(r["报告文件"]),
                parent_id=str(r["parent"]),
                body_id=str(r["body"]),
                meeting=meetings.get(r["会议编号"]),
                grade=g.get("综合评价等次", "") if g.get("综合评价等次", "") in S.GRADES else "",
                achievements=_text(g.get("主要成绩")),
                shortcomings=_text(g.get("不足之处")),
                appraisal=g.get("年度考核等次", ""),
                interview=_date(g.get("约谈提醒日期")),
                interviewer=_text(g.get("约谈人")),
                feedback=_date(g.get("反馈日期")),
                ballots=tuple(
                    None if pd.isna(g.get(c)) else g.get(c)
                    for c in ("测评好票", "测评较好票", "测评一般票", "测评差票")
                )
                if g
                else (),
                grade_row=int(g[ROW]) if g else None,
                sub_row=int(r[ROW]),
                sent=_date(r.get("报送组织部日期")),
                rectifications=problems.get(sid, []),
                identity_problem=who.problem,
            )
        )
    from annex_tools.schedule import steps

    return Institute(
        wb.settings.year, wb.settings.institute, root, orgs, meetings, submissions,
        steps(j, f["orgs"], f["meetings"], wb.settings),
    )  # fmt: skip


def annex2_bodies(inst: Institute, exempt: tuple[str, ...]) -> list[Organization]:
    """二级党组织 that file Annex 2 (schedule.annex2_filers, the one definition): those with
    在职党支部, less the exempt ones (by name)."""
    from annex_tools.schedule import annex2_filers

    rows = [
        {"组织编号": o.oid, "组织名称": o.name, "组织类型": o.otype, "上级组织编号": o.parent}
        for o in inst.orgs.values()
    ]
    if not rows:
        return []
    frame = pd.DataFrame(rows)
    filing = set(frame.loc[annex2_filers(frame, exempt), "组织编号"])
    return [o for o in inst.orgs.values() if o.oid in filing]
