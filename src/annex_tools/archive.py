"""The personnel-file archive (notice 三、5: 对二级党组织书记的评价意见，由党委组织部、党委教师工作部/
人事处根据有关规定归入干部人事档案), run headless.

Each year is one BagIt bag (RFC 8493) with SHA-256 manifests: `ARCHIVE_DIR/{年度}/data/{工号}_{姓名}/`
holds the evaluation opinion as .docx and PDF/A-2b, and `manifest.json` beside the bag's tag files
says, for each file, the 述职编号 and 工号 it belongs to, the source workbook's SHA-256, the tool
version and the time. Write-once: a record is never overwritten; a changed opinion is archived as
a new version beside the old one. Files and folders are readable by their owner only (POSIX).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annex_tools import __version__
from annex_tools.contract import schema as S
from annex_tools.contract.text import format_date, safe_filename
from annex_tools.documents.render import render_docx
from annex_tools.institute import Institute, Secretary, institute
from annex_tools.workbook.reader import Settings, read_workbook

MANIFEST = "manifest.json"
DOC_STEM = "评价意见"
PDF_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
FONTS_CONF = Path(__file__).with_name("fonts.conf")
Progress = Callable[[Iterable[object], str], Iterable[object]]


class ArchiveError(Exception):
    """The archive cannot be written or read; the message is Chinese."""


def _plain(items: Iterable[object], label: str) -> Iterable[object]:
    return items


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


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
    not, with the reason."""
    records: list[Record] = []
    skipped: list[tuple[str, str]] = []
    for sec in inst.secretaries:
        if not sec.grade:
            continue
        if sec.category != S.CAT_SECOND_LEVEL and not all_levels:
            continue
        who = f"{sec.org_name} {sec.name}（述职{sec.sid}）"
        if not sec.staff_no:
            skipped.append((who, "“组织”表中没有书记工号，无法归入人事档案"))
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
    pdf: bool = False


def _load_manifest(bag: Path) -> dict[str, Any]:
    path = bag / MANIFEST
    if not path.exists():
        return {"files": []}
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    except (OSError, ValueError) as exc:
        raise ArchiveError(f"“{path}”无法读取：{exc}") from None


def _private(path: Path, mode: int) -> None:
    if os.name == "posix":
        os.chmod(path, mode)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf_a(docx_files: list[Path], out_dir: Path) -> None:
    """All files in one LibreOffice call (one call for 20 files ~3.5 s; 20 calls ~24 s)."""
    office = soffice()
    if office is None:
        raise ArchiveError("未安装 LibreOffice，无法生成 PDF/A。请安装后重试，或使用 --no-pdf")
    env = dict(os.environ)
    if FONTS_CONF.exists() and os.name == "posix":
        env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [office, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
             "--convert-to", PDF_FILTER, "--outdir", str(out_dir), *map(str, docx_files)],
            capture_output=True, text=True, timeout=600, env=env,
        )  # fmt: skip
    missing = [f.name for f in docx_files if not (out_dir / f.with_suffix(".pdf").name).exists()]
    if proc.returncode != 0 or missing:
        raise ArchiveError(
            f"LibreOffice 转换 PDF 失败（{', '.join(missing) or proc.stderr.strip()[:200]}）"
        )


