import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

# The inner loop: modules that test pure functions and in-memory workbooks only (no files
# written, no subprocess, no LibreOffice). Everything else is `slow`:
#     pytest -m "not slow"    # the fast inner loop
#     pytest                  # the whole suite, what .ci/run runs
FAST_MODULES = {
    "test_rules",
    "test_report",
    "test_report_rules",
    "test_formulas",
    "test_wordcount",
    "test_contract_literals",
    "test_resources",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.module is None or item.module.__name__ not in FAST_MODULES:
            item.add_marker(pytest.mark.slow)
