"""Into a pipe or a file, the CLI writes lines and the findings tables without rich where rich would
write the same bytes (cli.app.plain_table, _LazyConsole.print). Checked here against rich itself on
texts made to trip it: wide and ambiguous characters, emoji and their codes, combining marks, zero
width, tabs, line breaks, runs of spaces, tables wider than the page."""

from __future__ import annotations

import importlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annex_tools.contract.findings import Severity

cli_app = importlib.import_module("annex_tools.cli.app")  # `annex_tools.cli.app` is the typer app

ALPHABET = (
    "abcXYZ019 .-_/:[]()'\"" "党组织书记述职评议考核表第行" "（），。：；“”「」《》、·—…①→"
    "\u3000\t\n\r\x1b\u200b\u200d\ufe0f\u0301" "😀✅"
)  # fmt: skip
CLEAN = "".join(c for c in ALPHABET if c.isprintable() and c != ":")  # what plain_table takes
texts = st.text(alphabet=CLEAN, max_size=30) | st.text(alphabet=ALPHABET, max_size=30)
TITLES = ["错误（3）", "警告（60），只列出前 50 条"]


@pytest.fixture(autouse=True)
def _no_colour_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"):
        monkeypatch.delenv(key, raising=False)


def _rich(width: int | None) -> tuple[object, io.StringIO]:
    """The rich Console the CLI makes for a pipe (cli.app._LazyConsole._made), into a buffer."""
    buffer = io.StringIO()
    console = cli_app._LazyConsole(file=buffer, highlight=False, soft_wrap=False, markup=False)
    made = console._made()
    if width is not None:  # as from COLUMNS
        made.width = width
    return made, buffer


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.tuples(texts, texts, texts), min_size=1, max_size=4),
    title=st.sampled_from(TITLES),
    width=st.sampled_from([4000, 120, 40]),
)
def test_a_plain_table_is_what_rich_writes(rows, title: str, width: int) -> None:
    plain = cli_app.plain_table(title, cli_app._FINDING_COLUMNS, rows, width)
    if plain is None:  # rich's to lay out
        return
    made, buffer = _rich(width)
    made.print(cli_app._rich_table(title, Severity.ERROR, rows))  # type: ignore[attr-defined]
    assert plain == buffer.getvalue()


@settings(max_examples=300, deadline=None)
@given(text=texts, style=st.sampled_from([None, "yellow", "bold red"]))
def test_a_plain_line_is_what_rich_writes(text: str, style: str | None) -> None:
    if not cli_app._plain(text):
        return
    made, buffer = _rich(None)
    made.print(text, style=style)  # type: ignore[attr-defined]
    assert text + "\n" == buffer.getvalue()


def test_plain_tables_are_written_where_rich_would_and_not_otherwise() -> None:
    rows = [("grade.distribution", "评议 第3行「等次」", "教师发展中心党总支：“较好”及以下0名，占0%。")]
    table = cli_app.plain_table("错误（1）", cli_app._FINDING_COLUMNS, rows, 4000)
    assert table is not None and table.splitlines()[4].startswith("│ grade.distribution │ 评议")
    assert cli_app.plain_table("错误（1）", cli_app._FINDING_COLUMNS, rows, 60) is None  # too wide
    tab = [("a.b", "表", "一\t二")]
    assert cli_app.plain_table("错误（1）", cli_app._FINDING_COLUMNS, tab, 4000) is None
    emoji = [("a.b", "表", "见 :smile: 处")]
    assert cli_app.plain_table("错误（1）", cli_app._FINDING_COLUMNS, emoji, 4000) is None
