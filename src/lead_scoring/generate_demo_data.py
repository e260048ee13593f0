"""Generate realistic, deliberately dirty demo data for the lead-scoring warehouse.

Writes the five raw tables of the spec (§2) -- ``leads``, ``accounts``, ``events``,
``sales_dispositions`` and ``opportunities`` -- as ``<table>.parquet`` (or ``<table>.csv``
with a header row) into one folder, the folder ``LEAD_SCORING_RAW_DIR`` points at, with a
note, ``_demo_data.json``, that says they are demo data and whether they are dirty on purpose
(demo_marker.py: the run summary says so).

Usage::

    python -m lead_scoring.generate_demo_data --out data/raw
    python -m lead_scoring.generate_demo_data --out /tmp/raw --leads 1000000 --events-per-lead 20 \\
        --seed 7 --end-date 2026-06-30 --days 540 --format parquet
    python -m lead_scoring.generate_demo_data --out /tmp/clean --no-dirt --format csv

The data models a B2B funnel. Every lead has a latent fit (job title seniority, company size,
industry, country, e-mail domain, account match, lead source) and a latent intent that drives
how many events it produces and which ones (pricing-page views, webinars, trials, hand-raises,
demo and quote requests). Events cluster around an engagement peak after ``created_at``; some
anonymous page views come a few days before it. Sales accepts, recycles (some recycled leads
re-engage later) or disqualifies leads; about half of the accepted leads get an opportunity, a
few opportunities are sales-sourced, and about 30% of the closed ones are won.

Unless ``--no-dirt`` is given, a small share of rows is dirty in the ways the staging layer must
handle (docs/semantics.md §1): duplicate event ids (exact copies and copies with another
``occurred_at``), events / dispositions / an opportunity of unknown leads, unknown event types,
null and future ``occurred_at``, mixed-case and padded text, empty strings for nulls, duplicate
lead rows, leads pointing at a missing account, and dispositions with an unknown status.

Output is deterministic: the same flags give byte-identical files (``--end-date`` defaults to
today in UTC, the only wall-clock input). All timestamps are naive UTC and lie at or before the
end of ``--end-date``, except the deliberately future-dated events. Generation is vectorised
with numpy and goes through a temporary on-disk DuckDB database in chunks of leads, so memory
stays bounded (1M leads x 20 events takes a few minutes).

``generate()`` is the in-process entry point for tests and benchmarks.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import numpy as np

from lead_scoring.demo_marker import write_marker

TABLES = ("leads", "accounts", "events", "sales_dispositions", "opportunities")
LEADS_PER_CHUNK = 50_000
MAX_LEADS = 10_000_000
MEMORY_LIMIT = "1GB"  # DuckDB spills to disk beyond this
UNKNOWN_LEAD_BASE = 90_000_000  # lead numbers from here on do not exist
DAY = 86_400
EPOCH = date(1970, 1, 1)
SITE = "https://www.acme-analytics.example"


def words(text: str) -> list[str]:
    """Split a space-separated vocabulary."""
    return text.split()


# ---------------------------------------------------------------------------------------------
# Vocabularies. Clean values are lower-case (codes upper-case); dirt variants are applied in SQL.
# ---------------------------------------------------------------------------------------------

# (country, weight); the first eight are the target markets.
COUNTRIES = [
    ("US", 40), ("GB", 12), ("DE", 9), ("CA", 6), ("FR", 5), ("NL", 4), ("SE", 3), ("AU", 4),
    ("IN", 5), ("BR", 3), ("JP", 2), ("ES", 2), ("IT", 1.5), ("SG", 1), ("MX", 1), ("PL", 1),
    ("ZA", 0.5),
]  # fmt: skip
TARGET_COUNTRIES = 8

# (industry, weight, target industry?, excluded?)
INDUSTRIES = [
    ("software", 24, True, False), ("financial services", 13, True, False),
    ("healthcare", 11, True, False), ("manufacturing", 11, True, False),
    ("retail", 10, False, False), ("education", 8, False, False),
    ("government", 5, False, True), ("professional services", 8, False, False),
    ("media", 5, False, False), ("telecommunications", 5, False, False),
]  # fmt: skip

# (title, weight, seniority points, flags) flags: s = student, j = job seeker (careers pages)
JOB_TITLES = [
    ("Chief Marketing Officer", 1.0, 20, ""), ("Chief Revenue Officer", 0.6, 20, ""),
    ("Chief Data Officer", 0.4, 20, ""), ("Chief Technology Officer", 0.5, 20, ""),
    ("Chief Executive Officer", 0.5, 20, ""),
    ("VP Marketing", 1.5, 20, ""), ("VP of Sales", 1.0, 20, ""),
    ("Vice President, Revenue Operations", 0.7, 20, ""), ("Vice President of Data", 0.5, 20, ""),
    ("Director of Marketing", 3.0, 15, ""), ("Marketing Operations Director", 1.5, 15, ""),
    ("Director, Demand Generation", 1.5, 15, ""), ("Sales Director", 1.5, 15, ""),
    ("Director of Analytics", 1.0, 15, ""),
    ("Head of Growth", 1.5, 15, ""), ("Head of Marketing", 1.5, 15, ""),
    ("Head of Data", 1.0, 15, ""), ("Head of Sales Operations", 1.0, 15, ""),
    ("Marketing Manager", 6.0, 8, ""), ("Marketing Operations Manager", 4.0, 8, ""),
    ("Demand Generation Manager", 3.0, 8, ""), ("Sales Manager", 3.0, 8, ""),
    ("Product Manager", 2.0, 8, ""), ("Engineering Manager", 1.5, 8, ""),
    ("Marketing Analyst", 5.0, 0, ""), ("Data Analyst", 5.0, 0, "j"),
    ("Business Analyst", 3.0, 0, ""), ("Sales Operations Analyst", 2.0, 0, ""),
    ("Software Engineer", 5.0, 0, "j"), ("Data Engineer", 4.0, 0, "j"),
    ("Analytics Engineer", 2.0, 0, "j"), ("Solutions Engineer", 1.0, 0, ""),
    ("Marketing Specialist", 4.0, 0, ""), ("Marketing Coordinator", 3.0, 0, ""),
    ("Sales Development Representative", 4.0, 0, ""), ("Account Executive", 3.0, 0, ""),
    ("Consultant", 3.0, 0, ""), ("Founder", 1.5, 0, ""), ("Owner", 1.0, 0, ""),
    ("Student", 2.0, 0, "sj"), ("Graduate Student", 1.0, 0, "sj"), ("MBA Student", 0.7, 0, "sj"),
    ("Marketing Intern", 1.2, 0, "j"), ("Data Science Intern", 0.8, 0, "j"),
]  # fmt: skip

# (lead source, weight, intent shift)
LEAD_SOURCES = [
    ("organic_search", 22, 0.0), ("paid_search", 15, 0.1), ("paid_social", 10, -0.3),
    ("referral", 6, 0.5), ("webinar", 10, 0.2), ("event", 7, 0.1),
    ("content_syndication", 15, -0.5), ("direct", 15, 0.3),
]  # fmt: skip
REFERRAL = 3
WEBINAR_SOURCE = 4

FREE_MAIL = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com"]
COMPETITORS = ["rivalscore.example", "leadmagnet.example"]

FIRST_NAMES = words(
    "james mary john patricia robert jennifer michael linda david elizabeth william barbara "
    "richard susan joseph jessica thomas sarah charles karen daniel lisa matthew nancy anthony "
    "sandra mark ashley priya rahul wei li yuki hiro lukas anna sofia lars emma noah olivia "
    "liam mia lucas chloe hugo lea finn ines mateo camila"
)
LAST_NAMES = words(
    "smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez "
    "wilson anderson thomas taylor moore jackson martin lee thompson white harris clark lewis "
    "walker young allen king wright scott green baker adams nelson hill patel sharma kumar "
    "chen wang tanaka suzuki muller schmidt schneider dubois lefevre jansen devries andersson"
)

ACCOUNT_ADJ = words(
    "Blue Bright North South East West Silver Golden Red Green Iron Summit Clear Swift Nova "
    "Prime Apex Vertex Pioneer Harbor Cedar Maple Oak Pine River Lake Stone Crystal Lunar Solar "
    "Polar Urban Global United First Atlas Orion Vector Quantum Zenith"
)
ACCOUNT_NOUN = words(
    "Peak Ridge Bay Field Bridge Point Path Wave Stream Forge Works Labs Gate Tower Line Grid "
    "Core Hub Base Loop Leaf Rock Port Crest Vale Haven Shore Falls Trail Spring Harvest Signal "
    "Pulse Beacon Anchor Compass Arrow Circle Square Matrix"
)
ACCOUNT_KIND = words(
    "Systems Analytics Software Health Bank Capital Logistics Manufacturing Retail Media "
    "Partners Group"
)
OTHER_DOMAIN_WORDS = words("mail corp biz studio consulting digital ventures solutions")

# Event types: the first 13 are the known ones; then unknown ones (dirt).
EVENT_TYPES = [
    "page_view", "email_open", "email_click", "form_submit", "content_download",
    "webinar_registered", "webinar_attended", "trial_started", "contact_sales",
    "demo_request", "quote_request", "unsubscribe", "email_bounce",
    "chat_started", "video_played", "g2_profile_view",
]  # fmt: skip
(
    PAGE_VIEW, EMAIL_OPEN, EMAIL_CLICK, FORM_SUBMIT, CONTENT_DOWNLOAD, WEBINAR_REGISTERED,
    WEBINAR_ATTENDED, TRIAL_STARTED, CONTACT_SALES, DEMO_REQUEST, QUOTE_REQUEST, UNSUBSCRIBE,
    EMAIL_BOUNCE, UNKNOWN_FIRST,
) = range(14)  # fmt: skip
N_UNKNOWN_TYPES = len(EVENT_TYPES) - UNKNOWN_FIRST

# Background (non-milestone) event mix: (type, base weight, intent slope)
BACKGROUND_MIX = [
    (PAGE_VIEW, 0.56, 0.0), (EMAIL_OPEN, 0.26, -0.3), (EMAIL_CLICK, 0.08, 0.3),
    (FORM_SUBMIT, 0.015, 0.6), (CONTENT_DOWNLOAD, 0.03, 0.4),
]  # fmt: skip

# Site paths by category; an url code indexes the flattened list.
PATHS: dict[str, list[str]] = {
    "home": ["/", "/?utm_source=google&utm_medium=cpc", "/?ref=newsletter"],
    "blog": [
        f"/blog/{s}"
        for s in (
            "what-is-lead-scoring", "mql-vs-sql", "b2b-attribution-guide",
            "marketing-ops-checklist", "data-warehouse-for-marketers", "intent-signals-101",
            "dbt-for-revops", "funnel-benchmarks-2025", "account-based-marketing",
            "customer-data-platforms-compared", "building-a-lead-model", "webinar-recap-q3",
        )
    ],
    "product": [
        "/product", "/product/lead-scoring", "/product/attribution", "/product/dashboards",
        "/product/integrations", "/product/security", "/features", "/how-it-works",
    ],
    "docs": [
        f"/docs/{s}"
        for s in (
            "getting-started", "api", "api/authentication", "sdk/python", "connectors/salesforce",
            "connectors/hubspot", "scoring-rules", "faq",
        )
    ],
    "pricing": ["/pricing", "/pricing?plan=team", "/pricing?plan=enterprise", "/pricing/compare"],
    "careers": ["/careers", "/careers/data-engineer", "/careers/account-executive"],
    "other": ["/customers", "/customers/case-study-northwind", "/about", "/integrations"],
    "resources": [
        f"/resources/{s}"
        for s in ("lead-scoring-playbook", "state-of-revops-2025", "roi-calculator", "mql-template")
    ],
    "contact_sales": ["/contact-sales"],
    "demo": ["/demo", "/book-a-demo"],
    "signup": ["/signup", "/trial"],
    "quote": ["/pricing/quote"],
    "webinar": ["/webinars/scoring-masterclass", "/webinars/revops-live", "/webinars/q-and-a"],
    "contact": ["/contact"],
}  # fmt: skip
PATH_LIST = [p for paths in PATHS.values() for p in paths]
PATH_OFFSET: dict[str, int] = {}
_offset = 0
for _category, _paths in PATHS.items():
    PATH_OFFSET[_category] = _offset
    _offset += len(_paths)
# Browsing categories and base weights (pricing and careers are set per lead).
BROWSE = [("home", 0.20), ("blog", 0.33), ("product", 0.20), ("docs", 0.10), ("other", 0.09)]

CAMPAIGNS = [
    "newsletter", "product-update", "nurture-1", "nurture-2", "nurture-3", "event-followup",
    "trial-onboarding", "webinar-invite", "webinar-scoring-masterclass", "webinar-revops-live",
    "content-syndication-q", "abm-enterprise",
]  # fmt: skip
EMAIL_CAMPAIGNS = 8  # the first eight are e-mail programs
WEBINAR_CAMPAIGN_FIRST = 8

STATUSES = ["accepted", "recycled", "disqualified", "pending"]
ACCEPTED, RECYCLED, DISQUALIFIED, PENDING = range(4)
REASONS = [
    "meeting booked", "budget and timeline confirmed", "active evaluation", "qualified by SDR",
    "no response", "timing - revisit next quarter", "no budget this year", "went with nurture",
    "student", "competitor", "public sector - not served", "company too small",
    "fake or spam details", "job seeker", "no fit",
    "awaiting SDR review",
]  # fmt: skip
REASON_ACCEPTED = (0, 4)
REASON_RECYCLED = (4, 8)
R_STUDENT, R_COMPETITOR, R_PUBLIC, R_SMALL, R_SPAM, R_JOBSEEKER, R_NOFIT, R_PENDING = range(8, 16)

# Text dirt variants, applied by the SQL macro ``dirty``.
V_CLEAN, V_UPPER, V_LPAD, V_RPAD, V_UPPER_RPAD, V_CAPITAL, V_LOWER = range(7)


@dataclass
class Frame:
    """Column arrays of one table chunk (all the same length)."""

    cols: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(next(iter(self.cols.values())))

    def take(self, idx: np.ndarray) -> Frame:
        return Frame({k: v[idx] for k, v in self.cols.items()})

    @staticmethod
    def concat(frames: list[Frame]) -> Frame:
        keys = frames[0].cols.keys()
        return Frame({k: np.concatenate([f.cols[k] for f in frames]) for k in keys})


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def weights(values: list[float]) -> np.ndarray:
    w = np.asarray(values, dtype=float)
    return w / w.sum()


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def n_dirty(rng: np.random.Generator, n: int, share: float) -> int:
    """How many rows of ``n`` to make dirty: about ``share`` of them, at least one."""
    if n == 0:
        return 0
    return int(min(n, max(1, rng.binomial(n, share))))


def secs(x: np.ndarray | float) -> np.ndarray:
    """Days (float) to whole seconds."""
    return np.round(np.asarray(x, dtype=float) * DAY).astype(np.int64)


def fold_into(ts: np.ndarray, lo: np.ndarray, hi: np.ndarray, rng: np.random.Generator) -> None:
    """Move times before ``lo`` to after it (mirrored) and times after ``hi`` to a uniform time
    in ``[lo, hi]``, in place."""
    before = ts < lo
    ts[before] = 2 * lo[before] - ts[before]
    after = ts > hi
    span = np.maximum(hi[after] - lo[after], 0)
    ts[after] = lo[after] + (rng.random(after.sum()) * span).astype(np.int64)


def variant(rng: np.random.Generator, n: int, share: float, choices: list[int]) -> np.ndarray:
    """Per-row dirt variant codes: ``V_CLEAN`` except about ``share`` (at least one row)."""
    v = np.zeros(n, dtype=np.int8)
    if share > 0 and n > 0:
        idx = rng.choice(n, n_dirty(rng, n, share), replace=False)
        v[idx] = rng.choice(choices, idx.size)
    return v


# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------


@dataclass
class Accounts:
    """Account attributes the lead generator needs, by account index."""

    size_bucket: np.ndarray  # 0 micro <10, 1 small, 2 mid 200-4999, 3 enterprise 5000+
    employees: np.ndarray
    revenue: np.ndarray
    industry: np.ndarray
    country: np.ndarray
    popularity: np.ndarray  # probability a lead belongs to the account
    fit: np.ndarray  # latent firmographic fit points


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
    fit = (
        np.where(emp_null, 0, np.array([-10, 0, 15, 20])[size_bucket])
        + 10 * target
        + 10 * ((revenue >= 1e8) & ~emp_null)
    )
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
    accounts = Accounts(
        size_bucket=size_bucket,
        employees=np.where(emp_null, 0, employees),
        revenue=revenue,
        industry=np.where(ind_null, -1, industry),
        country=country,
        popularity=popularity,
        fit=fit,
    )
    return accounts, frame


# ---------------------------------------------------------------------------------------------
# Leads
# ---------------------------------------------------------------------------------------------


@dataclass
class LeadState:
    """Latent and derived per-lead values of one chunk, used by events and dispositions."""

    num: np.ndarray  # lead number (1-based)
    created: np.ndarray  # seconds since epoch
    acc: np.ndarray  # account index or -1
    fit: np.ndarray  # latent fit points (mirrors the default fit rules)
    intent: np.ndarray  # latent intent, ~N(0, 1) plus shifts
    student: np.ndarray
    job_seeker: np.ndarray
    competitor: np.ndarray
    bad_fit: np.ndarray  # excluded industry, competitor or student
    size_bucket: np.ndarray  # -1 when no account
    webinar_source: np.ndarray


def make_leads(
    rng: np.random.Generator,
    nums: np.ndarray,
    created: np.ndarray,
    accounts: Accounts,
    dirt: bool,
) -> tuple[LeadState, Frame]:
    n = nums.size
    title = rng.choice(len(JOB_TITLES), n, p=weights([t[1] for t in JOB_TITLES]))
    title_pts = np.array([t[2] for t in JOB_TITLES])[title]
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
    fit = (
        title_pts
        + np.where(has_acc, accounts.fit[np.maximum(acc, 0)], -5)
        + 5 * (country < TARGET_COUNTRIES)
        - 10 * free_mail
        + 10 * (source == REFERRAL)
    )
    intent = (
        rng.normal(0.0, 1.0, n)
        + np.array([s[2] for s in LEAD_SOURCES])[source]
        + 0.015 * (fit - 20)
        - 0.8 * student
    )

    # Dirt: blank account ids, an orphan account id, mixed case / padded text.
    blank_acc = np.zeros(n, dtype=bool)
    orphan_acc = np.zeros(n, dtype=bool)
    if dirt:
        no_acc = np.flatnonzero(~has_acc)
        if no_acc.size:
            blank_acc[rng.choice(no_acc, n_dirty(rng, no_acc.size, 0.15), replace=False)] = True
        orphan_acc[rng.choice(n, n_dirty(rng, n, 0.002), replace=False)] = True
        orphan_acc &= ~blank_acc
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
        student=student,
        job_seeker=job_seeker,
        competitor=competitor,
        bad_fit=bad_fit,
        size_bucket=np.where(has_acc, accounts.size_bucket[np.maximum(acc, 0)], -1),
        webinar_source=source == WEBINAR_SOURCE,
    )
    return state, frame


def duplicate_leads(rng: np.random.Generator, frame: Frame, end: int) -> Frame:
    """Copies of some lead rows: exact ones, and ones created later with mixed-case e-mail."""
    n = len(frame)
    idx = rng.choice(n, n_dirty(rng, n, 0.008), replace=False)
    dup = frame.take(idx)
    later = rng.random(idx.size) < 0.5
    shift = secs(rng.uniform(0.01, 30, idx.size))
    dup.cols["created"] = np.where(
        later, np.minimum(dup.cols["created"] + shift, end), dup.cols["created"]
    )
    dup.cols["email_var"] = np.where(later, V_CAPITAL, dup.cols["email_var"]).astype(np.int8)
    return dup


# ---------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------


def event_frame(
    lead: np.ndarray, etype: np.ndarray, ts: np.ndarray, url: np.ndarray, camp: np.ndarray
) -> Frame:
    return Frame(
        {
            "lead": lead.astype(np.int64),
            "etype": etype.astype(np.int16),
            "ts": ts.astype(np.int64),
            "url": url.astype(np.int32),
            "camp": camp.astype(np.int32),
        }
    )


def pick_paths(rng: np.random.Generator, category: str, n: int) -> np.ndarray:
    return PATH_OFFSET[category] + rng.integers(0, len(PATHS[category]), n)


def browse_urls(
    rng: np.random.Generator, p_pricing: np.ndarray, p_careers: np.ndarray
) -> np.ndarray:
    """Url codes of page views, given each view's chance of pricing and careers pages."""
    n = p_pricing.size
    u = rng.random(n)
    url = np.empty(n, dtype=np.int64)
    pricing = u < p_pricing
    careers = ~pricing & (u < p_pricing + p_careers)
    rest = ~pricing & ~careers
    url[pricing] = pick_paths(rng, "pricing", pricing.sum())
    url[careers] = pick_paths(rng, "careers", careers.sum())
    cat = rng.choice(len(BROWSE), rest.sum(), p=weights([b[1] for b in BROWSE]))
    rest_url = np.empty(cat.size, dtype=np.int64)
    for i, (name, _) in enumerate(BROWSE):
        sel = cat == i
        rest_url[sel] = pick_paths(rng, name, sel.sum())
    url[rest] = rest_url
    return url


