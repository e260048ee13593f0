"""The run's summary (src/lead_scoring/summary.py), as an analyst reads it; no dbt needed.

The nodes are built by hand as dbt's results give them (dbt_session.Outcome), the dirty rows as
marts.rpt_data_quality holds them, and a stand-in session answers the queries that fetch a
test's rows. tests/test_run.py reads the summary of a whole run on generated data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import PROJECT_DIR, build_options
from readable_output import nested_brackets

from lead_scoring import summary
from lead_scoring.dbt_session import Outcome
from lead_scoring.demo_marker import write_marker
from lead_scoring.exit_codes import ExitCode
from lead_scoring.locations import Locations
from lead_scoring.run_state import RunState


def locations(tmp_path: Path) -> Locations:
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    return Locations(PROJECT_DIR, raw, tmp_path / "warehouse" / "lead_scoring.duckdb", True)


# ---------------------------------------------------------------------------------------------
# The header
# ---------------------------------------------------------------------------------------------


def test_the_header_names_the_target_dbt_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def header(*flags: str) -> list[str]:
        options = build_options(["--as-of", "2026-11-01", *flags])
        return summary.header_lines(options, RunState(as_of="2026-11-01"), locations(tmp_path))

    monkeypatch.delenv("LEAD_SCORING_TARGET", raising=False)
    assert "  target:     duckdb" in header()
    # the profile's default target follows its environment variable, as in dbt
    monkeypatch.setenv("LEAD_SCORING_TARGET", "postgres")
    assert "  target:     postgres" in header()
    assert "  target:     spark" in header("--target", "spark")


# ---------------------------------------------------------------------------------------------
# The verdict
# ---------------------------------------------------------------------------------------------


def nodes_of(*statuses: str) -> list[Outcome]:
    """Data tests that ended with these statuses."""
    return [
        Outcome("test", f"test_{number}", "models/x.yml", status, "", None, 1)
        for number, status in enumerate(statuses)
    ]


def test_the_verdict_has_no_bracket_inside_a_bracket() -> None:
    verdicts = {
        summary.result_line(ExitCode.SUCCESS, []): "Result: success, exit 0.",
        summary.result_line(ExitCode.SUCCESS, nodes_of("pass", "warn")): (
            "Result: success with 1 warning, exit 0."
        ),
        summary.result_line(ExitCode.SUCCESS, nodes_of("warn", "warn", "warn")): (
            "Result: success with 3 warnings, exit 0."
        ),
        summary.result_line(ExitCode.FAILED, nodes_of("fail", "warn")): (
            "Result: FAILED, exit 1: 1 node failed. Fix the failures above and rerun."
        ),
        summary.result_line(
            ExitCode.FAILED, [], "built and tested, but not published: a WAL (x.wal) is there"
        ): (
            "Result: FAILED, exit 1: built and tested, but not published: a WAL (x.wal) is "
            "there. Nothing was published."
        ),
    }
    for verdict, expected in verdicts.items():
        assert verdict == expected
        assert not nested_brackets(verdict), verdict


# ---------------------------------------------------------------------------------------------
# Warnings: each once, in words
# ---------------------------------------------------------------------------------------------


STAGING_YML = "models/staging/_raw__models.yml"
INTERMEDIATE_YML = "models/intermediate/_intermediate__models.yml"
COMMA_LISTS = "data-tests/seed_validation/fit_rule_lists_look_comma_separated.sql"


class Session:
    """Answers a test's compiled query with the rows given for it."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]] | None = None) -> None:
        self.rows = rows or {}

    def query(self, sql: str, limit: int) -> list[dict[str, Any]] | None:
        return self.rows.get(sql, [])[:limit]


def data_test(
    name: str,
    status: str,
    failures: int,
    path: str = STAGING_YML,
    description: str = "",
    dirty_rows: tuple[str, list[str]] | None = None,
    message: str | None = None,
) -> Outcome:
    """A data test's result; `dirty_rows`: (raw table, issues) it reports (its meta)."""
    meta = {}
    if dirty_rows:
        meta["dirty_rows"] = {"source_table": dirty_rows[0], "issues": dirty_rows[1]}
    noun = "result" if failures == 1 else "results"
    verb = "warn" if status == "warn" else "error"
    return Outcome(
        kind="test",
        name=name,
        path=path,
        status=status,
        message=message or f"Got {failures} {noun}, configured to {verb} if != 0",
        relation=None,
        failures=failures,
        compiled_sql=f"select * from {name}",
        description=description,
        meta=meta,
    )


