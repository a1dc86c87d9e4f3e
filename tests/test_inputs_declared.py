"""usecases/inputs.py says what each generator reads of the master, and a generator refuses only
for errors there (issue 19). That holds only if the generator reads nothing else. So: blank every
column a generator does not declare (every sheet, every data row), run it through the CLI on the
original and on the blanked master, and what it writes must read the same, word for word."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from builders import demo_copy
from cli_helpers import annex
from docx import Document

from annex_tools.contract import schema as S
from annex_tools.usecases.inputs import BY_KIND, Inputs

DAY = "2024-03-01"  # the demo's year is over: every generator has something to write
COMMANDS = {  # kind in inputs.BY_KIND -> the command that writes it
    "templates": "templates",
    "annex2": "annex2",
    "feedback": "feedback",
    "bulletin": "notice-grades",
    "ballots": "ballots",
    "interviews": "interviews",
    "rect-forms": "rectification-forms",
    "rect-ledger": "rectifications",
    "hr": "hr-export",
}
SHEETS = (S.ORGS, S.SUBMISSIONS, S.MEETINGS, S.GRADES_SHEET, S.RECTIFICATIONS)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("demo")).workbook


def kept(inputs: Inputs, sheet: str) -> frozenset[str] | None:
    """The columns of `sheet` the generator says it reads or collects (None: all of them)."""
    assert inputs.reads is not None
    if sheet in inputs.reads and inputs.reads[sheet] is None:
        return None
    return frozenset(inputs.reads.get(sheet) or ()) | inputs.collects.get(sheet, frozenset())


def blank_undeclared(master: Path, inputs: Inputs, out: Path) -> int:
    """A copy of `master` with every undeclared column's data cells emptied; how many were."""
    book = openpyxl.load_workbook(master)
    emptied = 0
    for sheet in SHEETS:
        keep = kept(inputs, sheet.name)
        if keep is None:
            continue
        ws = book[sheet.name]
        headers = [c.value for c in ws[1]]
        for col, header in enumerate(headers, start=1):
            if header is None or header in keep:
                continue
            for row in range(2, ws.max_row + 1):
                cell = ws.cell(row, col)
                if cell.value not in (None, ""):
                    cell.value = None
                    emptied += 1
    book.save(out)
    return emptied


def text_of(path: Path) -> list[str]:
    """What a reader sees in a written file: a .docx's paragraphs, tables, headers and footers;
    an .xlsx's cell values, sheet by sheet."""
    if path.suffix == ".docx":
        doc = Document(str(path))
        lines = [p.text for p in doc.paragraphs]
        for table in doc.tables:
            lines += ["|".join(c.text for c in row.cells) for row in table.rows]
        for section in doc.sections:
            for part in (section.header, section.footer):
                lines += [p.text for p in part.paragraphs]
        return lines
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        return [
            f"{ws.title}!{values}" for ws in book.worksheets for values in ws.iter_rows(values_only=True)
        ]
    return [path.name]


# A draft says how many errors the master has in what it uses and, first thing, what the year still
# lacks: facts about the whole master, which blanking other columns changes (a 述职 row's 会议编号
# now leads to a meeting with no date). What the document itself says must not change.
_COUNT = re.compile(r"尚有 \d+ 个错误")
_NOTE_ITEM = re.compile(r"^\d+\. ")


def content(lines: list[str]) -> list[str]:
    out: list[str] = []
    in_note = False
    for line in lines:
        if line.startswith("草稿说明"):
            in_note = True
        elif not (in_note and _NOTE_ITEM.match(line)):
            in_note = False
            out.append(_COUNT.sub("尚有 N 个错误", line))
    return out


def written(folder: Path) -> dict[str, list[str]]:
    return {
        str(p.relative_to(folder)): content(text_of(p))
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix in (".docx", ".xlsx")
    }


def test_every_generator_that_declares_its_inputs_is_run_here() -> None:
    assert set(COMMANDS) == {kind for kind, inputs in BY_KIND.items() if inputs.reads is not None}


@pytest.mark.parametrize("kind", sorted(COMMANDS))
def test_a_generator_reads_only_what_it_declares(demo: Path, tmp_path: Path, kind: str) -> None:
    inputs = BY_KIND[kind]
    runs: dict[str, dict[str, list[str]]] = {}
    for name in ("original", "blanked"):
        folder = tmp_path / name
        folder.mkdir()
        master = folder / "master.xlsx"
        if name == "original":
            shutil.copy(demo, master)
        else:
            assert blank_undeclared(demo, inputs, master) > 0
        out = folder / "out"
        if COMMANDS[kind] in ("rectifications", "hr-export"):
            target = out / f"{kind}.xlsx"
            out.mkdir()
        else:
            target = out
        done = annex(COMMANDS[kind], master, "--out", target, "--as-of", DAY, "--draft")
        assert done.returncode in (0, 1), done.stdout + done.stderr
        runs[name] = written(out)
        assert runs[name], f"{kind}: nothing written\n{done.stdout}{done.stderr}"
    original, blanked = runs["original"], runs["blanked"]
    assert sorted(blanked) == sorted(original)
    for name, lines in original.items():
        diff = [(a, b) for a, b in zip(lines, blanked[name], strict=False) if a != b]
        assert (len(lines), diff[:5]) == (len(blanked[name]), []), f"{kind}: {name}"
