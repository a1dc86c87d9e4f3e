"""The fast paths of findings give exactly what the general ones give: each catalog template
rendered from its parsed form equals string.Formatter's rendering, and `check --json` written a
finding at a time equals `json.dumps` of the whole result."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from annex_tools.contract import findings as F
from annex_tools.usecases.check import CheckResult

VALUES = [
    None,
    math.nan,
    pd.NaT,
    "",
    '文字 "引号" \\ 与\n换行',
    0,
    3,
    -7,
    0.25,
    1 / 3,
    math.inf,
    np.int64(5),
    np.float64(0.5),
    True,
    False,
    dt.date(2024, 1, 2),
    dt.datetime(2024, 1, 1, 5),
    pd.Timestamp("2024-02-03"),
]


def _templates() -> list[str]:
    out: list[str] = []
    for _, templates in F.CATALOG.values():
        out += [templates] if isinstance(templates, str) else list(templates.values())
    return out


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_every_template_renders_as_the_formatter_does(value: object) -> None:
    for template in _templates():
        names = [name for _, name, _, _ in F._FORMATTER.parse(template) if name]
        kwargs = dict.fromkeys(names, value)
        try:
            expected: object = F._FORMATTER.vformat(template, (), kwargs)
        except (TypeError, ValueError) as exc:
            expected = type(exc)
        try:
            got: object = F.render(template, kwargs)
        except (TypeError, ValueError) as exc:
            got = type(exc)
        assert got == expected, template


def test_params_are_what_they_were() -> None:
    for value in VALUES:
        kind = type(value)
        if kind in (str, int, bool):
            assert F.param(value) is value


def test_json_written_a_finding_at_a_time_is_json_dumps() -> None:
    findings = [
        F.make(
            "schema.required", "述职", 3, "书记姓名", who="“述职”第3行（S001）", column="书记姓名"
        ),
        F.make("schema.missing-sheet", "会议", None, None, sheet="会议", expected="组织、述职"),
        F.make("org.structure", "组织", None, "组织类型", variant="no-root"),
    ]
    for i, value in enumerate(VALUES):  # every kind of parameter, the message's text included
        if isinstance(value, float) and math.isinf(value):
            continue  # not a value a parameter takes (and json.dumps would write Infinity alike)
        findings.append(
            F.make("report.too-long", "述职", i + 2, "字数", who=value, words=value,
                   category="党支部书记", limit=1000)
        )  # fmt: skip
    cases = (findings, [], findings * 200)  # the last across pieces of 2,000 findings
    for result in (CheckResult(None, f) for f in cases):  # type: ignore[arg-type]
        expected = json.dumps(result.as_json(), ensure_ascii=False, indent=2)
        assert "".join(result.json_chunks()) == expected
