"""The write-once store: a year's BagIt bag on disk, its SHA-256 manifests, files written once
(O_EXCL, never through a link), reading a bag as it is, finishing or undoing an interrupted swap,
quarantine, and the test hook that kills a run at a named step."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annex_tools import __version__
from annex_tools.workbook.reader import Settings
from annex_tools.workbook.safewrite import sha256_file

MANIFEST = "manifest.json"


PAYLOAD_MANIFEST = "manifest-sha256.txt"


TAG_MANIFEST = "tagmanifest-sha256.txt"


TAG_FILES = ("bagit.txt", "bag-info.txt", PAYLOAD_MANIFEST, MANIFEST, TAG_MANIFEST)


QUARANTINE = "隔离"


NOTE = "说明.txt"


DOC_STEM = "评价意见"


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
