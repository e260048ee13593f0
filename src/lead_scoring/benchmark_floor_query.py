"""The floor: one hand-written DuckDB statement computing every lead's current scores.

It reads the raw files and the rule seeds itself, aggregates per lead x rule version, then
clips, then sums, with the minimum cleaning benchmark_baselines.py describes: the fastest the
bare computation can be, for the benchmark to compare the warehouse with.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lead_scoring.benchmark_baseline_inputs import (
    MAX_DECAY_EXPONENT,
    SECONDS_PER_DAY,
    check_as_of,
    raw_file,
)
from lead_scoring.raw_files import sql_string

if TYPE_CHECKING:
    import duckdb
    import pandas as pd


def sql_reader(path: Path) -> str:
    """The DuckDB table function reading one raw or seed file (CSV: every column as text)."""
    if path.suffix == ".csv":
        return f"read_csv({sql_string(path.as_posix())}, header = true, all_varchar = true)"
    return f"read_parquet({sql_string(path.as_posix())})"


def sql_text(column: str, case: str = "") -> str:
    """Trimmed text, blank as null, optionally ``lower`` / ``upper``-cased."""
    cleaned = f"nullif(trim(cast({column} as varchar)), '')"
    return f"{case}({cleaned})" if case else cleaned


def sql_typed(column: str, sql_type: str, is_csv: bool) -> str:
    """A raw column as ``sql_type``; null when blank or unparseable."""
    source = sql_text(column) if is_csv else column
    return f"try_cast({source} as {sql_type})"


def floor_sources_sql(raw_dir: Path | str, seeds_dir: Path | str) -> dict[str, str]:
    """The SQL snippets the floor query is assembled from (readers and typed raw columns)."""
    leads, accounts, events = (raw_file(raw_dir, t) for t in ("leads", "accounts", "events"))
    seeds = Path(seeds_dir)
    return {
        "leads": sql_reader(leads),
        "accounts": sql_reader(accounts),
        "events": sql_reader(events),
        "engagement_rules": sql_reader(seeds / "engagement_rules.csv"),
        "fit_rules": sql_reader(seeds / "fit_rules.csv"),
        "created_at": sql_typed("created_at", "timestamp", leads.suffix == ".csv"),
        "occurred_at": sql_typed("occurred_at", "timestamp", events.suffix == ".csv"),
        "employee_count": sql_typed("employee_count", "double", accounts.suffix == ".csv"),
        "annual_revenue": sql_typed("annual_revenue", "double", accounts.suffix == ".csv"),
    }


FLOOR_SQL = """
with
engagement_rules as (
    select
        {rule_id} as rule_id,
        {rule_event_type} as event_type,
        {url_pattern} as url_pattern,
        cast({eng_points} as double) as points,
        cast({max_points} as double) as max_points,
        cast({half_life_days} as double) as half_life_days,
        cast(cast({eng_valid_from} as date) as timestamp) as valid_from
    from {engagement_rules}
),
engagement_in_force as (
    select row_number() over (order by rule_id) as rule_no, *
    from engagement_rules
    where valid_from <= {as_of}
    qualify row_number() over (partition by rule_id order by valid_from desc) = 1
),
fit_rules as (
    select
        {rule_id} as rule_id,
        {attribute} as attribute,
        {operator} as operator,
        {value} as value,
        cast({fit_points} as double) as points,
        cast(cast({fit_valid_from} as date) as timestamp) as valid_from
    from {fit_rules}
),
fit_in_force as (
    select
        attribute,
        operator,
        points,
        attribute in ('employee_count', 'annual_revenue') as is_numeric,
        value as text_value,
        list_transform(string_split(value, '|'), lambda x: trim(x)) as text_items,
        list_transform(string_split(value, '|'), lambda x: try_cast(trim(x) as double))
            as number_items
    from fit_rules
    where valid_from <= {as_of}
    qualify row_number() over (partition by rule_id order by valid_from desc) = 1
),
raw_leads as (
    select
        {lead_id} as lead_id,
        {created_at} as created_at,
        {email} as email,
        {job_title} as job_title,
        {country} as country,
        {lead_source} as lead_source,
        {account_id} as account_id
    from {leads}
),
leads as (
    select lead_id, unnest(min(struct_pack(
        created_at, email, job_title, country, lead_source, account_id
    )))
    from raw_leads
    where lead_id is not null and created_at is not null and created_at <= {as_of}
    group by lead_id
),
raw_accounts as (
    select
        {account_id} as account_id,
        {industry} as industry,
        {employee_count} as employee_count,
        {annual_revenue} as annual_revenue,
        {account_country} as account_country
    from {accounts}
),
accounts as (
    select account_id, unnest(min(struct_pack(
        industry, employee_count, annual_revenue, account_country
    )))
    from raw_accounts
    where account_id is not null
    group by account_id
),
lead_attributes as (
    select
        l.lead_id,
        lower(l.job_title) as job_title,
        lower(l.country) as country,
        l.lead_source,
        nullif(trim(case when contains(l.email, '@')
            then string_split(l.email, '@')[-1] end), '') as email_domain,
        lower(l.account_id) as account_id,
        a.industry,
        a.employee_count,
        a.annual_revenue,
        lower(a.account_country) as account_country
    from leads l
    left join accounts a on a.account_id = l.account_id
),
fit_attribute_values as (
    select
        a.lead_id,
        r.points,
        r.operator,
        r.is_numeric,
        r.text_value,
        r.text_items,
        r.number_items,
        case r.attribute
            when 'job_title' then a.job_title
            when 'country' then a.country
            when 'lead_source' then a.lead_source
            when 'email_domain' then a.email_domain
            when 'account_id' then a.account_id
            when 'industry' then a.industry
            when 'account_country' then a.account_country
            when 'employee_count' then null
            when 'annual_revenue' then null
            else error('unknown fit attribute ' || r.attribute)
        end as text_actual,
        case r.attribute
            when 'employee_count' then a.employee_count
            when 'annual_revenue' then a.annual_revenue
        end as number_actual
    from lead_attributes a
    cross join fit_in_force r
),
fit as (
    select
        lead_id,
        sum(points) filter (where case
            when operator = 'is_null' then is_missing
            when operator = 'is_not_null' then not is_missing
            when is_missing then false
            when is_numeric then case operator
                when 'equals' then number_actual = number_items[1]
                when 'not_equals' then number_actual <> number_items[1]
                when 'in' then list_contains(number_items, number_actual)
                when 'not_in' then not list_contains(number_items, number_actual)
                when 'gte' then number_actual >= number_items[1]
                when 'gt' then number_actual > number_items[1]
                when 'lte' then number_actual <= number_items[1]
                when 'lt' then number_actual < number_items[1]
                when 'between' then number_actual between number_items[1] and number_items[2]
                else error('operator ' || operator || ' on a numeric attribute')
            end
            else case operator
                when 'equals' then text_actual = text_value
                when 'not_equals' then text_actual <> text_value
                when 'in' then list_contains(text_items, text_actual)
                when 'not_in' then not list_contains(text_items, text_actual)
                when 'contains' then contains(text_actual, text_value)
                when 'not_contains' then not contains(text_actual, text_value)
                else error('operator ' || operator || ' on a text attribute')
            end
        end) as fit_score
    from (
        select *,
            case when is_numeric then number_actual is null else text_actual is null end
                as is_missing
        from fit_attribute_values
    )
    group by lead_id
),
raw_events as (
    select
        {event_id} as event_id,
        {event_lead_id} as lead_id,
        {event_type} as event_type,
        {occurred_at} as occurred_at,
        {url} as url
    from {events}
),
events as (
    select lead_id, event_type, occurred_at, url
    from raw_events
    where event_id is not null and lead_id is not null and occurred_at <= {as_of}
    qualify row_number() over (
        partition by event_id order by occurred_at, lead_id, event_type, url
    ) = 1
),
rule_sums as (
    select
        e.lead_id,
        r.rule_no,
        any_value(r.points) as points,
        any_value(r.max_points) as max_points,
        sum(case
            when r.half_life_days is null then 1.0
            when age_days / r.half_life_days > {max_exponent} then 0.0
            else pow(0.5, age_days / r.half_life_days)
        end) as decayed_events
    from (
        select lead_id, event_type, url,
            (epoch_us({as_of}) - epoch_us(occurred_at)) / {us_per_day} as age_days
        from events
    ) e
    join engagement_in_force r on r.event_type = e.event_type
    where r.url_pattern is null or e.url like r.url_pattern
    group by e.lead_id, r.rule_no
),
engagement as (
    select
        lead_id,
        sum(case
            when max_points is null then points * decayed_events
            else least(greatest(points * decayed_events, -max_points), max_points)
        end) as engagement_score
    from rule_sums
    group by lead_id
)
select
    l.lead_id,
    coalesce(f.fit_score, 0.0)::double as fit_score,
    coalesce(g.engagement_score, 0.0)::double as engagement_score,
    (coalesce(f.fit_score, 0.0) + coalesce(g.engagement_score, 0.0))::double as total_score
