"""The archive knows people: who a 工号 or a 述职 was first filed for, the conflicts a master
may not override, `--refile` moves, and folders holding another person's opinion."""

from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annex_tools.archive.store import DOC_STEM, ArchiveError
from annex_tools.contract.text import filename_key, normalize, safe_filename

if TYPE_CHECKING:
    from annex_tools.archive.plan import Record


@dataclass(frozen=True)
class Bound:
    """Who a 工号 or a 述职 was first filed for."""

    staff_no: str
    name: str
    folder: str
    sid: str


def bindings(entries: list[dict[str, Any]]) -> tuple[dict[str, Bound], dict[str, Bound]]:
    """normalized 工号 -> the person first filed under it; 述职编号 -> the person first filed
    for it (manifest.json lists files in the order they were archived)."""
    by_no: dict[str, Bound] = {}
    by_sid: dict[str, Bound] = {}
    for e in entries:
        rel = str(e.get("file", ""))
        folder = rel.split("/")[1] if rel.count("/") >= 2 else ""
        b = Bound(str(e.get("staff_no", "")), str(e.get("name", "")), folder, str(e.get("sid", "")))
        by_no.setdefault(normalize(b.staff_no), b)
        by_sid.setdefault(b.sid, b)
    return by_no, by_sid


def _who(b: Bound) -> str:
    return f"{b.name}（工号{b.staff_no}，文件夹“{b.folder}”，来自述职{b.sid}）"


REFILE_HINT = (
    "核实后：如档案记录有误，运行 annex-tools archive 主表 --out 归档文件夹 --refile {sid} --reason 原因 "
    "把该述职已归档的文件连同更正记录移到主表所写的人名下；如主表有误，请改正主表后重新运行"
)


def identity_conflict(rec: Record, by_no: dict[str, Bound], by_sid: dict[str, Bound]) -> str:
    """Why the master's person for `rec` disagrees with the archive's record ('' = agrees)."""
    no, name = normalize(rec.staff_no), normalize(rec.name)
    hint = REFILE_HINT.format(sid=rec.sid)
    b = by_no.get(no)
    if b is not None and normalize(b.name) != name:
        return (
            f"档案中工号“{rec.staff_no}”属于{_who(b)}，主表中这个工号是{rec.name}（述职{rec.sid}）。"
            f"两者不一致，为免把评价意见归入他人档案，{rec.name}的评价意见本次未归档。{hint}"
        )
    b = by_sid.get(rec.sid)
    if b is not None and normalize(b.staff_no) != no and normalize(b.name) == name:
        return (
            f"述职{rec.sid}在档案中归于{_who(b)}，主表中是{rec.name}（工号{rec.staff_no}）。"
            f"同一人的工号不一致，{rec.name}的评价意见本次未归档。{hint}"
        )
    return ""


@dataclass
class Move:
    """One archived file moved by --refile: from where to where, and the record's change."""

    old: str
    new: str


def refile_entries(
    entries: list[dict[str, Any]],
    records: list[Record],
    sids: tuple[str, ...],
    reason: str,
    now: dt.datetime,
) -> tuple[list[dict[str, Any]], list[Move], list[str]]:
    """--refile: every archived file of the given 述职 that is not filed for the master's person
    (other 工号 or name, or another folder) moves to that person's folder, as the next version
    there; each moved entry keeps where it was and why in `corrections`. Refused (ArchiveError)
    when a 述职 is not in the master, no reason is given, or the result would still bind one
    工号 to two people (a swap is corrected by refiling both 述职 at once)."""
    import getpass

    if not reason.strip():
        raise ArchiveError(
            "--refile 需要同时用 --reason 写明更正原因（例如“工号录入互换，已与人事处核对”）"
        )
    by_rec = {r.sid: r for r in records}
    missing = [sid for sid in sids if sid not in by_rec]
    if missing:
        raise ArchiveError(
            f"--refile：述职{'、'.join(missing)}不在本次归档的名单中（需为已评定等次、身份无误的述职），未作更正"
        )
    wanted = set(sids)
    kept = [e for e in entries if str(e.get("sid", "")) not in wanted]
    keep_no, _ = bindings(kept)
    out = [dict(e) for e in entries]
    moves: list[Move] = []
    notes_: list[str] = []
    taken = {str(e.get("file", "")) for e in out}
    sids_in: dict[str, set[str]] = {}
    for e in out:
        rel = str(e.get("file", ""))
        if rel.count("/") >= 2:
            sids_in.setdefault(rel.split("/")[1], set()).add(str(e.get("sid", "")))
    for sid in sids:
        rec = by_rec[sid]
        no = normalize(rec.staff_no)
        bound = keep_no.get(no)
        folder = (
            bound.folder if bound and normalize(bound.name) == normalize(rec.name) else rec.folder
        )
        mine = [e for e in out if str(e.get("sid", "")) == sid]
        wrong = [
            e
            for e in mine
            if normalize(e.get("staff_no", "")) != no
            or normalize(e.get("name", "")) != normalize(rec.name)
            or str(e.get("file", "")).split("/")[1:2] != [folder]
        ]
        if not wrong:
            continue
        right = [e for e in mine if e not in wrong]
        version = max((int(e.get("version", 1)) for e in right), default=0)
        others = sids_in.get(folder, set()) - {sid}
        base = (
            str(right[0].get("stem", DOC_STEM))
            if right
            else (DOC_STEM if not others else f"{DOC_STEM}-{sid}")
        )
        groups: dict[str, list[dict[str, Any]]] = {}
        for e in wrong:  # one version = the .docx and its .pdf
            groups.setdefault(str(e["file"]).rsplit(".", 1)[0], []).append(e)
        for old_stem, group in groups.items():
            version += 1
            new_stem = f"data/{folder}/{base if version == 1 else f'{base}-v{version}'}"
            while any(t.startswith(new_stem + ".") for t in taken):
                version += 1
                new_stem = f"data/{folder}/{base}-v{version}"
            for e in group:
                old = str(e["file"])
                new = new_stem + old[len(old_stem) :]
                taken.discard(old)
                taken.add(new)
                e["corrections"] = [
                    *e.get("corrections", []),
                    {
                        "from_file": old,
                        "from_staff_no": e.get("staff_no", ""),
                        "from_name": e.get("name", ""),
                        "to_file": new,
                        "to_staff_no": rec.staff_no,
                        "to_name": rec.name,
                        "reason": reason.strip(),
                        "by": getpass.getuser(),
                        "at": now.isoformat(timespec="seconds"),
                    },
                ]
                e.update(file=new, staff_no=rec.staff_no, name=rec.name, version=version,
                         stem=base)  # fmt: skip
                moves.append(Move(old, new))
                notes_.append(
                    f"{old} → {new}（原记为{e['corrections'][-1]['from_name']}，"
                    f"工号{e['corrections'][-1]['from_staff_no']}；原因：{reason.strip()}）"
                )
        sids_in.setdefault(folder, set()).add(sid)
    by_no: dict[str, set[str]] = {}
    for e in out:
        by_no.setdefault(normalize(e.get("staff_no", "")), set()).add(normalize(e.get("name", "")))
    clash = sorted(no for no, names in by_no.items() if len(names) > 1)
    if clash:
        raise ArchiveError(
            "--refile 之后，档案中工号"
            + "、".join(f"“{no}”" for no in clash)
            + "仍同时属于两个人，未作更正。工号互换时请把涉及的述职一起更正（--refile 甲 --refile 乙）"
        )
    return out, moves, notes_


