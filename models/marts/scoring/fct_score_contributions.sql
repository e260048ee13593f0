{#-
    Why each lead has its score at as_of: one row per rule version in force at as_of that affects
    the lead. The rows' points sum to dim_leads.total_score.
-#}
with

engagement_contributions as (
    select * from {{ ref('int_engagement_contributions_at_instants') }}
    where scored_at = {{ as_of() }}
),

fit_matches as (
    select * from {{ ref('int_fit_rules_matched_to_leads') }}
),

engagement as (
    select
        lead_id,
        'engagement' as rule_type,
        rule_id,
        description as rule_description,
        points,
        rule_points,
        matched_event_count,
        false as is_disqualifying,
        rule_valid_from,
        last_event_at
    from engagement_contributions
    where rule_points <> 0
),

fit as (
    select
        lead_id,
        'fit' as rule_type,
        rule_id,
        description as rule_description,
        points,
        points as rule_points,
        cast(null as {{ dbt.type_bigint() }}) as matched_event_count,
        is_disqualifying,
        valid_from as rule_valid_from,
        cast(null as {{ dbt.type_timestamp() }}) as last_event_at
    from fit_matches
    where
        {{ is_in_force('fit_matches', as_of()) }}
        and (points <> 0 or is_disqualifying)
),

final as (
    select * from engagement
    union all
    select * from fit
)

select * from final
