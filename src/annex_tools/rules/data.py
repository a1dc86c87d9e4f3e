"""Data rules: required cells, value lists, numbers, ids, references, structure, who reports.

Notice, 一(一): 述职评议考核对象 are the 二级党组织书记 and the 在职党支部书记; 一(二): the 党委
organizes the former, each 二级党总支 the latter.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from annex_tools.contract import schema as S
from annex_tools.contract.findings import Finding, Severity, make, row_label
from annex_tools.contract.master import ROW
from annex_tools.contract.settings import K_EXEMPT
from annex_tools.contract.text import normalize
from annex_tools.institute import identify_all, normal, pick
from annex_tools.rules.base import Coded, Context, emit, lookup, rule

_REFERENCES: tuple[tuple[S.Sheet, str, S.Sheet, str], ...] = (
    (S.ORGS, "上级组织编号", S.ORGS, "组织编号"),
    (S.SUBMISSIONS, "组织编号", S.ORGS, "组织编号"),
    (S.SUBMISSIONS, "会议编号", S.MEETINGS, "会议编号"),
    (S.MEETINGS, "主办组织编号", S.ORGS, "组织编号"),
    (S.GRADES_SHEET, "述职编号", S.SUBMISSIONS, "述职编号"),
    (S.RECTIFICATIONS, "述职编号", S.SUBMISSIONS, "述职编号"),
)


def _who(sheet: S.Sheet, rec: dict[str, object]) -> str:
    return row_label(sheet.name, rec[ROW], rec.get(sheet.id_column or sheet.headers[0]) or "")


@rule("schema.required")
def required_cells(ctx: Context) -> list[Finding]:
    """Cells every row needs, plus 上级组织编号 for all but the 党委, 书记姓名 for every organization
    that reports, and 审定人 once a 审定日期 is given."""
    out: list[Finding] = []
    for sheet in S.DATA_SHEETS:
        frame = ctx.wb.frames[sheet.key]
        conditions = _required_when(ctx, sheet, frame)
        for col in sheet.columns:
            condition = conditions.get(col.header)
            if not col.required and condition is None:
                continue
            if not ctx.wb.has(sheet.key, col.header):
                continue
            mask = ctx.blank(sheet.key, col.header)
            if condition is not None:
                mask = mask & condition
            if not mask.any():
                continue
            out += emit(
                "schema.required",
                frame,
                mask & ctx.not_bad(frame, sheet, col.header),
                sheet.name,
                col.header,
                lambda r, s=sheet, c=col.header: {"who": _who(s, r), "column": c},
            )
    return out


def _required_when(ctx: Context, sheet: S.Sheet, frame: pd.DataFrame) -> dict[str, pd.Series]:
    """The columns needed only on some rows of the sheet, each with the rows that need it."""
    if sheet is S.ORGS:
        if "组织类型" not in frame:
            return {
                "上级组织编号": pd.Series(True, index=frame.index),
                "书记姓名": pd.Series(False, index=frame.index),
            }
        kind = ctx.coded("orgs", "组织类型")
        vacant = (
            ctx.blank("orgs", "书记空缺原因")
            if "书记空缺原因" in frame
            else pd.Series(True, index=frame.index)
        )
        return {
            "上级组织编号": kind.ne(S.ORG_PARTY_COMMITTEE),
            "书记姓名": kind.isin((*S.SECOND_LEVEL_TYPES, S.ORG_STAFF_BRANCH)) & vacant,
        }
    if sheet is S.SUBMISSIONS:
        approved = (
            frame["审定日期"] if "审定日期" in frame else pd.Series(pd.NaT, index=frame.index)
        )
        return {"审定人": approved.notna()}
    return {}


@rule("schema.bad-value")
def values_in_lists(ctx: Context) -> list[Finding]:
    """Values of list columns (类型, 类别, 方式, 等次, 来源, 状态) must come from their list."""
    out: list[Finding] = []
    for sheet in S.DATA_SHEETS:
        frame = ctx.wb.frames[sheet.key]
        for col in sheet.columns:
            if col.kind is not S.Kind.CHOICE or not ctx.wb.has(sheet.key, col.header):
                continue
            # the column's distinct values checked first: a list column holds a few
            coded = ctx.coded(sheet.key, col.header)
            outside = [
                v for v in coded.uniques if not pd.isna(v) and v != "" and v not in col.choices
            ]
            if not outside:
                continue
            mask = coded.isin(outside)
            out += emit(
                "schema.bad-value",
                frame,
                mask,
                sheet.name,
                col.header,
                lambda r, s=sheet, c=col: {
                    "who": _who(s, r),
                    "column": c.header,
                    "value": r[c.header],
                    "choices": "、".join(c.choices),
                },
            )
    return out


@rule("schema.bad-number")
def numbers_in_range(ctx: Context) -> list[Finding]:
    """字数 may not be negative or fractional; shares lie between 0% and 100%.
    (Negative ballots are grade.ballots, the more specific rule.)"""
    out: list[Finding] = []
    frame = ctx.wb.frames[S.SUBMISSIONS.key]
    checks: list[tuple[str, str, Callable[[pd.Series], pd.Series]]] = [
        ("字数", "不能为负数或小数", lambda s: (s < 0) | (s % 1 != 0))
    ]
    for share in ("履职情况占比", "存在问题占比", "工作思路占比"):
        checks.append((share, "应在 0%～100% 之间", lambda s: (s < 0) | (s > 1)))
    for header, problem, test in checks:
        if not ctx.wb.has(S.SUBMISSIONS.key, header):
            continue
        series = frame[header]
        mask = series.notna() & test(series)
        out += emit(
            "schema.bad-number",
            frame,
            mask,
            S.SUBMISSIONS.name,
            header,
            lambda r, h=header, p=problem: {
                "who": _who(S.SUBMISSIONS, r),
                "column": h,
                "value": f"{r[h]:g}",
                "problem": p,
            },
        )
    return out


@rule("schema.duplicate-id")
def unique_ids(ctx: Context) -> list[Finding]:
    """组织编号, 述职编号, 会议编号 and 整改编号 identify one row each; 评议 has one row per 述职编号."""
    out: list[Finding] = []
    for sheet in S.DATA_SHEETS:
        column = sheet.id_column
        if column is None or not ctx.wb.has(sheet.key, column):
            continue
        frame = ctx.wb.frames[sheet.key]
        ids = ctx.coded(sheet.key, column)
        mask = ids.ne("") & ids.duplicated()
        if not mask.any():
            continue
        # each id's first row, from the two columns the message reads (not the whole sheet)
        first_row = (
            frame.loc[ids.ne(""), [column, ROW]].drop_duplicates(column).set_index(column)[ROW]
        )
        out += emit(
            "schema.duplicate-id",
            frame,
            mask,
            sheet.name,
            column,
            lambda r, c=column, fr=first_row: {"column": c, "value": r[c], "first": int(fr[r[c]])},
        )
    return out


@rule("schema.unknown-reference")
def references_exist(ctx: Context) -> list[Finding]:
    """Every 编号 that points at another sheet points at a row that exists."""
    out: list[Finding] = []
    for sheet, column, target, target_col in _REFERENCES:
        if not (ctx.wb.has(sheet.key, column) and ctx.wb.has(target.key, target_col)):
            continue
        frame = ctx.wb.frames[sheet.key]
        ids = ctx.coded(sheet.key, column)  # (coded with the ids it points at)
        mask = ids.ne("") & ~ids.among(ctx.coded(target.key, target_col))
        out += emit(
            "schema.unknown-reference",
            frame,
            mask,
            sheet.name,
            column,
            lambda r, s=sheet, c=column, t=target: {
                "who": _who(s, r),
                "column": c,
                "value": r[c],
                "target": t.name,
            },
        )
    return out


@rule("org.structure", ("orgs", "组织编号", "组织类型", "上级组织编号", "组织名称"))
def organization_tree(ctx: Context) -> list[Finding]:
    """One 党委 at the root; 党总支 and 直属党支部 under it; 在职党支部 under a 党总支; no cycles."""
    orgs = ctx.orgs
    has_id = ctx.coded("orgs", "组织编号").ne("")  # (a row without an id is not in the tree)
    otype = ctx.coded("orgs", "组织类型")
    sheet = S.ORGS.name
    out = _root_findings(orgs[has_id & otype.eq(S.ORG_PARTY_COMMITTEE)], sheet)
    out += _parent_type_findings(ctx, has_id, sheet)
    root_with_parent = has_id & otype.eq(S.ORG_PARTY_COMMITTEE)
    root_with_parent &= ctx.coded("orgs", "上级组织编号").ne("")
    out += emit(
        "org.structure",
        orgs,
        root_with_parent,
        sheet,
        "上级组织编号",
        lambda r: {"variant": "root-with-parent", "org": r["组织名称"]},
    )
    in_cycle = _orgs_in_cycles(ctx)
    if not in_cycle.any():
        return out
    mask = has_id & in_cycle & ~ctx.coded("orgs", "组织编号").duplicated()
    out += emit(
        "org.structure",
        orgs,
        mask,
        sheet,
        "上级组织编号",
        lambda r: {"variant": "cycle", "org": r["组织名称"]},
    )
    return out


def _root_findings(roots: pd.DataFrame, sheet: str) -> list[Finding]:
    """Exactly one 党委: none at all, or each one after the first, is a finding."""
    out: list[Finding] = []
    if len(roots) == 0:
        out.append(
            make(
                "org.structure",
                sheet,
                None,
                "组织类型",
                variant="no-root",
            )
        )
    for rec in roots.iloc[1:].to_dict("records") if len(roots) > 1 else []:
        out.append(
            make(
                "org.structure",
                sheet,
                int(rec[ROW]),
                "组织类型",
                variant="two-roots",
                org=rec["组织名称"],
                first=int(roots.iloc[0][ROW]),
            )
        )
    return out


def _parent_type_findings(ctx: Context, has_id: pd.Series, sheet: str) -> list[Finding]:
    """党总支 and 直属党支部 under the 党委, 在职党支部 under a 党总支 (where the parent is known).
    The parent's type is looked up once per distinct 上级组织编号."""
    out: list[Finding] = []
    otype = ctx.coded("orgs", "组织类型")
    parent = ctx.coded("orgs", "上级组织编号")
    used, at = np.unique(parent.codes, return_inverse=True)  # the column's own parents
    parents = parent.uniques[used]
    known_parent = np.fromiter((u in ctx.org_type for u in parents), bool, len(parents))
    parent_type = np.asarray(lookup(pd.Series(parents, dtype=object), ctx.org_type), dtype=object)
    expectations = (
        (otype.isin(S.SECOND_LEVEL_TYPES), S.ORG_PARTY_COMMITTEE, "second-level-parent"),
        (otype.eq(S.ORG_STAFF_BRANCH), S.ORG_GENERAL_BRANCH, "branch-parent"),
    )
    for selector, wanted, variant in expectations:
        wrong = (known_parent & (parent_type != wanted))[at]
        mask = has_id & selector & pd.Series(wrong, index=ctx.orgs.index)
        out += emit(
            "org.structure",
            ctx.orgs,
            mask,
            sheet,
            "上级组织编号",
            lambda r, v=variant: {
                "variant": v,
                "org": r["组织名称"],
                "otype": r["组织类型"],
                "parent": ctx.org_name.get(r["上级组织编号"], r["上级组织编号"]),
                "parent_type": ctx.org_type.get(r["上级组织编号"], ""),
            },
        )
    return out


