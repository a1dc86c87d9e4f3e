"""The master a use case works on: the file on disk (the CLI) or the book open in Excel (a button).

A use case reads the master, plans, and writes back through this one interface, so the CLI
command and the ribbon button run the same function and differ only in the `Master` they pass:

- `MasterFile` holds the safe-write lock from the first read to the replace, writes through
  openpyxl and keeps a backup (workbook/safewrite.py);
- the Excel adapter's `OpenBook` (excel/adapter.py) reads the open book, unsaved edits included, and
  writes through xlwings into that book (Excel's own lock and undo are the guard there).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol, TypeVar

from annex_tools.contract.findings import Finding
from annex_tools.contract.master import Workbook

T = TypeVar("T")


class Master(Protocol):
    """What a use case needs of a master."""

    @property
    def folder(self) -> Path:
        """Where outputs go by default and where the inboxes (述职报告/, 附件2回执/) are."""
        ...

    def hold(self) -> contextlib.AbstractContextManager[None]:
        """Keep the master for a read-plan-write: nobody else writes it meanwhile."""
        ...

    def read(self) -> Workbook: ...

    def edit(self, change: Callable[[Any], T]) -> tuple[T, Path | None]:
        """Apply `change(writer)` (a returns.SheetWriter); returns its result and the backup."""
        ...

    def mark(
        self, findings: list[Finding], now: dt.datetime, note_cap: int | None = None
    ) -> tuple[int, Path | None]:
        """Write 校验结果 and mark the cells (a note on the first `note_cap` of them, errors
        first); returns the cells marked and the backup."""
        ...


class MasterFile:
    """A master on disk, written only through the safe-write session."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._session: Any = None

    @property
    def folder(self) -> Path:
        return self.path.parent

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        from annex_tools.workbook.safewrite import writing

        if self._session is not None:  # already held by the caller
            yield
            return
        with writing(self.path) as session:
            self._session = session
            try:
                yield
            finally:
                self._session = None

    def read(self) -> Workbook:
        from annex_tools.workbook.reader import read_workbook

        return read_workbook(self.path)

    def _update(self, change: Callable[[Any], T]) -> tuple[T, Path | None]:
        if self._session is None:
            with self.hold():
                return self._update(change)
        result, saved = self._session.update(change)
        return result, saved

    def edit(self, change: Callable[[Any], T]) -> tuple[T, Path | None]:
        from annex_tools.documents.returns import OpenpyxlWriter

        return self._update(lambda book: change(OpenpyxlWriter(book)))

    def mark(
        self, findings: list[Finding], now: dt.datetime, note_cap: int | None = None
    ) -> tuple[int, Path | None]:
        from annex_tools.workbook.marking import write_findings

        return self._update(lambda book: write_findings(book, findings, now, note_cap))

    def unmark(self) -> tuple[int, Path | None]:
        from annex_tools.workbook.marking import clear_results

        return self._update(clear_results)


Source = Path | str | Workbook | Master


def as_master(source: Path | str | Master) -> Master:
    return MasterFile(source) if isinstance(source, (Path, str)) else source


def read_source(source: Source) -> Workbook:
    """The read master behind any source: a path, an already read Workbook, or a Master."""
    if isinstance(source, Workbook):
        return source
    return as_master(source).read()
