"""Two baselines for benchmarks: current scores as of a timestamp, straight from the raw files.

Both compute, for every lead created at or before ``as_of``, the spec's §4 scores with the rule
versions in force at ``as_of`` (docs/semantics.md §2-3), from the raw folder (``leads``,
``accounts``, ``events`` as ``.parquet`` or ``.csv``) and the rule seeds
(``engagement_rules.csv``, ``fit_rules.csv``). They skip everything the warehouse does on top
(score history, lifecycle, data-quality counts, contracts), so they show how fast the bare
computation can be:

- ``run_floor`` -- the "floor": one hand-written DuckDB statement (``floor_scores_sql``) that
  reads the files and the seeds itself and aggregates per lead x rule version, then clips, then
  sums.
- ``pandas_scores`` -- what a data analyst would write in plain pandas and numpy (no DuckDB).

Cleaning is the minimum a user would do: text trimmed (spaces, like SQL ``trim``), blank text
as null; ``event_type``, ``email``, ``industry``, ``lead_source`` lower-cased, country codes
upper-cased (the floor also lower-cases ``url``, which only serves case-insensitive matching);
rows with a null key or timestamp dropped; duplicate ``event_id`` / ``lead_id`` /
``account_id`` rows reduced to one (the earliest timestamp, then the smallest other values,
nulls last); events after ``as_of`` and events of unknown leads ignored. Events before a lead's
``created_at`` count (their age runs from ``occurred_at``).

Output of both: one row per lead, columns ``lead_id, fit_score, engagement_score,
total_score`` (doubles), in no particular order.

Usage::

    python -m lead_scoring.benchmark_baselines --raw-dir /tmp/raw --as-of '2026-11-21 00:00:00' \\
        --which floor
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import duckdb

from lead_scoring.locations import CHECKOUT_DIR as PROJECT_DIR

DEFAULT_SEEDS_DIR = PROJECT_DIR / "seeds"
SCORE_COLUMNS = ["lead_id", "fit_score", "engagement_score", "total_score"]
NUMERIC_ATTRIBUTES = ("employee_count", "annual_revenue")
TEXT_ATTRIBUTES = (
    "job_title",
    "country",
    "lead_source",
    "email_domain",
    "account_id",
    "industry",
    "account_country",
)
MAX_DECAY_EXPONENT = 1100.0  # 0.5 ** x is exactly 0 beyond this (docs/semantics.md §3)
SECONDS_PER_DAY = 86_400.0


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------


def raw_file(raw_dir: Path | str, table: str) -> Path:
    """``<raw_dir>/<table>.parquet``, else ``<raw_dir>/<table>.csv``."""
    for extension in ("parquet", "csv"):
        path = Path(raw_dir) / f"{table}.{extension}"
        if path.exists():
            return path
    raise FileNotFoundError(f"neither {table}.parquet nor {table}.csv in {raw_dir}")


def check_as_of(as_of: datetime) -> datetime:
    """``as_of`` must be a naive (UTC) datetime."""
    if not isinstance(as_of, datetime) or as_of.tzinfo is not None:
        raise ValueError(f"as_of must be a naive UTC datetime, got {as_of!r}")
    return as_of


# ---------------------------------------------------------------------------------------------
# 1. The floor: one DuckDB statement
# ---------------------------------------------------------------------------------------------


def sql_string(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


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


# ---------------------------------------------------------------------------------------------
# 2. Plain pandas
# ---------------------------------------------------------------------------------------------


def read_table(path: Path, columns: list[str]) -> pd.DataFrame:
    """Some columns of a raw or seed file (CSV cells as text, empty cells as '')."""
    if path.suffix == ".csv":
        return pd.read_csv(path, usecols=columns, dtype=str, keep_default_na=False)
    return pd.read_parquet(path, columns=columns)


def clean_text(values: pd.Series, case: str = "") -> pd.Series:
    """Trimmed (spaces, like SQL ``trim``), blank as null, optionally lower / upper-cased."""
    text = values.astype(object).str.strip(" ")
    text = text.mask(text == "")
    if case == "lower":
        return text.str.lower()
    if case == "upper":
        return text.str.upper()
    return text


def to_timestamp(values: pd.Series) -> pd.Series:
    """Timestamps (naive); blank or unparseable text as NaT."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    return pd.to_datetime(clean_text(values), errors="coerce")


