import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

# The inner loop is a folder: tests/unit/ holds tests of pure functions and in-memory workbooks
# (no subprocess, no LibreOffice, at most a small file in tmp_path). Everything else is `slow`:
#     .venv/bin/python -m pytest tests/unit      # the fast inner loop
#     bash scripts/test.sh                        # the whole suite, what .ci/run runs
UNIT = Path(__file__).parent / "unit"
sys.path.insert(0, str(UNIT))  # slow tests reuse unit tests' cases (test_rules_files: test_rules)


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
    for item in items:  # by folder, not by a list of names: a new unit test is fast by its place
        if UNIT not in Path(item.path).parents:
            item.add_marker(pytest.mark.slow)
