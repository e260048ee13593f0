"""Reference implementation of scoring (spec §4) and the lifecycle (spec §5).

Written for clarity, not speed: one lead at a time, plain loops, no SQL. Every choice the
spec leaves open follows docs/semantics.md; the section numbers below refer to that page.

Inputs are CLEAN rows, as staging leaves them (lower-cased event_type / email / lead_source /
industry / status, upper-cased country, blank text as None, no duplicates, no orphans, no
null timestamps). This module does not clean dirt. It does apply `as_of`: rows stamped after
it are ignored, leads created after it do not exist, and a `closed_at` after it means the
opportunity is still open.

Timestamps are `datetime`s, all naive UTC or all aware; a rule's `valid_from` date starts at
00:00 in the same zone as the instant it is compared with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

# ---------------------------------------------------------------------------------------------
# Input rows
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lead:
    lead_id: str
    email: str | None
    created_at: datetime
    job_title: str | None = None
    country: str | None = None
    lead_source: str | None = None
    account_id: str | None = None


@dataclass(frozen=True)
class Account:
    account_id: str
    account_name: str | None = None
    domain: str | None = None
    industry: str | None = None
    employee_count: int | None = None
    annual_revenue: float | Decimal | None = None
    country: str | None = None


@dataclass(frozen=True)
class Event:
    event_id: str
    lead_id: str
    event_type: str
    occurred_at: datetime
    url: str | None = None
    campaign: str | None = None


@dataclass(frozen=True)
class Disposition:
    disposition_id: str
    lead_id: str
    status: str  # 'accepted', 'recycled' or 'disqualified'
    reason: str | None
    decided_at: datetime


@dataclass(frozen=True)
class Opportunity:
    opportunity_id: str
    lead_id: str
    created_at: datetime
    amount: float | Decimal | None = None
    is_won: bool | None = None
    closed_at: datetime | None = None


# ---------------------------------------------------------------------------------------------
# Rule tables (seeds)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EngagementRule:
    rule_id: str
    event_type: str
    url_pattern: str | None
    points: float
    max_points: float | None
    half_life_days: float | None
    promotes_to: str | None  # None, 'mql' or 'sql'
    valid_from: date
    description: str | None = None


@dataclass(frozen=True)
class FitRule:
    rule_id: str
    attribute: str
    operator: str
    value: str | None
    points: float
    is_disqualifying: bool
    valid_from: date
    description: str | None = None


@dataclass(frozen=True)
class Threshold:
    valid_from: date
    min_total_score: float | None
    min_fit_score: float | None
    min_engagement_score: float | None


@dataclass(frozen=True)
class Grade:
    grade: str
    min_fit_score: float | None


@dataclass(frozen=True)
class Band:
    band: int
    min_engagement_score: float | None


@dataclass(frozen=True)
class Rules:
    """All rule tables of one run."""

    engagement_rules: tuple[EngagementRule, ...] | list[EngagementRule]
    fit_rules: tuple[FitRule, ...] | list[FitRule]
    thresholds: tuple[Threshold, ...] | list[Threshold]
    grades: tuple[Grade, ...] | list[Grade] = ()
    bands: tuple[Band, ...] | list[Band] = ()


# ---------------------------------------------------------------------------------------------
# Outputs of scoring
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """One row of fct_score_contributions (without lead_id)."""

    rule_type: str  # 'fit' or 'engagement'
    rule_id: str
    rule_valid_from: date
    points: float
    matched_event_count: int | None  # None for fit rules
    last_event_at: datetime | None  # None for fit rules


@dataclass(frozen=True)
class Score:
    fit: float
    engagement: float
    total: float
    is_disqualified: bool
    meets_mql_criteria: bool
    contributions: tuple[Contribution, ...]


# ---------------------------------------------------------------------------------------------
# Rule versions (semantics §2)
# ---------------------------------------------------------------------------------------------


def start_of(day: date, like: datetime) -> datetime:
    """00:00 UTC of `day`, naive or aware like `like`."""
    return datetime.combine(day, time(0), tzinfo=like.tzinfo)


def version_in_force(versions: list[Any], t: datetime) -> Any | None:
    """The version with the latest `valid_from` whose 00:00 is at or before `t`, else None.

    `versions` are the rows sharing one rule_id (or all threshold rows).
    """
    best = None
    for version in versions:
        if start_of(version.valid_from, t) <= t and (
            best is None or version.valid_from > best.valid_from
        ):
            best = version
    return best


def versions_by_rule(rules: list[Any]) -> dict[str, list[Any]]:
    """Rule rows grouped by rule_id, in rule_id order."""
    grouped: dict[str, list[Any]] = {}
    for rule in sorted(rules, key=lambda r: r.rule_id):
        grouped.setdefault(rule.rule_id, []).append(rule)
    return grouped


# ---------------------------------------------------------------------------------------------
# Engagement matching
# ---------------------------------------------------------------------------------------------


def sql_like(text: str, pattern: str) -> bool:
    """`lower(text) like lower(pattern)`: whole string, `%` any run, `_` one character.

    Every other character is literal; there is no escape character. Classic dynamic
    programme: matched[j] says pattern[:i] matches text[:j].
    """
    text = text.lower()
    pattern = pattern.lower()
    matched = [True] + [False] * len(text)
    for p in pattern:
        if p == "%":
            # A run of any length: text[:j] matches if any shorter prefix matched.
            new = [matched[0]]
            for j in range(1, len(text) + 1):
                new.append(new[j - 1] or matched[j])
        else:
            new = [False]
            for j in range(1, len(text) + 1):
                new.append(matched[j - 1] and (p == "_" or p == text[j - 1]))
        matched = new
    return matched[len(text)]


def engagement_matches(rule: EngagementRule, event: Event) -> bool:
    """Semantics §2: event_type equal (case-insensitive); a set url_pattern needs a url
    that matches it as SQL LIKE (case-insensitive); an empty url_pattern matches any url,
    null included."""
    if event.event_type.lower() != rule.event_type.lower():
        return False
    if rule.url_pattern is None or rule.url_pattern == "":
        return True
    return event.url is not None and sql_like(event.url, rule.url_pattern)


def decay_factor(age_days: float, half_life_days: float | None) -> float:
    """0.5 ** (age / half_life), computed directly; exactly 0 past 2^-1100 (semantics §3)."""
    if half_life_days is None:
        return 1.0
    exponent = age_days / float(half_life_days)
    if exponent > 1100:
        return 0.0
    return 0.5**exponent


def age_in_days(t: datetime, occurred_at: datetime) -> float:
    return (t - occurred_at).total_seconds() / 86400


# ---------------------------------------------------------------------------------------------
# Fit matching
# ---------------------------------------------------------------------------------------------

TEXT_ATTRIBUTES = (
    "job_title",
    "country",
    "lead_source",
    "email_domain",
    "account_id",
    "industry",
    "account_country",
)
NUMERIC_ATTRIBUTES = ("employee_count", "annual_revenue")


@dataclass(frozen=True)
class FitOperator:
    """What a fit operator applies to and takes; its predicate is written out in fit_matches.

    The twin of its definition in macros/scoring/fit_operators.sql, written independently:
    tests/test_fit_operators.py checks that both know the same operators, kinds and values.
    """

    kinds: tuple[str, ...]  # 'text', 'number'
    value: str  # 'none' (empty), 'one', 'list' ('|'-separated) or 'bounds' ('low | high')


BOTH_KINDS = ("text", "number")
FIT_OPERATORS = {
    "equals": FitOperator(BOTH_KINDS, "one"),
    "not_equals": FitOperator(BOTH_KINDS, "one"),
    "in": FitOperator(BOTH_KINDS, "list"),
    "not_in": FitOperator(BOTH_KINDS, "list"),
    "contains": FitOperator(("text",), "one"),
    "not_contains": FitOperator(("text",), "one"),
    "gte": FitOperator(("number",), "one"),
    "gt": FitOperator(("number",), "one"),
    "lte": FitOperator(("number",), "one"),
    "lt": FitOperator(("number",), "one"),
    "between": FitOperator(("number",), "bounds"),
    "is_null": FitOperator(BOTH_KINDS, "none"),
    "is_not_null": FitOperator(BOTH_KINDS, "none"),
}


def email_domain(email: str | None) -> str | None:
    """Lower-cased text after the last '@'; None when there is no '@'.

    Reading: text after a trailing '@' is blank, and blank text is null project-wide, so an
    email ending in '@' has a null domain too.
    """
    if email is None or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().lower()
    return domain or None


def fit_attributes(lead: Lead, account: Account | None) -> dict[str, Any]:
    """The attributes fit rules can name; account attributes are None without an account."""
    return {
        "job_title": lead.job_title,
        "country": lead.country,
        "lead_source": lead.lead_source,
        "email_domain": email_domain(lead.email),
        "account_id": lead.account_id,
        "industry": account.industry if account else None,
        "employee_count": account.employee_count if account else None,
        "annual_revenue": account.annual_revenue if account else None,
        "account_country": account.country if account else None,
    }


def _split(value: str) -> list[str]:
    """A `|`-separated list, spaces around each item stripped."""
    return [item.strip() for item in value.split("|")]


def _number(value: Any, rule: FitRule) -> Decimal:
    """A number for exact comparison (seed text and attribute values alike)."""
    try:
        return Decimal(str(value).strip())
    except ArithmeticError:
        raise ValueError(f"fit rule {rule.rule_id}: {value!r} is not a number") from None


def fit_matches(rule: FitRule, attributes: dict[str, Any]) -> bool:
    """Does the rule's condition match? Semantics §2 and spec §3.

    Raises ValueError for a combination a seed validation rejects (an unknown attribute or
    operator, contains on a number, an order comparison on text, a missing value).
    """
    attribute, operator = rule.attribute, rule.operator
    is_numeric = attribute in NUMERIC_ATTRIBUTES
    if attribute not in TEXT_ATTRIBUTES and not is_numeric:
        raise ValueError(f"fit rule {rule.rule_id}: unknown attribute {attribute!r}")
    if operator not in FIT_OPERATORS:
        raise ValueError(f"fit rule {rule.rule_id}: unknown operator {operator!r}")
    kind = "number" if is_numeric else "text"
    if kind not in FIT_OPERATORS[operator].kinds:
        raise ValueError(f"fit rule {rule.rule_id}: {operator} on {kind} attribute {attribute}")
    takes_a_value = FIT_OPERATORS[operator].value != "none"
    if takes_a_value and rule.value is None:
        raise ValueError(f"fit rule {rule.rule_id}: {operator} needs a value")
    if not takes_a_value and rule.value is not None:
        raise ValueError(f"fit rule {rule.rule_id}: {operator} takes no value")

    actual = attributes[attribute]
    if operator == "is_null":
        return actual is None
    if operator == "is_not_null":
        return actual is not None
    if is_numeric:
        return _numeric_matches(rule, actual)
    return _text_matches(rule, actual)


def _numeric_matches(rule: FitRule, actual: Any) -> bool:
    """A numeric attribute against the rule's number(s); the rule's value is checked first."""
    operator = rule.operator
    items = [_number(item, rule) for item in _split(rule.value or "")]
    value = FIT_OPERATORS[operator].value
    if value == "bounds" and len(items) != 2:
        raise ValueError(f"fit rule {rule.rule_id}: {operator} needs 'low | high'")
    if value == "one" and len(items) != 1:
        raise ValueError(f"fit rule {rule.rule_id}: {operator} takes one number")
    if actual is None:
        # A null attribute matches only is_null; not_* operators do not match a null.
        return False
    number = _number(actual, rule)
    if operator == "equals":
        return number == items[0]
    if operator == "not_equals":
        return number != items[0]
    if operator == "in":
        return number in items
    if operator == "not_in":
        return number not in items
    if operator == "gte":
        return number >= items[0]
    if operator == "gt":
        return number > items[0]
    if operator == "lte":
        return number <= items[0]
    if operator == "lt":
        return number < items[0]
    return items[0] <= number <= items[1]  # between, inclusive


def _text_matches(rule: FitRule, actual: Any) -> bool:
    """A text attribute against the rule's text, both lower-cased and trimmed."""
    if actual is None:
        # A null attribute matches only is_null; not_* operators do not match a null.
        return False
    operator = rule.operator
    text = str(actual).strip().lower()
    value = (rule.value or "").strip().lower()
    items = [item.lower() for item in _split(rule.value or "")]
    if operator == "equals":
        return text == value
    if operator == "not_equals":
        return text != value
    if operator == "in":
        return text in items
    if operator == "not_in":
        return text not in items
    if operator == "contains":
        return value in text
    return value not in text  # not_contains


