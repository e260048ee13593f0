{#-
    Why each lead has its score at as_of: one row per rule version in force at as_of that affects
    the lead. The rows' points sum to dim_leads.total_score. The engagement rows are the
    versions' decayed counts at as_of, computed straight from the matched events (the same
    formula as int_engagement_contributions_at_instants at its as_of instants, without its
    running sums over every instant). An incremental run (macros/incremental/incremental.sql) starts from
    the counts at the cutoff (int_engagement_counts_at_cutoff) decayed on to as_of, and adds the
    events from the cutoff on (all of a rescored lead's): the 26M matched events at 1M leads
    are not aggregated a second time.
-#}
{%- set lead_fingerprints = ref('int_lead_fingerprints') %}
{%- set counts_at_cutoff = ref('int_engagement_counts_at_cutoff') %}
{%- set continues = lead_scoring.continues_previous_build() %}
{%- set counted = is_in_force('matched_events', as_of()) ~ ' and matched_events.points <> 0' %}

{#- the engagement rows' counts: an incremental run starts from int_engagement_counts_at_cutoff -#}
{%- set engagement_counts_sql -%}
    {%- if continues -%}
    select
        lead_id,
        rule_id,
        valid_from,
        {{ as_of() }} as at_time,
        sum(event_count) as event_count,
        sum(decayed_event_count) as decayed_event_count,
        max(last_event_at) as last_event_at
    from (
        -- the events before the cutoff: their count at the cutoff, decayed on to as_of
        select
            counts.lead_id,
            counts.rule_id,
            counts.valid_from,
            counts.event_count,
            counts.decayed_event_count * {{ lead_scoring.decay_factor(
                'counts.at_time', as_of(), 'engagement_rules.half_life_days'
            ) }} as decayed_event_count,
            counts.last_event_at
        from {{ counts_at_cutoff }} as counts
        inner join engagement_rules
            on
                counts.rule_id = engagement_rules.rule_id
                and counts.valid_from = engagement_rules.valid_from
        where {{ is_in_force('engagement_rules', as_of()) }} and engagement_rules.points <> 0

        union all

        -- the events from the cutoff on
        select
            lead_id,
            rule_id,
            valid_from,
            event_count,
            decayed_event_count,
            last_event_at
        from (
            {{ lead_scoring.decayed_event_counts_at(
                'matched_events',
                as_of(),
                counted ~ ' and ' ~ lead_scoring.in_incremental_window(
                    lead_fingerprints, 'matched_events.occurred_at', 'matched_events.lead_id'
                )
            ) }}
        ) as window_counts
    ) as parts
    group by lead_id, rule_id, valid_from
    {%- else -%}
        {{ lead_scoring.decayed_event_counts_at('matched_events', as_of(), counted) }}
    {%- endif -%}
{%- endset %}

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
    {{ engagement_counts_sql }}
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
