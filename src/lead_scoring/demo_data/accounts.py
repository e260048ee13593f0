"""The demo's accounts: companies of every size, the firmographics a lead's fit reads."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lead_scoring.demo_data.dirt import V_CAPITAL, V_LOWER, V_LPAD, V_RPAD, V_UPPER, variant
from lead_scoring.demo_data.frame import Frame
from lead_scoring.demo_data.propensity import account_fit
from lead_scoring.demo_data.sampling import weights
from lead_scoring.demo_data.vocabulary import (
    ACCOUNT_ADJ,
    ACCOUNT_KIND,
    ACCOUNT_NOUN,
    COUNTRIES,
    INDUSTRIES,
)

# The share of a lead's buying intent that comes from its account: a buying group looks at the
# market together, so an account in the market shows several engaged leads at once.
ACCOUNT_INTENT_SHARE = 0.36


@dataclass
class Accounts:
    """Account attributes the lead generator needs, by account index."""

    size_bucket: np.ndarray  # 0 micro <10, 1 small, 2 mid 200-4999, 3 enterprise 5000+
    employees: np.ndarray
    revenue: np.ndarray
    industry: np.ndarray
    country: np.ndarray
    popularity: np.ndarray  # probability a lead belongs to the account
    fit: np.ndarray  # firmographic fit, in log-odds (propensity.py)
    buying_intent: np.ndarray  # the part of its leads' buying intent they share (leads.py)


def make_accounts(n_acc: int, seed: int, dirt: bool) -> tuple[Accounts, Frame]:
    rng = np.random.default_rng([seed, 0])
    size_bucket = rng.choice(4, n_acc, p=[0.2, 0.5, 0.24, 0.06])
    lo = np.array([1, 10, 200, 5000])[size_bucket]
    hi = np.array([10, 200, 5000, 250_000])[size_bucket]
    employees = np.floor(np.exp(rng.uniform(np.log(lo), np.log(hi)))).astype(np.int32)
    per_head = np.exp(rng.normal(np.log(160_000), 0.5, n_acc))
    revenue = np.round(employees * per_head, -3)
    industry = rng.choice(len(INDUSTRIES), n_acc, p=weights([i[1] for i in INDUSTRIES]))
    country = rng.choice(len(COUNTRIES), n_acc, p=weights([c[1] for c in COUNTRIES]))
    popularity = (rng.pareto(2.0, n_acc) + 1.0) * np.array([0.8, 1.0, 1.2, 1.5])[size_bucket]
    popularity /= popularity.sum()
    # Enrichment gaps: a few accounts without industry or size (legitimate nulls).
    emp_null = rng.random(n_acc) < 0.02
    ind_null = rng.random(n_acc) < 0.02
    target = np.array([i[2] for i in INDUSTRIES])[industry] & ~ind_null
    fit = account_fit(size_bucket, ~emp_null, target)
    combos = len(ACCOUNT_ADJ) * len(ACCOUNT_NOUN) * len(ACCOUNT_KIND)
    idx = np.arange(n_acc)
    perm = rng.permutation(combos)
    combo = perm[idx % combos]
    frame = Frame(
        {
            "ord": idx,
            "num": idx + 1,
            "adj": combo // (len(ACCOUNT_NOUN) * len(ACCOUNT_KIND)),
            "noun": (combo // len(ACCOUNT_KIND)) % len(ACCOUNT_NOUN),
            "kind": combo % len(ACCOUNT_KIND),
            "round": idx // combos,
            "industry": industry,
            "industry_null": ind_null,
            "industry_var": variant(rng, n_acc, 0.015 * dirt, [V_UPPER, V_CAPITAL, V_RPAD]),
            "employees": employees,
            "employees_null": emp_null,
            "revenue": revenue,
            "country": country,
            "country_var": variant(rng, n_acc, 0.01 * dirt, [V_LOWER, V_LPAD, V_RPAD]),
        }
    )
    buying_intent = rng.normal(0.0, np.sqrt(ACCOUNT_INTENT_SHARE), n_acc)
    accounts = Accounts(
        size_bucket=size_bucket,
        employees=np.where(emp_null, 0, employees),
        revenue=revenue,
        industry=np.where(ind_null, -1, industry),
        country=country,
        popularity=popularity,
        fit=fit,
        buying_intent=buying_intent,
    )
    return accounts, frame
