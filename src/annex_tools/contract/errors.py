"""The errors a user is shown (Chinese messages, exit 2). Kept free of heavy imports so the CLI
can name them without loading pandas or openpyxl."""

from __future__ import annotations

from pathlib import Path


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
        super().__init__(
            f"“{path}”正在被 Excel 打开（发现锁文件“{lock.name}”）。请先在 Excel 中保存并关闭它，再运行。"
        )


class TemplateError(Exception):
    """A template is missing or cannot be rendered; the message says which and why."""
