"""A header the code reads must be a header of the contract: a typo, or a column renamed in the
schema but not in the code, would otherwise read nothing and pass silently."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from annex_tools.contract import schema as S

SRC = Path(__file__).resolve().parents[2] / "src" / "annex_tools"
CJK = re.compile(r"[\u4e00-\u9fff]")
HEADERS = {h for sheet in S.ALL_SHEETS for h in sheet.headers}


def header_literals() -> list[tuple[str, int, str]]:
    """Chinese string literals used as a key into a row or frame: `r["组织编号"]`,
    `frame.get("组织编号")`, `frame[["组织编号", ...]]`."""
    found: list[tuple[str, int, str]] = []
    for path in sorted(SRC.rglob("*.py")):  # the demo's rows too: they are master rows
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            keys: list[ast.expr] = []
            if isinstance(node, ast.Subscript):
                keys = list(node.slice.elts) if isinstance(node.slice, ast.List) else [node.slice]
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and node.args
            ):
                keys = [node.args[0]]
            for key in keys:
                text = key.value if isinstance(key, ast.Constant) else None
                if isinstance(text, str) and CJK.search(text):
                    found.append((str(path.relative_to(SRC)), key.lineno, text))
    return found


def test_the_scan_sees_the_code() -> None:
    literals = header_literals()
    assert len(literals) > 50  # the rules read dozens of columns by header
    assert any(text == "组织编号" for _, _, text in literals)


def test_every_header_literal_is_in_the_schema() -> None:
    # keys that are not headers: the value lists (a Counter of grades), the 报告正文 sheet's
    # parts, and the feedback letter's own section titles
    from annex_tools.documents.summary import NARRATIVE_KEYS

    value_lists = {v for _, values in S.LISTS for v in values}
    others = value_lists | set(NARRATIVE_KEYS) | set(S.PROGRESS_HEADERS) | {"问题整改清单", "约谈提醒"}
    unknown = [
        f"{file}:{line} “{text}”"
        for file, line, text in header_literals()
        if text not in HEADERS and text not in others
    ]
    assert unknown == [], "header literals not in contract/schema.py:\n" + "\n".join(unknown)


def test_rules_and_documents_do_not_import_the_file_reader() -> None:
    """The core reads the master through contract/master.py's types, never the file reader
    (module-level imports; annex2's reader of returned files opens files by design)."""
    offenders = []
    for path in [*sorted((SRC / "rules").glob("*.py")), *sorted((SRC / "documents").glob("*.py")),
                 SRC / "institute.py"]:  # fmt: skip
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module == "annex_tools.workbook.reader":
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert offenders == []


CJK = re.compile(r"[\u4e00-\u9fff]")


def composed_prose(path: Path) -> list[tuple[int, str]]:
    """Chinese sentences a module composes itself (f-strings with Chinese text in them)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                v.value
                for v in node.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)
            )
            if CJK.search(text):
                found.append((node.lineno, text))
    return found


def test_rules_write_no_message_prose() -> None:
    """A rule gives parameters; the catalog (contract/findings.py) holds every sentence, with one
    template per variant of a code. Rules still composing words are listed here to be moved."""
    allowed: set[str] = set()
    offenders = [
        f"rules/{path.name}:{line} {text}"
        for path in sorted((SRC / "rules").glob("*.py"))
        if path.name not in allowed
        for line, text in composed_prose(path)
    ]
    assert offenders == []


def test_the_prose_scan_sees_a_composed_message(tmp_path: Path) -> None:
    rule = tmp_path / "rule.py"
    rule.write_text('detail = f"审定日期{a}早于讨论日期{b}"\nok = f"{a}{b}"\n', encoding="utf-8")
    assert composed_prose(rule) == [(1, "审定日期早于讨论日期")]


def test_no_catalog_message_is_a_bare_detail() -> None:
    """`{detail}` was how rules passed a sentence of their own; each variant now has a template."""
    from annex_tools.contract.findings import CATALOG

    being_moved = {"meeting.notice-late"}
    bare = [
        (code, variant)
        for code, (_, templates) in CATALOG.items()
        if code not in being_moved
        for variant, template in (
            templates.items() if isinstance(templates, dict) else [("", templates)]
        )
        if "{detail}" in template
    ]
    assert bare == []
