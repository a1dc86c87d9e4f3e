"""The local page (`annex-tools serve`) started as a user starts it, and Debian's Chromium driven
headless through chromedriver (Selenium), for the browser tests and scripts/page_pictures.py."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def have_browser() -> bool:
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """`annex-tools serve FOLDER --no-browser` in a subprocess; yields the URL it announces."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "annex_tools", "serve", str(folder), "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        url = ""
        assert proc.stdout is not None
        while not url and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            m = re.search(r"http://127\.0\.0\.1:\d+/t/[\w-]+/", line)
            url = m.group(0) if m else ""
        assert url, "serve did not announce its address"
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def chromium(downloads: Path, width: int = 1280, height: int = 1000) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}", "--lang=zh-CN"):  # fmt: skip
        options.add_argument(arg)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        yield driver
    finally:
        driver.quit()


def pick(driver: object, master: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 30)
    radio = wait.until(
        lambda d: d.find_element(By.CSS_SELECTOR, f"input[name=master][value='{master}']")
    )
    radio.click()


def click_and_wait(driver: object, action: str, timeout: float = 180) -> tuple[str, str]:
    """Click a ribbon action; wait until it is done; returns (message, error)."""
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, f"button[data-action='{action}']").click()  # type: ignore[attr-defined]
    return wait_done(driver, timeout)


def wait_done(driver: object, timeout: float = 180) -> tuple[str, str]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def done(d: object) -> tuple[str, str] | bool:
        message = d.find_element(By.ID, "message").text  # type: ignore[attr-defined]
        error = d.find_element(By.ID, "error")  # type: ignore[attr-defined]
        buttons = d.find_elements(By.CSS_SELECTOR, "button[data-action]")  # type: ignore[attr-defined]
        if any(not b.is_enabled() for b in buttons):
            return False
        if message or error.is_displayed():
            return message, error.text
        return False

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(done)  # type: ignore[return-value]


def upload_and_preview(
    driver: object, field: str, returned: Path, action: str
) -> tuple[str, str, list[Any]]:
    """Upload a returned form through the page's file field `field` (upload-returns,
    upload-tallies …) and run the import `action`, which previews; returns (message, error,
    the preview's change rows as elements)."""
    from selenium.webdriver.common.by import By

    driver.find_element(By.ID, field).send_keys(str(returned))  # type: ignore[attr-defined]
    message, error = click_and_wait(driver, action)
    rows = driver.find_elements(By.CSS_SELECTOR, "#changes tbody tr")  # type: ignore[attr-defined]
    return message, error, rows


def confirm_and_wait(driver: object) -> tuple[str, str]:
    """Click “确认写入” under a preview and wait until the write is done: (message, error)."""
    from selenium.webdriver.common.by import By

    driver.find_element(By.ID, "confirm").click()  # type: ignore[attr-defined]
    return wait_done(driver)
