"""The dashboard as a person sees it: `lead-scoring dashboard` serving a demo build, every page
loaded in headless Chromium (Debian's chromium and chromium-driver, which .ci/run installs),
checked for errors and for a figure against the mart, and saved as a screenshot in the test's
temporary folder; then a run publishes a new build while the dashboard serves, and the next page
load shows it. One dashboard start covers it all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import LEAD_SCORING, RawData, RunOrchestrator
from dashboard_fixtures import add_comparison
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from lead_scoring.dashboard.pages import PAGES
from lead_scoring.exit_codes import ExitCode

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AS_OF = "2026-11-01"
NEXT_AS_OF = "2026-11-02"
START_SECONDS = 60
RENDER_SECONDS = 60
WINDOW = "1400,1800"

# per page: the metric checked against the mart, and the query that gives it
FIGURES: dict[str, tuple[str, str]] = {
    "overview": ("Leads", "select count(*) from marts.dim_leads"),
    "funnel": ("lead (leads)", "select sum(leads) from marts.rpt_lead_funnel"),
    "conversion": ("First MQLs", "select sum(mqls) from marts.rpt_mql_conversion"),
    "handoff": ("Open MQLs", "select count(*) from marts.rpt_mql_handoff"),
    "lead": (
        "Total score",
        "select total_score from marts.dim_leads where lead_id = "
        "(select lead_id from marts.rpt_mql_handoff where handoff_rank = 1)",
    ),
    "rules": ("Rules in force", "select count(*) from marts.rpt_rule_performance"),
    "accounts": ("Accounts", "select count(*) from marts.dim_accounts"),
    "quality": (
        "Rows dropped",
        "select sum(row_count) from marts.rpt_data_quality where action = 'dropped'",
    ),
}


@dataclass(frozen=True)
class Served:
    """The dashboard serving a demo build, and what a second run needs."""

    url: str
    warehouse: Path
    project: Path
    raw_dir: Path
    process: subprocess.Popen[str]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_healthy(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0]
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"the dashboard did not answer at {url} within {START_SECONDS} s")


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
    copy_project: Callable[[Path], Path],
    run_orchestrator: RunOrchestrator,
    raw_data: RawData,
) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("dashboard_browser")
    project = copy_project(root / "project")
    warehouse = root / "warehouse" / "lead_scoring.duckdb"
    code, output = run_orchestrator(
        project, "--as-of", AS_OF, raw_dir=raw_data.folder, duckdb_path=warehouse
    )
    assert code == 0, output
    add_comparison(warehouse)
    port = free_port()
    # a session of its own, so that Ctrl-C reaches the command and Streamlit as in a terminal
    process = subprocess.Popen(
        [str(LEAD_SCORING), "dashboard", "--duckdb-path", str(warehouse), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process)
        yield Served(url, warehouse, project, raw_data.folder, process)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    assert CHROMIUM.is_file() and CHROMEDRIVER.is_file(), (
        "no Chromium: apt-get install chromium chromium-driver (.ci/run does)"
    )
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


def mart_value(warehouse: Path, sql: str) -> Any:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        row = connection.execute(sql).fetchone()
    assert row is not None
    return row[0]


def page_url(served: Served, url_path: str) -> str:
    """The first page is the app's root; the others have their own path."""
    return served.url + "/" + ("" if url_path == PAGES[0].URL_PATH else url_path)


def rendered(driver: WebDriver, title: str) -> bool:
    """The script has finished, the page's title is shown and every chart has drawn its marks.

    Streamlit shows a chart as a placeholder (stSkeleton) until its chart library has loaded,
    and Vega draws after that, both after the script has ended: a screenshot taken earlier
    shows an empty box."""
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


def load(driver: WebDriver, url: str, title: str) -> None:
    driver.get(url)
    try:
        WebDriverWait(driver, RENDER_SECONDS).until(lambda driver: rendered(driver, title))
    except TimeoutException:
        pytest.fail(
            f"{url} did not render {title!r}: {driver.find_element(By.TAG_NAME, 'body').text}"
        )


def shown_metrics(driver: WebDriver) -> dict[str, str]:
    """Each metric's label and value as the page shows them."""
    metrics = {}
    for element in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]'):
        label = element.find_element(By.CSS_SELECTOR, '[data-testid="stMetricLabel"]').text
        metrics[label.strip()] = element.find_element(
            By.CSS_SELECTOR, '[data-testid="stMetricValue"]'
        ).text.strip()
    return metrics


def problems_on_page(driver: WebDriver) -> list[str]:
    """The text of any exception or error element."""
    selector = '[data-testid="stException"], [data-testid="stAlertContentError"]'
    return [element.text for element in driver.find_elements(By.CSS_SELECTOR, selector)]


def build_line(driver: WebDriver) -> str:
    return next(
        element.text
        for element in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMarkdown"]')
        if element.text.startswith("As of ")
    )


def figure_text(url_path: str, value: Any) -> str:
    """A figure as the page writes it: scores with one decimal, counts with separators."""
    return f"{value:,.1f}" if url_path == "lead" else f"{int(value):,}"


def test_every_page_renders_its_figures_in_chromium(
    served: Served, browser: WebDriver, tmp_path: Path
) -> None:
    run_id = mart_value(served.warehouse, "select run_id from ops.build_info")
    for page in PAGES:
        load(browser, page_url(served, page.URL_PATH), page.TITLE)
        browser.save_screenshot(str(tmp_path / f"{page.URL_PATH}.png"))
        assert not problems_on_page(browser), page.URL_PATH
        assert run_id in build_line(browser)
        label, sql = FIGURES[page.URL_PATH]
        expected = figure_text(page.URL_PATH, mart_value(served.warehouse, sql))
        assert shown_metrics(browser).get(label) == expected, (page.URL_PATH, label)
        assert (tmp_path / f"{page.URL_PATH}.png").stat().st_size > 0


def test_a_build_published_while_serving_shows_on_the_next_load(
    served: Served, browser: WebDriver, run_orchestrator: RunOrchestrator
) -> None:
    load(browser, page_url(served, "overview"), "Overview")
    before = mart_value(served.warehouse, "select run_id from ops.build_info")
    assert before in build_line(browser)
    code, output = run_orchestrator(
        served.project,
        "--as-of",
        NEXT_AS_OF,
        raw_dir=served.raw_dir,
        duckdb_path=served.warehouse,
    )
    assert code == 0, output  # the dashboard never blocks a run
    after = mart_value(served.warehouse, "select run_id from ops.build_info")
    assert after != before
    load(browser, page_url(served, "overview"), "Overview")
    assert after in build_line(browser)
    assert f"As of {NEXT_AS_OF} 00:00:00 UTC" in build_line(browser)
    assert not problems_on_page(browser)
    assert served.process.poll() is None  # and a run never breaks it


def test_ctrl_c_stops_the_dashboard_with_130(served: Served) -> None:
    os.killpg(served.process.pid, signal.SIGINT)
    output, _ = served.process.communicate(timeout=30)
    assert served.process.returncode == ExitCode.INTERRUPTED, output
    assert "Dashboard stopped (Ctrl-C)." in output
    assert "Traceback" not in output
