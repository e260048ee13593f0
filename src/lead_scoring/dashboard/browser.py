"""The dashboard as a browser shows it: `lead-scoring dashboard` served on a free local port,
headless Chromium (Debian's chromium and chromium-driver), and the moment a page has rendered.

The browser test (tests/test_dashboard_browser.py) and the render benchmark (benchmark.py
--browser) share these, so the benchmark times exactly what the test waits for. Selenium is a
development dependency (requirements-dev.txt).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lead_scoring.dashboard.pages import PAGES

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WINDOW = "1400,1800"
START_SECONDS = 60
STOP_SECONDS = 30


@dataclass(frozen=True)
class ServedDashboard:
    """`lead-scoring dashboard` serving one warehouse at `url`."""

    url: str
    process: subprocess.Popen[str]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_healthy(dashboard: ServedDashboard) -> None:
    """Return once Streamlit answers its health check; raise if it stops or never answers."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if dashboard.process.poll() is not None:
            raise RuntimeError(f"the dashboard stopped: {dashboard.process.communicate()[0]}")
        try:
            with urllib.request.urlopen(f"{dashboard.url}/_stcore/health", timeout=5) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the dashboard did not answer at {dashboard.url} within {START_SECONDS} s")


@contextmanager
def serving(duckdb_path: Path) -> Iterator[ServedDashboard]:
    """The dashboard over `duckdb_path` until the block ends, then stopped with Ctrl-C."""
    port = free_port()
    lead_scoring = Path(sys.executable).with_name("lead-scoring")
    # a session of its own, so that Ctrl-C reaches the command and Streamlit as in a terminal
    process = subprocess.Popen(
        [str(lead_scoring), "dashboard", "--duckdb-path", str(duckdb_path), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    dashboard = ServedDashboard(f"http://127.0.0.1:{port}", process)
    try:
        wait_until_healthy(dashboard)
        yield dashboard
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextmanager
def chromium() -> Iterator[WebDriver]:
    """Headless Chromium, driven by Selenium, until the block ends."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        raise RuntimeError("no Chromium: apt-get install chromium chromium-driver (.ci/run does)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument(f"--window-size={WINDOW}")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def page_url(base_url: str, url_path: str) -> str:
    """The first page is the app's root; the others have their own path."""
    return base_url + "/" + ("" if url_path == PAGES[0].URL_PATH else url_path)


def rendered(driver: WebDriver, title: str) -> bool:
    """The script has finished, the page's title is shown and every chart has drawn its marks.

    Streamlit shows a chart as a placeholder (stSkeleton) until its chart library has loaded,
    and Vega draws after that, both after the script has ended: a screenshot taken earlier
    shows an empty box."""
    from selenium.webdriver.common.by import By

    finished = driver.find_elements(
        By.CSS_SELECTOR, '[data-testid="stApp"][data-test-script-state="notRunning"]'
    )
    headings = [heading.text for heading in driver.find_elements(By.TAG_NAME, "h1")]
    loading = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stSkeleton"]')
    charts = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stVegaLiteChart"]')
    drawn = not loading and all(
        chart.find_elements(By.CSS_SELECTOR, "canvas, svg.marks") for chart in charts
    )
    return bool(finished) and title in headings and drawn


def load_seconds(driver: WebDriver, url: str, title: str, timeout: float) -> float:
    """Open `url` and wait until the page titled `title` has rendered; the seconds that took.
    Raises TimeoutError, with the page's text, when it has not rendered within `timeout`."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    started = time.perf_counter()
    driver.get(url)
    try:
        WebDriverWait(driver, timeout, poll_frequency=0.05).until(
            lambda driver: rendered(driver, title)
        )
    except TimeoutException as error:
        text = driver.find_element(By.TAG_NAME, "body").text
        raise TimeoutError(f"{url} did not render {title!r}: {text}") from error
    return time.perf_counter() - started
