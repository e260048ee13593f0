{#-
    The engagement contributions of spec §4 at evaluation instants: the CTEs after `instants`
    (lead_id, scored_at) and `matched_events` (int_events_matched_to_rules), ending with
    `engagement_contributions`: one row per lead, instant and engagement-rule version in force
    then with non-zero points and at least one matched event by then. A switched-off version
    (points 0) contributes nothing and has no rows. int_engagement_contributions_at_instants shows
    them; int_engagement_scores_at_instants sums them per instant without storing them.

    Linear in the number of events and instants, never pairing an instant with every earlier
    event:
    1. event_states: the decayed count of each lead and version at each of its event times, a
       running sum of bucketed decay weights (macros/scoring.sql explains the identity; an event
       in a later bucket than the version's first adds the earlier buckets' totals);
    2. states_at_instants: each state paired with the lead's instants from its event time until
       the version's next event (macros/scoring.sql, a list filter on DuckDB);
    3. the state decayed to the instant, 0.5 ^ (age / half-life) with an exponent >= 0.

    `windowed` (an incremental run, macros/incremental.sql): `instants` holds the instants from
    the cutoff on (all of a rescored lead's), and the events before the cutoff enter as one row
    per lead and version, their decayed count at the cutoff, which continues exactly like the
    events themselves.
-#}
{% macro engagement_contribution_ctes(windowed) -%}
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
    {{ lead_scoring.decayed_event_counts_at(
        'matched_events',
        lead_scoring.incremental_cutoff(),
        'not ' ~ lead_scoring.in_incremental_window('matched_events.occurred_at', 'matched_events.lead_id')
    ) }}
),
{% endif %}

event_rows as (
    select
        event_groups.*,
        versions.half_life_days,
        {{ decay_bucket('event_groups.at_time', 'versions.half_life_days') }} as bucket
    from (
        {% if windowed %}
        -- an event exactly at the cutoff and the earlier events carried to it become one row:
        -- the windows below must never see two rows at one time (each window would order
        -- them its own way, and a state could take one's sum and the other's end)
        select
            lead_id,
            rule_id,
            valid_from,
            at_time,
            cast(sum(event_count) as {{ dbt.type_bigint() }}) as event_count,
            sum(decayed_event_count) as decayed_event_count,
            max(last_event_at) as last_event_at
        from (
            select * from event_groups
            union all
            select * from states_at_cutoff
        ) as both_sides
        group by lead_id, rule_id, valid_from, at_time
        {% else %}
        select * from event_groups
        {% endif %}
    ) as event_groups
    inner join versions
        on
            event_groups.rule_id = versions.rule_id
            and event_groups.valid_from = versions.valid_from
    where versions.points <> 0
),

-- the decayed count of each lead and version at each of its event times: one running sum of
-- bucketed decay weights per decay bucket, plus (rarely) the totals of earlier buckets
event_states as (
    select
        *,
        sum(weight) over bucket_so_far as bucket_weight,
        sum(event_count) over version_so_far as matched_event_count,
        -- no frame: Spark allows none on lead()
        lead(at_time) over (partition by lead_id, rule_id, valid_from order by at_time) as next_event_at,
        min(bucket) over version_so_far as first_bucket
    from (
        select
            *,
            decayed_event_count * {{ decay_weight('at_time', 'half_life_days', 'bucket') }} as weight
        from event_rows
    ) as weighted
    window
        bucket_so_far as (
            partition by lead_id, rule_id, valid_from, bucket
            order by at_time
            rows between unbounded preceding and current row
        ),
        version_so_far as (
            partition by lead_id, rule_id, valid_from
            order by at_time
            rows between unbounded preceding and current row
        )
),

later_bucket_states as (
    select * from event_states
    where bucket > first_bucket
),

bucket_totals as (
    select
        event_states.lead_id,
        event_states.rule_id,
        event_states.valid_from,
        event_states.bucket,
        {{ ordered_sum('event_states.weight', 'event_states.at_time') }} as bucket_weight
    from event_states
    where
        exists (
            select 1 from later_bucket_states
            where
                later_bucket_states.lead_id = event_states.lead_id
                and later_bucket_states.rule_id = event_states.rule_id
                and later_bucket_states.valid_from = event_states.valid_from
        )
    group by event_states.lead_id, event_states.rule_id, event_states.valid_from, event_states.bucket
),

carried as (
    select
        later_bucket_states.lead_id,
        later_bucket_states.rule_id,
        later_bucket_states.valid_from,
        later_bucket_states.at_time,
        -- an earlier bucket's weights decayed to the event time itself: the exponent is >= 0, so
        -- nothing underflows before it must
        {{ ordered_sum(
            'bucket_totals.bucket_weight * (' ~ power_of_half(
                decay_bucket_half_lives() ~ ' * (later_bucket_states.bucket - bucket_totals.bucket)'
                ~ ' - ' ~ half_lives_to_bucket_end(
                    'later_bucket_states.at_time', 'later_bucket_states.half_life_days', 'later_bucket_states.bucket'
                )
            ) ~ ')',
            'bucket_totals.bucket'
        ) }} as carried_decayed_event_count
    from later_bucket_states
    inner join bucket_totals
        on
            later_bucket_states.lead_id = bucket_totals.lead_id
            and later_bucket_states.rule_id = bucket_totals.rule_id
            and later_bucket_states.valid_from = bucket_totals.valid_from
            and bucket_totals.bucket < later_bucket_states.bucket
    group by
        later_bucket_states.lead_id,
        later_bucket_states.rule_id,
        later_bucket_states.valid_from,
        later_bucket_states.at_time
),

-- each state holds from its event time until the version's next event, within the version's
-- validity
states as (
    select
        event_states.lead_id,
        event_states.rule_id,
        event_states.valid_from,
        event_states.half_life_days,
        event_states.at_time,
        event_states.matched_event_count,
        event_states.last_event_at,
        case
            when event_states.half_life_days is null then event_states.bucket_weight
            -- dividing by 0.5 ^ h (not multiplying by 2 ^ h) keeps an event at its time exactly 1
            else event_states.bucket_weight / power(
                0.5,
                {{ half_lives_to_bucket_end(
                    'event_states.at_time', 'event_states.half_life_days', 'event_states.bucket'
                ) }}
            )
        end
        + coalesce(carried.carried_decayed_event_count, 0.0) as decayed_event_count,
        case
            when versions.valid_from_at > event_states.at_time then versions.valid_from_at
            else event_states.at_time
        end as holds_from,
        case
            when event_states.next_event_at is null then versions.valid_to_at
            when versions.valid_to_at is null then event_states.next_event_at
            when versions.valid_to_at < event_states.next_event_at then versions.valid_to_at
            else event_states.next_event_at
        end as holds_until
    from event_states
    inner join versions
        on
            event_states.rule_id = versions.rule_id
            and event_states.valid_from = versions.valid_from
    left join carried
        on
            event_states.lead_id = carried.lead_id
            and event_states.rule_id = carried.rule_id
            and event_states.valid_from = carried.valid_from
            and event_states.at_time = carried.at_time
),

-- each state at every evaluation instant it holds for
states_at_instants as (
    {{ lead_scoring.states_at_instants('states', 'instants') }}
),

decayed as (
    select
        lead_id,
        scored_at,
        rule_id,
        valid_from as rule_valid_from,
        matched_event_count,
        last_event_at,
        decayed_event_count * (
            case
                when half_life_days is null then 1.0
                else {{ lead_scoring.power_of_half(
                    lead_scoring.seconds_between('at_time', 'scored_at') ~ ' / (86400.0 * half_life_days)'
                ) }}
            end
        ) as decayed_event_count
    from states_at_instants
),

engagement_contributions as (
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
{%- endmacro %}

{#-
    One row per lead and engagement-rule version matched by the events of `matched_events` that
    `where` keeps: the count of those events decayed to `at_time` (which no event is after),
    their number and the latest.
-#}
{% macro decayed_event_counts_at(matched_events, at_time, where) -%}
    select
        {{ matched_events }}.lead_id,
        {{ matched_events }}.rule_id,
        {{ matched_events }}.valid_from,
        {{ at_time }} as at_time,
        count(*) as event_count,
        sum(
            case
                when {{ matched_events }}.half_life_days is null then 1.0
                else {{ lead_scoring.power_of_half(
                    lead_scoring.seconds_between(matched_events ~ '.occurred_at', at_time)
                    ~ ' / (86400.0 * ' ~ matched_events ~ '.half_life_days)'
                ) }}
            end
        ) as decayed_event_count,
        max({{ matched_events }}.occurred_at) as last_event_at
    from {{ matched_events }}
    where {{ where }}
    group by {{ matched_events }}.lead_id, {{ matched_events }}.rule_id, {{ matched_events }}.valid_from
{%- endmacro %}
