"""Incremental runs (docs/operations.md "Incremental runs"): a sequence of daily `lead-scoring run`
runs, each continuing the published warehouse, gives the same marts as one full build.

The raw data grows as it would in production: new leads and events every day, events that
arrive a day or two late (inside the lookback window), a lead whose job title changes (its
whole history is re-scored), a lead deleted from the CRM, history rewritten by the export (an
event older than the cutoff edited, one moved to another day, one withdrawn, one arriving weeks
late: their leads are re-scored whole), events at extreme times (year 1, 1900-01-01 00:00:00,
9999-12-31) arriving and moved to and from them, and a rule-table edit (which makes the next
run a full build).
"""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import PROJECT_DIR, RawData, RunOrchestrator, build_options
from dbt_harness import marts_rows, run_dbt, same_within_spec
from readable_output import nested_brackets

from lead_scoring import incremental, publishing
from lead_scoring.arguments import DEFAULT_LOOKBACK_DAYS

RAW_TABLES = ("leads", "accounts", "events", "sales_dispositions", "opportunities")
# (table, timestamp column that says when a row reaches the CRM export)
ARRIVAL = {
    "leads": "created_at",
    "events": "occurred_at",
    "sales_dispositions": "decided_at",
    "opportunities": "created_at",
}
DAYS = (date(2026, 10, 25), date(2026, 10, 28), date(2026, 10, 31))
# events that happened inside the last two days before a run arrive only with the next run
LATE_EVENT_SHARE_PERCENT = 10
# a lead deleted from the CRM after the first day
DELETED_LEAD = "L00000002"


@dataclass(frozen=True)
class Step:
    code: int
    output: str


def day_end(day: date) -> str:
    return f"{day.isoformat()} 23:59:59"


@dataclass(frozen=True)
class Rewrite:
    """Events older than the last run's cutoff that its export rewrites."""

    edited: str  # its event_type becomes demo_request
    withdrawn: str  # gone from the export
    late_copy_of: str  # a new event (LATE-1, a quote_request) at this one's lead and time
    moved: str  # its occurred_at moves two days later (still before the cutoff)


def old_events_to_rewrite(raw: RawData) -> Rewrite:
    with duckdb.connect() as connection:
        rows = connection.execute(
            "select event_id from "
            f"read_parquet('{raw.folder / 'events.parquet'}') "
            "where event_id = trim(event_id) and lead_id like 'L%' and try_cast(occurred_at as "
            "timestamp) between timestamp '2026-10-05' and timestamp '2026-10-15' "
            "order by event_id limit 4"
        ).fetchall()
    assert len(rows) == 4, rows
    return Rewrite(
        edited=rows[0][0], withdrawn=rows[1][0], late_copy_of=rows[2][0], moved=rows[3][0]
    )


@dataclass(frozen=True)
class ExtremeEvents:
    """Events at extreme times in one export: copies of the event `copy_of`, at its lead."""

    copy_of: str
    occurred_at: dict[str, str]  # event_id -> its occurred_at in this export


# event_id -> its occurred_at in each daily export (None: not in it). The second run moves
# events between year 1 and 9999-12-31; the third, where no earlier day changes, moves events
# to and from 1900-01-01 00:00:00 (an ordinary day: no stand-in for a missing time) and adds one.
YEAR_1 = "0001-01-01 00:00:00"
YEAR_1900 = "1900-01-01 00:00:00"
YEAR_9999 = "9999-12-31 23:59:59.999999"
ORDINARY = "2026-10-10 08:00:00"
EXTREME_TIMES = {
    "EXTREME-1": (YEAR_1, YEAR_9999, YEAR_9999),
    "EXTREME-2": (YEAR_9999, YEAR_1, YEAR_1),
    "EXTREME-3": (None, None, YEAR_1900),
    "EXTREME-4": (YEAR_1900, YEAR_1900, ORDINARY),
    "EXTREME-5": (ORDINARY, ORDINARY, YEAR_1900),
}


def extreme_events(copy_of: str, export_number: int) -> ExtremeEvents:
    """The extreme events of the daily fixture's export `export_number` (from 0)."""
    times = {
        event_id: occurred_at
        for event_id, per_export in EXTREME_TIMES.items()
        if (occurred_at := per_export[export_number]) is not None
    }
    return ExtremeEvents(copy_of=copy_of, occurred_at=times)


@dataclass(frozen=True)
class AtCutoff:
    """A new event exactly at the last run's cutoff, for a lead with earlier events of its type:
    the run carries those to the cutoff, where this event meets them."""

    cutoff: datetime
    copy_of: str  # an older event of the lead (its type, url and campaign are copied)
    lead_id: str


