"""Reference of dim_accounts (spec §9), written from the spec's text.

One row per account of the accounts table, with or without leads. Its leads are the rows of
dim_leads (the reference's own, from `run`) naming its account_id; they are rolled up as the spec
lists: the number of leads and of engaged ones (engagement score > 0), the highest fit score (None
without leads), the summed engagement score (0 without leads) graded and banded with the
fit_grades / engagement_bands tables, open MQLs (leads in mql), leads that ever reached SQL, the
furthest current stage (recycled and disqualified count as lead) and the latest event.

Inputs are clean rows, as for model.py. The latest event is taken over the lead's events up to
as_of, those before the lead's creation included (docs/semantics.md "Accounts, campaigns and
nurture").
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from .model import Account, Band, Event, Grade, band_of, grade_of

# The spec's order of stages; recycled and disqualified count as lead.
STAGE_ORDER = ("lead", "mql", "sql", "opportunity", "customer")


def stage_level(stage: str) -> int:
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else 0


def dim_accounts(
    accounts: list[Account],
    dim_leads: list[dict[str, Any]],
    events: list[Event],
    grades: list[Grade],
    bands: list[Band],
    as_of: datetime,
) -> list[dict[str, Any]]:
    """Rows of dim_accounts, sorted by account_id."""
    rows = []
    for account in sorted(accounts, key=lambda a: a.account_id):
        leads = [lead for lead in dim_leads if lead["account_id"] == account.account_id]
        lead_ids = {lead["lead_id"] for lead in leads}
        event_times = [
            e.occurred_at for e in events if e.lead_id in lead_ids and e.occurred_at <= as_of
        ]
        fit = max((lead["fit_score"] for lead in leads), default=None)
        engagement = math.fsum(lead["engagement_score"] for lead in leads)
        grade = None if fit is None else grade_of(fit, grades)
        band = band_of(engagement, bands)
        furthest = max((stage_level(lead["current_stage"]) for lead in leads), default=None)
        rows.append(
            {
                "account_id": account.account_id,
                "account_name": account.account_name,
                "domain": account.domain,
                "industry": account.industry,
                "account_country": account.country,
                "employee_count": account.employee_count,
                "annual_revenue": account.annual_revenue,
                "leads": len(leads),
                "engaged_leads": sum(1 for lead in leads if lead["engagement_score"] > 0),
                "open_mqls": sum(1 for lead in leads if lead["current_stage"] == "mql"),
                "leads_ever_sql": sum(1 for lead in leads if lead["first_sql_at"] is not None),
                "most_advanced_stage": None if furthest is None else STAGE_ORDER[furthest],
                "account_fit_score": fit,
                "account_engagement_score": engagement,
                "account_fit_grade": grade,
                "account_engagement_band": band,
                "account_priority": None if grade is None or band is None else f"{grade}{band}",
                "latest_event_at": max(event_times, default=None),
            }
        )
    return rows
