"""The same rule cases end to end through real .xlsx files written by the builder."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import TODAY, places, valid
from test_names_and_cells import with_control_characters
from test_rules import CASES, IDS

from annex_tools.contract import schema as S
from annex_tools.usecases.check import check
from annex_tools.workbook.builder import build_workbook

_MARKERS = {"\x0b": "CTRL11", "\x01": "CTRL1"}


def write(data: dict, path: Path) -> Path:
    """The builder removes characters an .xlsx cannot hold, as every writer of ours does; a
    control character in a case is stored the way Excel stores one (_x0001_), after the save."""
    marked = False
    for rows in data.values():
        for row in rows:
            for key, value in row.items():
                if isinstance(value, str) and any(c in value for c in _MARKERS):
                    for char, marker in _MARKERS.items():
                        value = value.replace(char, marker)
                    row[key], marked = value, True
    wb = build_workbook({k: v for k, v in data.items()})
    for sheet in S.DATA_SHEETS:
        if sheet.key not in data:
            del wb[sheet.name]
    wb.save(path)
    return with_control_characters(path) if marked else path


def test_valid_file_has_no_findings(tmp_path: Path) -> None:
    assert check(write(valid(), tmp_path / "m.xlsx"), TODAY).findings == []


@pytest.mark.parametrize(("code", "mutate", "expected"), CASES, ids=IDS)
def test_rule_through_a_real_file(tmp_path: Path, code: str, mutate, expected: tuple) -> None:
    data = valid()
    mutate(data)
    result = check(write(data, tmp_path / "m.xlsx"), TODAY)
    assert expected in places(result.findings)
