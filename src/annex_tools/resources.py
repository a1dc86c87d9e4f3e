"""Where the project's data folders (templates/, macros/) are found, in one place."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def data_dir(name: str, marker: str, explicit: Path | None = None) -> Path | None:
    """The folder `name` that holds `marker`: the one given, $ANNEX_<NAME>, ./name, the source
    checkout's, or the copy pip installed under <prefix>/share/annex-tools."""
    env = os.environ.get(f"ANNEX_{name.upper()}")
    candidates = [
        explicit,
        Path(env) if env else None,
        Path.cwd() / name,
        Path(__file__).resolve().parents[2] / name,
        Path(sys.prefix) / "share" / "annex-tools" / name,
    ]
    for candidate in candidates:
        if candidate is not None and (candidate / marker).exists():
            return candidate
    return None


def package_file(name: str) -> Path:
    """A data file shipped inside the package (fonts.conf), through importlib.resources."""
    from importlib.resources import files

    return Path(str(files("annex_tools").joinpath(name)))


FONTS_CONF = package_file("fonts.conf")  # LibreOffice's font substitutions for PDF output
