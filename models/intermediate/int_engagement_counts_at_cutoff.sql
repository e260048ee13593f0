{#-
    In an incremental run (macros/incremental/incremental.sql), one row per lead and engagement-rule version
    with matched events before the cutoff: those events decayed to the cutoff, their number, the
    first and the latest (macros/scoring/engagement.sql decayed_event_counts_at). A rescored lead has no row: all
    its events are recomputed. int_engagement_scores_at_instants continues the states from it
    at the cutoff and fct_score_contributions decays it on to as_of, so the 26M matched events
    at 1M leads are aggregated once per run instead of twice.

    Empty in a full build, where both models read the matched events themselves.
-#}
{%- set lead_fingerprints = ref('int_lead_fingerprints') %}
{%- set continues = lead_scoring.continues_previous_build() %}
{#- a full build has no cutoff: no rows (as of as_of, to keep the columns' types) -#}
{%- set at_time = lead_scoring.incremental_cutoff() if continues else as_of() %}
{%- set counted = (
    'not ' ~ lead_scoring.in_incremental_window(lead_fingerprints, 'matched_events.occurred_at', 'matched_events.lead_id')
) if continues else '1 = 0' %}

with

matched_events as (
    select * from {{ ref('int_events_matched_to_rules') }}
),

final as (
    {{ lead_scoring.decayed_event_counts_at('matched_events', at_time, counted, first_event=true) }}
)

select * from final
