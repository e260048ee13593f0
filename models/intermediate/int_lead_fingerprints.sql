{#-
    One row per lead, plus one per lead deleted since the previous build: a fingerprint of
    everything a lead's whole score history depends on besides its events (created_at and the
    fit attributes, the account's included), and whether an incremental run must recompute all
    of the lead's rows (`is_rescored`: new, changed or deleted since the previous build of this
    table, or, in an incremental run, with an event older than the cutoff that was edited,
    withdrawn or arrived late: chg_raw__events). The previous build is read before this
    one replaces it; on a first build every lead counts as new.
-#}
{%- set changed_events = ref('chg_raw__events') %}
{%- set previous = adapter.get_relation(this.database, this.schema, this.identifier) if execute else none %}
{%- set is_rescored = 'true' if previous is none else
    'coalesce(previous_fingerprints.fingerprint <> current_fingerprints.fingerprint, true)' %}
{%- if previous is not none and lead_scoring.continues_previous_build() %}
    {%- set is_rescored = '(' ~ is_rescored ~ ' or current_fingerprints.lead_id in ('
        ~ lead_scoring.leads_of_changed_old_events(changed_events) ~ '))' %}
{%- endif %}

with

leads as (
    select * from {{ ref('int_leads_joined_to_accounts') }}
),

current_fingerprints as (
    select
        lead_id,
        {{ dbt.hash(lead_scoring.fingerprint_text(
            ['created_at'] + (lead_scoring.fit_attributes().keys() | list)
        )) }} as fingerprint
    from leads
),

{% if previous is not none %}

previous_fingerprints as (
    select
        lead_id,
        fingerprint
    from {{ previous }}
    where not is_deleted
),
{% endif %}

final as (
    select
        current_fingerprints.lead_id,
        current_fingerprints.fingerprint,
        {{ is_rescored }} as is_rescored,
        false as is_deleted
    from current_fingerprints
    {% if previous is not none %}
    left join previous_fingerprints
        on current_fingerprints.lead_id = previous_fingerprints.lead_id

    union all

    select
        previous_fingerprints.lead_id,
        previous_fingerprints.fingerprint,
        true as is_rescored,
        true as is_deleted
    from previous_fingerprints
    where not exists (
        select 1 from current_fingerprints
        where current_fingerprints.lead_id = previous_fingerprints.lead_id
    )
    {% endif %}
)

select * from final