# ---------------------------------------------------------------------------------------------
# Scoring (spec §4, semantics §3)
# ---------------------------------------------------------------------------------------------


def threshold_met(threshold: Threshold | None, fit: float, engagement: float, total: float) -> bool:
    """Every minimum that is set is reached; no version in force means not met.

    Reading: a null min_total_score (the spec makes it required) is treated like the other
    two minimums, i.e. as not set.
    """
    if threshold is None:
        return False
    minimums = [
        (threshold.min_total_score, total),
        (threshold.min_fit_score, fit),
        (threshold.min_engagement_score, engagement),
    ]
    return all(minimum is None or score >= minimum for minimum, score in minimums)


def score_at(
    lead: Lead, account: Account | None, events: list[Event], rules: Rules, t: datetime
) -> Score:
    """The lead's scores at instant `t`, with the rule versions in force at `t`.

    Engagement: for each rule, its version in force at `t` scores every event of the lead
    with occurred_at <= t that it matches (events before created_at included: `t` is never
    before created_at for an evaluation instant); the rule's sum of decayed points is then
    clipped to [-max_points, +max_points].
    Fit: the points of each version in force at `t` whose condition matches.
    """
    contributions: list[Contribution] = []

    engagement = 0.0
    for versions in versions_by_rule(list(rules.engagement_rules)).values():
        version = version_in_force(versions, t)
        if version is None:
            continue
        matched = sorted(
            (e for e in events if e.occurred_at <= t and engagement_matches(version, e)),
            key=lambda e: (e.occurred_at, e.event_id),
        )
        raw = 0.0
        for event in matched:
            age = age_in_days(t, event.occurred_at)
            raw += float(version.points) * decay_factor(age, version.half_life_days)
        clipped = raw
        if version.max_points is not None:
            cap = float(version.max_points)
            clipped = max(-cap, min(cap, raw))
        engagement += clipped
        if version.points != 0 and matched:
            contributions.append(
                Contribution(
                    rule_type="engagement",
                    rule_id=version.rule_id,
                    rule_valid_from=version.valid_from,
                    points=clipped,
                    matched_event_count=len(matched),
                    last_event_at=matched[-1].occurred_at,
                )
            )

    attributes = fit_attributes(lead, account)
    fit = 0.0
    is_disqualified = False
    for versions in versions_by_rule(list(rules.fit_rules)).values():
        version = version_in_force(versions, t)
        if version is None or not fit_matches(version, attributes):
            continue
        fit += float(version.points)
        if version.is_disqualifying:
            is_disqualified = True
        if version.points != 0 or version.is_disqualifying:
            contributions.append(
                Contribution(
                    rule_type="fit",
                    rule_id=version.rule_id,
                    rule_valid_from=version.valid_from,
                    points=float(version.points),
                    matched_event_count=None,
                    last_event_at=None,
                )
            )

    total = fit + engagement
    threshold = version_in_force(list(rules.thresholds), t)
    meets = not is_disqualified and threshold_met(threshold, fit, engagement, total)
    contributions.sort(key=lambda c: (c.rule_type, c.rule_id))
    return Score(fit, engagement, total, is_disqualified, meets, tuple(contributions))


