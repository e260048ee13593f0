{#-
    Every staged event with its final data-quality verdict (dq_issue null: the event is scored).
    Incremental (macros/incremental/incremental.sql): a run re-derives the events stamped from the cutoff on,
    the events with no usable timestamp or key or no known lead yet, those of rescored leads, and
    the event_ids whose raw rows changed (chg_raw__events): the rows its pre-hook deletes
    (macros/incremental/incremental.sql events_always_rederived). `loaded_by_run` says which run derived a row.
-#}
{%- set lead_fingerprints = ref('int_lead_fingerprints') %}
{%- set changed_events = ref('chg_raw__events') %}
{{ lead_scoring.incremental_window_config([
    "lead_scoring.in_incremental_window(ref('int_lead_fingerprints'), 'occurred_at')",
    "lead_scoring.events_always_rederived(ref('chg_raw__events'))",
]) }}

with

events as (
    select staged.* from {{ ref('stg_raw__events') }} as staged
    {% if lead_scoring.is_incremental_window() %}
    where
        {{ lead_scoring.in_incremental_window(lead_fingerprints, 'staged.occurred_at', 'staged.lead_id') }}
        or staged.occurred_at is null
        or staged.event_id is null
        or staged.event_id in ({{ lead_scoring.changed_event_ids(changed_events) }})
        or not exists (
            select 1 from {{ ref('int_leads_joined_to_accounts') }} as known_leads
            where known_leads.lead_id = staged.lead_id
        )
    {% endif %}
),

leads as (
    select * from {{ ref('int_leads_joined_to_accounts') }}
),

leads_after_as_of as (
    select distinct lead_id from {{ ref('stg_raw__leads') }}
    where dq_issue = 'after_as_of'
),

engagement_rules as (
    select * from {{ ref('stg_seeds__engagement_rules') }}
),

known_event_types as (
    select distinct event_type from engagement_rules
),

validated as (
    select
        ---------- ids
        events.event_id,
        events.lead_id,
        ---------- attributes
        events.event_type,
        events.url,
        events.campaign,
        ---------- data quality
        case
            when events.dq_issue is not null then events.dq_issue
            when leads.lead_id is null and leads_after_as_of.lead_id is not null then 'lead_after_as_of'
            when leads.lead_id is null then 'unknown_lead'
        end as dq_issue,
        known_event_types.event_type is not null as is_known_event_type,
        events.occurred_at < leads.created_at as is_before_lead_created,
        ---------- timestamps
        events.occurred_at,
        leads.created_at as lead_created_at,
        -- the evaluation instant at which the event first counts
        case
            when events.occurred_at < leads.created_at then leads.created_at
            else events.occurred_at
        end as counted_at,
        ---------- lineage
        '{{ invocation_id }}' as loaded_by_run
    from events
    left join leads
        on events.lead_id = leads.lead_id
    left join leads_after_as_of
        on events.lead_id = leads_after_as_of.lead_id
    left join known_event_types
        on events.event_type = known_event_types.event_type
)

select * from validated
