"""Screenshots of the local page for the README (docs/images/page-*.png): `annex-tools serve` on
the demo master in Debian's headless Chromium, a check with its findings and a return previewed.

    python scripts/page_pictures.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from page_helpers import chromium, click_and_wait, pick, served  # noqa: E402


def main() -> None:
    out = ROOT / "docs" / "images"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "述职评议"
        subprocess.run(
            [sys.executable, "-m", "annex_tools", "demo", "--out", str(folder), "--as-of", "2024-03-01"],
            check=True, capture_output=True,
        )  # fmt: skip
        with served(folder) as url, chromium(Path(tmp), 1280, 1500) as driver:
            driver.get(url)  # type: ignore[attr-defined]
            pick(driver, "master.xlsx")
            click_and_wait(driver, "check")
            driver.save_screenshot(str(out / "page-check.png"))  # type: ignore[attr-defined]
            click_and_wait(driver, "annex2")
            driver.save_screenshot(str(out / "page-annex2.png"))  # type: ignore[attr-defined]
    print(f"已写入 {out}/page-check.png、page-annex2.png")


if __name__ == "__main__":
    main()
