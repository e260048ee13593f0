{#- Each lead's mql_count in `dim_leads` equals its number of rows in the MQL fact (none: 0). -#}
{% test mql_count_matches_dim_leads(model, dim_leads) %}
    select dim_leads.lead_id, dim_leads.mql_count, coalesce(counted.mql_rows, 0) as mql_rows
    from {{ dim_leads }} as dim_leads
    left join (
        select lead_id, count(*) as mql_rows from {{ model }} group by lead_id
    ) as counted
        on dim_leads.lead_id = counted.lead_id
    where dim_leads.mql_count <> coalesce(counted.mql_rows, 0)
{% endtest %}