@dataclass
class Milestones:
    """Per-lead times (or -1) of the engagement milestones that matter downstream."""

    peak: np.ndarray
    last_key: np.ndarray  # end of the engagement peak
    hand_raise: np.ndarray  # contact_sales / demo_request / quote_request time or -1


def milestone_events(
    rng: np.random.Generator, s: LeadState, end: int
) -> tuple[list[Frame], Milestones]:
    n = s.num.size
    z, fit = s.intent, s.fit
    fitz = np.clip((fit - 20) / 20, -1.5, 1.5)
    peak = s.created + secs(rng.gamma(1.5, 8.0, n))
    peak = np.minimum(peak, end)
    frames: list[Frame] = []
    last_key = np.minimum(peak + secs(5), end)
    hand_raise = np.full(n, -1, dtype=np.int64)
    none = np.full(n, -1)

    def add(
        etype: int, p: np.ndarray, offset_days: np.ndarray, url: np.ndarray, camp: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Give each lead the event with probability ``p``, ``offset_days`` from its peak."""
        hit = rng.random(n) < p
        idx = np.flatnonzero(hit)
        ts = peak[idx] + secs(offset_days[idx])
        fold_into(ts, s.created[idx], np.full(idx.size, end), rng)
        frames.append(event_frame(idx, np.full(idx.size, etype), ts, url[idx], camp[idx]))
        return idx, ts

    web_p = sigmoid(-2.0 + 0.8 * z + 2.2 * s.webinar_source)
    web_camp = WEBINAR_CAMPAIGN_FIRST + rng.integers(0, 2, n)
    web_url = pick_paths(rng, "webinar", n)
    reg_idx, reg_ts = add(WEBINAR_REGISTERED, web_p, rng.normal(-3, 4, n), web_url, web_camp)
    att = rng.random(reg_idx.size) < 0.5 + 0.1 * np.clip(z[reg_idx], -1, 2)
    a_idx = reg_idx[att]
    a_ts = np.minimum(reg_ts[att] + secs(rng.uniform(1, 10, a_idx.size)), end)
    frames.append(
        event_frame(
            a_idx, np.full(a_idx.size, WEBINAR_ATTENDED), a_ts, web_url[a_idx], web_camp[a_idx]
        )
    )
    last_key[a_idx] = np.maximum(last_key[a_idx], a_ts)

    add(
        CONTENT_DOWNLOAD,
        sigmoid(-1.6 + 0.6 * z),
        rng.normal(-4, 5, n),
        pick_paths(rng, "resources", n),
        none,
    )
    t_idx, t_ts = add(
        TRIAL_STARTED,
        sigmoid(-3.4 + 1.0 * z + 0.6 * fitz),
        rng.normal(1, 3, n),
        pick_paths(rng, "signup", n),
        none,
    )
    last_key[t_idx] = np.maximum(last_key[t_idx], t_ts)

    hr_base = -4.9 + 1.15 * z + 0.9 * fitz - 1.5 * s.bad_fit
    for etype, shift, category in (
        (CONTACT_SALES, 0.0, "contact_sales"),
        (DEMO_REQUEST, -0.1, "demo"),
        (QUOTE_REQUEST, -1.4, "quote"),
    ):
        idx, ts = add(
            etype,
            sigmoid(hr_base + shift),
            rng.normal(3, 3, n),
            pick_paths(rng, category, n),
            none,
        )
        first = np.where(hand_raise[idx] < 0, ts, np.minimum(hand_raise[idx], ts))
        hand_raise[idx] = first
        last_key[idx] = np.maximum(last_key[idx], ts)

    add(
        UNSUBSCRIBE,
        sigmoid(-3.2 - 0.6 * z),
        rng.uniform(5, 120, n),
        none,
        rng.integers(0, EMAIL_CAMPAIGNS, n),
    )
    add(
        EMAIL_BOUNCE,
        np.full(n, 0.025),
        rng.uniform(-10, 60, n),
        none,
        rng.integers(0, EMAIL_CAMPAIGNS, n),
    )
    return frames, Milestones(peak, last_key, hand_raise)


def background_events(
    rng: np.random.Generator,
    s: LeadState,
    m: Milestones,
    counts: np.ndarray,
    end: int,
) -> Frame:
    """Page views, e-mail opens / clicks, form fills and downloads around each lead's peak."""
    n = s.num.size
    lead = np.repeat(np.arange(n), counts)
    k = lead.size
    z = s.intent[lead]
    created = s.created[lead]
    # Type mix per event from its lead's intent.
    base = np.array([b[1] for b in BACKGROUND_MIX])
    slope = np.array([b[2] for b in BACKGROUND_MIX])
    w = base[None, :] * np.exp(slope[None, :] * np.clip(s.intent, -2.5, 2.5)[:, None])
    cum = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)
    pick = (rng.random(k)[:, None] > cum[lead]).sum(axis=1)
    etype = np.array([b[0] for b in BACKGROUND_MIX])[np.minimum(pick, len(BACKGROUND_MIX) - 1)]

    # Timing: anonymous visits before sign-up, a burst around the peak, a long tail of e-mail.
    u = rng.random(k)
    spread = rng.uniform(3, 20, n)[lead]
    ts = np.where(
        u < 0.06,
        created - secs(rng.uniform(0.02, 6, k)),
        np.where(
            u < 0.55,
            m.peak[lead] + secs(rng.normal(0, 1, k) * spread),
            created + secs(rng.exponential(90, k)),
        ),
    )
    pre = u < 0.06
    etype[pre] = PAGE_VIEW
    post = ~pre
    ts_post = ts[post]
    fold_into(ts_post, created[post], np.full(ts_post.size, end), rng)
    ts[post] = ts_post

    url = np.full(k, -1, dtype=np.int64)
    camp = np.full(k, -1, dtype=np.int64)
    pv = etype == PAGE_VIEW
    p_pricing = np.clip(0.025 * np.exp(0.8 * np.clip(z, -3, 3)), 0, 0.3)
    p_careers = np.where(s.job_seeker[lead], 0.25, 0.004)
    url[pv] = browse_urls(rng, p_pricing[pv], p_careers[pv])
    click = etype == EMAIL_CLICK
    url[click] = browse_urls(rng, p_pricing[click], np.zeros(click.sum()))
    form = etype == FORM_SUBMIT
    url[form] = pick_paths(rng, "contact", form.sum())
    dl = etype == CONTENT_DOWNLOAD
    url[dl] = pick_paths(rng, "resources", dl.sum())
    mail = (etype == EMAIL_OPEN) | click
    camp[mail] = rng.integers(0, EMAIL_CAMPAIGNS, mail.sum())
    return event_frame(lead, etype, ts, url, camp)