def dirty_row(action: str, table: str, issue: str, rows: int, words: str) -> dict[str, Any]:
    """A row of marts.rpt_data_quality."""
    return {
        "action": action,
        "source_table": table,
        "issue": issue,
        "row_count": rows,
        "description": words,
    }


DUPLICATE_EVENTS = dirty_row(
    "dropped",
    "events",
    "duplicate_key",
    383,
    "repeat the event_id of another row: the earliest row of each is kept",
)
UNKNOWN_TYPES = dirty_row(
    "flagged",
    "events",
    "unknown_event_type",
    149,
    "have an event_type that no engagement rule names: kept, they score nothing",
)
EARLY_EVENTS = dirty_row(
    "flagged",
    "events",
    "before_lead_created",
    2332,
    "are stamped before their lead was created: kept, they take effect at its creation",
)
DIRTY_ROWS = [DUPLICATE_EVENTS, UNKNOWN_TYPES, EARLY_EVENTS]

# the demo's warnings about dirty events: two tests of the same 383 rows, and one that counts
# the distinct unknown event types (1) where the table counts the rows (149)
DIRT_WARNINGS = [
    data_test(
        "raw_events_duplicate_key_share", "warn", 383, dirty_rows=("events", ["duplicate_key"])
    ),
    data_test(
        "raw_events_have_unique_event_id",
        "warn",
        383,
        description="Raw events whose event_id repeats another row's.",
        dirty_rows=("events", ["duplicate_key"]),
    ),
    data_test(
        "events_of_unknown_type",
        "warn",
        1,
        INTERMEDIATE_YML,
        description="Whether some used events have an event_type that no engagement rule names.",
        dirty_rows=("events", ["unknown_event_type"]),
    ),
]
COMMA_LIST_WARNING = data_test(
    "fit_rule_lists_look_comma_separated",
    "warn",
    1,
    COMMA_LISTS,
    description="In and not_in lists of seeds/fit_rules.csv whose items look separated by "
    "commas, not by |: such a list is one item, which nothing matches.",
)
COMMA_LIST_ROWS = [
    {
        "seed": "seeds/fit_rules.csv",
        "rule_id": "country_target",
        "valid_from": "2020-01-01",
        "problem": "the in list 'US, CA, GB' has commas and no |: it is one item.",
    }
]


def printed(
    tmp_path: Path,
    nodes: list[Outcome],
    rows: list[dict[str, Any]] | None = None,
    session: Session | None = None,
    argv: list[str] | None = None,
) -> str:
    """The summary of a run of `nodes` whose build has the dirty rows `rows`."""
    lines = summary.summary_lines(
        session or Session(),  # type: ignore[arg-type]
        build_options(argv or ["--as-of", "2026-11-01"]),
        RunState(as_of="2026-11-01 00:00:00"),
        locations(tmp_path),
        nodes,
        dirty_rows=rows,
    )
    return "\n".join(lines)


def line_of(text: str, *parts: str) -> str:
    """The one line of `text` that holds every part."""
    found = [line for line in text.splitlines() if all(part in line for part in parts)]
    assert len(found) == 1, (parts, text)
    return found[0]


