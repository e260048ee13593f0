"""Reference of rpt_campaign_attribution (spec §9), written from the spec's text.

An MQL's touches are its lead's events with a campaign and occurred_at <= mql_at, ordered by
time, ties by the smallest event_id first. Per month of mql_at and campaign: mqls_touched (MQLs
with a touch of the campaign), first_touch_mqls (the campaign of its first touch),
last_touch_mqls (of its last), linear_mqls (1/n to each of its n distinct campaigns), and the same
four over the MQLs whose outcome is accepted. An MQL without touches counts once under
'(none)' in all four.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from fractions import Fraction
from typing import Any

from .model import Event

NO_CAMPAIGN = "(none)"
COUNTS = ("mqls_touched", "first_touch_mqls", "last_touch_mqls", "linear_mqls")


def touches(mql: dict[str, Any], events: list[Event]) -> list[Event]:
    """The MQL's touches in order: time, then the smallest event_id."""
    return sorted(
        (
            e
            for e in events
            if e.lead_id == mql["lead_id"]
            and e.campaign is not None
            and e.occurred_at <= mql["mql_at"]
        ),
        key=lambda e: (e.occurred_at, e.event_id),
    )


def credits(mql: dict[str, Any], events: list[Event]) -> dict[str, dict[str, Fraction]]:
    """{campaign: {count: credit}} of one MQL."""
    ordered = touches(mql, events)
    if not ordered:
        return {NO_CAMPAIGN: dict.fromkeys(COUNTS, Fraction(1))}
    campaigns = {e.campaign for e in ordered}
    return {
        campaign: {
            "mqls_touched": Fraction(1),
            "first_touch_mqls": Fraction(int(ordered[0].campaign == campaign)),
            "last_touch_mqls": Fraction(int(ordered[-1].campaign == campaign)),
            "linear_mqls": Fraction(1, len(campaigns)),
        }
        for campaign in campaigns
    }


def campaign_attribution(mqls: list[dict[str, Any]], events: list[Event]) -> list[dict[str, Any]]:
    """Rows of rpt_campaign_attribution, sorted by (mql_month, campaign)."""
    totals: dict[tuple[date, str], dict[str, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    for mql in mqls:
        month = date(mql["mql_at"].year, mql["mql_at"].month, 1)
        for campaign, credit in credits(mql, events).items():
            row = totals[(month, campaign)]
            for count in COUNTS:
                row[count] += credit[count]
                if mql["outcome"] == "accepted":
                    row[f"{count}_accepted"] += credit[count]
    return [
        {
            "mql_month": month,
            "campaign": campaign,
            **{
                name: float(row[name]) if name.startswith("linear") else int(row[name])
                for count in COUNTS
                for name in (count, f"{count}_accepted")
            },
        }
        for (month, campaign), row in sorted(totals.items())
    ]
