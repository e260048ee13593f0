with

leads as (
    select * from {{ ref('int_leads_joined_to_accounts') }}
),

scores as (
    select * from {{ ref('int_lead_scores_at_instants') }}
    where scored_at = {{ as_of() }}
),

final as (
    select
        ---------- ids
        leads.lead_id,
        leads.account_id,
        ---------- lead attributes
        leads.email,
        leads.job_title,
        leads.country,
        leads.lead_source,
        leads.email_domain,
        ---------- account attributes
        leads.account_name,
        leads.industry,
        leads.account_country,
        leads.employee_count,
        leads.annual_revenue,
        ---------- scores at as_of
        scores.fit_score,
        scores.engagement_score,
        scores.total_score,
        scores.fit_grade,
        scores.engagement_band,
        scores.priority,
        ---------- booleans
        scores.is_disqualified,
        scores.meets_mql_criteria,
        leads.has_unknown_account,
        ---------- timestamps
        leads.created_at
    from leads
    inner join scores
        on leads.lead_id = scores.lead_id
)

select * from final
