"""Hand-computed examples pinning the calibration reference (tests/reference/calibration.py).

Each example works its numbers out in comments, from spec §8 and docs/semantics.md §6, so the
oracle the calibration marts are compared against is itself checked.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from reference import Disposition, EngagementRule, Event, Lead, Opportunity, Rules, lifecycle
from reference.calibration import Settings, handoff_waiting, mql_outcomes

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