def event_at_the_cutoff(raw: RawData, cutoff: datetime, not_leads: set[str]) -> AtCutoff:
    with duckdb.connect() as connection:
        row = connection.execute(
            "select event_id, lead_id from "
            f"read_parquet('{raw.folder / 'events.parquet'}') "
            "where event_id = trim(event_id) and lead_id = trim(lead_id) and lead_id like 'L%' "
            "and event_type = 'page_view' "
            "and try_cast(occurred_at as timestamp) < ? - interval 1 day "
            "and not list_contains(?, lead_id) order by event_id limit 1",
            [cutoff, sorted(not_leads)],
        ).fetchone()
    assert row is not None
    return AtCutoff(cutoff=cutoff, copy_of=row[0], lead_id=row[1])


def leads_of_events(raw: RawData, event_ids: list[str]) -> set[str]:
    with duckdb.connect() as connection:
        rows = connection.execute(
            f"select distinct lead_id from read_parquet('{raw.folder / 'events.parquet'}') "
            "where list_contains(?, event_id)",
            [event_ids],
        ).fetchall()
    return {row[0] for row in rows}


def old_accepted_disposition(raw: RawData, not_leads: set[str]) -> tuple[str, str]:
    """(disposition_id, lead_id) of an accepted disposition decided long before the cutoffs,
    of a lead with no event since 2026-10-01 (so no run rescores it), which the last export
    turns into a disqualification."""
    with duckdb.connect() as connection:
        row = connection.execute(
            "select disposition_id, lead_id from "
            f"read_parquet('{raw.folder / 'sales_dispositions.parquet'}') "
            "where status = 'accepted' and lead_id = trim(lead_id) and lead_id like 'L%' "
            "and decided_at < timestamp '2026-09-01' and not list_contains(?, lead_id) "
            "and lead_id not in (select upper(trim(lead_id)) from "
            f"read_parquet('{raw.folder / 'events.parquet'}') "
            "where lead_id is not null and coalesce(try_cast(occurred_at as timestamp) >= "
            "timestamp '2026-10-01', true)) "
            "order by decided_at, disposition_id limit 1",
            [sorted(not_leads)],
        ).fetchone()
    assert row is not None
    return str(row[0]), str(row[1])


def export_day(
    raw: RawData,
    folder: Path,
    day: date,
    *,
    changed_title: str | None,
    rewrite: Rewrite | None = None,
    at_cutoff: AtCutoff | None = None,
    disqualified: str | None = None,
    extremes: ExtremeEvents | None = None,
) -> None:
    """The raw folder as the CRM export looks at the end of `day`.

    Rows stamped after the day are not there yet (rows without a usable stamp always are), and
    a tenth of the events of the day's last two days arrive only with the next export.
    """
    folder.mkdir(parents=True, exist_ok=True)
    end = day_end(day)
    with duckdb.connect() as connection:
        for table in RAW_TABLES:
            source = f"read_parquet('{raw.folder / f'{table}.parquet'}')"
            where = "true"
            if table in ARRIVAL:
                stamp = f"try_cast({ARRIVAL[table]} as timestamp)"
                where = f"({stamp} is null or {stamp} <= timestamp '{end}')"
            if table == "events":
                held_back = (
                    f"try_cast(occurred_at as timestamp) > timestamp '{end}' - interval 2 day "
                    f"and hash(event_id) % 100 < {LATE_EVENT_SHARE_PERCENT}"
                )
                where += f" and not coalesce({held_back}, false)"
            if table == "leads" and day != DAYS[0]:
                where += f" and upper(trim(lead_id)) <> '{DELETED_LEAD}'"
            select = f"select * from {source} where {where}"
            for later in (d for d in DAYS[1:] if d <= day and table == "events"):
                # copies of two days of events from just before that run's cutoff (its
                # previous run's latest event minus 3 days), stamped 4 days later, inside its
                # window: the run re-derives them as duplicates; the kept copies stay as they were
                start = f"timestamp '{day_end(later)}' - interval 9 day"
                select += (
                    " union all select * replace (occurred_at + interval 4 day as occurred_at) "
                    f"from {source} where try_cast(occurred_at as timestamp) between {start} "
                    f"and {start} + interval 2 day"
                )
            if table == "events" and rewrite:
                select = (
                    "select * replace (case when event_id = "
                    f"'{rewrite.edited}' then 'demo_request' else event_type end as event_type, "
                    f"case when event_id = '{rewrite.moved}' then occurred_at + interval 2 day "
                    "else occurred_at end as occurred_at) "
                    f"from ({select}) where event_id is distinct from '{rewrite.withdrawn}' "
                    "union all select * replace ('LATE-1' as event_id, 'quote_request' as "
                    f"event_type) from {source} where event_id = '{rewrite.late_copy_of}'"
                )
            if table == "events" and at_cutoff:
                select += (
                    " union all select * replace ('AT-CUTOFF-1' as event_id, timestamp "
                    f"'{at_cutoff.cutoff}' as occurred_at) from {source} "
                    f"where event_id = '{at_cutoff.copy_of}'"
                )
            if table == "events" and extremes:
                for event_id, occurred_at in extremes.occurred_at.items():
                    select += (
                        f" union all select * replace ('{event_id}' as event_id, timestamp "
                        f"'{occurred_at}' as occurred_at) from {source} "
                        f"where event_id = '{extremes.copy_of}'"
                    )
            if table == "sales_dispositions" and disqualified:
                select = (
                    "select * replace (case when disposition_id = "
                    f"'{disqualified}' then 'disqualified' else status end as status) "
                    f"from ({select})"
                )
            if table == "leads" and changed_title:
                select = (
                    "select * replace (case when upper(trim(lead_id)) = "
                    f"'{changed_title}' then 'Chief Executive Officer' else job_title end "
                    f"as job_title) from ({select})"
                )
            connection.execute(f"copy ({select}) to '{folder / f'{table}.parquet'}'")


