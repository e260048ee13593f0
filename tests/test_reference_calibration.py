"""Hand-computed examples pinning the calibration reference (tests/reference/calibration.py).

Each example works its numbers out in comments, from spec §8 and docs/semantics.md §6, so the
oracle the calibration marts are compared against is itself checked.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from reference import (
    Disposition,
    EngagementRule,
    Event,
    FitRule,
    Lead,
    Opportunity,
    Rules,
    Threshold,
    lifecycle,
)
from reference.calibration import (
    PopulationLead,
    Settings,
    candidate_thresholds,
    handoff_waiting,
    lift_of,
    mql_outcomes,
    odds_ratio,
    population,
    rule_performance,
    suggested_points,
    threshold_backtest,
)

T0 = datetime(2024, 1, 1)
EPOCH = date(2020, 1, 1)


def day(n: float) -> datetime:
    """T0 plus n days."""
    return T0 + timedelta(days=n)


def hand_raiser_rules() -> Rules:
    """contact_sales makes an MQL whatever the score, demo_request an SQL; no threshold is met."""
    engagement = [
        EngagementRule("contact_sales", "contact_sales", None, 0, None, None, "mql", EPOCH),
        EngagementRule("demo_request", "demo_request", None, 0, None, None, "sql", EPOCH),
    ]
    return Rules(engagement, [], [])


def mqls_of(
    events: list[Event],
    dispositions: list[Disposition] = (),
    opportunities: list[Opportunity] = (),
) -> list[dict]:
    lead = Lead("L1", "jane@acme.com", T0)
    _, mqls, _ = lifecycle(
        lead, None, events, list(dispositions), list(opportunities), hand_raiser_rules(), day(30)
    )
    return mqls


def contact(event_id: str, at: datetime) -> Event:
    return Event(event_id, "L1", "contact_sales", at)


# ---------------------------------------------------------------------------------------------
# The disposition that ended an MQL
# ---------------------------------------------------------------------------------------------


def test_the_disposition_that_moves_the_lead_on_ends_its_mql():
    # MQL at day 1, recycled by d1 at day 2; MQL again at day 3, accepted by d2 at day 4.
    mqls = mqls_of(
        [contact("e1", day(1)), contact("e2", day(3))],
        [
            Disposition("d1", "L1", "recycled", "no budget", day(2)),
            Disposition("d2", "L1", "accepted", "meeting booked", day(4)),
        ],
    )
    assert [(m["outcome"], m["outcome_disposition_id"]) for m in mqls] == [
        ("recycled", "d1"),
        ("accepted", "d2"),
    ]


def test_an_mql_ended_by_an_event_or_an_opportunity_or_still_open_has_no_disposition():
    # Day 1 MQL, day 2 demo request (SQL promotion): accepted by the event. A disposition at
    # the same instant comes after it (events first at equal timestamps) and moves nothing.
    by_event = mqls_of(
        [contact("e1", day(1)), Event("e2", "L1", "demo_request", day(2))],
        [Disposition("d1", "L1", "accepted", "meeting booked", day(2))],
    )
    assert [(m["outcome"], m["outcome_disposition_id"]) for m in by_event] == [("accepted", None)]
    # An opportunity created at day 2 backfills sql: accepted, by no disposition.
    by_opportunity = mqls_of([contact("e1", day(1))], [], [Opportunity("o1", "L1", day(2))])
    assert [(m["outcome"], m["outcome_disposition_id"]) for m in by_opportunity] == [
        ("accepted", None)
    ]
    still_open = mqls_of([contact("e1", day(1))])
    assert [(m["outcome"], m["outcome_disposition_id"]) for m in still_open] == [("open", None)]


def test_of_two_dispositions_at_one_time_the_first_by_id_ends_the_mql():
    # d1 (accepted) and d2 (recycled) both at day 2: d1 comes first, moves mql -> sql and ends
    # the MQL; d2 then recycles the SQL.
    mqls = mqls_of(
        [contact("e1", day(1))],
        [
            Disposition("d2", "L1", "recycled", "no response", day(2)),
            Disposition("d1", "L1", "accepted", "meeting booked", day(2)),
        ],
    )
    assert [(m["outcome"], m["outcome_disposition_id"]) for m in mqls] == [("accepted", "d1")]


# ---------------------------------------------------------------------------------------------
# rpt_mql_outcomes and the hand-off's speed to lead
# ---------------------------------------------------------------------------------------------


def mql(
    mql_at: datetime,
    outcome: str,
    outcome_at: datetime | None,
    ended_by: str | None,
    trigger: str = "score",
) -> dict:
    return {
        "mql_at": mql_at,
        "mql_trigger": trigger,
        "fit_grade_at_mql": "A",
        "outcome": outcome,
        "outcome_at": outcome_at,
        "outcome_disposition_id": ended_by,
    }


def test_mql_outcomes_group_by_month_trigger_grade_outcome_and_reason():
    # March: three MQLs recycled for "no budget" after 10 h, 30 h and 24 h (exactly the SLA:
    # within it): median 24 h, 2 within the SLA. One recycled for "no response" after 1 h. One
    # accepted by an SQL-promoting event after 2 h: no reason. One still open: no hours, none
    # within the SLA. April: a hand-raiser accepted by a disposition without a reason.
    march = datetime(2024, 3, 10)
    dispositions = [
        Disposition("d1", "L1", "recycled", "no budget", march),
        Disposition("d2", "L2", "recycled", "no budget", march),
        Disposition("d3", "L3", "recycled", "no budget", march),
        Disposition("d4", "L4", "recycled", "no response", march),
        Disposition("d5", "L5", "accepted", None, march),
    ]
    hours = timedelta(hours=1)
    mqls = [
        mql(march, "recycled", march + 10 * hours, "d1"),
        mql(march, "recycled", march + 30 * hours, "d2"),
        mql(march, "recycled", march + 24 * hours, "d3"),
        mql(march, "recycled", march + hours, "d4"),
        mql(march, "accepted", march + 2 * hours, None),
        mql(march, "open", None, None),
        mql(datetime(2024, 4, 30, 23), "accepted", datetime(2024, 5, 2), "d5", "hand_raiser"),
    ]
    rows = mql_outcomes(mqls, dispositions, Settings(mql_sla_hours=24))
    found = {
        (r["mql_month"], r["mql_trigger"], r["outcome"], r["reason"]): (
            r["mqls"],
            r["median_hours_to_outcome"],
            r["outcomes_within_sla"],
        )
        for r in rows
    }
    assert found == {
        (date(2024, 3, 1), "score", "recycled", "no budget"): (3, 24.0, 2),
        (date(2024, 3, 1), "score", "recycled", "no response"): (1, 1.0, 1),
        (date(2024, 3, 1), "score", "accepted", None): (1, 2.0, 1),
        (date(2024, 3, 1), "score", "open", None): (1, None, 0),
        (date(2024, 4, 1), "hand_raiser", "accepted", None): (1, 25.0, 0),
    }


def test_handoff_waiting_is_the_hours_since_the_latest_mql_against_the_sla():
    as_of = datetime(2024, 3, 10, 12)
    leads = [
        {"lead_id": "L1", "current_stage": "mql", "latest_mql_at": datetime(2024, 3, 9, 12)},
        {"lead_id": "L2", "current_stage": "mql", "latest_mql_at": datetime(2024, 3, 9, 11)},
        {"lead_id": "L3", "current_stage": "sql", "latest_mql_at": datetime(2024, 3, 1)},
    ]
    # L1 has waited exactly 24 h: not overdue (over the SLA means more than it); L2 25 h.
    assert handoff_waiting(leads, as_of, Settings(mql_sla_hours=24)) == [
        {
            "lead_id": "L1",
            "mql_at": datetime(2024, 3, 9, 12),
            "hours_waiting": 24.0,
            "is_overdue": False,
        },
        {
            "lead_id": "L2",
            "mql_at": datetime(2024, 3, 9, 11),
            "hours_waiting": 25.0,
            "is_overdue": True,
        },
    ]


# ---------------------------------------------------------------------------------------------
# The population
# ---------------------------------------------------------------------------------------------

AS_OF = datetime(2026, 11, 1, 12)
SETTINGS = Settings(horizon_days=90, lookback_days=365)


def dim_row(lead_id: str, first_sql_at: datetime | None = None, **entries: datetime) -> dict:
    return {
        "lead_id": lead_id,
        "first_sql_at": first_sql_at,
        "first_opportunity_at": entries.get("first_opportunity_at"),
        "customer_at": entries.get("customer_at"),
    }


def test_the_population_is_the_leads_old_enough_for_the_horizon():
    # Created exactly as_of - 365 days: out (the window is open there); 1 s later: in. Created
    # exactly as_of - 90 days: in (closed there); 1 s later: out.
    oldest, youngest = AS_OF - timedelta(days=365), AS_OF - timedelta(days=90)
    second = timedelta(seconds=1)
    leads = [
        Lead("at_lookback", None, oldest),
        Lead("after_lookback", None, oldest + second),
        Lead("at_horizon", None, youngest),
        Lead("after_horizon", None, youngest + second),
    ]
    found = population(leads, [dim_row(lead.lead_id) for lead in leads], AS_OF, SETTINGS)
    assert [p.lead.lead_id for p in found] == ["after_lookback", "at_horizon"]
    assert found[1].horizon_end == AS_OF


def test_a_lead_converts_at_its_first_outcome_entry_within_the_horizon():
    # Created day 0 (as_of - 200 days); horizon 90 days. SQL exactly at the horizon's end
    # converts; 1 microsecond later does not (observation then ends at the horizon).
    created = AS_OF - timedelta(days=200)
    end = created + timedelta(days=90)
    leads = [
        Lead("on_time", None, created),
        Lead("late", None, created),
        Lead("never", None, created),
    ]
    dims = [
        dim_row("on_time", end),
        dim_row("late", end + timedelta(microseconds=1)),
        dim_row("never"),
    ]
    found = {p.lead.lead_id: p for p in population(leads, dims, AS_OF, SETTINGS)}
    assert (found["on_time"].converted_at, found["on_time"].observation_end) == (end, end)
    assert (found["late"].converted_at, found["late"].observation_end) == (None, end)
    assert (found["never"].converted_at, found["never"].observation_end) == (None, end)


@pytest.mark.parametrize(
    ("outcome", "converted"),
    [("sql", True), ("opportunity", True), ("customer", False)],
)
def test_the_outcome_var_picks_the_stage_entry(outcome: str, converted: bool):
    created = AS_OF - timedelta(days=200)
    dims = [
        dim_row("L1", created + timedelta(days=1), first_opportunity_at=created + timedelta(days=2))
    ]
    found = population([Lead("L1", None, created)], dims, AS_OF, Settings(outcome=outcome))
    assert (found[0].converted_at is not None) == converted


# ---------------------------------------------------------------------------------------------
# rpt_rule_performance
# ---------------------------------------------------------------------------------------------


def test_odds_ratio_keeps_empty_cells_finite():
    # A rule matching nobody (lm = cm = 0) over 2 leads that did not convert:
    # (0 + .5)(2 - 0 + .5) / ((0 - 0 + .5)(0 + .5)) = 1.25 / .25 = 5.
    assert odds_ratio(0, 0, 2, 0) == 5.0
    # Every lead matched, none converted: (.5)(.5) / ((2.5)(.5)) = 0.2.
    assert odds_ratio(2, 0, 0, 0) == 0.2
    # 10 matched with 4 conversions, 20 unmatched with 2: (4.5)(18.5) / ((6.5)(2.5)).
    assert odds_ratio(10, 4, 20, 2) == 4.5 * 18.5 / (6.5 * 2.5)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((10, 4, 20, 2), 0.4 / 0.1),  # 40 % against 10 %
        ((0, 0, 20, 2), None),  # no lead matched: no matched rate
        ((10, 4, 0, 0), None),  # every lead matched: no unmatched rate
        ((10, 4, 20, 0), None),  # nobody unmatched converted: the unmatched rate is 0
        ((10, 0, 20, 2), 0.0),  # nobody matched converted: lift 0
    ],
)
def test_lift_is_null_without_both_rates_or_with_an_unmatched_rate_of_zero(counts, expected):
    assert lift_of(*counts) == expected


def test_suggested_points_round_half_away_from_zero():
    # 10 points double the odds: an odds ratio of 3 is 10 * log2(3) = 15.85 -> 16 points, and
    # 1/3 is -15.85 -> -16 (not -15: no truncation toward zero).
    assert suggested_points(3.0, 10) == 16
    assert suggested_points(1 / 3, 10) == -16
    # With 1.0766913951834827 points to double the odds, an odds ratio of 5 is exactly 2.5 in
    # doubles (and 0.2 exactly -2.5): halves go away from zero, to 3 and -3.
    assert suggested_points(5.0, 1.0766913951834827) == 3
    assert suggested_points(0.2, 1.0766913951834827) == -3
    assert suggested_points(1.0, 10) == 0


def test_rules_are_judged_by_their_version_in_force_at_as_of_with_no_look_ahead():
    # Population: P1 (VP, converted at day 10), P2 (VP, not converted), P3 (intern, not).
    # title_vp: in force since 2020 as "contains vp" -> matches P1, P2.
    # old_rule: its only version starts after as_of -> no row.
    # pricing: the 2026-01-01 version (url %/pricing%) is judged, not the 2020 one (any
    # page_view). P1's pricing view at day 10 is at its conversion (observation end): not
    # seen; P2's pricing view before it was created is seen; P3's page view without /pricing
    # matched only the old version.
    created = AS_OF - timedelta(days=200)
    at = created + timedelta(days=10)
    leads = [
        PopulationLead(Lead("P1", None, created, "VP Sales"), created + timedelta(days=90), at),
        PopulationLead(Lead("P2", None, created, "VP Ops"), created + timedelta(days=90), None),
        PopulationLead(Lead("P3", None, created, "Intern"), created + timedelta(days=90), None),
    ]
    fit = [
        FitRule("title_vp", "job_title", "contains", "vp", 20, False, date(2020, 1, 1), "VP"),
        FitRule("old_rule", "job_title", "is_not_null", None, 5, False, date(2027, 1, 1)),
    ]
    engagement = [
        EngagementRule("pricing", "page_view", None, 1, None, None, None, date(2020, 1, 1)),
        EngagementRule("pricing", "page_view", "%/pricing%", 6, None, None, None, date(2026, 1, 1)),
    ]
    events = [
        Event("e1", "P1", "page_view", at, "https://x.example/pricing"),
        Event("e2", "P2", "page_view", created - timedelta(days=1), "https://x.example/pricing"),
        Event("e3", "P3", "page_view", created + timedelta(days=1), "https://x.example/"),
    ]
    rows = rule_performance(
        leads, [], events, Rules(engagement, fit, []), AS_OF, Settings(min_leads=1)
    )
    found = {
        (r["rule_type"], r["rule_id"]): (
            r["current_points"],
            r["leads_matched"],
            r["conversions_matched"],
            r["leads_unmatched"],
            r["conversions_unmatched"],
            r["has_enough_data"],
        )
        for r in rows
    }
    assert found == {
        ("fit", "title_vp"): (20.0, 2, 1, 1, 0, True),
        ("engagement", "pricing"): (6.0, 1, 0, 2, 1, True),
    }


# ---------------------------------------------------------------------------------------------
# rpt_threshold_backtest
# ---------------------------------------------------------------------------------------------


def test_default_candidates_are_the_current_threshold_times_half_to_one_and_a_half():
    thresholds = [
        Threshold(date(2020, 1, 1), 60, None, None),
        Threshold(date(2026, 7, 1), 65, 15, 10),
    ]
    rules = Rules([], [], thresholds)
    assert candidate_thresholds(rules, AS_OF, Settings()) == [
        32.5, 39.0, 45.5, 52.0, 58.5, 65.0, 71.5, 78.0, 84.5, 91.0, 97.5
    ]  # fmt: skip
    # 0.7 x 33.33 = 23.331 -> 23.33; 1.1 x 33.33 = 36.663 -> 36.66
    odd = Rules([], [], [Threshold(date(2020, 1, 1), 33.33, None, None)])
    assert candidate_thresholds(odd, AS_OF, Settings())[2] == 23.33
    assert candidate_thresholds(odd, AS_OF, Settings())[6] == 36.66
    # no version in force at as_of: no candidate; a listed one twice is one candidate
    assert candidate_thresholds(Rules([], [], []), AS_OF, Settings()) == []
    listed = Settings(backtest_thresholds=(50, 40, 50))
    assert candidate_thresholds(rules, AS_OF, listed) == [40.0, 50.0]


def test_a_lead_is_flagged_at_its_first_instant_meeting_the_criteria_within_the_horizon():
    # webinar 10 points a time; a threshold (total 10) only from day 9 (2024-01-10). L1's
    # totals: day 2 10, day 5 20, day 9 20 (the threshold's first instant), day 12 30, day 40
    # 40 (after its horizon's end, day 30). It converted at day 10. L2 is a student: a
    # disqualifying fit rule matches, so it is never flagged.
    # T = 10: L1 flagged at day 9 (not day 2: no version in force then), before converting,
    #   1 day ahead: precision 1, recall 1.
    # T = 25: flagged at day 12, after converting: flagged, not before: precision 0, recall 0.
    # T = 35: 40 comes after the horizon: nobody flagged, precision null.
    rules = Rules(
        [EngagementRule("webinar", "webinar", None, 10, None, None, None, EPOCH)],
        [FitRule("student", "job_title", "contains", "student", 0, True, EPOCH)],
        [Threshold(date(2024, 1, 10), 10, None, None)],
    )
    events = [
        Event(f"{lead_id}_{n}", lead_id, "webinar", day(n))
        for lead_id in ("L1", "L2")
        for n in (2, 5, 12, 40)
    ]
    leads = [
        PopulationLead(Lead("L1", None, T0, "VP Sales"), day(30), day(10)),
        PopulationLead(Lead("L2", None, T0, "Student"), day(30), None),
    ]
    settings = Settings(backtest_thresholds=(10, 25, 35))
    rows = threshold_backtest(leads, [], events, rules, datetime(2024, 6, 1), settings)
    assert [
        (
            r["threshold"],
            r["is_current_threshold"],
            r["population_leads"],
            r["conversions"],
            r["flagged_leads"],
            r["flagged_before_conversion"],
            r["precision"],
            r["recall"],
            r["median_days_flag_to_conversion"],
        )
        for r in rows
    ] == [
        (10.0, True, 2, 1, 1, 1, 1.0, 1.0, 1.0),
        (25.0, False, 2, 1, 1, 0, 0.0, 0.0, None),
        (35.0, False, 2, 1, 0, 0, None, 0.0, None),
    ]