def reengagement_events(
    rng: np.random.Generator, idx: np.ndarray, start: np.ndarray, end: int
) -> tuple[Frame, np.ndarray]:
    """A second burst of engagement for recycled leads; returns events and burst ends."""
    counts = rng.integers(3, 13, idx.size)
    lead = np.repeat(idx, counts)
    burst_start = np.repeat(start, counts)
    ts = burst_start + secs(rng.uniform(0, 14, lead.size))
    fold_into(ts, burst_start, np.full(lead.size, end), rng)
    etype = rng.choice(
        [PAGE_VIEW, EMAIL_CLICK, FORM_SUBMIT, CONTENT_DOWNLOAD, DEMO_REQUEST],
        lead.size,
        p=[0.6, 0.2, 0.1, 0.08, 0.02],
    )
    url = np.full(lead.size, -1, dtype=np.int64)
    pv = (etype == PAGE_VIEW) | (etype == EMAIL_CLICK)
    url[pv] = browse_urls(rng, np.full(pv.sum(), 0.3), np.zeros(pv.sum()))
    url[etype == FORM_SUBMIT] = pick_paths(rng, "contact", (etype == FORM_SUBMIT).sum())
    url[etype == CONTENT_DOWNLOAD] = pick_paths(rng, "resources", (etype == CONTENT_DOWNLOAD).sum())
    url[etype == DEMO_REQUEST] = pick_paths(rng, "demo", (etype == DEMO_REQUEST).sum())
    camp = np.where(etype == EMAIL_CLICK, rng.integers(0, EMAIL_CAMPAIGNS, lead.size), -1)
    burst_end = np.full(idx.size, -1, dtype=np.int64)
    np.maximum.at(burst_end, np.searchsorted(idx, lead), ts)
    return event_frame(lead, etype, ts, url, camp), burst_end


