"""The local page end to end: `annex-tools serve` started as a user starts it, driven in Debian's
headless Chromium on real masters: a check with findings (sheet, row, column), a document made and
downloaded, a return imported with a conflict shown before anything is written, a refusal while
an office suite holds the master, and requests with a wrong token, Host or Origin refused."""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import openpyxl
import pytest
from builders import valid
from page_helpers import (
    chromium,
    click_and_wait,
    confirm_and_wait,
    have_browser,
    pick,
    served,
    upload_and_preview,
)  # fmt: skip

from annex_tools.workbook.builder import new_workbook

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not have_browser(), reason="chromium and chromedriver (scripts/test.sh)"),
]


def _master_with_errors(folder: Path) -> Path:
    """valid() with two planted mistakes: an unknown 整改状态 and a grade outside the list."""
    data = valid()
    data["rects"][0] = dict(data["rects"][0], 整改状态="差不多了")
    return new_workbook(folder / "master.xlsx", data)


def _cells(master: Path, sheet: str, key: str, header: str) -> object:
    ws = openpyxl.load_workbook(master)[sheet]
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[0] == key:
            return row[headers.index(header)]
    raise KeyError(key)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("page") / "述职评议"
    folder.mkdir()
    downloads = tmp_path_factory.mktemp("downloads")
    _master_with_errors(folder)
    new_workbook(folder / "clean.xlsx", valid())
    with served(folder) as url, chromium(downloads) as driver:
        yield folder, downloads, url, driver


def test_a_check_shows_each_finding_with_sheet_row_and_column(page) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    folder, _, url, driver = page
    before = (folder / "master.xlsx").read_bytes()
    driver.get(url)
    assert driver.title == "述职评议 · 本机页面"
    pick(driver, "master.xlsx")
    message, error = click_and_wait(driver, "check")
    assert error == "" and "错误" in message
    rows = [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in driver.find_elements(By.CSS_SELECTOR, "#findings tbody tr")
    ]
    assert ["错误", "整改", "2", "整改状态"] in [r[:4] for r in rows], rows
    assert any(r[5].startswith("schema.") for r in rows)
    assert (folder / "master.xlsx").read_bytes() == before  # not asked to write: nothing written


def test_a_document_is_made_and_downloaded_from_its_link(page) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    folder, downloads, url, driver = page
    driver.get(url)
    pick(driver, "clean.xlsx")
    message, error = click_and_wait(driver, "annex2")
    assert error == "" and "附件2：共 1 个文件" in message, (message, error)
    link = driver.find_element(By.CSS_SELECTOR, "#files a")
    assert link.text == "2023年度附件2/附件2-示例党总支.xlsx"
    link.click()
    target = downloads / "附件2-示例党总支.xlsx"
    deadline = time.monotonic() + 30
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    made = folder / "2023年度附件2" / "附件2-示例党总支.xlsx"
    assert target.read_bytes() == made.read_bytes()
    assert zipfile.ZipFile(target).testzip() is None


