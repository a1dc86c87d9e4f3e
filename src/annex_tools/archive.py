"""The personnel-file archive (notice 三、5: 对二级党组织书记的评价意见，由党委组织部、党委教师工作部/
人事处根据有关规定归入干部人事档案), run headless.

Each year is one BagIt bag (RFC 8493) with SHA-256 manifests: `ARCHIVE_DIR/{年度}/data/{工号}_{姓名}/`
holds the evaluation opinion as .docx and PDF/A-2b, and `manifest.json` beside the bag's tag files
says, for each file, the 述职编号 and 工号 it belongs to, its SHA-256, the source workbook's
SHA-256, the tool version and the time. Files and folders are readable by their owner only (POSIX).

What the archive promises:
- Append-only with recorded fingerprints. A run hashes only the files it adds; the hashes of
  files already archived come from the manifests, never from the disk. Before adding, every
  archived file is checked against its recorded hash in manifest-sha256.txt and manifest.json;
  any difference (or a symbolic link anywhere in the bag) stops the run with nothing written.
- Staged commit. The new bag is built beside the old one (`.staging-{年度}-*`, archived files
  hard-linked, new ones written with O_EXCL), validated, renamed `.ready-*`, then swapped in by
  two renames. A run killed at any moment leaves the previous bag or the new one; the next run
  finishes or undoes an interrupted swap and removes what is left over.
- Never adopted, never overwritten. A file in the bag that no manifest lists, or a bag whose
  manifest.json (or payload manifest) is gone, is moved to `隔离/{年度}-{时间}/` beside the bags with
  a 说明.txt saying why; `archive verify` lists those folders.
- The person folder is keyed by the reporter's own 工号 (述职 书记工号, or 组织's when the names
  agree); a 述职 row whose name and 工号 disagree with 组织 is not filed.
- The archive knows people. A 工号 is bound to the name (and folder, and 述职) recorded when it
  was first written, and a 述职 to the person it was first filed for; a run whose master says
  otherwise (a swapped or mistyped 工号, a changed name) refuses that person, naming both, and
  files nothing for them. `archive verify` reports a folder whose records or .docx name another
  person. A mistake is corrected only by `--refile 述职编号 --reason 原因`, which moves that
  述职's files to the master's person in the same staged commit and records the move.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
import signal
import stat
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annex_tools import __version__
from annex_tools.contract import schema as S
from annex_tools.contract.errors import LockHeld
from annex_tools.contract.master import Progress, no_progress
from annex_tools.contract.text import filename_key, format_date, normalize, safe_filename
from annex_tools.documents.decision import decided_by, sec_gap
from annex_tools.documents.render import render_docx
from annex_tools.institute import Institute, Secretary, institute
from annex_tools.workbook.office import convert, soffice
from annex_tools.workbook.reader import Settings, read_workbook
from annex_tools.workbook.safewrite import WriteLock, sha256_file

MANIFEST = "manifest.json"
PAYLOAD_MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"
TAG_FILES = ("bagit.txt", "bag-info.txt", PAYLOAD_MANIFEST, MANIFEST, TAG_MANIFEST)
QUARANTINE = "隔离"
NOTE = "说明.txt"
DOC_STEM = "评价意见"
PDF_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'

KILL_AT_ENV = "ANNEX_ARCHIVE_KILL_AT"  # tests: "step" or "step:n" kills the run there (SIGKILL)
STEPS = ("staging", "copying", "manifests", "ready", "swap", "cleanup")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


class ArchiveError(Exception):
    """The archive cannot be written or read; the message is Chinese."""


class ArchiveTampered(ArchiveError):
    """Archived files differ from their recorded fingerprints: nothing was written."""

    def __init__(self, bag: Path, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"档案已被改动，本次未写入任何文件（{bag}）：\n"
            + "\n".join(f"  - {p}" for p in problems)
            + "\n请从备份恢复上述文件（或查明原因）后重新运行；运行 annex-tools archive verify 可再次核对。"
        )


_plain = no_progress


_passed: dict[str, int] = {}


def _step(name: str) -> None:
    """A named point of the run; the test hook kills the process here when asked (a real kill)."""
    wanted = os.environ.get(KILL_AT_ENV, "")
    step, _, nth = wanted.partition(":")
    if step != name:
        return
    _passed[name] = _passed.get(name, 0) + 1
    if _passed[name] >= int(nth or 1):
        if hasattr(signal, "SIGKILL"):
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(137)


def _open_nofollow(path: Path, flags: int) -> int:
    return os.open(path, flags | _NOFOLLOW | _BINARY, 0o600)


def _read_text(path: Path) -> str:
    fd = _open_nofollow(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as fh:
        return fh.read().decode("utf-8")


def _write_new(path: Path, data: bytes, mode: int = 0o400) -> str:
    """A new file, never an existing one or a link (O_EXCL); returns its SHA-256."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    _private(path, mode)
    return hashlib.sha256(data).hexdigest()


