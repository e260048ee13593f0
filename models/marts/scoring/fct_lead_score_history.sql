{#- Incremental like int_lead_scores_at_instants: the instants from the cutoff on are replaced. -#}
-- depends_on: {{ ref('int_lead_fingerprints') }}
{{ lead_scoring.incremental_window_config('scored_at') }}

with

scores as (
    select * from {{ ref('int_lead_scores_at_instants') }}
    {% if lead_scoring.is_incremental_window() %}
    where {{ lead_scoring.in_incremental_window('scored_at') }}
    {% endif %}
),

final as (
    select
        ---------- ids
        lead_id,
        ---------- scores
        fit_score,
        engagement_score,
        total_score,
        fit_grade,
        engagement_band,
        priority,
        ---------- booleans
        is_disqualified,
        meets_mql_criteria,
        is_event_instant,
        ---------- timestamps
        scored_at
    from scores
)

select * from final
