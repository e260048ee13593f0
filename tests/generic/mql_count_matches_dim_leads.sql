{#- dim_leads.mql_count equals the lead's number of rows in the MQL fact. -#}
{% test mql_count_matches_dim_leads(model) %}
    select dim_leads.lead_id, dim_leads.mql_count, coalesce(counted.mql_rows, 0) as mql_rows
    from {{ ref('dim_leads') }} as dim_leads
    left join (
        select lead_id, count(*) as mql_rows from {{ model }} group by lead_id
    ) as counted
        on dim_leads.lead_id = counted.lead_id
    where dim_leads.mql_count <> coalesce(counted.mql_rows, 0)
{% endtest %}
