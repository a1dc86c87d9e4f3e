"""The same rule cases end to end through real .xlsx files written by the builder."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import TODAY, places, valid
from test_rules import CASES, IDS

from annex_tools.contract import schema as S
from annex_tools.usecases.check import check
from annex_tools.workbook.builder import build_workbook


def write(data: dict, path: Path) -> Path:
    wb = build_workbook({k: v for k, v in data.items()})
    for sheet in S.DATA_SHEETS:
        if sheet.key not in data:
            del wb[sheet.name]
    wb.save(path)
    return path


def test_valid_file_has_no_findings(tmp_path: Path) -> None:
    assert check(write(valid(), tmp_path / "m.xlsx"), TODAY).findings == []


@pytest.mark.parametrize(("code", "mutate", "expected"), CASES, ids=IDS)
def test_rule_through_a_real_file(tmp_path: Path, code: str, mutate, expected: tuple) -> None:
    data = valid()
    mutate(data)
    result = check(write(data, tmp_path / "m.xlsx"), TODAY)
    assert expected in places(result.findings)
