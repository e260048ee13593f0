"""The pandas baseline: every lead's current scores the way a data analyst would write them in
plain pandas and numpy (no DuckDB), with the cleaning benchmark_baselines.py describes."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from lead_scoring.benchmark_baseline_inputs import (
    MAX_DECAY_EXPONENT,
    SCORE_COLUMNS,
    SECONDS_PER_DAY,
    check_as_of,
    raw_file,
)

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
