"""The dashboard's pages (src/lead_scoring/dashboard/), run with Streamlit's own testing API
(AppTest) over one demo build: every page renders without an exception and shows the numbers the
marts hold; each way a warehouse can fall short (none yet, --hash-pii, an empty mart, an older
build) gives a message on the page; the page queries read the marts only; and the command that
serves it."""

from __future__ import annotations

import os
import re
import shutil
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from conftest import RawData, RunOrchestrator
from dashboard_fixtures import (
    add_comparison,
    emptied_copy,
    hashed_copy,
    older_copy,
)
from streamlit.testing.v1 import AppTest

from lead_scoring.arguments import DashboardOptions
from lead_scoring.dashboard import command as dashboard_command_module
from lead_scoring.dashboard.handoff import handoff_csv
from lead_scoring.dashboard.pages import PAGES
from lead_scoring.exit_codes import ExitCode

AS_OF = "2026-11-01"
DASHBOARD_DIR = Path(dashboard_command_module.__file__).parent
PAGE_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Demo:
    """The demo build (published, with its run records) and the output of its run."""

    warehouse: Path
    output: str


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
    copy_project: Callable[[Path], Path],
    run_orchestrator: RunOrchestrator,
    raw_data: RawData,
) -> Demo:
    root = tmp_path_factory.mktemp("dashboard")
    project = copy_project(root / "project")
    warehouse = root / "warehouse" / "lead_scoring.duckdb"
    code, output = run_orchestrator(
        project, "--as-of", AS_OF, raw_dir=raw_data.folder, duckdb_path=warehouse
    )
    assert code == 0, output
    return Demo(warehouse=warehouse, output=output)


