"""Reference implementation of the calibration reports (spec §8): is the scoring working?

Written from the spec's text, one lead and one rule at a time, with no SQL. It reads what
`model.run` returns (dim_leads, fct_mqls) and the same clean inputs, and scores history again
with `model.score_history`. Every choice the spec leaves open follows docs/semantics.md §6.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .model import Disposition


@dataclass(frozen=True)
class Settings:
    """The vars of spec §8, with their defaults."""

    mql_sla_hours: float = 24.0


def hours_between(earlier: datetime, later: datetime) -> float:
    return (later - earlier).total_seconds() / 3600


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


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