def evaluation_instants(
    lead: Lead, events: list[Event], rules: Rules, as_of: datetime
) -> list[datetime]:
    """Semantics §3: created_at; each distinct occurred_at of the lead's events in
    (created_at, as_of]; each distinct valid_from (00:00) of any engagement rule, fit rule
    or threshold version in (created_at, as_of]; and as_of. Sorted. Empty when the lead was
    created after as_of (it does not exist for that run)."""
    if lead.created_at > as_of:
        return []
    instants = {lead.created_at, as_of}
    for event in events:
        if lead.created_at < event.occurred_at <= as_of:
            instants.add(event.occurred_at)
    versions = [*rules.engagement_rules, *rules.fit_rules, *rules.thresholds]
    for version in versions:
        starts = start_of(version.valid_from, lead.created_at)
        if lead.created_at < starts <= as_of:
            instants.add(starts)
    return sorted(instants)


def score_history(
    lead: Lead, account: Account | None, events: list[Event], rules: Rules, as_of: datetime
) -> list[tuple[datetime, Score]]:
    """(instant, score) for each evaluation instant, in time order.

    Events after as_of are ignored (they are after every instant anyway)."""
    visible = [e for e in events if e.occurred_at <= as_of]
    return [
        (t, score_at(lead, account, visible, rules, t))
        for t in evaluation_instants(lead, visible, rules, as_of)
    ]


