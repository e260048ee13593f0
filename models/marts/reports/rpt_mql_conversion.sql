{#-
    Cohort MQL->SQL conversion: leads grouped by the month of their first MQL, lead source and
    fit grade at that MQL. A lead converts when that MQL goes on to SQL (its outcome accepted,
    dim_leads.first_mql_to_sql_at) within var('mql_conversion_window_days') of it
    (docs/semantics.md §5).
-#}
{%- set window_days = var('mql_conversion_window_days') %}

with

leads as (
    select * from {{ ref('dim_leads') }}
    where first_mql_at is not null
),

first_mqls as (
    select * from {{ ref('fct_mqls') }}
    where mql_number = 1
),

cohorted as (
    select
        cast({{ dbt.date_trunc('month', 'leads.first_mql_at') }} as date) as cohort_month,
        coalesce(leads.lead_source, '(none)') as lead_source,
        first_mqls.fit_grade_at_mql as fit_grade,
        {{ seconds_between('leads.first_mql_at', 'leads.first_mql_to_sql_at') }} / 86400.0
            as days_to_sql
    from leads
    inner join first_mqls
        on leads.lead_id = first_mqls.lead_id
),

converted as (
    select
        *,
        coalesce(days_to_sql <= {{ window_days }}, false) as is_sql_within_window
    from cohorted
),

aggregated as (
    select
        cohort_month,
        lead_source,
        fit_grade,
        count(*) as mqls,
        sum(case when is_sql_within_window then 1 else 0 end) as sqls_within_window,
        {{ median('case when is_sql_within_window then days_to_sql end') }} as median_days_mql_to_sql
    from converted
    group by cohort_month, lead_source, fit_grade
),

final as (
    select
        cohort_month,
        lead_source,
        fit_grade,
        cast(mqls as {{ dbt.type_bigint() }}) as mqls,
        cast(sqls_within_window as {{ dbt.type_bigint() }}) as sqls_within_window,
        cast(sqls_within_window as {{ type_double() }}) / mqls as mql_to_sql_rate,
        cast(median_days_mql_to_sql as {{ type_double() }}) as median_days_mql_to_sql,
        {{ dbt.dateadd('day', window_days, dbt.dateadd('month', 1, 'cohort_month')) }} <= {{ as_of() }}
            as is_cohort_complete,
        {{ window_days }} as conversion_window_days
    from aggregated
)

select * from final