@pytest.fixture(scope="module")
def full(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo build with its run records, and a compare result beside it."""
    folder = tmp_path_factory.mktemp("full") / "warehouse"
    shutil.copytree(demo.warehouse.parent, folder, ignore=shutil.ignore_patterns("builds"))
    warehouse = folder / demo.warehouse.name
    add_comparison(warehouse)
    return warehouse


def render(url_path: str) -> None:
    """One page of the dashboard (AppTest runs this function's source as the app's script)."""
    from lead_scoring.dashboard.pages import page_named

    page_named(url_path).show()


def open_page(
    monkeypatch: pytest.MonkeyPatch, warehouse: Path, url_path: str, **query: str
) -> AppTest:
    """The page rendered over `warehouse`, as a browser would get it."""
    monkeypatch.setenv("LEAD_SCORING_DUCKDB_PATH", str(warehouse))
    app = AppTest.from_function(render, args=(url_path,), default_timeout=PAGE_TIMEOUT_SECONDS)
    app.query_params.update(query)
    return app.run()


def mart_value(warehouse: Path, sql: str, parameters: list[Any] | None = None) -> Any:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        row = connection.execute(sql, parameters or []).fetchone()
    assert row is not None
    return row[0]


def metric(app: AppTest, label: str) -> str:
    """The value shown by the metric with this label."""
    values = [shown.value for shown in app.metric if shown.label == label]
    assert values, f"no metric {label!r}: {[shown.label for shown in app.metric]}"
    return values[0]


def messages(app: AppTest) -> str:
    return "\n".join(str(shown.value) for shown in [*app.info, *app.warning, *app.error])


def assert_clean(app: AppTest) -> None:
    """No exception and no error element on the page."""
    assert not app.exception, [shown.value for shown in app.exception]
    assert not app.error, [shown.value for shown in app.error]


def count(value: Any) -> str:
    return f"{int(value):,}"


def rate(numerator: Any, denominator: Any) -> str:
    return f"{float(numerator) / float(denominator):.1%}"


# --- every page ----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("url_path", [page.URL_PATH for page in PAGES])
def test_every_page_renders_and_names_its_build(
    monkeypatch: pytest.MonkeyPatch, full: Path, url_path: str
) -> None:
    app = open_page(monkeypatch, full, url_path)
    assert_clean(app)
    run_id = mart_value(full, "select run_id from ops.build_info")
    build_line = app.markdown[0].value
    assert f"build `{run_id}`" in build_line
    assert "As of **2026-11-01 00:00:00 UTC**" in build_line
    assert "has no marts." not in messages(app)


@pytest.mark.slow
def test_the_app_opens_on_the_overview(monkeypatch: pytest.MonkeyPatch, full: Path) -> None:
    monkeypatch.setenv("LEAD_SCORING_DUCKDB_PATH", str(full))
    app = AppTest.from_file(str(DASHBOARD_DIR / "app.py"), default_timeout=60).run()
    assert_clean(app)
    assert app.title[0].value == "Overview"


@pytest.mark.slow
def test_the_run_says_how_to_open_the_dashboard(demo: Demo) -> None:
    expected = f"See it in a browser: lead-scoring dashboard --duckdb-path {demo.warehouse}, then"
    assert expected in demo.output
    assert demo.output.index(expected) < demo.output.index("Result: success")


# --- the figures of each page ------------------------------------------------------------------


@pytest.mark.slow
def test_overview_shows_the_marts_numbers(monkeypatch: pytest.MonkeyPatch, full: Path) -> None:
    app = open_page(monkeypatch, full, "overview")
    assert_clean(app)
    assert metric(app, "Leads") == count(mart_value(full, "select count(*) from marts.dim_leads"))
    open_mqls = "select count(*) from marts.dim_leads where current_stage = 'mql'"
    assert metric(app, "Open MQLs") == count(mart_value(full, open_mqls))
    october = (
        "select count(*) from marts.fct_mqls where mql_at >= '2026-10-01' and mql_at < '2026-11-01'"
    )
    assert metric(app, "MQLs in Oct 2026") == count(mart_value(full, october))
    assert metric(app, "MQLs in Nov 2026") == "0"
    complete = (
        "select sum(sqls_within_window), sum(mqls) from marts.rpt_mql_conversion "
        "where is_cohort_complete"
    )
    with duckdb.connect(str(full), read_only=True) as connection:
        sqls, mqls = connection.execute(complete).fetchone()
    assert metric(app, "MQL→SQL rate, complete cohorts") == rate(sqls, mqls)
    overdue = "select count(*) from marts.rpt_mql_handoff where is_overdue"
    assert metric(app, "Overdue MQLs") == count(mart_value(full, overdue))


@pytest.mark.slow
def test_funnel_shows_stage_counts_and_rates(monkeypatch: pytest.MonkeyPatch, full: Path) -> None:
    app = open_page(monkeypatch, full, "funnel")
    assert_clean(app)
    with duckdb.connect(str(full), read_only=True) as connection:
        leads, mqls, reaching_sql = connection.execute(
            "select sum(leads), sum(mqls), sum(mqls_reaching_sql) from marts.rpt_lead_funnel"
        ).fetchone()
    assert metric(app, "lead (leads)") == count(leads)
    assert metric(app, "MQL→SQL") == rate(reaching_sql, mqls)
    # one source chosen: the counts are that source's
    source = mart_value(full, "select min(lead_source) from marts.rpt_lead_funnel")
    app.multiselect(key="funnel_sources").set_value([source]).run()
    leads_of_source = mart_value(
        full, "select sum(leads) from marts.rpt_lead_funnel where lead_source = ?", [source]
    )
    assert metric(app, "lead (leads)") == count(leads_of_source)


@pytest.mark.slow
def test_conversion_shows_the_cohort_table(monkeypatch: pytest.MonkeyPatch, full: Path) -> None:
    app = open_page(monkeypatch, full, "conversion")
    assert_clean(app)
    mqls = mart_value(full, "select sum(mqls) from marts.rpt_mql_conversion")
    assert metric(app, "First MQLs") == count(mqls)
    table = app.dataframe[0].value
    assert len(table) == mart_value(full, "select count(*) from marts.rpt_mql_conversion")
    assert len(app.get("vega_lite_chart")) == 2  # the heat maps by source and by fit grade


@pytest.mark.slow
def test_handoff_lists_filters_and_downloads(monkeypatch: pytest.MonkeyPatch, full: Path) -> None:
    app = open_page(monkeypatch, full, "handoff")
    assert_clean(app)
    open_mqls = mart_value(full, "select count(*) from marts.rpt_mql_handoff")
    assert metric(app, "Open MQLs") == count(open_mqls)
    listed = app.dataframe[0].value
    first = mart_value(full, "select lead_id from marts.rpt_mql_handoff where handoff_rank = 1")
    assert listed["lead_id"].iloc[0] == first
    assert {"priority", "total_score", "hours_waiting", "is_overdue", "top_reasons"} <= set(
        listed.columns
    )
    priority = listed["priority"].iloc[0]
    app.multiselect(key="handoff_priorities").set_value([priority]).run()
    with_priority = "select count(*) from marts.rpt_mql_handoff where priority = ?"
    assert metric(app, "Shown (after filters)") == count(
        mart_value(full, with_priority, [priority])
    )
    assert set(app.dataframe[0].value["priority"]) == {priority}
    app.toggle(key="handoff_overdue").set_value(True).run()
    overdue = "select count(*) from marts.rpt_mql_handoff where priority = ? and is_overdue"
    assert metric(app, "Shown (after filters)") == count(mart_value(full, overdue, [priority]))
    assert app.get("download_button")


def test_the_handoff_csv_holds_the_rows_with_a_header() -> None:
    rows = pd.DataFrame(
        {
            "handoff_rank": [1, 2],
            "email": ["a@example.com", "b@example.com"],
            "mql_at": pd.to_datetime(["2026-10-30 08:00:00", "2026-10-31 09:30:00"]),
            "top_reasons": ["Pricing page views +27.5, VP title +20", "Email clicks +5"],
        }
    )
    assert handoff_csv(rows).decode().splitlines() == [
        "handoff_rank,email,mql_at,top_reasons",
        '1,a@example.com,2026-10-30 08:00:00,"Pricing page views +27.5, VP title +20"',
        "2,b@example.com,2026-10-31 09:30:00,Email clicks +5",
    ]


def lead_with_history(warehouse: Path) -> tuple[str, str]:
    """A lead with several contributions and an MQL: its id and email."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(
            "select lead_id, email from marts.dim_leads where mql_count > 0 and email is not null "
            "and lead_id in (select lead_id from marts.fct_score_contributions "
            "group by lead_id having count(*) >= 3) order by lead_id limit 1"
        ).fetchone()