def differences(left: list[tuple[Any, ...]], right: list[tuple[Any, ...]]) -> list[str]:
    if len(left) != len(right):
        return [f"{len(left)} rows against {len(right)}"]
    return [
        f"{a} against {b}"
        for a, b in zip(left, right, strict=True)
        if not all(same_within_spec(x, y) for x, y in zip(a, b, strict=True))
    ][:3]


def first_lead_with_events(raw: RawData) -> str:
    with duckdb.connect() as connection:
        row = connection.execute(
            "select upper(trim(lead_id)) as lead from "
            f"read_parquet('{raw.folder / 'events.parquet'}') "
            "where lead_id like 'L%' group by lead order by count(*) desc, lead limit 1"
        ).fetchone()
    assert row is not None
    return str(row[0])


@dataclass(frozen=True)
class Daily:
    steps: list[Step]
    incremental: Path
    full: Path
    full_step: Step
    rewrite: Rewrite
    project: Path
    at_cutoff: AtCutoff
    disqualified: tuple[str, str]  # (disposition_id, lead_id) the last export edits


@pytest.fixture(scope="module")
def daily(
    tmp_path_factory: pytest.TempPathFactory,
    copy_project: Callable[[Path], Path],
    run_orchestrator: RunOrchestrator,
    raw_data: RawData,
) -> Daily:
    """Three daily runs continuing one warehouse, and one full build of the last day's data."""
    root = tmp_path_factory.mktemp("incremental")
    project = copy_project(root / "project")
    changed = first_lead_with_events(raw_data)
    rewrite = old_events_to_rewrite(raw_data)
    disqualified = old_accepted_disposition(raw_data, {changed, DELETED_LEAD})
    warehouse = root / "daily" / "lead_scoring.duckdb"
    steps = []
    at_cutoff = None
    for number, day in enumerate(DAYS):
        folder = root / f"raw_{day.isoformat()}"
        last = number == len(DAYS) - 1
        if last:
            latest = incremental.watermark(warehouse)
            assert latest is not None
            cutoff = latest - timedelta(days=DEFAULT_LOOKBACK_DAYS)
            rewritten = leads_of_events(
                raw_data, [rewrite.edited, rewrite.withdrawn, rewrite.late_copy_of, rewrite.moved]
            )
            at_cutoff = event_at_the_cutoff(raw_data, cutoff, {changed, DELETED_LEAD, *rewritten})
        export_day(
            raw_data,
            folder,
            day,
            changed_title=changed if last else None,
            rewrite=rewrite if last else None,
            at_cutoff=at_cutoff,
            disqualified=disqualified[0] if last else None,
            # of a lead the last run rescores anyway (the rewritten events'): the at-cutoff
            # lead and the disqualified one are not rescored
            extremes=extreme_events(rewrite.late_copy_of, number),
        )
        code, output = run_orchestrator(
            project,
            "--as-of",
            day_end(day),
            # the second run runs the unit tests though they passed on this code before
            *(["--unit-tests"] if number == 1 else []),
            raw_dir=folder,
            duckdb_path=warehouse,
        )
        steps.append(Step(code, output))
    full = root / "full" / "lead_scoring.duckdb"
    code, output = run_orchestrator(
        project,
        "--as-of",
        day_end(DAYS[-1]),
        "--full-refresh",
        raw_dir=root / f"raw_{DAYS[-1].isoformat()}",
        duckdb_path=full,
    )
    return Daily(
        steps=steps,
        incremental=warehouse,
        full=full,
        full_step=Step(code, output),
        rewrite=rewrite,
        project=project,
        at_cutoff=at_cutoff,
        disqualified=disqualified,
    )


