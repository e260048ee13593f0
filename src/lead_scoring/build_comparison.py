"""What a new build changes against the build it replaces, in a few funnel numbers.

Every build that passed is compared with the file it is about to replace (the published
warehouse, or the earlier backfill as of the same moment), so that a rule edit that moves half
the funnel shows in the run's summary and record before anyone reads a dashboard:

- leads meeting the MQL criteria now (marts.dim_leads.meets_mql_criteria);
- leads in each current stage (marts.dim_leads.current_stage);
- MQL entries (rows of marts.fct_mqls), and how many of them the earlier build does not have
  (by mql_id).

Both files are opened read-only (build_publishing.py). Whatever a side cannot say, e.g.
a build of an older version without a column, becomes a note, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

# the order stages are listed in (spec §5); a stage not listed here comes after them
STAGES = ("lead", "mql", "sql", "opportunity", "customer", "recycled", "disqualified")
EARLIER_CATALOG = "earlier_build"
LABEL_WIDTH = 34


@dataclass(frozen=True)
class Count:
    """One number compared: what it counts, and the table and column it needs."""

    key: str
    label: str
    table: str
    column: str | None  # None: the table alone will do
    sql: str  # with {relation}, the table in one of the two files


COUNTS = (
    Count(
        "leads_meeting_mql_criteria",
        "leads meeting the MQL criteria",
        "dim_leads",
        "meets_mql_criteria",
        "select count(*) from {relation} where meets_mql_criteria",
    ),
    Count("mql_entries", "MQL entries", "fct_mqls", None, "select count(*) from {relation}"),
)
STAGE_COUNT = Count(
    "leads_by_stage",
    "leads by current stage",
    "dim_leads",
    "current_stage",
    "select current_stage, count(*) from {relation} group by current_stage",
)
MQL_ID = ("fct_mqls", "mql_id")  # what tells one MQL entry from another, in both files
NEW_MQLS_SQL = (
    "select count(*) from {after} as after_mqls where not exists"
    " (select 1 from {before} as before_mqls where before_mqls.mql_id = after_mqls.mql_id)"
)


def compare(build: Path, earlier: Path, earlier_name: str) -> dict[str, Any]:
    """The new build `build` against `earlier`, the file it replaces, for the run record.

    `earlier_name` says what `earlier` is in the user's terms ("the published build").
    Returns {compared_with, path, compared, reason, run_id, as_of, this_as_of, the counts as
    {before, after}, leads_by_stage as {stage: {before, after}}, new_mql_entries, notes}.
    """
    import duckdb

    comparison: dict[str, Any] = {
        "compared_with": earlier_name,
        "path": str(earlier),
        "compared": False,
        "reason": None,
    }
    if not earlier.is_file():
        comparison["reason"] = f"there is none yet ({earlier})"
        return comparison
    escaped = str(earlier).replace("'", "''")
    try:
        with duckdb.connect(str(build), read_only=True) as connection:
            connection.execute(f"attach '{escaped}' as {EARLIER_CATALOG} (read_only)")
            this_catalog = connection.execute("select current_database()").fetchone()[0]
            comparison.update(both_sides(connection, this_catalog, earlier_name))
    except duckdb.Error as error:
        comparison["reason"] = f"{earlier} could not be read: {first_line(error)}"
        return comparison
    comparison["compared"] = True
    return comparison


def both_sides(connection: Any, this_catalog: str, earlier_name: str) -> dict[str, Any]:
    """The counts of both files of one connection (the earlier one attached), and notes."""
    sides = {"before": (EARLIER_CATALOG, earlier_name), "after": (this_catalog, "this build")}
    notes: list[str] = []
    columns = {side: marts_columns(connection, catalog) for side, (catalog, _) in sides.items()}
    values = {
        side: side_counts(connection, catalog, columns[side], name, notes)
        for side, (catalog, name) in sides.items()
    }
    earlier_info, this_info = (build_stamp(connection, catalog) for catalog, _ in sides.values())
    result: dict[str, Any] = {
        "run_id": earlier_info.get("run_id"),
        "as_of": earlier_info.get("as_of"),
        "this_as_of": this_info.get("as_of"),
    }
    for count in COUNTS:
        result[count.key] = {side: values[side].get(count.key) for side in sides}
    stages = [values[side].get(STAGE_COUNT.key) for side in sides]
    result[STAGE_COUNT.key] = None
    if all(found is not None for found in stages):
        result[STAGE_COUNT.key] = {
            stage: {side: values[side][STAGE_COUNT.key].get(stage, 0) for side in sides}
            for stage in ordered_stages({*stages[0], *stages[1]})
        }
    without_ids = [name for side, (_, name) in sides.items() if MQL_ID not in columns[side]]
    result["new_mql_entries"] = None
    if without_ids:
        notes.append(
            f"new MQL entries: not counted, {' and '.join(without_ids)} has no column mql_id in "
            "marts.fct_mqls"
        )
    else:
        result["new_mql_entries"] = new_mql_entries(connection, this_catalog, notes)
    result["notes"] = notes
    return result


def marts_columns(connection: Any, catalog: str) -> set[tuple[str, str]]:
    """(table, column) of every table of one file's marts schema."""
    rows = connection.execute(
        "select table_name, column_name from duckdb_columns()"
        " where database_name = ? and schema_name = 'marts'",
        [catalog],
    ).fetchall()
    return {(table, column) for table, column in rows}