def to_number(values: pd.Series) -> pd.Series:
    """Floats; blank or unparseable text as NaN."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    return pd.to_numeric(clean_text(values), errors="coerce").astype(float)


def keep_first(df: pd.DataFrame, key: str, order: list[str]) -> pd.DataFrame:
    """One row per ``key``: the smallest by ``order`` (nulls last). Only the rows of repeated
    keys are sorted; ``df`` needs a unique index."""
    repeated = df[key].duplicated(keep=False)
    if not repeated.any():
        return df
    firsts = (
        df[repeated]
        .sort_values([key, *order], na_position="last", kind="stable")
        .drop_duplicates(key, keep="first")
    )
    return df[~repeated | df.index.isin(firsts.index)]


def read_rule_versions(path: Path, as_of: datetime) -> pd.DataFrame:
    """The rule versions in force at ``as_of``: per rule_id, the latest valid_from <= as_of."""
    rules = pd.read_csv(path, dtype=str, keep_default_na=False)
    rules = rules.apply(clean_text)
    rules["valid_from"] = pd.to_datetime(rules["valid_from"], format="%Y-%m-%d")
    rules = rules[rules["valid_from"] <= pd.Timestamp(as_of)]
    rules = rules.sort_values(["rule_id", "valid_from"]).drop_duplicates("rule_id", keep="last")
    rules["points"] = rules["points"].astype(float)
    return rules.reset_index(drop=True)


def load_leads(raw_dir: Path | str, as_of: datetime) -> pd.DataFrame:
    """Clean leads created at or before ``as_of``, one row per lead_id."""
    columns = ["lead_id", "email", "created_at", "job_title", "country", "lead_source"]
    leads = read_table(raw_file(raw_dir, "leads"), [*columns, "account_id"])
    leads["created_at"] = to_timestamp(leads["created_at"])
    for column, case in [
        ("lead_id", ""),
        ("email", "lower"),
        ("job_title", ""),
        ("country", "upper"),
        ("lead_source", "lower"),
        ("account_id", ""),
    ]:
        leads[column] = clean_text(leads[column], case)
    leads = leads.dropna(subset=["lead_id", "created_at"])
    leads = leads[leads["created_at"] <= pd.Timestamp(as_of)]
    order = ["created_at", "email", "job_title", "country", "lead_source", "account_id"]
    return keep_first(leads, "lead_id", order).reset_index(drop=True)


def load_accounts(raw_dir: Path | str) -> pd.DataFrame:
    """Clean accounts, one row per account_id; ``country`` renamed ``account_country``."""
    columns = ["account_id", "industry", "employee_count", "annual_revenue", "country"]
    accounts = read_table(raw_file(raw_dir, "accounts"), columns)
    accounts["account_id"] = clean_text(accounts["account_id"])
    accounts["industry"] = clean_text(accounts["industry"], "lower")
    accounts["account_country"] = clean_text(accounts.pop("country"), "upper")
    for column in NUMERIC_ATTRIBUTES:
        accounts[column] = to_number(accounts[column])
    accounts = accounts.dropna(subset=["account_id"])
    order = ["industry", "employee_count", "annual_revenue", "account_country"]
    return keep_first(accounts, "account_id", order)


def email_domain(emails: pd.Series) -> pd.Series:
    """Lower-cased text after the last '@' (null without an '@' or when blank)."""
    domain = emails.str.extract(r"@([^@]*)$", expand=False)
    return clean_text(domain, "lower")


def lead_attributes(leads: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """The fit attributes of every lead: text lower-cased, numbers as floats."""
    attrs = leads[["lead_id", "job_title", "country", "lead_source", "account_id"]].merge(
        accounts, on="account_id", how="left"
    )
    attrs["email_domain"] = email_domain(leads["email"]).to_numpy()
    for column in TEXT_ATTRIBUTES:
        attrs[column] = attrs[column].str.lower()
    return attrs


def split_items(value: str | None) -> list[str]:
    """A ``|``-separated list, each item trimmed."""
    return [item.strip() for item in (value or "").split("|")]


def numeric_rule_matches(actual: pd.Series, operator: str, value: str | None) -> pd.Series:
    """A numeric fit condition on a float attribute (NaN never matches)."""
    items = [float(item) for item in split_items(value)]
    comparisons = {
        "equals": lambda: actual == items[0],
        "not_equals": lambda: actual.notna() & (actual != items[0]),
        "in": lambda: actual.isin(items),
        "not_in": lambda: actual.notna() & ~actual.isin(items),
        "gte": lambda: actual >= items[0],
        "gt": lambda: actual > items[0],
        "lte": lambda: actual <= items[0],
        "lt": lambda: actual < items[0],
        "between": lambda: actual.between(items[0], items[1]),
    }
    if operator not in comparisons:
        raise ValueError(f"fit operator {operator!r} on a numeric attribute")
    return comparisons[operator]()


def text_rule_matches(actual: pd.Series, operator: str, value: str | None) -> pd.Series:
    """A text fit condition on a lower-cased text attribute (null never matches)."""
    text = (value or "").lower()
    items = [item.lower() for item in split_items(value)]
    present = actual.notna()
    comparisons = {
        "equals": lambda: actual == text,
        "not_equals": lambda: present & (actual != text),
        "in": lambda: actual.isin(items),
        "not_in": lambda: present & ~actual.isin(items),
        "contains": lambda: actual.str.contains(text, regex=False, na=False),
        "not_contains": lambda: present & ~actual.str.contains(text, regex=False, na=False),
    }
    if operator not in comparisons:
        raise ValueError(f"fit operator {operator!r} on a text attribute")
    return comparisons[operator]()


def fit_rule_matches(attrs: pd.DataFrame, rule: pd.Series) -> pd.Series:
    """Which leads one fit rule version matches (a boolean Series aligned with ``attrs``)."""
    attribute, operator = rule["attribute"].lower(), rule["operator"].lower()
    if attribute not in NUMERIC_ATTRIBUTES + TEXT_ATTRIBUTES:
        raise ValueError(f"unknown fit attribute {attribute!r}")
    actual = attrs[attribute]
    if operator == "is_null":
        return actual.isna()
    if operator == "is_not_null":
        return actual.notna()
    if attribute in NUMERIC_ATTRIBUTES:
        return numeric_rule_matches(actual, operator, rule["value"])
    return text_rule_matches(actual, operator, rule["value"])


def fit_scores(attrs: pd.DataFrame, rules: pd.DataFrame) -> pd.Series:
    """Σ points of the matching fit rule versions, per row of ``attrs``."""
    fit = pd.Series(0.0, index=attrs.index)
    for _, rule in rules.iterrows():
        fit += fit_rule_matches(attrs, rule).astype(float) * rule["points"]
    return fit


def load_events(raw_dir: Path | str, as_of: datetime, lead_ids: pd.Series) -> pd.DataFrame:
    """Clean events of known leads at or before ``as_of``, one row per event_id."""
    columns = ["event_id", "lead_id", "event_type", "occurred_at", "url"]
    events = read_table(raw_file(raw_dir, "events"), columns)
    events["occurred_at"] = to_timestamp(events["occurred_at"])
    for column, case in [("event_id", ""), ("lead_id", ""), ("event_type", "lower"), ("url", "")]:
        events[column] = clean_text(events[column], case)
    valid = (
        events["event_id"].notna()
        & events["lead_id"].notna()
        & (events["occurred_at"] <= pd.Timestamp(as_of))  # NaT compares False
    )
    events = keep_first(events[valid], "event_id", ["occurred_at", "lead_id", "event_type", "url"])
    known = events["lead_id"].isin(lead_ids)
    return events.loc[known, ["lead_id", "event_type", "occurred_at", "url"]]


def like_to_regex(pattern: str) -> str:
    """A SQL LIKE pattern (``%``, ``_``; no escape) as a full-match regular expression."""
    parts = {"%": ".*", "_": "."}
    return "".join(parts.get(char, re.escape(char)) for char in pattern)


def url_matches(urls: pd.Series, pattern: str) -> pd.Series:
    """``lower(url) like lower(pattern)``; a null url never matches."""
    regex = like_to_regex(pattern)
    return urls.str.fullmatch(regex, flags=re.IGNORECASE | re.DOTALL, na=False).astype(bool)


def decay_factors(age_days: np.ndarray, half_life_days: float) -> np.ndarray:
    """0.5 ** (age / half-life); 1 without a half-life (NaN), exactly 0 beyond 2^-1100."""
    if np.isnan(half_life_days):
        return np.ones_like(age_days)
    exponent = age_days / half_life_days
    with np.errstate(under="ignore"):
        factor = np.power(0.5, exponent)
    return np.where(exponent > MAX_DECAY_EXPONENT, 0.0, factor)


def rule_contribution(of_type: pd.DataFrame, rule: pd.Series) -> pd.Series:
    """One engagement rule version's clip(points x Σ decay, ±max_points), by lead_id.

    ``of_type``: the events of the rule's event type, with their ``age_days``."""
    matched = of_type
    if isinstance(rule["url_pattern"], str):
        matched = of_type[url_matches(of_type["url"], rule["url_pattern"])]
    decay = decay_factors(matched["age_days"].to_numpy(float), rule["half_life_days"])
    raw = pd.Series(decay, index=matched.index).groupby(matched["lead_id"]).sum() * rule["points"]
    if np.isnan(rule["max_points"]):
        return raw
    return raw.clip(lower=-rule["max_points"], upper=rule["max_points"])


