"""Data folders are found in the checkout, by environment variable, or where pip installed them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from annex_tools.resources import data_dir


def test_installed_copy_under_the_prefix_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = tmp_path / "venv" / "share" / "annex-tools" / "macros"
    installed.mkdir(parents=True)
    (installed / "only-installed.marker").write_text("")
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    monkeypatch.chdir(tmp_path)
    assert data_dir("macros", "only-installed.marker") == installed


def test_explicit_then_environment_come_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine, env = tmp_path / "mine", tmp_path / "env"
    for d in (mine, env):
        d.mkdir()
        (d / "customUI.xml").write_text("")
    monkeypatch.setenv("ANNEX_MACROS", str(env))
    assert data_dir("macros", "customUI.xml", mine) == mine
    assert data_dir("macros", "customUI.xml") == env
    assert data_dir("macros", "no-such.marker") is None