def finish_events(
    rng: np.random.Generator, ev: Frame, s: LeadState, first_id: int, end: int, dirt: bool
) -> Frame:
    """Sort a chunk's events, number them and add dirt; returns the rows to write."""
    order = np.lexsort((ev.cols["ts"], ev.cols["lead"]))
    ev = ev.take(order)
    k = len(ev)
    ev.cols["lead"] = s.num[ev.cols["lead"]]
    ev.cols["id"] = first_id + np.arange(k, dtype=np.int64)
    flags = {name: np.zeros(k, dtype=bool) for name in ("ts_null", "blank_url", "blank_camp")}
    ev.cols.update(flags)
    ev.cols["type_var"] = np.zeros(k, dtype=np.int8)
    if not dirt or k == 0:
        return ev
    # Disjoint sets of page views / e-mail opens get in-place dirt.
    pv = rng.permutation(np.flatnonzero(ev.cols["etype"] == PAGE_VIEW))
    sizes = [n_dirty(rng, k, share) for share in (0.004, 0.003, 0.003, 0.012, 0.01)]
    cuts = np.cumsum([0, *sizes])
    unknown, nulls, future, case, blank_c = (pv[cuts[i] : cuts[i + 1]] for i in range(5))
    ev.cols["etype"][unknown] = UNKNOWN_FIRST + rng.integers(0, N_UNKNOWN_TYPES, unknown.size)
    ev.cols["ts_null"][nulls] = True
    ev.cols["ts"][future] = end + secs(rng.uniform(0.01, 90, future.size))
    ev.cols["type_var"][case] = rng.choice([V_UPPER_RPAD, V_CAPITAL, V_LPAD, V_UPPER], case.size)
    ev.cols["blank_camp"][blank_c] = True
    opens = np.flatnonzero(ev.cols["url"] < 0)
    if opens.size:
        ev.cols["blank_url"][rng.choice(opens, n_dirty(rng, opens.size, 0.01), replace=False)] = (
            True
        )
    # Appended rows: duplicates (exact, and with another occurred_at) and unknown leads.
    exact = ev.take(rng.choice(k, n_dirty(rng, k, 0.006), replace=False))
    moved = ev.take(rng.choice(k, n_dirty(rng, k, 0.004), replace=False))
    moved.cols["ts"] = np.minimum(
        moved.cols["ts"] + rng.integers(-3 * 3600, 3 * 3600, len(moved)) + 1, end
    )
    moved.cols["ts_null"][:] = False
    orphans = ev.take(rng.choice(k, n_dirty(rng, k, 0.005), replace=False))
    orphans.cols["lead"] = UNKNOWN_LEAD_BASE + rng.integers(0, 9_000_000, len(orphans))
    orphans.cols["id"] = first_id + k + np.arange(len(orphans))
    orphans.cols["ts_null"][:] = False
    orphans.cols["ts"] = np.minimum(orphans.cols["ts"], end)
    dups = Frame.concat([exact, moved])
    # Re-delivered duplicates show up a little later in the feed.
    pos = np.concatenate([np.arange(k), rng.integers(0, k, len(dups)), np.full(len(orphans), k)])
    out = Frame.concat([ev, dups, orphans])
    return out.take(np.argsort(pos, kind="stable"))


