{#-
    One row per lead, evaluation instant and engagement-rule version in force then with at least
    one matched event by then: the version scores the lead's whole history (spec §4).
-#}
with

instants as (
    select * from {{ ref('int_lead_evaluation_instants') }}
),

matched_events as (
    select * from {{ ref('int_events_matched_to_rules') }}
),

scored_events as (
    select
        instants.lead_id,
        instants.scored_at,
        matched_events.rule_id,
        matched_events.valid_from,
        matched_events.points,
        matched_events.max_points,
        matched_events.description,
        matched_events.occurred_at,
        {{ decayed_points(
            'matched_events.points',
            'matched_events.half_life_days',
            seconds_between('matched_events.occurred_at', 'instants.scored_at')
        ) }} as decayed_points
    from instants
    inner join matched_events
        on
            instants.lead_id = matched_events.lead_id
            and matched_events.occurred_at <= instants.scored_at
            and {{ is_in_force('matched_events', 'instants.scored_at') }}
),

aggregated as (
    select
        lead_id,
        scored_at,
        rule_id,
        valid_from as rule_valid_from,
        points as rule_points,
        max_points,
        description,
        count(*) as matched_event_count,
        max(occurred_at) as last_event_at,
        sum(decayed_points) as raw_points
    from scored_events
    group by lead_id, scored_at, rule_id, valid_from, points, max_points, description
),

final as (
    select
        lead_id,
        scored_at,
        rule_id,
        rule_valid_from,
        rule_points,
        description,
        matched_event_count,
        last_event_at,
        {{ clipped_points('raw_points', 'max_points') }} as points
    from aggregated
)

select * from final