# ---------------------------------------------------------------------------------------------
# Grades and bands (semantics §2)
# ---------------------------------------------------------------------------------------------


def _tier(score: float, tiers: list[tuple[Any, float | None]]) -> Any | None:
    """The label with the highest minimum the score reaches, else the catch-all label."""
    with_minimum = sorted((t for t in tiers if t[1] is not None), key=lambda t: -t[1])
    for label, minimum in with_minimum:
        if score >= minimum:
            return label
    for label, minimum in tiers:
        if minimum is None:
            return label
    return None


def grade_of(fit: float, grades: list[Grade]) -> str | None:
    return _tier(fit, [(g.grade, g.min_fit_score) for g in grades])


def band_of(engagement: float, bands: list[Band]) -> int | None:
    return _tier(engagement, [(b.band, b.min_engagement_score) for b in bands])


# ---------------------------------------------------------------------------------------------
# Lifecycle (spec §5, semantics §4)
# ---------------------------------------------------------------------------------------------

# Kinds of step, in the order they are taken at equal timestamps.
INSTANT, DISPOSITION, OPPORTUNITY_CREATED, OPPORTUNITY_WON = 1, 2, 3, 4


def promotions(lead: Lead, events: list[Event], rules: Rules) -> dict[datetime, set[str]]:
    """{acting instant: {'mql', 'sql'}} from events matching a promoting engagement version.

    The version must be in force at the event's occurred_at; the promotion acts at the
    evaluation instant max(occurred_at, created_at).
    """
    acting: dict[datetime, set[str]] = {}
    grouped = versions_by_rule(list(rules.engagement_rules))
    for event in events:
        for versions in grouped.values():
            version = version_in_force(versions, event.occurred_at)
            if version is None or not version.promotes_to:
                continue
            if engagement_matches(version, event):
                at = max(event.occurred_at, lead.created_at)
                acting.setdefault(at, set()).add(version.promotes_to)
    return acting


