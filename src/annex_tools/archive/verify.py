"""`archive verify` and what earlier runs set aside: every checksum of every year's bag, the
quarantine folders and interrupted swaps."""

from __future__ import annotations

import os
from pathlib import Path

from annex_tools.archive.identity import misfiled
from annex_tools.archive.store import (
    MANIFEST,
    NOTE,
    PAYLOAD_MANIFEST,
    QUARANTINE,
    TAG_MANIFEST,
    ArchiveError,
    _inspect,
    _is_link,
    _listed,
    _read_text,
)
from annex_tools.workbook.safewrite import sha256_file


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
