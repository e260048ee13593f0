{#-
    The lifecycle state machine of spec §5 (docs/semantics.md §4), one row per step that can move
    a lead: every sales disposition (kind 2), opportunity creation (3) and win (4), and each
    evaluation instant (1, from the scores of fct_lead_score_history, the one table of scores per
    instant) that meets the MQL criteria or carries a promotion; in order of (time, kind, key),
    numbered per lead by step_number. The other instants cannot change a lead's stage (they leave
    it where the previous step put it), so they are not steps: at 1M leads they are four fifths
    of the instants (docs/benchmarks.md).

    No recursion is needed. `customer` is absorbing, so the recycled/disqualified dispositions
    before the first win ("resets") cut a lead's steps into segments, each starting from a base
    state (lead, recycled or disqualified). Within a segment the stage only moves up, so it is
    the running maximum of each step's target level: 1 mql, 2 sql, 3 opportunity, 4 customer.

    Incremental (macros/incremental/incremental.sql, macros/lifecycle/lifecycle.sql): a lead's steps depend on its
    steps only. The pre-hook (lifecycle_leads_restepped) deletes every step from the cutoff on,
    and all the steps of the leads whose earlier steps can have changed (rescored leads, and
    leads whose dispositions or opportunities before the cutoff changed); the run computes
    those leads' steps whole, and continues every other lead with a step from the cutoff on
    from its last kept step: one carried row holds the running values (step number, segment,
    segment base, level, first win) the windows below would have reached there. At 1M leads
    that is 260k of 4.8M rows, instead of the 2.0M rows of the 60k leads with such a step.

    A model of the marts layer, as it reads the mart of scores (an intermediate copy of those
    would cost a second 23M-row table: docs/decisions/0018-dag-layers.md), but
    protected and stored in the intermediate schema: the lifecycle marts read it, BI does not.
-#}
{%- set lead_fingerprints = ref('int_lead_fingerprints') %}
{{ lead_scoring.incremental_window_config([
    "lead_scoring.in_incremental_window(ref('int_lead_fingerprints'))",
    "lead_scoring.lifecycle_leads_restepped(ref('int_sales_dispositions_validated'), ref('int_opportunities_validated'))",
]) }}
{%- set windowed = lead_scoring.is_incremental_window() %}
{%- set carried_columns = {
    'carried_step_number': dbt.type_bigint(),
    'carried_segment_number': dbt.type_bigint(),
    'carried_base_key': dbt.type_bigint(),
    'carried_level_key': dbt.type_bigint(),
    'carried_first_win_at': dbt.type_timestamp(),
} %}
{%- set carried_nulls = [] %}
{%- for column, type in carried_columns.items() %}
    {%- do carried_nulls.append('cast(null as ' ~ type ~ ') as ' ~ column) %}
{%- endfor %}
{%- set carried_nulls = carried_nulls | join(', ') %}

with

scores as (
    select * from {{ ref('fct_lead_score_history') }}
),

matched_events as (
    select * from {{ ref('int_events_matched_to_rules') }}
),

dispositions as (
    select * from {{ ref('int_sales_dispositions_validated') }}
    where dq_issue is null
),

opportunities as (
    select * from {{ ref('int_opportunities_validated') }}
    where dq_issue is null
),

promotions as (
    select
        lead_id,
        counted_at,
        max(case when promotes_to = 'mql' then 1 else 0 end) = 1 as has_mql_promotion,
        max(case when promotes_to = 'sql' then 1 else 0 end) = 1 as has_sql_promotion
    from matched_events
    where
        promotes_to is not null
        and {{ is_in_force('matched_events', 'matched_events.occurred_at') }}
    group by lead_id, counted_at
),

all_steps as (
    select
        scores.lead_id,
        scores.scored_at as step_at,
        1 as step_kind,
        cast('' as {{ dbt.type_string() }}) as step_key,
        cast(null as {{ dbt.type_string() }}) as disposition_status,
        scores.meets_mql_criteria,
        scores.is_event_instant,
        scores.is_disqualified,
        coalesce(promotions.has_mql_promotion, false) as has_mql_promotion,
        coalesce(promotions.has_sql_promotion, false) as has_sql_promotion
    from scores
    left join promotions
        on
            scores.lead_id = promotions.lead_id
            and scores.scored_at = promotions.counted_at
    where scores.meets_mql_criteria or promotions.lead_id is not null

    union all

    {{ lead_scoring.lifecycle_record_steps('dispositions', 'opportunities') }}
),

{%- if windowed %}

