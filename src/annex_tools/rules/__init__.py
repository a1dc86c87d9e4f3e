"""The rules engine: one module per family, each rule registered with its code."""

from annex_tools.rules import (  # noqa: F401  (registration)
    data,
    dates,
    deadlines,
    grades,
    participation,
    person,
    process,
    rectifications,
    reports,
)
from annex_tools.rules.base import RULES, Context, Rule, run_rules

__all__ = ["RULES", "Context", "Rule", "run_rules"]