def _orgs_in_cycles(ctx: Context) -> pd.Series:
    """The rows of organizations whose chain of parents comes back to them (a cycle).

    The chain of each organization (its first row, as `org_parent`) is followed on arrays by
    doubling: after 2^k steps beyond the number of organizations every chain has either left the
    tree (a parent that is no organization) or entered its cycle and the nodes it stands on are
    the cycles' nodes, each of them (a cycle's node is reached from the node that many steps
    back on it)."""
    ids = ctx.coded("orgs", "组织编号")
    parents = ctx.coded("orgs", "上级组织编号")  # (coded with the ids: the same codes)
    tree = ids.ne("").to_numpy() & ~ids.duplicated().to_numpy()
    n = int(tree.sum())
    node_of = np.full(len(ids.uniques), n)  # an id's node; n: no organization (the chain ends)
    node_of[ids.codes[tree]] = np.arange(n)
    step = np.append(node_of[parents.codes[tree]], n)  # each node's parent's node; n stays
    for _ in range(max(n, 1).bit_length() + 1):
        step = step[step]
    on_cycle = np.zeros(n + 1, dtype=bool)
    on_cycle[step] = True
    per_id = np.zeros(len(ids.uniques), dtype=bool)
    per_id[ids.codes[tree]] = on_cycle[:n]
    return ids.rows(per_id)


