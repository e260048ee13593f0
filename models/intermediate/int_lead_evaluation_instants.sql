{#-
    One row per lead and evaluation instant (docs/semantics.md §3): created_at, each event time
    after it, each rule or threshold valid_from after it, and as_of; none after as_of.
    Incremental: a run recomputes the instants from the cutoff on, and all of a rescored lead's.
-#}
{%- set lead_fingerprints = ref('int_lead_fingerprints') %}
{{ lead_scoring.incremental_window_config(
    "lead_scoring.in_incremental_window(ref('int_lead_fingerprints'), 'scored_at')"
) }}

with

leads as (
    select * from {{ ref('int_leads_joined_to_accounts') }}
),

events as (
    select * from {{ ref('int_events_validated') }}
    where
        dq_issue is null
    {% if lead_scoring.is_incremental_window() %}
        and {{ lead_scoring.in_incremental_window(lead_fingerprints, 'occurred_at') }}
    {% endif %}
),

rule_changes as (
    select valid_from_at from {{ ref('stg_seeds__engagement_rules') }}
    union
    select valid_from_at from {{ ref('stg_seeds__fit_rules') }}
    union
    select valid_from_at from {{ ref('stg_seeds__mql_thresholds') }}
),

candidate_instants as (
    select
        lead_id,
        created_at as scored_at,
        false as is_event_instant
    from leads

    union all

    select
        lead_id,
        occurred_at as scored_at,
        true as is_event_instant
    from events

    union all

    select
        leads.lead_id,
        rule_changes.valid_from_at as scored_at,
        false as is_event_instant
    from leads
    inner join rule_changes
        on rule_changes.valid_from_at > leads.created_at

    union all

    select
        lead_id,
        {{ as_of() }} as scored_at,
        false as is_event_instant
    from leads
),

final as (
    select
        candidate_instants.lead_id,
        candidate_instants.scored_at,
        max(case when candidate_instants.is_event_instant then 1 else 0 end) = 1 as is_event_instant
    from candidate_instants
    inner join leads
        on candidate_instants.lead_id = leads.lead_id
    where
        candidate_instants.scored_at >= leads.created_at
        and candidate_instants.scored_at <= {{ as_of() }}
    {% if lead_scoring.is_incremental_window() %}
        and {{ lead_scoring.in_incremental_window(lead_fingerprints, 'candidate_instants.scored_at', 'candidate_instants.lead_id') }}
    {% endif %}
    group by candidate_instants.lead_id, candidate_instants.scored_at
)

select * from final
