{#-
    Why each lead has its score at as_of: one row per rule version in force at as_of that affects
    the lead. The rows' points sum to dim_leads.total_score. The engagement rows are the
    versions' decayed counts at as_of, computed straight from the matched events (the same
    formula as int_engagement_contributions_at_instants at its as_of instants, without its
    running sums over every instant).
-#}
with

matched_events as (
    select * from {{ ref('int_events_matched_to_rules') }}
),

engagement_rules as (
    select * from {{ ref('stg_seeds__engagement_rules') }}
),

fit_matches as (
    select * from {{ ref('int_fit_rules_matched_to_leads') }}
),

-- matched versions in force at as_of with points (a switched-off version contributes nothing)
engagement_counts as (
    {{ lead_scoring.decayed_event_counts_at(
        'matched_events',
        as_of(),
        is_in_force('matched_events', as_of()) ~ ' and matched_events.points <> 0'
    ) }}
),

engagement as (
    select
        engagement_counts.lead_id,
        'engagement' as rule_type,
        engagement_counts.rule_id,
        engagement_rules.description as rule_description,
        {{ clipped_points(
            'engagement_rules.points * engagement_counts.decayed_event_count', 'engagement_rules.max_points'
        ) }} as points,
        engagement_rules.points as rule_points,
        cast(engagement_counts.event_count as {{ dbt.type_bigint() }}) as matched_event_count,
        false as is_disqualifying,
        engagement_counts.valid_from as rule_valid_from,
        engagement_counts.last_event_at
    from engagement_counts
    inner join engagement_rules
        on
            engagement_counts.rule_id = engagement_rules.rule_id
            and engagement_counts.valid_from = engagement_rules.valid_from
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