def test_a_warning_about_dirty_rows_is_shown_once_as_the_table_s_row(tmp_path: Path) -> None:
    shown = printed(tmp_path, DIRT_WARNINGS, DIRTY_ROWS)
    # no dbt test names or dbt's counts: the table's rows, in words, with the table's counts
    assert "configured to warn" not in shown
    for node in DIRT_WARNINGS:
        assert node.name not in shown
    assert line_of(shown, "Warned (3)") == (
        "Warned (3): all about the dirty raw rows below, in the rows marked warned."
    )
    duplicates = line_of(shown, "repeat the event_id of another row")
    assert duplicates.split()[:5] == ["dropped", "duplicate_key", "warned", "383", "events"]
    assert shown.count("383") == 1
    # accepted_values counts 1 unknown type; the line says how many events have one
    unknown = line_of(shown, "have an event_type that no engagement rule names")
    assert unknown.split()[:5] == ["flagged", "unknown_event_type", "warned", "149", "events"]
    assert "1 result" not in shown
    # a kind of dirt no test warned about is shown, not marked
    early = line_of(shown, "are stamped before their lead was created")
    assert early.split()[:4] == ["flagged", "before_lead_created", "2332", "events"]


def test_other_warnings_are_said_in_words_with_their_rows(tmp_path: Path) -> None:
    session = Session({COMMA_LIST_WARNING.compiled_sql or "": COMMA_LIST_ROWS})
    shown = printed(tmp_path, [*DIRT_WARNINGS, COMMA_LIST_WARNING], DIRTY_ROWS, session)
    assert line_of(shown, "Warned (4)") == (
        "Warned (4): 3 about the dirty raw rows below, in the rows marked warned, and these:"
    )
    assert f"  - {COMMA_LIST_WARNING.description}" in shown.splitlines()
    assert line_of(shown, "fit_rule_lists_look_comma_separated") == (
        f"    test fit_rule_lists_look_comma_separated in {COMMA_LISTS} found 1 row."
    )
    assert "country_target" in line_of(shown, "the in list 'US, CA, GB' has commas")
    assert "configured to warn" not in shown


def test_a_warning_about_rows_the_build_has_no_table_of_is_said_in_words(
    tmp_path: Path,
) -> None:
    """A build that did not build rpt_data_quality (a --select build) still says what each
    warning found."""
    shown = printed(tmp_path, DIRT_WARNINGS[:1], None)
    assert "  - raw events rows that are duplicate_key" in shown.splitlines()
    assert "Dirty raw rows" not in shown and "configured to warn" not in shown


def test_failures_keep_dbt_s_message_and_their_failing_rows(tmp_path: Path) -> None:
    failed = data_test(
        "raw_events_duplicate_key_share",
        "fail",
        900,
        message="Got 900 results, configured to fail if != 0 and max(is_above_limit) = 1",
    )
    problem = {"problem": "raw table events: 900 of 1000 rows are duplicate_key"}
    shown = printed(tmp_path, [failed], None, Session({failed.compiled_sql or "": [problem]}))
    assert f"  - {failed.label}" in shown.splitlines()
    assert "      Got 900 results, configured to fail if != 0" in shown
    assert "raw table events: 900 of 1000 rows are duplicate_key" in shown


# ---------------------------------------------------------------------------------------------
# Demo data: its dirt is deliberate
# ---------------------------------------------------------------------------------------------

DELIBERATE = "The raw data is generated demo data, dirty on purpose"


@pytest.mark.parametrize(("note", "said"), [(None, False), (True, True), (False, False)])
def test_the_demo_s_dirt_is_said_to_be_deliberate(
    tmp_path: Path, note: bool | None, said: bool
) -> None:
    """Only a raw folder the demo generator wrote dirty (its note says so) is called demo dirt:
    someone's own export, or clean demo data (--no-dirt), is not."""
    raw = locations(tmp_path).raw_dir
    if note is not None:
        write_marker(raw, tmp_path, {"dirt": note})
    shown = printed(tmp_path, DIRT_WARNINGS, DIRTY_ROWS)
    assert (DELIBERATE in shown) == said
    if said:
        assert line_of(shown, DELIBERATE).endswith(
            "these rows, and the warnings about them, are its deliberate dirt."
        )


def test_the_summary_has_no_bracket_inside_a_bracket(tmp_path: Path) -> None:
    session = Session({COMMA_LIST_WARNING.compiled_sql or "": COMMA_LIST_ROWS})
    shown = printed(tmp_path, [*DIRT_WARNINGS, COMMA_LIST_WARNING], DIRTY_ROWS, session)
    assert not nested_brackets(shown), nested_brackets(shown)