def test_the_first_run_is_full_and_the_next_ones_incremental(daily: Daily) -> None:
    for step in [*daily.steps, daily.full_step]:
        assert step.code == 0, step.output[-3000:]
    assert "mode:       full build (no published warehouse to continue)" in daily.steps[0].output
    for step in daily.steps[1:]:
        assert "mode:       incremental, recomputing from" in step.output
        assert "An incremental run starts from a copy of the published warehouse" in step.output
    for step in daily.steps[2:]:
        assert (
            "unit tests: left out (they passed on this code in the published build)" in step.output
        )
    # the first build runs them, and so does --unit-tests: a unit test computes its model whole,
    # whatever the run's cutoff
    for step in daily.steps[:2]:
        assert "unit tests: left out" not in step.output
        assert re.search(r"unit tests: [1-9]\d* passed, 0 warned, 0 failed", step.output)
    assert re.search(r"unit tests: [1-9]\d* passed, 0 warned, 0 failed", daily.full_step.output)
    assert "mode:       full build (--full-refresh)" in daily.full_step.output


def test_incremental_runs_give_the_marts_of_a_full_build(daily: Daily) -> None:
    continued = marts_rows(daily.incremental)
    whole = marts_rows(daily.full)
    assert sorted(continued) == sorted(whole)
    assert len(continued["fct_lead_score_history"]) > 1000
    for table in ("dim_accounts", "rpt_campaign_attribution", "rpt_nurture_audience"):
        assert continued[table], f"marts.{table} is empty: the comparison would prove nothing"
    for table, rows in whole.items():
        assert differences(continued[table], rows) == [], f"marts.{table} differs"


def test_the_next_runs_reuse_the_first_runs_parse(daily: Daily) -> None:
    """as_of and the cutoff change every run, and so would the build file's path: none may make
    dbt parse the project again (docs/operations.md "Parsing once")."""
    logs = [
        daily.incremental.parent / "builds" / run_id / "dbt.log"
        for step in daily.steps
        for run_id in re.findall(r"^Run (\S+): build into", step.output, re.MULTILINE)
    ]
    assert len(logs) == len(daily.steps)
    for log in logs[1:]:
        text = log.read_text()
        assert "Unable to do partial parsing" not in text, log
        assert "Partial parsing enabled, no changes found, skipping parsing" in text, log


def test_selecting_the_fingerprints_does_not_select_other_models_key_tests(
    daily: Daily, tmp_path: Path
) -> None:
    """The key tests that read int_lead_fingerprints in incremental runs look it up when they
    run: as its children, `--select int_lead_fingerprints` would run them on tables it does not
    build (macros/incremental/incremental.sql lead_fingerprints_relation)."""

    def tests_of(model: str) -> list[str]:
        arguments = ["ls", "--select", model, "--resource-type", "test", "--output", "name"]
        listed = run_dbt(daily.project, [*arguments, "--quiet"], tmp_path, tmp_path / "x.duckdb")
        assert listed.returncode == 0, listed.stdout[-2000:]
        return [line.strip() for line in listed.stdout.splitlines() if line.strip()]

    key_test = "unique_together_fct_lead_score_history_lead_id__scored_at__scored_at"
    assert key_test in tests_of("fct_lead_score_history")
    assert [test for test in tests_of("int_lead_fingerprints") if "fingerprints" not in test] == []


def test_an_incremental_run_recomputes_only_part_of_the_history(daily: Daily) -> None:
    with duckdb.connect(str(daily.incremental), read_only=True) as connection:
        runs = connection.execute(
            "select loaded_by_run, count(*) from intermediate.int_events_validated "
            "group by 1 order by 2 desc"
        ).fetchall()
    assert len(runs) == 3, runs  # each run derived some events; the first one most
    total = sum(count for _, count in runs)
    assert runs[-1][1] < total / 4


