"""A deliberately simple Python reference implementation of lead scoring and the lifecycle.

It is the test oracle the dbt models are compared against: plain loops over one lead at a
time, written straight from the spec (§4, §5) and docs/semantics.md.
"""

from .model import (
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
    Score,
    Threshold,
    band_of,
    engagement_matches,
    evaluation_instants,
    fit_attributes,
    fit_matches,
    grade_of,
    lifecycle,
    run,
    score_at,
    score_history,
    sql_like,
    version_in_force,
)
from .seeds import read_rules

__all__ = [
    "Account",
    "Band",
    "Contribution",
    "Disposition",
    "EngagementRule",
    "Event",
    "FitRule",
    "Grade",
    "Lead",
    "Opportunity",
    "Rules",
    "Score",
    "Threshold",
    "band_of",
    "engagement_matches",
    "evaluation_instants",
    "fit_attributes",
    "fit_matches",
    "grade_of",
    "lifecycle",
    "read_rules",
    "run",
    "score_at",
    "score_history",
    "sql_like",
    "version_in_force",
]
