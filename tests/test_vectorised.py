"""The whole-column forms the rules use give what the one-value functions give, value by value
(issue 25: rules compute on columns; the one-value functions stay for the documents)."""

from __future__ import annotations

import itertools
import sys

import pandas as pd

from annex_tools.contract.text import _SPACES_BUT_NEWLINE, all_normal, normalize
from annex_tools.institute import identify, identify_all, normal

NAMES = ["", "乙二", "乙　二", "丙三"]
NUMBERS = ["", "T1", "Ｔ1", "T2"]


def test_identify_all_agrees_with_identify_on_every_combination() -> None:
    rows = list(itertools.product(NAMES, NUMBERS, NAMES, NUMBERS))
    columns = [pd.Series([r[i] for r in rows], dtype=object) for i in range(4)]
    kind, changed = identify_all(*columns)
    one_by_one = [identify(*r) for r in rows]
    assert kind.tolist() == [v.kind for v in one_by_one]
    assert changed.tolist() == [v.changed for v in one_by_one]
    assert set(kind) > {""}  # every problem kind occurs among the combinations
    assert changed.any()


def test_all_normal_is_normalize_leaving_every_value_alone() -> None:
    cases = [
        ["G1", "示例党总支", ""],
        ["G1", "示例 党总支"],  # a space
        ["G1", "示例\n党总支"],  # a newline inside a value
        ["Ｇ1"],  # full width: NFKC changes it
        ["e\u0301"],  # decomposed: NFKC composes it
        ["G1", 3.0],  # not text
        [],
        ["G1\t"],  # an ASCII space other than " "
        ["示例\u3000党总支"],  # an ideographic space
        ["示例\xa0党总支"],  # a no-break space
        ["G1\x1c"],  # an ASCII separator (str.isspace)
    ]
    for values in cases:
        assert all_normal(values) == all(
            isinstance(v, str) and normalize(v) == v for v in values
        ), values
    # every space normalize removes (\s: str.isspace) is one all_normal looks for
    spaces = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
    assert spaces.replace("\n", "") == _SPACES_BUT_NEWLINE
    column = pd.Series(["乙　二", "G1"], dtype=object)
    assert normal(column).tolist() == ["乙二", "G1"]
    already = pd.Series(["乙二", "G1"], dtype=object)
    assert normal(already) is already
