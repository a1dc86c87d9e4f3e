"""Render what users get to PNG for the README: the master (after check --write: 评议 with the
names beside the ids, 校验结果, the 看板), an Annex 1 template, an Annex 2, a feedback letter and
the summary report.

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
        run("annex-tools", "demo", "--out", t / "demo", "--as-of", "2024-01-30")
        master = t / "demo" / "master.xlsx"
        subprocess.run(
            ["annex-tools", "check", str(master), "--write", "--as-of", "2024-01-30"],
            capture_output=True,
        )
        # one picture per sheet of interest: a copy of the master with that sheet alone
        import openpyxl

        # the 评议 sheet with the names and organizations shown beside 述职编号 (formulas), the
        # results of the check, and the 看板 (formulas and its two charts)
        picks = {
            "master-grades": ("评议", "A1:I22"),
            "master-results": ("校验结果", "A1:I20"),
            "master-dashboard": ("看板", "A1:M56"),
        }
        files: dict[str, Path] = {}
        for key, (sheet, area) in picks.items():
            wb = openpyxl.load_workbook(master)
            for name in wb.sheetnames:
                if name != sheet:
                    wb[name].sheet_state = "hidden"
            wb.active = wb.sheetnames.index(sheet)
            ws = wb[sheet]
            ws.page_setup.orientation = "landscape"
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 1 if sheet == "看板" else 0  # the charts on one page
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.print_area = area
            files[key] = t / f"{key}.xlsx"
            wb.save(files[key])
        # the documents from the demo without its planted mistakes (final, not drafts), with
        # the 公文 elements set as an office would set them
        from annex_tools.demo import make_demo

        clean = make_demo(t / "clean", mistakes=False).workbook
        wb = openpyxl.load_workbook(clean)
        ws = wb["设置"]
        rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
        for key, value in {
            "报告日期": "2024-01-30",
            "发文机关标志": "中共示例学院委员会文件",
            "发文字号": "示院党〔2024〕3号",
            "签发人": "王明",
            "抄送机关": "市委组织部",
            "印发机关": "中共示例学院委员会办公室",
            "印发日期": "2024-01-31",
        }.items():
            ws.cell(row=rows[key], column=2, value=value)
        wb.save(clean)
        demo = t / "docs"
        for command, target in (
            ("templates", demo / "述职报告模板"),
            ("annex2", demo / "附件2"),
            ("feedback", demo / "反馈意见"),
            ("summary", demo / "汇总报告.docx"),
        ):
            run("annex-tools", command, clean, "--out", target, "--as-of", "2024-01-30")
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
                "100" if key.startswith("master-") else "70",
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
