"""How long each dashboard page takes to render over a warehouse: the page's whole script (open
the file, run its queries, build its charts and tables), as Streamlit's testing API runs it.

    python -m lead_scoring.dashboard.benchmark --duckdb-path data/warehouse/lead_scoring.duckdb

The targets: every page under 2 s on the demo data, under 5 s at 1M leads
(docs/decisions/0021-dashboard.md).
The first render of each page (cold: the file's pages not yet in the OS cache) is reported apart
from the median of the next ones.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from lead_scoring.locations import DUCKDB_PATH_ENV

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb-path", type=Path, required=True, metavar="FILE")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, metavar="N")
    args = parser.parse_args(argv)
    os.environ[DUCKDB_PATH_ENV] = str(args.duckdb_path.expanduser().resolve())
    from lead_scoring.dashboard.pages import PAGES

    print(f"{'page':<12} {'first (s)':>10} {'median of next (s)':>19}")
    for page in PAGES:
        first = render_seconds(page.URL_PATH)
        rest = [render_seconds(page.URL_PATH) for _ in range(max(args.repeat - 1, 1))]
        print(f"{page.URL_PATH:<12} {first:>10.2f} {statistics.median(rest):>19.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
