"""Where generated documents go, and what is never lost there.

Every output folder keeps a small manifest (`.生成记录-annex-tools.json`: file name -> SHA-256
of what annex-tools wrote). Before a file is written again, the one on disk is compared with
its recorded fingerprint: a file a person has changed since it was generated (or one that
annex-tools did not write) is kept and listed, unless `force`, which copies it to 备份/ first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from annex_tools.contract.errors import OutputError, TemplateError

MANIFEST = ".生成记录-annex-tools.json"
BACKUP_DIR = "备份"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Outputs:
    """What one generating run did in one folder."""

    folder: Path
    force: bool = False
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # changed by a person: not overwritten
    backups: list[Path] = field(default_factory=list)  # --force: where the changed files went
    _manifest: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        path = self.folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self._manifest = {str(k): str(v) for k, v in data.get("files", {}).items()}
        except (OSError, ValueError, AttributeError):
            self._manifest = {}

    def changed_by_person(self, path: Path) -> bool:
        if not path.exists():
            return False
        return self._manifest.get(path.name) != sha256(path)

    def write(self, path: Path, make: Callable[[Path], object]) -> Path | None:
        """Write `path` with `make(path)` unless a person changed the file there; returns the
        path written, or None when the file was kept."""
        if self.changed_by_person(path):
            if not self.force:
                self.kept.append(path)
                return None
            self.backups.append(backup_file(path))
        make(path)
        self._manifest[path.name] = sha256(path)
        self.written.append(path)
        return path

    def save(self) -> None:
        from annex_tools.workbook.safewrite import atomic_write_bytes

        if not self.written:
            return
        data = {
            "说明": "annex-tools 生成的文件及其 SHA-256；文件被改动后，再次生成时不会覆盖它。",
            "files": dict(sorted(self._manifest.items())),
        }
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        atomic_write_bytes(self.folder / MANIFEST, text.encode("utf-8"))


def backup_file(path: Path, now: dt.datetime | None = None) -> Path:
    now = now or dt.datetime.now()
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    target = folder / f"{path.stem}-{now:%Y%m%d-%H%M%S-%f}{path.suffix}"
    shutil.copy2(path, target)
    return target


# ---- --out: a folder or a file --------------------------------------------------------------

DOCUMENT_SUFFIXES = (".docx", ".pdf")


def resolve_file_out(out: Path, default_name: str) -> tuple[Path, bool]:
    """`--out` for a one-file document: an existing folder, or a name without an extension
    (a folder made when missing), means "put it in there under its usual name"; a name ending
    in .docx or .pdf is the file. Returns (file, was_folder). Any other extension is refused."""
    if out.is_dir() or not out.suffix:
        return out / default_name, True
    if out.suffix.lower() not in DOCUMENT_SUFFIXES:
        raise OutputError(f"“{out}”：输出文件请用 .docx（Word）或 .pdf 扩展名，或给出一个文件夹。")
    return out, False


def check_folder_out(out: Path) -> None:
    """`--out` for documents made one per person: it must be a folder (made when missing)."""
    if out.exists() and not out.is_dir():
        raise OutputError(
            f"“{out}”是一个文件；这个命令生成多个文件，--out 请给出文件夹（不存在时会新建）。"
        )


# ---- .pdf through LibreOffice ----------------------------------------------------------------

FONTS_CONF = Path(__file__).resolve().parents[1] / "fonts.conf"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: Path, pdf: Path) -> Path:
    """Convert one .docx to `pdf` with LibreOffice headless (its own profile; written atomically)."""
    from annex_tools.workbook.safewrite import atomic_write_bytes

    office = soffice()
    if office is None:
        raise TemplateError(
            "生成 PDF 需要 LibreOffice，本机没有安装。请改用 .docx，或安装 LibreOffice 后重试。"
        )
    env = dict(os.environ)
    if FONTS_CONF.exists() and os.name == "posix":
        env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "document.docx"
        shutil.copy(docx, staged)
        proc = subprocess.run(
            [office, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}", "--headless",
             "--norestore", "--convert-to", "pdf", "--outdir", tmp, str(staged)],
            capture_output=True, text=True, timeout=600, env=env,
        )  # fmt: skip
        made = Path(tmp) / "document.pdf"
        if proc.returncode != 0 or not made.exists():
            raise TemplateError(f"LibreOffice 未能把文档转换为 PDF：{proc.stderr.strip()[:200]}")
        atomic_write_bytes(pdf, made.read_bytes())
    return pdf