def side_counts(
    connection: Any, catalog: str, columns: set[tuple[str, str]], name: str, notes: list[str]
) -> dict[str, Any]:
    """The counts one file can give; a note for each it cannot (a table or column missing)."""
    import duckdb

    tables = {table for table, _ in columns}
    counts: dict[str, Any] = {}
    for count in (*COUNTS, STAGE_COUNT):
        missing = None
        if count.table not in tables:
            missing = f"no table marts.{count.table}"
        elif count.column and (count.table, count.column) not in columns:
            missing = f"no column {count.column} in marts.{count.table}"
        if missing:
            notes.append(
                f"{count.label}: not compared, {name} has {missing} (an older version built it?)"
            )
            continue
        relation = f'"{catalog}".marts.{count.table}'
        try:
            rows = connection.execute(count.sql.format(relation=relation)).fetchall()
        except duckdb.Error as error:
            notes.append(f"{count.label}: not compared, {name}: {first_line(error)}")
            continue
        if count is STAGE_COUNT:
            counts[count.key] = {str(stage): leads for stage, leads in rows}
        else:
            counts[count.key] = rows[0][0]
    return counts


def new_mql_entries(connection: Any, this_catalog: str, notes: list[str]) -> int | None:
    """MQL entries of this build that the earlier one does not have (by mql_id)."""
    import duckdb

    try:
        row = connection.execute(
            NEW_MQLS_SQL.format(
                after=f'"{this_catalog}".marts.fct_mqls',
                before=f"{EARLIER_CATALOG}.marts.fct_mqls",
            )
        ).fetchone()
    except duckdb.Error as error:
        notes.append(f"new MQL entries: not counted: {first_line(error)}")
        return None
    return row[0] if row else None


def build_stamp(connection: Any, catalog: str) -> dict[str, Any]:
    """run_id and as_of of a file's ops.build_info ({} when it has none)."""
    import duckdb

    try:
        row = connection.execute(
            f'select run_id, as_of from "{catalog}".ops.build_info limit 1'
        ).fetchone()
    except duckdb.Error:
        return {}
    return {"run_id": row[0], "as_of": row[1]} if row else {}


def ordered_stages(stages: set[str]) -> list[str]:
    """The stages in funnel order, any other value after them."""
    return [s for s in STAGES if s in stages] + sorted(stages - set(STAGES))


def first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


# ---------------------------------------------------------------------------------------------
# In the summary
# ---------------------------------------------------------------------------------------------


def change_text(before: Any, after: Any, width: int = 0) -> str:
    """'89 -> 16 (-73)', '89 -> 89 (no change)'; '? -> 16' when one side cannot say.

    Numbers are right-aligned to `width` characters, so the lines of one summary line up.
    """
    shown = ["?" if value is None else str(value) for value in (before, after)]
    text = f"{shown[0]:>{width}} -> {shown[1]:>{width}}"
    if before is None or after is None:
        return text
    difference = after - before
    return f"{text} ({f'{difference:+d}' if difference else 'no change'})"


def summary_lines(comparison: dict[str, Any]) -> list[str]:
    """The comparison as a few readable lines for the run's summary."""
    name = comparison["compared_with"]
    if not comparison.get("compared"):
        return [f"Not compared with {name}: {comparison['reason']}."]
    stamp = ", ".join(
        part
        for part in (
            f"run {comparison['run_id']}" if comparison.get("run_id") else "",
            f"as of {comparison['as_of']}" if comparison.get("as_of") else "",
        )
        if part
    )
    lines = [f"Compared with {name}" + (f" ({stamp})" if stamp else "") + ":"]
    if later_as_of(comparison):
        lines.append(
            f"  ({name} is as of a later date than this build, {comparison['this_as_of']}: "
            "the differences include everything that happened in between)"
        )
    stages = comparison.get(STAGE_COUNT.key) or {}
    pairs = [comparison[count.key] for count in COUNTS] + list(stages.values())
    numbers = [value for pair in pairs for value in pair.values() if value is not None]
    width = max((len(str(value)) for value in numbers), default=1)
    for count in COUNTS:
        values = comparison[count.key]
        text = change_text(values["before"], values["after"], width)
        if count.key == "mql_entries" and comparison.get("new_mql_entries") is not None:
            text += f", {comparison['new_mql_entries']} of them new"
        lines.append(f"  {count.label + ':':<{LABEL_WIDTH}}{text}")
    if stages:
        lines.append(f"  {STAGE_COUNT.label}:")
        lines += [
            f"    {stage:<{LABEL_WIDTH - 2}}{change_text(values['before'], values['after'], width)}"
            for stage, values in stages.items()
        ]
    lines += [f"  {note}" for note in comparison.get("notes", [])]
    return lines


def later_as_of(comparison: dict[str, Any]) -> bool:
    """Whether the earlier build is as of a later moment than this one."""
    before, after = comparison.get("as_of"), comparison.get("this_as_of")
    return before is not None and after is not None and before > after