@rule("submission.missing", ("orgs", "组织编号", "组织类型"), ("subs", "组织编号"))
def every_secretary_reports(ctx: Context) -> list[Finding]:
    """Notice, 一(一): every 二级党组织书记 and every 在职党支部书记 reports."""
    orgs = ctx.orgs
    ids = ctx.coded("orgs", "组织编号")
    must = (
        ctx.coded("orgs", "组织类型").isin((*S.SECOND_LEVEL_TYPES, S.ORG_STAFF_BRANCH))
        & ids.ne("")
        & ctx.blank("orgs", "书记空缺原因")
    )
    mask = must & ~ids.among(ctx.coded("subs", "组织编号")) & ~ids.duplicated()
    return emit(
        "submission.missing",
        orgs,
        mask,
        S.ORGS.name,
        "组织编号",
        lambda r: {"org": r["组织名称"], "otype": r["组织类型"], "name": r["书记姓名"] or ""},
    )


@rule("org.vacant", ("orgs", "组织编号", "组织类型", "书记空缺原因"))
def vacant_posts(ctx: Context) -> list[Finding]:
    """Notice, 一(一): the 述职评议考核对象 are the secretaries in post. An organization whose
    secretary post is vacant (书记空缺原因 filled) has nobody to report: one info, no errors."""
    orgs = ctx.orgs
    mask = ~ctx.blank("orgs", "书记空缺原因") & ctx.coded("orgs", "组织类型").isin(
        (*S.SECOND_LEVEL_TYPES, S.ORG_STAFF_BRANCH)
    )
    return emit(
        "org.vacant",
        orgs,
        mask,
        S.ORGS.name,
        "书记空缺原因",
        lambda r: {"org": r["组织名称"], "otype": r["组织类型"], "reason": r["书记空缺原因"]},
    )