# ---------------------------------------------------------------------------------------------
# Sales dispositions and opportunities
# ---------------------------------------------------------------------------------------------


def sales_outcomes(
    rng: np.random.Generator, s: LeadState, m: Milestones, end: int
) -> tuple[
    list[tuple[np.ndarray, int, np.ndarray, np.ndarray]],
    tuple[np.ndarray, np.ndarray],
    tuple[np.ndarray, np.ndarray],
]:
    """Dispositions and opportunities of a chunk, plus (lead index, start) of re-engagements."""
    n = s.num.size
    z = s.intent
    hand = m.hand_raise >= 0
    good = (s.fit >= 15) & ~s.bad_fit
    p_accept = np.select(
        [hand & good, hand, good & (z > 1.5), good & (z > 0.8)],
        [0.55, 0.12, 0.4, 0.18],
        0.0,
    )
    accept = rng.random(n) < p_accept
    engaged = (z > 0.3) | hand
    p_dq = np.where(s.bad_fit, 0.55, np.where(s.fit < 0, 0.15, 0.06))
    u = rng.random(n)
    disq = ~accept & engaged & (u < p_dq)
    recyc = ~accept & ~disq & engaged & (u < p_dq + 0.3)
    disq |= ~accept & ~engaged & s.bad_fit & (rng.random(n) < 0.1)

    rows: list[tuple[np.ndarray, int, np.ndarray, np.ndarray]] = []  # idx, status, ts, reason
    acc_idx = np.flatnonzero(accept)
    acc_ts = m.last_key[acc_idx] + secs(rng.gamma(2.0, 2.0, acc_idx.size) + 0.1)
    rows.append((acc_idx, ACCEPTED, acc_ts, rng.integers(*REASON_ACCEPTED, acc_idx.size)))

    dq_idx = np.flatnonzero(disq)
    dq_ts = m.last_key[dq_idx] + secs(rng.uniform(1, 30, dq_idx.size))
    reason = np.select(
        [
            s.student[dq_idx],
            s.competitor[dq_idx],
            s.bad_fit[dq_idx],
            s.size_bucket[dq_idx] == 0,
            s.job_seeker[dq_idx],
        ],
        [R_STUDENT, R_COMPETITOR, R_PUBLIC, R_SMALL, R_JOBSEEKER],
        np.where(rng.random(dq_idx.size) < 0.3, R_SPAM, R_NOFIT),
    )
    rows.append((dq_idx, DISQUALIFIED, dq_ts, reason))

    rc_idx = np.flatnonzero(recyc)
    rc_ts = m.last_key[rc_idx] + secs(rng.uniform(5, 40, rc_idx.size))
    rows.append((rc_idx, RECYCLED, rc_ts, rng.integers(*REASON_RECYCLED, rc_idx.size)))
    back = rng.random(rc_idx.size) < 0.35
    re_idx = rc_idx[back]
    re_start = rc_ts[back] + secs(rng.uniform(20, 150, re_idx.size))
    keep = re_start < end
    reengage = (re_idx[keep], re_start[keep])

    # Opportunities: ~half of the accepted leads, plus a few sales-sourced ones.
    opp_idx = acc_idx[rng.random(acc_idx.size) < 0.5]
    opp_ts = acc_ts[np.searchsorted(acc_idx, opp_idx)] + secs(rng.uniform(1, 30, opp_idx.size))
    sourced = np.flatnonzero(~accept & (s.size_bucket >= 2) & ~s.bad_fit & (rng.random(n) < 0.006))
    src_ts = s.created[sourced] + secs(rng.uniform(3, 120, sourced.size))
    o_idx = np.concatenate([opp_idx, sourced])
    o_ts = np.concatenate([opp_ts, src_ts])
    return rows, (o_idx, o_ts), reengage


