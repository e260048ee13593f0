{#-
    The funnel by lead-created month and lead source: how many leads ever reached each stage by
    as_of, and the stage-to-stage rates. MQL->SQL counts the leads with an MQL that went on to
    SQL (outcome accepted in fct_mqls): an SQL that skipped the MQL (before it, or after a
    recycle with no new MQL) is not a conversion.
-#}
with

leads as (
    select * from {{ ref('dim_leads') }}
),

leads_with_an_accepted_mql as (
    select distinct lead_id from {{ ref('fct_mqls') }}
    where outcome = 'accepted'
),

cohorted as (
    select
        cast({{ dbt.date_trunc('month', 'leads.created_at') }} as date) as cohort_month,
        coalesce(leads.lead_source, '(none)') as lead_source,
        leads.first_mql_at is not null as is_mql,
        leads.first_sql_at is not null as is_sql,
        leads_with_an_accepted_mql.lead_id is not null as is_sql_after_mql,
        leads.first_opportunity_at is not null as is_opportunity,
        leads.customer_at is not null as is_customer
    from leads
    left join leads_with_an_accepted_mql
        on leads.lead_id = leads_with_an_accepted_mql.lead_id
),

aggregated as (
    select
        cohort_month,
        lead_source,
        count(*) as leads,
        sum(case when is_mql then 1 else 0 end) as mqls,
        sum(case when is_sql then 1 else 0 end) as sqls,
        sum(case when is_sql_after_mql then 1 else 0 end) as mqls_reaching_sql,
        sum(case when is_opportunity then 1 else 0 end) as opportunities,
        sum(case when is_customer then 1 else 0 end) as customers
    from cohorted
    group by cohort_month, lead_source
),

final as (
    select
        cohort_month,
        lead_source,
        cast(leads as {{ dbt.type_bigint() }}) as leads,
        cast(mqls as {{ dbt.type_bigint() }}) as mqls,
        cast(sqls as {{ dbt.type_bigint() }}) as sqls,
        cast(mqls_reaching_sql as {{ dbt.type_bigint() }}) as mqls_reaching_sql,
        cast(opportunities as {{ dbt.type_bigint() }}) as opportunities,
        cast(customers as {{ dbt.type_bigint() }}) as customers,
        cast(mqls as {{ type_double() }}) / nullif(leads, 0) as lead_to_mql_rate,
        cast(mqls_reaching_sql as {{ type_double() }}) / nullif(mqls, 0) as mql_to_sql_rate,
        cast(opportunities as {{ type_double() }}) / nullif(sqls, 0) as sql_to_opportunity_rate,
        cast(customers as {{ type_double() }}) / nullif(opportunities, 0) as opportunity_to_customer_rate,
        cast(customers as {{ type_double() }}) / nullif(leads, 0) as lead_to_customer_rate
    from aggregated
)

select * from final
