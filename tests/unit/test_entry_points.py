"""Every CLI command and every ribbon button is a thin call to one use-case function, and a button
calls the same use case as its CLI twin (read from the source, so a new entry point that grows
its own logic fails here)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "annex_tools"

# The use cases: what the entry points may call (one each), all in annex_tools.usecases.
USE_CASES = {
    "check_master", "make_templates", "make_annex2", "make_feedback", "make_summary",
    "import_reports", "import_returns", "archive_opinions", "verify_archive", "make_rect_ledger",
    "make_hr_export", "new_master", "build_macro_master", "run_demo", "analyze",
    "check_environment", "make_bulletin", "make_bundle", "make_progress",
    "make_ballots", "import_ballots", "make_interviews", "make_rect_forms", "import_rect_progress", "clear_check_marks", "page_environment",
}  # fmt: skip
# Entry points that are not use cases of the master (no use case to call).
NO_USE_CASE = {"version", "clear_marks", "show_guide", "serve"}
# Commands with two modes, one use case each (`archive` and `archive verify`).
TWO_MODES = {"archive"}
# Button -> its CLI twin.
TWINS = {
    "run_check": "check", "make_templates": "templates", "make_annex2": "annex2",
    "make_summary": "summary", "make_followup": "rectifications", "make_feedback": "feedback",
    "import_reports": "import-reports", "import_returns": "import-returns",
    "archive_opinions": "archive", "env_check": "doctor",
    "make_grade_notice": "notice-grades", "make_progress": "progress", "new_year": "new",
    "make_ballots": "ballots", "import_ballots": "import-ballots", "make_interviews": "interviews",
    "make_rect_forms": "rectification-forms", "import_rect_progress": "import-rectifications",
}  # fmt: skip
# Below the use cases: an entry point never reaches into these itself.
LOWER = ("annex_tools.workbook", "annex_tools.rules", "annex_tools.documents",
         "annex_tools.institute", "annex_tools.demo")  # fmt: skip
MAX_STATEMENTS = 30  # arguments, one call, rendering


def _decorated(path: Path, decorator: str) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: dict[str, ast.FunctionDef] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for d in node.decorator_list:
            target = d.func if isinstance(d, ast.Call) else d
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name != decorator:
                continue
            label = node.name
            if isinstance(d, ast.Call) and d.args and isinstance(d.args[0], ast.Constant):
                label = str(d.args[0].value)
            found[label] = node
    return found


def _called_use_cases(fn: ast.FunctionDef, module: ast.Module) -> list[str]:
    """Use cases called in `fn`, directly or through the module's own helpers it calls."""
    helpers = {n.name: n for n in module.body if isinstance(n, ast.FunctionDef)}
    seen: set[str] = set()
    calls: list[str] = []

    def visit(node: ast.AST) -> None:
        for sub in ast.walk(node):
            if not isinstance(sub, ast.Call):
                continue
            f = sub.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in USE_CASES or (name.startswith("run_") and name[4:] in USE_CASES):
                calls.append(name)
            elif name in helpers and name not in seen and not name.startswith("_today"):
                seen.add(name)
                visit(helpers[name])

    visit(fn)
    return calls


def _imports(fn: ast.FunctionDef) -> set[str]:
    return {n.module or "" for n in ast.walk(fn) if isinstance(n, ast.ImportFrom)}


def _statements(fn: ast.FunctionDef) -> int:
    body = fn.body[1:] if ast.get_docstring(fn) else fn.body
    return sum(1 for node in body for sub in ast.walk(node) if isinstance(sub, ast.stmt))


CLI_MODULES = sorted((SRC / "cli").glob("*.py"))
EXCEL = SRC / "excel" / "buttons.py"
PAGE = SRC / "web" / "app.py"
COMMAND_FILE = {name: path for path in CLI_MODULES for name in _decorated(path, "command")}
COMMANDS = {name: fn for path in CLI_MODULES for name, fn in _decorated(path, "command").items()}
BUTTONS = _decorated(EXCEL, "button")
ACTIONS = _decorated(PAGE, "action")  # the local page's actions (`annex-tools serve`)
# Page action -> its CLI twin (`archive-verify` is the second mode of `archive`).
PAGE_TWINS = {
    "check": "check", "templates": "templates", "annex2": "annex2", "summary": "summary",
    "notice-grades": "notice-grades", "feedback": "feedback", "rectifications": "rectifications",
    "hr-export": "hr-export", "import-reports": "import-reports",
    "import-returns": "import-returns", "archive": "archive", "progress": "progress",
    "ballots": "ballots", "import-ballots": "import-ballots", "interviews": "interviews",
    "rectification-forms": "rectification-forms", "import-rectifications": "import-rectifications",
    "clear-marks": "clear-marks", "new-year": "new",
}  # fmt: skip
# The page's own: 核对档案 (`archive verify`) and 环境检查 of the Python serving the page
PAGE_OWN = {"archive-verify": "verify_archive", "environment": "page_environment"}


