"""Hand-computed examples pinning the reference implementation (tests/reference/).

Each example works its numbers out in comments and asserts them exactly, so the oracle the
dbt models are compared against is itself checked against the spec and docs/semantics.md.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import (
    Account,
    Band,
    Contribution,
    Disposition,
    EngagementRule,
    Event,
    FitRule,
    Grade,
    Lead,
    Opportunity,
    Rules,
    Threshold,
    band_of,
    engagement_matches,
    evaluation_instants,
    fit_attributes,
    fit_matches,
    grade_of,
    lifecycle,
    read_rules,
    run,
    score_at,
    score_history,
    sql_like,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
EPOCH = date(2020, 1, 1)
T0 = datetime(2024, 1, 1)
GRADES = [Grade("A", 40), Grade("B", 20), Grade("C", 0), Grade("D", None)]
BANDS = [Band(1, 50), Band(2, 25), Band(3, 10), Band(4, None)]


def day(n: float) -> datetime:
    """T0 plus n days."""
    return T0 + timedelta(days=n)


def erule(
    rule_id: str,
    points: float,
    *,
    event_type: str | None = None,
    url_pattern: str | None = None,
    max_points: float | None = None,
    half_life_days: float | None = None,
    promotes_to: str | None = None,
    valid_from: date = EPOCH,
) -> EngagementRule:
    return EngagementRule(
        rule_id=rule_id,
        event_type=event_type or rule_id,
        url_pattern=url_pattern,
        points=points,
        max_points=max_points,
        half_life_days=half_life_days,
        promotes_to=promotes_to,
        valid_from=valid_from,
    )


def frule(
    rule_id: str,
    attribute: str,
    operator: str,
    value: str | None,
    points: float = 10,
    *,
    is_disqualifying: bool = False,
    valid_from: date = EPOCH,
) -> FitRule:
    return FitRule(rule_id, attribute, operator, value, points, is_disqualifying, valid_from)


def threshold(
    min_total: float | None,
    min_fit: float | None = None,
    min_engagement: float | None = None,
    valid_from: date = EPOCH,
) -> Threshold:
    return Threshold(valid_from, min_total, min_fit, min_engagement)


DEFAULT_THRESHOLDS = (threshold(10),)


def rules(engagement=(), fit=(), thresholds=DEFAULT_THRESHOLDS) -> Rules:
    return Rules(list(engagement), list(fit), list(thresholds), GRADES, BANDS)


def lead(created_at: datetime = T0, **attributes) -> Lead:
    values = {"email": "jane@acme.com", "lead_source": "webinar", **attributes}
    return Lead(lead_id="L1", created_at=created_at, **values)


def event(event_id: str, event_type: str, at: datetime, url: str | None = None) -> Event:
    return Event(event_id, "L1", event_type, at, url)


def disposition(disposition_id: str, status: str, at: datetime) -> Disposition:
    return Disposition(disposition_id, "L1", status, None, at)


def opportunity(
    opportunity_id: str,
    at: datetime,
    is_won: bool | None = None,
    closed_at: datetime | None = None,
) -> Opportunity:
    return Opportunity(opportunity_id, "L1", at, 1000, is_won, closed_at)


def stages(transitions: list[dict]) -> list[tuple[str, datetime, str | None]]:
    return [(r["stage"], r["entered_at"], r["previous_stage"]) for r in transitions]


# ---------------------------------------------------------------------------------------------
# Engagement: decay and caps
# ---------------------------------------------------------------------------------------------


def test_decay_halves_every_half_life():
    # 10 points, half-life 7 days: 10 at age 0, 5 at 7 days, 2.5 at 14, 10 * 2^-0.5 at 3.5.
    r = rules([erule("form_submit", 10, half_life_days=7)])
    events = [event("e1", "form_submit", T0)]
    assert score_at(lead(), None, events, r, day(0)).engagement == 10.0
    assert score_at(lead(), None, events, r, day(7)).engagement == 5.0
    assert score_at(lead(), None, events, r, day(14)).engagement == 2.5
    assert score_at(lead(), None, events, r, day(3.5)).engagement == pytest.approx(
        7.0710678118654755, rel=1e-15
    )


def test_decay_age_is_measured_in_seconds():
    # 12 hours = 0.5 day; half-life 1 day: 8 * 2^-0.5 = 5.656854249492381.
    r = rules([erule("form_submit", 8, half_life_days=1)])
    score = score_at(lead(), None, [event("e1", "form_submit", T0)], r, T0 + timedelta(hours=12))
    assert score.engagement == pytest.approx(5.656854249492381, rel=1e-15)


def test_cap_is_applied_after_decay():
    # Three events of 10 points at T0, max 25, half-life 30.
    # At T0: raw 30, clipped to 25. At T0 + 30 days: raw 3 * 5 = 15, under the cap, so 15
    # (capping before decay would give 25 / 2 = 12.5).
    r = rules([erule("form_submit", 10, max_points=25, half_life_days=30)])
    events = [event(f"e{i}", "form_submit", T0) for i in range(3)]
    now = score_at(lead(), None, events, r, T0)
    assert now.engagement == 25.0
    assert now.contributions == (Contribution("engagement", "form_submit", EPOCH, 25.0, 3, T0),)
    assert score_at(lead(), None, events, r, day(30)).engagement == 15.0


def test_negative_contribution_is_capped_at_minus_max():
    # Three unsubscribes of -10, max 20, no decay: raw -30 clipped to -20.
    # Three bounces of -10 without max: -30 stays. Total -50.
    r = rules(
        [erule("unsubscribe", -10, max_points=20), erule("email_bounce", -10)],
    )
    events = [event(f"u{i}", "unsubscribe", day(i)) for i in range(3)]
    events += [event(f"b{i}", "email_bounce", day(i)) for i in range(3)]
    score = score_at(lead(), None, events, r, day(5))
    assert score.engagement == -50.0
    assert [(c.rule_id, c.points, c.matched_event_count) for c in score.contributions] == [
        ("email_bounce", -30.0, 3),
        ("unsubscribe", -20.0, 3),
    ]


def test_one_event_scores_for_every_rule_it_matches():
    # A pricing page view matches page_view (1) and pricing_page_view (5): 6.
    # An /about page view matches page_view only: 1 more, total 7.
    r = rules(
        [
            erule("page_view", 1),
            erule("pricing_page_view", 5, event_type="page_view", url_pattern="%/pricing%"),
        ]
    )
    events = [
        event("e1", "page_view", day(1), "https://acme.example/pricing"),
        event("e2", "page_view", day(2), "https://acme.example/about"),
    ]
    assert score_at(lead(), None, events[:1], r, day(3)).engagement == 6.0
    score = score_at(lead(), None, events, r, day(3))
    assert score.engagement == 7.0
    assert score.contributions == (
        Contribution("engagement", "page_view", EPOCH, 2.0, 2, day(2)),
        Contribution("engagement", "pricing_page_view", EPOCH, 5.0, 1, day(1)),
    )


def test_events_after_t_do_not_count():
    r = rules([erule("form_submit", 10)])
    events = [event("e1", "form_submit", day(1)), event("e2", "form_submit", day(2))]
    assert score_at(lead(), None, events, r, day(1)).engagement == 10.0
    assert score_at(lead(), None, events, r, day(2) - timedelta(seconds=1)).engagement == 10.0


def test_ten_years_with_half_life_one_day_stay_finite():
    # Lead created 2015-01-01, an event of 10 points then, one a day before as_of 2025-01-01.
    # At as_of the old event is 3653 days old: 2^-3653 is treated as exactly 0; the recent
    # one is 1 day old: 10 / 2 = 5. Every history row is finite (the rule is not in force
    # before 2020, so the first row scores 0).
    created = datetime(2015, 1, 1)
    as_of = datetime(2025, 1, 1)
    r = rules([erule("form_submit", 10, half_life_days=1)])
    events = [event("e1", "form_submit", created), event("e2", "form_submit", as_of - timedelta(1))]
    history = score_history(lead(created), None, events, r, as_of)
    # Instants: created, the rule's first valid_from 2020-01-01, the recent event, as_of.
    assert [t for t, _ in history] == [created, datetime(2020, 1, 1), as_of - timedelta(1), as_of]
    assert all(math.isfinite(s.engagement) and math.isfinite(s.total) for _, s in history)
    assert history[0][1].engagement == 0.0
    assert history[-1][1].engagement == 5.0


def test_decay_factor_is_zero_beyond_two_to_the_minus_1100():
    # Half-life 1 day. At 1000 days: 2^-1000 exactly (a normal double). At 1100.5 days the
    # factor is below 2^-1100 and counts as exactly 0.
    r = rules([erule("form_submit", 1, half_life_days=1)])
    events = [event("e1", "form_submit", T0)]
    assert score_at(lead(), None, events, r, day(1000)).engagement == 2.0**-1000
    assert score_at(lead(), None, events, r, day(1100.5)).engagement == 0.0


# ---------------------------------------------------------------------------------------------
# Engagement: matching
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pattern", "expected"),
    [
        ("https://ACME.example/Pricing", "%/pricing%", True),
        ("https://acme.example/pricing", "%/PRICING", True),
        ("https://acme.example/v2/pricing", "%/v_/pricing", True),
        ("https://acme.example/v22/pricing", "%/v_/pricing", False),
        ("https://acme.example/v/pricing", "%/v_/pricing", False),
        ("a.b", "a_b", True),
        ("axb", "a.b", False),  # '.' is literal
        ("aab", "a+b", False),  # '+' is literal
        ("a+b", "a+b", True),
        ("[x]", "[x]", True),
        ("a\\b", "a\\b", True),  # no escape character
        ("abcd", "abc", False),  # whole string
        ("xabc", "abc", False),
        ("", "%", True),
        ("", "_", False),
        ("100x", "100%", True),
    ],
)
def test_sql_like(text, pattern, expected):
    assert sql_like(text, pattern) is expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aB.%_", max_size=8), st.text(alphabet="ab.%_", max_size=6))
def test_sql_like_agrees_with_a_regex(text, pattern):
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    expected = re.fullmatch(regex, text, flags=re.IGNORECASE | re.DOTALL) is not None
    assert sql_like(text, pattern) is expected


def test_url_pattern_needs_a_url_and_an_empty_pattern_matches_any():
    with_pattern = erule("pricing", 5, event_type="page_view", url_pattern="%/pricing%")
    without = erule("page_view", 1)
    empty = erule("page_view", 1, url_pattern="")
    no_url = event("e1", "page_view", T0, None)
    assert engagement_matches(with_pattern, no_url) is False
    assert engagement_matches(without, no_url) is True
    assert engagement_matches(empty, no_url) is True
    assert engagement_matches(erule("x", 1, event_type="Page_View"), no_url) is True
    assert engagement_matches(erule("x", 1, event_type="page"), no_url) is False


# ---------------------------------------------------------------------------------------------
# Fit
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attribute", "operator", "value", "actual", "expected"),
    [
        # text: lower-cased, trimmed
        ("job_title", "equals", "head of sales", "Head of Sales", True),
        ("job_title", "equals", " HEAD OF SALES ", "Head of Sales", True),
        ("job_title", "equals", "head", "Head of Sales", False),
        ("job_title", "equals", "head", None, False),
        ("country", "not_equals", "us", "US", False),
        ("country", "not_equals", "us", "CA", True),
        ("country", "not_equals", "us", None, False),
        ("country", "in", "us | ca", "CA", True),
        ("country", "in", "us | ca", "GB", False),
        ("country", "in", "us | ca", None, False),
        ("country", "not_in", "US|CA", "DE", True),
        ("country", "not_in", "US|CA", "US", False),
        ("country", "not_in", "US|CA", None, False),
        ("job_title", "contains", "vp", "Senior VP Marketing", True),
        ("job_title", "contains", "vp", "Director", False),
        ("job_title", "contains", "vp", None, False),
        ("job_title", "not_contains", "student", "Student Intern", False),
        ("job_title", "not_contains", "student", "CTO", True),
        ("job_title", "not_contains", "student", None, False),
        ("lead_source", "is_null", None, None, True),
        ("lead_source", "is_null", None, "referral", False),
        ("lead_source", "is_not_null", None, "referral", True),
        ("lead_source", "is_not_null", None, None, False),
        # numeric
        ("employee_count", "gte", "5000", 5000, True),
        ("employee_count", "gte", "5000", 4999, False),
        ("employee_count", "gte", "5000", None, False),
        ("employee_count", "gt", "5000", 5000, False),
        ("employee_count", "gt", "5000", 5001, True),
        ("employee_count", "lte", "10", 10, True),
        ("employee_count", "lte", "10", 11, False),
        ("employee_count", "lt", "10", 9, True),
        ("employee_count", "lt", "10", 10, False),
        ("employee_count", "between", " 200 | 4999 ", 200, True),
        ("employee_count", "between", " 200 | 4999 ", 4999, True),
        ("employee_count", "between", " 200 | 4999 ", 199, False),
        ("employee_count", "between", " 200 | 4999 ", 5000, False),
        ("employee_count", "between", " 200 | 4999 ", None, False),
        ("employee_count", "equals", "100.0", 100, True),  # numbers, not text
        ("employee_count", "not_equals", "100", 101, True),
        ("employee_count", "not_equals", "100", None, False),
        ("employee_count", "in", "10 | 100", 100, True),
        ("employee_count", "in", "10 | 100", 1000, False),
        ("employee_count", "not_in", "10|100", 1000, True),
        ("employee_count", "not_in", "10|100", 100, False),
        ("employee_count", "not_in", "10|100", None, False),
        ("annual_revenue", "gte", "100000000", Decimal("100000000"), True),
        ("annual_revenue", "gte", "100000000", 99999999.99, False),
        ("annual_revenue", "is_null", None, None, True),
        ("annual_revenue", "is_not_null", None, 0, True),
    ],
)
def test_fit_operator(attribute, operator, value, actual, expected):
    rule = frule("r", attribute, operator, value)
    assert fit_matches(rule, {attribute: actual}) is expected


@pytest.mark.parametrize(
    ("attribute", "operator", "value"),
    [
        ("job_title", "gte", "5"),  # order comparison on text
        ("country", "between", "a | b"),
        ("employee_count", "contains", "5"),  # substring on a number
        ("employee_count", "between", "5"),  # one bound
        ("employee_count", "gte", "many"),  # not a number
        ("job_title", "equals", None),  # no value
        ("lead_source", "is_null", "referral"),  # a value where none is taken
        ("shoe_size", "equals", "42"),
        ("job_title", "like", "%vp%"),
    ],
)
def test_fit_rule_a_seed_validation_rejects_raises(attribute, operator, value):
    # Raised whatever the lead's value, null included.
    for actual in ("x", 5, None):
        with pytest.raises(ValueError):
            fit_matches(frule("r", attribute, operator, value), {attribute: actual})


@pytest.mark.parametrize(
    ("email", "domain"),
    [
        ("jane@acme.com", "acme.com"),
        ("a@b@gmail.com", "gmail.com"),
        ("Jane@Acme.COM", "acme.com"),
        ("no-at-sign", None),
        ("trailing@", None),
        (None, None),
    ],
)
def test_email_domain_is_the_text_after_the_last_at(email, domain):
    assert fit_attributes(lead(email=email), None)["email_domain"] == domain


def test_fit_attributes_come_from_lead_and_account():
    account = Account("A1", "Acme", "acme.com", "software", 500, Decimal("2e8"), "DE")
    attributes = fit_attributes(
        lead(job_title="CTO", country="US", lead_source="referral", account_id="A1"), account
    )
    assert attributes == {
        "job_title": "CTO",
        "country": "US",
        "lead_source": "referral",
        "email_domain": "acme.com",
        "account_id": "A1",
        "industry": "software",
        "employee_count": 500,
        "annual_revenue": Decimal("2e8"),
        "account_country": "DE",
    }


def test_lead_without_account_has_null_account_attributes():
    # account_id A9 has no account: industry is null (+3 for is_null, equals does not match),
    # account_id itself is set (no_account does not match). Fit 3.
    r = rules(
        fit=[
            frule("industry_unknown", "industry", "is_null", None, 3),
            frule("industry_software", "industry", "equals", "software", 10),
            frule("no_account", "account_id", "is_null", None, -5),
            frule("small", "employee_count", "lt", "10", -10),
            frule("abroad", "account_country", "not_equals", "US", 7),
        ]
    )
    score = score_at(lead(account_id="A9"), None, [], r, T0)
    assert score.fit == 3.0
    assert [c.rule_id for c in score.contributions] == ["industry_unknown"]


def test_fit_sums_matched_rules_with_account():
    # VP (20) + mid-market 200..4999 (15) + target industry (10) + US (5) = 50.
    r = rules(
        fit=[
            frule("title_vp", "job_title", "contains", "vp", 20),
            frule("size_mid", "employee_count", "between", "200 | 4999", 15),
            frule("size_ent", "employee_count", "gte", "5000", 20),
            frule("industry", "industry", "in", "software | healthcare", 10),
            frule("country", "country", "in", "US | CA", 5),
            frule("free_mail", "email_domain", "in", "gmail.com | yahoo.com", -10),
        ]
    )
    account = Account("A1", industry="software", employee_count=500)
    score = score_at(lead(job_title="VP Sales", country="US", account_id="A1"), account, [], r, T0)
    assert score.fit == 50.0
    assert score.total == 50.0
    assert [c.rule_id for c in score.contributions] == [
        "country",
        "industry",
        "size_mid",
        "title_vp",
    ]


# ---------------------------------------------------------------------------------------------
# Versions and thresholds
# ---------------------------------------------------------------------------------------------


def test_version_change_rescores_from_valid_from_but_not_before():
    # Pricing 5 points (2020) then 6 points (from 2024-03-01), no decay. One event 01-10.
    # Instants: 01-01 (created), 01-10 (event), 03-01 (new version), 04-01 (as_of).
    # Engagement: 0, 5, 6, 6 - the 01-10 row keeps the old version's 5.
    r = rules(
        [
            erule("pricing", 5, event_type="page_view"),
            erule("pricing", 6, event_type="page_view", valid_from=date(2024, 3, 1)),
        ]
    )
    events = [event("e1", "page_view", datetime(2024, 1, 10))]
    history = score_history(lead(), None, events, r, datetime(2024, 4, 1))
    assert [(t, s.engagement) for t, s in history] == [
        (datetime(2024, 1, 1), 0.0),
        (datetime(2024, 1, 10), 5.0),
        (datetime(2024, 3, 1), 6.0),
        (datetime(2024, 4, 1), 6.0),
    ]
    assert history[-1][1].contributions == (
        Contribution("engagement", "pricing", date(2024, 3, 1), 6.0, 1, datetime(2024, 1, 10)),
    )
    # One second before the new version: still 5.
    before = score_at(lead(), None, events, r, datetime(2024, 3, 1) - timedelta(seconds=1))
    assert before.engagement == 5.0


def test_switched_off_rule_scores_nothing_and_has_no_contribution():
    # email_open 1 point, then a 0-point version from 2024-02-01.
    r = rules(
        [erule("email_open", 1), erule("email_open", 0, valid_from=date(2024, 2, 1))],
    )
    events = [event("e1", "email_open", day(1))]
    assert score_at(lead(), None, events, r, day(10)).engagement == 1.0
    off = score_at(lead(), None, events, r, datetime(2024, 2, 1))
    assert off.engagement == 0.0
    assert off.contributions == ()


def test_rule_not_in_force_before_its_first_version():
    r = rules([erule("form_submit", 10, valid_from=date(2024, 1, 15))])
    events = [event("e1", "form_submit", day(1))]
    assert score_at(lead(), None, events, r, datetime(2024, 1, 14, 23, 59)).engagement == 0.0
    assert score_at(lead(), None, events, r, datetime(2024, 1, 15)).engagement == 10.0


@pytest.mark.parametrize(
    ("thresholds", "expected"),
    [
        # fit 30, engagement 10, total 40 at 2024-02-01
        ([threshold(40)], True),
        ([threshold(41)], False),
        ([threshold(40, 30, 10)], True),  # every minimum reached exactly
        ([threshold(40, 31)], False),
        ([threshold(40, None, 10.5)], False),
        ([threshold(None, 30)], True),
        ([threshold(40, valid_from=date(2024, 2, 2))], False),  # none in force yet
        ([threshold(100), threshold(40, valid_from=date(2024, 1, 1))], True),  # latest wins
        ([threshold(40), threshold(100, valid_from=date(2024, 1, 1))], False),
        ([], False),
    ],
)
def test_thresholds_with_optional_minimums(thresholds, expected):
    r = rules(
        [erule("form_submit", 10)],
        [frule("title_vp", "job_title", "contains", "vp", 30)],
        thresholds,
    )
    score = score_at(
        lead(job_title="VP"), None, [event("e1", "form_submit", T0)], r, datetime(2024, 2, 1)
    )
    assert (score.fit, score.engagement, score.total) == (30.0, 10.0, 40.0)
    assert score.meets_mql_criteria is expected


def test_disqualifying_rule_blocks_mql_while_in_force():
    # Student (0 points, disqualifying) until 2024-02-01, then switched off (0, not
    # disqualifying). Engagement 20 >= threshold 10 from 01-05, but the lead cannot MQL
    # until the rule stops being in force: MQL at the 02-01 valid_from instant (score).
    r = rules(
        [erule("form_submit", 20)],
        [
            frule("student", "job_title", "contains", "student", 0, is_disqualifying=True),
            frule("student", "job_title", "contains", "student", 0, valid_from=date(2024, 2, 1)),
        ],
    )
    the_lead = lead(job_title="Student")
    events = [event("e1", "form_submit", day(4))]
    at_event = score_at(the_lead, None, events, r, day(4))
    assert (at_event.total, at_event.is_disqualified, at_event.meets_mql_criteria) == (
        20.0,
        True,
        False,
    )
    assert at_event.contributions == (
        Contribution("engagement", "form_submit", EPOCH, 20.0, 1, day(4)),
        Contribution("fit", "student", EPOCH, 0.0, None, None),
    )
    later = score_at(the_lead, None, events, r, datetime(2024, 2, 1))
    assert (later.is_disqualified, later.meets_mql_criteria, later.contributions[1:]) == (
        False,
        True,
        (),
    )
    _, mqls, summary = lifecycle(the_lead, None, events, [], [], r, datetime(2024, 3, 1))
    assert [(m["mql_at"], m["mql_trigger"]) for m in mqls] == [(datetime(2024, 2, 1), "score")]
    assert summary["current_stage"] == "mql"


def test_disqualifying_rule_blocks_a_hand_raiser_but_not_an_sql_promotion():
    # Reading (see model.py): "blocks MQL" covers hand-raisers; an SQL promotion is no MQL.
    r = rules(
        [
            erule("contact_sales", 20, promotes_to="mql"),
            erule("demo_request", 40, promotes_to="sql"),
        ],
        [frule("student", "job_title", "contains", "student", 0, is_disqualifying=True)],
    )
    the_lead = lead(job_title="Student")
    events = [event("e1", "contact_sales", day(1))]
    transitions, mqls, _ = lifecycle(the_lead, None, events, [], [], r, day(10))
    assert (stages(transitions), mqls) == ([("lead", T0, None)], [])
    events.append(event("e2", "demo_request", day(2)))
    transitions, _, summary = lifecycle(the_lead, None, events, [], [], r, day(10))
    assert stages(transitions) == [("lead", T0, None), ("sql", day(2), "lead")]
    assert summary["is_mql_skipped"] is True


def test_grades_and_bands():
    assert [grade_of(f, GRADES) for f in (55, 40, 39.9, 20, 0, -0.1, -50)] == [
        "A",
        "A",
        "B",
        "B",
        "C",
        "D",
        "D",
    ]
    assert [band_of(e, BANDS) for e in (80, 50, 49, 25, 10, 9.99, -20)] == [1, 1, 2, 2, 3, 4, 4]


# ---------------------------------------------------------------------------------------------
# Evaluation instants
# ---------------------------------------------------------------------------------------------


def test_evaluation_instants():
    # Created 01-10 12:00, as_of 03-15 06:00.
    # Events: 01-05 12:00 (before created: no instant), 01-10 12:00 (= created), 01-20 08:00
    # twice, 02-10 09:30, 03-20 (after as_of). Versions: 2020-01-01 and 2024-01-10 (00:00,
    # before created 12:00), fit 2024-02-01, threshold 2024-03-01, engagement 2024-04-01
    # (after as_of).
    created, as_of = datetime(2024, 1, 10, 12), datetime(2024, 3, 15, 6)
    r = rules(
        [
            erule("content_download", 8, half_life_days=5),
            erule("content_download", 8, half_life_days=5, valid_from=date(2024, 1, 10)),
            erule("form_submit", 1, valid_from=date(2024, 4, 1)),
        ],
        [frule("vp", "job_title", "contains", "vp", 5, valid_from=date(2024, 2, 1))],
        [threshold(10), threshold(20, valid_from=date(2024, 3, 1))],
    )
    events = [
        event("e0", "content_download", datetime(2024, 1, 5, 12)),
        event("e1", "page_view", created),
        event("e2", "page_view", datetime(2024, 1, 20, 8)),
        event("e3", "email_open", datetime(2024, 1, 20, 8)),
        event("e4", "page_view", datetime(2024, 2, 10, 9, 30)),
        event("e5", "page_view", datetime(2024, 3, 20)),
    ]
    assert evaluation_instants(lead(created), events, r, as_of) == [
        created,
        datetime(2024, 1, 20, 8),
        datetime(2024, 2, 1),
        datetime(2024, 2, 10, 9, 30),
        datetime(2024, 3, 1),
        as_of,
    ]
    # The event before created_at counts from created_at on, aged from its occurred_at:
    # 5 days old at created_at, half-life 5: 8 / 2 = 4.
    history = score_history(lead(created), None, events, r, as_of)
    assert history[0] == (created, score_at(lead(created), None, events, r, created))
    assert history[0][1].engagement == 4.0
    assert evaluation_instants(lead(as_of + timedelta(seconds=1)), events, r, as_of) == []
    assert evaluation_instants(lead(as_of), events, r, as_of) == [as_of]


# ---------------------------------------------------------------------------------------------
# Lifecycle
# ---------------------------------------------------------------------------------------------

LIFECYCLE_RULES = rules(
    [
        erule("form_submit", 10),
        erule("email_open", 1),
        erule("contact_sales", 20, promotes_to="mql"),
        erule("demo_request", 40, promotes_to="sql"),
    ],
    thresholds=[threshold(20)],
)


def test_hand_raiser_wins_a_tie_with_the_score():
    # contact_sales (20) lifts the total to 20 >= 20 at day 3 and is a hand-raiser too.
    events = [event("e1", "contact_sales", day(3))]
    transitions, mqls, summary = lifecycle(lead(), None, events, [], [], LIFECYCLE_RULES, day(9))
    assert stages(transitions) == [("lead", T0, None), ("mql", day(3), "lead")]
    assert mqls == [
        {
            "lead_id": "L1",
            "mql_number": 1,
            "mql_at": day(3),
            "mql_trigger": "hand_raiser",
            "total_score_at_mql": 20.0,
            "fit_grade_at_mql": "C",
            "lead_source": "webinar",
            "outcome": "open",
            "outcome_at": None,
            "days_to_outcome": None,
            "outcome_disposition_id": None,
        }
    ]
    assert summary == {
        "current_stage": "mql",
        "first_mql_at": day(3),
        "latest_mql_at": day(3),
        "mql_count": 1,
        "is_mql_skipped": False,
        "first_sql_at": None,
        "first_mql_to_sql_at": None,
        "first_opportunity_at": None,
        "customer_at": None,
    }


def test_score_mql_and_hand_raiser_below_threshold():
    # Two form fills: 10 at day 1 (below 20), 20 at day 2 -> MQL by score at day 2.
    events = [event("e1", "form_submit", day(1)), event("e2", "form_submit", day(2))]
    _, mqls, _ = lifecycle(lead(), None, events, [], [], LIFECYCLE_RULES, day(9))
    assert [(m["mql_at"], m["mql_trigger"], m["total_score_at_mql"]) for m in mqls] == [
        (day(2), "score", 20.0)
    ]
    # With a threshold of 100 the contact_sales hand-raiser still makes an MQL at 20 points.
    high = rules(LIFECYCLE_RULES.engagement_rules, thresholds=[threshold(100)])
    events = [event("e1", "contact_sales", day(1))]
    _, mqls, _ = lifecycle(lead(), None, events, [], [], high, day(9))
    assert [(m["mql_at"], m["mql_trigger"], m["total_score_at_mql"]) for m in mqls] == [
        (day(1), "hand_raiser", 20.0)
    ]


def test_promotion_needs_the_version_in_force_at_the_event():
    # contact_sales promotes only from 2024-02-01; an event on 01-15 is no hand-raiser, not
    # even at later instants. Threshold 100 keeps the score out of it.
    r = rules(
        [
            erule("contact_sales", 20),
            erule("contact_sales", 20, promotes_to="mql", valid_from=date(2024, 2, 1)),
        ],
        thresholds=[threshold(100)],
    )
    events = [event("e1", "contact_sales", datetime(2024, 1, 15))]
    _, mqls, _ = lifecycle(lead(), None, events, [], [], r, datetime(2024, 3, 1))
    assert mqls == []


def test_hand_raiser_before_created_at_acts_at_created_at():
    events = [event("e1", "contact_sales", day(-2))]
    _, mqls, _ = lifecycle(lead(), None, events, [], [], LIFECYCLE_RULES, day(9))
    assert [(m["mql_at"], m["mql_trigger"]) for m in mqls] == [(T0, "hand_raiser")]


def test_sql_promotion_skips_mql():
    # demo_request: 40 points >= 20 and an SQL promotion at day 2: straight to sql.
    events = [event("e1", "demo_request", day(2))]
    transitions, mqls, summary = lifecycle(lead(), None, events, [], [], LIFECYCLE_RULES, day(9))
    assert stages(transitions) == [("lead", T0, None), ("sql", day(2), "lead")]
    assert mqls == []
    assert (summary["first_sql_at"], summary["is_mql_skipped"], summary["mql_count"]) == (
        day(2),
        True,
        0,
    )


def test_sql_promotion_from_mql_is_not_skipped():
    events = [event("e1", "form_submit", day(1)), event("e2", "form_submit", day(2))]
    events.append(event("e3", "demo_request", day(3)))
    transitions, mqls, summary = lifecycle(lead(), None, events, [], [], LIFECYCLE_RULES, day(9))
    assert stages(transitions) == [
        ("lead", T0, None),
        ("mql", day(2), "lead"),
        ("sql", day(3), "mql"),
    ]
    assert (mqls[0]["outcome"], mqls[0]["outcome_at"], mqls[0]["days_to_outcome"]) == (
        "accepted",
        day(3),
        1.0,
    )
    assert summary["is_mql_skipped"] is False


def test_accepted_at_the_mql_instant_is_not_skipped():
    # Form fills at day 1 and 2 (total 20 at day 2) and an accepted disposition at day 2:
    # the evaluation instant goes first (mql), then the disposition (sql), both at day 2.
    events = [event("e1", "form_submit", day(1)), event("e2", "form_submit", day(2))]
    accepted = [disposition("d1", "accepted", day(2))]
    transitions, mqls, summary = lifecycle(
        lead(), None, events, accepted, [], LIFECYCLE_RULES, day(9)
    )
    assert stages(transitions) == [
        ("lead", T0, None),
        ("mql", day(2), "lead"),
        ("sql", day(2), "mql"),
    ]
    assert [(m["outcome"], m["outcome_at"], m["days_to_outcome"]) for m in mqls] == [
        ("accepted", day(2), 0.0)
    ]
    assert (summary["first_sql_at"], summary["is_mql_skipped"]) == (day(2), False)


def test_accepted_without_mql_is_skipped():
    accepted = [disposition("d1", "accepted", day(2))]
    transitions, _, summary = lifecycle(lead(), None, [], accepted, [], LIFECYCLE_RULES, day(9))
    assert stages(transitions) == [("lead", T0, None), ("sql", day(2), "lead")]
    assert summary["is_mql_skipped"] is True


def test_recycled_lead_requalifies_only_at_a_new_event():
    # Two form fills (day 3, day 4) -> MQL 1 by score at day 4 (total 20). Recycled at day 5
    # 12:00 (MQL 1 outcome: recycled after 1.5 days). The score still meets at the rule change
    # (fit version from day 10) and at as_of, but neither re-qualifies a recycled lead.
    r = rules(
        LIFECYCLE_RULES.engagement_rules,
        [frule("country", "country", "equals", "us", 5, valid_from=date(2024, 1, 11))],
        LIFECYCLE_RULES.thresholds,
    )
    events = [event("e1", "form_submit", day(3)), event("e2", "form_submit", day(4))]
    recycled = [disposition("d1", "recycled", day(5.5))]
    the_lead = lead(country="US")
    transitions, mqls, summary = lifecycle(the_lead, None, events, recycled, [], r, day(30))
    assert stages(transitions) == [
        ("lead", T0, None),
        ("mql", day(4), "lead"),
        ("recycled", day(5.5), "mql"),
    ]
    assert [(m["outcome"], m["outcome_at"], m["days_to_outcome"]) for m in mqls] == [
        ("recycled", day(5.5), 1.5)
    ]
    assert summary["current_stage"] == "recycled"

    # A new event at day 20 - of a type no rule scores - re-qualifies it: MQL 2 (score 25).
    events.append(event("e3", "chat_message", day(20)))
    transitions, mqls, summary = lifecycle(the_lead, None, events, recycled, [], r, day(30))
    assert stages(transitions)[-1] == ("mql", day(20), "recycled")
    assert [
        (m["mql_number"], m["mql_at"], m["mql_trigger"], m["total_score_at_mql"], m["outcome"])
        for m in mqls
    ] == [(1, day(4), "score", 20.0, "recycled"), (2, day(20), "score", 25.0, "open")]
    assert (summary["first_mql_at"], summary["latest_mql_at"], summary["mql_count"]) == (
        day(4),
        day(20),
        2,
    )


def test_second_recycle_writes_no_row():
    recycled = [disposition("d1", "recycled", day(1)), disposition("d2", "recycled", day(2))]
    transitions, _, _ = lifecycle(lead(), None, [], recycled, [], LIFECYCLE_RULES, day(9))
    assert stages(transitions) == [("lead", T0, None), ("recycled", day(1), "lead")]


def test_disqualified_cannot_mql_or_sql_but_an_opportunity_revives_it():
    # Disqualified at day 1. Then a score MQL chance (day 2, 20 points), a hand-raiser
    # (day 3), a demo request (day 4) and an accepted disposition (day 5) change nothing.
    # An opportunity at day 6 passes through a backfilled sql into opportunity.
    events = [
        event("e1", "form_submit", day(2)),
        event("e2", "form_submit", day(2)),
        event("e3", "contact_sales", day(3)),
        event("e4", "demo_request", day(4)),
    ]
    steps = [disposition("d1", "disqualified", day(1)), disposition("d2", "accepted", day(5))]
    transitions, mqls, summary = lifecycle(
        lead(), None, events, steps, [opportunity("o1", day(6))], LIFECYCLE_RULES, day(9)
    )
    assert stages(transitions) == [
        ("lead", T0, None),
        ("disqualified", day(1), "lead"),
        ("sql", day(6), "disqualified"),
        ("opportunity", day(6), "sql"),
    ]
    assert mqls == []
    assert summary == {
        "current_stage": "opportunity",
        "first_mql_at": None,
        "latest_mql_at": None,
        "mql_count": 0,
        "is_mql_skipped": True,
        "first_sql_at": day(6),
        "first_mql_to_sql_at": None,
        "first_opportunity_at": day(6),
        "customer_at": None,
    }


def test_recycled_disposition_revives_a_disqualified_lead():
    # Disqualified day 1, recycled day 2, new form fills day 3 (20 points) -> MQL.
    events = [event("e1", "form_submit", day(3)), event("e2", "form_submit", day(3))]
    steps = [disposition("d1", "disqualified", day(1)), disposition("d2", "recycled", day(2))]
    transitions, _, _ = lifecycle(lead(), None, events, steps, [], LIFECYCLE_RULES, day(9))
    assert stages(transitions)[1:] == [
        ("disqualified", day(1), "lead"),
        ("recycled", day(2), "disqualified"),
        ("mql", day(3), "recycled"),
    ]


def test_a_first_mql_after_a_skipped_one_can_still_reach_sql():
    # Accepted at day 1 with no MQL (a skipped MQL), recycled day 2, form fills day 3 (20
    # points) -> MQL, accepted again day 5: first_sql_at stays day 1, but the first MQL reached
    # SQL at day 5 (rpt_mql_conversion and rpt_lead_funnel count it).
    events = [event("e1", "form_submit", day(3)), event("e2", "form_submit", day(3))]
    steps = [
        disposition("d1", "accepted", day(1)),
        disposition("d2", "recycled", day(2)),
        disposition("d3", "accepted", day(5)),
    ]
    transitions, mqls, summary = lifecycle(lead(), None, events, steps, [], LIFECYCLE_RULES, day(9))
    assert stages(transitions)[1:] == [
        ("sql", day(1), "lead"),
        ("recycled", day(2), "sql"),
        ("mql", day(3), "recycled"),
        ("sql", day(5), "mql"),
    ]
    assert [(m["outcome"], m["outcome_at"]) for m in mqls] == [("accepted", day(5))]
    assert (
        summary["first_sql_at"],
        summary["is_mql_skipped"],
        summary["first_mql_at"],
        summary["first_mql_to_sql_at"],
    ) == (day(1), True, day(3), day(5))


def test_an_sql_after_a_recycle_with_no_new_mql_skipped_its_mql():
    # MQL by score at day 2, recycled day 3, accepted day 5 with no MQL since the recycle: the
    # sql skipped an MQL (spec §5, "since the lead was last opened"), although an MQL came
    # before it. The MQL's outcome is recycled, so it did not go on to SQL either.
    events = [event("e1", "form_submit", day(1)), event("e2", "form_submit", day(2))]
    steps = [disposition("d1", "recycled", day(3)), disposition("d2", "accepted", day(5))]
    transitions, mqls, summary = lifecycle(lead(), None, events, steps, [], LIFECYCLE_RULES, day(9))
    assert stages(transitions)[1:] == [
        ("mql", day(2), "lead"),
        ("recycled", day(3), "mql"),
        ("sql", day(5), "recycled"),
    ]
    assert [(m["outcome"], m["outcome_at"]) for m in mqls] == [("recycled", day(3))]
    assert (summary["first_sql_at"], summary["is_mql_skipped"], summary["first_mql_to_sql_at"]) == (
        day(5),
        True,
        None,
    )


def test_an_sql_after_a_recycle_and_a_new_mql_is_not_skipped():
    # MQL 1 by score at day 2, recycled day 3, new form fills day 4 (MQL 2), accepted day 5:
    # the sql came after an MQL since the recycle.
    events = [event("e1", "form_submit", day(1)), event("e2", "form_submit", day(2))]
    events.append(event("e3", "form_submit", day(4)))
    steps = [disposition("d1", "recycled", day(3)), disposition("d2", "accepted", day(5))]
    transitions, mqls, summary = lifecycle(lead(), None, events, steps, [], LIFECYCLE_RULES, day(9))
    assert stages(transitions)[1:] == [
        ("mql", day(2), "lead"),
        ("recycled", day(3), "mql"),
        ("mql", day(4), "recycled"),
        ("sql", day(5), "mql"),
    ]
    assert [m["outcome"] for m in mqls] == ["recycled", "accepted"]
    assert (summary["first_sql_at"], summary["is_mql_skipped"], summary["first_mql_to_sql_at"]) == (
        day(5),
        False,
        None,
    )


def test_an_opportunity_after_a_disqualified_mql_is_not_skipped():
    # MQL at day 2, disqualified day 3, opportunity day 5 (backfilled sql): a disqualification
    # does not open the lead again, so the MQL at day 2 still counts for that sql.
    events = [event("e1", "form_submit", day(1)), event("e2", "form_submit", day(2))]
    steps = [disposition("d1", "disqualified", day(3))]
    opportunities = [opportunity("o1", day(5))]
    transitions, _, summary = lifecycle(
        lead(), None, events, steps, opportunities, LIFECYCLE_RULES, day(9)
    )
    assert stages(transitions)[1:] == [
        ("mql", day(2), "lead"),
        ("disqualified", day(3), "mql"),
        ("sql", day(5), "disqualified"),
        ("opportunity", day(5), "sql"),
    ]
    assert (summary["first_sql_at"], summary["is_mql_skipped"]) == (day(5), False)


def test_won_opportunity_makes_a_customer():
    # MQL at day 2 (score 20); opportunity at day 4 (backfilled sql, so MQL outcome accepted
    # after 2 days); won at day 10 -> customer. A later recycle cannot move a customer; an
    # open (is_won without closed_at) and a lost opportunity change nothing.
    events = [event("e1", "form_submit", day(1)), event("e2", "form_submit", day(2))]
    opportunities = [
        opportunity("o1", day(4), True, day(10)),
        opportunity("o2", day(5), True, None),
        opportunity("o3", day(6), False, day(7)),
    ]
    recycled = [disposition("d1", "recycled", day(11))]
    transitions, mqls, summary = lifecycle(
        lead(), None, events, recycled, opportunities, LIFECYCLE_RULES, day(20)
    )
    assert stages(transitions) == [
        ("lead", T0, None),
        ("mql", day(2), "lead"),
        ("sql", day(4), "mql"),
        ("opportunity", day(4), "sql"),
        ("customer", day(10), "opportunity"),
    ]
    assert [(m["outcome"], m["outcome_at"], m["days_to_outcome"]) for m in mqls] == [
        ("accepted", day(4), 2.0)
    ]
    assert (summary["current_stage"], summary["first_opportunity_at"], summary["customer_at"]) == (
        "customer",
        day(4),
        day(10),
    )


def test_close_after_as_of_is_still_open():
    opportunities = [opportunity("o1", day(4), True, day(10))]
    transitions, _, summary = lifecycle(
        lead(), None, [], [], opportunities, LIFECYCLE_RULES, day(9)
    )
    assert stages(transitions)[-1] == ("opportunity", day(4), "sql")
    assert (summary["current_stage"], summary["customer_at"]) == ("opportunity", None)


def test_won_from_mql_goes_to_customer_without_backfill():
    # Opportunity day 1, recycled day 2, MQL by a new event day 3, the opportunity won day 4:
    # customer directly from mql; MQL 1 outcome accepted (customer) after 1 day.
    events = [event("e1", "form_submit", day(3)), event("e2", "form_submit", day(3))]
    transitions, mqls, _ = lifecycle(
        lead(),
        None,
        events,
        [disposition("d1", "recycled", day(2))],
        [opportunity("o1", day(1), True, day(4))],
        LIFECYCLE_RULES,
        day(9),
    )
    assert [s for s, _, _ in stages(transitions)] == [
        "lead",
        "sql",
        "opportunity",
        "recycled",
        "mql",
        "customer",
    ]
    assert [(m["outcome"], m["days_to_outcome"]) for m in mqls] == [("accepted", 1.0)]


def test_rows_stamped_before_created_at_act_at_created_at():
    # Disposition and opportunity stamped before created_at act at created_at; the close of
    # o1 is stamped before its creation and acts at the creation (= created_at). Order at
    # created_at: instant (lead), disposition (accepted -> sql), opportunity, won.
    transitions, _, summary = lifecycle(
        lead(),
        None,
        [],
        [disposition("d1", "accepted", day(-3))],
        [opportunity("o1", day(-2), True, day(-5))],
        LIFECYCLE_RULES,
        day(9),
    )
    assert stages(transitions) == [
        ("lead", T0, None),
        ("sql", T0, "lead"),
        ("opportunity", T0, "sql"),
        ("customer", T0, "opportunity"),
    ]
    assert summary["customer_at"] == T0
    # A close stamped before its (later) opportunity's creation acts at that creation.
    transitions, _, _ = lifecycle(
        lead(), None, [], [], [opportunity("o1", day(5), True, day(3))], LIFECYCLE_RULES, day(9)
    )
    assert stages(transitions)[-1] == ("customer", day(5), "opportunity")


def test_outcome_days_are_decimal():
    # MQL at day 1 06:00 (two form fills), disqualified at day 3 00:00: 1.75 days.
    at = day(1) + timedelta(hours=6)
    events = [event("e1", "form_submit", at), event("e2", "form_submit", at)]
    disqualified = [disposition("d1", "disqualified", day(3))]
    _, mqls, summary = lifecycle(lead(), None, events, disqualified, [], LIFECYCLE_RULES, day(9))
    assert [(m["outcome"], m["outcome_at"], m["days_to_outcome"]) for m in mqls] == [
        ("disqualified", day(3), 1.75)
    ]
    assert summary["current_stage"] == "disqualified"


def test_rows_after_as_of_are_ignored():
    # The event, disposition and opportunity after as_of (day 9) do nothing.
    transitions, mqls, summary = lifecycle(
        lead(),
        None,
        [event("e1", "contact_sales", day(10))],
        [disposition("d1", "accepted", day(10))],
        [opportunity("o1", day(10))],
        LIFECYCLE_RULES,
        day(9),
    )
    assert (stages(transitions), mqls, summary["current_stage"]) == (
        [("lead", T0, None)],
        [],
        "lead",
    )
    with pytest.raises(ValueError):
        lifecycle(lead(day(10)), None, [], [], [], LIFECYCLE_RULES, day(9))


# ---------------------------------------------------------------------------------------------
# A whole run
# ---------------------------------------------------------------------------------------------


def test_run_builds_every_table():
    # Rules: page_view 1, pricing 5 (%/pricing%), demo_request 40 (sql); VP 20, target
    # industry 10, no account -5; threshold total 30 and fit 15. as_of 2024-01-10.
    # L1: VP, software account. Fit 30 from the start: total 30 meets at created_at (MQL).
    #     Pricing views 01-02, 01-03 (6 each), home 01-04 (1): engagement 13 (band 3), fit
    #     grade B, priority B3. Accepted 01-05: outcome after 4 days. The 02-01 event is after
    #     as_of.
    # L2: no account, demo request 01-04: fit -5 < 15 (no MQL), SQL promotion, skipped MQL.
    # L3: created after as_of, absent.
    engagement = [
        erule("page_view", 1),
        erule("pricing", 5, event_type="page_view", url_pattern="%/pricing%"),
        erule("demo_request", 40, promotes_to="sql"),
    ]
    fit = [
        frule("title_vp", "job_title", "contains", "vp", 20),
        frule("industry", "industry", "in", "software | healthcare", 10),
        frule("no_account", "account_id", "is_null", None, -5),
    ]
    leads = [
        Lead("L2", "sam@gmail.com", datetime(2024, 1, 3), None, "GB", "paid_search", None),
        Lead("L1", "jane@acme.com", datetime(2024, 1, 1), "VP Sales", "US", "webinar", "A1"),
        Lead("L3", "late@acme.com", datetime(2024, 2, 1), None, None, "webinar", "A1"),
    ]
    accounts = [Account("A1", "Acme", "acme.com", "software", 500, 1e6, "US")]
    events = [
        Event("e1", "L1", "page_view", datetime(2024, 1, 2), "https://acme.example/pricing"),
        Event("e2", "L1", "page_view", datetime(2024, 1, 3), "https://acme.example/PRICING/x"),
        Event("e3", "L1", "page_view", datetime(2024, 1, 4), "https://acme.example/"),
        Event("e4", "L1", "page_view", datetime(2024, 2, 1), "https://acme.example/"),
        Event("e5", "L2", "demo_request", datetime(2024, 1, 4)),
    ]
    dispositions = [Disposition("d1", "L1", "accepted", "fit", datetime(2024, 1, 5))]
    out = run(
        leads,
        accounts,
        events,
        dispositions,
        [],
        engagement,
        fit,
        [threshold(30, 15)],
        GRADES,
        BANDS,
        datetime(2024, 1, 10),
    )

    assert out["dim_leads"] == [
        {
            "lead_id": "L1",
            "email": "jane@acme.com",
            "lead_source": "webinar",
            "created_at": datetime(2024, 1, 1),
            "account_id": "A1",
            "industry": "software",
            "employee_count": 500,
            "fit_score": 30.0,
            "engagement_score": 13.0,
            "total_score": 43.0,
            "fit_grade": "B",
            "engagement_band": 3,
            "priority": "B3",
            "is_disqualified": False,
            "meets_mql_criteria": True,
            "current_stage": "sql",
            "first_mql_at": datetime(2024, 1, 1),
            "latest_mql_at": datetime(2024, 1, 1),
            "mql_count": 1,
            "is_mql_skipped": False,
            "first_sql_at": datetime(2024, 1, 5),
            "first_mql_to_sql_at": datetime(2024, 1, 5),
            "first_opportunity_at": None,
            "customer_at": None,
        },
        {
            "lead_id": "L2",
            "email": "sam@gmail.com",
            "lead_source": "paid_search",
            "created_at": datetime(2024, 1, 3),
            "account_id": None,
            "industry": None,
            "employee_count": None,
            "fit_score": -5.0,
            "engagement_score": 40.0,
            "total_score": 35.0,
            "fit_grade": "D",
            "engagement_band": 2,
            "priority": "D2",
            "is_disqualified": False,
            "meets_mql_criteria": False,
            "current_stage": "sql",
            "first_mql_at": None,
            "latest_mql_at": None,
            "mql_count": 0,
            "is_mql_skipped": True,
            "first_sql_at": datetime(2024, 1, 4),
            "first_mql_to_sql_at": None,
            "first_opportunity_at": None,
            "customer_at": None,
        },
    ]

    contributions = [
        (c["lead_id"], c["rule_type"], c["rule_id"], c["points"], c["matched_event_count"])
        for c in out["fct_score_contributions"]
    ]
    assert contributions == [
        ("L1", "engagement", "page_view", 3.0, 3),
        ("L1", "engagement", "pricing", 10.0, 2),
        ("L1", "fit", "industry", 10.0, None),
        ("L1", "fit", "title_vp", 20.0, None),
        ("L2", "engagement", "demo_request", 40.0, 1),
        ("L2", "fit", "no_account", -5.0, None),
    ]
    assert [c["last_event_at"] for c in out["fct_score_contributions"]] == [
        datetime(2024, 1, 4),
        datetime(2024, 1, 3),
        None,
        None,
        datetime(2024, 1, 4),
        None,
    ]
    for row in out["dim_leads"]:
        points = [
            c["points"] for c in out["fct_score_contributions"] if c["lead_id"] == row["lead_id"]
        ]
        assert sum(points) == row["total_score"]

    history = [
        (h["lead_id"], h["scored_at"].day, h["engagement_score"], h["total_score"])
        for h in out["fct_lead_score_history"]
    ]
    assert history == [
        ("L1", 1, 0.0, 30.0),
        ("L1", 2, 6.0, 36.0),
        ("L1", 3, 12.0, 42.0),
        ("L1", 4, 13.0, 43.0),
        ("L1", 10, 13.0, 43.0),
        ("L2", 3, 0.0, -5.0),
        ("L2", 4, 40.0, 35.0),
        ("L2", 10, 40.0, 35.0),
    ]

    assert out["fct_mqls"] == [
        {
            "lead_id": "L1",
            "mql_number": 1,
            "mql_at": datetime(2024, 1, 1),
            "mql_trigger": "score",
            "total_score_at_mql": 30.0,
            "fit_grade_at_mql": "B",
            "lead_source": "webinar",
            "outcome": "accepted",
            "outcome_at": datetime(2024, 1, 5),
            "days_to_outcome": 4.0,
            "outcome_disposition_id": "d1",
        }
    ]
    assert [
        (t["lead_id"], t["stage"], t["entered_at"].day, t["previous_stage"])
        for t in out["fct_lifecycle_transitions"]
    ] == [
        ("L1", "lead", 1, None),
        ("L1", "mql", 1, "lead"),
        ("L1", "sql", 5, "mql"),
        ("L2", "lead", 3, None),
        ("L2", "sql", 4, "lead"),
    ]


def test_the_project_seeds_load_and_score():
    # The default seeds: a VP at a 500-person software company in the US with a work email
    # and an account: VP 20 + mid-market 15 + target industry 10 + target country 5 = 50
    # (grade A). On 2026-10-01 (email_open switched off since 09-01) an email open scores 0
    # and a fresh pricing view scores page_view 1 + pricing 6 (the 2026-06-01 version) = 7.
    r = read_rules(SEEDS)
    assert (len(r.engagement_rules), len(r.fit_rules), len(r.thresholds)) == (17, 19, 2)
    account = Account("A1", "Acme", "acme.com", "software", 500, 1e7, "US")
    the_lead = lead(datetime(2026, 1, 1), job_title="VP Marketing", country="US", account_id="A1")
    t = datetime(2026, 10, 1)
    events = [
        event("e1", "email_open", t),
        event("e2", "page_view", t, "https://x.example/pricing"),
    ]
    score = score_at(the_lead, account, events, r, t)
    assert (score.fit, score.engagement, score.total) == (50.0, 7.0, 57.0)
    assert grade_of(score.fit, list(r.grades)) == "A"
    # Threshold from 2026-07-01: total 65, fit 15, engagement 10 -> not met at 57.
    assert score.meets_mql_criteria is False