def archive(
    workbook: Path,
    out_dir: Path,
    today: dt.date,
    pdf: bool | None = None,
    all_levels: bool = False,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    progress: Progress = _plain,
) -> ArchiveResult:
    import bagit

    wb = read_workbook(workbook)
    inst = institute(wb)
    records, skipped = plan_records(inst, wb.settings, all_levels, today)
    bag = out_dir / str(wb.settings.year)
    result = ArchiveResult(bag, skipped=skipped)
    result.pdf = (soffice() is not None) if pdf is None else pdf
    manifest = _load_manifest(bag) if bag.exists() else {"files": []}
    done = {(e["sid"], e.get("fingerprint")) for e in manifest["files"]}
    versions: dict[str, int] = {}
    for e in manifest["files"]:
        versions[e["sid"]] = max(versions.get(e["sid"], 0), int(e.get("version", 1)))
    todo: list[tuple[Record, int]] = []
    for rec in records:
        if (rec.sid, rec.fingerprint) in done:
            result.unchanged.append(f"{rec.staff_no}_{rec.name}")
            continue
        version = versions.get(rec.sid, 0) + 1
        todo.append((rec, version))
        if version > 1:
            result.new_versions.append(
                f"{rec.staff_no}_{rec.name}：第{version}版（原有版本保留不动）"
            )
        result.planned.append(
            f"{rec.folder}/{_name(version)}.docx" + ("、.pdf" if result.pdf else "")
        )
    if dry_run or not todo:
        return result

    source_sha = sha256(workbook)
    now = now or dt.datetime.now().astimezone()
    out_dir.mkdir(parents=True, exist_ok=True)
    _private(out_dir, 0o700)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".staging-") as tmp:
        stage = Path(tmp)
        staged: list[tuple[Record, int, Path]] = []
        for item in progress(todo, "生成评价意见"):
            rec, version = item  # type: ignore[misc]
            path = stage / f"{rec.sid}-v{version}.docx"
            render_docx("opinion.docx", dict(rec.context), path)
            staged.append((rec, version, path))
        if result.pdf:
            to_pdf_a([p for _, _, p in staged], stage)
        fresh = not bag.exists()
        payload_root = stage / "bag" if fresh else bag / "data"
        payload_root.mkdir(parents=True, exist_ok=True)
        entries = []
        for rec, version, path in staged:
            folder = payload_root / rec.folder
            folder.mkdir(exist_ok=True)
            _private(folder, 0o700)
            for suffix in (".docx", ".pdf") if result.pdf else (".docx",):
                target = folder / f"{_name(version)}{suffix}"
                if target.exists():
                    raise ArchiveError(f"“{target}”已存在，归档文件只写一次，不会覆盖")
                shutil.copyfile(path.with_suffix(suffix), target)
                _private(target, 0o400)
                rel = f"data/{rec.folder}/{target.name}"
                entries.append(
                    {
                        "file": rel,
                        "sha256": sha256(target),
                        "sid": rec.sid,
                        "staff_no": rec.staff_no,
                        "name": rec.name,
                        "version": version,
                        "fingerprint": rec.fingerprint,
                        "source_workbook": workbook.name,
                        "source_workbook_sha256": source_sha,
                        "tool": f"annex-tools {__version__}",
                        "archived_at": now.isoformat(timespec="seconds"),
                    }
                )
                result.written.append(bag / rel)
        manifest["files"].extend(entries)
        info = {
            "Source-Organization": wb.settings.institute,
            "External-Description": f"{wb.settings.year}年度基层党组织书记抓党建述职评议考核评价意见（归入干部人事档案）",
            "Bagging-Software": f"annex-tools {__version__}",
        }
        if fresh:
            b = bagit.make_bag(str(payload_root), bag_info=info, checksums=["sha256"])
            (payload_root / MANIFEST).write_text(
                json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            b.save(manifests=True)
            for p in payload_root.iterdir():
                _private(p, 0o600 if p.is_file() else 0o700)
            _private(payload_root, 0o700)
            os.replace(payload_root, bag)
        else:
            b = bagit.Bag(str(bag))
            (bag / MANIFEST).write_text(
                json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            _private(bag / MANIFEST, 0o600)
            b.save(manifests=True)
    return result


def _name(version: int) -> str:
    return DOC_STEM if version == 1 else f"{DOC_STEM}-v{version}"


def _listed(manifest: Path) -> dict[str, str]:
    """path -> checksum from a BagIt manifest (paths percent-encode CR, LF and %)."""
    out: dict[str, str] = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line.strip():
            checksum, path = line.split(None, 1)
            out[path.strip().replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")] = (
                checksum.lower()
            )
    return out


def verify_bag(bag_dir: Path) -> tuple[int, list[str]]:
    """Every checksum of one bag recomputed: missing, changed and extra files, each named."""
    import bagit

    problems: list[str] = []
    name = bag_dir.name
    payload = bag_dir / "manifest-sha256.txt"
    if not payload.exists():
        return 0, [f"{name}：缺少 manifest-sha256.txt，无法校验"]
    listed = _listed(payload)
    tags = bag_dir / "tagmanifest-sha256.txt"
    listed_tags = _listed(tags) if tags.exists() else {}
    if not tags.exists():
        problems.append(f"{name}：缺少 tagmanifest-sha256.txt")
    for rel, checksum in {**listed, **listed_tags}.items():
        path = bag_dir / rel
        if not path.is_file():
            problems.append(f"{name}/{rel}：文件缺失")
        elif sha256(path) != checksum:
            problems.append(f"{name}/{rel}：内容已被改动（校验和不符）")
    actual = {
        p.relative_to(bag_dir).as_posix() for p in (bag_dir / "data").rglob("*") if p.is_file()
    }
    for rel in sorted(actual - set(listed)):
        problems.append(f"{name}/{rel}：多出的文件（不在清单中）")
    if not problems:  # the Library of Congress validator too (Payload-Oxum, bagit.txt, ...)
        try:
            bagit.Bag(str(bag_dir)).validate()
        except (bagit.BagError, bagit.BagValidationError) as exc:
            problems.append(f"{name}：{exc}")
    return len(listed) + len(listed_tags), problems


def verify(archive_dir: Path) -> tuple[int, list[str]]:
    """Recompute every checksum of every year's bag: (files checked, problems in Chinese)."""
    if not archive_dir.is_dir():
        raise ArchiveError(f"“{archive_dir}”不是文件夹")
    if (archive_dir / "bagit.txt").exists():
        bags = [archive_dir]
    else:
        bags = sorted(p for p in archive_dir.iterdir() if (p / "bagit.txt").exists())
    if not bags:
        raise ArchiveError(f"“{archive_dir}”中没有归档（找不到 bagit.txt）")
    checked, problems = 0, []
    for bag_dir in bags:
        n, found = verify_bag(bag_dir)
        checked += n
        problems += found
    return checked, problems
