{#-
    A report's summed count column equals the number of `dim_leads` rows matching `lead_filter`,
    so report totals always reconcile with the lead dimension (null counts sum as 0).
-#}
{% test totals_reconcile_with_dim_leads(model, column_name, dim_leads, lead_filter='1 = 1') %}
    select report_total, lead_total
    from (
        select coalesce(sum({{ column_name }}), 0) as report_total from {{ model }}
    ) as report
    cross join (
        select count(*) as lead_total from {{ dim_leads }} where {{ lead_filter }}
    ) as leads
    where report_total <> lead_total
{% endtest %}
