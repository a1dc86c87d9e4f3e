"""Render what users get to PNG for the README: the master (after check --write), an Annex 1
template, an Annex 2, a feedback letter and the summary report.

    python scripts/render_pictures.py   # needs LibreOffice and pdftoppm (poppler-utils)

LibreOffice renders with src/annex_tools/fonts.conf, which maps the 公文 fonts to Noto CJK SC.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images"


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    subprocess.run([str(a) for a in args], check=True, capture_output=True, env=env, timeout=600)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, FONTCONFIG_FILE=str(ROOT / "src" / "annex_tools" / "fonts.conf"))
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        run("annex-tools", "demo", "--out", t / "demo", "--today", "2024-01-30")
        master = t / "demo" / "master.xlsx"
        subprocess.run(
            ["annex-tools", "check", str(master), "--write", "--today", "2024-01-30"],
            capture_output=True,
        )
        # one picture per sheet of interest: a copy of the master with that sheet alone
        import openpyxl

        picks = {"master-grades": "评议", "master-results": "校验结果"}
        files: dict[str, Path] = {}
        for key, sheet in picks.items():
            wb = openpyxl.load_workbook(master)
            for name in wb.sheetnames:
                if name != sheet:
                    wb[name].sheet_state = "hidden"
            wb.active = wb.sheetnames.index(sheet)
            ws = wb[sheet]
            ws.page_setup.orientation = "landscape"
            ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.print_area = "A1:K25" if sheet == "评议" else "A1:H20"
            files[key] = t / f"{key}.xlsx"
            wb.save(files[key])
        demo = t / "demo"
        files["annex1-template"] = sorted((demo / "述职报告模板").glob("*.docx"))[0]
        files["annex2"] = demo / "附件2" / "附件2-教师发展中心党总支.xlsx"
        files["feedback"] = next((demo / "反馈意见").glob("基础教育研究所第一党支部-*.docx"))
        files["summary"] = demo / "汇总报告.docx"
        pdf = t / "pdf"
        for key, f in files.items():
            staged = t / "stage" / f"{key}{f.suffix}"
            staged.parent.mkdir(exist_ok=True)
            shutil.copy(f, staged)
        run("soffice", f"-env:UserInstallation=file://{t / 'lo'}", "--headless", "--convert-to", "pdf",
            "--outdir", pdf, *sorted((t / "stage").iterdir()), env=env)  # fmt: skip
        for key in files:
            run(
                "pdftoppm",
                "-r",
                "70",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                pdf / f"{key}.pdf",
                OUT / key,
            )
            print(OUT / f"{key}.png")


if __name__ == "__main__":
    main()