def disposition_frame(
    rng: np.random.Generator,
    s: LeadState,
    rows: list[tuple[np.ndarray, int, np.ndarray, np.ndarray]],
    first_id: int,
    end: int,
    dirt: bool,
) -> Frame:
    idx = np.concatenate([r[0] for r in rows])
    status = np.concatenate([np.full(r[0].size, r[1]) for r in rows])
    ts = np.concatenate([r[2] for r in rows])
    reason = np.concatenate([r[3] for r in rows])
    keep = ts <= end  # decisions after the end date have not happened yet
    idx, status, ts, reason = idx[keep], status[keep], ts[keep], reason[keep]
    order = np.lexsort((status, ts))
    idx, status, ts, reason = idx[order], status[order], ts[order], reason[order]
    lead = s.num[idx]
    k = idx.size
    status_var = np.zeros(k, dtype=np.int8)
    if dirt and k:
        pend = rng.choice(k, n_dirty(rng, k, 0.01), replace=False)
        status[pend] = PENDING
        reason[pend] = R_PENDING
        rest = np.setdiff1d(np.arange(k), pend)
        if rest.size:
            status_var[rng.choice(rest, n_dirty(rng, rest.size, 0.01), replace=False)] = V_CAPITAL
        extra = rng.choice(k, n_dirty(rng, k, 0.01), replace=False)
        lead = np.concatenate([lead, UNKNOWN_LEAD_BASE + rng.integers(0, 9_000_000, extra.size)])
        status = np.concatenate([status, status[extra]])
        ts = np.concatenate([ts, ts[extra]])
        reason = np.concatenate([reason, reason[extra]])
        status_var = np.concatenate([status_var, np.zeros(extra.size, dtype=np.int8)])
    return Frame(
        {
            "id": first_id + np.arange(lead.size, dtype=np.int64),
            "lead": lead,
            "status": status,
            "status_var": status_var,
            "reason": reason,
            "ts": ts,
        }
    )


def opportunity_frame(
    rng: np.random.Generator,
    s: LeadState,
    opps: tuple[np.ndarray, np.ndarray],
    first_id: int,
    end: int,
    dirt: bool,
) -> Frame:
    idx, created = opps
    keep = created <= end
    idx, created = idx[keep], created[keep]
    order = np.argsort(created, kind="stable")
    idx, created = idx[order], created[order]
    lead = s.num[idx]
    size = s.size_bucket[idx]
    median = np.array([8_000, 6_000, 15_000, 40_000, 150_000])[size + 1]
    amount = np.round(median * np.exp(rng.normal(0, 0.6, idx.size)), -2)
    closed = created + secs(rng.gamma(2.0, 30.0, idx.size) + 7)
    is_open = closed > end
    won = rng.random(idx.size) < 0.3
    if dirt:
        extra = n_dirty(rng, max(idx.size, 1), 0.01)
        lead = np.concatenate([lead, UNKNOWN_LEAD_BASE + rng.integers(0, 9_000_000, extra)])
        created = np.concatenate([created, end - secs(rng.uniform(1, 60, extra))])
        amount = np.concatenate([amount, np.round(rng.uniform(5_000, 50_000, extra), -2)])
        closed = np.concatenate([closed, np.zeros(extra, dtype=np.int64)])
        is_open = np.concatenate([is_open, np.ones(extra, dtype=bool)])
        won = np.concatenate([won, np.zeros(extra, dtype=bool)])
    return Frame(
        {
            "id": first_id + np.arange(lead.size, dtype=np.int64),
            "lead": lead,
            "ts": created,
            "amount": amount.astype(float),
            "is_open": is_open,
            "won": won,
            "closed": closed,
        }
    )


