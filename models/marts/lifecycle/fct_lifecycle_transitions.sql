{#- One row per stage or status a lead enters, in order (docs/semantics.md §4). -#}
with

leads as (
    select * from {{ ref('int_leads_joined_to_accounts') }}
),

steps as (
    select * from {{ ref('lifecycle_steps') }}
),

created as (
    select
        lead_id,
        'lead' as stage,
        cast(null as {{ dbt.type_string() }}) as previous_stage,
        'created' as entry_trigger,
        cast(null as {{ dbt.type_string() }}) as disposition_id,
        0 as step_number,
        0 as step_part,
        created_at as entered_at
    from leads
),

resets as (
    select
        lead_id,
        stage_after as stage,
        stage_before as previous_stage,
        'disposition' as entry_trigger,
        step_key as disposition_id,
        step_number,
        1 as step_part,
        step_at as entered_at
    from steps
    where is_reset and stage_after <> stage_before
),

backfilled_sqls as (
    select
        lead_id,
        'sql' as stage,
        stage_before as previous_stage,
        'opportunity_backfill' as entry_trigger,
        cast(null as {{ dbt.type_string() }}) as disposition_id,
        step_number,
        1 as step_part,
        step_at as entered_at
    from steps
    where level > previous_level and level = 3 and previous_level < 2
),

moves_up as (
    select
        lead_id,
        stage_after as stage,
        case when level = 3 and previous_level < 2 then 'sql' else stage_before end as previous_stage,
        case
            when level = 1 then mql_trigger
            when level = 2 and step_kind = 1 then 'sql_promotion'
            when level = 2 then 'accepted'
            when level = 3 then 'opportunity_created'
            else 'opportunity_won'
        end as entry_trigger,
        -- an accepted disposition (kind 2) moves a lead up too
        case when step_kind = 2 then step_key end as disposition_id,
        step_number,
        2 as step_part,
        step_at as entered_at
    from steps
    where level > previous_level
),

unioned as (
    select * from created
    union all
    select * from resets
    union all
    select * from backfilled_sqls
    union all
    select * from moves_up
),

final as (
    select
        lead_id,
        cast(row_number() over (partition by lead_id order by step_number, step_part) as {{ dbt.type_bigint() }})
            as transition_number,
        stage,
        previous_stage,
        entry_trigger,
        disposition_id,
        entered_at
    from unioned
)

select * from final