def test_an_incremental_run_restages_only_changed_events_and_rescores_their_leads(
    daily: Daily,
) -> None:
    rewritten = (daily.rewrite.edited, daily.rewrite.withdrawn, "LATE-1", daily.rewrite.moved)
    with duckdb.connect(str(daily.incremental), read_only=True) as connection:
        changed = dict(
            connection.execute(
                "select event_id, count(*) from change_detection.chg_raw__events "
                "where event_id is not null group by event_id"
            ).fetchall()
        )
        staged = connection.execute("select count(*) from staging.stg_raw__events").fetchone()
        leads = connection.execute(
            "select distinct lead_id from change_detection.chg_raw__events where event_id in "
            f"{rewritten} and lead_id is not null"
        ).fetchall()
        rescored = connection.execute(
            "select lead_id from intermediate.int_lead_fingerprints where is_rescored"
        ).fetchall()
        days = connection.execute(
            "select count(*) filter (where is_changed), count(*)"
            " from change_detection.chg_raw__events_days"
        ).fetchone()
    assert staged is not None
    # the days searched for changed events: the rewritten events' and the newest ones, not all
    assert days is not None and 0 < days[0] < days[1] / 2, days
    # edited: a current and a previous row; withdrawn: a previous one; late: a current one;
    # moved to another day: a current and a previous row (both days differ)
    assert [changed.get(event_id) for event_id in rewritten] == [2, 1, 1, 2]
    assert 0 < len(changed) < staged[0] / 10
    assert leads and set(leads) <= set(rescored)


def test_events_at_extreme_times_are_staged_as_in_a_full_build(daily: Daily) -> None:
    """Events moved from year 1 to 9999-12-31 and back, to and from 1900-01-01 00:00:00, or
    arriving at it in incremental runs: every run succeeds (their days are searched like any
    other) and the verdicts are a full build's, 9999-12-31 after as_of, the others scored."""
    query = (
        "select event_id, lead_id, occurred_at, dq_issue from {} "
        "where event_id like 'EXTREME-%' order by event_id"
    )
    found = {}
    for name, path in (("incremental", daily.incremental), ("full", daily.full)):
        with duckdb.connect(str(path), read_only=True) as connection:
            found[name] = [
                connection.execute(query.format(relation)).fetchall()
                for relation in ("staging.stg_raw__events", "intermediate.int_events_validated")
            ]
    staged, validated = found["full"]
    expected = [
        ("EXTREME-1", 9999, "after_as_of"),
        ("EXTREME-2", 1, None),
        ("EXTREME-3", 1900, None),
        ("EXTREME-4", 2026, None),
        ("EXTREME-5", 1900, None),
    ]
    assert [(row[0], row[2].year, row[3]) for row in staged] == expected
    assert [(row[0], row[3]) for row in validated] == [(row[0], row[2]) for row in expected]
    assert found["incremental"] == found["full"]


def test_the_lifecycle_steps_continue_exactly_where_the_kept_ones_end(daily: Daily) -> None:
    """The last run continues the leads with steps on both sides of its cutoff from their last
    kept step (step numbers, segments and levels carried over), and its lifecycle_steps is
    a full build's, row for row."""
    cutoff = daily.at_cutoff.cutoff  # the last run's
    query = "select * from intermediate.lifecycle_steps order by lead_id, step_number"
    found = {}
    for name, path in (("incremental", daily.incremental), ("full", daily.full)):
        with duckdb.connect(str(path), read_only=True) as connection:
            found[name] = connection.execute(query).fetchall()
            if name == "incremental":
                continued = connection.execute(
                    "select count(*) from (select lead_id from intermediate.lifecycle_steps "
                    "group by lead_id having min(step_at) < ? and max(step_at) >= ?)",
                    [cutoff, cutoff],
                ).fetchone()
    assert continued is not None and continued[0] > 0
    assert differences(found["incremental"], found["full"]) == []


def test_an_old_disposition_edited_in_the_crm_moves_the_lead_again(daily: Daily) -> None:
    """A disposition decided long before the cutoff turns from accepted into disqualified: the
    incremental run recomputes that lead's lifecycle steps (its dispositions differ from the
    kept steps) although it has no step from the cutoff on, like a full build."""
    disposition_id, lead_id = daily.disqualified
    cutoff = daily.at_cutoff.cutoff  # the last run's
    found = {}
    for name, path in (("incremental", daily.incremental), ("full", daily.full)):
        with duckdb.connect(str(path), read_only=True) as connection:
            found[name] = connection.execute(
                "select step_number, step_at, step_kind, step_key, disposition_status, "
                "stage_before, stage_after from intermediate.lifecycle_steps "
                "where lead_id = ? order by step_number",
                [lead_id],
            ).fetchall()
    with duckdb.connect(str(daily.incremental), read_only=True) as connection:
        rescored = connection.execute(
            "select is_rescored from intermediate.int_lead_fingerprints where lead_id = ?",
            [lead_id],
        ).fetchone()
    assert rescored == (False,)
    steps = found["incremental"]
    assert [row[4] for row in steps if row[3] == disposition_id] == ["disqualified"]
    assert steps and all(row[1] < cutoff for row in steps)
    assert steps == found["full"]


