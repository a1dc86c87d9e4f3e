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


# How scripts/test.sh spreads the suite over the cores (pytest-xdist, --dist loadgroup): a file
# stays whole on one worker (its module fixtures are made once), except these files of many
# independent cases with no costly module fixture, whose tests go one by one to whichever worker
# is free. The heaviest whole files are handed out first and the spread cases last, so that both
# workers finish together (scripts/test.sh passes --no-loadscope-reorder to keep this order).
SPREAD = {"test_bad_inputs.py", "test_rules_files.py", "test_rules.py"}
HEAVY_FIRST = [  # whole files, heaviest first (measured: README, 测试用时)
    "test_archive.py", "test_bundle.py", "test_properties.py", "test_master_writes.py",
    "test_readme_commands.py", "test_documents.py", "test_page.py", "test_pages.py",
    "test_adversary_second_pass.py", "test_cli_behaviour.py",
]  # fmt: skip


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:  # by folder, not by a list of names: a new unit test is fast by its place
        path = Path(item.path)
        if UNIT not in path.parents:
            item.add_marker(pytest.mark.slow)
        if path.name not in SPREAD:
            item.add_marker(pytest.mark.xdist_group(path.name))

    def order(item: pytest.Item) -> int:
        name = Path(item.path).name
        if name in HEAVY_FIRST:
            return HEAVY_FIRST.index(name)
        return len(HEAVY_FIRST) + (name in SPREAD)

    items.sort(key=order)  # stable: within a file, the order it was written in
