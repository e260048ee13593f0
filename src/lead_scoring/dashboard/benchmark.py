"""How long each dashboard page takes to render over a warehouse: the page's whole script (open
the file, run its queries, build its charts and tables), as Streamlit's testing API runs it, and
with --browser the whole page load in headless Chromium, from the request until every chart is
drawn (what tests/test_dashboard_browser.py waits for).

    python -m lead_scoring.dashboard.benchmark --duckdb-path data/warehouse/lead_scoring.duckdb

The targets: every page under 2 s on the demo data, under 5 s at 1M leads
(docs/decisions/0021-dashboard.md).
The first render of each page (cold: the file's pages not yet in the OS cache; in the browser,
for the first page, Streamlit's front end not yet in the browser's cache) is reported apart from
the median of the next ones.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING

from lead_scoring.locations import DUCKDB_PATH_ENV

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

DEFAULT_REPEAT = 3
RENDER_TIMEOUT_SECONDS = 120


def render(url_path: str) -> None:
    """One page (AppTest runs this function's source as the app's script)."""
    from lead_scoring.dashboard.pages import page_named

    page_named(url_path).show()


def render_seconds(url_path: str) -> float:
    """Seconds to render the page once; raises when it shows an exception or an error."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_function(render, args=(url_path,), default_timeout=RENDER_TIMEOUT_SECONDS)
    started = time.perf_counter()
    app.run()
    seconds = time.perf_counter() - started
    problems = [str(shown.value) for shown in [*app.exception, *app.error]]
    if problems:
        raise RuntimeError(f"/{url_path}: {problems[0]}")
    return seconds


def page_load_seconds(
    driver: WebDriver, base_url: str, repeat: int
) -> dict[str, tuple[float, float]]:
    """Per page, the first and the median of the next whole page loads in the browser `driver`,
    from the dashboard served at `base_url`."""
    from lead_scoring.dashboard.browser import load_seconds, page_url
    from lead_scoring.dashboard.pages import PAGES

    seconds = {}
    for page in PAGES:
        url = page_url(base_url, page.URL_PATH)
        loads = [
            load_seconds(driver, url, page.TITLE, RENDER_TIMEOUT_SECONDS)
            for _ in range(max(repeat, 2))
        ]
        seconds[page.URL_PATH] = (loads[0], statistics.median(loads[1:]))
    return seconds


def browser_seconds(duckdb_path: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """page_load_seconds in headless Chromium, with the dashboard serving `duckdb_path`."""
    from lead_scoring.dashboard.browser import chromium, serving

    with serving(duckdb_path) as dashboard, chromium() as driver:
        return page_load_seconds(driver, dashboard.url, repeat)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb-path", type=Path, required=True, metavar="FILE")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, metavar="N")
    parser.add_argument(
        "--browser",
        action="store_true",
        help="also time each whole page load in headless Chromium (needs chromium and "
        "chromium-driver, and the development requirements)",
    )
    args = parser.parse_args(argv)
    duckdb_path = args.duckdb_path.expanduser().resolve()
    os.environ[DUCKDB_PATH_ENV] = str(duckdb_path)
    from lead_scoring.dashboard.pages import PAGES

    script = {}
    for page in PAGES:
        first = render_seconds(page.URL_PATH)
        rest = [render_seconds(page.URL_PATH) for _ in range(max(args.repeat - 1, 1))]
        script[page.URL_PATH] = (first, statistics.median(rest))
    # after the scripts, so that their first render finds the file as cold as it was
    browser = browser_seconds(duckdb_path, args.repeat) if args.browser else {}
    header = f"{'page':<12} {'script first (s)':>17} {'median of next':>15}"
    print(header + (f" {'browser first (s)':>18} {'median of next':>15}" if browser else ""))
    for page in PAGES:
        first, rest_median = script[page.URL_PATH]
        line = f"{page.URL_PATH:<12} {first:>17.2f} {rest_median:>15.2f}"
        if browser:
            line += f" {browser[page.URL_PATH][0]:>18.2f} {browser[page.URL_PATH][1]:>15.2f}"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