def first_sql_skipped_mql(transitions: list[dict[str, Any]]) -> bool:
    """Whether the lead's first sql was a skipped MQL (spec §5).

    It was when no mql came since the lead was last opened: by its creation (the lead row) or
    by its latest recycle before that sql. An MQL before a recycle does not count.
    """
    last_opened_or_mql = None
    for row in transitions:
        if row["stage"] == "sql":
            return last_opened_or_mql != "mql"
        if row["stage"] in ("lead", "recycled", "mql"):
            last_opened_or_mql = row["stage"]
    return False


def lifecycle(
    lead: Lead,
    account: Account | None,
    events: list[Event],
    dispositions: list[Disposition],
    opportunities: list[Opportunity],
    rules: Rules,
    as_of: datetime,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Walk the lead's steps; return (transition rows, MQL rows, dim_leads lifecycle columns).

    Steps are ordered by (time, kind, id), kinds: evaluation instant, disposition,
    opportunity created, opportunity won. Dispositions and opportunities stamped before
    created_at act at created_at; a close stamped before its opportunity's (effective)
    creation acts at that creation.
    """
    if lead.created_at > as_of:
        raise ValueError(f"lead {lead.lead_id} was created after as_of: it does not exist")
    events = [e for e in events if e.occurred_at <= as_of]
    scores = dict(score_history(lead, account, events, rules, as_of))
    acting = promotions(lead, events, rules)
    event_times = {e.occurred_at for e in events}

    steps: list[tuple[datetime, int, str, Any]] = [(t, INSTANT, "", None) for t in scores]
    for disposition in dispositions:
        if disposition.decided_at <= as_of:
            at = max(disposition.decided_at, lead.created_at)
            steps.append((at, DISPOSITION, disposition.disposition_id, disposition.status))
    for opportunity in opportunities:
        if opportunity.created_at > as_of:
            continue
        opened_at = max(opportunity.created_at, lead.created_at)
        steps.append((opened_at, OPPORTUNITY_CREATED, opportunity.opportunity_id, None))
        closed = opportunity.closed_at is not None and opportunity.closed_at <= as_of
        if opportunity.is_won is True and closed:
            won_at = max(opportunity.closed_at, opened_at)
            steps.append((won_at, OPPORTUNITY_WON, opportunity.opportunity_id, None))
    steps.sort(key=lambda step: (step[0], step[1], step[2]))

    state = "lead"
    transitions = [
        {
            "lead_id": lead.lead_id,
            "stage": "lead",
            "entered_at": lead.created_at,
            "previous_stage": None,
            "disposition_id": None,
        }
    ]
    mql_entries: list[tuple[int, datetime, str]] = []  # (transition index, at, trigger)

    def move(stage: str, at: datetime, disposition_id: str | None = None) -> None:
        """Enter `stage` (because of the disposition `disposition_id`, if any); a move to the
        current state is no transition and writes no row."""
        nonlocal state
        if stage == state:
            return
        transitions.append(
            {
                "lead_id": lead.lead_id,
                "stage": stage,
                "entered_at": at,
                "previous_stage": state,
                "disposition_id": disposition_id,
            }
        )
        state = stage

    for at, kind, key, payload in steps:
        if kind == INSTANT:
            score = scores[at]
            acts = acting.get(at, set())
            # After a recycle only the lead's new events re-qualify it by score. Instants are
            # taken before dispositions at equal times, so an event time seen while in
            # `recycled` is always after the recycle.
            score_counts = state == "lead" or (state == "recycled" and at in event_times)
            # Reading: the spec (§3) says a matched disqualifying fit rule "blocks MQL while
            # it is in force"; semantics §4 does not exempt hand-raisers, so it blocks them
            # too. It does not block an SQL promotion (that is not an MQL).
            hand_raised = "mql" in acts and not score.is_disqualified
            if "sql" in acts and state in ("lead", "recycled", "mql"):
                move("sql", at)  # the highest stage this instant reaches
            elif state in ("lead", "recycled") and hand_raised:
                move("mql", at)
                mql_entries.append((len(transitions) - 1, at, "hand_raiser"))
            elif state in ("lead", "recycled") and score_counts and score.meets_mql_criteria:
                move("mql", at)
                mql_entries.append((len(transitions) - 1, at, "score"))
        elif kind == DISPOSITION:
            if payload == "accepted" and state in ("lead", "recycled", "mql"):
                move("sql", at, key)
            elif payload in ("recycled", "disqualified") and state != "customer":
                move(payload, at, key)
        elif kind == OPPORTUNITY_CREATED:
            if state not in ("opportunity", "customer"):
                move("sql", at)  # backfilled; no row when already in sql
                move("opportunity", at)
        elif kind == OPPORTUNITY_WON:
            move("customer", at)  # no row when already a customer

    outcome_of = {"sql": "accepted", "customer": "accepted"}
    mqls = []
    for number, (index, mql_at, trigger) in enumerate(mql_entries, start=1):
        score = scores[mql_at]
        outcome, outcome_at, days, ended_by = "open", None, None, None
        if index + 1 < len(transitions):
            following = transitions[index + 1]
            outcome = outcome_of.get(following["stage"], following["stage"])
            outcome_at = following["entered_at"]
            days = (outcome_at - mql_at).total_seconds() / 86400
            ended_by = following["disposition_id"]
        mqls.append(
            {
                "lead_id": lead.lead_id,
                "mql_number": number,
                "mql_at": mql_at,
                "mql_trigger": trigger,
                "total_score_at_mql": score.total,
                "fit_grade_at_mql": grade_of(score.fit, list(rules.grades)),
                "lead_source": lead.lead_source,
                "outcome": outcome,
                "outcome_at": outcome_at,
                "days_to_outcome": days,
                "outcome_disposition_id": ended_by,
            }
        )

    def first_entry(stage: str) -> datetime | None:
        return next((r["entered_at"] for r in transitions if r["stage"] == stage), None)

    first_mql_at = mqls[0]["mql_at"] if mqls else None
    first_sql_at = first_entry("sql")
    # when the first MQL went on to SQL (its outcome accepted): whether it converted, which
    # first_sql_at cannot tell (an sql that skipped the MQL, before it or after a recycle)
    first_mql_to_sql_at = (
        mqls[0]["outcome_at"] if mqls and mqls[0]["outcome"] == "accepted" else None
    )
    summary = {
        "current_stage": state,
        "first_mql_at": first_mql_at,
        "latest_mql_at": mqls[-1]["mql_at"] if mqls else None,
        "mql_count": len(mqls),
        "is_mql_skipped": first_sql_skipped_mql(transitions),
        "first_sql_at": first_sql_at,
        "first_mql_to_sql_at": first_mql_to_sql_at,
        "first_opportunity_at": first_entry("opportunity"),
        "customer_at": first_entry("customer"),
    }
    return transitions, mqls, summary


# ---------------------------------------------------------------------------------------------
# A whole run
# ---------------------------------------------------------------------------------------------


def run(
    leads: list[Lead],
    accounts: list[Account],
    events: list[Event],
    dispositions: list[Disposition],
    opportunities: list[Opportunity],
    engagement_rules: list[EngagementRule],
    fit_rules: list[FitRule],
    thresholds: list[Threshold],
    grades: list[Grade],
    bands: list[Band],
    as_of: datetime,
) -> dict[str, list[dict[str, Any]]]:
    """Rows of dim_leads, fct_score_contributions, fct_lead_score_history, fct_mqls and
    fct_lifecycle_transitions, each sorted by its key (transitions in step order)."""
    rules = Rules(engagement_rules, fit_rules, thresholds, grades, bands)
    accounts_by_id = {a.account_id: a for a in accounts}
    out: dict[str, list[dict[str, Any]]] = {
        "dim_leads": [],
        "fct_score_contributions": [],
        "fct_lead_score_history": [],
        "fct_mqls": [],
        "fct_lifecycle_transitions": [],
    }
    for lead in sorted(leads, key=lambda x: x.lead_id):
        if lead.created_at > as_of:
            continue
        account = accounts_by_id.get(lead.account_id) if lead.account_id else None
        own_events = [e for e in events if e.lead_id == lead.lead_id]
        own_dispositions = [d for d in dispositions if d.lead_id == lead.lead_id]
        own_opportunities = [o for o in opportunities if o.lead_id == lead.lead_id]

        history = score_history(lead, account, own_events, rules, as_of)
        for scored_at, score in history:
            out["fct_lead_score_history"].append(
                {
                    "lead_id": lead.lead_id,
                    "scored_at": scored_at,
                    "fit_score": score.fit,
                    "engagement_score": score.engagement,
                    "total_score": score.total,
                    "meets_mql_criteria": score.meets_mql_criteria,
                }
            )
        current = history[-1][1]  # the last instant is as_of
        for c in current.contributions:
            out["fct_score_contributions"].append(
                {
                    "lead_id": lead.lead_id,
                    "rule_type": c.rule_type,
                    "rule_id": c.rule_id,
                    "rule_valid_from": c.rule_valid_from,
                    "points": c.points,
                    "matched_event_count": c.matched_event_count,
                    "last_event_at": c.last_event_at,
                }
            )

        transitions, mqls, summary = lifecycle(
            lead, account, own_events, own_dispositions, own_opportunities, rules, as_of
        )
        out["fct_lifecycle_transitions"].extend(transitions)
        out["fct_mqls"].extend(mqls)

        grade = grade_of(current.fit, grades)
        band = band_of(current.engagement, bands)
        out["dim_leads"].append(
            {
                "lead_id": lead.lead_id,
                "email": lead.email,
                "lead_source": lead.lead_source,
                "created_at": lead.created_at,
                "account_id": lead.account_id,
                "industry": account.industry if account else None,
                "employee_count": account.employee_count if account else None,
                "fit_score": current.fit,
                "engagement_score": current.engagement,
                "total_score": current.total,
                "fit_grade": grade,
                "engagement_band": band,
                "priority": f"{grade}{band}" if grade is not None and band is not None else None,
                "is_disqualified": current.is_disqualified,
                "meets_mql_criteria": current.meets_mql_criteria,
                **summary,
            }
        )
    return out
