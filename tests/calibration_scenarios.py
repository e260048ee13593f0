"""What the random scenarios of tests/test_models_match_reference.py add for the calibration
marts (spec §8): the vars drawn per scenario, leads created exactly at the population's edges,
scenarios where no lead or every lead converts, and rules that match nobody or are not in force
at as_of."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from reference import Disposition, EngagementRule, FitRule, Lead, Opportunity, Rules, Threshold
from reference.calibration import (
    PopulationLead,
    Settings,
    handoff_waiting,
    mql_outcomes,
    population,
    rule_performance,
    threshold_backtest,
)

# a scenario's CRM records and promotions as drawn, none of them, or an opportunity for every
# lead an hour after its creation (every population lead converts to sql and opportunity)
CONVERSION_MODES = ("as_drawn", "as_drawn", "none", "all")


class Choices(Protocol):
    def choice(self, options: Sequence[Any]) -> Any: ...

    def integer(self, low: int, high: int) -> int: ...


def draw_settings(choose: Choices, conversion_mode: str) -> Settings:
    """The §8 vars of one scenario; with every lead converting, an outcome an opportunity
    reaches."""
    outcomes = (
        ["sql", "opportunity"] if conversion_mode == "all" else ["sql", "opportunity", "customer"]
    )
    return Settings(
        horizon_days=choose.choice([90, 30, 200]),
        lookback_days=choose.choice([365, 800, 250]),
        outcome=choose.choice(outcomes),
        points_to_double_odds=choose.choice([10, 7.5]),
        min_leads=choose.choice([30, 0, 2]),
        # None: the default candidates; a listed one twice is one candidate
        backtest_thresholds=choose.choice([None, None, (5, 20.5, 35, 35, 60.25, 0)]),
        mql_sla_hours=choose.choice([24, 24, 1, 0.5, 2000]),
    )


def population_edges(settings: Settings, as_of: datetime) -> list[datetime]:
    """as_of - lookback (just outside the population) and as_of - horizon (just inside)."""
    return [
        as_of - timedelta(days=settings.lookback_days),
        as_of - timedelta(days=settings.horizon_days),
    ]


def with_late_thresholds(choose: Choices, thresholds: list[Threshold]) -> list[Threshold]:
    """Now and then one threshold version starting in 2025 instead (the first's minimums): the
    instants of the leads created before it have no version in force and flag nobody."""
    if choose.integer(0, 3) > 0:
        return thresholds
    return [replace(thresholds[0], valid_from=date(2025, 9, 1))]


def rules_matching_nobody(first_valid_from: date) -> tuple[EngagementRule, FitRule]:
    """An engagement rule on a URL no event has and a fit rule on a country no lead has."""
    return (
        EngagementRule(
            "eng_nobody", "page_view", "%/never-visited%", 5.0, None, None, None, first_valid_from
        ),
        FitRule("fit_nobody", "country", "equals", "ZZ", 10.0, False, first_valid_from),
    )


def rule_not_yet_in_force(as_of: datetime) -> EngagementRule:
    """An engagement rule whose only version starts after as_of: no row in the reports."""
    starts = (as_of + timedelta(days=40)).date()
    return EngagementRule("eng_later", "email_open", None, 3.0, None, None, None, starts)


def with_conversion_mode(
    mode: str,
    leads: list[Lead],
    engagement_rules: list[EngagementRule],
    dispositions: list[Disposition],
    opportunities: list[Opportunity],
) -> tuple[list[EngagementRule], list[Disposition], list[Opportunity]]:
    """The rules and CRM records of `mode` (CONVERSION_MODES)."""
    if mode == "none":
        # no disposition, no opportunity and no SQL promotion: no lead reaches sql or beyond
        not_promoting = [
            replace(rule, promotes_to=None) if rule.promotes_to == "sql" else rule
            for rule in engagement_rules
        ]
        return not_promoting, [], []
    if mode == "all":
        opened = [
            Opportunity(f"{lead.lead_id}_o_all", lead.lead_id, lead.created_at + timedelta(hours=1))
            for lead in leads
        ]
        return engagement_rules, dispositions, opportunities + opened
    return engagement_rules, dispositions, opportunities


def dbt_vars(settings: Settings) -> dict[str, Any]:
    """The scenario's §8 vars as dbt takes them."""
    listed = settings.backtest_thresholds
    return {
        "backtest_thresholds": list(listed) if listed is not None else [],
        "calibration_horizon_days": settings.horizon_days,
        "calibration_lookback_days": settings.lookback_days,
        "calibration_outcome": settings.outcome,
        "points_to_double_odds": settings.points_to_double_odds,
        "calibration_min_leads": settings.min_leads,
        "mql_sla_hours": settings.mql_sla_hours,
    }


@dataclass(frozen=True)
class ExpectedMart:
    """A mart's rows as the reference computes them, and the columns that key them."""

    rows: list[dict[str, Any]]
    keys: list[str]


def expected_marts(
    inputs: dict[str, list[Any]],
    rules: Rules,
    reference_marts: dict[str, list[dict[str, Any]]],
    settings: Settings,
    as_of: datetime,
) -> tuple[dict[str, ExpectedMart], list[PopulationLead]]:
    """The calibration marts (and the hand-off's speed-to-lead columns) from the reference, for
    the clean `inputs` (leads, accounts, events, dispositions) and the marts `model.run`
    returned; and the population they judge."""
    leads = population(inputs["leads"], reference_marts["dim_leads"], as_of, settings)
    marts = {
        "rpt_mql_outcomes": ExpectedMart(
            mql_outcomes(reference_marts["fct_mqls"], inputs["dispositions"], settings),
            ["mql_month", "mql_trigger", "fit_grade_at_mql", "outcome", "reason"],
        ),
        "rpt_mql_handoff": ExpectedMart(
            handoff_waiting(reference_marts["dim_leads"], as_of, settings), ["lead_id"]
        ),
        "rpt_rule_performance": ExpectedMart(
            rule_performance(leads, inputs["accounts"], inputs["events"], rules, as_of, settings),
            ["rule_type", "rule_id"],
        ),
        "rpt_threshold_backtest": ExpectedMart(
            threshold_backtest(leads, inputs["accounts"], inputs["events"], rules, as_of, settings),
            ["threshold"],
        ),
    }
    return marts, leads
