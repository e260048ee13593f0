"""The demo's ground truth: how much each attribute and behaviour really moves a lead's odds of
being accepted by sales (an SQL), of getting an opportunity and of winning it.

Effects are in log-odds; on the scorecard scale of spec §8 (10 points double the odds) one unit
is 10 / ln 2 = 14.4 points. Behaviour counts through the two traits of leads.py: buying intent
(pricing-page views, form fills, trials, hand-raises follow it) and appetite for content (page
views, e-mail, webinars, downloads follow it, and it barely moves conversion). The default rules
(seeds/) weigh all this differently on purpose. Calibration measures each rule on its own, so it
sees an effect diluted by the lead's other traits; on large demo data it finds (suggested
points against the rule's points):

- worth more: mid-market companies, target industries, referrals, director titles,
  pricing-page views, trials, contact-sales requests; and the penalties of micro companies and
  of leads without an account are too mild;
- worth less: C-level and VP titles (they sign, but seldom fill in a form themselves), manager
  titles, enterprise companies (their buying committees take longer than a quarter), webinar
  attendance, content downloads, form fills; and bounced e-mail is no sign of a lost lead;
- worth nothing: target countries; page views and e-mail opens even lean the other way (a lead
  that converts early has had less time to browse and read);
- about right: head-of titles, the free-mail penalty.

Students, competitors and industries not served are never accepted.
"""

from __future__ import annotations

import numpy as np

from lead_scoring.demo_data.sampling import sigmoid
from lead_scoring.demo_data.vocabulary import SENIORITIES

# Fit: who the lead is.
SENIORITY_EFFECT = {
    "individual": 0.0,
    "manager": 0.9,
    "head": 3.0,
    "director": 3.0,
    "vp": 1.4,
    "chief": 0.3,
}
SIZE_EFFECT = np.array([-1.8, 0.0, 2.0, 0.5])  # micro, small, mid-market, enterprise
TARGET_INDUSTRY_EFFECT = 1.3
NO_ACCOUNT_EFFECT = -0.4  # on top of having no firmographics at all
FREE_MAIL_EFFECT = -0.7
REFERRAL_EFFECT = 1.0  # on top of the intent a referral brings (vocabulary.LEAD_SOURCES)

# Acceptance: fit plus what the lead did.
ACCEPT_BASE = -5.6
INTENT_EFFECT = 1.3
TRIAL_EFFECT = 1.0
HAND_RAISE_EFFECT = 1.5

# After acceptance: about half get an opportunity, about 30% of the closed ones are won.
OPPORTUNITY_BASE = -0.9
OPPORTUNITY_FIT_EFFECT = 0.4
WIN_BASE = -2.4
WIN_FIT_EFFECT = 0.4


def seniority_effects() -> np.ndarray:
    """The fit effect of each seniority level, indexed like vocabulary.SENIORITIES."""
    return np.array([SENIORITY_EFFECT[level] for level in SENIORITIES])


def account_fit(size_bucket: np.ndarray, size_known: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The firmographic part of fit: company size (when enriched) and target industry. Annual
    revenue adds nothing: it only follows size."""
    return np.where(size_known, SIZE_EFFECT[size_bucket], 0.0) + TARGET_INDUSTRY_EFFECT * target


def lead_fit(
    seniority: np.ndarray,
    account_fit_of_lead: np.ndarray,
    has_account: np.ndarray,
    free_mail: np.ndarray,
    referral: np.ndarray,
) -> np.ndarray:
    """A lead's fit in log-odds: title seniority, its account's firmographics, a free-mail
    address, a referral. The country adds nothing."""
    return (
        seniority_effects()[seniority]
        + np.where(has_account, account_fit_of_lead, NO_ACCOUNT_EFFECT)
        + FREE_MAIL_EFFECT * free_mail
        + REFERRAL_EFFECT * referral
    )


def accept_probability(
    fit: np.ndarray,
    intent: np.ndarray,
    trial: np.ndarray,
    hand_raise: np.ndarray,
    bad_fit: np.ndarray,
) -> np.ndarray:
    """The chance that sales accepts a lead once it has looked at it."""
    logit = (
        ACCEPT_BASE
        + fit
        + INTENT_EFFECT * intent
        + TRIAL_EFFECT * trial
        + HAND_RAISE_EFFECT * hand_raise
    )
    return np.where(bad_fit, 0.0, sigmoid(logit))


def opportunity_probability(fit: np.ndarray) -> np.ndarray:
    """The chance that an accepted lead gets an opportunity."""
    return sigmoid(OPPORTUNITY_BASE + OPPORTUNITY_FIT_EFFECT * fit)


def win_probability(fit: np.ndarray) -> np.ndarray:
    """The chance that an opportunity, once closed, is won."""
    return sigmoid(WIN_BASE + WIN_FIT_EFFECT * fit)
