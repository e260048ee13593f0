with

scores as (
    select * from {{ ref('int_lead_scores_at_instants') }}
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
