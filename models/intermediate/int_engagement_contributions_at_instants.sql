{#-
    One row per lead, evaluation instant and engagement-rule version in force then with non-zero
    points and at least one matched event by then: the version scores the lead's whole history
    (spec §4). A switched-off version (points 0) contributes nothing and has no rows.

    Linear in the number of events and instants: the decayed sum is a running sum of bucketed
    decay weights (macros/scoring.sql explains the identity), not a pairing of each instant with
    every earlier event. The running sum runs over one window per lead, version and decay bucket;
    a rare instant in a later bucket than the version's first event adds the earlier buckets'
    totals.

    Incremental (macros/incremental.sql): a run recomputes the instants from the cutoff on (all
    of a rescored lead's). The events before the cutoff enter as one row per lead and version,
    their decayed count at the cutoff (sum of 0.5 ^ (age / half-life), exponents >= 0), which
    continues exactly like the events themselves.
-#}
-- depends_on: {{ ref('int_lead_fingerprints') }}
{{ lead_scoring.incremental_window_config('scored_at') }}
{%- set windowed = lead_scoring.is_incremental_window() %}

with

instants as (
    select * from {{ ref('int_lead_evaluation_instants') }}
    {% if windowed %}
    where {{ lead_scoring.in_incremental_window('scored_at') }}
    {% endif %}
),

matched_events as (
    select * from {{ ref('int_events_matched_to_rules') }}
),

versions as (
    select distinct
        rule_id,
        valid_from,
        valid_from_at,
        valid_to_at,
        points,
        max_points,
        half_life_days
    from matched_events
),

event_groups as (
    select
        lead_id,
        rule_id,
        valid_from,
        occurred_at as at_time,
        count(*) as event_count,
        cast(count(*) as {{ type_double() }}) as decayed_event_count,
        occurred_at as last_event_at
    from matched_events
    {% if windowed %}
    where {{ lead_scoring.in_incremental_window('occurred_at') }}
    {% endif %}
    group by lead_id, rule_id, valid_from, occurred_at
),

{% if windowed %}

-- the events before the cutoff of each lead and version, decayed to the cutoff
states_at_cutoff as (
    select
        matched_events.lead_id,
        matched_events.rule_id,
        matched_events.valid_from,
        {{ lead_scoring.incremental_cutoff() }} as at_time,
        count(*) as event_count,
        sum(
            case
                when matched_events.half_life_days is null then 1.0
                else {{ lead_scoring.power_of_half(
                    lead_scoring.seconds_between('matched_events.occurred_at', lead_scoring.incremental_cutoff())
                    ~ ' / (86400.0 * matched_events.half_life_days)'
                ) }}
            end
        ) as decayed_event_count,
        max(matched_events.occurred_at) as last_event_at
    from matched_events
    where not {{ lead_scoring.in_incremental_window('matched_events.occurred_at', 'matched_events.lead_id') }}
    group by matched_events.lead_id, matched_events.rule_id, matched_events.valid_from
),
{% endif %}

event_rows as (
    select
        event_groups.*,
        versions.half_life_days,
        {{ decay_bucket('event_groups.at_time', 'versions.half_life_days') }} as bucket
    from (
        select * from event_groups
        {% if windowed %}
        union all
        select * from states_at_cutoff
        {% endif %}
    ) as event_groups
    inner join versions
        on
            event_groups.rule_id = versions.rule_id
            and event_groups.valid_from = versions.valid_from
),

lead_versions as (
    select
        event_rows.lead_id,
        event_rows.rule_id,
        event_rows.valid_from,
        min(event_rows.at_time) as first_event_at,
        min(event_rows.bucket) as first_bucket
    from event_rows
    group by event_rows.lead_id, event_rows.rule_id, event_rows.valid_from
),

instants_in_force as (
    select
        instants.lead_id,
        lead_versions.rule_id,
        lead_versions.valid_from,
        instants.scored_at as at_time,
        versions.half_life_days,
        lead_versions.first_bucket
    from instants
    inner join lead_versions
        on
            instants.lead_id = lead_versions.lead_id
            and lead_versions.first_event_at <= instants.scored_at
    inner join versions
        on
            lead_versions.rule_id = versions.rule_id
            and lead_versions.valid_from = versions.valid_from
    where
        versions.points <> 0
        and {{ is_in_force('versions', 'instants.scored_at') }}
),

timeline as (
    select
        lead_id,
        rule_id,
        valid_from,
        at_time,
        0 as row_kind,
        bucket,
        event_count,
        last_event_at,
        decayed_event_count * {{ decay_weight('at_time', 'half_life_days', 'bucket') }} as weight,
        cast(null as {{ dbt.type_bigint() }}) as first_bucket,
        half_life_days
    from event_rows

    union all

    select
        lead_id,
        rule_id,
        valid_from,
        at_time,
        1 as row_kind,
        {{ decay_bucket('at_time', 'half_life_days') }} as bucket,
        0 as event_count,
        cast(null as {{ dbt.type_timestamp() }}) as last_event_at,
        0.0 as weight,
        first_bucket,
        half_life_days
    from instants_in_force
),

running as (
    -- events sort before an instant at the same time: an event at t counts at t
    select
        *,
        sum(weight) over bucket_so_far as bucket_weight,
        sum(event_count) over bucket_so_far as bucket_event_count,
        max(last_event_at) over bucket_so_far as bucket_last_event_at
    from timeline
    window bucket_so_far as (
        partition by lead_id, rule_id, valid_from, bucket
        order by at_time, row_kind
        rows between unbounded preceding and current row
    )
),

scored_instants as (
    select
        *,
        {{ half_lives_to_bucket_end('at_time', 'half_life_days', 'bucket') }} as half_lives_to_bucket_end
    from running
    where row_kind = 1
),

later_bucket_instants as (
    select * from scored_instants
    where bucket > first_bucket
),

bucket_totals as (
    select
        event_rows.lead_id,
        event_rows.rule_id,
        event_rows.valid_from,
        event_rows.bucket,
        {{ ordered_sum(
            'event_rows.decayed_event_count * '
            ~ decay_weight('event_rows.at_time', 'event_rows.half_life_days', 'event_rows.bucket'),
            'event_rows.at_time'
        ) }} as bucket_weight,
        sum(event_rows.event_count) as bucket_event_count,
        max(event_rows.last_event_at) as bucket_last_event_at
    from event_rows
    where
        exists (
            select 1 from later_bucket_instants
            where
                later_bucket_instants.lead_id = event_rows.lead_id
                and later_bucket_instants.rule_id = event_rows.rule_id
                and later_bucket_instants.valid_from = event_rows.valid_from
        )
    group by event_rows.lead_id, event_rows.rule_id, event_rows.valid_from, event_rows.bucket
),

carried as (
    select
        later_bucket_instants.lead_id,
        later_bucket_instants.rule_id,
        later_bucket_instants.valid_from,
        later_bucket_instants.at_time,
        -- an earlier bucket's weights decayed to the instant itself: the exponent is >= 0, so
        -- nothing underflows before it must
        {{ ordered_sum(
            'bucket_totals.bucket_weight * (' ~ power_of_half(
                decay_bucket_half_lives() ~ ' * (later_bucket_instants.bucket - bucket_totals.bucket)'
                ~ ' - later_bucket_instants.half_lives_to_bucket_end'
            ) ~ ')',
            'bucket_totals.bucket'
        ) }} as carried_decayed_event_count,
        sum(bucket_totals.bucket_event_count) as carried_event_count,
        max(bucket_totals.bucket_last_event_at) as carried_last_event_at
    from later_bucket_instants
    inner join bucket_totals
        on
            later_bucket_instants.lead_id = bucket_totals.lead_id
            and later_bucket_instants.rule_id = bucket_totals.rule_id
            and later_bucket_instants.valid_from = bucket_totals.valid_from
            and bucket_totals.bucket < later_bucket_instants.bucket
    group by
        later_bucket_instants.lead_id,
        later_bucket_instants.rule_id,
        later_bucket_instants.valid_from,
        later_bucket_instants.at_time
),

decayed as (
    select
        scored_instants.lead_id,
        scored_instants.at_time as scored_at,
        scored_instants.rule_id,
        scored_instants.valid_from as rule_valid_from,
        scored_instants.bucket_event_count + coalesce(carried.carried_event_count, 0) as matched_event_count,
        coalesce(scored_instants.bucket_last_event_at, carried.carried_last_event_at) as last_event_at,
        case
            when scored_instants.half_life_days is null then scored_instants.bucket_weight
            -- dividing by 0.5 ^ h (not multiplying by 2 ^ h) keeps an event at the instant exactly 1
            else scored_instants.bucket_weight / power(0.5, scored_instants.half_lives_to_bucket_end)
        end
        + coalesce(carried.carried_decayed_event_count, 0.0) as decayed_event_count
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
        versions.points as rule_points,
        cast(decayed.matched_event_count as {{ dbt.type_bigint() }}) as matched_event_count,
        decayed.last_event_at,
        {{ clipped_points('versions.points * decayed.decayed_event_count', 'versions.max_points') }} as points
    from decayed
    inner join versions
        on
            decayed.rule_id = versions.rule_id
            and decayed.rule_valid_from = versions.valid_from
)

select * from final
