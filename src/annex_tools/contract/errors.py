"""The errors a user is shown (Chinese messages, exit 2). Kept free of heavy imports so the CLI
can name them without loading pandas or openpyxl."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class WorkbookError(Exception):
    """The workbook cannot be read at all; the message is Chinese and names the file."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"无法打开“{self.path}”：{reason}。")


class LockedError(Exception):
    """Excel holds the master open; nothing was written."""

    def __init__(self, path: Path, lock: Path) -> None:
        self.path, self.lock = path, lock
        suite = "LibreOffice" if lock.name.startswith(".~lock.") else "Excel 或 WPS"
        super().__init__(
            f"“{path}”正在被 {suite} 打开（发现锁文件“{lock}”）。请先在 {suite} 中保存并关闭它，再运行；"
            "如确认没有打开（例如程序异常退出后留下的），可删除这个锁文件后重新运行。"
        )


class TemplateError(Exception):
    """A template is missing or cannot be rendered; the message says which and why."""


class NotMaster(WorkbookError):
    """A generator was given a file that is not a master (exit 2); the message says what it is."""


class MasterHasErrors(Exception):
    """The master has errors in what a command reads; documents are made only as drafts
    (`--draft`). `result` is the check's CheckResult holding just those errors, so they can be
    listed as `check` lists them; `what` names the command's output ('': the whole master)."""

    def __init__(self, result: Any, draftable: bool = True, what: str = "") -> None:
        self.result, self.what = result, what
        errors = [f for f in result.findings if str(f.severity) == "error"]
        places = list(dict.fromkeys(_place(f) for f in errors if f.sheet))
        where = "、".join(places[:5]) + ("等处" if len(places) > 5 else "")
        place = f"（在{where}）" if where else ""
        if not draftable:
            text = (
                f"主表有 {len(errors)} 个错误{place}，未归档。草稿不进人事档案（归档没有 --draft）："
                "请先改正这些错误（见上表，或运行 annex-tools check 查看）后再归档。"
            )
        elif what:
            text = (
                f"主表中{what}所用的内容有 {len(errors)} 个错误{place}，未生成{what}。"
                "请先改正（见上表，或运行 annex-tools check 查看），"
                "或加 --draft 生成每页标有“草稿”的草稿。"
            )
        else:
            text = (
                f"主表有 {len(errors)} 个错误{place}，未生成文档。请先改正（见上表，或运行 "
                "annex-tools check 查看），或加 --draft 生成每页标有“草稿”的草稿。"
            )
        super().__init__(text)


def _place(f: Any) -> str:
    """Where an error is, as staff look for it: the sheet and column, or the setting."""
    key = dict(f.params).get("key") or ""
    if f.sheet == "设置" and not key:
        who = str(dict(f.params).get("who") or "")
        key = who[3:-1] if who.startswith("设置“") and who.endswith("”") else ""
    if key:
        return f"设置“{key}”"
    return f"“{f.sheet}”表" + (f"“{f.column}”列" if f.column else "")


class DocumentIncomplete(Exception):
    """A final document would have to invent what the master does not hold (a date, a name,
    a text): refused; `--draft` makes a draft that names `reasons` on its first page (exit 1)."""

    def __init__(self, title: str, reasons: list[str]) -> None:
        self.title, self.reasons = title, reasons
        listed = "；".join(f"{i}. {r}" for i, r in enumerate(reasons, start=1))
        super().__init__(
            f"正式的{title}不能替主表编写内容，以下各项须先在主表中填写：{listed}。"
            "填好后重新生成，或加 --draft 生成草稿（第一页写明原因）。"
        )


class OutputError(Exception):
    """An output path that cannot be used; the message is Chinese (exit 2)."""


class InputError(Exception):
    """What a command was given cannot be used (a missing file, an unknown category ...); the
    message is Chinese (exit 2)."""


class WriteRefused(Exception):
    """A write to the master was refused before anything changed; the message says why and what
    to do. Subclasses say which refusal it was."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"未写入“{self.path}”：{reason}")


class LockHeld(WriteRefused):
    """Another annex-tools run is writing the same master (its lock file names who)."""


class MasterChanged(WriteRefused):
    """The file on disk is no longer the one that was loaded: someone else saved it meanwhile."""


class FileWriteError(Exception):
    """The operating system refused a write (disk full, no permission ...); nothing partial is
    left behind. The message names the file and what to do."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"无法写入“{self.path}”：{reason}")


# The errors whose message is already a Chinese sentence for the user: the CLI prints them and
# exits 2, a ribbon button shows them in its dialog; neither adds a log or a type name.
USER_ERRORS: tuple[type[Exception], ...] = (
    WorkbookError, LockedError, TemplateError, OutputError, InputError, WriteRefused,
    FileWriteError,
)  # fmt: skip
