{#-
    The engagement score of each lead at each evaluation instant where a rule version in force
    contributes (spec §4): the sum of int_engagement_contributions_at_instants per lead and
    instant, computed here from the same CTEs (macros/engagement.sql) without storing the
    per-version rows. Instants with no contribution have no row (their engagement is 0).

    Incremental (macros/incremental.sql): a run recomputes the instants from the cutoff on (all
    of a rescored lead's); the events before the cutoff enter as their decayed counts at it
    (int_engagement_counts_at_cutoff, which fct_score_contributions reads too).
-#}
-- depends_on: {{ ref('int_lead_fingerprints') }}
-- depends_on: {{ ref('int_engagement_counts_at_cutoff') }}
-- depends_on: {{ ref('stg_seeds__engagement_rules') }}
{{ lead_scoring.incremental_window_config('scored_at') }}
{%- set windowed = lead_scoring.is_incremental_window() %}

with

instants as (
    select * from {{ ref('int_lead_evaluation_instants') }}
    {% if windowed %}
    where {{ lead_scoring.in_incremental_window('scored_at') }}
    {% endif %}
),

{{ lead_scoring.engagement_contribution_ctes(
    windowed=windowed, matched_events=ref('int_events_matched_to_rules')
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
