with

leads as (
    select * from {{ ref('stg_raw__leads') }}
    where dq_issue is null
),

accounts as (
    select * from {{ ref('stg_raw__accounts') }}
    where dq_issue is null
),

joined as (
    select
        ---------- ids
        leads.lead_id,
        leads.account_id,
        ---------- lead attributes
        leads.email,
        leads.email_domain,
        leads.job_title,
        leads.country,
        leads.lead_source,
        ---------- account attributes
        accounts.account_name,
        accounts.industry,
        accounts.country as account_country,
        accounts.employee_count,
        accounts.annual_revenue,
        ---------- data quality
        leads.account_id is not null and accounts.account_id is null as has_unknown_account,
        ---------- timestamps
        leads.created_at
    from leads
    left join accounts
        on leads.account_id = accounts.account_id
)

select * from joined
