{#-
    Why each lead has its score at as_of: one row per rule version in force at as_of that affects
    the lead. The rows' points sum to dim_leads.total_score.
-#}
with

engagement_contributions as (
    select * from {{ ref('int_engagement_contributions_at_instants') }}
    where scored_at = {{ as_of() }}
),

engagement_rules as (
    select * from {{ ref('stg_seeds__engagement_rules') }}
),

fit_matches as (
    select * from {{ ref('int_fit_rules_matched_to_leads') }}
),

engagement as (
    select
        engagement_contributions.lead_id,
        'engagement' as rule_type,
        engagement_contributions.rule_id,
        engagement_rules.description as rule_description,
        engagement_contributions.points,
        engagement_contributions.rule_points,
        engagement_contributions.matched_event_count,
        false as is_disqualifying,
        engagement_contributions.rule_valid_from,
        engagement_contributions.last_event_at
    from engagement_contributions
    inner join engagement_rules
        on
            engagement_contributions.rule_id = engagement_rules.rule_id
            and engagement_contributions.rule_valid_from = engagement_rules.valid_from
    where engagement_contributions.rule_points <> 0
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
