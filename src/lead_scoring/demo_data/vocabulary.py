"""The demo data's vocabularies: the values the generator draws codes for, and their weights.

Clean values are lower-case (codes upper-case); dirt.py says how some are made dirty. The
generator works on integer codes that index these lists; files.py turns them into text.
"""

from __future__ import annotations

SITE = "https://www.acme-analytics.example"


def words(text: str) -> list[str]:
    """Split a space-separated vocabulary."""
    return text.split()


# (country, weight); the first eight are the default rules' target markets, which convert no
# better than the others (propensity.py).
COUNTRIES = [
    ("US", 40), ("GB", 12), ("DE", 9), ("CA", 6), ("FR", 5), ("NL", 4), ("SE", 3), ("AU", 4),
    ("IN", 5), ("BR", 3), ("JP", 2), ("ES", 2), ("IT", 1.5), ("SG", 1), ("MX", 1), ("PL", 1),
    ("ZA", 0.5),
]  # fmt: skip

# (industry, weight, target industry?, excluded?)
INDUSTRIES = [
    ("software", 24, True, False), ("financial services", 13, True, False),
    ("healthcare", 11, True, False), ("manufacturing", 11, True, False),
    ("retail", 10, False, False), ("education", 8, False, False),
    ("government", 5, False, True), ("professional services", 8, False, False),
    ("media", 5, False, False), ("telecommunications", 5, False, False),
]  # fmt: skip

# Seniority levels a job title shows; propensity.py says how much each really matters.
SENIORITIES = ["individual", "manager", "head", "director", "vp", "chief"]

# (title, weight, seniority, flags) flags: s = student, j = job seeker (careers pages)
JOB_TITLES = [
    ("Chief Marketing Officer", 1.3, "chief", ""), ("Chief Revenue Officer", 0.8, "chief", ""),
    ("Chief Data Officer", 0.4, "chief", ""), ("Chief Technology Officer", 0.5, "chief", ""),
    ("Chief Executive Officer", 0.5, "chief", ""),
    ("VP Marketing", 2.0, "vp", ""), ("VP of Sales", 1.4, "vp", ""), ("VP Growth", 0.8, "vp", ""),
    ("Vice President, Revenue Operations", 1.2, "vp", ""),
    ("Vice President of Data", 0.9, "vp", ""), ("Vice President of Marketing", 1.3, "vp", ""),
    ("Director of Marketing", 3.0, "director", ""),
    ("Marketing Operations Director", 1.5, "director", ""),
    ("Director, Demand Generation", 1.5, "director", ""), ("Sales Director", 1.5, "director", ""),
    ("Director of Analytics", 1.0, "director", ""),
    ("Head of Growth", 1.5, "head", ""), ("Head of Marketing", 1.5, "head", ""),
    ("Head of Data", 1.0, "head", ""), ("Head of Sales Operations", 1.0, "head", ""),
    ("Marketing Manager", 6.0, "manager", ""), ("Marketing Operations Manager", 4.0, "manager", ""),
    ("Demand Generation Manager", 3.0, "manager", ""), ("Sales Manager", 3.0, "manager", ""),
    ("Product Manager", 2.0, "manager", ""), ("Engineering Manager", 1.5, "manager", ""),
    ("Marketing Analyst", 5.0, "individual", ""), ("Data Analyst", 5.0, "individual", "j"),
    ("Business Analyst", 3.0, "individual", ""),
    ("Sales Operations Analyst", 2.0, "individual", ""),
    ("Software Engineer", 5.0, "individual", "j"), ("Data Engineer", 4.0, "individual", "j"),
    ("Analytics Engineer", 2.0, "individual", "j"), ("Solutions Engineer", 1.0, "individual", ""),
    ("Marketing Specialist", 4.0, "individual", ""),
    ("Marketing Coordinator", 3.0, "individual", ""),
    ("Sales Development Representative", 4.0, "individual", ""),
    ("Account Executive", 3.0, "individual", ""), ("Consultant", 3.0, "individual", ""),
    ("Founder", 1.5, "individual", ""), ("Owner", 1.0, "individual", ""),
    ("Student", 2.0, "individual", "sj"), ("Graduate Student", 1.0, "individual", "sj"),
    ("MBA Student", 0.7, "individual", "sj"), ("Marketing Intern", 1.2, "individual", "j"),
    ("Data Science Intern", 0.8, "individual", "j"),
]  # fmt: skip