@pytest.mark.slow
def test_lead_explains_the_score(monkeypatch: pytest.MonkeyPatch, full: Path) -> None:
    lead_id, email = lead_with_history(full)
    app = open_page(monkeypatch, full, "lead", lead=lead_id)
    assert_clean(app)
    total = mart_value(full, "select total_score from marts.dim_leads where lead_id = ?", [lead_id])
    assert metric(app, "Total score") == f"{total:,.1f}"
    contributions = app.table[0].value
    assert contributions["rule"].iloc[-1] == "total"
    assert contributions["points"].iloc[-1] == f"{total:,.1f}"
    rules = "select count(*) from marts.fct_score_contributions where lead_id = ?"
    assert len(contributions) == mart_value(full, rules, [lead_id]) + 1
    assert any(
        f"sum to **{total:,.1f}** = the total score" in shown.value for shown in app.markdown
    )
    with duckdb.connect(str(full), read_only=True) as connection:
        stages = connection.execute(
            "select stage from marts.fct_lifecycle_transitions where lead_id = ? "
            "order by transition_number",
            [lead_id],
        ).fetchall()
    path = " → ".join(f"**{stage}**" for (stage,) in stages)
    assert any(shown.value == path for shown in app.markdown)
    assert "min_total_score" not in messages(app)
    # found again by email, typed in capitals
    app.text_input(key="lead_query").set_value(email.upper()).run()
    assert app.subheader[0].value.startswith(lead_id)
    app.text_input(key="lead_query").set_value("nobody@nowhere.example").run()
    assert "No lead has the id or email 'nobody@nowhere.example'" in messages(app)


@pytest.mark.slow
def test_rules_shows_performance_backtest_and_compare(
    monkeypatch: pytest.MonkeyPatch, full: Path
) -> None:
    app = open_page(monkeypatch, full, "rules")
    assert_clean(app)
    rules = mart_value(full, "select count(*) from marts.rpt_rule_performance")
    assert metric(app, "Rules in force") == count(rules)
    enough = "select count(*) from marts.rpt_rule_performance where has_enough_data"
    assert metric(app, "With enough data to judge") == count(mart_value(full, enough))
    current = (
        "select threshold, precision from marts.rpt_threshold_backtest where is_current_threshold"
    )
    with duckdb.connect(str(full), read_only=True) as connection:
        threshold, precision = connection.execute(current).fetchone()
    assert metric(app, "Current threshold") == f"{threshold:,.1f}"
    assert metric(app, "Precision at it") == f"{precision:.1%}"
    mqls = mart_value(full, "select sum(mqls) from marts.rpt_mql_outcomes")
    assert metric(app, "MQLs") == count(mqls)
    assert metric(app, "Leads gained") == "2"
    assert metric(app, "Leads lost") == "1"


