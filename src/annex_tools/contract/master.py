"""The master as read: one typed frame per sheet, the settings in force, and what reading
found wrong. The core's type for "the workbook": rules, the institute view and the documents
use it without importing the file reader (workbook/reader.py builds it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from annex_tools.contract.findings import Finding
from annex_tools.contract.settings import Settings

# Folders beside the master that staff fill (the buttons, the page and the demo read them)
REPORTS_INBOX = "述职报告"
RETURNS_INBOX = "附件2回执"
TALLIES_INBOX = "测评统计"  # filled 测评统计表 (.xlsx) for 导入测评统计
PROGRESS_INBOX = "整改进展"  # filled 整改进展表 (.xlsx) for 导入整改进展

ROW = "_row"  # the Excel row number of each data row

# How a long job shows progress: the CLI passes a rich progress bar, everything else `no_progress`.
Progress = Callable[[Iterable[object], str], Iterable[object]]


def no_progress(items: Iterable[object], label: str) -> Iterable[object]:
    return items


def report_path(name: str, folder: Path | None) -> Path:
    """A 报告文件 cell as a path: relative to the master's folder unless absolute; Windows
    separators accepted on any system."""
    p = Path(str(name).replace("\\", "/"))
    return p if p.is_absolute() or folder is None else folder / p


@dataclass
class Workbook:
    """The master's data: one frame per sheet (canonical headers + ROW), settings, and what
    reading found wrong with the shape or the cell types."""

    path: Path | None
    frames: dict[str, pd.DataFrame]
    settings: Settings
    findings: list[Finding] = field(default_factory=list)
    missing_sheets: set[str] = field(default_factory=set)
    missing_columns: dict[str, set[str]] = field(default_factory=dict)
    column_letters: dict[str, dict[str, str]] = field(default_factory=dict)
    narrative: dict[str, str] | None = None  # 报告正文, when read from the open book

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def has(self, sheet_key: str, *headers: str) -> bool:
        if sheet_key in self.missing_sheets:
            return False
        if set(headers) & self.missing_columns.get(sheet_key, set()):
            return False
        # a column that may be absent (added by a later version) and is: rules needing it skip
        present = self.column_letters.get(sheet_key)
        return present is None or all(h in present for h in headers)
