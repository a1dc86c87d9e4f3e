"""Who is archived (from the master) and what a run adds (by the manifest): the records, their
opinion text, and the versions beside what is archived already."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annex_tools.archive.identity import bindings, identity_conflict
from annex_tools.archive.store import DOC_STEM
from annex_tools.contract import schema as S
from annex_tools.contract.text import filename_key, format_date, normalize, safe_filename
from annex_tools.documents.decision import decided_by, sec_gap
from annex_tools.institute import Institute, Submission
from annex_tools.workbook.reader import Settings


@dataclass
class Record:
    sid: str
    staff_no: str
    name: str
    folder: str  # {工号}_{姓名}
    context: dict[str, Any]

    @property
    def fingerprint(self) -> str:
        """What the opinion says, hashed: the same opinion archived again is not a new version."""
        text = json.dumps(
            {k: v for k, v in self.context.items() if k != "date"},
            ensure_ascii=False,
            sort_keys=True,
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def opinion_context(
    inst: Institute, sec: Submission, st: Settings, signed: dt.date
) -> dict[str, Any]:
    if sec.grade == S.GRADE_GOOD:
        linkage = f"年度考核等次：{sec.appraisal or '（未填写）'}。综合评价等次为“好”。"
    else:
        linkage = (
            f"年度考核等次：{sec.appraisal or '（未填写）'}。综合评价等次未达到“好”，"
            "根据工作方案，其年度考核不得评定为“优秀”等次。"
        )
    if sec.grade in S.GRADES_INTERVIEW:
        linkage += "已按规定约谈提醒、限期整改。" if sec.interview else "应约谈提醒、限期整改。"
    decided = decided_by(inst, sec)
    if decided:  # who fixed the grade, when, and where it is minuted
        linkage = f"综合评价等次经{decided}研究确定。{linkage}"
    issuer = (
        st.institute
        if sec.body_id == inst.root
        else (inst.orgs[sec.body_id].name if sec.body_id in inst.orgs else st.institute)
    )
    return {
        "year": st.year,
        "name": sec.name,
        "staff_no": sec.staff_no,
        "org": sec.org_name,
        "grade": sec.grade,
        "achievements": sec.achievements or "（未填写）",
        "shortcomings": sec.shortcomings or "（未填写）",
        "linkage": linkage,
        "issuer": issuer,
        "date": format_date(sec.feedback or signed),
    }


def plan_records(
    inst: Institute, st: Settings, all_levels: bool, signed: dt.date
) -> tuple[list[Record], list[tuple[str, str]]]:
    """Who is archived (graded 二级党组织书记; with all_levels, graded 党支部书记 too) and who is
    not, with the reason. The 工号 is the reporter's own; a disagreement with 组织, or one 工号
    given to two names, is refused rather than filed under a guess."""
    records: list[Record] = []
    skipped: list[tuple[str, str]] = []
    chosen = [
        sec
        for sec in inst.submissions
        if sec.grade and (sec.category == S.CAT_SECOND_LEVEL or all_levels)
    ]
    names_of: dict[str, set[str]] = {}
    for sec in chosen:
        if sec.staff_no and not sec.identity_problem:
            names_of.setdefault(normalize(sec.staff_no), set()).add(normalize(sec.name))
    for sec in chosen:
        who = f"{sec.org_name} {sec.name}（述职{sec.sid}）"
        if sec.identity_problem:
            skipped.append(
                (
                    who,
                    f"{sec.identity_problem}，身份不明，未归档（见 check 的 submission.identity）",
                )
            )
            continue
        if not sec.staff_no:
            skipped.append((who, "“述职”和“组织”表中都没有书记工号，无法归入人事档案"))
            continue
        gap = sec_gap(inst, sec)
        if gap:  # the opinion would not say who fixed the grade, and when
            skipped.append((who, f"{gap}，评价意见不能归档"))
            continue
        if len(names_of[normalize(sec.staff_no)]) > 1:
            skipped.append((who, f"书记工号“{sec.staff_no}”同时属于不同的人，身份不明，未归档"))
            continue
        folder = safe_filename(f"{sec.staff_no}_{sec.name}")
        records.append(
            Record(sec.sid, sec.staff_no, sec.name, folder, opinion_context(inst, sec, st, signed))
        )
    return records, skipped


@dataclass
class ArchiveResult:
    bag: Path
    written: list[Path] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # identity disagrees: exit 1
    corrected: list[str] = field(default_factory=list)  # --refile moves, as recorded
    pdf: bool = False


@dataclass
class _Todo:
    rec: Record
    version: int
    rel: str  # data/{folder}/{stem} without suffix


def _plan(
    result: ArchiveResult, records: list[Record], entries: list[dict[str, Any]]
) -> list[_Todo]:
    """What to add, by the manifest: an opinion already archived with the same content is not
    archived again; a changed one becomes the next version beside the old; the person's folder
    is the one their 工号 already has."""
    done = {(e.get("sid"), e.get("fingerprint")) for e in entries}
    versions: dict[str, int] = {}
    stems: dict[str, str] = {}  # sid|工号 -> base stem in its folder
    folder_of: dict[str, str] = {}  # normalized 工号 -> folder
    owner_of: dict[str, str] = {}  # folder key -> normalized 工号
    sids_in: dict[str, set[str]] = {}
    taken = {str(e.get("file", "")) for e in entries}
    for e in entries:
        sid, rel = str(e.get("sid", "")), str(e.get("file", ""))
        folder = rel.split("/")[1] if rel.count("/") >= 2 else ""
        no = normalize(e.get("staff_no", ""))
        versions[sid + "|" + no] = max(versions.get(sid + "|" + no, 0), int(e.get("version", 1)))
        stems.setdefault(sid + "|" + no, str(e.get("stem", DOC_STEM)))
        folder_of.setdefault(no, folder)
        owner_of.setdefault(filename_key(folder), no)
        sids_in.setdefault(folder, set()).add(sid + "|" + no)
    by_no, by_sid = bindings(entries)
    todo: list[_Todo] = []
    for rec in records:
        label = f"{rec.staff_no}_{rec.name}"
        conflict = identity_conflict(rec, by_no, by_sid)
        if conflict:
            result.refused.append((f"{rec.name}（工号{rec.staff_no}，述职{rec.sid}）", conflict))
            continue
        if (rec.sid, rec.fingerprint) in done:
            result.unchanged.append(label)
            continue
        no = normalize(rec.staff_no)
        folder = folder_of.get(no, rec.folder)
        if owner_of.get(filename_key(folder), no) != no:
            result.skipped.append(
                (
                    f"{rec.name}（述职{rec.sid}）",
                    f"文件夹名“{folder}”与另一工号的文件夹相同，未归档，请核对书记工号",
                )
            )
            continue
        folder_of[no], owner_of[filename_key(folder)] = folder, no
        key = rec.sid + "|" + no  # versions are per report and person
        others = sids_in.setdefault(folder, set()) - {key}
        base = stems.get(key) or (DOC_STEM if not others else f"{DOC_STEM}-{rec.sid}")
        stems[key] = base
        sids_in[folder].add(key)
        version = versions.get(key, 0) + 1
        versions[key] = version
        rel = f"data/{folder}/{base if version == 1 else f'{base}-v{version}'}"
        if any(t.startswith(rel + ".") for t in taken):
            result.skipped.append((label, f"“{rel}”已在档案中，归档文件只写一次，不会覆盖"))
            continue
        todo.append(_Todo(rec, version, rel))
        if version > 1:
            result.new_versions.append(f"{label}：第{version}版（原有版本保留不动）")
        result.planned.append(rel + ".docx" + ("、.pdf" if result.pdf else ""))
    return todo
