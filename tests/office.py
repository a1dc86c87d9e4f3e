"""LibreOffice as the tests run it themselves (the independent office that opens, recomputes and
renders what we wrote): `soffice(*args)` is the command line, with one profile folder per test
process. LibreOffice's first start in a new profile folder writes that profile (measured here:
~1.5 s more than a start in an existing one, of ~3-5 s); the suite starts it ~20 times, each
call in a folder of its own until this was shared. Calls in one process come one after another;
two processes (pytest-xdist workers) never share a folder. The product's own conversions
(workbook.office.convert) keep their fresh folder per run: that is what users get."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

_PROFILE: list[Path] = []


def profile() -> Path:
    """This process's LibreOffice profile folder (made by LibreOffice on its first start)."""
    if not _PROFILE:
        root = Path(tempfile.mkdtemp(prefix="annex-test-office-"))
        atexit.register(shutil.rmtree, root, True)
        _PROFILE.append(root / "profile")
    # a start that was killed leaves its lock; the next start would refuse the folder
    (_PROFILE[0] / ".lock").unlink(missing_ok=True)
    return _PROFILE[0]


def soffice(*args: str | Path) -> list[str]:
    """`soffice -env:UserInstallation=<this process's profile> ARGS` as an argv."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    assert program, "CI installs LibreOffice"
    return [program, f"-env:UserInstallation={profile().as_uri()}", *map(str, args)]
