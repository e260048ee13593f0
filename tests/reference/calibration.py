"""Reference implementation of the calibration reports (spec §8): is the scoring working?

Written from the spec's text, one lead and one rule at a time, with no SQL. It reads what
`model.run` returns (dim_leads, fct_mqls) and the same clean inputs, and scores history again
with `model.score_history`. Every choice the spec leaves open follows docs/semantics.md §6.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .model import (
    Account,
    Disposition,
    Event,
    Lead,
    Rules,
    engagement_matches,
    fit_attributes,
    fit_matches,
    score_history,
    version_in_force,
    versions_by_rule,
)

# the dim_leads column of each calibration_outcome: the lead's first entry into that stage
OUTCOME_ENTRY = {
    "sql": "first_sql_at",
    "opportunity": "first_opportunity_at",
    "customer": "customer_at",
}


@dataclass(frozen=True)
class Settings:
    """The vars of spec §8, with their defaults."""

    horizon_days: int = 90
    lookback_days: int = 365
    outcome: str = "sql"
    points_to_double_odds: float = 10.0
    min_leads: int = 30
    # None: the default candidates (the min_total_score in force at as_of x 0.5, 0.6, ..., 1.5)
    backtest_thresholds: tuple[float, ...] | None = None
    mql_sla_hours: float = 24.0


@dataclass(frozen=True)
class PopulationLead:
    """A lead old enough for the horizon to have passed, and how it ended within it."""

    lead: Lead
    horizon_end: datetime  # created_at + horizon
    converted_at: datetime | None  # its first entry into the outcome stage, within the horizon

    @property
    def observation_end(self) -> datetime:
        """What the reports see of the lead ends here: at its conversion, else the horizon."""
        return self.converted_at if self.converted_at is not None else self.horizon_end


def hours_between(earlier: datetime, later: datetime) -> float:
    return (later - earlier).total_seconds() / 3600


def days_between(earlier: datetime, later: datetime) -> float:
    return (later - earlier).total_seconds() / 86400


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator; None when the denominator is 0 (semantics §5)."""
    return numerator / denominator if denominator else None


def round_half_away_from_zero(value: float, digits: int) -> float:
    """`value` to `digits` decimals, halves away from zero, as DuckDB rounds a double: the
    double value * 10^digits rounded to a whole number, then divided by 10^digits."""
    scale = 10.0**digits
    whole = Decimal(value * scale).to_integral_value(rounding=ROUND_HALF_UP)
    return float(whole) / scale


# ---------------------------------------------------------------------------------------------
# Sales feedback and speed to lead
# ---------------------------------------------------------------------------------------------


def month_of(at: datetime) -> date:
    return date(at.year, at.month, 1)


def mql_outcomes(
    mqls: list[dict[str, Any]], dispositions: list[Disposition], settings: Settings
) -> list[dict[str, Any]]:
    """rpt_mql_outcomes: MQL entries by (month of mql_at, trigger, fit grade at the MQL, outcome,
    reason of the disposition that ended the MQL). An open MQL has no time to its outcome and
    no outcome within the SLA."""
    reasons = {d.disposition_id: d.reason for d in dispositions}
    groups: dict[tuple[Any, ...], list[float | None]] = {}
    for mql in mqls:
        ended_by = mql["outcome_disposition_id"]
        key = (
            month_of(mql["mql_at"]),
            mql["mql_trigger"],
            mql["fit_grade_at_mql"],
            mql["outcome"],
            reasons[ended_by] if ended_by is not None else None,
        )
        ended_at = mql["outcome_at"]
        hours = None if ended_at is None else hours_between(mql["mql_at"], ended_at)
        groups.setdefault(key, []).append(hours)
    rows = []
    for (month, trigger, grade, outcome, reason), hours in groups.items():
        timed = [h for h in hours if h is not None]
        rows.append(
            {
                "mql_month": month,
                "mql_trigger": trigger,
                "fit_grade_at_mql": grade,
                "outcome": outcome,
                "reason": reason,
                "mqls": len(hours),
                "median_hours_to_outcome": median(timed),
                "outcomes_within_sla": sum(1 for h in timed if h <= settings.mql_sla_hours),
                "mql_sla_hours": float(settings.mql_sla_hours),
            }
        )
    return rows