from leads l
left join fit f on f.lead_id = l.lead_id
left join engagement g on g.lead_id = l.lead_id
"""


def floor_scores_sql(raw_dir: Path | str, seeds_dir: Path | str, as_of: datetime) -> str:
    """The floor: ONE DuckDB statement computing every lead's scores as of ``as_of``.

    Only file paths and ``as_of`` are written into the text; rule values are read from the
    seed CSVs inside the query (all columns as text, then cast).
    """
    check_as_of(as_of)
    src = floor_sources_sql(raw_dir, seeds_dir)
    return FLOOR_SQL.format(
        as_of=f"timestamp '{as_of.isoformat(sep=' ')}'",
        max_exponent=MAX_DECAY_EXPONENT,
        us_per_day=f"{SECONDS_PER_DAY * 1e6:.1f}",
        rule_id=sql_text("rule_id"),
        rule_event_type=sql_text("event_type", "lower"),
        url_pattern=sql_text("url_pattern", "lower"),
        eng_points=sql_text("points"),
        max_points=sql_text("max_points"),
        half_life_days=sql_text("half_life_days"),
        eng_valid_from=sql_text("valid_from"),
        attribute=sql_text("attribute", "lower"),
        operator=sql_text("operator", "lower"),
        value=sql_text("value", "lower"),
        fit_points=sql_text("points"),
        fit_valid_from=sql_text("valid_from"),
        lead_id=sql_text("lead_id"),
        email=sql_text("email", "lower"),
        job_title=sql_text("job_title"),
        country=sql_text("country", "upper"),
        lead_source=sql_text("lead_source", "lower"),
        account_id=sql_text("account_id"),
        industry=sql_text("industry", "lower"),
        account_country=sql_text("country", "upper"),
        event_id=sql_text("event_id"),
        event_lead_id=sql_text("lead_id"),
        event_type=sql_text("event_type", "lower"),
        url=sql_text("url", "lower"),
        **src,
    )


def run_floor(
    raw_dir: Path | str,
    seeds_dir: Path | str,
    as_of: datetime,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """Run ``floor_scores_sql`` (on ``con``, else a new in-memory connection) into pandas."""
    import duckdb

    query = floor_scores_sql(raw_dir, seeds_dir, as_of)
    connection = con if con is not None else duckdb.connect()
    try:
        return connection.sql(query).df()
    finally:
        if con is None:
            connection.close()
