"""The rules engine: one module per family, each rule registered with its code."""

from . import data, grades, process, rectifications, reports  # noqa: F401  (registration)
from .base import RULES, Context, Rule, run_rules

__all__ = ["RULES", "Context", "Rule", "run_rules"]