_OPINION_WHO = re.compile(r"姓\s*名：(.*?)工\s*号：(.*?)单位职务")


def opinion_names(docx: Path) -> tuple[str, str] | None:
    """(姓名, 工号) as an archived opinion .docx states them, or None when it cannot be read."""
    from annex_tools.contract.unzip import ZipRefused, read_part

    try:
        xml = read_part(docx, "word/document.xml", 8 << 20).decode("utf-8", "replace")
    except (OSError, KeyError, ZipRefused, zipfile.BadZipFile):
        return None
    text = html.unescape(re.sub(r"<[^>]+>", "", xml))
    m = _OPINION_WHO.search(text)
    return (m.group(1).strip(), m.group(2).strip()) if m else None


def misfiled(bag_dir: Path, entries: list[dict[str, Any]]) -> list[str]:
    """Folders holding another person's opinion: records in one folder naming two people, a
    folder whose name is not its person's, or a .docx whose text names someone else."""
    problems: list[str] = []
    people: dict[str, dict[tuple[str, str], list[str]]] = {}
    written_as: dict[str, tuple[str, str]] = {}  # rel -> (工号, 姓名) its text was made with
    for e in entries:
        rel = str(e.get("file", ""))
        if rel.count("/") < 2:
            continue
        who = (str(e.get("staff_no", "")), str(e.get("name", "")))
        people.setdefault(rel.split("/")[1], {}).setdefault(who, []).append(rel)
        first = (e.get("corrections") or [{}])[0]  # moved by --refile: the text is as it was
        written_as[rel] = (
            str(first.get("from_staff_no", who[0])),
            str(first.get("from_name", who[1])),
        )
    hint = (
        "请核实后用 annex-tools archive 主表 --out 归档文件夹 --refile 述职编号 --reason 原因 更正"
    )
    for folder, whos in sorted(people.items()):
        (no, n), _ = next(iter(whos.items()))  # the person first filed in this folder
        if len(whos) > 1:
            listed = "；".join(
                f"{pn}（工号{pno}）：{'、'.join(Path(r).name for r in rels)}"
                for (pno, pn), rels in whos.items()
            )
            problems.append(
                f"{bag_dir.name}/data/{folder}：文件夹中的文件属于不同的人（{listed}）。{hint}"
            )
        elif filename_key(folder) != filename_key(safe_filename(f"{no}_{n}")):
            problems.append(
                f"{bag_dir.name}/data/{folder}：文件夹名与其中文件登记的人（{n}，工号{no}）不符。{hint}"
            )
        for rel in (r for rels in whos.values() for r in rels if r.endswith(".docx")):
            said = opinion_names(bag_dir / rel)
            if said is None:
                continue
            made_no, made_name = written_as[rel]
            if (
                normalize(said[0]) != normalize(n)
                or (
                    normalize(said[1]) != normalize(made_no) and normalize(said[1]) != normalize(no)
                )
                or normalize(said[0]) != normalize(made_name)
            ):
                problems.append(
                    f"{bag_dir.name}/{rel}：文件内容写的是{said[0]}（工号{said[1]}），"
                    f"而它所在的文件夹属于{n}（工号{no}）。{hint}"
                )
    return problems