@rule("submission.category", ("subs", "述职类别", "组织编号"), ("orgs", "组织类型"))
def category_matches_type(ctx: Context) -> list[Finding]:
    """述职类别 follows from the organization: 二级党组织书记 for 党总支 and 直属党支部,
    党支部书记 for 在职党支部; other branch types are not evaluated."""
    subs = ctx.subs
    org_type = ctx.coded("subs", "org_type")
    category = {t: S.CAT_SECOND_LEVEL for t in S.SECOND_LEVEL_TYPES}
    category[S.ORG_STAFF_BRANCH] = S.CAT_BRANCH
    other = "不参加述职评议（只有二级党组织和在职党支部书记述职）"
    expected = np.array([category.get(t, other) for t in org_type.uniques], dtype=object)
    expected = expected[org_type.codes]
    mask = (
        org_type.ne("").to_numpy()
        & ctx.coded("subs", "述职类别").isin(S.CATEGORIES).to_numpy()
        & (subs["述职类别"].to_numpy(dtype=object) != expected)
    )
    if not mask.any():
        return []
    frame = subs.assign(expected=expected)
    return emit(
        "submission.category",
        frame,
        mask,
        S.SUBMISSIONS.name,
        "述职类别",
        lambda r: {
            "who": r["who"],
            "value": r["述职类别"],
            "org": r["org_name"],
            "otype": r["org_type"],
            "expected": r["expected"],
        },
    )