# ---------------------------------------------------------------------------------------------
# SQL: staging tables in a temporary DuckDB database, then COPY to the output files.
# ---------------------------------------------------------------------------------------------

DDL = """
create macro ts(s) as make_timestamp(s * 1000000);
create macro dirty(s, v) as case v
    when 1 then upper(s) when 2 then ' ' || s when 3 then s || ' '
    when 4 then upper(s) || ' ' when 5 then upper(left(s, 1)) || substr(s, 2)
    when 6 then lower(s) else s end;
create table accounts (ord bigint, account_id varchar, account_name varchar, domain varchar,
    industry varchar, employee_count integer, annual_revenue double, country varchar);
create table leads (ord bigint, lead_id varchar, email varchar, created_at timestamp,
    job_title varchar, country varchar, lead_source varchar, account_id varchar);
create table events (ord bigint, event_id varchar, lead_id varchar, event_type varchar,
    occurred_at timestamp, url varchar, campaign varchar);
create table sales_dispositions (ord bigint, disposition_id varchar, lead_id varchar,
    status varchar, reason varchar, decided_at timestamp);
create table opportunities (ord bigint, opportunity_id varchar, lead_id varchar,
    created_at timestamp, amount double, is_won boolean, closed_at timestamp);
"""

ACCOUNTS_SQL = """
insert into accounts select
    ord,
    printf('A%07d', num),
    $adj[adj + 1] || ' ' || $noun[noun + 1] || ' ' || $kind[kind + 1]
        || case when round > 0 then ' ' || (round + 1) else '' end,
    lower($adj[adj + 1] || $noun[noun + 1] || $kind[kind + 1])
        || case when round > 0 then (round + 1)::varchar else '' end || '.example',
    case when not industry_null then dirty($industry[industry + 1], industry_var) end,
    case when not employees_null then employees end,
    case when not employees_null then revenue end,
    dirty($country[country + 1], country_var)
from chunk
"""

LEADS_SQL = """
insert into leads select
    c.ord,
    printf('L%08d', c.num),
    dirty(
        case c.local_style
            when 0 then $first[c.first + 1] || '.' || $last[c.last + 1]
            when 1 then left($first[c.first + 1], 1) || $last[c.last + 1]
            when 2 then $first[c.first + 1]
            else $first[c.first + 1] || '.' || $last[c.last + 1] || c.local_digits
        end || '@' || case c.mail_kind
            when 0 then a.domain
            when 1 then $free[c.domain_code + 1]
            when 2 then $competitor[c.domain_code + 1]
            else $other[c.domain_code % 8 + 1] || c.domain_code || '.example'
        end,
        c.email_var),
    ts(c.created),
    $title[c.title + 1],
    dirty($country[c.country + 1], c.country_var),
    dirty($source[c.source + 1], c.source_var),
    case
        when c.orphan_acc then 'A9' || printf('%06d', c.num % 1000000)
        when c.acc >= 0 then a.account_id
        when c.blank_acc then ''
    end
from chunk c left join accounts a on a.ord = c.acc
"""

EVENTS_SQL = """
insert into events select
    ord,
    printf('E%010d', id),
    printf('L%08d', lead),
    dirty($etype[etype + 1], type_var),
    case when not ts_null then ts(ts) end,
    case when url >= 0 then $site || $path[url + 1] when blank_url then '' end,
    case
        when camp >= 0 then strftime(ts(ts), '%Y-%m') || '-' || $camp[camp + 1]
        when blank_camp then ''
    end
from chunk
"""

DISPOSITIONS_SQL = """
insert into sales_dispositions select
    ord,
    printf('D%08d', id),
    printf('L%08d', lead),
    dirty($status[status + 1], status_var),
    $reason[reason + 1],
    ts(ts)
from chunk
"""

OPPORTUNITIES_SQL = """
insert into opportunities select
    ord,
    printf('O%07d', id),
    printf('L%08d', lead),
    ts(ts),
    amount,
    case when not is_open then won end,
    case when not is_open then ts(closed) end
from chunk
"""


class Sink:
    """Accumulates table chunks in a temporary DuckDB database, in insertion order."""

    def __init__(self, con: duckdb.DuckDBPyConnection, params: dict[str, object]) -> None:
        self.con = con
        self.params = params
        self.rows = dict.fromkeys(TABLES, 0)
        self.next_id = {"events": 1, "sales_dispositions": 1, "opportunities": 1}

    def insert(self, table: str, sql: str, frame: Frame) -> None:
        n = len(frame)
        if n == 0:
            return
        cols = dict(frame.cols)
        cols["ord"] = self.rows[table] + np.arange(n, dtype=np.int64)
        if "id" in cols and table in self.next_id:
            self.next_id[table] = int(cols["id"].max()) + 1
        self.con.register("chunk", cols)
        try:
            used = {k: v for k, v in self.params.items() if f"${k}" in sql}
            self.con.execute(sql, used)
        finally:
            self.con.unregister("chunk")
        self.rows[table] += n


def export(con: duckdb.DuckDBPyConnection, tmp_dir: Path, out_dir: Path, fmt: str) -> None:
    """Write every table to a file in ``tmp_dir``, then move the files into ``out_dir`` (so a
    reader never sees a half-written file)."""
    for table in TABLES:
        cols = [c[0] for c in con.execute(f"describe {table}").fetchall() if c[0] != "ord"]
        staged = tmp_dir / f"{table}.{fmt}"
        options = "format parquet, compression zstd" if fmt == "parquet" else "format csv, header"
        # The sort makes row order and row-group boundaries independent of thread timing.
        query = f"select {', '.join(cols)} from {table} order by ord"
        con.execute(f"copy ({query}) to '{staged.as_posix()}' ({options})")
    for table in TABLES:
        os.replace(tmp_dir / f"{table}.{fmt}", out_dir / f"{table}.{fmt}")


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------


