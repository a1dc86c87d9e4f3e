"""The README's "怎样改" names, for each ordinary change, a real example commit and every file it
touched: checked here against the history, so the counts cannot drift from what a change costs.
Every path the section names must also exist today."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = re.compile(r"示例提交 `([0-9a-f]{7,40})`（(\d+) 个文件）：(.+)")
PATH = re.compile(r"`((?:src|tests|docs|macros|templates|xlsm|benchmarks|scripts)/[^`\s]*|[A-Z]+\.md)`")


def section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("### 怎样改")
    return text[start : text.index("\n## ", start)]


def examples() -> list[tuple[str, int, list[str]]]:
    return [
        (m[1], int(m[2]), PATH.findall(m[3]))
        for line in section().splitlines()
        if (m := EXAMPLE.match(line))
    ]


def test_the_section_gives_an_example_commit_for_three_changes_with_code() -> None:
    found = examples()
    assert len(found) == 3, found  # a rule, a document, Annex 2 (next year's notice: no code)
    for _commit, count, files in found:
        assert count == len(files) == len(set(files)) > 0


def test_every_path_the_section_names_exists() -> None:
    named = set(PATH.findall(section()))
    assert len(named) > 20
    assert sorted(p for p in named if not (ROOT / p).exists()) == []


def _commit_files(commit: str) -> list[str] | None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return None
    done = subprocess.run(
        ["git", "-C", str(ROOT), "show", "--name-only", "--format=", commit],
        capture_output=True, text=True, encoding="utf-8",
    )  # fmt: skip
    if done.returncode != 0:
        return None
    return sorted(line for line in done.stdout.splitlines() if line)


@pytest.mark.parametrize("example", examples(), ids=lambda e: e[0])
def test_an_example_commit_touched_exactly_the_files_listed(example: tuple[str, int, list[str]]) -> None:
    commit, count, listed = example
    files = _commit_files(commit)
    if files is None:  # a shallow checkout or an export without history
        pytest.skip(f"git history holding {commit} is not available here")
    assert (len(files), files) == (count, sorted(listed))
