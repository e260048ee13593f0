"""The comparison of two builds over the same raw data and as_of, one with the rules in use (the
published warehouse) and one with a proposal: written as tables into the proposal's build, schema
`comparison`, and told as a few lines an analyst reads.

- rule_set_summary: per rule set, the leads meeting the MQL criteria at as_of, and the backtest at
  the rule set's own min_total_score (rpt_threshold_backtest's is_current_threshold row: its
  flagged leads, precision and recall, docs/semantics.md §8);
- lead_changes: the leads meeting the MQL criteria under one rule set and not the other, with the
  rules whose points moved them most (top_reasons);
- reason_changes: per change ('gained', 'lost') and rule, the leads it moved and the points;
- priority_moves: leads per priority in use x priority proposed (the grade x band transitions).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = "comparison"
IN_USE = "in_use"
TOP_REASONS = 3
SHOWN_REASONS = 3
SHOWN_MOVES = 5

SIDES_SQL = f"""
create or replace table {SCHEMA}.lead_sides as
select
    coalesce(in_use.lead_id, proposed.lead_id) as lead_id,
    coalesce(in_use.meets_mql_criteria, false) as meets_in_use,
    coalesce(proposed.meets_mql_criteria, false) as meets_proposed,
    in_use.total_score as total_score_in_use,
    proposed.total_score as total_score_proposed,
    in_use.priority as priority_in_use,
    proposed.priority as priority_proposed
from {IN_USE}.marts.dim_leads as in_use
full join marts.dim_leads as proposed
    on in_use.lead_id = proposed.lead_id
"""

# per changed lead and rule: how many more (or fewer) points the proposal gives
POINT_CHANGES_SQL = f"""
create or replace temporary table point_changes as
with changed as (
    select
        lead_id,
        case when meets_proposed then 'gained' else 'lost' end as change
    from {SCHEMA}.lead_sides
    where meets_in_use <> meets_proposed
),

contributions as (
    select lead_id, rule_type, rule_id, 0.0 as points_in_use, points as points_proposed
    from marts.fct_score_contributions
    union all
    select lead_id, rule_type, rule_id, points, 0.0
    from {IN_USE}.marts.fct_score_contributions
)

select
    changed.lead_id,
    changed.change,
    contributions.rule_type,
    contributions.rule_id,
    -- rounded: the same rule's decayed points can differ in the last bits between two builds
    round(sum(contributions.points_proposed) - sum(contributions.points_in_use), 6) as points
from changed
inner join contributions
    on changed.lead_id = contributions.lead_id
group by all
-- a gained lead's reasons are the points it gained, a lost lead's the points it lost
having (changed.change = 'gained' and points > 0) or (changed.change = 'lost' and points < 0)
"""

LEAD_CHANGES_SQL = f"""
create or replace table {SCHEMA}.lead_changes as
with ranked as (
    select
        *,
        row_number() over (partition by lead_id order by abs(points) desc, rule_id) as rank
    from point_changes
),

reasons as (
    select
        lead_id,
        string_agg(
            rule_id || ' (' || case when points > 0 then '+' else '' end
            || cast(round(points, 1) as varchar) || ')',
            ', ' order by rank
        ) as top_reasons
    from ranked
    where rank <= {TOP_REASONS}
    group by lead_id
)

select
    sides.lead_id,
    case when sides.meets_proposed then 'gained' else 'lost' end as change,
    sides.total_score_in_use,
    sides.total_score_proposed,
    sides.priority_in_use,
    sides.priority_proposed,
    reasons.top_reasons
from {SCHEMA}.lead_sides as sides
left join reasons
    on sides.lead_id = reasons.lead_id
where sides.meets_in_use <> sides.meets_proposed
order by change, sides.lead_id
"""

REASON_CHANGES_SQL = f"""
create or replace table {SCHEMA}.reason_changes as
select
    change,
    rule_type,
    rule_id,
    count(*) as leads,
    sum(points) as points