def test_the_entry_points_are_found() -> None:
    assert {"check", "templates", "annex2", "summary", "archive", "import-returns"} <= set(COMMANDS)
    assert {"run_check", "make_annex2", "import_returns", "archive_opinions"} <= set(BUTTONS)


@pytest.mark.parametrize(
    ("path", "name"),
    [(COMMAND_FILE[n], n) for n in COMMANDS] + [(EXCEL, n) for n in BUTTONS] + [(PAGE, n) for n in ACTIONS],
    ids=[f"cli:{n}" for n in COMMANDS]
    + [f"button:{n}" for n in BUTTONS]
    + [f"page:{n}" for n in ACTIONS],
)
def test_each_entry_point_is_one_use_case_call(path: Path, name: str) -> None:
    module = ast.parse(path.read_text(encoding="utf-8"))
    fn = {EXCEL: BUTTONS, PAGE: ACTIONS}.get(path, COMMANDS)[name]
    calls = _called_use_cases(fn, module)
    if fn.name in NO_USE_CASE:
        assert calls == []
    else:
        assert len(calls) == (2 if name in TWO_MODES and path in CLI_MODULES else 1), f"{name}: {calls}"
    lower = sorted(m for m in _imports(fn) if m.startswith(LOWER))
    assert lower == [], f"{name} reaches below the use cases: {lower}"
    assert _statements(fn) <= MAX_STATEMENTS, f"{name}: {_statements(fn)} statements"


def test_a_button_calls_the_use_case_of_its_cli_twin() -> None:
    excel_module = ast.parse(EXCEL.read_text(encoding="utf-8"))
    for button, command in TWINS.items():
        b = _called_use_cases(BUTTONS[button], excel_module)
        cli_module = ast.parse(COMMAND_FILE[command].read_text(encoding="utf-8"))
        c = _called_use_cases(COMMANDS[command], cli_module)[:1]
        assert [x.removeprefix("run_") for x in b] == [x.removeprefix("run_") for x in c], (
            button,
            b,
            command,
            c,
        )


def test_the_page_offers_every_button_and_calls_the_use_case_of_its_cli_twin() -> None:
    page_module = ast.parse(PAGE.read_text(encoding="utf-8"))
    assert set(ACTIONS) == set(PAGE_TWINS) | set(PAGE_OWN)
    # every button has a page action; 环境检查 (doctor) checks Excel's Python, the page's checks
    # its own; 使用说明 is the page's guide (tests/test_page.py reads the ribbon's labels)
    assert set(TWINS.values()) - {"doctor"} <= set(PAGE_TWINS.values())
    for action, command in PAGE_TWINS.items():
        a = _called_use_cases(ACTIONS[action], page_module)
        cli_module = ast.parse(COMMAND_FILE[command].read_text(encoding="utf-8"))
        c = _called_use_cases(COMMANDS[command], cli_module)[:1]
        assert [x.removeprefix("run_") for x in a] == [x.removeprefix("run_") for x in c], (
            action, a, command, c,
        )  # fmt: skip
    for action, use_case in PAGE_OWN.items():
        assert _called_use_cases(ACTIONS[action], page_module) == [use_case]


def test_the_scan_catches_an_entry_point_with_its_own_logic(tmp_path: Path) -> None:
    fat = tmp_path / "fat.py"
    fat.write_text(
        "@app.command()\n"
        "def templates(workbook):\n"
        "    from annex_tools.workbook.reader import read_workbook\n"
        "    wb = read_workbook(workbook)\n"
        "    make_templates(wb)\n"
        "    make_annex2(wb)\n",
        encoding="utf-8",
    )
    fn = _decorated(fat, "command")["templates"]
    assert len(_called_use_cases(fn, ast.parse(fat.read_text(encoding="utf-8")))) == 2
    assert _imports(fn) == {"annex_tools.workbook.reader"}
