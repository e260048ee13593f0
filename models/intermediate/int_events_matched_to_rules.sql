{#-
    One row per scored event and engagement-rule version it matches: event type equal and,
    where the version has a url_pattern, the url LIKE it, both case-insensitive. Incremental: a
    run re-matches the events it re-derived in int_events_validated.
-#}
{%- set lead_fingerprints = ref('int_lead_fingerprints') %}
{{ lead_scoring.incremental_window_config([
    "lead_scoring.in_incremental_window(ref('int_lead_fingerprints'), 'occurred_at')",
    "lead_scoring.events_rederived_this_run(ref('int_events_validated'))",
]) }}

with

events as (
    select * from {{ ref('int_events_validated') }}
    where
        dq_issue is null
    {% if lead_scoring.is_incremental_window() %}
        and ({{ lead_scoring.in_incremental_window(lead_fingerprints, 'occurred_at') }} or loaded_by_run = '{{ invocation_id }}')
    {% endif %}
),

engagement_rules as (
    select * from {{ ref('stg_seeds__engagement_rules') }}
),

matched as (
    select
        ---------- ids
        events.event_id,
        events.lead_id,
        engagement_rules.rule_id,
        ---------- rule version
        engagement_rules.valid_from,
        engagement_rules.valid_from_at,
        engagement_rules.valid_to_at,
        engagement_rules.points,
        engagement_rules.max_points,
        engagement_rules.half_life_days,
        engagement_rules.promotes_to,
        ---------- timestamps
        events.occurred_at,
        events.counted_at
    from events
    inner join engagement_rules
        on
            events.event_type = engagement_rules.event_type
            and (
                engagement_rules.url_pattern is null
                or lower(events.url) like lower(engagement_rules.url_pattern)
            )
)

select * from matched