@pytest.mark.slow
def test_rules_without_the_calibration_marts_says_so(
    monkeypatch: pytest.MonkeyPatch, demo: Demo
) -> None:
    """On the build as this version makes it: the figures where it has the marts, else the
    message that names the mart."""
    app = open_page(monkeypatch, demo.warehouse, "rules")
    assert_clean(app)
    with duckdb.connect(str(demo.warehouse), read_only=True) as connection:
        marts = {
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        for mart, label in [
            ("rpt_rule_performance", "Rules in force"),
            ("rpt_threshold_backtest", "Current threshold"),
        ]:
            if mart in marts:
                assert metric(app, label)
            else:
                assert f"This warehouse has no marts.{mart} yet" in messages(app)
                assert "Rebuild it with `lead-scoring run`" in messages(app)
    assert "No comparison yet" in messages(app)


@pytest.mark.slow
def test_accounts_and_campaigns(monkeypatch: pytest.MonkeyPatch, full: Path) -> None:
    app = open_page(monkeypatch, full, "accounts")
    assert_clean(app)
    accounts = mart_value(full, "select count(*) from marts.dim_accounts")
    assert metric(app, "Accounts") == count(accounts)
    attributed = mart_value(
        full, "select sum(first_touch_mqls) from marts.rpt_campaign_attribution"
    )
    assert metric(app, "MQLs attributed") == count(attributed)
    nurtured = mart_value(full, "select count(*) from marts.rpt_nurture_audience")
    assert metric(app, "Leads in nurture") == count(nurtured)
    app.selectbox(key="attribution_model").set_value("linear_mqls").run()
    assert_clean(app)


@pytest.mark.slow
def test_data_quality_and_runs(monkeypatch: pytest.MonkeyPatch, full: Path) -> None:
    app = open_page(monkeypatch, full, "quality")
    assert_clean(app)
    dropped = "select sum(row_count) from marts.rpt_data_quality where action = 'dropped'"
    assert metric(app, "Rows dropped") == count(mart_value(full, dropped))
    assert metric(app, "Last run") == "published"
    runs = app.dataframe[-1].value
    run_id = mart_value(full, "select run_id from ops.build_info")
    assert runs.loc[runs["published"], "run id"].tolist() == [run_id]


# --- a warehouse that falls short ----------------------------------------------------------------


@pytest.mark.parametrize("url_path", [page.URL_PATH for page in PAGES])
def test_no_warehouse_yet_says_how_to_build_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url_path: str
) -> None:
    missing = tmp_path / "warehouse" / "lead_scoring.duckdb"
    app = open_page(monkeypatch, missing, url_path)
    assert_clean(app)
    assert f"No warehouse at {missing} yet" in messages(app)
    assert "lead-scoring run" in messages(app)


@pytest.mark.slow
def test_a_hash_pii_warehouse_shows_hashes_and_finds_leads_by_email(
    monkeypatch: pytest.MonkeyPatch, full: Path, tmp_path: Path
) -> None:
    lead_id, email = lead_with_history(full)
    hashed = hashed_copy(full, tmp_path / "hashed" / "lead_scoring.duckdb")
    for page in PAGES:
        assert_clean(open_page(monkeypatch, hashed, page.URL_PATH))
    handoff = open_page(monkeypatch, hashed, "handoff")
    assert any("sha256" in shown.value for shown in handoff.caption)
    assert "@" not in "".join(handoff.dataframe[0].value["email"])
    lead = open_page(monkeypatch, hashed, "lead")
    lead.text_input(key="lead_query").set_value(email).run()
    assert_clean(lead)
    assert lead.subheader[0].value.startswith(lead_id)


@pytest.mark.slow
def test_an_empty_mart_says_it_is_empty(
    monkeypatch: pytest.MonkeyPatch, full: Path, tmp_path: Path
) -> None:
    empty = emptied_copy(full, tmp_path / "empty" / "lead_scoring.duckdb", "rpt_mql_handoff")
    app = open_page(monkeypatch, empty, "handoff")
    assert_clean(app)
    assert "marts.rpt_mql_handoff has no rows" in messages(app)
    assert_clean(open_page(monkeypatch, empty, "lead"))


@pytest.mark.slow
def test_an_older_build_names_what_it_lacks(
    monkeypatch: pytest.MonkeyPatch, full: Path, tmp_path: Path
) -> None:
    older = older_copy(full, tmp_path / "older" / "lead_scoring.duckdb")
    conversion = open_page(monkeypatch, older, "conversion")
    assert_clean(conversion)
    assert "This warehouse has no marts.rpt_mql_conversion yet" in messages(conversion)
    overview = open_page(monkeypatch, older, "overview")
    assert_clean(overview)
    assert metric(overview, "Leads")  # the rest of the page still renders
    lead = open_page(monkeypatch, older, "lead")
    assert_clean(lead)
    assert "marts.fct_lead_score_history without min_total_score" in messages(lead)
    assert lead.get("vega_lite_chart")  # the score is drawn, without the threshold