# (lead source, weight, intent shift)
LEAD_SOURCES = [
    ("organic_search", 22, 0.0), ("paid_search", 15, 0.1), ("paid_social", 10, -0.3),
    ("referral", 6, 0.5), ("webinar", 10, 0.2), ("event", 7, 0.1),
    ("content_syndication", 15, -0.5), ("direct", 15, 0.3),
]  # fmt: skip
REFERRAL = 3
WEBINAR_SOURCE = 4
SYNDICATION_SOURCE = 6

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

# Background (non-milestone) event mixes: (type, base weight, intent slope). While a lead
# researches (around its engagement peak) keen buyers fill in forms; in the long tail of
# nurture e-mail, whoever the lead, it mostly opens e-mail.
RESEARCH_MIX = [
    (PAGE_VIEW, 0.62, 0.0), (EMAIL_OPEN, 0.16, -0.3), (EMAIL_CLICK, 0.08, 0.2),
    (FORM_SUBMIT, 0.03, 0.6), (CONTENT_DOWNLOAD, 0.04, 0.0),
]  # fmt: skip
NURTURE_MIX = [
    (PAGE_VIEW, 0.50, 0.0), (EMAIL_OPEN, 0.37, 0.0), (EMAIL_CLICK, 0.09, 0.0),
    (CONTENT_DOWNLOAD, 0.04, 0.0),
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

# (campaign, named by its month?) A monthly send or a webinar is named by the month it went out
# (2026-11-newsletter); an always-on program keeps one name. campaigns.py says whom each reaches.
CAMPAIGNS = [
    ("newsletter", True), ("product-update", True), ("event-followup", True),
    ("webinar-invite", True), ("nurture-1", False), ("nurture-2", False), ("nurture-3", False),
    ("trial-onboarding", False), ("abm-enterprise", False),
    ("webinar-scoring-masterclass", True), ("webinar-revops-live", True),
    ("content-syndication", False),
]  # fmt: skip
(
    NEWSLETTER, PRODUCT_UPDATE, EVENT_FOLLOWUP, WEBINAR_INVITE, NURTURE_1, NURTURE_2, NURTURE_3,
    TRIAL_ONBOARDING, ABM_ENTERPRISE, WEBINAR_MASTERCLASS, WEBINAR_REVOPS_LIVE,
    CONTENT_SYNDICATION,
) = range(len(CAMPAIGNS))  # fmt: skip

STATUSES = ["accepted", "recycled", "disqualified", "pending"]
ACCEPTED, RECYCLED, DISQUALIFIED, PENDING = range(4)
# Disposition reasons as sales writes them, by status; reasons.py says which lead gets which.
REASONS = [
    # accepted
    "inbound demo request", "active trial", "meeting booked", "qualified in call",
    "budget and timeline confirmed",
    # recycled
    "too cold", "timing - revisit next quarter", "no response", "back to nurture",
    # disqualified
    "student", "competitor", "public sector - not served", "job seeker", "not a company",
    "no budget", "wrong persona", "fake or spam details",
    # pending (the dirt of an unknown status)
    "awaiting SDR review",
]  # fmt: skip
(
    R_INBOUND_REQUEST, R_ACTIVE_TRIAL, R_MEETING_BOOKED, R_QUALIFIED_IN_CALL, R_BUDGET_CONFIRMED,
    R_TOO_COLD, R_TIMING, R_NO_RESPONSE, R_NURTURE,
    R_STUDENT, R_COMPETITOR, R_PUBLIC, R_JOB_SEEKER, R_NOT_A_COMPANY, R_NO_BUDGET,
    R_WRONG_PERSONA, R_SPAM,
    R_PENDING,
) = range(len(REASONS))  # fmt: skip