@rule(
    "submission.identity",
    ("subs", "书记姓名", "书记工号", "组织编号"),
    ("orgs", "书记姓名", "书记工号"),
)
def identity_matches_orgs(ctx: Context) -> list[Finding]:
    """The opinion is filed in the reporter's own personnel file (notice 三、5: 归入干部人事档案),
    so a 述职 row's 书记姓名 and 书记工号 must agree with 组织: an error when the 工号 is someone
    else's, the name comes with another 工号, one 工号 carries two names, or a different person
    reports without a 工号; a warning when a different person reports with their own 工号 (the
    secretary changed during the year: confirm)."""
    subs = ctx.subs
    # each row's organization (its first row), found through the codes of the ids
    at = ctx.coded("orgs", "组织编号").rows_of(ctx.coded("subs", "组织编号"))
    org_name = pick(ctx.orgs["书记姓名"], at, subs.index)
    org_no = pick(ctx.orgs["书记工号"], at, subs.index)
    key_no = ctx.normal("subs", "书记工号")
    key_name = ctx.normal("subs", "书记姓名")
    kind, changed = identify_all(
        key_name,
        key_no,
        org_name if ctx.is_normal("orgs", "书记姓名") else normal(org_name),
        org_no if ctx.is_normal("orgs", "书记工号") else normal(org_no),
        normalized=True,
    )
    # one 工号 carrying two names: the distinct (工号, name) pairs counted per 工号, on codes
    nos, names = _normal_codes(ctx, "书记工号"), _normal_codes(ctx, "书记姓名")
    given = nos.ne("").to_numpy()
    pair = nos.codes[given].astype(np.int64) * len(names.uniques) + names.codes[given]
    kinds = np.bincount(np.unique(pair) // len(names.uniques), minlength=len(nos.uniques))
    shared = pd.Series(given & (kinds[nos.codes] > 1), index=subs.index) & (kind == "")
    kind = kind.where(~shared, "shared-number")
    errors = kind != ""
    changed &= ~errors
    if not (errors.any() or changed.any()):
        return []
    frame = subs.assign(variant=kind, org_secretary=org_name, org_staff_no=org_no, names="")
    if shared.any():  # the names one 工号 carries, for the rows that share it
        carriers = subs[key_no.isin(set(key_no[shared]))]
        names = carriers.groupby(key_no[carriers.index])["书记姓名"].agg(
            lambda n: "、".join(sorted(set(n)))
        )
        frame["names"] = key_no.map(names).fillna("")

    def params(r: dict[str, object]) -> dict[str, object]:
        names = {"names": r["names"]} if r["variant"] == "shared-number" else {}
        return {
            "variant": r["variant"] or "changed",
            "who": r["who"],
            "name": r["书记姓名"],
            "staff_no": r["书记工号"],
            "org_secretary": r["org_secretary"],
            "org_staff_no": r["org_staff_no"],
        } | names

    sheet = S.SUBMISSIONS.name
    out = emit("submission.identity", frame, errors, sheet, "书记工号", params)
    out += emit("submission.identity", frame, changed, sheet, "书记工号", params, Severity.WARNING)
    return out


def _normal_codes(ctx: Context, column: str) -> Coded:
    """The codes of `ctx.normal("subs", column)` (the column's own when it is normal)."""
    if ctx.is_normal("subs", column):
        return ctx.coded("subs", column)
    return ctx.once(("normal codes", column), lambda: Coded.of(ctx.normal("subs", column)))


@rule("settings.exempt", ("orgs", "组织名称", "组织类型"))
def exempt_organizations_exist(ctx: Context) -> list[Finding]:
    """附件2 注2: the organizations that file no Annex 2 are named 直属党支部 of the institute. An
    organization of another type is a warning on the 设置 row (a 党总支's Annex 2 would otherwise
    silently not be generated). A name that matches no organization is left alone: the notice's
    defaults name branches that another institute may not have."""
    exempt = ctx.settings.exempt
    if not exempt:
        return []
    names = ctx.normal("orgs", "组织名称").to_numpy(dtype=object)
    frame = ctx.wb.frames.get("settings")
    row = None
    if frame is not None and "项目" in frame:
        rows = frame.loc[frame["项目"].map(normalize) == normalize(K_EXEMPT), ROW]
        row = int(rows.iloc[0]) if len(rows) else None
    out: list[Finding] = []
    for name in exempt:
        named = np.flatnonzero(names == normalize(name))  # (the last of one name counts)
        if not len(named):
            continue
        otype = ctx.orgs["组织类型"].iat[named[-1]]
        if otype == S.ORG_DIRECT_BRANCH:
            continue
        variant = "general-branch" if otype == S.ORG_GENERAL_BRANCH else "other-type"
        out.append(
            make(
                "settings.exempt",
                S.SETTINGS.name,
                row,
                "值",
                variant=variant,
                key=K_EXEMPT,
                name=name,
                otype=otype,
            )
        )
    return out