def _is_link(path: Path) -> bool:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    junction = getattr(path, "is_junction", None)
    return stat.S_ISLNK(st.st_mode) or bool(junction and junction())


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
    inst: Institute, sec: Secretary, st: Settings, today: dt.date
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
        "date": format_date(sec.feedback or today),
    }


def plan_records(
    inst: Institute, st: Settings, all_levels: bool, today: dt.date
) -> tuple[list[Record], list[tuple[str, str]]]:
    """Who is archived (graded 二级党组织书记; with all_levels, graded 党支部书记 too) and who is
    not, with the reason. The 工号 is the reporter's own; a disagreement with 组织, or one 工号
    given to two names, is refused rather than filed under a guess."""
    records: list[Record] = []
    skipped: list[tuple[str, str]] = []
    chosen = [
        sec
        for sec in inst.secretaries
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
            Record(sec.sid, sec.staff_no, sec.name, folder, opinion_context(inst, sec, st, today))
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


# ---- reading a bag as it is on disk ---------------------------------------------------------


def _listed_text(text: str) -> dict[str, str]:
    """path -> checksum from a BagIt manifest (paths percent-encode CR, LF and %)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip():
            checksum, path = line.split(None, 1)
            out[path.strip().replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")] = (
                checksum.lower()
            )
    return out


def _listed(manifest: Path) -> dict[str, str]:
    return _listed_text(_read_text(manifest))


def _walk(root: Path) -> tuple[list[str], list[str], list[str]]:
    """(files, folders, links) under root, relative POSIX paths; never follows a link."""
    files: list[str] = []
    folders: list[str] = []
    links: list[str] = []
    stack = [root]
    while stack:
        here = stack.pop()
        with os.scandir(here) as it:
            for entry in it:
                path = Path(entry.path)
                rel = path.relative_to(root).as_posix()
                if entry.is_symlink() or _is_link(path):
                    links.append(rel)
                elif entry.is_dir(follow_symlinks=False):
                    folders.append(rel)
                    stack.append(path)
                else:
                    files.append(rel)
    return sorted(files), sorted(folders), sorted(links)


@dataclass
class BagState:
    """A bag as found: what its manifests record and how the disk differs."""

    payload: dict[str, str]  # manifest-sha256.txt
    entries: list[dict[str, Any]]  # manifest.json files
    tampered: list[str]
    strays: list[str]  # on disk, in no manifest
    incomplete: str = ""  # why the bag cannot be read as a bag ('' = it can)


def _inspect(bag: Path, check_files: bool = True) -> BagState:
    files, folders, links = _walk(bag)
    tampered = [f"{bag.name}/{rel}：符号链接（档案中不应有链接，疑似篡改）" for rel in links]
    missing_tags = [t for t in ("bagit.txt", PAYLOAD_MANIFEST, MANIFEST) if t not in files]
    if missing_tags:
        return BagState({}, [], tampered, [], f"缺少{'、'.join(missing_tags)}")
    try:
        payload = _listed(bag / PAYLOAD_MANIFEST)
        doc = json.loads(_read_text(bag / MANIFEST))
        entries = list(doc["files"])
        recorded = {str(e["file"]): str(e["sha256"]) for e in entries}
        tags = _listed(bag / TAG_MANIFEST) if TAG_MANIFEST in files else {}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return BagState({}, [], tampered, [], f"清单无法读取（{exc}）")
    for tag in (PAYLOAD_MANIFEST, MANIFEST):
        if tag in tags and sha256_file(bag / tag, follow_links=False) != tags[tag]:
            tampered.append(f"{bag.name}/{tag}：清单本身已被改动（与 {TAG_MANIFEST} 不符）")
    for rel in sorted(set(payload) | set(recorded)):
        if payload.get(rel) != recorded.get(rel):
            tampered.append(f"{bag.name}/{rel}：{PAYLOAD_MANIFEST} 与 {MANIFEST} 的记录不一致")
    on_disk = set(files)
    for rel, checksum in sorted(payload.items()):
        if rel not in on_disk:
            tampered.append(f"{bag.name}/{rel}：文件缺失")
        elif check_files and sha256_file(bag / rel, follow_links=False) != checksum:
            tampered.append(f"{bag.name}/{rel}：内容已被改动（与记录的校验和不符）")
    known = set(payload) | set(recorded) | set(TAG_FILES)
    used = {p.as_posix() for rel in known for p in Path(rel).parents}
    loose = [d for d in folders if d not in used]
    top = [d for d in loose if not any(d.startswith(o + "/") for o in loose)]
    strays = [f for f in files if f not in known and not any(f.startswith(d + "/") for d in top)]
    return BagState(payload, entries, tampered, sorted(strays + top))


# ---- recovery and quarantine ------------------------------------------------------------------


def _remove_tree(path: Path) -> None:
    def writable(func: Callable[..., Any], p: str, _exc: object) -> None:
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(p), 0o700)
            func(p)

    if _is_link(path):
        path.unlink()
    elif path.exists():
        shutil.rmtree(path, onerror=writable)


def _leftovers(out_dir: Path, year: int, kind: str) -> list[Path]:
    if not out_dir.is_dir():
        return []
    return sorted(p for p in out_dir.iterdir() if p.name.startswith(f".{kind}-{year}-"))


def _recover(out_dir: Path, year: int, bag: Path) -> list[str]:
    """Finish or undo an interrupted swap, then remove what interrupted runs left behind."""
    notes: list[str] = []
    ready = _leftovers(out_dir, year, "ready")
    previous = _leftovers(out_dir, year, "previous")
    if not os.path.lexists(bag):
        if ready:
            os.rename(ready[0], bag)
            ready = ready[1:]
            notes.append("上次归档在替换档案时中断：新档案已校验完毕，已完成替换")
        elif previous:
            os.rename(previous[0], bag)
            previous = previous[1:]
            notes.append("上次归档在替换档案时中断：已恢复原档案")
    staging = _leftovers(out_dir, year, "staging")
    for path in (*staging, *ready, *previous):
        _remove_tree(path)
    if staging or ready:
        notes.append(
            f"已删除上次中断的归档留下的临时文件夹 {len(staging) + len(ready)} 个（原档案未受影响）"
        )
    return notes


def _quarantine_dir(out_dir: Path, year: int, now: dt.datetime) -> Path:
    root = out_dir / QUARANTINE
    if _is_link(root):
        raise ArchiveTampered(out_dir, [f"{root}：符号链接（档案中不应有链接，疑似篡改）"])
    root.mkdir(exist_ok=True)
    _private(root, 0o700)
    base = f"{year}-{now:%Y%m%d-%H%M%S}"
    for k in range(1000):
        target = root / (base if k == 0 else f"{base}-{k}")
        try:
            target.mkdir()
        except FileExistsError:
            continue
        _private(target, 0o700)
        return target
    raise ArchiveError(f"“{root}”中无法新建隔离文件夹")


def _note(folder: Path, text: str) -> None:
    with contextlib.suppress(FileExistsError):
        _write_new(folder / NOTE, text.encode("utf-8"), 0o600)


def _quarantine_strays(
    out_dir: Path, bag: Path, strays: list[str], now: dt.datetime
) -> tuple[Path, list[str]]:
    target = _quarantine_dir(out_dir, int(bag.name), now)
    moved = []
    for rel in strays:
        dest = target / "档案" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.rename(bag / rel, dest)
        moved.append(rel)
    _note(
        target,
        f"{now:%Y-%m-%d %H:%M:%S} annex-tools {__version__} 归档时发现以下文件或文件夹不在档案清单中，"
        "没有采用、没有覆盖，移到此处（原位置相对于档案文件夹 "
        f"{bag}）：\n" + "\n".join(moved) + "\n请核实来源后决定保留或删除。\n",
    )
    return target, moved


def _quarantine_bag(out_dir: Path, bag: Path, why: str, now: dt.datetime) -> Path:
    target = _quarantine_dir(out_dir, int(bag.name), now)
    os.rename(bag, target / "档案")
    _note(
        target,
        f"{now:%Y-%m-%d %H:%M:%S} annex-tools {__version__} 归档时发现档案 {bag} {why}，"
        "无法确认其中文件的归属，整个档案移到此处（未改动、未采用），并重新建立档案。"
        "请核实后人工处理此文件夹。\n",
    )
    return target


def _private(path: Path, mode: int) -> None:
    if os.name == "posix":
        os.chmod(path, mode)


def to_pdf_a(docx_files: list[Path], out_dir: Path) -> None:
    """All files in one LibreOffice call (workbook.office.convert); a kill meanwhile leaves no
    office process or profile behind."""
    try:
        code, stderr = convert(docx_files, PDF_FILTER, out_dir)
    except FileNotFoundError:
        raise ArchiveError(
            "未安装 LibreOffice，无法生成 PDF/A。请安装后重试，或使用 --no-pdf"
        ) from None
    missing = [f.name for f in docx_files if not (out_dir / f.with_suffix(".pdf").name).exists()]
    if code != 0 or missing:
        raise ArchiveError(
            f"LibreOffice 转换 PDF 失败（{', '.join(missing) or stderr.strip()[:200]}）"
        )


# ---- the run --------------------------------------------------------------------------------


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


def archive(
    workbook: Path,
    out_dir: Path,
    today: dt.date,
    pdf: bool | None = None,
    all_levels: bool = False,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    progress: Progress = _plain,
    refile: tuple[str, ...] = (),
    reason: str = "",
) -> ArchiveResult:
    wb = read_workbook(workbook)
    inst = institute(wb)
    records, skipped = plan_records(inst, wb.settings, all_levels, today)
    year = wb.settings.year
    bag = out_dir / str(year)
    result = ArchiveResult(bag, skipped=skipped)
    result.pdf = (soffice() is not None) if pdf is None else pdf
    now = now or dt.datetime.now().astimezone()
    if _is_link(bag):
        raise ArchiveTampered(bag, [f"{bag}：符号链接（档案中不应有链接，疑似篡改）"])
    if dry_run:
        entries: list[dict[str, Any]] = []
        if bag.exists():
            state = _inspect(bag)
            if state.tampered:
                raise ArchiveTampered(bag, state.tampered)
            if state.incomplete:
                result.quarantined.append(
                    f"档案{state.incomplete}：将整个移入“{QUARANTINE}”并重建（--dry-run，未移动）"
                )
            else:
                result.quarantined += [
                    f"{r}：不在档案清单中，将移入“{QUARANTINE}”（--dry-run，未移动）"
                    for r in state.strays
                ]
                entries = state.entries
        if refile:
            entries, _, result.corrected = refile_entries(entries, records, refile, reason, now)
        _plan(result, records, entries)
        return result
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(f"无法建立归档文件夹“{out_dir}”：{exc}") from None
    _private(out_dir, 0o700)
    lock = WriteLock(bag, wait=5.0, command="annex-tools archive")
    try:
        lock.acquire()
    except LockHeld:
        raise ArchiveError(
            f"另一个归档程序正在写入“{bag}”，本次未运行。请等它完成后重新运行。"
        ) from None
    try:
        return _run(
            workbook, wb.settings, out_dir, bag, records, result, now, progress, refile, reason
        )
    finally:
        lock.release()


def _run(
    workbook: Path,
    st: Settings,
    out_dir: Path,
    bag: Path,
    records: list[Record],
    result: ArchiveResult,
    now: dt.datetime,
    progress: Progress,
    refile: tuple[str, ...] = (),
    reason: str = "",
) -> ArchiveResult:
    year = st.year
    result.recovered = _recover(out_dir, year, bag)
    entries: list[dict[str, Any]] = []
    payload: dict[str, str] = {}
    if os.path.lexists(bag):
        if _is_link(bag):
            raise ArchiveTampered(bag, [f"{bag}：符号链接（档案中不应有链接，疑似篡改）"])
        state = _inspect(bag)
        if state.tampered:
            raise ArchiveTampered(bag, state.tampered)
        if state.incomplete:
            q = _quarantine_bag(out_dir, bag, state.incomplete, now)
            result.quarantined.append(
                f"档案{state.incomplete}：整个档案已移到“{q}”，并重新建立档案"
            )
        else:
            if state.strays:
                q, moved = _quarantine_strays(out_dir, bag, state.strays, now)
                result.quarantined += [f"{rel}：不在档案清单中，已移到“{q}”" for rel in moved]
            entries, payload = state.entries, state.payload
    moves: list[Move] = []
    if refile:
        entries, moves, result.corrected = refile_entries(entries, records, refile, reason, now)
        renamed = {m.old: m.new for m in moves}
        payload = {renamed.get(rel, rel): c for rel, c in payload.items()}
    todo = _plan(result, records, entries)
    if not todo and not moves:
        return result

    source_sha = sha256_file(workbook)
    token = uuid.uuid4().hex[:12]
    staging = out_dir / f".staging-{year}-{token}"
    staging.mkdir()
    _private(staging, 0o700)
    try:
        new_bag = _build(
            bag, staging, st, todo, entries, payload, source_sha, workbook, now, result, progress,
            {m.new: m.old for m in moves},
        )  # fmt: skip
        ready = out_dir / f".ready-{year}-{token}"
        os.rename(new_bag, ready)
        _step("ready")
    except BaseException:
        _remove_tree(staging)
        raise
    _remove_tree(staging)
    previous = out_dir / f".previous-{year}-{token}"
    had_bag = os.path.lexists(bag)
    if had_bag:
        os.rename(bag, previous)
        _step("swap")
    os.rename(ready, bag)
    _step("cleanup")
    if had_bag:
        _remove_tree(previous)
    return result


def _build(
    bag: Path,
    staging: Path,
    st: Settings,
    todo: list[_Todo],
    entries: list[dict[str, Any]],
    payload: dict[str, str],
    source_sha: str,
    workbook: Path,
    now: dt.datetime,
    result: ArchiveResult,
    progress: Progress,
    source_of: dict[str, str] | None = None,
) -> Path:
    """Build the new bag in staging: render, carry over (moved files under their new names),
    add, write tags, validate."""
    rendered = _render_opinions(staging, todo, result.pdf, progress)
    new_bag = staging / "bag"
    new_bag.mkdir()
    (new_bag / "data").mkdir()
    _link_archived(bag, new_bag, payload, source_of or {})
    files = list(entries)
    payload = dict(payload)
    for item, path in zip(todo, rendered, strict=True):
        _add_opinion(bag, new_bag, item, path, payload, files, source_sha, workbook, now, result)
    _write_tag_files(new_bag, st, payload, files, now)
    _validate_bag(new_bag)
    _private(new_bag / "data", 0o700)
    _private(new_bag, 0o700)
    return new_bag


def _render_opinions(staging: Path, todo: list[_Todo], pdf: bool, progress: Progress) -> list[Path]:
    """Render one opinion .docx per item into staging/work (and PDF/A beside them if asked)."""
    work = staging / "work"
    work.mkdir()
    rendered: list[Path] = []
    for k, item in enumerate(progress(todo, "生成评价意见")):
        assert isinstance(item, _Todo)
        path = work / f"{k:04d}.docx"
        render_docx("opinion.docx", dict(item.rec.context), path)
        rendered.append(path)
        _step("staging")
    if pdf:
        to_pdf_a(rendered, work)
    return rendered


def _payload_folder(new_bag: Path, rel: str) -> None:
    """Create the (private) parent folder of a payload file in the new bag if missing."""
    parent = new_bag / Path(rel).parent
    if not parent.exists():
        parent.mkdir()
        _private(parent, 0o700)


def _link_archived(
    bag: Path, new_bag: Path, payload: dict[str, str], source_of: dict[str, str]
) -> None:
    """Carry what is archived already: hard links, or copies checked against the record; a file
    moved by --refile is carried from its old name (`source_of`: new -> old)."""
    for rel, checksum in sorted(payload.items()):
        _payload_folder(new_bag, rel)
        src = bag / source_of.get(rel, rel)
        try:
            os.link(src, new_bag / rel, follow_symlinks=False)
        except (OSError, NotImplementedError):  # no hard links here: a copy, checked
            data = _read_bytes(src)
            if _write_new(new_bag / rel, data) != checksum:
                raise ArchiveTampered(
                    bag, [f"{bag.name}/{rel}：内容已被改动（与记录的校验和不符）"]
                ) from None
        _step("copying")


def _add_opinion(
    bag: Path,
    new_bag: Path,
    item: _Todo,
    path: Path,
    payload: dict[str, str],
    files: list[dict[str, Any]],
    source_sha: str,
    workbook: Path,
    now: dt.datetime,
    result: ArchiveResult,
) -> None:
    """Copy one rendered opinion (.docx, and .pdf if asked) into the bag and record it."""
    suffixes = (".docx", ".pdf") if result.pdf else (".docx",)
    for suffix in suffixes:
        rel = item.rel + suffix
        _payload_folder(new_bag, rel)
        checksum = _write_new(new_bag / rel, _read_bytes(path.with_suffix(suffix)))
        payload[rel] = checksum
        files.append(
            {
                "file": rel,
                "sha256": checksum,
                "sid": item.rec.sid,
                "staff_no": item.rec.staff_no,
                "name": item.rec.name,
                "version": item.version,
                "stem": item.rel.rsplit("/", 1)[1].removesuffix(f"-v{item.version}"),
                "fingerprint": item.rec.fingerprint,
                "source_workbook": workbook.name,
                "source_workbook_sha256": source_sha,
                "tool": f"annex-tools {__version__}",
                "archived_at": now.isoformat(timespec="seconds"),
            }
        )
        result.written.append(bag / rel)
        _step("copying")


def _write_tag_files(
    new_bag: Path,
    st: Settings,
    payload: dict[str, str],
    files: list[dict[str, Any]],
    now: dt.datetime,
) -> None:
    """Write the tag files (bagit, bag-info, manifests) once each, then the tag manifest."""
    size = sum(os.lstat(new_bag / rel).st_size for rel in payload)
    info = {
        "Source-Organization": st.institute,
        "External-Description": f"{st.year}年度基层党组织书记抓党建述职评议考核评价意见（归入干部人事档案）",
        "Bagging-Software": f"annex-tools {__version__}",
        "Bagging-Date": now.date().isoformat(),
        "Payload-Oxum": f"{size}.{len(payload)}",
    }
    tags = {
        "bagit.txt": "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n",
        "bag-info.txt": "".join(f"{k}: {v}\n" for k, v in info.items()),
        PAYLOAD_MANIFEST: "".join(f"{c}  {_encode(r)}\n" for r, c in sorted(payload.items())),
        MANIFEST: json.dumps({"files": files}, ensure_ascii=False, indent=2) + "\n",
    }
    tag_sums = {}
    for name, text in tags.items():
        tag_sums[name] = _write_new(new_bag / name, text.encode("utf-8"), 0o600)
        _step("manifests")
    _write_new(
        new_bag / TAG_MANIFEST,
        "".join(f"{c}  {n}\n" for n, c in sorted(tag_sums.items())).encode("utf-8"),
        0o600,
    )


def _validate_bag(new_bag: Path) -> None:
    """The Library of Congress validator, before the new bag replaces the old one."""
    import bagit

    try:
        bagit.Bag(str(new_bag)).validate()
    except (bagit.BagError, bagit.BagValidationError) as exc:
        raise ArchiveError(f"新档案未通过 BagIt 校验，原档案保持不变：{exc}") from None


def _encode(rel: str) -> str:
    return rel.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _read_bytes(path: Path) -> bytes:
    fd = _open_nofollow(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as fh:
        return fh.read()


# ---- verify ---------------------------------------------------------------------------------


def verify_bag(bag_dir: Path) -> tuple[int, list[str]]:
    """Every file of one bag against manifest-sha256.txt, manifest.json and the tag manifest:
    changed, missing and extra files, each named; links are tampering."""
    import bagit

    name = bag_dir.name
    if _is_link(bag_dir):
        return 0, [f"{bag_dir}：符号链接（档案中不应有链接，疑似篡改）"]
    state = _inspect(bag_dir)
    problems = list(state.tampered)
    if state.incomplete:
        return 0, [
            *problems,
            f"{name}：{state.incomplete}，无法校验（下次归档会把它整个隔离并重建）",
        ]
    tags = _listed(bag_dir / TAG_MANIFEST) if (bag_dir / TAG_MANIFEST).exists() else {}
    if not tags:
        problems.append(f"{name}：缺少 {TAG_MANIFEST}")
    for rel, checksum in tags.items():
        if rel in (PAYLOAD_MANIFEST, MANIFEST):
            continue  # compared in _inspect
        path = bag_dir / rel
        if not path.is_file():
            problems.append(f"{name}/{rel}：文件缺失")
        elif sha256_file(path, follow_links=False) != checksum:
            problems.append(f"{name}/{rel}：内容已被改动（校验和不符）")
    for rel in state.strays:
        problems.append(f"{name}/{rel}：多出的文件（不在清单中；下次归档会移入“{QUARANTINE}”）")
    if not problems:
        problems += misfiled(bag_dir, state.entries)
    if not problems:  # the Library of Congress validator too (Payload-Oxum, bagit.txt, ...)
        try:
            bagit.Bag(str(bag_dir)).validate()
        except (bagit.BagError, bagit.BagValidationError) as exc:
            problems.append(f"{name}：{exc}")
    return len(state.payload) + len(tags), problems


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


def _bags(archive_dir: Path) -> list[Path]:
    if (archive_dir / "bagit.txt").exists() or (archive_dir / MANIFEST).exists():
        return [archive_dir]
    return sorted(
        p
        for p in archive_dir.iterdir()
        if not p.name.startswith(".")
        and p.name != QUARANTINE
        and ((p.name.isdigit() and (p.is_dir() or _is_link(p))) or (p / "bagit.txt").exists())
    )


def interrupted(archive_dir: Path) -> list[str]:
    """Years whose bag is not in place because a run was killed between the two renames of its
    swap: the new bag (`.ready-`, validated) or the old one (`.previous-`) is beside it, and
    rerunning `archive` puts it back."""
    out: list[str] = []
    for kind, what in (("ready", "已校验完毕的新档案"), ("previous", "替换前的原档案")):
        for p in sorted(archive_dir.glob(f".{kind}-*")):
            year = p.name.split("-")[1] if p.name.count("-") >= 2 else ""
            if year and not os.path.lexists(archive_dir / year):
                out.append(
                    f"{year}：上次归档在替换档案时被中断（两次改名之间），“{year}”文件夹暂时不在；"
                    f"{what}完整地保存在“{p.name}”中。重新运行 annex-tools archive 主表 --out {archive_dir} "
                    "即可自动完成（或撤销）这次替换，不会丢失文件；在此之前请不要删除该文件夹"
                )
    return out


def verify(archive_dir: Path) -> tuple[int, list[str]]:
    """Recompute every checksum of every year's bag: (files checked, problems in Chinese). A
    year caught in the middle of a swap is a problem that says how it recovers."""
    if not archive_dir.is_dir():
        raise ArchiveError(f"“{archive_dir}”不是文件夹")
    bags = _bags(archive_dir)
    halfway = interrupted(archive_dir)
    if not bags and not halfway:
        raise ArchiveError(f"“{archive_dir}”中没有归档（找不到 bagit.txt）")
    checked, problems = 0, list(halfway)
    for bag_dir in bags:
        n, found = verify_bag(bag_dir)
        checked += n
        problems += found
    return checked, problems


def notes(archive_dir: Path) -> list[str]:
    """What earlier runs set aside: quarantine folders (with their 说明) and interrupted runs."""
    root = archive_dir if not (archive_dir / "bagit.txt").exists() else archive_dir.parent
    out: list[str] = []
    q = root / QUARANTINE
    if q.is_dir() and not _is_link(q):
        for folder in sorted(q.iterdir()):
            note = folder / NOTE
            first = ""
            if note.is_file() and not _is_link(note):
                first = _read_text(note).splitlines()[0] if _read_text(note) else ""
            out.append(f"隔离：{folder}" + (f"（{first}）" if first else ""))
    what = {
        "staging": "未建完的新档案（原档案未受影响）",
        "ready": "已校验完毕、尚未换入的新档案",
        "previous": "替换前的原档案",
    }
    for kind in ("staging", "ready", "previous"):
        for p in sorted(root.glob(f".{kind}-*")):
            out.append(
                f"中断的归档留下的文件夹：{p.name}，是{what[kind]}。下次运行 annex-tools archive 时自动完成"
                "或撤销替换并删除它，不需要手工处理"
            )
    return out


def quarantined(archive_dir: Path) -> list[Path]:
    """The quarantine folders waiting for a person (verify fails while there are any)."""
    root = archive_dir if not (archive_dir / "bagit.txt").exists() else archive_dir.parent
    q = root / QUARANTINE
    if not q.is_dir() or _is_link(q):
        return []
    return sorted(p for p in q.iterdir())