def lead_created_times(n: int, seed: int, start: int, end: int) -> np.ndarray:
    """Sorted lead creation times; volume grows ~50% over the window."""
    rng = np.random.default_rng([seed, 1])
    u = rng.random(n)
    # Inverse CDF of density proportional to 1 + 0.5 x on [0, 1].
    x = (-1 + np.sqrt(1 + 4 * 0.25 * u * 1.25)) / (2 * 0.25)
    return np.sort(start + (x * (end - start)).astype(np.int64))


def event_counts(rng: np.random.Generator, s: LeadState, mean_background: float) -> np.ndarray:
    mult = rng.gamma(1.2, 1 / 1.2, s.num.size) * np.exp(0.35 * np.clip(s.intent, -3, 3))
    mult /= mult.mean()
    return rng.poisson(np.maximum(mean_background, 0) * mult)


def generate(
    out_dir: Path,
    leads: int,
    events_per_lead: float,
    seed: int,
    end_date: date,
    days: int,
    fmt: str,
    dirt: bool,
) -> dict[str, int]:
    """Write the five raw tables and the demo note into ``out_dir``; return the rows written
    per table."""
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"unknown format {fmt!r}")
    if not 1 <= leads <= MAX_LEADS:
        raise ValueError(f"leads must be between 1 and {MAX_LEADS}")
    if days < 1 or events_per_lead < 0:
        raise ValueError("days must be >= 1 and events_per_lead >= 0")
    out_dir.mkdir(parents=True, exist_ok=True)
    end = ((end_date - EPOCH).days + 1) * DAY - 1  # 23:59:59 of the end date
    start = end + 1 - days * DAY
    created_all = lead_created_times(leads, seed, start, end)
    accounts, acc_frame = make_accounts(max(10, round(leads / 3.5)), seed, dirt)
    params: dict[str, object] = {
        "adj": ACCOUNT_ADJ, "noun": ACCOUNT_NOUN, "kind": ACCOUNT_KIND,
        "industry": [i[0] for i in INDUSTRIES], "country": [c[0] for c in COUNTRIES],
        "first": FIRST_NAMES, "last": LAST_NAMES, "free": FREE_MAIL, "competitor": COMPETITORS,
        "other": OTHER_DOMAIN_WORDS, "title": [t[0] for t in JOB_TITLES],
        "source": [s[0] for s in LEAD_SOURCES], "etype": EVENT_TYPES, "site": SITE,
        "path": PATH_LIST, "camp": CAMPAIGNS, "status": STATUSES, "reason": REASONS,
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix=".generate-", dir=out_dir) as tmp:
        con = duckdb.connect(str(Path(tmp) / "stage.duckdb"))
        try:
            con.execute(f"set temp_directory = '{(Path(tmp) / 'spill').as_posix()}'")
            con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
            con.execute(DDL)
            sink = Sink(con, params)
            sink.insert("accounts", ACCOUNTS_SQL, acc_frame)
            for chunk_no, lo in enumerate(range(0, leads, LEADS_PER_CHUNK)):
                hi = min(leads, lo + LEADS_PER_CHUNK)
                rng = np.random.default_rng([seed, 2, chunk_no])
                nums = np.arange(lo + 1, hi + 1, dtype=np.int64)
                state, lead_frame = make_leads(rng, nums, created_all[lo:hi], accounts, dirt)
                if dirt:
                    lead_frame = Frame.concat([lead_frame, duplicate_leads(rng, lead_frame, end)])
                sink.insert("leads", LEADS_SQL, lead_frame)
                write_activity(sink, rng, state, events_per_lead, end, dirt)
            export(con, Path(tmp), out_dir, fmt)
        finally:
            con.close()
        settings = {
            "dirt": dirt,
            "leads": leads,
            "events_per_lead": events_per_lead,
            "seed": seed,
            "end_date": end_date,
            "days": days,
            "format": fmt,
        }
        write_marker(out_dir, Path(tmp), settings)
    return dict(sink.rows)


def write_activity(
    sink: Sink,
    rng: np.random.Generator,
    state: LeadState,
    events_per_lead: float,
    end: int,
    dirt: bool,
) -> None:
    """Generate and store the events, dispositions and opportunities of one chunk of leads."""
    frames, miles = milestone_events(rng, state, end)
    rows, opps, (re_idx, re_start) = sales_outcomes(rng, state, miles, end)
    re_frame, re_end = reengagement_events(rng, re_idx, re_start, end)
    # Some re-engaged leads are accepted the second time around.
    again = (rng.random(re_idx.size) < 0.3) & (re_end >= 0)
    a_idx = re_idx[again]
    a_ts = re_end[again] + secs(rng.uniform(1, 10, a_idx.size))
    rows.append((a_idx, ACCEPTED, a_ts, rng.integers(*REASON_ACCEPTED, a_idx.size)))
    # Background events fill up the requested mean.
    planned = sum(len(f) for f in frames) + len(re_frame)
    per_lead = events_per_lead - planned / max(state.num.size, 1)
    counts = event_counts(rng, state, per_lead)
    frames.append(background_events(rng, state, miles, counts, end))
    frames.append(re_frame)
    ev = finish_events(rng, Frame.concat(frames), state, sink.next_id["events"], end, dirt)
    sink.insert("events", EVENTS_SQL, ev)
    disp = disposition_frame(rng, state, rows, sink.next_id["sales_dispositions"], end, dirt)
    sink.insert("sales_dispositions", DISPOSITIONS_SQL, disp)
    opp = opportunity_frame(rng, state, opps, sink.next_id["opportunities"], end, dirt)
    sink.insert("opportunities", OPPORTUNITIES_SQL, opp)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Generate dirty B2B lead-scoring demo data (the spec's five raw tables)."
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--leads", type=int, default=1000, help="number of leads (default 1000)")
    parser.add_argument(
        "--events-per-lead", type=float, default=20.0, help="mean events per lead (default 20)"
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--end-date",
        type=date.fromisoformat,
        default=None,
        help="last day of history, YYYY-MM-DD (default: today, UTC)",
    )
    parser.add_argument("--days", type=int, default=540, help="days of history (default 540)")
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--no-dirt", action="store_true", help="write clean data")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    end_date = args.end_date or datetime.now(UTC).date()
    started = time.monotonic()
    try:
        rows = generate(
            out_dir=args.out,
            leads=args.leads,
            events_per_lead=args.events_per_lead,
            seed=args.seed,
            end_date=end_date,
            days=args.days,
            fmt=args.format,
            dirt=not args.no_dirt,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for table in TABLES:
        print(f"{table}: {rows[table]} rows -> {args.out / f'{table}.{args.format}'}")
    print(f"done in {time.monotonic() - started:.1f}s (end date {end_date}, seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
