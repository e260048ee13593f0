"""The dashboard as a person sees it: `lead-scoring dashboard` serving a demo build, every page
loaded in headless Chromium (Debian's chromium and chromium-driver, which .ci/run installs),
checked for errors and for a figure against the mart, and saved as a screenshot in the test's
temporary folder; then a run publishes a new build while the dashboard serves, and the next page
load shows it. One dashboard start covers it all."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import RawData, RunOrchestrator
from dashboard_fixtures import add_comparison
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from lead_scoring.dashboard.benchmark import page_load_seconds
from lead_scoring.dashboard.browser import chromium, load_seconds, page_url, serving
from lead_scoring.dashboard.pages import PAGES
from lead_scoring.exit_codes import ExitCode

pytestmark = pytest.mark.slow

AS_OF = "2026-11-01"
NEXT_AS_OF = "2026-11-02"
RENDER_SECONDS = 60

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
    with serving(warehouse) as dashboard:
        yield Served(dashboard.url, warehouse, project, raw_data.folder, dashboard.process)


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    with chromium() as driver:
        yield driver


def mart_value(warehouse: Path, sql: str) -> Any:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        row = connection.execute(sql).fetchone()
    assert row is not None
    return row[0]


def load(driver: WebDriver, url: str, title: str) -> None:
    try:
        load_seconds(driver, url, title, RENDER_SECONDS)
    except TimeoutError as error:
        pytest.fail(str(error))


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
        load(browser, page_url(served.url, page.URL_PATH), page.TITLE)
        browser.save_screenshot(str(tmp_path / f"{page.URL_PATH}.png"))
        assert not problems_on_page(browser), page.URL_PATH
        assert run_id in build_line(browser)
        label, sql = FIGURES[page.URL_PATH]
        expected = figure_text(page.URL_PATH, mart_value(served.warehouse, sql))
        assert shown_metrics(browser).get(label) == expected, (page.URL_PATH, label)
        assert (tmp_path / f"{page.URL_PATH}.png").stat().st_size > 0


def test_the_render_benchmark_times_every_page_in_chromium(
    served: Served, browser: WebDriver
) -> None:
    seconds = page_load_seconds(browser, served.url, repeat=2)
    assert list(seconds) == [page.URL_PATH for page in PAGES]
    assert all(first > 0 and next_ > 0 for first, next_ in seconds.values()), seconds


def test_a_build_published_while_serving_shows_on_the_next_load(
    served: Served, browser: WebDriver, run_orchestrator: RunOrchestrator
) -> None:
    load(browser, page_url(served.url, "overview"), "Overview")
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
    load(browser, page_url(served.url, "overview"), "Overview")
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
