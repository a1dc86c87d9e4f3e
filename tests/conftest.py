import os
import shutil
import sys
import tempfile
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
    "test_entry_points",
    "test_vectorised",
}


def pytest_configure(config: pytest.Config) -> None:
    """One temp folder per pytest session. pytest's default root is shared by every session of
    the user and keeps only the newest three, so sessions running side by side (two checkouts,
    or a benchmark beside the suite) deleted each other's files mid-test."""
    if not config.option.basetemp:
        root = Path(tempfile.gettempdir()) / f"annex-tools-pytest-{os.getpid()}"
        config.option.basetemp = str(root)
        config._annex_basetemp = root  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    root = getattr(config, "_annex_basetemp", None)
    if root is not None and not os.environ.get("ANNEX_KEEP_TEST_FILES"):
        shutil.rmtree(root, ignore_errors=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.module is None or item.module.__name__ not in FAST_MODULES:
            item.add_marker(pytest.mark.slow)
