{#-
    The engagement score of each lead at each evaluation instant where a rule version in force
    contributes (spec §4): the sum of int_engagement_contributions_at_instants per lead and
    instant, computed here from the same CTEs (macros/scoring/engagement.sql) without storing the
    per-version rows. Instants with no contribution have no row (their engagement is 0).

    Incremental (macros/incremental/incremental.sql): a run recomputes the instants from the cutoff on (all
    of a rescored lead's); the events before the cutoff enter as their decayed counts at it
    (int_engagement_counts_at_cutoff, which fct_score_contributions reads too).
-#}
{%- set lead_fingerprints = ref('int_lead_fingerprints') %}
{{ lead_scoring.incremental_window_config(
    "lead_scoring.in_incremental_window(ref('int_lead_fingerprints'), 'scored_at')"
) }}
{%- set windowed = lead_scoring.is_incremental_window() %}

with

instants as (
    select * from {{ ref('int_lead_evaluation_instants') }}
    {% if windowed %}
    where {{ lead_scoring.in_incremental_window(lead_fingerprints, 'scored_at') }}
    {% endif %}
),

{{ lead_scoring.engagement_contribution_ctes(
    ref('int_events_matched_to_rules'),
    windowed=windowed,
    fingerprints=lead_fingerprints,
    counts_at_cutoff=ref('int_engagement_counts_at_cutoff'),
    engagement_rules=ref('stg_seeds__engagement_rules'),
) }},

final as (
    select
        lead_id,
        scored_at,
        {{ exact_sum('points') }} as engagement_score
    from engagement_contributions
    group by lead_id, scored_at
)

select * from final
