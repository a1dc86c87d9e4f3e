"""The demo's planted mistakes are one table (demo.mistakes.MISTAKES): the counts the README and
the tests state come from it and from the demo institute, never typed."""

from __future__ import annotations

import re
from pathlib import Path

from annex_tools.contract import schema as S
from annex_tools.contract.findings import CATALOG
from annex_tools.demo import MISTAKES, report_count

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_states_the_demo_counts() -> None:
    text = README.read_text(encoding="utf-8")
    assert re.findall(r"故意埋了 (\d+) 处", text) == [str(len(MISTAKES))]
    assert re.findall(r"主表、(\d+) 份述职报告", text) == [str(report_count())]
    # the demo's size wherever the README measures it (演示主表（50 名书记 …）
    demo_lines = [line for line in text.splitlines() if "演示主表" in line]
    sizes = {n for line in demo_lines for n in re.findall(r"(\d+) [名份](?:书记|报告)", line)}
    assert demo_lines and sizes == {str(report_count())}


def test_every_planted_mistake_is_a_finding_at_a_place_of_its_own() -> None:
    assert all(m.code in CATALOG for m in MISTAKES)
    places = [(m.code, m.sheet.name, m.at, m.column) for m in MISTAKES]
    assert len(set(places)) == len(places)
    for m in MISTAKES:
        assert m.column in m.sheet.headers or m.sheet is S.SETTINGS, m
    # a mistake with no edit is made so by the institute (or shares a row another one added)
    assert {m.code for m in MISTAKES if m.edit is None} == {
        "grade.distribution", "grade.accountability", "rect.overdue",
    }  # fmt: skip