def test_a_return_is_previewed_with_its_conflict_then_applied(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    folder, _, url, driver = page
    master = folder / "clean.xlsx"
    made = folder / "2023年度附件2" / "附件2-示例党总支.xlsx"
    if not made.exists():  # this test alone
        driver.get(url)
        pick(driver, "clean.xlsx")
        click_and_wait(driver, "annex2")
    book = openpyxl.load_workbook(master)  # the 党总支 is to decide 丁四's grade
    ws = book["评议"]
    col = [c.value for c in ws[1]].index("综合评价等次")
    next(r for r in ws.iter_rows(min_row=2) if r[0].value == "S3")[col].value = None
    book.save(master)
    wb = openpyxl.load_workbook(made)
    wb.active["D7"] = "较好"  # the grade decided: applies
    wb.active["F7"] = "1. 完全不同的措施（2024年4月30日前）"  # the master has another measure
    returned = tmp_path / "示例党总支回执.xlsx"
    wb.save(returned)
    before = master.read_bytes()
    driver.get(url)
    pick(driver, "clean.xlsx")
    message, error, rows = upload_and_preview(driver, "upload-returns", returned, "import-returns")
    assert error == "" and "还没有写入" in message, (message, error)
    conflicts = [r.text for r in rows if "conflict" in r.get_attribute("class")]
    assert any("措施冲突" in t for t in conflicts), [r.text for r in rows]
    assert (folder / "附件2回执" / "示例党总支回执.xlsx").is_file()
    assert master.read_bytes() == before  # the preview wrote nothing
    assert driver.find_element(By.ID, "confirm").is_displayed()
    message, error = confirm_and_wait(driver)
    assert error == "" and message.startswith("已写入"), (message, error)
    assert "1 项冲突" in message
    assert master.read_bytes() != before
    assert (folder / "备份").is_dir()
    # the conflict was not written: the master keeps its own measure
    assert _cells(master, "整改", "R3", "整改措施") == "措施"
    assert _cells(master, "评议", "S3", "综合评价等次") == "较好"


@pytest.mark.parametrize(
    ("lock", "suite"),
    [("~$master.xlsx", "Excel 或 WPS"), (".~lock.master.xlsx#", "LibreOffice")],
    ids=["excel-or-wps", "libreoffice"],
)
def test_no_write_while_an_office_suite_holds_the_master(page, lock: str, suite: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    folder, _, url, driver = page
    master = folder / "master.xlsx"
    (folder / lock).write_bytes(b"owner")
    try:
        before = master.read_bytes()
        driver.get(url)
        pick(driver, "master.xlsx")
        label = driver.find_element(By.XPATH, "//input[@value='master.xlsx']/..").text
        assert f"正被 {suite} 打开" in label
        checkbox = driver.find_element(By.ID, "write")
        if not checkbox.is_selected():
            checkbox.click()
        message, error = click_and_wait(driver, "check")
        assert message == "" and f"正被 {suite} 打开" in error and lock in error
        assert "页面不在这时写入主表" in error
        assert master.read_bytes() == before
        assert not (folder / "备份").exists() or not any(
            p.name.startswith("master") for p in (folder / "备份").iterdir()
        )
    finally:
        (folder / lock).unlink()
        checkbox = driver.find_element(By.ID, "write")
        if checkbox.is_selected():
            checkbox.click()


def _request(url: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_a_wrong_token_host_or_origin_is_refused(page) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    folder, _, url, driver = page
    origin = url.split("/t/")[0]
    driver.get(origin + "/t/not-the-token/")
    assert "口令不对" in driver.find_element(By.ID, "refused").text
    driver.get(origin + "/")
    assert "口令不对" in driver.find_element(By.ID, "refused").text
    # the same request, three ways: only our own origin and host start the work
    master = folder / "master.xlsx"
    before = master.read_bytes()
    run = url + "api/run/check"
    form = {"master": "master.xlsx", "write": "1"}
    code, text = _request(run, form, {"Origin": "http://evil.example"})
    assert code == 403 and "Origin 不符" in json.loads(text)["error"]
    code, text = _request(run, form)  # no Origin at all
    assert code == 403
    code, text = _request(run, form, {"Origin": origin, "Host": "attacker.example:80"})
    assert code == 403 and "Host 不符" in json.loads(text)["error"]
    assert master.read_bytes() == before
    code, text = _request(url + "api/masters", headers={"Origin": origin})
    assert code == 200 and "master.xlsx" in text
    # a file outside the folder is never served
    code, _ = _request(url + "files/..%2F..%2Fetc%2Fpasswd")
    assert code == 404


def test_another_sites_page_cannot_upload_even_with_the_token(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A cross-site form post needs no preflight; the Origin check alone stops it."""
    folder, _, url, driver = page
    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><body><script>"
        "const f=new FormData();f.append('master','master.xlsx');"
        "f.append('files',new Blob(['x']),'planted.xlsx');"
        f"fetch('{url}api/upload/returns',{{method:'POST',mode:'no-cors',body:f}})"
        ".then(()=>document.title='sent',()=>document.title='blocked');"
        "</script></body>",
        encoding="utf-8",
    )

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a: object, **k: object) -> None:
            super().__init__(*a, directory=str(evil), **k)  # type: ignore[arg-type]

        def log_message(self, *a: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        driver.get(f"http://localhost:{server.server_address[1]}/index.html")
        deadline = time.monotonic() + 20
        while driver.title not in ("sent", "blocked") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert driver.title in ("sent", "blocked")
    finally:
        server.shutdown()
    assert not (folder / "附件2回执" / "planted.xlsx").exists()


def test_the_linux_launcher_starts_the_page_for_its_own_folder(tmp_path: Path) -> None:
    """launchers/打开页面.sh copied beside a master: it finds annex-tools on PATH and serves
    the folder it is in (ANNEX_SERVE_OPTIONS keeps the browser closed here)."""
    import os
    import re
    import shutil
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    shutil.copy(root / "launchers" / "打开页面.sh", tmp_path / "打开页面.sh")
    new_workbook(tmp_path / "master.xlsx", valid())
    env = {
        **os.environ, "ANNEX_SERVE_OPTIONS": "--no-browser", "PYTHONUNBUFFERED": "1",
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    }  # fmt: skip
    proc = subprocess.Popen(
        ["sh", str(tmp_path / "打开页面.sh")], stdout=subprocess.PIPE, text=True, env=env,
        cwd="/",
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/t/[\w-]+/", line)
        assert url, line
        code, text = _request(url.group(0) + "api/masters")
        assert code == 200 and json.loads(text)["folder"] == str(tmp_path.resolve())
        assert [m["name"] for m in json.loads(text)["masters"]] == ["master.xlsx"]
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_progress_of_the_year_is_made_with_its_links(page) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    folder, _, url, driver = page
    driver.get(url)
    pick(driver, "clean.xlsx")
    message, error = click_and_wait(driver, "progress")
    assert error == "" and message.startswith("工作进度（截至"), (message, error)
    links = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#files a")]
    assert "2023年度工作进度/工作进度.xlsx" in links
    assert (folder / "2023年度工作进度" / "工作进度.xlsx").is_file()


def test_every_ribbon_button_has_its_action_on_the_page(page) -> None:  # type: ignore[no-untyped-def]
    """A PC without Excel (WPS, 信创 Linux) gets every ribbon action: each button label of the
    built ribbon is a button on the page (使用说明 is the page's own guide)."""
    import re

    from selenium.webdriver.common.by import By

    _, _, url, driver = page
    driver.get(url)
    ribbon = Path(__file__).resolve().parents[1] / "macros" / "customUI.xml"
    labels = re.findall(r'<button id="btn\w+" label="([^"]+)"', ribbon.read_text(encoding="utf-8"))
    assert len(labels) >= 15, labels
    # an import's button says that it shows the changes first: 导入述职报告（先预览）
    on_page = {
        b.text.removesuffix("（先预览）")
        for b in driver.find_elements(By.CSS_SELECTOR, "button[data-action]")
    }
    guide = driver.find_element(By.CSS_SELECTOR, "#guide summary").text
    missing = [x for x in labels if x not in on_page and x != guide]
    assert missing == [] and guide == "使用说明", (missing, on_page)


def test_marks_written_by_a_check_are_cleared_from_the_page(page) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from selenium.webdriver.common.by import By

    from annex_tools.workbook.marking import MARK_FILLS

    folder, _, url, driver = page
    marked = folder / "marks.xlsx"
    shutil.copy(folder / "master.xlsx", marked)
    driver.get(url)
    pick(driver, "marks.xlsx")
    driver.find_element(By.ID, "write").click()
    message, error = click_and_wait(driver, "check")
    driver.find_element(By.ID, "write").click()
    assert error == "" and "已写入“校验结果”表" in message, (message, error)
    colours = {f.fgColor.rgb for f in MARK_FILLS.values()}

    def marks() -> tuple[int, int]:
        wb = openpyxl.load_workbook(marked)
        cells = sum(
            c.fill.fill_type == "solid" and c.fill.fgColor.rgb in colours
            for ws in wb.worksheets if ws.title != "校验结果" for row in ws.iter_rows() for c in row
        )  # fmt: skip
        return cells, wb["校验结果"].max_row

    cells, rows = marks()
    assert cells >= 1 and rows >= 2
    driver.get(url)
    pick(driver, "marks.xlsx")
    message, error = click_and_wait(driver, "clear-marks")
    assert error == "" and f"已清除 {cells} 个单元格的标记" in message, (message, error)
    assert marks() == (0, 1)
    assert any(p.name.startswith("marks-") for p in (folder / "备份").iterdir())


def test_the_environment_check_and_the_new_year_from_the_page(page) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    folder, _, url, driver = page
    driver.get(url)
    pick(driver, "clean.xlsx")
    message, error = click_and_wait(driver, "environment")
    notes = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#notes li")]
    assert error == "" and message == "环境正常。", (message, error, notes)
    assert any(n.startswith("LibreOffice：/") for n in notes) and any("文件夹可写" in n for n in notes)
    driver.get(url)
    pick(driver, "clean.xlsx")
    message, error = click_and_wait(driver, "new-year")
    assert error == "" and message.startswith("已新建2024年度主表“clean-next.xlsx”"), (message, error)
    ws = openpyxl.load_workbook(folder / "clean-next.xlsx")["设置"]
    settings = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert str(settings["年度"]) == "2024"
