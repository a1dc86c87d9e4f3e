"""`annex-tools demo`: a fictional institute, its reports as real .docx files, and a handful of
realistic mistakes planted on purpose, each recorded with the finding `check` should give.

Every name here is made up by combining common characters; no real person's data.

The package, by seam: `valid` (the one generator of a valid institute, also used by the tests
and the benchmarks), `institute` (the demo's fictional institute, built with it), `report` (the
report writer), `mail` (the mail inbox), `mistakes` (the planted mistakes, a table), `make` (all of
it written as a master).
"""

from __future__ import annotations

from annex_tools.demo.institute import report_count
from annex_tools.demo.make import NARRATIVE, DemoResult, make_demo
from annex_tools.demo.mistakes import MISTAKES, Mistake, Planted
from annex_tools.demo.report import report_sentences, write_report

__all__ = [
    "MISTAKES",
    "NARRATIVE",
    "DemoResult",
    "Mistake",
    "Planted",
    "make_demo",
    "report_count",
    "report_sentences",
    "write_report",
]