-- an incremental run: the last kept step of each lead with a step from the cutoff on, and the
-- running values there (a carried row, step kind 0, before the lead's new steps)
kept_last_steps as (
    select
        lead_id,
        step_at,
        cast(step_number as {{ dbt.type_bigint() }}) as carried_step_number,
        cast(segment_number as {{ dbt.type_bigint() }}) as carried_segment_number,
        cast(
            case segment_base
                when 'recycled' then segment_number * 4 + 1
                when 'disqualified' then segment_number * 4 + 2
            end as {{ dbt.type_bigint() }}
        ) as carried_base_key,
        cast(segment_number * 8 + level as {{ dbt.type_bigint() }}) as carried_level_key,
        carried_first_win_at
    from (
        select
            *,
            row_number() over (partition by lead_id order by step_number desc) as recency,
            min(case when step_kind = 4 then step_at end) over (
                partition by lead_id
            ) as carried_first_win_at
        from {{ this }}
        where lead_id in (
            select all_steps.lead_id from all_steps
            where all_steps.step_at >= {{ lead_scoring.incremental_cutoff() }}
        )
    ) as kept
    where recency = 1
),

{%- endif %}

-- in an incremental run, the leads without kept rows (new, rescored, changed before the
-- cutoff): all their steps; the others: their steps from the cutoff on, after the carried row
steps as (
    select
        *,
        false as is_carried,
        {{ carried_nulls }}
    from all_steps
    {%- if windowed %}
    where
        not exists (
            select 1 from {{ this }} as kept
            where kept.lead_id = all_steps.lead_id
        )
        or (
            all_steps.lead_id in (select kept_last_steps.lead_id from kept_last_steps)
            and all_steps.step_at >= {{ lead_scoring.incremental_cutoff() }}
        )

    union all

    select
        lead_id,
        step_at,
        0,
        '',
        null,
        false,
        false,
        false,
        false,
        false,
        true,
        {{ carried_columns.keys() | join(', ') }}
    from kept_last_steps
    {%- endif %}
),

-- the first win step of each lead: customer is absorbing, so only the dispositions before it
-- reset (a disposition at the win's time comes first: kind 2 before kind 4)
first_wins as (
    select
        lead_id,
        min(case when is_carried then carried_first_win_at else step_at end) as first_win_at
    from steps
    where step_kind = 4 or is_carried
    group by lead_id
),

resets as (
    select
        steps.*,
        coalesce(
            steps.step_kind = 2
            and steps.disposition_status in ('recycled', 'disqualified')
            and (first_wins.first_win_at is null or steps.step_at <= first_wins.first_win_at),
            false
        ) as is_reset
    from steps
    left join first_wins
        on steps.lead_id = first_wins.lead_id
),

-- Three passes over each lead's steps in order, one sort each (the per-segment windows took
-- six). A segment runs from one reset to the next, so a running value within the segment is a
-- running maximum over the lead's steps of a number that grows with segment_number:
-- segment_number * 4 + the reset's status (1 recycled, 2 disqualified) gives the segment's
-- base, segment_number * 8 + target_level (0 to 4) its level; the low part is the current
-- segment's, since its numbers are above every earlier segment's.
segmented as (
    select
        *,
        cast(sum(case when is_carried then carried_step_number else 1 end) over (
            partition by lead_id
            order by step_at, step_kind, step_key
            rows between unbounded preceding and current row
        ) as {{ dbt.type_bigint() }}) as step_number,
        sum(case when is_carried then carried_segment_number when is_reset then 1 else 0 end) over (
            partition by lead_id
            order by step_at, step_kind, step_key
            rows between unbounded preceding and current row
        ) as segment_number
    from resets
),

based as (
    select
        *,
        max(
            case
                when is_carried then carried_base_key
                when is_reset then segment_number * 4 + case when disposition_status = 'recycled' then 1 else 2 end
            end
        ) over (
            partition by lead_id order by step_number rows between unbounded preceding and current row
        ) as base_key
    from segmented
),

targeted as (
    select
        *,
        case
            when step_kind = 4 then 4
            when step_kind = 3 then 3
            when segment_base = 'disqualified' then 0
            when step_kind = 2 and disposition_status = 'accepted' then 2
            when step_kind = 1 and has_sql_promotion then 2
            when step_kind = 1 and has_mql_promotion and not is_disqualified then 1
            when step_kind = 1 and meets_mql_criteria and (segment_base = 'lead' or is_event_instant) then 1
            else 0
        end as target_level
    from (
        select
            *,
            {{ lead_scoring.lifecycle_segment_base('base_key', 'segment_number') }} as segment_base
        from based
    ) as with_base
),

leveled as (
    select
        *,
        max(case when is_carried then carried_level_key else segment_number * 8 + target_level end) over (
            partition by lead_id order by step_number rows between unbounded preceding and current row
        ) as level_key,
        -- the previous step's: its level (with its segment), segment and segment base
        max(case when is_carried then carried_level_key else segment_number * 8 + target_level end) over (
            partition by lead_id order by step_number rows between unbounded preceding and 1 preceding
        ) as previous_level_key,
        max(segment_number) over (
            partition by lead_id order by step_number rows between unbounded preceding and 1 preceding
        ) as previous_segment_number,
        max(base_key) over (
            partition by lead_id order by step_number rows between unbounded preceding and 1 preceding
        ) as previous_base_key
    from targeted
),

staged as (
    select
        *,
        cast(level_key - segment_number * 8 as {{ dbt.type_int() }}) as level,
        cast(
            case
                when previous_level_key is null or previous_segment_number < segment_number then 0
                else previous_level_key - segment_number * 8
            end as {{ dbt.type_int() }}
        ) as previous_level,
        {{ lead_scoring.lifecycle_stage('level_key - segment_number * 8', 'segment_base') }} as stage_after,
        case
            when previous_level_key is null then 'lead'
            else {{ lead_scoring.lifecycle_stage(
                'previous_level_key - previous_segment_number * 8',
                lead_scoring.lifecycle_segment_base('previous_base_key', 'previous_segment_number')
            ) }}
        end as stage_before
    from leveled
),

final as (
    select
        lead_id,
        step_number,
        step_at,
        step_kind,
        step_key,
        disposition_status,
        is_reset,
        segment_number,
        segment_base,
        target_level,
        previous_level,
        level,
        stage_after,
        stage_before,
        case when has_mql_promotion then 'hand_raiser' else 'score' end as mql_trigger
    from staged
    where not is_carried
)

select * from final
