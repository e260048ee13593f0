{#-
    The engagement contributions of spec §4 at evaluation instants: the CTEs after `instants`
    (lead_id, scored_at), from the relation `matched_events` (int_events_matched_to_rules: read
    where it is used, as a CTE read twice DuckDB would buffer its 26M rows;
    docs/decisions/0006-large-results-read-once.md), ending with
    `engagement_contributions`: one row per lead, instant and engagement-rule version in force
    then with non-zero points and at least one matched event by then. A switched-off version
    (points 0) contributes nothing and has no rows. int_engagement_contributions_at_instants shows
    them; int_engagement_scores_at_instants sums them per instant without storing them.

    Linear in the number of events and instants, never pairing an instant with every earlier
    event:
    1. event_states: the decayed count of each lead and version at each of its event times, a
       running sum of bucketed decay weights in one sorted pass (macros/scoring/scoring.sql explains the
       identity); events at one time are peers of that pass, so they share one state whatever
       their order. Only versions whose events span decay buckets (a short half-life over a long
       history) add the earlier buckets' totals, and take their next event from a later bucket;
    2. states_at_instants: each state paired with the lead's instants from its event time until
       the version's next event (macros/scoring/scoring.sql, a list filter on DuckDB);
    3. the state decayed to the instant, 0.5 ^ (age / half-life) with an exponent >= 0.

    `windowed` (an incremental run, macros/incremental/incremental.sql): `instants` holds the instants from
    the cutoff on (all of a rescored lead's), and the events before the cutoff enter as one row
    per lead and version, their decayed count at the cutoff, which continues exactly like the
    events themselves. Only the versions with events from the cutoff on take the sorted pass;
    for the others (most of them) the state at the cutoff is the last one. The rule versions'
    first and last events come from those carried rows and the window's events
    (engagement_versions), not from all matched events again. A windowed run reads three more
    relations: `fingerprints` (int_lead_fingerprints), `counts_at_cutoff`
    (int_engagement_counts_at_cutoff) and `engagement_rules` (stg_seeds__engagement_rules).
-#}
{% macro engagement_contribution_ctes(
    matched_events, windowed=false, fingerprints=none, counts_at_cutoff=none, engagement_rules=none
) -%}
{% if windowed %}
-- the events from the cutoff on, and those of rescored leads
window_events as (
    select
        lead_id,
        rule_id,
        valid_from,
        occurred_at
    from {{ matched_events }} as matched_events
    where {{ lead_scoring.in_incremental_window(fingerprints, 'occurred_at') }}
),
{% endif %}

-- each version, and whether its events fall in more than one decay bucket (rare: only a short
-- half-life over a long history does it; a bucket is 512 half-lives)
versions as (
    select
        *,
        {{ lead_scoring.decay_bucket('first_event_at', 'half_life_days') }}
        <> {{ lead_scoring.decay_bucket('last_row_at', 'half_life_days') }} as spans_buckets
    from (
        {{ lead_scoring.engagement_versions(
            matched_events, windowed, counts_at_cutoff=counts_at_cutoff, engagement_rules=engagement_rules
        ) }}
    ) as version_events
),

{% if windowed %}
-- the events before the cutoff of each lead and version, decayed to the cutoff
-- (int_engagement_counts_at_cutoff), and whether the version has events from the cutoff on too
-- (else its state at the cutoff is its last one)
states_at_cutoff as (
    select
        carried.*,
        exists (
            select 1 from window_events
            where
                window_events.lead_id = carried.lead_id
                and window_events.rule_id = carried.rule_id
                and window_events.valid_from = carried.valid_from
        ) as continues
    from {{ counts_at_cutoff }} as carried
),
{% endif %}

-- one row per matched event (and, in an incremental run, per lead and version carried to the
-- cutoff that has later events) with its weight in its decay bucket. Rows at one time (two
-- events, or an event at the cutoff) are peers of the window below, which gives them one
-- state, whatever their order.
event_rows as (
    select
        *,
        decayed_event_count * {{ decay_weight('at_time', 'half_life_days', 'bucket') }} as weight
    from (
        select
            event_rows.*,
            versions.half_life_days,
            versions.spans_buckets,
            {{ decay_bucket('event_rows.at_time', 'versions.half_life_days') }} as bucket
        from (
            select
                lead_id,
                rule_id,
                valid_from,
                occurred_at as at_time,
                cast(1 as {{ dbt.type_bigint() }}) as event_count,
                cast(1.0 as {{ type_double() }}) as decayed_event_count,
                occurred_at as last_event_at
            from {{ 'window_events' if windowed else matched_events }}
            {% if windowed %}
            union all
            select
                lead_id,
                rule_id,
                valid_from,
                at_time,
                event_count,
                decayed_event_count,
                last_event_at
            from states_at_cutoff
            where continues
            {% endif %}
        ) as event_rows
        inner join versions
            on
                event_rows.rule_id = versions.rule_id
                and event_rows.valid_from = versions.valid_from
        where versions.points <> 0
    ) as bucketed
),

-- the state of each lead and version in its decay bucket at each of its event times: one
-- sorted pass (a running sum of bucketed decay weights, macros/scoring/scoring.sql explains the
-- identity). Within a version whose events span buckets, the earlier buckets follow.
event_states as (
    select
        lead_id,
        rule_id,
        valid_from,
        half_life_days,
        spans_buckets,
        bucket,
        at_time,
        sum(weight) over so_far as bucket_weight,
        sum(event_count) over so_far as bucket_event_count,
        max(last_event_at) over so_far as last_event_at,
        -- no frame: Spark allows none on lead(); a peer's next row is at its own time, so only
        -- the last of the peers holds until the next event
        lead(at_time) over (
            partition by lead_id, rule_id, valid_from, bucket
            order by at_time
        ) as next_in_bucket_at
    from event_rows
    window so_far as (
        partition by lead_id, rule_id, valid_from, bucket
        order by at_time
        range between unbounded preceding and current row
    )
),

-- versions whose events span buckets: each bucket's total weight, events and first event
bucket_totals as (
    select
        lead_id,
        rule_id,
        valid_from,
        bucket,
        {{ ordered_sum('weight', 'at_time') }} as bucket_weight,
        sum(event_count) as event_count,
        min(at_time) as first_at
    from event_rows
    where spans_buckets
    group by lead_id, rule_id, valid_from, bucket
),

-- and, at each event time, the earlier buckets' weights decayed to it, their events, and the
-- first event of a later bucket (where the state ends if its own bucket has no later event)
other_buckets as (
    select
        bucket_times.lead_id,
        bucket_times.rule_id,
        bucket_times.valid_from,
        bucket_times.at_time,
        -- the exponent is >= 0, so nothing underflows before it must
        {{ ordered_sum(
            'case when bucket_totals.bucket < bucket_times.bucket then bucket_totals.bucket_weight * ('
            ~ power_of_half(
                decay_bucket_half_lives() ~ ' * (bucket_times.bucket - bucket_totals.bucket)'
                ~ ' - ' ~ half_lives_to_bucket_end(
                    'bucket_times.at_time', 'bucket_times.half_life_days', 'bucket_times.bucket'
                )
            ) ~ ') else 0.0 end',
            'bucket_totals.bucket'
        ) }} as carried_decayed_event_count,
        sum(
            case when bucket_totals.bucket < bucket_times.bucket then bucket_totals.event_count else 0 end
        ) as earlier_event_count,
        min(case when bucket_totals.bucket > bucket_times.bucket then bucket_totals.first_at end) as next_bucket_at
    from (
        select distinct lead_id, rule_id, valid_from, half_life_days, bucket, at_time
        from event_rows
        where spans_buckets
    ) as bucket_times
    inner join bucket_totals
        on
            bucket_times.lead_id = bucket_totals.lead_id
            and bucket_times.rule_id = bucket_totals.rule_id
            and bucket_times.valid_from = bucket_totals.valid_from
            and bucket_totals.bucket <> bucket_times.bucket
    group by
        bucket_times.lead_id,
        bucket_times.rule_id,
        bucket_times.valid_from,
        bucket_times.at_time
),

-- each state holds from its event time until the version's next event, within the version's
-- validity
{%- set next_event = 'coalesce(event_states.next_in_bucket_at, other_buckets.next_bucket_at)' %}
states as (
    select
        event_states.lead_id,
        event_states.rule_id,
        event_states.valid_from,
        event_states.half_life_days,
        event_states.at_time,
        event_states.bucket_event_count
        + coalesce(other_buckets.earlier_event_count, 0) as matched_event_count,
        event_states.last_event_at,
        {{ decayed_count_from_bucket_weight(
            'event_states.bucket_weight', 'event_states.at_time', 'event_states.half_life_days', 'event_states.bucket'
        ) }}
        + coalesce(other_buckets.carried_decayed_event_count, 0.0) as decayed_event_count,
        case
            when versions.valid_from_at > event_states.at_time then versions.valid_from_at
            else event_states.at_time
        end as holds_from,
        case
            when {{ next_event }} is null then versions.valid_to_at
            when versions.valid_to_at is null then {{ next_event }}
            when versions.valid_to_at < {{ next_event }} then versions.valid_to_at
            else {{ next_event }}
        end as holds_until
    from event_states
    inner join versions
        on
            event_states.rule_id = versions.rule_id
            and event_states.valid_from = versions.valid_from
    left join other_buckets
        on
            event_states.lead_id = other_buckets.lead_id
            and event_states.rule_id = other_buckets.rule_id
            and event_states.valid_from = other_buckets.valid_from
            and event_states.at_time = other_buckets.at_time
    {% if windowed %}

    union all

    -- a version with no event from the cutoff on: its state at the cutoff holds from then on
    -- (no sorted pass needed for these, most of the run's states)
    select
        states_at_cutoff.lead_id,
        states_at_cutoff.rule_id,
        states_at_cutoff.valid_from,
        versions.half_life_days,
        states_at_cutoff.at_time,
        states_at_cutoff.event_count as matched_event_count,
        states_at_cutoff.last_event_at,
        states_at_cutoff.decayed_event_count,
        case
            when versions.valid_from_at > states_at_cutoff.at_time then versions.valid_from_at
            else states_at_cutoff.at_time
        end as holds_from,
        versions.valid_to_at as holds_until
    from states_at_cutoff
    inner join versions
        on
            states_at_cutoff.rule_id = versions.rule_id
            and states_at_cutoff.valid_from = versions.valid_from
    where not states_at_cutoff.continues and versions.points <> 0
    {% endif %}
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
            {{ lead_scoring.decay_factor('at_time', 'scored_at', 'half_life_days') }}
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
    For engagement_contribution_ctes: one row per engagement-rule version with matched events,
    its rule columns, its first event and `last_row_at`, the time of its last row in the sorted
    pass. A full build reads them off the matched events. An incremental run (`windowed`) takes
    them from the events carried to the cutoff (int_engagement_counts_at_cutoff keeps the first
    and latest of each lead's) and the window's events, so the 26M matched events at 1M leads
    are not summarised again; the carried events become a row at the cutoff
    (docs/decisions/0001-incremental-from-a-cutoff.md).
-#}
{% macro engagement_versions(matched_events, windowed=false, counts_at_cutoff=none, engagement_rules=none) -%}
    {%- if windowed -%}
    select
        rules.rule_id,
        rules.valid_from,
        rules.valid_from_at,
        rules.valid_to_at,
        rules.points,
        rules.max_points,
        rules.half_life_days,
        event_times.first_event_at,
        greatest(event_times.last_event_at, {{ lead_scoring.incremental_cutoff() }}) as last_row_at
    from (
        select
            rule_id,
            valid_from,
            min(first_event_at) as first_event_at,
            max(last_event_at) as last_event_at
        from (
            select rule_id, valid_from, first_event_at, last_event_at
            from {{ counts_at_cutoff }}
            union all
            select rule_id, valid_from, occurred_at as first_event_at, occurred_at as last_event_at
            from window_events
        ) as carried_and_window
        group by rule_id, valid_from
    ) as event_times
    inner join {{ engagement_rules }} as rules
        on
            event_times.rule_id = rules.rule_id
            and event_times.valid_from = rules.valid_from
    {%- else -%}
    select
        rule_id,
        valid_from,
        valid_from_at,
        valid_to_at,
        points,
        max_points,
        half_life_days,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_row_at
    from {{ matched_events }} as matched_events
    group by rule_id, valid_from, valid_from_at, valid_to_at, points, max_points, half_life_days
    {%- endif -%}
{%- endmacro %}

{#-
    One row per lead and engagement-rule version matched by the events of `matched_events` that
    `where` keeps: the count of those events decayed to `at_time` (which no event is after),
    their number and the latest (and, with `first_event`, the first).
-#}
{% macro decayed_event_counts_at(matched_events, at_time, where, first_event=false) -%}
    select
        {{ matched_events }}.lead_id,
        {{ matched_events }}.rule_id,
        {{ matched_events }}.valid_from,
        {{ at_time }} as at_time,
        count(*) as event_count,
        sum({{ lead_scoring.decay_factor(
            matched_events ~ '.occurred_at', at_time, matched_events ~ '.half_life_days'
        ) }}) as decayed_event_count,
        max({{ matched_events }}.occurred_at) as last_event_at
        {%- if first_event %},
        min({{ matched_events }}.occurred_at) as first_event_at
        {%- endif %}
    from {{ matched_events }}
    where {{ where }}
    group by {{ matched_events }}.lead_id, {{ matched_events }}.rule_id, {{ matched_events }}.valid_from
{%- endmacro %}
