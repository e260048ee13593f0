{#-
    For every lead of `dim_leads`, its score contributions' points sum to its total_score (within
    1e-9 relative); a lead without contributions sums to 0.
-#}
{% test contributions_sum_to_total_score(model, dim_leads) %}
    select dim_leads.lead_id, dim_leads.total_score, coalesce(summed.points, 0) as contribution_points
    from {{ dim_leads }} as dim_leads
    left join (
        select lead_id, sum(points) as points from {{ model }} group by lead_id
    ) as summed
        on dim_leads.lead_id = summed.lead_id
    where
        abs(dim_leads.total_score - coalesce(summed.points, 0))
        > 1e-9 * greatest(1.0, abs(dim_leads.total_score))
{% endtest %}
