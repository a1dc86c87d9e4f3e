"""The one generator of a valid institute (annex_tools.demo.valid) makes institutes with no
errors, at any shape and from any draws; the property tests draw many more (tests/test_properties.py)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from builders import check_data

from annex_tools.demo.valid import Shape, institute, lowest, miniature


def errors(data: dict) -> list[tuple]:
    return [f.place for f in check_data(data) if f.severity.value == "error"]


@pytest.mark.parametrize("shape", [Shape((1,)), Shape((6, 1, 3), 2), Shape((2, 2), 1)])
def test_an_institute_of_any_shape_is_valid(shape: Shape) -> None:
    assert errors(institute(shape, lowest)) == []
    assert errors(institute(shape, random.Random(len(shape.branches)).randint)) == []


def test_the_miniature_is_valid_and_made_anew_each_time() -> None:
    one = miniature()
    assert errors(one) == []
    one["subs"][0]["字数"] = 99999
    assert miniature()["subs"][0]["字数"] == 1200


def test_a_mistake_in_a_generated_institute_is_found() -> None:
    data = institute(Shape((2,)), random.Random(0).randint)
    sub = data["subs"][1]
    sub["审定日期"] = sub["讨论日期"] - dt.timedelta(days=1)
    assert ("approval.order", "述职", 3, "审定日期") in errors(data)
