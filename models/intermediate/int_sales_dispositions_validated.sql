{#- Every staged disposition with its final data-quality verdict (dq_issue null: it is used). -#}
with

dispositions as (
    select * from {{ ref('stg_raw__sales_dispositions') }}
),

leads as (
    select * from {{ ref('int_leads_joined_to_accounts') }}
),

leads_after_as_of as (
    select distinct lead_id from {{ ref('stg_raw__leads') }}
    where dq_issue = 'after_as_of'
),

validated as (
    select
        ---------- ids
        dispositions.disposition_id,
        dispositions.lead_id,
        ---------- attributes
        dispositions.status,
        dispositions.reason,
        ---------- data quality
        case
            when dispositions.dq_issue is not null then dispositions.dq_issue
            when leads.lead_id is null and leads_after_as_of.lead_id is not null then 'lead_after_as_of'
            when leads.lead_id is null then 'unknown_lead'
        end as dq_issue,
        dispositions.decided_at < leads.created_at as is_before_lead_created,
        ---------- timestamps
        dispositions.decided_at,
        -- a decision stamped before the lead existed takes effect when it was created
        case
            when dispositions.decided_at < leads.created_at then leads.created_at
            else dispositions.decided_at
        end as effective_at
    from dispositions
    left join leads
        on dispositions.lead_id = leads.lead_id
    left join leads_after_as_of
        on dispositions.lead_id = leads_after_as_of.lead_id
)

select * from validated
