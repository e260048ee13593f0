{#-
    One row per lead, evaluation instant and engagement-rule version in force then with at least
    one matched event by then: the version scores the lead's whole history (spec §4).

    Linear in the number of events and instants: the decayed sum is a running sum of bucketed
    decay weights (macros/scoring.sql explains the identity), not a pairing of each instant with
    every earlier event.
-#}
with

instants as (
    select * from {{ ref('int_lead_evaluation_instants') }}
),

matched_events as (
    select * from {{ ref('int_events_matched_to_rules') }}
),

lead_versions as (
    select distinct
        lead_id,
        rule_id,
        valid_from,
        valid_from_at,
        valid_to_at,
        points,
        max_points,
        half_life_days,
        description
    from matched_events
),

instants_in_force as (
    select
        instants.lead_id,
        lead_versions.rule_id,
        lead_versions.valid_from,
        lead_versions.half_life_days,
        instants.scored_at as at_time,
        1 as row_kind
    from instants
    inner join lead_versions
        on
            instants.lead_id = lead_versions.lead_id
            and {{ is_in_force('lead_versions', 'instants.scored_at') }}
),

timeline as (
    select
        lead_id,
        rule_id,
        valid_from,
        half_life_days,
        occurred_at as at_time,
        0 as row_kind
    from matched_events

    union all

    select * from instants_in_force
),

bucketed as (
    select
        *,
        {{ decay_bucket('at_time', 'half_life_days') }} as bucket
    from timeline
),

weighted as (
    select
        *,
        case when row_kind = 0 then {{ decay_weight('at_time', 'half_life_days', 'bucket') }} else 0.0 end as weight
    from bucketed
),

running as (
    -- events sort before an instant at the same time: an event at t counts at t
    select
        *,
        sum(weight) over (
            partition by lead_id, rule_id, valid_from, bucket
            order by at_time, row_kind
            rows between unbounded preceding and current row
        ) as bucket_weight,
        sum(case when row_kind = 0 then 1 else 0 end) over (
            partition by lead_id, rule_id, valid_from
            order by at_time, row_kind
            rows between unbounded preceding and current row
        ) as matched_event_count,
        max(case when row_kind = 0 then at_time end) over (
            partition by lead_id, rule_id, valid_from
            order by at_time, row_kind
            rows between unbounded preceding and current row
        ) as last_event_at
    from weighted
),

bucket_totals as (
    select
        lead_id,
        rule_id,
        valid_from,
        bucket,
        {{ ordered_sum('weight', 'at_time') }} as bucket_weight
    from weighted
    where row_kind = 0
    group by lead_id, rule_id, valid_from, bucket
),

scored_instants as (
    select
        *,
        {{ half_lives_to_bucket_end('at_time', 'half_life_days', 'bucket') }} as half_lives_to_bucket_end
    from running
    where row_kind = 1 and matched_event_count > 0
),

carried as (
    select
        scored_instants.lead_id,
        scored_instants.rule_id,
        scored_instants.valid_from,
        scored_instants.at_time,
        -- an earlier bucket's weights decayed to the instant itself: the exponent is >= 0, so
        -- nothing underflows before it must
        {{ ordered_sum(
            'bucket_totals.bucket_weight * (' ~ power_of_half(
                decay_bucket_half_lives() ~ ' * (scored_instants.bucket - bucket_totals.bucket)'
                ~ ' - scored_instants.half_lives_to_bucket_end'
            ) ~ ')',
            'bucket_totals.bucket'
        ) }} as carried_points_per_event
    from scored_instants
    inner join bucket_totals
        on
            scored_instants.lead_id = bucket_totals.lead_id
            and scored_instants.rule_id = bucket_totals.rule_id
            and scored_instants.valid_from = bucket_totals.valid_from
            and bucket_totals.bucket < scored_instants.bucket
    group by scored_instants.lead_id, scored_instants.rule_id, scored_instants.valid_from, scored_instants.at_time
),

decayed as (
    select
        scored_instants.lead_id,
        scored_instants.at_time as scored_at,
        scored_instants.rule_id,
        scored_instants.valid_from as rule_valid_from,
        scored_instants.matched_event_count,
        scored_instants.last_event_at,
        case
            when scored_instants.half_life_days is null then scored_instants.bucket_weight
            -- dividing by 0.5 ^ h (not multiplying by 2 ^ h) keeps an event at the instant exactly 1
            else scored_instants.bucket_weight / power(0.5, scored_instants.half_lives_to_bucket_end)
        end
        + coalesce(carried.carried_points_per_event, 0.0) as decayed_event_count
    from scored_instants
    left join carried
        on
            scored_instants.lead_id = carried.lead_id
            and scored_instants.rule_id = carried.rule_id
            and scored_instants.valid_from = carried.valid_from
            and scored_instants.at_time = carried.at_time
),

final as (
    select
        decayed.lead_id,
        decayed.scored_at,
        decayed.rule_id,
        decayed.rule_valid_from,
        lead_versions.points as rule_points,
        lead_versions.description,
        cast(decayed.matched_event_count as {{ dbt.type_bigint() }}) as matched_event_count,
        decayed.last_event_at,
        {{ clipped_points('lead_versions.points * decayed.decayed_event_count', 'lead_versions.max_points') }} as points
    from decayed
    inner join lead_versions
        on
            decayed.lead_id = lead_versions.lead_id
            and decayed.rule_id = lead_versions.rule_id
            and decayed.rule_valid_from = lead_versions.valid_from
)

select * from final
