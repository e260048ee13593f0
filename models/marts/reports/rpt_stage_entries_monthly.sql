{#- Period volumes for trend charts: stage and status entries per calendar month and lead source. -#}
with

transitions as (
    select * from {{ ref('fct_lifecycle_transitions') }}
),

leads as (
    select * from {{ ref('dim_leads') }}
),

entries as (
    select
        cast({{ dbt.date_trunc('month', 'transitions.entered_at') }} as date) as entry_month,
        transitions.stage,
        coalesce(leads.lead_source, '(none)') as lead_source,
        transitions.lead_id
    from transitions
    inner join leads
        on transitions.lead_id = leads.lead_id
),

final as (
    select
        entry_month,
        stage,
        lead_source,
        cast(count(*) as {{ dbt.type_bigint() }}) as entries,
        cast(count(distinct lead_id) as {{ dbt.type_bigint() }}) as leads_entering
    from entries
    group by entry_month, stage, lead_source
)

select * from final
