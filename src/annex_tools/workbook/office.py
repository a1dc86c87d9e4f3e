"""LibreOffice, the one way it is run: `convert` turns files into another format (.docx -> PDF or
PDF/A for the documents and the archive) in ONE headless call for any number of files (one call
for 20 files ~3.5 s; 20 calls ~24 s: starting LibreOffice is most of the cost), with the 公文 font
substitutions (fonts.conf) on Linux. `run_office` runs it with a profile folder of its own and
never leaves an office process or that folder behind, whatever happens to the caller."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from annex_tools.resources import FONTS_CONF
from annex_tools.workbook.safewrite import os_errors


def soffice() -> str | None:
    """LibreOffice's program, or None where it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(files: list[Path], to: str, out_dir: Path, timeout: float = 600) -> tuple[int, str]:
    """Convert `files` to the format `to` (a LibreOffice filter: "pdf", "xlsx",
    'pdf:writer_pdf_Export:{...}') into `out_dir`, each as its stem + the new extension, in one
    LibreOffice run; returns (exit code, stderr). A missing LibreOffice is FileNotFoundError."""
    env = dict(os.environ)
    if FONTS_CONF.exists() and os.name == "posix":
        env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    return run_office(
        ["--headless", "--norestore", "--convert-to", to, "--outdir", str(out_dir),
         *map(str, files)],
        timeout=timeout, env=env,
    )  # fmt: skip


# The watchdog: a small process that waits for its stdin to close (the run ended, or was
# killed), then ends the office process group and removes the office profile folder.
_WATCHDOG = (
    "import os,shutil,signal,sys\n"
    "sys.stdin.buffer.read()\n"
    "try:\n os.killpg(int(sys.argv[1]), signal.SIGKILL)\n"
    "except OSError: pass\n"
    "shutil.rmtree(sys.argv[2], ignore_errors=True)\n"
)
PROFILE_PREFIX = "annex-tools-office-"


def run_office(
    args: list[str], timeout: float = 600, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Run LibreOffice headless (`soffice` with `args` after the profile option) with a profile
    folder of its own in the temporary folder; returns (exit code, stderr). Whatever happens to
    this process (a timeout, Ctrl+C, SIGKILL), the office processes (soffice, oosplash,
    soffice.bin: one process group) are ended and the profile folder removed: on POSIX a
    watchdog process does it when this one goes away. A missing LibreOffice is FileNotFoundError."""
    office = soffice()
    if office is None:
        raise FileNotFoundError("soffice")
    with os_errors(Path(tempfile.gettempdir())):
        profile = tempfile.mkdtemp(prefix=PROFILE_PREFIX)
    argv = [office, f"-env:UserInstallation={Path(profile).as_uri()}", *args]
    posix = os.name == "posix"
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=posix,
    )  # fmt: skip
    watch = None
    if posix:
        watch = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(proc.pid), profile],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    try:
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stderr = f"LibreOffice 超过 {timeout:.0f} 秒仍未完成，已结束"
        return proc.returncode if proc.returncode is not None else -9, stderr or ""
    finally:
        if posix:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, 9)
        else:
            proc.kill()
        with contextlib.suppress(Exception):
            proc.wait(timeout=10)
        if watch is not None and watch.stdin is not None:
            with contextlib.suppress(OSError):
                watch.stdin.close()
            with contextlib.suppress(Exception):
                watch.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)
