"""The demo's leads: who they are, and the latent fit, intent and activity their behaviour and
their conversion follow."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lead_scoring.demo_data.accounts import ACCOUNT_INTENT_SHARE, Accounts
from lead_scoring.demo_data.dirt import (
    V_CAPITAL,
    V_LOWER,
    V_LPAD,
    V_RPAD,
    V_UPPER,
    V_UPPER_RPAD,
    broken_account_ids,
    variant,
)
from lead_scoring.demo_data.frame import Frame
from lead_scoring.demo_data.propensity import lead_fit
from lead_scoring.demo_data.sampling import weights
from lead_scoring.demo_data.vocabulary import (
    COMPETITORS,
    COUNTRIES,
    FIRST_NAMES,
    FREE_MAIL,
    INDUSTRIES,
    JOB_TITLES,
    LAST_NAMES,
    LEAD_SOURCES,
    REFERRAL,
    SENIORITIES,
    SYNDICATION_SOURCE,
    WEBINAR_SOURCE,
)


def lead_created_times(n: int, seed: int, start: int, end: int) -> np.ndarray:
    """Sorted lead creation times; volume grows ~50% over the window."""
    rng = np.random.default_rng([seed, 1])
    u = rng.random(n)
    # Inverse CDF of density proportional to 1 + 0.5 x on [0, 1].
    x = (-1 + np.sqrt(1 + 4 * 0.25 * u * 1.25)) / (2 * 0.25)
    return np.sort(start + (x * (end - start)).astype(np.int64))


@dataclass
class LeadState:
    """Latent and derived per-lead values of one chunk, used by events and dispositions."""

    num: np.ndarray  # lead number (1-based)
    created: np.ndarray  # seconds since epoch
    acc: np.ndarray  # account index or -1
    fit: np.ndarray  # fit in log-odds (propensity.py), not the default rules' points
    intent: np.ndarray  # buying intent, ~N(0, 1) plus shifts
    activity: np.ndarray  # appetite for content, ~N(0, 1): how much the lead browses and reads
    seniority: np.ndarray  # index into vocabulary.SENIORITIES
    student: np.ndarray
    job_seeker: np.ndarray
    competitor: np.ndarray
    excluded_industry: np.ndarray
    bad_fit: np.ndarray  # excluded industry, competitor or student
    free_mail: np.ndarray
    size_bucket: np.ndarray  # -1 when no account
    webinar_source: np.ndarray
    syndication_source: np.ndarray


def make_leads(
    rng: np.random.Generator,
    nums: np.ndarray,
    created: np.ndarray,
    accounts: Accounts,
    dirt: bool,
) -> tuple[LeadState, Frame]:
    n = nums.size
    title = rng.choice(len(JOB_TITLES), n, p=weights([t[1] for t in JOB_TITLES]))
    seniority = np.array([SENIORITIES.index(t[2]) for t in JOB_TITLES])[title]
    student = np.array(["s" in t[3] for t in JOB_TITLES])[title]
    job_seeker = np.array(["j" in t[3] for t in JOB_TITLES])[title] & (rng.random(n) < 0.35)
    source = rng.choice(len(LEAD_SOURCES), n, p=weights([s[1] for s in LEAD_SOURCES]))

    # Account match: ~10% without account (mostly free mail), a few competitors.
    competitor = rng.random(n) < 0.006
    has_acc = (rng.random(n) >= 0.095) & ~competitor
    acc = np.where(has_acc, rng.choice(accounts.popularity.size, n, p=accounts.popularity), -1)
    # e-mail domain kind: 0 account domain, 1 free mail, 2 competitor, 3 unmatched company
    kind = np.where(has_acc, np.where(rng.random(n) < 0.085, 1, 0), 0)
    kind = np.where(~has_acc, np.where(rng.random(n) < 0.78, 1, 3), kind)
    kind = np.where(competitor, 2, kind)
    free_mail = kind == 1
    domain_code = np.where(
        kind == 1,
        rng.choice(len(FREE_MAIL), n, p=[0.55, 0.15, 0.15, 0.15]),
        np.where(kind == 2, rng.integers(0, len(COMPETITORS), n), rng.integers(0, 10_000, n)),
    )

    acc_country = np.where(has_acc, accounts.country[np.maximum(acc, 0)], -1)
    country = np.where(
        has_acc & (rng.random(n) < 0.85),
        acc_country,
        rng.choice(len(COUNTRIES), n, p=weights([c[1] for c in COUNTRIES])),
    )
    industry = np.where(has_acc, accounts.industry[np.maximum(acc, 0)], -1)
    excluded = np.array([i[3] for i in INDUSTRIES] + [False])[industry]
    bad_fit = excluded | competitor | student
    fit = lead_fit(
        seniority, accounts.fit[np.maximum(acc, 0)], has_acc, free_mail, source == REFERRAL
    )
    # Intent and activity are independent of fit: a good-fit lead is not keener for it. Part of
    # the intent of a lead with an account is its account's, with the same variance in all.
    own_intent = rng.normal(0.0, 1.0, n)
    intent = (
        np.where(
            has_acc,
            np.sqrt(1 - ACCOUNT_INTENT_SHARE) * own_intent
            + accounts.buying_intent[np.maximum(acc, 0)],
            own_intent,
        )
        + np.array([s[2] for s in LEAD_SOURCES])[source]
        - 0.8 * student
    )
    # Students and job seekers read a lot and buy nothing; keen buyers read a little more.
    activity = rng.normal(0.0, 1.0, n) + 0.6 * (student | job_seeker) + 0.4 * intent

    # Dirt: blank account ids, an orphan account id, mixed case / padded text.
    if dirt:
        blank_acc, orphan_acc = broken_account_ids(rng, has_acc)
    else:
        blank_acc = orphan_acc = np.zeros(n, dtype=bool)
    cols = {
        "num": nums,
        "first": rng.integers(0, len(FIRST_NAMES), n),
        "last": rng.integers(0, len(LAST_NAMES), n),
        "local_style": np.where(free_mail, 3, rng.choice(3, n, p=[0.6, 0.25, 0.15])),
        "local_digits": rng.integers(1, 99, n),
        "mail_kind": kind,
        "domain_code": domain_code,
        "acc": acc,
        "blank_acc": blank_acc,
        "orphan_acc": orphan_acc,
        "created": created,
        "title": title,
        "country": country,
        "source": source,
        "email_var": variant(rng, n, 0.01 * dirt, [V_UPPER, V_CAPITAL, V_RPAD, V_LPAD]),
        "country_var": variant(rng, n, 0.01 * dirt, [V_LOWER, V_LPAD, V_RPAD]),
        "source_var": variant(rng, n, 0.01 * dirt, [V_UPPER, V_CAPITAL, V_RPAD, V_UPPER_RPAD]),
    }
    frame = Frame(cols)
    state = LeadState(
        num=nums,
        created=created,
        acc=acc,
        fit=fit,
        intent=intent,
        activity=activity,
        seniority=seniority,
        student=student,
        job_seeker=job_seeker,
        competitor=competitor,
        excluded_industry=excluded,
        bad_fit=bad_fit,
        free_mail=free_mail,
        size_bucket=np.where(has_acc, accounts.size_bucket[np.maximum(acc, 0)], -1),
        webinar_source=source == WEBINAR_SOURCE,
        syndication_source=source == SYNDICATION_SOURCE,
    )
    return state, frame