def handoff_waiting(
    dim_leads: list[dict[str, Any]], as_of: datetime, settings: Settings
) -> list[dict[str, Any]]:
    """rpt_mql_handoff's speed-to-lead columns: each lead in mql at as_of, the hours since its
    current (latest) MQL and whether that is over the SLA."""
    rows = []
    for lead in dim_leads:
        if lead["current_stage"] != "mql":
            continue
        waiting = hours_between(lead["latest_mql_at"], as_of)
        rows.append(
            {
                "lead_id": lead["lead_id"],
                "mql_at": lead["latest_mql_at"],
                "hours_waiting": waiting,
                "is_overdue": waiting > settings.mql_sla_hours,
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------
# The population: leads old enough for the horizon to have passed
# ---------------------------------------------------------------------------------------------


def population(
    leads: list[Lead], dim_leads: list[dict[str, Any]], as_of: datetime, settings: Settings
) -> list[PopulationLead]:
    """The leads with as_of - lookback < created_at <= as_of - horizon; each converts when its
    first entry into the outcome stage is at most created_at + horizon."""
    horizon = timedelta(days=settings.horizon_days)
    oldest = as_of - timedelta(days=settings.lookback_days)
    entries = {row["lead_id"]: row[OUTCOME_ENTRY[settings.outcome]] for row in dim_leads}
    found = []
    for lead in sorted(leads, key=lambda x: x.lead_id):
        if not oldest < lead.created_at <= as_of - horizon:
            continue
        horizon_end = lead.created_at + horizon
        entered_at = entries[lead.lead_id]
        converted_at = entered_at if entered_at is not None and entered_at <= horizon_end else None
        found.append(PopulationLead(lead, horizon_end, converted_at))
    return found


# ---------------------------------------------------------------------------------------------
# rpt_rule_performance
# ---------------------------------------------------------------------------------------------


def odds_ratio(
    leads_matched: int, conversions_matched: int, leads_unmatched: int, conversions_unmatched: int
) -> float:
    """(cm + 0.5)(lu - cu + 0.5) / ((lm - cm + 0.5)(cu + 0.5)), as the spec writes it."""
    cm, lm, cu, lu = conversions_matched, leads_matched, conversions_unmatched, leads_unmatched
    return (cm + 0.5) * (lu - cu + 0.5) / ((lm - cm + 0.5) * (cu + 0.5))


def lift_of(
    leads_matched: int, conversions_matched: int, leads_unmatched: int, conversions_unmatched: int
) -> float | None:
    """The matched leads' conversion rate over the unmatched ones'; None when either rate is
    None (no lead on that side) or the unmatched rate is 0."""
    rate_matched = ratio(conversions_matched, leads_matched)
    rate_unmatched = ratio(conversions_unmatched, leads_unmatched)
    if rate_matched is None or not rate_unmatched:
        return None
    return rate_matched / rate_unmatched


def suggested_points(odds: float, points_to_double_odds: float) -> int:
    """round(points_to_double_odds / ln 2 * ln(odds)), halves away from zero."""
    return int(round_half_away_from_zero(points_to_double_odds / math.log(2) * math.log(odds), 0))


def rule_row(
    rule_type: str,
    version: Any,
    matched: list[PopulationLead],
    leads: list[PopulationLead],
    settings: Settings,
) -> dict[str, Any]:
    """One row of rpt_rule_performance: the version in force at as_of and the leads it matches."""
    lm = len(matched)
    cm = sum(1 for p in matched if p.converted_at is not None)
    lu = len(leads) - lm
    cu = sum(1 for p in leads if p.converted_at is not None) - cm
    odds = odds_ratio(lm, cm, lu, cu)
    return {
        "rule_type": rule_type,
        "rule_id": version.rule_id,
        "description": version.description,
        "current_points": float(version.points),
        "is_disqualifying": rule_type == "fit" and version.is_disqualifying,
        "rule_valid_from": version.valid_from,
        "leads_matched": lm,
        "conversions_matched": cm,
        "leads_unmatched": lu,
        "conversions_unmatched": cu,
        "conversion_rate_matched": ratio(cm, lm),
        "conversion_rate_unmatched": ratio(cu, lu),
        "lift": lift_of(lm, cm, lu, cu),
        "odds_ratio": odds,
        "suggested_points": suggested_points(odds, settings.points_to_double_odds),
        "has_enough_data": lm >= settings.min_leads and lu >= settings.min_leads,
        "calibration_outcome": settings.outcome,
    }


def rule_performance(
    leads: list[PopulationLead],
    accounts: list[Account],
    events: list[Event],
    rules: Rules,
    as_of: datetime,
    settings: Settings,
) -> list[dict[str, Any]]:
    """rpt_rule_performance: each rule with a version in force at as_of, judged by it. A fit
    version matches a lead whose attributes meet its condition; an engagement version a lead
    with at least one event it matches that occurred before the lead's observation end."""
    accounts_by_id = {a.account_id: a for a in accounts}
    rows = []
    for versions in versions_by_rule(list(rules.fit_rules)).values():
        version = version_in_force(versions, as_of)
        if version is None:
            continue
        matched = [
            p
            for p in leads
            if fit_matches(
                version,
                fit_attributes(p.lead, accounts_by_id.get(p.lead.account_id or "")),
            )
        ]
        rows.append(rule_row("fit", version, matched, leads, settings))
    for versions in versions_by_rule(list(rules.engagement_rules)).values():
        version = version_in_force(versions, as_of)
        if version is None:
            continue
        matched = [
            p
            for p in leads
            if any(
                e.lead_id == p.lead.lead_id
                and e.occurred_at < p.observation_end
                and engagement_matches(version, e)
                for e in events
            )
        ]
        rows.append(rule_row("engagement", version, matched, leads, settings))
    return rows


# ---------------------------------------------------------------------------------------------
# rpt_threshold_backtest
# ---------------------------------------------------------------------------------------------


def candidate_thresholds(rules: Rules, as_of: datetime, settings: Settings) -> list[float]:
    """The listed thresholds, or the min_total_score in force at as_of x 0.5, 0.6, ..., 1.5
    rounded to 2 decimals (none without a version in force); each once, in order."""
    if settings.backtest_thresholds is not None:
        return sorted({float(t) for t in settings.backtest_thresholds})
    current = version_in_force(list(rules.thresholds), as_of)
    if current is None or current.min_total_score is None:
        return []
    total = float(current.min_total_score)
    return sorted({round_half_away_from_zero(total * (tenths / 10), 2) for tenths in range(5, 16)})


def flag_instants(
    lead: PopulationLead,
    account: Account | None,
    events: list[Event],
    rules: Rules,
    as_of: datetime,
) -> list[tuple[datetime, float]]:
    """(instant, total score) of the lead's score history up to its horizon's end where a
    threshold version is in force, its fit and engagement minimums are met where set and no
    disqualifying fit rule matches: the instants at which a total threshold could flag it."""
    found = []
    for t, score in score_history(lead.lead, account, events, rules, as_of):
        if t > lead.horizon_end:
            break
        version = version_in_force(list(rules.thresholds), t)
        if version is None or score.is_disqualified:
            continue
        if version.min_fit_score is not None and score.fit < version.min_fit_score:
            continue
        if (
            version.min_engagement_score is not None
            and score.engagement < version.min_engagement_score
        ):
            continue
        found.append((t, score.total))
    return found


def threshold_backtest(
    leads: list[PopulationLead],
    accounts: list[Account],
    events: list[Event],
    rules: Rules,
    as_of: datetime,
    settings: Settings,
) -> list[dict[str, Any]]:
    """rpt_threshold_backtest: for each candidate T, each population lead is flagged at its
    first instant (flag_instants) with total >= T; precision and recall count the flags at or
    before the lead's conversion."""
    accounts_by_id = {a.account_id: a for a in accounts}
    instants = {
        p.lead.lead_id: flag_instants(
            p,
            accounts_by_id.get(p.lead.account_id or ""),
            [e for e in events if e.lead_id == p.lead.lead_id],
            rules,
            as_of,
        )
        for p in leads
    }
    current = version_in_force(list(rules.thresholds), as_of)
    conversions = sum(1 for p in leads if p.converted_at is not None)
    rows = []
    for threshold in candidate_thresholds(rules, as_of, settings):
        flagged = 0
        days_to_conversion = []
        for p in leads:
            flagged_at = next(
                (t for t, total in instants[p.lead.lead_id] if total >= threshold), None
            )
            if flagged_at is None:
                continue
            flagged += 1
            if p.converted_at is not None and flagged_at <= p.converted_at:
                days_to_conversion.append(days_between(flagged_at, p.converted_at))
        before = len(days_to_conversion)
        rows.append(
            {
                "threshold": threshold,
                "is_current_threshold": current is not None
                and threshold == current.min_total_score,
                "population_leads": len(leads),
                "conversions": conversions,
                "flagged_leads": flagged,
                "flagged_before_conversion": before,
                "precision": ratio(before, flagged),
                "recall": ratio(before, conversions),
                "median_days_flag_to_conversion": median(days_to_conversion),
                "calibration_outcome": settings.outcome,
                "as_of": as_of,
            }
        )
    return rows
