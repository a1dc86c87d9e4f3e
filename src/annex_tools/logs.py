"""One log per user, one setup: the ribbon buttons and the command line write to the same
file in the user's own folder (%LOCALAPPDATA%\\annex-tools on Windows, ~/annex-tools
elsewhere), never to a file shared by everyone in the temp folder."""

from __future__ import annotations

import logging
import os
from pathlib import Path


def log_path() -> Path:
    base = os.environ.get("LOCALAPPDATA") or str(Path.home())
    folder = Path(base) / "annex-tools"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "annex-tools.log"


def logger(name: str = "annex_tools") -> logging.Logger:
    """The package's logger, with its one file handler attached the first time."""
    root = logging.getLogger("annex_tools")
    if not root.handlers:
        handler = logging.FileHandler(log_path(), encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return logging.getLogger(name)