# --- the queries and the command ---------------------------------------------------------------

# a table named in SQL (`from marts.dim_leads`), not a Python import (`from lead_scoring.x import`)
SCHEMA_REFERENCE = re.compile(r"\b(?:from|join)\s+([a-z_]+)\.([a-z_]+)\b(?!\.| import)")


def test_page_queries_read_only_the_marts() -> None:
    """Every table a dashboard module's SQL names is a mart or ops.build_info (or the catalog's
    own information_schema)."""
    named = {
        (module.name, schema, table)
        for module in DASHBOARD_DIR.glob("*.py")
        for schema, table in SCHEMA_REFERENCE.findall(module.read_text())
    }
    assert {schema for _, schema, _ in named} >= {"marts"}
    others = {
        reference
        for reference in named
        if reference[1] not in {"marts", "information_schema"}
        and reference[1:] != ("ops", "build_info")
    }
    assert not others


class FakeStreamlit:
    """What subprocess.Popen returns, for a Streamlit that exits with `code` or is
    interrupted."""

    def __init__(self, code: int, interrupted: bool = False, stopped_by: int | None = None) -> None:
        self.code = code
        self.interrupted = interrupted
        self.stopped_by = stopped_by
        self.received: list[int] = []
        self.command: list[str] = []
        self.environment: dict[str, str] = {}

    def __call__(self, command: list[str], env: dict[str, str]) -> FakeStreamlit:
        self.command, self.environment = command, env
        return self

    def send_signal(self, number: int) -> None:
        self.received.append(number)

    def wait(self, timeout: float | None = None) -> int:
        if self.stopped_by is not None:
            os.kill(os.getpid(), self.stopped_by)  # as `kill` would send it to the command
            self.stopped_by = None
        if self.interrupted:
            self.interrupted = False
            raise KeyboardInterrupt
        return self.code

    def terminate(self) -> None:
        self.code = -15


def serve(monkeypatch: pytest.MonkeyPatch, options: DashboardOptions, fake: FakeStreamlit) -> int:
    monkeypatch.setattr(dashboard_command_module.subprocess, "Popen", fake)
    return dashboard_command_module.dashboard_command(options)


def test_the_command_serves_the_published_warehouse_on_localhost(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeStreamlit(code=0)
    warehouse = tmp_path / "lead_scoring.duckdb"
    assert serve(monkeypatch, DashboardOptions(duckdb_path=warehouse), fake) == 0
    out, err = capsys.readouterr()
    assert fake.command[2:4] == ["streamlit", "run"]
    assert fake.command[fake.command.index("--server.address") + 1] == "127.0.0.1"
    assert fake.command[fake.command.index("--server.port") + 1] == "8501"
    assert fake.command[fake.command.index("--browser.gatherUsageStats") + 1] == "false"
    assert fake.environment["LEAD_SCORING_DUCKDB_PATH"] == str(warehouse)
    assert "http://127.0.0.1:8501/" in out
    assert err == ""


def test_serving_beyond_localhost_warns_about_personal_data(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    options = DashboardOptions(host="0.0.0.0", port=9000, duckdb_path=tmp_path / "w.duckdb")
    assert serve(monkeypatch, options, FakeStreamlit(code=3)) == 3  # Streamlit's own code
    err = capsys.readouterr().err
    assert "Warning: the dashboard listens on 0.0.0.0" in err
    assert "personal data" in err


def test_ctrl_c_stops_the_dashboard_with_130(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeStreamlit(code=0, interrupted=True)
    options = DashboardOptions(duckdb_path=tmp_path / "w.duckdb")
    assert serve(monkeypatch, options, fake) == ExitCode.INTERRUPTED
    assert "Dashboard stopped (Ctrl-C)." in capsys.readouterr().err


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_stopping_the_command_stops_streamlit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, stop: signal.Signals
) -> None:
    before = signal.getsignal(stop)
    fake = FakeStreamlit(code=0, stopped_by=stop)
    assert serve(monkeypatch, DashboardOptions(duckdb_path=tmp_path / "w.duckdb"), fake) == 0
    assert fake.received == [stop]
    assert signal.getsignal(stop) == before  # the command's own handler is gone


@pytest.mark.parametrize(
    ("host", "local"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False), ("::", False)],
)
def test_only_loopback_addresses_are_local(host: str, local: bool) -> None:
    assert dashboard_command_module.is_local(host) is local