def compiled_test(
    project: Path, test_name: str, warehouse: Path, variables: dict[str, str], target: Path
) -> str:
    """The SQL of one data test as dbt compiles it with these vars (its invocation's id)."""
    result = run_dbt(
        project,
        ["compile", "--quiet", "--select", test_name, "--target-path", str(target)],
        raw_dir=target,
        database=warehouse,
        variables=variables,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # the only file compiled (dbt shortens the file names of long test names)
    (path,) = (target / "compiled").rglob("*.sql")
    return path.read_text()


def test_a_key_test_over_several_columns_finds_a_copied_row(daily: Daily, tmp_path: Path) -> None:
    """On DuckDB the test first groups by a hash of the key columns, then by the columns of the
    hashes seen twice: a copied row is still found, and only it."""
    test_name = "unique_together_fct_lead_score_history_lead_id__scored_at__scored_at"
    warehouse = tmp_path / "lead_scoring.duckdb"
    shutil.copyfile(daily.full, warehouse)
    sql = compiled_test(
        daily.project, test_name, warehouse, {"as_of": day_end(DAYS[-1])}, tmp_path / "full"
    )
    assert "hash(lead_id, scored_at)" in sql
    with duckdb.connect(str(warehouse)) as connection:
        assert connection.execute(sql).fetchall() == []
        row = connection.execute(
            "select lead_id, scored_at from marts.fct_lead_score_history "
            "order by lead_id, scored_at limit 1 offset 100"
        ).fetchone()
        assert row is not None
        connection.execute(
            "insert into marts.fct_lead_score_history select * from "
            "marts.fct_lead_score_history where lead_id = ? and scored_at = ?",
            list(row),
        )
        found = connection.execute(sql).fetchall()
    assert found == [(row[0], row[1], 2)]


def test_an_event_at_the_cutoff_meets_the_events_carried_to_it(daily: Daily) -> None:
    """A new event exactly at the last run's cutoff, of a lead that is not rescored and has
    earlier events of its type: those enter as their decayed count at the cutoff, at the same
    time as the event, and the lead's history and scores are still a full build's."""
    at = daily.at_cutoff
    since = at.cutoff.isoformat(sep=" ", timespec="microseconds")
    assert f"incremental, recomputing from {since} UTC" in daily.steps[-1].output
    found = {}
    for name, path in (("incremental", daily.incremental), ("full", daily.full)):
        with duckdb.connect(str(path), read_only=True) as connection:
            staged = connection.execute(
                "select occurred_at, dq_issue from staging.stg_raw__events "
                "where event_id = 'AT-CUTOFF-1'"
            ).fetchall()
            assert staged == [(at.cutoff, None)], name
            found[name] = connection.execute(
                "select scored_at, engagement_score, total_score, meets_mql_criteria "
                "from marts.fct_lead_score_history where lead_id = ? order by scored_at",
                [at.lead_id],
            ).fetchall()
    with duckdb.connect(str(daily.incremental), read_only=True) as connection:
        rescored = connection.execute(
            "select is_rescored from intermediate.int_lead_fingerprints where lead_id = ?",
            [at.lead_id],
        ).fetchone()
    assert rescored == (False,)
    assert any(row[0] == at.cutoff for row in found["full"])
    assert differences(found["incremental"], found["full"]) == []


@pytest.mark.parametrize(
    ("test_name", "relation"),
    [
        ("unique_stg_raw__events_event_id", "staging.stg_raw__events"),
        ("unique_int_events_validated_event_id", "intermediate.int_events_validated"),
    ],
)
def test_an_incremental_run_checks_the_event_ids_it_derived_for_copies(
    daily: Daily, tmp_path: Path, test_name: str, relation: str
) -> None:
    """The event_id tests of an incremental run look only at the event_ids it derived again
    (loaded_by_run), and find a copy of one of them; a full build looks at every row."""
    warehouse = tmp_path / "lead_scoring.duckdb"
    shutil.copyfile(daily.incremental, warehouse)
    incremental_sql = compiled_test(
        daily.project,
        test_name,
        warehouse,
        {"as_of": day_end(DAYS[-1]), "incremental_since": f"{DAYS[-2].isoformat()} 00:00:00"},
        tmp_path / "incremental",
    )
    full_sql = compiled_test(
        daily.project, test_name, warehouse, {"as_of": day_end(DAYS[-1])}, tmp_path / "full"
    )
    derived_by = re.search(r"loaded_by_run = '([^']+)'", incremental_sql)
    assert derived_by is not None, incremental_sql
    assert "loaded_by_run" not in full_sql
    with duckdb.connect(str(warehouse)) as connection:
        ids = connection.execute(
            f"select event_id from {relation} where dq_issue is null order by event_id limit 2"
        ).fetchall()
        derived, older = ids[0][0], ids[1][0]
        # a copy of one event as if this run derived it, and of another as a previous run did
        connection.execute(
            f"insert into {relation} select * replace (? as loaded_by_run) from {relation} "
            "where event_id = ?",
            [derived_by.group(1), derived],
        )
        connection.execute(
            f"insert into {relation} select * from {relation} where event_id = ?", [older]
        )
        found_incremental = {row[0] for row in connection.execute(incremental_sql).fetchall()}
        found_full = {row[0] for row in connection.execute(full_sql).fetchall()}
    assert found_incremental == {derived}
    assert found_full == {derived, older}


def events_without_time(raw: RawData) -> list[str]:
    """Two event_ids with a single raw row, and no occurred_at in it."""
    with duckdb.connect() as connection:
        rows = connection.execute(
            "select event_id from read_parquet("
            f"'{raw.folder / 'events.parquet'}') where event_id is not null "
            "group by event_id having count(*) = 1 and count(occurred_at) = 0 "
            "order by event_id limit 2"
        ).fetchall()
    assert len(rows) == 2, "the demo data has events without a time"
    return [row[0] for row in rows]


def export_csv(raw: RawData, folder: Path, unparseable: str, missing: str) -> None:
    """The raw tables as CSV, one event's time unparseable text and another's missing."""
    folder.mkdir(parents=True)
    with duckdb.connect() as connection:
        for table in RAW_TABLES:
            source = f"read_parquet('{raw.folder / f'{table}.parquet'}')"
            select = f"select * from {source}"
            if table == "events":
                select = (
                    "select * replace (case when event_id = "
                    f"'{unparseable}' then 'not-a-date' when event_id = '{missing}' then null "
                    f"else cast(occurred_at as varchar) end as occurred_at) from {source}"
                )
            connection.execute(f"copy ({select}) to '{folder / f'{table}.csv'}' (header true)")


def test_an_event_time_turning_from_missing_to_unparseable_is_staged_again(
    tmp_path: Path,
    copy_project: Callable[[Path], Path],
    run_orchestrator: RunOrchestrator,
    raw_data: RawData,
) -> None:
    """In a CSV export a missing and an unparseable occurred_at both clean to null, so the
    rows' hashes cannot tell them apart: the next run must still give the verdicts (and the
    data-quality counts) of a full build."""
    project = copy_project(tmp_path / "project")
    first, second = events_without_time(raw_data)
    export_csv(raw_data, tmp_path / "day1", unparseable=first, missing=second)
    export_csv(raw_data, tmp_path / "day2", unparseable=second, missing=first)
    warehouse = tmp_path / "daily" / "lead_scoring.duckdb"
    full = tmp_path / "full" / "lead_scoring.duckdb"
    runs = [
        (tmp_path / "day1", warehouse, "2026-11-01 00:00:00", []),
        (tmp_path / "day2", warehouse, "2026-11-02 00:00:00", []),
        (tmp_path / "day2", full, "2026-11-02 00:00:00", ["--full-refresh"]),
    ]
    outputs = []
    for raw_dir, path, as_of, flags in runs:
        code, output = run_orchestrator(
            project, "--as-of", as_of, *flags, raw_dir=raw_dir, duckdb_path=path
        )
        assert code == 0, output[-3000:]
        outputs.append(output)
    assert "mode:       incremental, recomputing from" in outputs[1]

    def verdicts(path: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        with duckdb.connect(str(path), read_only=True) as connection:
            staged = connection.execute(
                "select event_id, dq_issue from staging.stg_raw__events "
                f"where event_id in ('{first}', '{second}') order by event_id"
            ).fetchall()
            counted = connection.execute(
                "select source_table, issue, action, row_count from marts.rpt_data_quality "
                "order by all"
            ).fetchall()
        return staged, counted

    continued, whole = verdicts(warehouse), verdicts(full)
    assert whole[0] == sorted([(first, "null_occurred_at"), (second, "unparseable_occurred_at")])
    assert continued == whole


def test_an_edited_rule_table_makes_the_next_run_full(
    daily: Daily,
    tmp_path_factory: pytest.TempPathFactory,
    copy_project: Callable[[Path], Path],
    run_orchestrator: RunOrchestrator,
    raw_data: RawData,
) -> None:
    root = tmp_path_factory.mktemp("rule_edit")
    project = copy_project(root / "project")
    seed = project / "seeds" / "engagement_rules.csv"
    with seed.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["points"] = "2"
    with seed.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    warehouse = root / "lead_scoring.duckdb"
    warehouse.write_bytes(daily.incremental.read_bytes())
    code, output = run_orchestrator(
        project,
        "--as-of",
        day_end(DAYS[-1]),
        raw_dir=daily.full.parents[1] / f"raw_{DAYS[-1].isoformat()}",
        duckdb_path=warehouse,
    )
    assert code == 0, output[-3000:]
    assert "mode:       full build (rule tables, models or --hash-pii changed" in output
    # the unit tests passed on this code in the published build: a rule edit leaves them out
    assert "unit tests: left out (they passed on this code in the published build)" in output
    before = publishing.read_build_info(daily.incremental)
    after = publishing.read_build_info(warehouse)
    assert before is not None and after is not None
    assert after["unit_tests_fingerprint"] == before["unit_tests_fingerprint"] is not None


# ---------------------------------------------------------------------------------------------
# When a run continues the published warehouse (no dbt needed)
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A published warehouse file with a build stamp and events up to 2026-10-30 12:00."""
    database = tmp_path / "lead_scoring.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema intermediate")
        connection.execute(
            "create table intermediate.int_lead_evaluation_instants as select * from (values "
            "('L1', timestamp '2026-10-30 12:00:00', true), "
            "('L1', timestamp '2026-10-31 23:59:59', false)) as t(lead_id, scored_at, "
            "is_event_instant)"
        )
    publishing.write_build_info(
        database,
        {
            "run_id": "r1",
            "as_of": datetime(2026, 10, 31, 23, 59, 59),
            "project_fingerprint": incremental.project_fingerprint(PROJECT_DIR, False),
        },
    )
    return database


@pytest.mark.parametrize(
    ("flags", "since", "reason"),
    [
        ([], "2026-10-27 12:00:00.000000", "latest published event 2026-10-30 12:00:00"),
        (["--lookback-days", "0.5"], "2026-10-30 00:00:00.000000", "minus 0.5 days"),
        (["--full-refresh"], None, "--full-refresh"),
        (["--select", "dim_leads"], None, "a --select build"),
        (["--hash-pii"], None, "rule tables, models or --hash-pii changed"),
        (["--as-of", "2026-10-01"], None, "as_of is earlier than the published"),
    ],
)
def test_plan_continues_the_published_warehouse_only_when_it_is_safe(
    published: Path, flags: list[str], since: str | None, reason: str
) -> None:
    options = build_options(flags)
    as_of = options.as_of or "2026-11-01 00:00:00"
    info = publishing.read_build_info(published)
    fingerprint = incremental.project_fingerprint(PROJECT_DIR, options.hash_pii)
    plan = incremental.plan_incremental(options, as_of, published, True, fingerprint, info)
    assert plan.since == since
    assert reason in plan.reason


def test_plan_is_full_without_a_published_warehouse_or_on_a_server(
    published: Path, tmp_path: Path
) -> None:
    args = build_options(["--as-of", "2026-11-01"])
    as_of = "2026-11-01 00:00:00"
    fingerprint = incremental.project_fingerprint(PROJECT_DIR, False)
    missing_file = tmp_path / "none.duckdb"
    missing_info = incremental.read_published_info(missing_file, True)
    missing = incremental.plan_incremental(
        args, as_of, missing_file, True, fingerprint, missing_info
    )
    assert missing.since is None and "no published warehouse" in missing.reason
    server_info = incremental.read_published_info(published, False)
    server = incremental.plan_incremental(args, as_of, published, False, fingerprint, server_info)
    assert server.since is None and "server target" in server.reason
    info = incremental.read_published_info(published, True)
    changed = incremental.plan_incremental(args, as_of, published, True, "another project", info)
    assert changed.since is None and "changed since the published build" in changed.reason
    assert info is not None
    publishing.write_build_info(published, {**info, "selection": "stg_raw__events"})
    selected_info = incremental.read_published_info(published, True)
    selected = incremental.plan_incremental(
        args, as_of, published, True, fingerprint, selected_info
    )
    assert selected.since is None
    assert "the published warehouse is a --select build of stg_raw__events" in selected.reason
    # a --hash-pii warehouse holds the marts only; an unreadable file is not a missing one
    hashed = build_options(["--as-of", "2026-11-01", "--hash-pii"])
    publishing.write_build_info(
        published,
        {
            **info,
            "hash_pii": True,
            "project_fingerprint": incremental.project_fingerprint(PROJECT_DIR, True),
        },
    )
    hashed_info = incremental.read_published_info(published, True)
    plan = incremental.plan_incremental(
        hashed,
        as_of,
        published,
        True,
        incremental.project_fingerprint(PROJECT_DIR, True),
        hashed_info,
    )
    assert plan.since is None and "holds the marts only, by --hash-pii" in plan.reason
    unreadable = incremental.plan_incremental(args, as_of, published, True, fingerprint, None)
    assert unreadable.since is None and "could not be read" in unreadable.reason
    # the summary's mode line puts the reason in brackets: none of its own inside
    for full in (missing, server, changed, selected, plan, unreadable):
        assert not nested_brackets(full.line()), full.line()