def engagement_scores(events: pd.DataFrame, rules: pd.DataFrame, as_of: datetime) -> pd.Series:
    """Σ over rule versions of their clipped contributions, indexed by lead_id."""
    rules = rules.assign(
        event_type=rules["event_type"].str.lower(),
        max_points=pd.to_numeric(rules["max_points"]).astype(float),
        half_life_days=pd.to_numeric(rules["half_life_days"]).astype(float),
    )
    contributions = []
    for event_type, of_type in events.groupby("event_type", sort=False):
        type_rules = rules[rules["event_type"] == event_type]
        if type_rules.empty:
            continue
        age = (pd.Timestamp(as_of) - of_type["occurred_at"]).dt.total_seconds()
        of_type = of_type.assign(age_days=age / SECONDS_PER_DAY)
        for _, rule in type_rules.iterrows():
            contributions.append(rule_contribution(of_type, rule))
    if not contributions:
        return pd.Series(dtype=float)
    return pd.concat(contributions).groupby(level=0).sum()


def pandas_scores(raw_dir: Path | str, seeds_dir: Path | str, as_of: datetime) -> pd.DataFrame:
    """Every lead's scores as of ``as_of``, in plain pandas (no DuckDB)."""
    check_as_of(as_of)
    seeds = Path(seeds_dir)
    leads = load_leads(raw_dir, as_of)
    attrs = lead_attributes(leads, load_accounts(raw_dir))
    fit = fit_scores(attrs, read_rule_versions(seeds / "fit_rules.csv", as_of))
    events = load_events(raw_dir, as_of, leads["lead_id"])
    engagement = engagement_scores(
        events, read_rule_versions(seeds / "engagement_rules.csv", as_of), as_of
    )
    scores = pd.DataFrame({"lead_id": attrs["lead_id"], "fit_score": fit.astype(float)})
    scores["engagement_score"] = (
        scores["lead_id"].map(engagement).fillna(0.0).astype(float).to_numpy()
    )
    scores["total_score"] = scores["fit_score"] + scores["engagement_score"]
    return scores[SCORE_COLUMNS]


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Compute current scores as of a timestamp with a baseline implementation."
    )
    parser.add_argument("--raw-dir", type=Path, required=True, help="folder of the raw files")
    parser.add_argument(
        "--seeds-dir", type=Path, default=DEFAULT_SEEDS_DIR, help="rule seeds (default: seeds/)"
    )
    parser.add_argument(
        "--as-of", type=datetime.fromisoformat, required=True, help="naive UTC timestamp"
    )
    parser.add_argument("--which", choices=["floor", "pandas"], required=True)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    if args.which == "floor":
        scores = run_floor(args.raw_dir, args.seeds_dir, args.as_of)
    else:
        scores = pandas_scores(args.raw_dir, args.seeds_dir, args.as_of)
    elapsed = time.perf_counter() - started
    print(f"{args.which}: {len(scores)} rows in {elapsed:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
