"""Why sales decided what it did: each disposition's reason, from what sales saw of the lead.

Accepted leads asked for it (a hand-raise), are in a trial, or qualified in a call or a
meeting; recycled ones were too cold (little buying intent), or it is not the right time, they
did not answer, or they go back to nurture; disqualified ones are students, competitors, public
sector, job seekers, private persons (no company, a free-mail address), too small to afford it,
the wrong persona (no seniority), or fake. The reasons' text is vocabulary.REASONS.
"""

from __future__ import annotations

import numpy as np

from lead_scoring.demo_data.leads import LeadState
from lead_scoring.demo_data.vocabulary import (
    R_ACTIVE_TRIAL,
    R_BUDGET_CONFIRMED,
    R_COMPETITOR,
    R_INBOUND_REQUEST,
    R_JOB_SEEKER,
    R_MEETING_BOOKED,
    R_NO_BUDGET,
    R_NO_RESPONSE,
    R_NOT_A_COMPANY,
    R_NURTURE,
    R_PUBLIC,
    R_QUALIFIED_IN_CALL,
    R_SPAM,
    R_STUDENT,
    R_TIMING,
    R_TOO_COLD,
    R_WRONG_PERSONA,
    SENIORITIES,
)

# A recycled lead with less buying intent than this was too cold to work.
COLD_INTENT = 0.8
INDIVIDUAL = SENIORITIES.index("individual")


def accepted_reasons(
    rng: np.random.Generator, hand_raised: np.ndarray, in_trial: np.ndarray
) -> np.ndarray:
    """Reasons of accepted leads: their hand-raise or trial, else how sales qualified them."""
    qualified = rng.choice(
        [R_MEETING_BOOKED, R_QUALIFIED_IN_CALL, R_BUDGET_CONFIRMED], hand_raised.size,
        p=[0.45, 0.35, 0.2],
    )  # fmt: skip
    return np.select([hand_raised, in_trial], [R_INBOUND_REQUEST, R_ACTIVE_TRIAL], qualified)


def recycled_reasons(rng: np.random.Generator, intent: np.ndarray) -> np.ndarray:
    """Reasons of recycled leads: too cold when their intent is low, else timing, no answer or
    nurture."""
    other = rng.choice([R_TIMING, R_NO_RESPONSE, R_NURTURE], intent.size, p=[0.4, 0.35, 0.25])
    return np.where(intent < COLD_INTENT, R_TOO_COLD, other)


def disqualified_reasons(rng: np.random.Generator, s: LeadState, idx: np.ndarray) -> np.ndarray:
    """Reasons of disqualified leads (``idx`` into the chunk): the first that applies."""
    return np.select(
        [
            s.student[idx],
            s.competitor[idx],
            s.excluded_industry[idx],
            s.job_seeker[idx],
            s.free_mail[idx] & (s.acc[idx] < 0),
            s.size_bucket[idx] == 0,
            s.seniority[idx] == INDIVIDUAL,
        ],
        [R_STUDENT, R_COMPETITOR, R_PUBLIC, R_JOB_SEEKER, R_NOT_A_COMPANY, R_NO_BUDGET,
         R_WRONG_PERSONA],
        rng.choice([R_NO_BUDGET, R_WRONG_PERSONA, R_SPAM], idx.size, p=[0.4, 0.3, 0.3]),
    )  # fmt: skip
