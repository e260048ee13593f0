"""Hand-computed examples pinning the reference of spec §9 (tests/reference/accounts.py,
campaigns.py, nurture.py): the oracle of dim_accounts, rpt_campaign_attribution,
dim_leads.nurture_track and rpt_nurture_audience is itself checked against the spec's words."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from reference import Account, Band, Event, Grade, Threshold
from reference.accounts import dim_accounts
from reference.campaigns import campaign_attribution
from reference.nurture import NurtureTrack, nurture_audience, nurture_track, read_nurture_tracks

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
AS_OF = datetime(2026, 11, 1)
GRADES = [Grade("A", 40), Grade("B", 20), Grade("C", 0), Grade("D", None)]
BANDS = [Band(1, 50), Band(2, 25), Band(3, 10), Band(4, None)]


def lead(lead_id: str, **columns: Any) -> dict[str, Any]:
    """A dim_leads row: a fresh lead unless `columns` say otherwise."""
    return {
        "lead_id": lead_id,
        "email": f"{lead_id.lower()}@acme.example",
        "account_id": None,
        "fit_score": 0.0,
        "engagement_score": 0.0,
        "total_score": 0.0,
        "fit_grade": "C",
        "engagement_band": 4,
        "priority": "C4",
        "current_stage": "lead",
        "meets_mql_criteria": False,
        "is_disqualified": False,
        "first_sql_at": None,
        **columns,
    }


def event(event_id: str, lead_id: str, at: str, campaign: str | None = None) -> Event:
    return Event(event_id, lead_id, "page_view", datetime.fromisoformat(at), None, campaign)


def mql(lead_id: str, number: int, at: str, outcome: str) -> dict[str, Any]:
    return {
        "lead_id": lead_id,
        "mql_number": number,
        "mql_at": datetime.fromisoformat(at),
        "outcome": outcome,
    }


# ---------------------------------------------------------------------------------------------
# dim_accounts
# ---------------------------------------------------------------------------------------------


def test_an_account_rolls_up_its_leads() -> None:
    # fit: the highest, 45 -> A; engagement: 12.5 + 0 - 5 = 7.5 -> band 4; the furthest stage is
    # mql (recycled and disqualified count as lead); U2 reached SQL once
    leads = [
        lead("U1", account_id="K1", fit_score=30.0, engagement_score=12.5, current_stage="mql"),
        lead(
            "U2",
            account_id="K1",
            fit_score=45.0,
            current_stage="recycled",
            first_sql_at=datetime(2026, 3, 1),
        ),
        lead(
            "U3",
            account_id="K1",
            fit_score=10.0,
            engagement_score=-5.0,
            current_stage="disqualified",
        ),
        lead("U4", account_id=None, fit_score=99.0, engagement_score=99.0),
    ]
    events = [
        event("e1", "U1", "2026-10-01 00:00:00"),
        event("e2", "U2", "2025-01-01 00:00:00"),  # before U2 was created: still its event
        event("e3", "U1", "2026-11-02 00:00:00"),  # after as_of
        event("e4", "U4", "2026-10-30 00:00:00"),  # a lead without an account
    ]
    [row] = dim_accounts([Account("K1", "Acme")], leads, events, GRADES, BANDS, AS_OF)
    assert row == {
        "account_id": "K1",
        "account_name": "Acme",
        "domain": None,
        "industry": None,
        "account_country": None,
        "employee_count": None,
        "annual_revenue": None,
        "leads": 3,
        "engaged_leads": 1,
        "open_mqls": 1,
        "leads_ever_sql": 1,
        "most_advanced_stage": "mql",
        "account_fit_score": 45.0,
        "account_engagement_score": 7.5,
        "account_fit_grade": "A",
        "account_engagement_band": 4,
        "account_priority": "A4",
        "latest_event_at": datetime(2026, 10, 1),
    }


def test_an_account_without_leads_has_engagement_0_and_no_grade() -> None:
    [row] = dim_accounts([Account("K2", "Bolt")], [], [], GRADES, BANDS, AS_OF)
    assert (row["leads"], row["engaged_leads"], row["open_mqls"], row["leads_ever_sql"]) == (
        0,
        0,
        0,
        0,
    )
    assert row["account_fit_score"] is None and row["account_fit_grade"] is None
    assert row["account_engagement_score"] == 0.0 and row["account_engagement_band"] == 4
    assert row["account_priority"] is None
    assert row["most_advanced_stage"] is None and row["latest_event_at"] is None


@pytest.mark.parametrize(
    ("stages", "furthest"),
    [
        (["lead", "recycled", "disqualified"], "lead"),
        (["disqualified", "sql"], "sql"),
        (["opportunity", "customer", "mql"], "customer"),
    ],
)
def test_the_furthest_stage_counts_recycled_and_disqualified_as_lead(
    stages: list[str], furthest: str
) -> None:
    leads = [lead(f"U{n}", account_id="K1", current_stage=stage) for n, stage in enumerate(stages)]
    [row] = dim_accounts([Account("K1")], leads, [], GRADES, BANDS, AS_OF)
    assert row["most_advanced_stage"] == furthest


# ---------------------------------------------------------------------------------------------
# rpt_campaign_attribution
# ---------------------------------------------------------------------------------------------


def by_campaign(rows: list[dict[str, Any]], month: date) -> dict[str, dict[str, Any]]:
    return {row["campaign"]: row for row in rows if row["mql_month"] == month}


def test_touches_credit_first_last_and_linear() -> None:
    # Q1's MQL (accepted): webinar, newsletter, webinar, trial at the MQL's instant; the
    # campaign-less event and the one after the MQL are no touches
    events = [
        event("E1", "Q1", "2026-03-01 00:00:00", "webinar"),
        event("E2", "Q1", "2026-03-05 00:00:00", "newsletter"),
        event("E3", "Q1", "2026-03-08 00:00:00", "webinar"),
        event("E4", "Q1", "2026-03-10 12:00:00", "trial"),
        event("E5", "Q1", "2026-03-09 00:00:00", None),
        event("E6", "Q1", "2026-03-11 00:00:00", "late"),
    ]
    rows = campaign_attribution([mql("Q1", 1, "2026-03-10 12:00:00", "accepted")], events)
    march = by_campaign(rows, date(2026, 3, 1))
    assert set(march) == {"webinar", "newsletter", "trial"}
    assert [(march[c]["first_touch_mqls"], march[c]["last_touch_mqls"]) for c in sorted(march)] == [
        (0, 0),
        (0, 1),
        (1, 0),
    ]  # newsletter, trial, webinar
    assert all(row["mqls_touched"] == 1 and row["mqls_touched_accepted"] == 1 for row in rows)
    assert all(row["linear_mqls"] == pytest.approx(1 / 3) for row in rows)
    assert all(row["linear_mqls_accepted"] == pytest.approx(1 / 3) for row in rows)


def test_an_mql_without_touches_counts_once_under_none() -> None:
    rows = campaign_attribution(
        [mql("Q2", 1, "2026-03-20 00:00:00", "recycled")],
        [event("E1", "Q2", "2026-03-19 00:00:00", None)],
    )
    assert rows == [
        {
            "mql_month": date(2026, 3, 1),
            "campaign": "(none)",
            "mqls_touched": 1,
            "mqls_touched_accepted": 0,
            "first_touch_mqls": 1,
            "first_touch_mqls_accepted": 0,
            "last_touch_mqls": 1,
            "last_touch_mqls_accepted": 0,
            "linear_mqls": 1.0,
            "linear_mqls_accepted": 0.0,
        }
    ]


def test_ties_in_time_put_the_smallest_event_id_first() -> None:
    # at both ends two touches share a time: 'E10' < 'E9' as text, so social is first; of E30
    # and E31, E31 comes last
    events = [
        event("E9", "Q3", "2026-03-02 00:00:00", "search"),
        event("E10", "Q3", "2026-03-02 00:00:00", "social"),
        event("E31", "Q3", "2026-03-24 00:00:00", "email"),
        event("E30", "Q3", "2026-03-24 00:00:00", "ppc"),
    ]
    rows = campaign_attribution([mql("Q3", 1, "2026-03-25 00:00:00", "open")], events)
    march = by_campaign(rows, date(2026, 3, 1))
    assert [c for c, row in march.items() if row["first_touch_mqls"]] == ["social"]
    assert [c for c, row in march.items() if row["last_touch_mqls"]] == ["email"]
    assert all(row["linear_mqls"] == 0.25 and row["linear_mqls_accepted"] == 0 for row in rows)


def test_a_second_mql_counts_every_touch_up_to_it_in_its_own_month() -> None:
    events = [
        event("E1", "Q1", "2026-03-01 00:00:00", "webinar"),
        event("E2", "Q1", "2026-04-01 00:00:00", "ads"),
    ]
    mqls = [
        mql("Q1", 1, "2026-03-10 00:00:00", "recycled"),
        mql("Q1", 2, "2026-05-05 00:00:00", "accepted"),
    ]
    may = by_campaign(campaign_attribution(mqls, events), date(2026, 5, 1))
    assert may["webinar"]["first_touch_mqls_accepted"] == 1
    assert may["ads"]["last_touch_mqls_accepted"] == 1
    assert may["ads"]["linear_mqls_accepted"] == 0.5


# ---------------------------------------------------------------------------------------------
# nurture tracks
# ---------------------------------------------------------------------------------------------

TRACKS = [
    NurtureTrack("hot", " a | B", "1|2", 20),
    NurtureTrack("first", "b", None, 10),
    NurtureTrack("cold", "D", " 3 ", 5),
]


@pytest.mark.parametrize(
    ("grade", "band", "track"),
    [
        ("A", 1, "hot"),  # 'a' holds A: case-insensitive, spaces ignored
        ("B", 2, "first"),  # 'first' (10) comes before 'hot' (20)
        ("B", 4, "first"),  # an empty list holds any band
        ("D", 3, "cold"),
        ("A", 3, None),  # no track holds A3
        ("C", 1, None),
    ],
)
def test_a_lead_gets_the_first_track_by_sort_order_holding_it(
    grade: str, band: int, track: str | None
) -> None:
    row = lead("N1", fit_grade=grade, engagement_band=band)
    assert nurture_track(row, TRACKS) == track


@pytest.mark.parametrize(
    "columns",
    [
        {"current_stage": "mql"},
        {"current_stage": "disqualified"},
        {"current_stage": "sql"},
        {"meets_mql_criteria": True},
        {"is_disqualified": True},
    ],
)
def test_only_leads_not_ready_for_sales_are_nurtured(columns: dict[str, Any]) -> None:
    row = lead("N1", fit_grade="B", engagement_band=2, **columns)
    assert nurture_track(row, TRACKS) is None
    assert nurture_track({**row, "current_stage": "recycled", **columns}, TRACKS) is None


def test_points_to_mql_use_the_threshold_in_force_at_as_of() -> None:
    thresholds = [
        Threshold(date(2020, 1, 1), 50.0, None, None),
        Threshold(date(2026, 7, 1), 60.0, 15.0, None),
        Threshold(date(2026, 12, 1), 80.0, None, None),
    ]
    leads = [
        lead("A1", fit_grade="B", engagement_band=2, total_score=45.5),
        lead("A2", fit_grade="B", engagement_band=1, total_score=70.0, current_stage="recycled"),
        lead("A3", fit_grade="B", engagement_band=1, current_stage="mql"),
    ]
    rows = nurture_audience(leads, TRACKS, thresholds, AS_OF)
    assert [(r["lead_id"], r["nurture_track"], r["points_to_mql"]) for r in rows] == [
        ("A1", "first", 14.5),
        ("A2", "first", 0.0),
    ]


def test_the_shipped_nurture_tracks_read_and_end_with_a_catch_all() -> None:
    tracks = read_nurture_tracks(SEEDS)
    assert len({t.sort_order for t in tracks}) == len(tracks)
    last = max(tracks, key=lambda t: t.sort_order)
    assert last.fit_grades is None and last.engagement_bands is None