from point_changes
group by all
order by change, abs(sum(points)) desc, rule_id
"""

PRIORITY_MOVES_SQL = f"""
create or replace table {SCHEMA}.priority_moves as
select
    priority_in_use,
    priority_proposed,
    count(*) as leads
from {SCHEMA}.lead_sides
group by all
order by leads desc, priority_in_use, priority_proposed
"""

BACKTEST_COLUMNS = (
    "threshold",
    "population_leads",
    "conversions",
    "flagged_leads",
    "flagged_before_conversion",
    "precision",
    "recall",
)


@dataclass(frozen=True)
class RuleSet:
    """One side's figures (rule_set_summary's row)."""

    name: str
    leads: int
    leads_meeting_mql_criteria: int
    backtest: dict[str, Any]


def summary_sql(catalog: str | None, name: str, has_backtest: bool) -> str:
    """rule_set_summary's row for the rule set built into `catalog` (None: the proposal's file)."""
    prefix = f"{catalog}." if catalog else ""
    if has_backtest:
        backtest = (
            f"(select * from {prefix}marts.rpt_threshold_backtest where is_current_threshold)"
        )
    else:
        nulls = ", ".join(f"cast(null as double) as {column}" for column in BACKTEST_COLUMNS)
        backtest = f"(select {nulls})"
    columns = ", ".join(f"backtest.{column}" for column in BACKTEST_COLUMNS)
    return f"""
        select
            '{name}' as rule_set,
            (select count(*) from {prefix}marts.dim_leads) as leads,
            (select count(*) from {prefix}marts.dim_leads where meets_mql_criteria)
                as leads_meeting_mql_criteria,
            {columns}
        from (select 1) as one_row
        left join {backtest} as backtest on true
    """


def has_backtest(connection: Any, catalog: str) -> bool:
    """Whether the build in `catalog` has rpt_threshold_backtest (a build of an older version
    has not: its precision and recall are shown as unknown)."""
    found = connection.execute(
        "select count(*) from information_schema.tables where table_catalog = ? "
        "and table_schema = 'marts' and table_name = 'rpt_threshold_backtest'",
        [catalog],
    ).fetchone()
    return bool(found and found[0])


def compare_rule_sets(published: Path, proposed: Path) -> list[str]:
    """Write the comparison tables into `proposed` (the proposal's build) and return the lines
    that tell it; the published file is only read."""
    import duckdb

    with duckdb.connect(str(proposed)) as connection:
        connection.execute(f"attach '{published}' as {IN_USE} (read_only)")
        proposed_catalog = connection.execute("select current_database()").fetchone()[0]
        connection.execute(f"create schema if not exists {SCHEMA}")
        summary = " union all ".join(
            summary_sql(catalog, name, has_backtest(connection, catalog or proposed_catalog))
            for catalog, name in ((IN_USE, "in use"), (None, "proposed"))
        )
        connection.execute(f"create or replace table {SCHEMA}.rule_set_summary as {summary}")
        for statement in (
            SIDES_SQL,
            POINT_CHANGES_SQL,
            LEAD_CHANGES_SQL,
            REASON_CHANGES_SQL,
            PRIORITY_MOVES_SQL,
        ):
            connection.execute(statement)
        connection.execute(f"drop table {SCHEMA}.lead_sides")
        lines = comparison_lines(connection)
        connection.execute(f"detach {IN_USE}")
        connection.execute("checkpoint")
    return lines


def rows(connection: Any, sql: str) -> list[dict[str, Any]]:
    cursor = connection.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def comparison_lines(connection: Any) -> list[str]:
    """The comparison as an analyst reads it, from the tables just written."""
    in_use, proposed = rows(connection, f"select * from {SCHEMA}.rule_set_summary")
    lines = figure_lines(in_use, proposed)
    for change in ("gained", "lost"):
        # counted where they are: a proposal can move many thousand leads
        leads, through_points = connection.execute(
            f"select count(*), count(top_reasons) from {SCHEMA}.lead_changes where change = ?",
            [change],
        ).fetchone()
        reasons = rows(
            connection,
            f"select * from {SCHEMA}.reason_changes where change = '{change}' "
            f"limit {SHOWN_REASONS}",
        )
        lines.append("  " + change_line(change, leads, through_points, reasons))
    lines.append("  " + priority_text(rows(connection, f"select * from {SCHEMA}.priority_moves")))
    return lines


def figure_lines(in_use: dict[str, Any], proposed: dict[str, Any]) -> list[str]:
    """The side-by-side figures: counts with their change, shares in percent and points."""
    figures = (
        ("leads meeting the MQL criteria", "leads_meeting_mql_criteria", count_text),
        ("min_total_score", "threshold", number_text),
        ("backtest population", "population_leads", count_text),
        ("  converted", "conversions", count_text),
        ("  flagged by the score", "flagged_leads", count_text),
        ("  flagged before converting", "flagged_before_conversion", count_text),
        ("  precision", "precision", percent_text),
        ("  recall", "recall", percent_text),
    )
    table = [("", "in use", "proposed", "change")]
    for label, column, show in figures:
        before, after = in_use[column], proposed[column]
        table.append(
            (label, show(before), show(after), change_text(before, after, show is percent_text))
        )
    width = max(len(label) for label, *_ in table)
    return [
        f"  {label:<{width}}  {before:>8}  {after:>8}  {change:>9}".rstrip()
        for label, before, after, change in table
    ]


def count_text(value: Any) -> str:
    return "-" if value is None else f"{int(value):,}"


def number_text(value: Any) -> str:
    return "-" if value is None else f"{float(value):g}"


def percent_text(value: Any) -> str:
    return "-" if value is None else f"{100 * float(value):.1f}%"


def change_text(before: Any, after: Any, is_share: bool) -> str:
    """after - before: signed, in percentage points for shares; empty when nothing changed."""
    if before is None or after is None or before == after:
        return ""
    difference = float(after) - float(before)
    if is_share:
        return f"{100 * difference:+.1f} pts"
    return f"{difference:+,g}"


def lead_count(leads: int) -> str:
    """'1 lead', '2,000 leads'."""
    return f"{leads:,} lead" if leads == 1 else f"{leads:,} leads"


def change_line(change: str, leads: int, through_points: int, reasons: list[dict[str, Any]]) -> str:
    """'Gained 36 leads meeting the MQL criteria: 6 through points, mostly title_manager (+42
    points on 6 leads); 30 through the MQL criteria alone.' from the change's leads, those of
    them with rules whose points moved them, and its reason_changes rows."""
    line = f"{change.capitalize()} {lead_count(leads)} meeting the MQL criteria"
    if not leads:
        return line + "."
    parts = []
    if through_points:
        rules = ", ".join(
            f"{reason['rule_id']} ({float(reason['points']):+g} points on "
            f"{lead_count(reason['leads'])})"
            for reason in reasons
        )
        parts.append(f"{through_points:,} through points, mostly {rules}")
    if through_points < leads:
        parts.append(
            f"{leads - through_points:,} through the MQL criteria alone (their points did not move)"
        )
    return f"{line}: " + "; ".join(parts) + "."


def priority_text(moves: list[dict[str, Any]]) -> str:
    """'Priority: 57 of 2,000 leads move; most often A2 -> A1 (20), ...'."""
    total = sum(move["leads"] for move in moves)
    moved = [move for move in moves if move["priority_in_use"] != move["priority_proposed"]]
    count = sum(move["leads"] for move in moved)
    if not moved:
        return f"Priority: none of {total:,} leads moves."
    shown = ", ".join(
        f"{move['priority_in_use']} -> {move['priority_proposed']} ({move['leads']:,})"
        for move in moved[:SHOWN_MOVES]
    )
    return f"Priority: {count:,} of {total:,} leads move; most often {shown}."
